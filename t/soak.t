#!/usr/bin/env python3
"""soak.t - load and soak: 256 keep-alive connections of logged-in demo users mixing reads
(home, feed, restaurant pages, profiles, saved list) and writes (reviews, want-to-go saves,
friend requests) for SOAK_SECONDS (default 60) against lighttpd + the release build of
forkcast (build/forkcast.fcgi: ASan's quarantine would make memory figures meaningless).

Asserts: zero 5xx, zero connection errors (refused, reset, timeouts), no unexpected 4xx,
every acknowledged write is in the SQLite store afterwards (counted), PRAGMA integrity_check,
the FastCGI processes are the same ones at the end (none died), and their memory does not
grow after warm-up beyond a tolerance (see RSS_TOLERANCE_KB). Prints the figures. Bounded:
the whole test is killed after SOAK_SECONDS + 240 s. Prints TAP. Driven by `make soak` and
t/run."""
import os
import signal
import sqlite3
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import load  # noqa: E402
from fcserver import ROOT, TAP, Server  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "256"))
USERS = int(os.environ.get("SOAK_USERS", "64"))
# SOAK_MIX=static: reads of pages that change nothing, no writes; the data and the
# recommender's model stay the same, so memory should stay flat (a sharper leak check)
STATIC = os.environ.get("SOAK_MIX", "") == "static"
# Memory after warm-up may still move a little without any leak: each process's SQLite page
# cache fills up to its cap (cache_size -2000: 2 MiB per connection, and the recommender's
# refresher has its own), the WAL index (-shm, mapped, counted in RSS) grows with the WAL
# (32 KiB per ~4000 frames) until a checkpoint, glibc's malloc arenas keep freed memory and
# fragment, and the recommender's model grows with the reviews the soak adds (it is rebuilt
# every Rec.RefreshSeconds). Those are bounded; a leak grows with the number of requests
# (tens of thousands here). Growth allowed between the warm-up sample and the end, per
# process: 8 MiB + 10 % of the warm-up figure.
RSS_TOLERANCE_KB = 8192
RSS_TOLERANCE_FRAC = 0.10
WARMUP = min(15.0, SECONDS / 4)

t = TAP()


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main():
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(
        "soak.t hard timeout")))
    signal.alarm(int(SECONDS) + 240)
    srv = Server(demo=True, build="build")
    try:
        soak(srv)
    except Exception:
        t.ok(False, "no exception", traceback.format_exc())
    finally:
        signal.alarm(0)
        srv.stop()
        srv.cleanup()


def soak(srv):
    db_path = os.path.join(srv.dir, "forkcast.db")
    users, all_users, rids = load.demo_targets(db_path, USERS)
    t.ok(len(users) == USERS and len(rids) > 50,
         "demo data: %d users log in, %d restaurants" % (len(users), len(rids)))
    pids0 = load.fcgi_pids(srv.proc.pid)
    t.ok(len(pids0) >= 1, "FastCGI processes found: %s" % pids0)
    samples = {}  # seconds after the start -> {pid: VmRSS KiB}

    def sampler(at):
        def fn():
            samples[at] = {p: load.rss_kb(p) for p in load.fcgi_pids(srv.proc.pid)}
        return fn
    times = sorted({WARMUP} | {float(x) for x in range(5, int(SECONDS), 5) if x > WARMUP}
                   | {SECONDS - 0.5})

    print("# %d connections, %d users, %.0f s, %s, release build %s" % (
        CONNECTIONS, USERS, SECONDS, "reads that change nothing" if STATIC else
        "30 % writes", os.path.join(ROOT, "build", "forkcast.fcgi")))
    sys.stdout.flush()
    stats = load.run_load("127.0.0.1", srv.port, users, all_users, rids, SECONDS,
                          connections=CONNECTIONS, write_ratio=0.0 if STATIC else 0.3,
                          static=STATIC,
                          samplers=[(at, sampler(at)) for at in times])
    for line in load.report(stats):
        print("# " + line)
    t.ok(stats.requests > CONNECTIONS * 2,
         "the load ran: %d requests over %d connections" % (stats.requests, CONNECTIONS))
    t.ok(not stats.server_errors, "zero 5xx answers (%d)" % len(stats.server_errors),
         "\n".join("%s %s %s %r" % e for e in stats.server_errors[:10]))
    t.ok(not stats.conn_errors,
         "zero connection errors: refused, reset, timeouts (%d)" % len(stats.conn_errors),
         "\n".join(stats.conn_errors[:10]))
    t.ok(not stats.unexpected, "no unexpected 4xx (%d)" % len(stats.unexpected),
         "\n".join("%s %s %s %r" % e for e in stats.unexpected[:10]))
    t.ok(STATIC or (stats.review_acks > 0 and stats.saves and stats.friend_reqs),
         "writes of every kind were acknowledged" + (" # SKIP SOAK_MIX=static" if STATIC
                                                     else ""))

    # the processes that served the load: the same ones, none died and was respawned
    pids1 = load.fcgi_pids(srv.proc.pid)
    t.ok(pids1 == pids0, "the same FastCGI processes at the end (none crashed): %s" % pids1,
         "before %s, after %s" % (pids0, pids1))

    # memory after warm-up
    warm, end = samples.get(WARMUP, {}), samples.get(SECONDS - 0.5, {})
    for p in sorted(warm):
        print("# pid %d VmRSS KiB at %s" % (p, ", ".join(
            "%.0fs %s" % (at, samples[at].get(p)) for at in sorted(samples))))
    growth = {p: (end.get(p) or 0) - (warm.get(p) or 0) for p in warm}
    allowed = {p: RSS_TOLERANCE_KB + int((warm.get(p) or 0) * RSS_TOLERANCE_FRAC) for p in warm}
    t.ok(warm and set(warm) == set(end)
         and all(warm[p] and end[p] and growth[p] <= allowed[p] for p in warm),
         "memory does not grow after warm-up (%.0f s to the end): growth %s KiB, allowed %s "
         "KiB" % (WARMUP, ", ".join("%+d" % growth[p] for p in sorted(growth)),
                  ", ".join("%d" % allowed[p] for p in sorted(allowed))), samples)

    # wait for the in-flight requests to be over, then check the store
    time.sleep(0.5)
    counts, problems = load.verify(db_path, stats)
    print("# verified in the store: %d review rows (last acknowledged text of %d writes), "
          "%d saves, %d friend requests" % (counts["reviews"], stats.review_acks,
                                            counts["saves"], counts["friend_requests"]))
    t.ok(not problems and counts["reviews"] == len(stats.reviews),
         "every acknowledged write is in the store: %d reviews, %d saves, %d friend "
         "requests; %d missing" % (counts["reviews"], counts["saves"],
                                   counts["friend_requests"], len(problems)),
         "\n".join(problems[:20]))
    db = sqlite3.connect(db_path, timeout=30)
    try:
        ic = db.execute("PRAGMA integrity_check").fetchall()
    finally:
        db.close()
    t.ok(ic == [("ok",)], "PRAGMA integrity_check: ok", ic)
    log = srv.errorlog() + read(os.path.join(srv.dir, "run", "lighttpd.out"))
    bad = [ln for ln in log.splitlines() if "sqlite" in ln or "answered 5" in ln]
    t.ok(not bad, "no SQLite errors in the error log (%d)" % len(bad), "\n".join(bad[:20]))


main()
t.done()
