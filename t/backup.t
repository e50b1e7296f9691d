#!/usr/bin/env python3
"""backup.t - `forkcast backup` (ASan build) against s3rver (t/lib/s3rver.py), some runs
through a recording proxy that can drop connections:

* back up a tree (nested folders, empty, binary, unicode and spaced names, a symlink, a
  private file, a file big enough for a parallel multipart upload), change a file, add one,
  delete one, back up again; restore both snapshots and compare them byte for byte (content,
  modes, mtimes, links) with copies taken at the time; restore one folder with --path;
* a run with no change reads nothing again (local index) and uploads only the manifest;
* the network dies midway (small files, then multipart parts): no snapshot is written, the
  rerun completes without sending again what landed (objects, parts), and restores; a run
  killed with SIGKILL: same;
* verify reports a missing object, verify --deep a corrupted one (same size), restore refuses
  the corrupted file; the next run repairs both;
* prune keeps the snapshots of the last N days and never deletes an object a kept snapshot
  uses;
* init on a bucket that refuses the credentials says why it may (wrong secret, permissions);
* run --time takes seconds or a real UTC date (and time), and refuses anything else (an
  impossible day, an overflowing year, trailing text, empty) with exit 2, writing nothing;
* encryption: the bucket holds no plaintext (contents and names), restore works with the key,
  a wrong key or none fails with a clear message and a non-zero exit, writing nothing."""
import filecmp
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import Proxy, S3rver, s3rver_available  # noqa: E402

why = s3rver_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import ROOT, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
BUCKET = "fc-backup-test"
t = TAP()
sanitizer = []  # ASan/UBSan reports seen in any forkcast run
unprotected = []  # PUT/POST bodies through the proxy without a matching checksum
work = tempfile.mkdtemp(prefix="fc-backup-t-")
s3 = S3rver()
proxy = Proxy(s3.port)


def fc(args, url=None, env=None, timeout=300):
    e = s3.env({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": os.path.join(work, "data"),
        "FORKCAST_STORE_SQLITE_PATH": os.path.join(work, "data", "forkcast.db"),
        "FORKCAST_AWS_RETRY_BASEMS": "10",
        "FORKCAST_AWS_RETRY_CAPMS": "50",
    })
    e["AWS_ENDPOINT_URL_S3"] = url or s3.url
    e.pop("FORKCAST_BACKUP_KEY", None)
    if env:
        e.update(env)
    r = subprocess.run([CLI, "backup"] + args + ["--bucket", BUCKET], env=e,
                       capture_output=True, text=True, timeout=timeout)
    proxied(url)
    if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
        sanitizer.append("%s\n%s" % (" ".join(args), r.stderr[-3000:]))
    return r


def proxied(url):
    if url == proxy.url:
        unprotected.extend(x for x in proxy.integrity
                           if x[2] not in ("sha256", "md5") and "uploads" not in x[1].split("?")[-1])


def kv(out, key):
    m = re.search(r"\b%s=(\S+)" % re.escape(key), out)
    return m.group(1) if m else None


