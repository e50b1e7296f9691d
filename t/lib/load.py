"""load: an asyncio HTTP/1.1 load generator for forkcast (t/soak.t, t/faults.t, tools/soak.sh).

Holds N keep-alive connections on raw sockets against lighttpd + forkcast and mixes logged-in
reads (home, feed, restaurant pages, profiles, the saved list) with writes (reviews, want-to-go
saves, friend requests). Every write the server acknowledged (its 303 redirect) is recorded so
that verify() can check afterwards, in the SQLite file, that each one is in the store.

Write partitioning makes "the last acknowledged write" well defined: connection k of user u
only writes reviews and saves for restaurants whose index is k modulo the number of
connections u has, so no two connections ever write the same (user, restaurant) row.

Used as a library: see run_load(); standalone: python3 t/lib/load.py --help."""
import asyncio
import hashlib
import os
import random
import re
import sqlite3
import time
import urllib.parse

PASSWORD = "forkcast-demo"


class ConnError(Exception):
    """The connection failed: refused, reset, closed mid-answer or timed out."""


class HttpConn:
    """One keep-alive HTTP/1.1 connection; reconnects (counted) when the server closes it
    cleanly between requests (Connection: close, keep-alive limits)."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None
        self.reconnects = 0
        self.cookies = {}

    async def _open(self):
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout)

    def close(self):
        if self.writer:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method, path, form=None, headers=None):
        """Returns (status, headers {lower: [values]}, body bytes); raises ConnError."""
        body = b""
        h = {"Host": "%s:%d" % (self.host, self.port), "Connection": "keep-alive"}
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(headers or {})
        if body or method == "POST":
            h["Content-Length"] = str(len(body))
        raw = ("%s %s HTTP/1.1\r\n" % (method, path)
               + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n").encode() + body
        try:
            return await asyncio.wait_for(self._exchange(raw, method), self.timeout)
        except asyncio.TimeoutError:
            self.close()
            raise ConnError("timeout after %.0f s: %s %s" % (self.timeout, method, path))
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            self.close()
            raise ConnError("%s: %s %s" % (type(e).__name__, method, path))

    async def _exchange(self, raw, method):
        if self.writer is None:
            await self._open()
        self.writer.write(raw)
        await self.writer.drain()
        line = await self.reader.readuntil(b"\r\n")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ValueError("bad status line %r" % line[:80])
        status = int(parts[1])
        headers = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            k, _, v = line.decode("latin-1").partition(":")
            headers.setdefault(k.strip().lower(), []).append(v.strip())
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"][0]))
        else:  # close-delimited
            body = await self.reader.read()
            self.close()
        for v in headers.get("set-cookie", []):
            name, _, rest = v.partition("=")
            if "Max-Age=0" in rest:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
            self.reconnects += 1
        return status, headers, body


class Stats:
    def __init__(self):
        self.by_status = {}
        self.by_kind = {}
        self.conn_errors = []
        self.server_errors = []   # (status, method, path, first bytes of the page)
        self.unexpected = []      # 4xx where none was expected
        self.latencies = []
        self.requests = 0
        self.reconnects = 0
        # acknowledged writes
        self.reviews = {}         # (user, rid) -> last acknowledged body
        self.review_acks = 0
        self.saves = set()        # (user, rid)
        self.friend_reqs = set()  # (user, other)
        self.failed_writes = []   # (kind, key, status or error) answered with an error
        # review texts sent per (user, rid), in order, each with True when acknowledged
        self.review_history = {}

    def count(self, kind, status, dt):
        self.requests += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        self.latencies.append(dt)

    def percentile(self, p):
        if not self.latencies:
            return 0.0
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(len(s) * p))]


async def login(host, port, user, timeout=60):
    """Logs user in; returns (session cookies, CSRF token)."""
    c = HttpConn(host, port, timeout)
    try:
        st, _, body = await c.request("GET", "/login")
        m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body)
        if st != 200 or not m:
            raise RuntimeError("log-in form: %d" % st)
        st, _, body = await c.request("POST", "/login", form={
            "csrf": m.group(1).decode(), "username": user, "password": PASSWORD})
        if st != 303 or "fc_session" not in c.cookies:
            raise RuntimeError("log-in of %s: %d %s" % (user, st, body[:200]))
        st, _, body = await c.request("GET", "/saved")
        m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body)
        if st != 200 or not m:
            raise RuntimeError("no CSRF token after log-in: %d" % st)
        return dict(c.cookies), m.group(1).decode()
    finally:
        c.close()


class Worker:
    """One connection's loop: a weighted mix of reads and writes until the deadline."""

    def __init__(self, cfg, stats, user, cookies, csrf, my_rids, others, conn_timeout):
        self.cfg, self.stats, self.user, self.csrf = cfg, stats, user, csrf
        self.rids, self.others = my_rids, others
        self.conn = HttpConn(cfg["host"], cfg["port"], conn_timeout)
        self.conn.cookies = dict(cookies)
        self.rng = random.Random(hash((user, tuple(my_rids[:3]))))
        self.seq = 0

    async def one(self):
        st = self.stats
        rng = self.rng
        x = rng.random()
        write = x < self.cfg["write_ratio"]
        form = None
        if not write:
            pages = [("home", "/"), ("feed", "/feed"), ("feed", "/feed"),
                     ("restaurants", "/restaurants"), ("saved", "/saved"),
                     ("profile", "/u/%s" % rng.choice(self.others))]
            if not self.cfg["static"]:  # a logged-in restaurant view logs an event (a write)
                pages += [("restaurant", "/restaurants/%d" % rng.choice(self.cfg["all_rids"]))] * 2
            kind, path = rng.choice(pages)
            method = "GET"
        else:
            y = rng.random()
            self.seq += 1
            if y < 0.6 and self.rids:
                rid = rng.choice(self.rids)
                token = "soak-%s-%d-%d-%s" % (self.user, rid, self.seq,
                                             hashlib.sha1(os.urandom(8)).hexdigest()[:8])
                kind, path = "review", "/restaurants/%d/review" % rid
                form = {"csrf": self.csrf, "stars": str(rng.randint(1, 5)),
                        "body": "Load test review %s" % token}
                key = (self.user, rid)
            elif y < 0.85 and self.rids:
                rid = rng.choice(self.rids)
                kind, path = "save", "/restaurants/%d/save" % rid
                form = {"csrf": self.csrf}
                key = (self.user, rid)
            else:
                other = rng.choice(self.others)
                kind, path = "friend", "/friends/request"
                form = {"csrf": self.csrf, "username": other}
                key = (self.user, other)
            method = "POST"
        t0 = time.monotonic()
        try:
            status, headers, body = await self.conn.request(method, path, form=form)
        except ConnError as e:
            st.conn_errors.append(str(e))
            if write:
                st.failed_writes.append((kind, key, str(e)))
                if kind == "review":
                    st.review_history.setdefault(key, []).append((form["body"], False))
            await asyncio.sleep(0.05)
            return
        st.count(kind, status, time.monotonic() - t0)
        if status >= 500:
            st.server_errors.append((status, method, path, body[:300]))
        if not write:
            if status != 200:
                st.unexpected.append((status, method, path, body[:200]))
            return
        if kind == "review":
            st.review_history.setdefault(key, []).append((form["body"], status == 303))
        if kind == "friend" and status == 409:
            return  # asked already, or friends already: the same answer as the API's
        if status != 303:
            st.failed_writes.append((kind, key, status))
            if status < 500:
                st.unexpected.append((status, method, path, body[:200]))
            return
        if kind == "review":
            st.reviews[key] = form["body"]
            st.review_acks += 1
        elif kind == "save":
            st.saves.add(key)
        else:
            st.friend_reqs.add(key)

    async def run(self, deadline):
        while time.monotonic() < deadline:
            await self.one()
        self.stats.reconnects += self.conn.reconnects
        self.conn.close()


