#!/usr/bin/env python3
"""faults.t - the site under storage and process faults (lighttpd + the ASan build):

(a) kill -9 of FastCGI processes while 32 connections write: lighttpd spawns them again,
    every request gets an answer (a clean 5xx page at worst, never a hung or reset
    connection), every acknowledged write is in the store, a write answered with an error is
    either absent or whole, PRAGMA integrity_check and foreign_key_check are clean;
(b) disk full: the FastCGI processes run with RLIMIT_FSIZE (SIGXFSZ ignored) so SQLite's
    writes fail as on a full disk: writes get the 507 "storage is full" page, reads keep
    working, nothing already stored is lost;
(c) database read-only (Store.SQLite.ReadOnly = 1): reads work, also for a session whose
    last use is due to be recorded, writes and log-ins get the 503 "read-only" page.

The fault of (b) and (c) is chosen by a wrapper around forkcast.fcgi (t/lib/fcgi_wrap.py,
Server.FcgiBin) that reads a mode file each time lighttpd spawns it; the test switches modes
by writing the file and killing the processes. Works as root and as a normal user. Prints
TAP."""
import hashlib
import http.client
import os
import re
import signal
import sqlite3
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import load  # noqa: E402
from fcgi_wrap import FcgiWrap, wait_procs  # noqa: E402
from fcserver import TAP, Client, Server, multipart  # noqa: E402

BUILD = "build/asan"
PROCS = 2
t = TAP()

def log_in(srv, user):
    c = Client(srv)
    r = c.post("/login", {"username": user, "password": "forkcast-demo"})
    if r.status != 303:
        raise AssertionError("log-in of %s: %d" % (user, r.status))
    return c


def review(c, rid, text, stars=4):
    return c.post("/restaurants/%d/review" % rid, {"stars": str(stars), "body": text},
                  csrf_from="/restaurants/%d" % rid)


def db_rows(srv, sql, args=()):
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"), timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def main():
    faulty = FcgiWrap(BUILD)
    srv = Server(demo=True, build=BUILD, env=dict(faulty.env(),
                                                  FORKCAST_SERVER_PROCS=str(PROCS)))
    try:
        kill_under_load(srv, faulty)
        disk_full(srv, faulty)
        read_only(srv, faulty)
        ic = db_rows(srv, "PRAGMA integrity_check")
        fk = db_rows(srv, "PRAGMA foreign_key_check")
        t.ok(ic == [("ok",)] and fk == [], "at the end: integrity_check ok, no foreign key "
             "violations", (ic, fk[:10]))
    except Exception:
        t.ok(False, "no exception", traceback.format_exc())
    finally:
        reports = srv.stop()
        t.ok(not reports, "no sanitizer reports from the FastCGI processes",
             "\n".join(reports)[:3000])
        srv.cleanup()