def write(path, data, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    if mode is not None:
        os.chmod(path, mode)


def tree(root):
    """{relpath: (kind, content or target, mode, mtime)} of everything under root."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p), None, None)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, stat.S_IMODE(st.st_mode), None)
            else:
                with open(p, "rb") as f:
                    out[rel] = ("file", f.read(), stat.S_IMODE(st.st_mode), int(st.st_mtime))
    return out


def diff(a, b):
    ta, tb = tree(a), tree(b)
    problems = []
    for k in sorted(set(ta) | set(tb)):
        if k not in ta:
            problems.append("extra " + k)
        elif k not in tb:
            problems.append("missing " + k)
        elif ta[k] != tb[k]:
            what = [n for n, x, y in zip(("kind", "content", "mode", "mtime"), ta[k], tb[k])
                    if x != y]
            problems.append("%s differs: %s" % (k, ",".join(what)))
    return problems


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot_ids(prefix):
    r = fc(["list", "--prefix", prefix])
    return re.findall(r"snapshot=(\S+)", r.stdout)


def snapshot_ids_key(prefix, keyfile):
    r = fc(["list", "--prefix", prefix, "--key-file", keyfile])
    return re.findall(r"snapshot=(\S+)", r.stdout)


def data_objects(prefix):
    return s3.objects(BUCKET, prefix + "/data/")


def whole_objects(prefix):
    """Objects whose content is complete (its SHA-256 is its name): s3rver may keep a partial
    object from a PUT cut by SIGKILL, which the rerun rightly sends again."""
    out = set()
    for k, path in data_objects(prefix).items():
        if sha256(path) == k.rsplit("/", 1)[-1]:
            out.add(k)
    return out


def put_keys(requests):
    """Object keys written by single PUTs (not parts) in a proxy log."""
    return {p.split("?")[0].split("/", 2)[2] for (m, p, s) in requests
            if m == "PUT" and "?" not in p and s == 200}


MP = ["--part-size", "5M", "--multipart-threshold", "5M"]

try:
    # ---- init -------------------------------------------------------------------
    r = fc(["init", "--prefix", "main"])
    t.ok(r.returncode == 0 and os.path.isdir(os.path.join(s3.dir, BUCKET)),
         "init creates the bucket and the repository", r.stderr)
    r = fc(["init", "--prefix", "main"])
    t.ok(r.returncode == 0, "init again is harmless", r.stderr)
    r = fc(["init", "--prefix", "main", "--versioning"])
    t.ok(r.returncode != 0 and "versioning" in r.stderr,
         "init --versioning reports an endpoint that cannot do it", r.stderr)
    # a bucket that refuses the credentials (S3 answers HEAD with a bare 403): the message
    # names the likely cause, with no placeholder for the missing message
    from fault_server import FaultServer  # noqa: E402
    deny = FaultServer(default={"status": 403, "headers": {"x-amz-request-id": "DENY1"},
                                "body": ""})
    try:
        r = fc(["init", "--prefix", "main"], url=deny.url)
    finally:
        deny.stop()
    t.ok(r.returncode != 0 and "Forbidden (HTTP 403)" in r.stderr and
         "secret access key may be wrong" in r.stderr and "permission" in r.stderr and
         ": -" not in r.stderr, "init on a bucket that refuses access names the likely cause",
         r.stderr)

    # ---- two snapshots, restored byte for byte -------------------------------------
    src = os.path.join(work, "src")
    write(os.path.join(src, "menu.txt"), "Soup of the day: lentils\n")
    write(os.path.join(src, "empty"), b"")
    write(os.path.join(src, "private.key"), "secret\n", 0o600)
    write(os.path.join(src, "photos", "crème brûlée.jpg"), os.urandom(70000))
    write(os.path.join(src, "photos", "with space.png"), os.urandom(3000))
    write(os.path.join(src, "photos", "copy.png"), open(os.path.join(src, "photos", "with space.png"), "rb").read())
    write(os.path.join(src, "deep", "a", "b", "c", "note.md"), "# deep\n")
    write(os.path.join(src, "big.bin"), os.urandom(12 * 1024 * 1024 + 123))
    os.symlink("menu.txt", os.path.join(src, "menu-link"))
    os.makedirs(os.path.join(src, "emptydir"))
    ref1 = os.path.join(work, "ref1")
    shutil.copytree(src, ref1, symlinks=True)

    r = fc(["run", "--prefix", "main", src] + MP)
    t.ok(r.returncode == 0 and kv(r.stdout, "files") == "8",
         "first run backs up 8 files", r.stdout + r.stderr)
    t.ok(kv(r.stdout, "new_files") == "7",
         "identical content is uploaded once (7 distinct of 8 files)", r.stdout)
    snap1 = kv(r.stdout, "snapshot")

    time.sleep(1.1)  # a new second: the changed file gets another mtime
    write(os.path.join(src, "menu.txt"), "Soup of the day: pumpkin\n")
    write(os.path.join(src, "photos", "new.jpg"), os.urandom(5000))
    os.unlink(os.path.join(src, "deep", "a", "b", "c", "note.md"))
    ref2 = os.path.join(work, "ref2")
    shutil.copytree(src, ref2, symlinks=True)
    r = fc(["run", "--prefix", "main", src] + MP)
    t.ok(r.returncode == 0 and kv(r.stdout, "new_files") == "2"
         and kv(r.stdout, "new_bytes") == str(len("Soup of the day: pumpkin\n") + 5000),
         "second run uploads only the changed and the added file", r.stdout + r.stderr)
    t.ok(kv(r.stdout, "hashed") == "2", "the local index spares re-reading unchanged files",
         r.stdout)
    snap2 = kv(r.stdout, "snapshot")

    ids = snapshot_ids("main")
    t.ok(ids == sorted([snap1, snap2]), "list shows both snapshots", ids)
    r = fc(["list", "--prefix", "main", "--json"])
    t.ok(r.returncode == 0 and '"new_files":2' in r.stdout and '"files":8' in r.stdout,
         "list --json has files and new bytes", r.stdout)

    out1, out2 = os.path.join(work, "out1"), os.path.join(work, "out2")
    r = fc(["restore", snap1, "--prefix", "main", "--to", out1])
    t.ok(r.returncode == 0, "restore of the first snapshot", r.stderr)
    d = diff(ref1, out1)
    t.ok(not d, "first snapshot restored byte for byte (content, modes, mtimes, links)", d)
    r = fc(["restore", snap2[:16], "--prefix", "main", "--to", out2])
    t.ok(r.returncode == 0, "restore of the second snapshot by a unique prefix", r.stderr)
    d = diff(ref2, out2)
    t.ok(not d, "second snapshot restored byte for byte (changed, added, deleted)", d)

    out3 = os.path.join(work, "out3")
    r = fc(["restore", "latest", "--prefix", "main", "--path", "photos", "--to", out3])
    t.ok(r.returncode == 0 and sorted(os.listdir(out3)) == ["photos"]
         and sorted(os.listdir(os.path.join(out3, "photos")))
         == sorted(os.listdir(os.path.join(ref2, "photos"))),
         "restore --path restores only that folder", r.stderr)
    r = fc(["restore", "nosuch", "--prefix", "main", "--to", os.path.join(work, "x")])
    t.ok(r.returncode != 0 and "no snapshot" in r.stderr, "unknown snapshot: clear error",
         r.stderr)

    # ---- no change: only the manifest --------------------------------------------
    before = set(data_objects("main"))
    proxy.reset()
    r = fc(["run", "--prefix", "main", src] + MP, url=proxy.url)
    writes = [x for x in proxy.log if x[0] in ("PUT", "POST", "DELETE")]
    t.ok(r.returncode == 0 and len(writes) == 1 and "/main/snapshots/" in writes[0][1],
         "a run with no change uploads only the manifest", writes)
    t.ok(kv(r.stdout, "hashed") == "0" and kv(r.stdout, "new_files") == "0",
         "... and reads no file again", r.stdout)
    t.ok(set(data_objects("main")) == before, "... and adds no object", len(before))

    # ---- verify: missing and corrupted objects --------------------------------------
    r = fc(["verify", "--prefix", "main", "--deep"])
    t.ok(r.returncode == 0 and kv(r.stdout, "missing") == "0" and kv(r.stdout, "corrupt") == "0",
         "verify --deep passes on a sound repository", r.stdout + r.stderr)
    objs = data_objects("main")
    new_id = [k for k in objs if k.endswith("/" + sha256(os.path.join(src, "photos", "new.jpg")))]
    menu_id = [k for k in objs if k.endswith("/" + sha256(os.path.join(src, "menu.txt")))]
    t.ok(len(new_id) == 1 and len(menu_id) == 1,
         "objects are named by the SHA-256 of their content", sorted(objs))
    os.unlink(objs[new_id[0]])
    with open(objs[menu_id[0]], "r+b") as f:
        f.seek(5)
        f.write(b"X")
    r = fc(["verify", "--prefix", "main"])
    t.ok(r.returncode == 1 and re.search(r"^missing \S+ \S+:photos/new\.jpg$", r.stdout, re.M)
         and kv(r.stdout, "missing") == "1",
         "verify reports the missing object and the file that uses it", r.stdout + r.stderr)
    t.ok(kv(r.stdout, "corrupt") == "0", "verify without --deep does not download", r.stdout)
    r = fc(["verify", "--prefix", "main", "--deep"])
    t.ok(r.returncode == 1 and re.search(r"^corrupt \S+ \S+:menu\.txt$", r.stdout, re.M)
         and kv(r.stdout, "corrupt") == "1",
         "verify --deep reports the corrupted object (same size)", r.stdout + r.stderr)
    out4 = os.path.join(work, "out4")
    r = fc(["restore", snap2, "--prefix", "main", "--path", "menu.txt", "--to", out4])
    t.ok(r.returncode != 0 and "SHA-256" in r.stderr and not os.path.exists(
        os.path.join(out4, "menu.txt")) and not [f for f in os.listdir(out4) if "fcbk" in f],
        "restore refuses the corrupted file and leaves nothing behind", r.stderr)
    r = fc(["run", "--prefix", "main", src] + MP)
    t.ok(r.returncode == 0 and kv(r.stdout, "new_files") == "2",
         "the next run uploads the missing and the corrupted object again", r.stdout + r.stderr)
    r = fc(["verify", "--prefix", "main", "--deep"])
    t.ok(r.returncode == 0, "verify --deep passes after the repair", r.stdout + r.stderr)

    # ---- the network dies midway ----------------------------------------------------
    src2 = os.path.join(work, "src2")
    for i in range(300):
        write(os.path.join(src2, "d%d" % (i % 7), "f%03d" % i), os.urandom(100 + i))
    # the uploads of contents die after 60; the rest (the manifest) would still get through
    proxy.reset(drop_after=60, drop_match="PUT /%s/cut/data/" % BUCKET, drop_all=False)
    r = fc(["run", "--prefix", "cut", "--concurrency", "4", src2], url=proxy.url)
    landed = set(data_objects("cut"))
    t.ok(r.returncode != 0 and proxy.dropped > 0 and "no snapshot" in r.stderr,
         "a run whose connections drop fails", r.stdout + r.stderr)
    t.ok(snapshot_ids("cut") == [] and 40 <= len(landed) < 300,
         "... without writing a snapshot (%d objects landed)" % len(landed), r.stderr)
    proxy.reset()
    r = fc(["run", "--prefix", "cut", src2], url=proxy.url)
    again = put_keys(proxy.log) & landed
    t.ok(r.returncode == 0 and kv(r.stdout, "new_files") == str(300 - len(landed)),
         "the rerun completes", r.stdout + r.stderr)
    t.ok(not again, "... without uploading again what had landed", sorted(again)[:5])
    out5 = os.path.join(work, "out5")
    r = fc(["restore", "latest", "--prefix", "cut", "--to", out5])
    t.ok(r.returncode == 0 and not diff(src2, out5), "... and restores", diff(src2, out5)[:5])

    # multipart: the parts that landed are not sent again
    src3 = os.path.join(work, "src3")
    write(os.path.join(src3, "dump.bin"), os.urandom(23 * 1024 * 1024))
    proxy.reset(drop_after=2, drop_match="partNumber=")
    r = fc(["run", "--prefix", "mpu", "--concurrency", "2", src3] + MP, url=proxy.url)
    parts1 = {(re.search(r"partNumber=(\d+)", p).group(1), re.search(r"uploadId=(\w+)", p).group(1))
              for (m, p, s) in proxy.log if "partNumber=" in p and s == 200}
    t.ok(r.returncode != 0 and len(parts1) >= 2 and snapshot_ids("mpu") == [],
         "a multipart upload cut after %d parts fails without a snapshot" % len(parts1),
         r.stderr)
    proxy.reset()
    r = fc(["run", "--prefix", "mpu", src3] + MP, url=proxy.url)
    parts2 = {(re.search(r"partNumber=(\d+)", p).group(1), re.search(r"uploadId=(\w+)", p).group(1))
              for (m, p, s) in proxy.log if "partNumber=" in p}
    uploads1 = {u for (_, u) in parts1}
    completes = [p for (m, p, s) in proxy.log if m == "POST" and "uploadId=" in p]
    t.ok(r.returncode == 0 and not (parts1 & parts2) and len(parts1) + len(parts2) == 5
         and {u for (_, u) in parts2} <= uploads1 and len(completes) == 1,
         "the rerun resumes the same multipart upload with the missing parts only",
         "%s\n%s\n%s" % (sorted(parts1), sorted(parts2), r.stderr))
    out6 = os.path.join(work, "out6")
    r = fc(["restore", "latest", "--prefix", "mpu", "--to", out6])
    t.ok(r.returncode == 0 and filecmp.cmp(os.path.join(src3, "dump.bin"),
                                           os.path.join(out6, "dump.bin"), shallow=False),
         "... and the file restores intact", r.stderr)

    # killed with SIGKILL
    src4 = os.path.join(work, "src4")
    for i in range(1500):
        write(os.path.join(src4, "k%02d" % (i % 30), "f%04d" % i), os.urandom(50 + i))
    e = s3.env({"FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
                "FORKCAST_DATA_DIR": os.path.join(work, "data"),
                "FORKCAST_STORE_SQLITE_PATH": os.path.join(work, "data", "forkcast.db")})
    e["AWS_ENDPOINT_URL_S3"] = proxy.url  # the same endpoint (and cache) as the rerun
    p = subprocess.Popen([CLI, "backup", "run", "--bucket", BUCKET, "--prefix", "kill",
                          "--concurrency", "2", src4], env=e, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and len(data_objects("kill")) < 200 and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    landed = whole_objects("kill")
    t.ok(p.returncode == -signal.SIGKILL and 200 <= len(landed) < 1500
         and snapshot_ids("kill") == [],
         "a run killed midway (%d objects landed) leaves no snapshot" % len(landed), p.returncode)
    proxy.reset()
    r = fc(["run", "--prefix", "kill", src4], url=proxy.url)
    again = put_keys(proxy.log) & landed
    t.ok(r.returncode == 0 and not again and kv(r.stdout, "new_files") == str(1500 - len(landed)),
         "the rerun after SIGKILL uploads only what had not landed", r.stdout + r.stderr)
    out7 = os.path.join(work, "out7")
    r = fc(["restore", "latest", "--prefix", "kill", "--to", out7])
    t.ok(r.returncode == 0 and not diff(src4, out7), "... and restores", r.stderr)

    # ---- prune --------------------------------------------------------------------------
    src5 = os.path.join(work, "src5")
    days = ["2026-03-01T10:00:00", "2026-03-02T10:00:00", "2026-03-02T18:00:00",
            "2026-03-03T09:00:00", "2026-03-04T09:00:00"]
    refs = {}
    write(os.path.join(src5, "keep-forever.txt"), "in every snapshot\n")
    for i, when in enumerate(days):
        write(os.path.join(src5, "day.txt"), "snapshot %d of %s\n" % (i, when))
        if i == 1:
            write(os.path.join(src5, "only-in-1.bin"), os.urandom(777))
        elif os.path.exists(os.path.join(src5, "only-in-1.bin")):
            os.unlink(os.path.join(src5, "only-in-1.bin"))
        r = fc(["run", "--prefix", "prune", "--time", when, src5])
        refs[kv(r.stdout, "snapshot")] = os.path.join(work, "pref%d" % i)
        shutil.copytree(src5, refs[kv(r.stdout, "snapshot")], symlinks=True)
    all_ids = snapshot_ids("prune")
    before = data_objects("prune")
    r = fc(["prune", "--prefix", "prune", "--keep-daily", "2", "--grace", "0"])
    kept = snapshot_ids("prune")
    # newest of 03-04 and of 03-03 are kept
    t.ok(r.returncode == 0 and kept == all_ids[3:], "prune --keep-daily 2 keeps the last two days",
         "%s\n%s" % (kept, r.stdout + r.stderr))
    after = data_objects("prune")
    t.ok(len(after) == 3 and set(after) <= set(before),
         "prune deletes the objects only removed snapshots used (7 -> 3)",
         "%d -> %d" % (len(before), len(after)))
    r = fc(["verify", "--prefix", "prune", "--deep"])
    t.ok(r.returncode == 0, "every object a kept snapshot uses is still there",
         r.stdout + r.stderr)
    bad = []
    for sid in kept:
        o = os.path.join(work, "prest-" + sid)
        r = fc(["restore", sid, "--prefix", "prune", "--to", o])
        bad += diff(refs[sid], o) + ([r.stderr] if r.returncode else [])
    t.ok(not bad, "kept snapshots restore intact after prune", bad)
    r = fc(["prune", "--prefix", "prune", "--keep-weekly", "1", "--grace", "0", "--dry-run"])
    t.ok(r.returncode == 0 and snapshot_ids("prune") == kept and "remove " + kept[0] in r.stdout,
         "prune --dry-run deletes nothing", r.stdout)
    r = fc(["prune", "--prefix", "prune"])
    t.ok(r.returncode == 2, "prune without a policy refuses", r.stderr)

    # ---- --time: only real dates, whole -----------------------------------------------------
    bad = []
    for when in ("2026-13-01", "2026-02-30", "99999999999-01-01", "2026-01-01junk", "",
                 "2026-13-01T10:00:00", "2026-02-30T10:00:00", "2026-02-29T10:00:00",
                 "99999999999-01-01T00:00:00", "2026-01-01T10:00:00junk", "2026-01-01T24:00:00",
                 "2026-01-01T10:00:00 ", "+1772359200", " 1772359200", "1772359200x",
                 "99999999999", "2100-01-02"):
        r = fc(["run", "--prefix", "when", "--time", when, src5])
        if (r.returncode != 2 or r.stdout or '--time "%s' % when[:20] not in r.stderr
                or "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS" not in r.stderr):
            bad.append((when, r.returncode, r.stdout, r.stderr[-300:]))
    t.ok(not bad and snapshot_ids("when") == [] and not s3.objects(BUCKET, "when/"),
         "run --time refuses an impossible day, an overflowing year, trailing text, an empty or "
         "signed value: exit 2, the argument and the formats named, nothing written",
         "\n".join(map(repr, bad)))
    got = []
    for when in ("2026-03-05", "2026-03-06T07:08:09", "2026-03-07T01:02:03Z", "1772359200"):
        r = fc(["run", "--prefix", "when", "--time", when, src5])
        got.append((r.returncode, (kv(r.stdout, "snapshot") or r.stderr)[:16]))
    t.ok(got == [(0, "20260305T000000Z"), (0, "20260306T070809Z"), (0, "20260307T010203Z"),
                 (0, "20260301T100000Z")],
         "run --time takes a date, a date and time (UTC, Z allowed) and seconds", got)

    # ---- encryption -----------------------------------------------------------------------
    src6 = os.path.join(work, "src6")
    marker = b"PLAINTEXT-MARKER-7f3a"
    write(os.path.join(src6, "secret-recipe-name.txt"), marker + b" tarte tatin\n")
    write(os.path.join(src6, "big-secret.bin"), (marker + os.urandom(1000)) * 6000)
    keyfile = os.path.join(work, "backup.key")
    write(keyfile, "correct horse battery staple\n", 0o600)
    r = fc(["run", "--prefix", "enc", "--key-file", keyfile, src6] + MP)
    t.ok(r.returncode == 0, "encrypted run", r.stderr)
    leaks = []
    for dirpath, _, files in os.walk(os.path.join(s3.dir, BUCKET, "enc")):
        for f in files:
            full = os.path.join(dirpath, f)
            if "secret" in full or "recipe" in full:
                leaks.append(full)
            with open(full, "rb") as fh:
                body = fh.read()
            try:  # a gzip'ed manifest would be plaintext too
                body += zlib.decompress(body, 47)
            except zlib.error:
                pass
            if marker in body or b"tarte" in body or b"secret-recipe" in body:
                leaks.append(full)
    t.ok(not leaks and len(data_objects("enc")) == 2, "the bucket holds no plaintext", leaks)
    out8 = os.path.join(work, "out8")
    r = fc(["restore", "latest", "--prefix", "enc", "--key-file", keyfile, "--to", out8])
    t.ok(r.returncode == 0 and not diff(src6, out8), "encrypted snapshot restores with the key",
         r.stderr)
    r = fc(["verify", "--prefix", "enc", "--deep"], env={"FORKCAST_BACKUP_KEY": "correct horse battery staple"})
    t.ok(r.returncode == 0, "verify --deep with the key from the environment", r.stderr)
    wrong = os.path.join(work, "wrong.key")
    write(wrong, "incorrect horse\n")
    out9 = os.path.join(work, "out9")
    r = fc(["restore", "latest", "--prefix", "enc", "--key-file", wrong, "--to", out9])
    t.ok(r.returncode != 0 and "wrong encryption key" in r.stderr and not os.path.exists(out9),
         "a wrong key: clear error, non-zero exit, nothing written", r.stderr)
    before = (set(s3.objects(BUCKET, "enc/")), snapshot_ids_key("enc", keyfile))
    write(os.path.join(src6, "more.txt"), "more\n")
    r = fc(["run", "--prefix", "enc", "--key-file", wrong, src6])
    t.ok(r.returncode != 0 and "wrong encryption key" in r.stderr
         and (set(s3.objects(BUCKET, "enc/")), snapshot_ids_key("enc", keyfile)) == before,
         "a run with a wrong key refuses and writes nothing", r.stdout + r.stderr)
    r = fc(["list", "--prefix", "enc"])
    t.ok(r.returncode != 0 and "is encrypted" in r.stderr and not r.stdout,
         "no key: clear error", r.stderr)
    r = fc(["run", "--prefix", "main", "--key-file", keyfile, src])
    t.ok(r.returncode != 0 and "not encrypted" in r.stderr,
         "a key for an unencrypted repository is refused", r.stderr)
    t.ok(not unprotected, "every PUT and POST with a body carried a matching x-amz-checksum-sha256 "
         "or Content-MD5, and its real SHA-256 as payload hash", unprotected[:10])
    t.ok(not sanitizer, "no sanitizer report in any run", "\n".join(sanitizer)[:3000])
finally:
    proxy.stop()
    s3.stop()
    shutil.rmtree(work, ignore_errors=True)
t.done()