async def _run(cfg, stats, samplers):
    host, port = cfg["host"], cfg["port"]
    users = cfg["users"]
    sessions = {}
    # log each user in once; the user's connections share the session (as browser tabs do)
    sem = asyncio.Semaphore(8)

    async def do_login(u):
        async with sem:
            sessions[u] = await login(host, port, u)
    await asyncio.gather(*(do_login(u) for u in users))
    per_user = {}
    for i in range(cfg["connections"]):
        per_user.setdefault(users[i % len(users)], []).append(i)
    workers = []
    for u, conns in per_user.items():
        for k, _ in enumerate(conns):
            mine = [r for j, r in enumerate(cfg["write_rids"]) if j % len(conns) == k]
            others = [o for o in cfg["all_users"] if o != u]
            workers.append(Worker(cfg, stats, u, sessions[u][0], sessions[u][1], mine,
                                  others, cfg["request_timeout"]))
    start = time.monotonic()
    deadline = start + cfg["seconds"]
    tasks = [asyncio.ensure_future(w.run(deadline)) for w in workers]
    for at, fn in samplers:
        async def later(at=at, fn=fn):
            await asyncio.sleep(max(0.0, start + at - time.monotonic()))
            fn()
        tasks.append(asyncio.ensure_future(later()))
    await asyncio.gather(*tasks)
    stats.elapsed = time.monotonic() - start