def kill_under_load(srv, faulty):
    db_path = os.path.join(srv.dir, "forkcast.db")
    users, all_users, rids = load.demo_targets(db_path, 16)
    pids0 = wait_procs(srv, PROCS)
    t.ok(len(pids0) == PROCS, "%d FastCGI processes at the start: %s" % (PROCS, pids0))
    killed = []

    def kill(i):
        def fn():
            pids = load.fcgi_pids(srv.proc.pid)
            if pids:
                p = pids[i % len(pids)]
                os.kill(p, signal.SIGKILL)
                killed.append((time.time(), p))
        return fn
    # meanwhile one user posts reviews with photos (blob first, then the row)
    photos = {"acked": {}, "failed": 0, "stop": False, "hist": {}}
    photo_user, photo_rids = all_users[-2], rids[-20:-10]

    def photo_writer():
        c = log_in(srv, photo_user)
        i = 0
        while not photos["stop"]:
            rid = photo_rids[i % len(photo_rids)]
            jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(3000)
            text = "Photo review %d" % i
            i += 1
            photos["hist"].setdefault(rid, []).append(
                (text, hashlib.sha256(jpeg).hexdigest()))
            try:
                data, ct = multipart({"csrf": c.csrf("/restaurants/%d" % rid), "stars": "4",
                                      "body": text}, {"photo": ("p.jpg", "image/jpeg", jpeg)})
                r = c.request("POST", "/restaurants/%d/review" % rid, body=data,
                              headers={"Content-Type": ct})
            except (OSError, AssertionError, http.client.HTTPException):
                # refused, or an answer cut by a kill (IncompleteRead): a clean failure
                photos["failed"] += 1
                continue
            if r.status == 303:
                photos["acked"][rid] = (text, hashlib.sha256(jpeg).hexdigest())
                photos["hist"][rid] = [photos["acked"][rid]]
            else:
                photos["failed"] += 1
    writer = threading.Thread(target=photo_writer)
    writer.start()
    # three kills, 3 s apart, while 32 connections write (70 %) and read
    try:
            stats = load.run_load("127.0.0.1", srv.port, users, all_users, rids, 14,
                              connections=32, write_ratio=0.7, request_timeout=20,
                              samplers=[(3, kill(0)), (6, kill(1)), (9, kill(0))])
    finally:
        photos["stop"] = True
        writer.join()
    for line in load.report(stats):
        print("# " + line)
    print("# killed: %s" % [p for _, p in killed])
    errors = {s: n for s, n in stats.by_status.items() if s >= 500}
    t.ok(len(killed) == 3, "3 FastCGI processes were killed with SIGKILL under load")
    hung = [e for e in stats.conn_errors if e.startswith("timeout")]
    t.ok(not hung, "no hung connection: every request was answered or failed at once (%d "
         "timeouts of 20 s)" % len(hung), "\n".join(hung[:10]))
    # a process killed while its answer was passing through lighttpd leaves lighttpd nothing
    # to send but the end of the connection: at most the one request per kill
    for e in stats.conn_errors:
        print("# connection error: %s" % e)
    t.ok(len(stats.conn_errors) <= len(killed),
         "connections cut without an answer: %d, at most one per kill (%d)"
         % (len(stats.conn_errors), len(killed)), "\n".join(stats.conn_errors[:10]))
    # lighttpd answers the requests that were queued on or running in a killed process
    # itself (its own 500/502/503 page); it does not retry them on another process
    t.ok(set(errors) <= {500, 502, 503}
         and all(s >= 500 for s, _, _, _ in stats.unexpected),
         "the requests that met a dying process got a complete 5xx answer: %s"
         % (errors or "none"), "%s\n%s" % (stats.server_errors[:3], stats.unexpected[:3]))
    ours = [(s, m, p) for s, m, p, b in stats.server_errors if b"forkcast</title>" in b]
    t.ok(not ours, "none of them came from forkcast itself (no SQLite error left behind by a "
         "killed process): %d" % len(ours), ours[:5])
    t.ok(all(b.strip() for _, _, _, b in stats.server_errors),
         "each of those answers has a body (an error page, not a blank response)")
    t.ok(stats.requests > 200 and stats.review_acks > 50,
         "the load went on around the kills: %d requests, %d reviews acknowledged"
         % (stats.requests, stats.review_acks))
    pids1 = wait_procs(srv, PROCS, not_in=[p for _, p in killed])
    t.ok(len(pids1) == PROCS and not set(pids1) & {p for _, p in killed},
         "lighttpd spawned the killed processes again: %d processes %s" % (len(pids1), pids1))
    counts, problems = load.verify(db_path, stats)
    t.ok(not problems, "every acknowledged write is in the store: %d reviews, %d saves, %d "
         "friend requests (%d writes failed cleanly)" % (
             counts["reviews"], counts["saves"], counts["friend_requests"],
             len(stats.failed_writes)), "\n".join(problems[:20]))
    # a failed write is absent or whole: every review row has a full text (its own, one of
    # the demo set's, or one of this test's, never cut) and its stars in range
    bad = db_rows(srv, "SELECT id, stars, body FROM reviews WHERE stars NOT BETWEEN 1 AND 5 OR "
                       "(body LIKE 'Load test review soak-%' AND body NOT GLOB "
                       "'Load test review soak-*-[0-9]*-[0-9]*-[0-9a-f][0-9a-f][0-9a-f]"
                       "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')")
    t.ok(not bad, "no partial review rows", bad[:5])
    # photo reviews: every acknowledged one is there with its photo; no row names a photo
    # whose file is missing or differs (the blob is written, synced and renamed first)
    got = dict(db_rows(srv, "SELECT r.restaurant_id, r.body || ' ' || r.photo FROM reviews r "
                            "JOIN users u ON u.id = r.user_id WHERE u.username = ?",
                       (photo_user,)))
    # the last acknowledged one, or a later one whose answer was lost in a kill
    lost = [(rid, want) for rid, want in photos["acked"].items()
            if not any(got.get(rid, "").startswith("%s %s" % h) for h in photos["hist"][rid])]
    t.ok(photos["acked"] and not lost,
         "every acknowledged photo review is there with its photo (%d rows; %d failed "
         "cleanly)" % (len(photos["acked"]), photos["failed"]), lost[:5])
    blobs = os.path.join(srv.dir, "blobs")
    bad = []
    for (key,) in db_rows(srv, "SELECT photo FROM reviews WHERE photo != ''"):
        try:
            with open(os.path.join(blobs, key), "rb") as f:
                ok = hashlib.sha256(f.read()).hexdigest() == key.split(".")[0]
        except OSError:
            ok = False
        if not ok:
            bad.append(key)
    t.ok(not bad, "no review without its photo: every photo file is there, whole", bad[:5])
    ic = db_rows(srv, "PRAGMA integrity_check")
    t.ok(ic == [("ok",)], "PRAGMA integrity_check: ok after the kills", ic)
    # (a user and restaurant the load did not write)
    c = log_in(srv, all_users[-1])
    r = review(c, rids[-1], "Written after the kills")
    t.ok(r.status == 303 and c.get("/restaurants/%d" % rids[-1]).status == 200,
         "after the kills the site reads and writes (%d)" % r.status)


