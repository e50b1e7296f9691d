-- forkcast schema, version 5: background jobs (cgi/worker/) and the EC2 instances forkcast
-- launched or follows, with their state history (cgi/pages/instances.c, docs/ec2.md).

-- One job of a registered type. A worker claims a due job (queued and run_at_ms reached, or
-- running with a lease that ended because its worker stopped), runs one step of it and
-- records the outcome: queued again for later (a poll, or a retry with backoff), done or
-- failed. Times ending in _ms are milliseconds since the epoch, the others seconds.
CREATE TABLE jobs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused after a prune
  type           TEXT NOT NULL,
  dedupe_key     TEXT,                               -- NULL: none; else unique
  state          TEXT NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'done', 'failed')),
  payload        TEXT NOT NULL DEFAULT '{}',
  progress       TEXT NOT NULL DEFAULT '{}',
  message        TEXT NOT NULL DEFAULT '',
  attempts       INTEGER NOT NULL DEFAULT 0,         -- failed runs
  max_attempts   INTEGER NOT NULL DEFAULT 0,         -- 0: the worker's Worker.MaxAttempts
  runs           INTEGER NOT NULL DEFAULT 0,         -- claims
  run_at_ms      INTEGER NOT NULL,
  worker         TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  finished_at    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (state, run_at_ms);
CREATE INDEX jobs_by_type ON jobs (type, id);

-- EC2 instances as forkcast last saw them, and what it is doing with each (status:
-- following | ready | no-ip | done | timeout | ended | error | '').
CREATE TABLE ec2_instances (
  instance_id   TEXT PRIMARY KEY,
  name          TEXT NOT NULL DEFAULT '',
  image_id      TEXT NOT NULL DEFAULT '',
  instance_type TEXT NOT NULL DEFAULT '',
  state         TEXT NOT NULL DEFAULT '',
  public_ip     TEXT NOT NULL DEFAULT '',
  private_ip    TEXT NOT NULL DEFAULT '',
  subnet_id     TEXT NOT NULL DEFAULT '',
  launch_time   TEXT NOT NULL DEFAULT '',
  client_token  TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT '',
  message       TEXT NOT NULL DEFAULT '',
  launched_by   INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX ec2_instances_token ON ec2_instances (client_token) WHERE client_token <> '';
CREATE INDEX ec2_instances_created ON ec2_instances (created_at);

-- State history: each state EC2 reported, when forkcast saw it first, and notes (state '').
CREATE TABLE ec2_instance_events (
  id          INTEGER PRIMARY KEY,
  instance_id TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  at_ms       INTEGER NOT NULL
);
CREATE INDEX ec2_instance_events_by_instance ON ec2_instance_events (instance_id, at_ms, id);
