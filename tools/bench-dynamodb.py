#!/usr/bin/env python3
"""DynamoDB benchmark (make bench, through tools/bench-dynamodb.sh): the release build on the
DynamoDB backend against dynalite (with t/lib/dynalite.py's proxy, which counts the calls on
the wire), a user with BENCH_FRIENDS friends who each wrote BENCH_REVIEWS reviews. Prints, per
operation, store-level figures from build/bench_dynamodb (ops/s and DynamoDB calls per
operation from aws_stats_get) and page-level figures through lighttpd (requests/s and the
DynamoDB calls each request made, session and user included). dynalite is a single-threaded
emulator: the figures compare designs and count calls, they do not predict AWS latency."""
import http.client
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "t", "lib"))
import sqlite_mirror  # noqa: E402
from fcserver import Client, Server, multipart  # noqa: E402

FRIENDS = int(os.environ.get("BENCH_FRIENDS", "200"))
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONC = 4


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else 0.0


def http_bench(srv, name, method, path, cookie, body=None, ctype=None, want=200):
    dl = srv.dynalite
    log = os.path.join(srv.dir, "access.log")
    start = os.path.getsize(log)
    counts = [0] * CONC
    errors = []
    stop = time.time() + SECONDS

    def worker(k):
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        h = {"Cookie": cookie}
        if ctype:
            h["Content-Type"] = ctype
        while time.time() < stop:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            r.read()
            if r.status != want:
                errors.append(r.status)
                return
            counts[k] += 1

    dl.reset_log()
    ths = [threading.Thread(target=worker, args=(k,)) for k in range(CONC)]
    t0 = time.time()
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    wall = time.time() - t0
    n = sum(counts)
    calls = sum(dl.calls.values())
    with open(log) as f:
        f.seek(start)
        ms = [float(m.group(1)) for m in re.finditer(r" (\d+\.\d+)ms$", f.read(), re.M)]
    ops = ", ".join("%s %.1f" % (op, v / max(n, 1)) for op, v in sorted(dl.calls.items()))
    print("%-24s %6d requests %7.1f req/s  p50 %.1f ms  p90 %.1f ms  %5.2f DynamoDB calls/request"
          " (%s)%s" % (name, n, n / wall, pct(ms, 50), pct(ms, 90), calls / max(n, 1), ops,
                       "  ERRORS %s" % errors[:3] if errors else ""))


def main():
    sqlite_mirror.install()
    t0 = time.time()
    srv = Server(demo=True, build="build", store="dynamodb",
                 env={"FORKCAST_SERVER_PROCS": "2",
                      # no background calls mixed into the per-request counts
                      "FORKCAST_METRICS_FLUSHSECONDS": "100000",
                      "FORKCAST_REC_REFRESHSECONDS": "100000"})
    try:
        me = Client(srv)
        me.post("/signup", {"username": "bench", "email": "bench@example.com",
                            "password": "tacos al pastor 1", "password2": "tacos al pastor 1"})
        # the fixture goes in through SQLite and `forkcast dynamodb copy` (sqlite_mirror)
        db = sqlite3.connect(srv.env["FORKCAST_STORE_SQLITE_PATH"])
        uid = db.execute("SELECT id FROM users WHERE username='bench'").fetchone()[0]
        rids = [r[0] for r in db.execute("SELECT id FROM restaurants ORDER BY id")]
        with db:
            for i in range(FRIENDS):
                cur = db.execute("INSERT INTO users (username, email, display_name, created_at) "
                                 "VALUES (?,?,?,0)", ("bf%d" % i, "bf%d@example.com" % i,
                                                      "Bench Friend %d" % i))
                fid = cur.lastrowid
                db.execute("INSERT INTO friendships VALUES (?,?,0),(?,?,0)", (uid, fid, fid, uid))
                for j in range(REVIEWS):
                    rid = rids[(i * 7 + j) % len(rids)]
                    db.execute("INSERT INTO reviews (user_id, restaurant_id, stars, body, "
                               "created_at, updated_at) VALUES (?,?,?,?,?,?)",
                               (fid, rid, 1 + (i + j) % 5, "review %d/%d" % (i, j),
                                1700000000 + i * 1000 + j, 0))
        busiest = db.execute("SELECT restaurant_id FROM reviews GROUP BY 1 ORDER BY count(*) "
                             "DESC LIMIT 1").fetchone()[0]  # this read sends the fixture
        db.close()
        print("fixture: %d friends x %d reviews = %d reviews (+ the demo data), on DynamoDB in "
              "%.1f s" % (FRIENDS, REVIEWS, FRIENDS * REVIEWS, time.time() - t0))

        print("-- store operations (build/bench_dynamodb, calls from aws_stats_get)")
        p = subprocess.run([os.path.join(ROOT, "build", "bench_dynamodb"), str(uid), str(busiest),
                            str(SECONDS)], env=srv.env, capture_output=True, text=True,
                           timeout=600)
        sys.stdout.write(p.stdout)
        if p.returncode:
            sys.stdout.write(p.stderr[-2000:])

        print("-- pages through lighttpd (%d connections; calls counted on the wire)" % CONC)
        cookie = "; ".join("%s=%s" % kv for kv in me.cookies.items())
        page = me.get("/feed").text
        feed2 = re.search(r'href="(/feed\?after=[0-9-]+)"', page).group(1)
        # the 404 page does nothing but the session lookup (and the layout): its calls are the
        # share of every logged-in page that core/session.c makes
        http_bench(srv, "session only (404)", "GET", "/no-such-page", cookie, want=404)
        for name, path in (("feed, first page", "/feed"), ("feed, second page", feed2),
                           ("restaurant page", "/restaurants/%d" % busiest),
                           ("home page", "/"), ("restaurant list p2", "/restaurants?page=2"),
                           ("friend's profile", "/u/bf0")):
            http_bench(srv, name, "GET", path, cookie)
        csrf = me.csrf("/restaurants/%d" % busiest)
        body, ctype = multipart({"csrf": csrf, "stars": "4", "body": "bench review"},
                                {"photo": ("", "application/octet-stream", b"")})
        http_bench(srv, "review write (POST)", "POST", "/restaurants/%d/review" % busiest,
                   cookie, body=body, ctype=ctype, want=303)
    finally:
        srv.stop()
        srv.cleanup()


main()