def disk_full(srv, faulty):
    db_path = os.path.join(srv.dir, "forkcast.db")
    _, _, rids = load.demo_targets(db_path, 4)
    # a new member without friends: a review by someone with friends also writes an item in
    # each friend's feed, so after the load (30-odd friends) one review could take most of
    # the room this phase leaves, and how many writes fit before the fault would be chance
    c = Client(srv)
    r = c.post("/signup", {"username": "diskfull", "email": "diskfull@example.com",
                           "password": "disk full test", "password2": "disk full test",
                           "display_name": "Disk Full"}, csrf_from="/signup")
    signed_up = r.status
    r = review(c, rids[5], "Stored before the disk filled up")
    t.ok(signed_up == 303 and r.status == 303, "a new member signs up and writes a review "
         "before the fault (%d, %d)" % (signed_up, r.status))
    # the processes may write files up to 256 KiB, and the WAL is emptied while they are
    # down: it has room for a few writes, then cannot grow any more
    pids = faulty.restart(srv, PROCS, fsize=262144,
                          between=lambda: db_rows(srv, "PRAGMA wal_checkpoint(TRUNCATE)"))
    t.ok(len(pids) == PROCS, "processes restarted with RLIMIT_FSIZE = 256 KiB: %s" % pids)
    acked, first_fail, t0 = [], None, time.time()
    for i in range(400):
        rid = rids[10 + i % 100]
        text = "Disk fill %d %s" % (i, os.urandom(4).hex())
        r = review(c, rid, text + " " + "x" * 1500)
        if r.status == 303:
            acked.append((rid, text))
            continue
        first_fail = r
        break
    took = time.time() - t0
    t.ok(first_fail is not None and acked,
         "writes start failing once the files cannot grow (after %d acknowledged writes, "
         "%.1f s)" % (len(acked), took))
    r = first_fail
    t.ok(r is not None and r.status == 507 and "storage is full" in r.text
         and re.search(r"Request id: <code>[0-9a-f]{16}</code>", r.text),
         "the write gets the 507 page: storage is full, with the request id",
         r and "%s %s" % (r.status, r.text[:400]))
    # a smaller write may still fit where the review did not: saves until one fails
    saved = []
    for rid in rids[20:60]:
        r2 = c.post("/restaurants/%d/save" % rid, {}, csrf_from="/restaurants/%d" % rid)
        if r2.status != 303:
            break
        saved.append(rid)
    t.ok(r2.status == 507 and "storage is full" in r2.text,
         "a want-to-go save gets the 507 page too (%d, after %d smaller writes that fit)"
         % (r2.status, len(saved)))
    page = c.get("/restaurants/%d" % rids[5])
    t.ok(page.status == 200 and "Stored before the disk filled up" in page.text,
         "reads keep working: the restaurant page with the review stored before (%d)"
         % page.status)
    t.ok(all(c.get(p).status == 200 for p in ("/", "/feed", "/saved", "/restaurants")),
         "home, feed, saved list and restaurants list answer 200")
    alive = load.fcgi_pids(srv.proc.pid)
    t.ok(sorted(alive) == sorted(pids), "no process died of the full disk: %s" % alive)
    logs = srv.logs()
    # back to normal: everything acknowledged is there, writes work again
    faulty.restart(srv, PROCS)
    missing = [(rid, text) for rid, text in acked
               if not any(text in (b or "") for (b,) in db_rows(
                   srv, "SELECT r.body FROM reviews r JOIN users u ON u.id = r.user_id "
                        "WHERE u.username = ? AND r.restaurant_id = ?", ("diskfull", rid)))]
    # a later acknowledged write to the same restaurant replaces an earlier one
    latest = {}
    for rid, text in acked:
        latest[rid] = text
    missing = [(rid, text) for rid, text in missing if latest[rid] == text]
    have = {r for (r,) in db_rows(srv, "SELECT s.restaurant_id FROM saves s JOIN users u ON "
                                        "u.id = s.user_id WHERE u.username = ?", ("diskfull",))}
    missing += [("save", rid) for rid in saved if rid not in have]
    t.ok(not missing, "every write acknowledged before the disk was full is stored (%d "
         "reviews, %d saves)" % (len(latest), len(saved)), missing[:5])
    r = review(c, rids[6], "Written once there is room again")
    t.ok(r.status == 303 and "Stored before the disk filled up" in c.get(
        "/restaurants/%d" % rids[5]).text,
         "with room again writes work and nothing was lost (%d)" % r.status)
    t.ok("storage full: answered 507" in logs, "the fault is logged", logs[-1500:])


