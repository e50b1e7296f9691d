"""sqlite_mirror: lets an integration test that reads and writes the SQLite store's file
directly for its fixtures (t/social.t) run against the DynamoDB backend. Once install()ed,
sqlite3.connect() of the database of a live fcserver.Server on DynamoDB returns a connection
to a SQLite mirror of the DynamoDB store, kept in step with `forkcast dynamodb copy`:

* before a read, the mirror is refreshed from DynamoDB (copy --from dynamodb --to sqlite
  --force), unless the test wrote to the mirror since: then DynamoDB is first replaced by the
  mirror (copy --from sqlite --to dynamodb --force) and the mirror is already current;
* closing a connection with unsent writes sends them the same way.

So the test's own SQL keeps its meaning, and every fixture round-trips through the copy
command in both directions (which the copy tests check on their own too)."""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcserver  # noqa: E402

_connect = sqlite3.connect
STATS = {"pulls": 0, "pushes": 0, "seconds": 0.0}


def _server_of(path):
    path = os.path.abspath(str(path))
    for srv in fcserver.LIVE:
        if srv.dynalite and path == os.path.abspath(srv.env["FORKCAST_STORE_SQLITE_PATH"]):
            return srv
    return None


class MirrorConnection:
    def __init__(self, conn, srv):
        self.conn = conn
        self.srv = srv
        self.dirty = False

    def _copy(self, src, dst):
        t0 = time.time()
        out = self.srv.run_cli("dynamodb", "copy", "--from", src, "--to", dst, "--force")
        STATS["seconds"] += time.time() - t0
        if os.environ.get("SQLITE_MIRROR_VERBOSE"):
            sys.stderr.write("# mirror %s -> %s: %.1f s\n%s" % (src, dst, time.time() - t0, out))
        STATS["pulls" if dst == "sqlite" else "pushes"] += 1

    def _sync_for_read(self):
        if self.conn.in_transaction:
            self.conn.commit()
        if self.dirty:
            self._copy("sqlite", "dynamodb")
            self.dirty = False
        else:
            self._copy("dynamodb", "sqlite")

    def execute(self, sql, params=()):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in ("SELECT", "WITH"):
            self._sync_for_read()
            return self.conn.execute(sql, params)
        cur = self.conn.execute(sql, params)
        self.dirty = True
        return cur

    def executemany(self, sql, seq):
        cur = self.conn.executemany(sql, seq)
        self.dirty = True
        return cur

    def commit(self):
        self.conn.commit()

    def __enter__(self):
        self.conn.__enter__()
        return self

    def __exit__(self, *exc):
        return self.conn.__exit__(*exc)

    def close(self):
        if self.conn.in_transaction:
            self.conn.commit()
        if self.dirty:
            self._copy("sqlite", "dynamodb")
            self.dirty = False
        self.conn.close()


def _mirror_connect(database, *args, **kwargs):
    srv = _server_of(database)
    conn = _connect(database, *args, **kwargs)
    return MirrorConnection(conn, srv) if srv else conn


def install():
    sqlite3.connect = _mirror_connect
