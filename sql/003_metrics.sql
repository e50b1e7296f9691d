-- forkcast schema, version 3: request metrics for the admin health page (core/metrics.c).
-- Every FastCGI process adds its per-minute buckets here (summing), so the page sees all of
-- them. Rows older than Metrics.KeepHours (24 h) are deleted.

-- One row per minute (unix time / 60), route pattern and status: the request count, the
-- summed and largest server time (ms) and a latency histogram: bK counts requests whose time
-- fell in bucket K (K = 0: <= 0.1 ms; bucket K ends at 0.1 * 2^(K/2) ms; b39 is open-ended).
CREATE TABLE metrics_requests (
  minute  INTEGER NOT NULL,
  route   TEXT NOT NULL,
  status  INTEGER NOT NULL,
  count   INTEGER NOT NULL DEFAULT 0,
  sum_ms  REAL NOT NULL DEFAULT 0,
  max_ms  REAL NOT NULL DEFAULT 0,
  b0 INTEGER NOT NULL DEFAULT 0,
  b1 INTEGER NOT NULL DEFAULT 0,
  b2 INTEGER NOT NULL DEFAULT 0,
  b3 INTEGER NOT NULL DEFAULT 0,
  b4 INTEGER NOT NULL DEFAULT 0,
  b5 INTEGER NOT NULL DEFAULT 0,
  b6 INTEGER NOT NULL DEFAULT 0,
  b7 INTEGER NOT NULL DEFAULT 0,
  b8 INTEGER NOT NULL DEFAULT 0,
  b9 INTEGER NOT NULL DEFAULT 0,
  b10 INTEGER NOT NULL DEFAULT 0,
  b11 INTEGER NOT NULL DEFAULT 0,
  b12 INTEGER NOT NULL DEFAULT 0,
  b13 INTEGER NOT NULL DEFAULT 0,
  b14 INTEGER NOT NULL DEFAULT 0,
  b15 INTEGER NOT NULL DEFAULT 0,
  b16 INTEGER NOT NULL DEFAULT 0,
  b17 INTEGER NOT NULL DEFAULT 0,
  b18 INTEGER NOT NULL DEFAULT 0,
  b19 INTEGER NOT NULL DEFAULT 0,
  b20 INTEGER NOT NULL DEFAULT 0,
  b21 INTEGER NOT NULL DEFAULT 0,
  b22 INTEGER NOT NULL DEFAULT 0,
  b23 INTEGER NOT NULL DEFAULT 0,
  b24 INTEGER NOT NULL DEFAULT 0,
  b25 INTEGER NOT NULL DEFAULT 0,
  b26 INTEGER NOT NULL DEFAULT 0,
  b27 INTEGER NOT NULL DEFAULT 0,
  b28 INTEGER NOT NULL DEFAULT 0,
  b29 INTEGER NOT NULL DEFAULT 0,
  b30 INTEGER NOT NULL DEFAULT 0,
  b31 INTEGER NOT NULL DEFAULT 0,
  b32 INTEGER NOT NULL DEFAULT 0,
  b33 INTEGER NOT NULL DEFAULT 0,
  b34 INTEGER NOT NULL DEFAULT 0,
  b35 INTEGER NOT NULL DEFAULT 0,
  b36 INTEGER NOT NULL DEFAULT 0,
  b37 INTEGER NOT NULL DEFAULT 0,
  b38 INTEGER NOT NULL DEFAULT 0,
  b39 INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, route, status)
) WITHOUT ROWID;

-- Named counters per minute: rec.fallback, store.error, aws.<service>.calls...
CREATE TABLE metrics_counters (
  minute  INTEGER NOT NULL,
  name    TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, name)
) WITHOUT ROWID;