def read_only(srv, faulty):
    db_path = os.path.join(srv.dir, "forkcast.db")
    users, all_users, rids = load.demo_targets(db_path, 4)
    c = log_in(srv, users[2])
    # the friend request's other person: no friend, request or block with users[2] yet (the
    # random load of kill_under_load may have made one between the first 16 users)
    me = db_rows(srv, "SELECT id FROM users WHERE username = ?", (users[2],))[0][0]
    other = next(u for u in all_users[16:] if not db_rows(
        srv, "SELECT 1 FROM users o WHERE o.username = ?1 AND ("
        "EXISTS (SELECT 1 FROM friendships WHERE user_id = ?2 AND friend_id = o.id) OR "
        "EXISTS (SELECT 1 FROM friend_requests WHERE (from_id = ?2 AND to_id = o.id) OR "
        "(from_id = o.id AND to_id = ?2)) OR "
        "EXISTS (SELECT 1 FROM blocks WHERE (user_id = ?2 AND blocked_id = o.id) OR "
        "(user_id = o.id AND blocked_id = ?2)))", (u, me)))
    r = review(c, rids[7], "Stored before read-only")
    t.ok(r.status == 303, "a review stored before the database turns read-only")
    pids = faulty.restart(srv, PROCS, env={"FORKCAST_STORE_SQLITE_READONLY": "1"})
    t.ok(len(pids) == PROCS, "processes restarted with Store.SQLite.ReadOnly = 1: %s" % pids)
    page = c.get("/restaurants/%d" % rids[7])
    t.ok(page.status == 200 and "Stored before read-only" in page.text,
         "reads work (%d)" % page.status)
    # the session's last use is due to be recorded (over a minute ago): still logged in
    db_rows(srv, "UPDATE sessions SET last_seen = last_seen - 3600")
    r = c.get("/feed")
    t.ok(r.status == 200 and users[2] in r.text,
         "a session whose last use cannot be recorded still reads its feed (%d)" % r.status)
    r = review(c, rids[8], "Refused while read-only")
    t.ok(r.status == 503 and "read-only" in r.text and r.getheader("Retry-After"),
         "a review gets the 503 read-only page with Retry-After", "%s %s" % (
             r.status, r.text[:400]))
    r = c.post("/friends/request", {"username": other}, csrf_from="/friends")
    t.ok(r.status == 503 and "read-only" in r.text, "a friend request too (%d)" % r.status)
    r = Client(srv).post("/login", {"username": users[3], "password": "forkcast-demo"})
    t.ok(r.status == 503 and "read-only" in r.text,
         "log-in (it writes a session) gets the read-only page (%d)" % r.status)
    t.ok(not db_rows(srv, "SELECT 1 FROM reviews WHERE body = 'Refused while read-only'"),
         "nothing was written")
    alive = load.fcgi_pids(srv.proc.pid)
    t.ok(sorted(alive) == sorted(pids), "no process died: %s" % alive)
    faulty.restart(srv, PROCS)
    r = review(c, rids[8], "Written after read-only")
    t.ok(r.status == 303, "writable again: the review is saved (%d)" % r.status)


main()
t.done()
