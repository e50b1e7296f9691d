#!/usr/bin/env python3
"""Web benchmark (make bench): the feed and a restaurant page for a user with 200 friends
who each wrote 50 reviews, through lighttpd + the release FastCGI build. Prints requests/s
(client side, N concurrent connections) and the server's own time per request (from the
access log: p50/p90/p99)."""
import http.client
import os
import re
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "t", "lib"))
from fcserver import Client, Server  # noqa: E402

FRIENDS, REVIEWS, SECONDS, CONC = 200, 50, float(os.environ.get("BENCH_SECONDS", "5")), 4


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else 0.0


srv = Server(demo=True, build="build", env={"FORKCAST_SERVER_PROCS": "2"})
try:
    me = Client(srv)
    me.post("/signup", {"username": "bench", "email": "bench@example.com",
                        "password": "tacos al pastor 1", "password2": "tacos al pastor 1"})
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    uid = db.execute("SELECT id FROM users WHERE username='bench'").fetchone()[0]
    rids = [r[0] for r in db.execute("SELECT id FROM restaurants ORDER BY id")]
    t0 = time.time()
    with db:
        for i in range(FRIENDS):
            cur = db.execute("INSERT INTO users (username, email, display_name, created_at) VALUES (?,?,?,0)",
                             ("bf%d" % i, "bf%d@example.com" % i, "Bench Friend %d" % i))
            fid = cur.lastrowid
            db.execute("INSERT INTO friendships VALUES (?,?,0),(?,?,0)", (uid, fid, fid, uid))
            for j in range(REVIEWS):
                rid = rids[(i * 7 + j) % len(rids)]
                db.execute("INSERT INTO reviews (user_id, restaurant_id, stars, body, created_at, updated_at)"
                           " VALUES (?,?,?,?,?,?)", (fid, rid, 1 + (i + j) % 5, "review %d/%d" % (i, j),
                                                      1700000000 + i * 1000 + j, 0))
    print("fixture: %d friends x %d reviews = %d reviews in %.1fs" % (FRIENDS, REVIEWS, FRIENDS * REVIEWS, time.time() - t0))
    cookie = "; ".join("%s=%s" % kv for kv in me.cookies.items())
    busiest = db.execute("SELECT restaurant_id FROM reviews GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    feed2 = re.search(r'href="(/feed\?after=[0-9-]+)"', me.get("/feed").text).group(1)
    for name, path in (("feed, first page", "/feed"), ("feed, second page", feed2),
                       ("restaurant page", "/restaurants/%d" % busiest)):
        log = os.path.join(srv.dir, "access.log")
        start = os.path.getsize(log)
        counts = [0] * CONC
        stop = time.time() + SECONDS

        def worker(k):
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            while time.time() < stop:
                c.request("GET", path, headers={"Cookie": cookie})
                r = c.getresponse()
                r.read()
                assert r.status == 200, r.status
                counts[k] += 1

        ths = [threading.Thread(target=worker, args=(k,)) for k in range(CONC)]
        t0 = time.time()
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        wall = time.time() - t0
        with open(log) as f:
            f.seek(start)
            ms = [float(m.group(1)) for m in re.finditer(r" (\d+\.\d+)ms$", f.read(), re.M)]
        print("%-20s %6d requests  %7.1f req/s (%d connections)  server time p50 %.2f ms  p90 %.2f ms  p99 %.2f ms"
              % (name, sum(counts), sum(counts) / wall, CONC, pct(ms, 50), pct(ms, 90), pct(ms, 99)))
finally:
    srv.stop()
    srv.cleanup()
