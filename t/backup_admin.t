#!/usr/bin/env python3
"""backup_admin.t - the admin Backups page (/admin/backups) through the real server (ASan
build, demo data) with s3rver: only administrators see it; "Back up now" queues an
s3.backup job that the worker runs (or, while the worker's registry does not list the type,
starts `forkcast backup run` detached); the page and /admin/backups/status show its
progress and then the new snapshot; "Restore" puts the snapshot into a folder under
Backup.RestoreDir whose database and files match the data folder's; bad folder names are
refused."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import S3rver, s3rver_available  # noqa: E402

why = s3rver_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import Client, Server, TAP  # noqa: E402

BUCKET = "fc-admin-backups"
PW = "forkcast-demo"
t = TAP()
s3 = S3rver()
restores = tempfile.mkdtemp(prefix="fc-restores-")
srv = None
worker = None


def login(name):
    c = Client(srv)
    r = c.post("/login", {"username": name, "password": PW}, csrf_from="/login")
    assert r.status == 303, "login failed for %s" % name
    return c


def status(c):
    r = c.get("/admin/backups/status")
    return json.loads(r.text) if r.status == 200 else {"state": "http %d" % r.status}


def wait_done(c, phase, timeout=180):
    """The status once the operation (phase "backup" or "restore") has ended."""
    deadline = time.time() + timeout
    st = status(c)
    while time.time() < deadline:
        st = status(c)
        if st.get("phase") == phase and st.get("state") in ("done", "failed", "interrupted"):
            return st
        time.sleep(0.3)
    return st


def wait_page(c, pattern, timeout=30):
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        text = c.get("/admin/backups").text
        if re.search(pattern, text):
            return True
        time.sleep(0.3)
    return False


try:
    env = s3.env({"FORKCAST_BACKUP_BUCKET": BUCKET, "FORKCAST_BACKUP_PREFIX": "site",
                  "FORKCAST_BACKUP_RESTOREDIR": restores})
    srv = Server(demo=True, env=env)
    r = subprocess.run([srv.cli, "backup", "init"], env=srv.env, capture_output=True, text=True)
    t.ok(r.returncode == 0, "bucket created", r.stderr)
    types = subprocess.run([srv.cli, "worker", "types"], env=srv.env, capture_output=True,
                           text=True).stdout
    in_worker = "s3.backup" in types
    if in_worker:
        # the worker runs next to the server, as `make run` starts it
        worker = subprocess.Popen([srv.cli, "worker", "run"], env=srv.env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    user = login("u1001")
    r = user.get("/admin/backups")
    t.ok(r.status == 403, "a user who is not an administrator gets 403", r.status)
    r = user.request("POST", "/admin/backups/run", form={"csrf": user.csrf("/")})
    t.ok(r.status == 403, "... and cannot start a backup", r.status)

    admin = login("admin")
    r = admin.get("/admin/backups")
    t.ok(r.status == 200 and "s3://%s/site" % BUCKET in r.text and "No snapshot yet" in r.text,
         "the page names the repository and has no snapshot yet", r.status)
    r = admin.post("/admin/backups/run", {}, csrf_from="/admin/backups")
    flash = admin.get("/admin/backups").text
    t.ok(r.status == 303 and re.search(r"Backup (queued as job \d+|started \(process \d+\))", flash),
         "Back up now: %s" % ("queued for the worker" if in_worker
                              else "started detached (no s3.backup in the worker's registry)"),
         flash[:3000])
    st = wait_done(admin, "backup")
    t.ok(st.get("state") == "done" and st.get("files_total", 0) >= 2,
         "the status shows the backup running, then done", st)
    r = admin.get("/admin/backups")
    snaps = re.findall(r'data-snapshot="([^"]+)"', r.text)
    t.ok(len(snaps) == 1 and st.get("snapshot") == snaps[0],
         "the page lists the new snapshot", r.text[-3000:])
    if in_worker:
        t.ok(wait_page(admin, r"<td>s3\.backup</td><td>done</td>"), "the job is listed as done")

    r = admin.post("/admin/backups/restore", {"snapshot": snaps[0], "folder": "../etc"},
                   csrf_from="/admin/backups")
    t.ok(r.status == 303 and "folder name may hold" in admin.get("/admin/backups").text
         and os.listdir(restores) == [], "a folder name with a path in it is refused")
    r = admin.post("/admin/backups/restore", {"snapshot": snaps[0], "folder": "first"},
                   csrf_from="/admin/backups")
    st = wait_done(admin, "restore")
    out = os.path.join(restores, "first")
    t.ok(r.status == 303 and st.get("state") == "done" and os.path.isdir(out),
         "Restore puts the snapshot into a folder under Backup.RestoreDir", st)
    listed = sorted(os.listdir(out))
    t.ok("backup-cache" not in listed and not [f for f in listed if re.search(r"-(wal|shm)$|status", f)],
         "the cache, the status files and the database's WAL are not in the backup", listed)
    with open(os.path.join(srv.dir, "secret"), "rb") as a, \
            open(os.path.join(out, "secret"), "rb") as b:
        same_secret = a.read() == b.read()
    live = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.dir, "forkcast.db"), uri=True)
    back = sqlite3.connect("file:%s?mode=ro" % os.path.join(out, "forkcast.db"), uri=True)
    q = "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM restaurants)"
    counts = (live.execute(q).fetchone(), back.execute(q).fetchone())
    ok = back.execute("PRAGMA integrity_check").fetchone()[0]
    live.close()
    back.close()
    t.ok(same_secret and counts[0] == counts[1] and counts[0][0] > 100 and ok == "ok",
         "the restored database and files match the data folder", counts)
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:2000])
finally:
    if worker:
        worker.terminate()
        worker.wait()
    if srv:
        srv.stop()
        srv.cleanup()
    s3.stop()
    shutil.rmtree(restores, ignore_errors=True)
t.done()
