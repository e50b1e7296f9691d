#!/usr/bin/env python3
"""backup_mirror.t - `forkcast backup run --mirror` (ASan build) against s3rver: a plain
path-for-path copy with `aws s3 sync` semantics. The aws CLI (with --endpoint-url) lists the
objects and copies them back identical, big multipart files included; a second run uploads
nothing; a file with a newer mtime is uploaded again; --delete removes what is gone locally;
`aws s3 sync --dryrun` agrees there is nothing to do. The aws CLI checks are skipped when it
is not on the PATH."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import Proxy, S3rver, s3rver_available  # noqa: E402

why = s3rver_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import ROOT, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
BUCKET = "fc-mirror-test"
AWS = shutil.which("aws")
t = TAP()
sanitizer = []  # ASan/UBSan reports seen in any forkcast run
work = tempfile.mkdtemp(prefix="fc-mirror-t-")
s3 = S3rver()
proxy = Proxy(s3.port)


def fc(args, url=None, env=None):
    e = s3.env({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": os.path.join(work, "data"),
        "FORKCAST_STORE_SQLITE_PATH": os.path.join(work, "data", "forkcast.db"),
    })
    e["AWS_ENDPOINT_URL_S3"] = url or s3.url
    e.pop("FORKCAST_BACKUP_KEY", None)
    if env:
        e.update(env)
    r = subprocess.run([CLI, "backup"] + args + ["--bucket", BUCKET], env=e,
                       capture_output=True, text=True, timeout=300)
    if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
        sanitizer.append("%s\n%s" % (" ".join(args), r.stderr[-3000:]))
    return r


def aws(args):
    return subprocess.run([AWS, "--endpoint-url", s3.url] + args, env=s3.env(),
                          capture_output=True, text=True, timeout=300)


def kv(out, key):
    m = re.search(r"\b%s=(\S+)" % re.escape(key), out)
    return m.group(1) if m else None


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def files(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def skip(name):
    t.ok(True, "%s # SKIP no aws CLI on the PATH" % name)


try:
    src = os.path.join(work, "src")
    write(os.path.join(src, "index.html"), "<h1>forkcast</h1>\n")
    write(os.path.join(src, "empty.txt"), b"")
    write(os.path.join(src, "photos", "crème brûlée.jpg"), os.urandom(40000))
    write(os.path.join(src, "photos", "with space.png"), os.urandom(2000))
    write(os.path.join(src, "a", "b", "c", "deep.txt"), "deep\n")
    write(os.path.join(src, "dump.bin"), os.urandom(12 * 1024 * 1024 + 7))
    past = time.time() - 60
    for d, _, names in os.walk(src):
        for n in names:
            os.utime(os.path.join(d, n), (past, past))
    r = fc(["init", "--prefix", "unused"])
    t.ok(r.returncode == 0, "bucket created", r.stderr)

    MP = ["--part-size", "5M", "--multipart-threshold", "5M"]
    r = fc(["run", "--mirror", "--prefix", "site", src] + MP)
    t.ok(r.returncode == 0 and kv(r.stdout, "uploaded") == "6",
         "mirror uploads every file", r.stdout + r.stderr)
    keys = sorted(k for k in s3.objects(BUCKET, "site/"))
    t.ok(keys == sorted("site/" + k for k in files(src)),
         "objects are named by their paths", keys)

    if AWS:
        r = aws(["s3", "ls", "--recursive", "s3://%s/site/" % BUCKET])
        listed = {}
        for line in r.stdout.splitlines():
            m = re.match(r"\S+ \S+\s+(\d+) (.+)$", line)
            if m:
                listed[m.group(2)] = int(m.group(1))
        want = {"site/" + k: len(v) for k, v in files(src).items()}
        t.ok(r.returncode == 0 and listed == want, "aws s3 ls lists them with their sizes",
             "%s\n%s" % (r.stdout, r.stderr))
        back = os.path.join(work, "back")
        r = aws(["s3", "cp", "--recursive", "--only-show-errors", "s3://%s/site/" % BUCKET,
                 back])
        t.ok(r.returncode == 0 and files(back) == files(src),
             "aws s3 cp reads everything back identical (multipart included)", r.stderr)
    else:
        skip("aws s3 ls lists them with their sizes")
        skip("aws s3 cp reads everything back identical (multipart included)")

    proxy.reset()
    r = fc(["run", "--mirror", "--prefix", "site", src] + MP, url=proxy.url)
    writes = [x for x in proxy.log if x[0] in ("PUT", "POST", "DELETE")]
    t.ok(r.returncode == 0 and kv(r.stdout, "uploaded") == "0" and not writes,
         "a second mirror run uploads nothing", r.stdout + str(writes))
    if AWS:
        r = aws(["s3", "sync", "--dryrun", src, "s3://%s/site/" % BUCKET])
        t.ok(r.returncode == 0 and "upload" not in r.stdout,
             "aws s3 sync agrees there is nothing to upload", r.stdout + r.stderr)
    else:
        skip("aws s3 sync agrees there is nothing to upload")

    # same size, newer mtime: uploaded again (aws s3 sync's rule)
    time.sleep(1.1)
    write(os.path.join(src, "index.html"), "<h1>FORKCAST</h1>\n")
    future = time.time() + 5
    os.utime(os.path.join(src, "index.html"), (future, future))
    r = fc(["run", "--mirror", "--prefix", "site", src] + MP)
    with open(s3.object_path(BUCKET, "site/index.html"), "rb") as f:
        body = f.read()
    t.ok(r.returncode == 0 and kv(r.stdout, "uploaded") == "1" and body == b"<h1>FORKCAST</h1>\n",
         "a newer file of the same size is uploaded again", r.stdout + r.stderr)

    os.unlink(os.path.join(src, "a", "b", "c", "deep.txt"))
    r = fc(["run", "--mirror", "--prefix", "site", src] + MP)
    t.ok(r.returncode == 0 and "site/a/b/c/deep.txt" in s3.objects(BUCKET, "site/"),
         "without --delete, a file deleted locally stays in the bucket", r.stderr)
    r = fc(["run", "--mirror", "--delete", "--prefix", "site", src] + MP)
    t.ok(r.returncode == 0 and kv(r.stdout, "deleted") == "1"
         and "site/a/b/c/deep.txt" not in s3.objects(BUCKET, "site/"),
         "--delete removes it", r.stdout + r.stderr)
    if AWS:
        r = aws(["s3", "ls", "--recursive", "s3://%s/site/" % BUCKET])
        t.ok(r.returncode == 0 and "deep.txt" not in r.stdout and "index.html" in r.stdout,
             "aws s3 ls agrees", r.stdout)
    else:
        skip("aws s3 ls agrees")

    r = fc(["run", "--mirror", "--prefix", "site", src], env={"FORKCAST_BACKUP_KEY": "k" * 20})
    t.ok(r.returncode != 0 and "cannot be encrypted" in r.stderr,
         "mirror mode refuses an encryption key", r.stderr)
    t.ok(not sanitizer, "no sanitizer report in any run", "\n".join(sanitizer)[:3000])
finally:
    proxy.stop()
    s3.stop()
    shutil.rmtree(work, ignore_errors=True)
t.done()
