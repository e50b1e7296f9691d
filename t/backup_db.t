#!/usr/bin/env python3
"""backup_db.t - the database copy in `forkcast backup run` (ASan build, s3rver): while a
writer commits transactions into the SQLite database (WAL mode, no checkpoints, so committed
data lives in the -wal file), backups of the data folder (the default PATH) restore a
database that passes integrity_check, holds only whole transactions, and has everything
committed before the run started; no -wal/-shm/-journal file is ever backed up. With the
writer stopped, a second run uploads nothing but the manifest (the online-backup copy of an
unchanged database is byte-identical)."""
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

from fcserver import ROOT, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
BUCKET = "fc-db-test"
ROWS = 50  # rows per transaction
t = TAP()
sanitizer = []  # ASan/UBSan reports seen in any forkcast run
work = tempfile.mkdtemp(prefix="fc-backup-db-")
data = os.path.join(work, "data")
db = os.path.join(data, "forkcast.db")
os.makedirs(os.path.join(data, "blobs"))
s3 = S3rver()

WRITER = r"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("CREATE TABLE IF NOT EXISTS rows(batch INTEGER, n INTEGER, pad TEXT)")
db.execute("CREATE TABLE IF NOT EXISTS counter(k INTEGER PRIMARY KEY, batches INTEGER)")
db.execute("INSERT OR IGNORE INTO counter VALUES(1, 0)")
b = db.execute("SELECT batches FROM counter").fetchone()[0]
while True:
    b += 1
    db.execute("BEGIN IMMEDIATE")
    for i in range(%d):
        db.execute("INSERT INTO rows VALUES(?,?,?)", (b, i, "x" * 200))
    db.execute("UPDATE counter SET batches=? WHERE k=1", (b,))
    db.execute("COMMIT")
    time.sleep(0.002)