def run_load(host, port, users, all_users, rids, seconds, connections=256, write_ratio=0.3,
             request_timeout=30.0, samplers=(), write_rids=None, static=False):
    """Runs the load; samplers = [(seconds after start, callable)] run during it (e.g. RSS
    sampling). static: only pages that change nothing (with write_ratio=0 the data, and so
    the recommender's model, stay the same). Returns the Stats."""
    cfg = {"host": host, "port": port, "users": list(users), "all_users": list(all_users),
           "all_rids": list(rids), "write_rids": list(write_rids or rids), "seconds": seconds,
           "connections": connections, "write_ratio": write_ratio,
           "request_timeout": request_timeout, "static": static}
    stats = Stats()
    asyncio.run(_run(cfg, stats, list(samplers)))
    return stats


def verify(db_path, stats):
    """Checks every acknowledged write against the SQLite file. Returns (checked counts,
    list of problems)."""
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True, timeout=30)
    try:
        ids = dict(db.execute("SELECT username, id FROM users"))
        problems = []
        for (u, rid), body in stats.reviews.items():
            row = db.execute("SELECT body FROM reviews WHERE user_id = ? AND restaurant_id = ?",
                             (ids.get(u), rid)).fetchone()
            # the last acknowledged text, or a later one whose answer was an error (the write
            # may have been made before the process died): never an older one
            hist = stats.review_history.get((u, rid), [])
            last = max(i for i, (b, ok) in enumerate(hist) if ok)
            allowed = {body} | {b for b, ok in hist[last + 1:] if not ok}
            if not row or row[0] not in allowed:
                problems.append("review %s/%d: want %r, store has %r" % (u, rid, body, row))
        for u, rid in stats.saves:
            if not db.execute("SELECT 1 FROM saves WHERE user_id = ? AND restaurant_id = ?",
                              (ids.get(u), rid)).fetchone():
                problems.append("save %s/%d missing" % (u, rid))
        for u, o in stats.friend_reqs:
            a, b = ids.get(u), ids.get(o)
            if not (db.execute("SELECT 1 FROM friend_requests WHERE from_id = ? AND to_id = ?",
                               (a, b)).fetchone() or
                    db.execute("SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?",
                               (a, b)).fetchone()):
                problems.append("friend request %s -> %s missing" % (u, o))
        counts = {"reviews": len(stats.reviews), "saves": len(stats.saves),
                  "friend_requests": len(stats.friend_reqs)}
        return counts, problems
    finally:
        db.close()


def demo_targets(db_path, n_users):
    """(users to log in, every demo user name, restaurant ids) from a demo database."""
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        names = [r[0] for r in db.execute(
            "SELECT username FROM users WHERE username LIKE 'u1%' AND disabled = 0 "
            "ORDER BY username")]
        rids = [r[0] for r in db.execute("SELECT id FROM restaurants ORDER BY id")]
    finally:
        db.close()
    return names[:n_users], names, rids


def fcgi_pids(lighttpd_pid):
    """The pids of the FastCGI processes lighttpd spawned (its children named forkcast.fcgi)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        if ppid == lighttpd_pid and comm.startswith("forkcast"):
            out.append(int(d))
    return sorted(out)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def report(stats):
    """Human summary lines."""
    el = getattr(stats, "elapsed", 0) or 1
    lines = ["%d requests in %.1f s: %.0f req/s; p50 %.1f ms, p99 %.1f ms, max %.1f ms"
             % (stats.requests, el, stats.requests / el, stats.percentile(0.5) * 1e3,
                stats.percentile(0.99) * 1e3, stats.percentile(1.0) * 1e3),
             "statuses: %s" % ", ".join("%s=%d" % kv for kv in sorted(stats.by_status.items())),
             "kinds: %s" % ", ".join("%s=%d" % kv for kv in sorted(stats.by_kind.items())),
             "acknowledged writes: %d reviews (%d distinct user/restaurant rows), %d saves, "
             "%d friend requests; %d connection errors; %d keep-alive reconnects"
             % (stats.review_acks, len(stats.reviews), len(stats.saves),
                len(stats.friend_reqs), len(stats.conn_errors), stats.reconnects)]
    return lines
