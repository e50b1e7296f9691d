#!/usr/bin/env python3
"""The content version (sql/016_content_version.sql; the page cache's validity, issue #18):
every table of the SQLite schema either moves content_version.v on INSERT, UPDATE and DELETE
(a trigger each), or is in the list below of tables no page shows. A table added later
without either fails here, so a cached page cannot miss a change to it."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, TAP  # noqa: E402

# Tables no cached page shows (keep in step with sql/016_content_version.sql's comment and
# docs/security.md "The page cache"):
NOT_SHOWN = {
    "sessions", "session_tokens", "login_failures", "password_resets",  # checked, not shown
    "events",  # the interaction log: shown only through the recommender's model (its builds
               # are part of a cached page's stamp)
    "metrics_requests", "metrics_counters", "jobs", "ec2_instances", "ec2_instance_events",
    # the admin console: never cached
    "schema_version", "sqlite_sequence", "content_version",  # bookkeeping
}

t = TAP()
d = tempfile.mkdtemp(prefix="fc-cv-")
try:
    env = dict(os.environ, FORKCAST_CONFIG=os.path.join(ROOT, "conf/forkcast.hdf"),
               FORKCAST_DATA_DIR=d, FORKCAST_STORE_SQLITE_PATH=os.path.join(d, "f.db"))
    r = subprocess.run([os.path.join(ROOT, "build/asan/forkcast"), "migrate"], env=env,
                       capture_output=True, text=True)
    t.ok(r.returncode == 0, "forkcast migrate", r.stderr)
    db = sqlite3.connect(os.path.join(d, "f.db"))
    tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    triggers = db.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
    moved = {}
    for tbl, sql in triggers:
        m = re.search(r"AFTER\s+(INSERT|UPDATE|DELETE)\s+ON", sql, re.I)
        if m and re.search(r"UPDATE\s+content_version\s+SET\s+v\s*=\s*v\s*\+\s*1", sql, re.I):
            moved.setdefault(tbl, set()).add(m.group(1).upper())
    t.ok(len(tables) > 20, "the schema has its tables", tables)
    for tbl in sorted(tables):
        if tbl in NOT_SHOWN:
            t.ok(tbl not in moved or tbl == "content_version" and not moved.get(tbl),
                 "%s: not shown, not triggered" % tbl, moved.get(tbl))
        else:
            t.ok(moved.get(tbl) == {"INSERT", "UPDATE", "DELETE"},
                 "%s: a write moves the content version (INSERT, UPDATE, DELETE)" % tbl,
                 "triggered on %s; add triggers in a migration, or the table to NOT_SHOWN "
                 "if no page shows its rows" % sorted(moved.get(tbl, ())))
    t.ok(not (NOT_SHOWN - set(tables)), "every table of the list exists",
         sorted(NOT_SHOWN - set(tables)))
    v0 = db.execute("SELECT v FROM content_version").fetchone()[0]
    db.execute("INSERT INTO users (username, email, display_name, created_at) "
               "VALUES ('cv', 'cv@example.com', 'CV', 1)")
    db.commit()
    v1 = db.execute("SELECT v FROM content_version").fetchone()[0]
    t.ok(v1 > v0, "a new user moves it", (v0, v1))
    uid = db.execute("SELECT id FROM users WHERE username = 'cv'").fetchone()[0]
    db.execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen) "
               "VALUES ('h', ?, 1, 1)", (uid,))
    db.execute("UPDATE sessions SET last_seen = 2")
    db.commit()
    t.ok(db.execute("SELECT v FROM content_version").fetchone()[0] == v1,
         "a session's use does not (every request would miss)")
    t.ok(db.execute("SELECT count(*) FROM content_version").fetchone()[0] == 1, "one row")
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