""" % ROWS


def fc(args):
    e = s3.env({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": data,
        "FORKCAST_STORE_SQLITE_PATH": db,
        "FORKCAST_BACKUP_CACHEDIR": os.path.join(work, "cache"),
    })
    r = subprocess.run([CLI, "backup"] + args + ["--bucket", BUCKET], env=e,
                       capture_output=True, text=True, timeout=300)
    if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
        sanitizer.append("%s\n%s" % (" ".join(args), r.stderr[-3000:]))
    return r


def kv(out, key):
    m = re.search(r"\b%s=(\S+)" % re.escape(key), out)
    return m.group(1) if m else None


def batches_now():
    c = sqlite3.connect(db, timeout=30)
    try:
        row = c.execute("SELECT batches FROM counter").fetchone()
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        c.close()
    return row[0] if row else 0  # the writer creates the table, then inserts its row


def check(restored, floor):
    """Problems with a restored database, [] when sound."""
    p = os.path.join(restored, "forkcast.db")
    if not os.path.exists(p):
        return ["no forkcast.db in the restore"]
    extra = [f for f in os.listdir(restored) if re.search(r"-(wal|shm|journal)$", f)]
    if extra:
        return ["journal files were backed up: %s" % extra]
    c = sqlite3.connect("file:%s?mode=ro" % p, uri=True)
    try:
        return check_db(c, floor)
    except sqlite3.Error as e:
        return ["the restored database is unusable: %s" % e]
    finally:
        c.close()


def check_db(c, floor):
    out = []
    ic = c.execute("PRAGMA integrity_check").fetchone()[0]
    if ic != "ok":
        out.append("integrity_check: " + ic)
    n = c.execute("SELECT batches FROM counter").fetchone()[0]
    per = c.execute("SELECT batch, count(*) FROM rows GROUP BY batch").fetchall()
    torn = [(b, k) for (b, k) in per if k != ROWS]
    if torn:
        out.append("torn transactions: %s" % torn[:5])
    if len(per) != n or (per and max(b for b, _ in per) != n):
        out.append("counter %d but %d batches" % (n, len(per)))
    if n < floor:
        out.append("only %d batches, %d were committed before the run" % (n, floor))
    return out


writer = None
try:
    with open(os.path.join(data, "blobs", "photo.jpg"), "wb") as f:
        f.write(os.urandom(20000))
    # a second database, found by its name and header, in a subfolder
    other = sqlite3.connect(os.path.join(data, "blobs", "other.sqlite"))
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t(x)")
    other.executemany("INSERT INTO t VALUES(?)", [(i,) for i in range(1000)])
    other.commit()
    r = fc(["init", "--prefix", "db"])
    t.ok(r.returncode == 0, "repository created", r.stderr)

    writer = subprocess.Popen([sys.executable, "-c", WRITER, db])
    while not os.path.exists(db) or batches_now() < 20:
        time.sleep(0.05)
    sound = True
    diags = []
    for k in range(3):
        floor = batches_now()
        r = fc(["run", "--prefix", "db"])
        if r.returncode != 0:
            sound = False
            diags.append(r.stderr)
            break
        out = os.path.join(work, "restore%d" % k)
        r = fc(["restore", kv(r.stdout, "snapshot"), "--prefix", "db", "--to", out])
        problems = check(out, floor) if r.returncode == 0 else [r.stderr]
        if problems:
            sound = False
            diags += problems
        time.sleep(0.3)
    t.ok(writer.poll() is None and os.path.getsize(db + "-wal") > 100000,
         "the writer was committing into the WAL all along")
    t.ok(sound, "3 backups during writes restore whole, consistent databases", diags)
    writer.terminate()
    writer.wait()
    writer = None

    blobs = sorted(os.listdir(os.path.join(work, "restore0", "blobs")))
    c = sqlite3.connect("file:%s?mode=ro" % os.path.join(work, "restore0", "blobs", "other.sqlite"),
                        uri=True)
    t.ok(c.execute("SELECT count(*) FROM t").fetchone()[0] == 1000
         and blobs == ["other.sqlite", "photo.jpg"],
         "another SQLite database in the folder is copied the same way", blobs)
    c.close()

    r1 = fc(["run", "--prefix", "db"])
    r2 = fc(["run", "--prefix", "db"])
    t.ok(r2.returncode == 0 and kv(r2.stdout, "new_files") == "0" and kv(r2.stdout, "puts") == "1",
         "an unchanged database is not uploaded again", r1.stdout + r2.stdout + r2.stderr)

    # With the DynamoDB store, a run of the data folder exports the table's rows.
    try:
        from dynalite import Dynalite, available as dynalite_available
        why_not = dynalite_available()
    except ImportError as e:
        why_not = str(e)
    if why_not:
        t.ok(True, "DynamoDB store: rows exported into the snapshot # SKIP %s" % why_not)
    else:
        dl = Dynalite()
        try:
            ddata = os.path.join(work, "ddata")
            os.makedirs(ddata)
            src = os.path.join(work, "src.db")
            e = s3.env({"FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
                        "FORKCAST_DATA_DIR": ddata, "FORKCAST_STORE_SQLITE_PATH": src,
                        "FORKCAST_BACKUP_CACHEDIR": os.path.join(work, "dcache"),
                        "FORKCAST_STORE_DYNAMODB_TABLE": "fc-backup-t",
                        "AWS_ENDPOINT_URL_DYNAMODB": dl.url})

            def cli(args, backend="sqlite"):
                e["FORKCAST_STORE_BACKEND"] = backend
                return subprocess.run([CLI] + args, env=e, capture_output=True, text=True,
                                      timeout=300)
            steps = [cli(["migrate"])]
            c = sqlite3.connect(src)
            for i in range(40):
                c.execute("INSERT INTO users(username, email, display_name, created_at) "
                          "VALUES (?, ?, ?, ?)", ("cook%d" % i, "c%d@x.org" % i, "Cook %d" % i,
                                                  1700000000 + i))
            c.commit()
            c.close()
            steps.append(cli(["dynamodb", "create-tables"]))
            steps.append(cli(["dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb"]))
            steps.append(cli(["backup", "run", "--bucket", BUCKET, "--prefix", "ddb"],
                             backend="dynamodb"))
            out = os.path.join(work, "drestore")
            steps.append(cli(["backup", "restore", "latest", "--bucket", BUCKET, "--prefix", "ddb",
                              "--to", out], backend="dynamodb"))
            rows = None
            exported = os.path.join(out, "forkcast-store-export.db")
            if all(r.returncode == 0 for r in steps) and os.path.exists(exported):
                c = sqlite3.connect(exported)
                rows = c.execute("SELECT count(*), min(username), max(display_name) FROM users"
                                 ).fetchone()
                c.close()
            t.ok(rows == (40, "cook0", "Cook 9"),
                 "DynamoDB store: a run of the data folder exports the table's rows (%s)" % (rows,),
                 "\n".join("%s %s" % (r.returncode, r.stderr[-800:]) for r in steps))
        finally:
            dl.stop()
    t.ok(not sanitizer, "no sanitizer report in any run", "\n".join(sanitizer)[:3000])
finally:
    if writer:
        writer.kill()
        writer.wait()
    s3.stop()
    print("# work", work) if os.environ.get("KEEP") else shutil.rmtree(work, ignore_errors=True)
t.done()
