#!/usr/bin/env python3
"""blob_s3.t - review photos on S3 (Blob.Backend = s3, cgi/blob/s3.c) against s3rver
(t/lib/s3rver.py) and against moto with signature checking on (t/lib/moto_server.py):

* a photo posted with a review is an object under Blob.S3.Prefix in the bucket (read back with
  the aws CLI, byte for byte) and is served by the app at /photos/KEY with
  Cache-Control: private; a viewer who may not see the review gets no photo;
* an object whose bytes do not match its key (the key is the photo's SHA-256) is not served;
* `forkcast blob list` and `forkcast blob copy s3 local` / `local s3`: every photo is copied
  once, a second run copies nothing, an interrupted copy goes on where it stopped;
* Blob.Backend = s3 without a bucket: the CLI says which setting is missing;
* moto (signature checking on): the same PUT, GET and list are accepted as signed."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import S3rver, s3rver_available  # noqa: E402

why = s3rver_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import ROOT, TAP, Client, Server, multipart  # noqa: E402
from moto_server import MotoServer, moto_available  # noqa: E402

BUCKET = "fc-photos"
PW = "tacos al pastor"
t = TAP()
s3 = S3rver()
work = tempfile.mkdtemp(prefix="fc-blob-t-")
srv = None


def aws(*args, env=None):
    env = env or s3.env()
    # --endpoint-url: Debian 12's awscli predates AWS_ENDPOINT_URL_S3
    r = subprocess.run(["aws", "--endpoint-url", env["AWS_ENDPOINT_URL_S3"]] + list(args),
                       env=env, capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        raise RuntimeError("aws %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def cli(*args, env=None):
    e = dict(srv.env)
    if env:
        e.update(env)
    return subprocess.run([srv.cli] + list(args), env=e, capture_output=True, text=True,
                          timeout=120)


def signup(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()}, csrf_from="/signup")
    assert r.status == 303, (name, r.status, r.text[:300])
    return c


def post_photo(c, rest, jpeg, stars="5"):
    data, ct = multipart({"csrf": c.csrf("/restaurants/%d" % rest), "stars": stars,
                          "body": "with a picture"}, {"photo": ("p.jpg", "image/jpeg", jpeg)})
    r = c.request("POST", "/restaurants/%d/review" % rest, body=data, headers={"Content-Type": ct})
    assert r.status == 303, (r.status, r.text[:300])
    page = c.get("/restaurants/%d" % rest).text
    return re.search(r'src="/photos/([0-9a-f]{64}\.jpg)"', page).group(1)


try:
    aws("s3api", "create-bucket", "--bucket", BUCKET)
    env = s3.env({"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET,
                  "FORKCAST_BLOB_S3_PREFIX": "site/photos"})
    srv = Server(demo=True, env=env)
    olga = signup("olga")
    anon = Client(srv)
    rests = [int(x) for x in re.findall(r'href="/restaurants/(\d+)"', anon.get("/restaurants").text)]
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(2000)
    key = post_photo(olga, rests[0], jpeg)
    t.ok(key == hashlib.sha256(jpeg).hexdigest() + ".jpg", "the photo's key is its SHA-256")

    listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", BUCKET))
    keys = [o["Key"] for o in listed.get("Contents", [])]
    t.ok(keys == ["site/photos/" + key], "the bucket holds the photo under the prefix", keys)
    got = os.path.join(work, "got.jpg")
    aws("s3api", "get-object", "--bucket", BUCKET, "--key", "site/photos/" + key, got)
    with open(got, "rb") as f:
        t.ok(f.read() == jpeg, "the object is the uploaded photo byte for byte (aws CLI)")

    r = olga.request("GET", "/photos/" + key)
    t.ok(r.status == 200 and r.data == jpeg, "the app serves the photo from S3",
         (r.status, len(r.data)))
    t.ok(r.headers.get("Cache-Control", "").startswith("private"),
         "served with Cache-Control: private", r.headers.get("Cache-Control"))
    t.ok(r.headers.get("Content-Type") == "image/jpeg", "as image/jpeg")
    t.ok(anon.request("GET", "/photos/" + key).status == 200,
         "a public review's photo is served to a visitor")
    r = olga.post("/u/olga/edit", {"display_name": "Olga", "bio": "", "city": "",
                                   "visibility": "friends"}, csrf_from="/u/olga/edit")
    assert r.status == 303, r.status
    t.ok(anon.request("GET", "/photos/" + key).status == 404,
         "once her profile is friends-only, a visitor gets no photo from S3")
    t.ok(olga.request("GET", "/photos/" + key).status == 200, "she still gets it")

    # blob list / copy s3 -> local, twice
    r = cli("blob", "list", "s3")
    t.ok(r.returncode == 0 and r.stdout.split() == [key], "blob list s3 lists the photo",
         r.stdout + r.stderr)
    r = cli("blob", "copy", "s3", "local")
    t.ok(r.returncode == 0 and "1 copied, 0 already there, 0 failed" in r.stdout,
         "blob copy s3 local copies the photo", r.stdout + r.stderr)
    local = os.path.join(srv.dir, "blobs", key)
    with open(local, "rb") as f:
        t.ok(f.read() == jpeg, "the local copy is the photo")
    r = cli("blob", "copy", "s3", "local")
    t.ok(r.returncode == 0 and "0 copied, 1 already there" in r.stdout,
         "a second copy copies nothing", r.stdout)

    # local -> s3, resumed: two photos only in the folder, one already in the bucket
    more = [b"\xff\xd8\xff\xe0" + os.urandom(500) for _ in range(3)]
    more_keys = []
    for data in more:
        k = hashlib.sha256(data).hexdigest() + ".jpg"
        more_keys.append(k)
        with open(os.path.join(srv.dir, "blobs", k), "wb") as f:
            f.write(data)
    with open(os.path.join(work, "one.jpg"), "wb") as f:
        f.write(more[0])
    aws("s3api", "put-object", "--bucket", BUCKET, "--key", "site/photos/" + more_keys[0],
        "--body", os.path.join(work, "one.jpg"))
    r = cli("blob", "copy", "local", "s3", "--dry-run")
    t.ok(r.returncode == 0 and "2 to copy, 2 already there" in r.stdout,
         "--dry-run says what would be copied", r.stdout + r.stderr)
    r = cli("blob", "copy", "local", "s3")
    t.ok(r.returncode == 0 and "2 copied, 2 already there, 0 failed" in r.stdout,
         "blob copy local s3 copies only what the bucket lacks", r.stdout + r.stderr)
    r = cli("blob", "list", "s3")
    t.ok(sorted(r.stdout.split()) == sorted([key] + more_keys), "the bucket has all four",
         r.stdout)

    # an object that does not match its key is neither served nor copied
    bad = hashlib.sha256(b"other").hexdigest() + ".jpg"
    with open(os.path.join(work, "bad.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff not what the key says")
    aws("s3api", "put-object", "--bucket", BUCKET, "--key", "site/photos/" + bad, "--body",
        os.path.join(work, "bad.jpg"))
    r = cli("blob", "copy", "s3", "local")
    t.ok(r.returncode == 1 and bad in r.stderr and "1 failed" in r.stdout
         and not os.path.exists(os.path.join(srv.dir, "blobs", bad)),
         "a corrupted object is reported and not copied", r.stdout + r.stderr)

    r = cli("blob", "list", "s3", env={"FORKCAST_BLOB_S3_BUCKET": ""})
    t.ok(r.returncode == 1 and "Blob.S3.Bucket" in r.stderr,
         "no bucket: the message names Blob.S3.Bucket", r.stderr)
    r = cli("blob", "copy", "s3")
    t.ok(r.returncode == 2 and "usage" in r.stderr, "blob copy without TO: usage, exit 2")

    # moto with signature checking on
    why = moto_available()
    if why:
        t.ok(True, "# SKIP moto not installed (%s)" % why)
    else:
        moto = MotoServer(raw_uri=True)
        try:
            menv = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            menv.update({"AWS_ACCESS_KEY_ID": moto.access_key_id,
                         "AWS_SECRET_ACCESS_KEY": moto.secret_access_key,
                         "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                         "AWS_ENDPOINT_URL_S3": moto.url, "AWS_EC2_METADATA_DISABLED": "true"})
            aws("s3api", "create-bucket", "--bucket", BUCKET, env=menv)
            cenv = dict(menv)
            cenv.update({"FORKCAST_BLOB_S3_BUCKET": BUCKET})
            r = cli("blob", "copy", "local", "s3", env=cenv)
            t.ok(r.returncode == 0 and "copied, 0 already there, 0 failed" in r.stdout,
                 "moto (signatures checked) accepts the signed PUTs", r.stdout + r.stderr)
            r = cli("blob", "list", "s3", env=cenv)
            listed = json.loads(aws("s3api", "list-objects-v2", "--bucket", BUCKET, env=menv))
            t.ok(sorted(r.stdout.split()) ==
                 sorted(o["Key"][len("site/photos/"):] for o in listed["Contents"]),
                 "moto: blob list agrees with the aws CLI", r.stdout + r.stderr)
            shutil.rmtree(os.path.join(srv.dir, "blobs"))
            r = cli("blob", "copy", "s3", "local", env=cenv)
            t.ok(r.returncode == 0 and " 0 failed" in r.stdout,
                 "moto: signed GETs read every photo back", r.stdout + r.stderr)
            r = cli("blob", "list", "s3", env=dict(cenv, AWS_SECRET_ACCESS_KEY="wrong"))
            t.ok(r.returncode == 1, "moto: a wrong secret is refused", r.stderr)
        finally:
            moto.stop()

    errs = [l for l in srv.errorlog().splitlines() if "AddressSanitizer" in l or "runtime error" in l]
    t.ok(not errs, "no sanitizer report", errs[:3])
finally:
    if srv:
        srv.stop()
        srv.cleanup()
    s3.stop()
    shutil.rmtree(work, ignore_errors=True)
t.done()
