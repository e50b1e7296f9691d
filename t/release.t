#!/usr/bin/env python3
"""release.t - app hosts from the site's own release (cgi/release/release.c), against s3rver:

* `forkcast release upload` refuses a file that is not a forkcast package (by name, by
  content) and uploads one that is, making it the current release (releases/latest);
* `forkcast release user-data` prints a bash script (syntax-checked with bash -n) that fetches
  that package through a presigned URL which works, checks its SHA-256 and installs it, with
  this site's shared settings; a setting that cannot go into the script is refused by name;
* Admin -> Instances -> Add app host: without a release it says how to upload one (409); with
  one, the launch form holds the same script (HTML-escaped); a regular user gets 403;
* launched (against the EC2 test double, whose instances get the public IP 127.0.0.1 here),
  the worker follows the app host past "running" until its /healthz answers ("serving"),
  and one whose site never answers ends as "no-health".
The script run for real on a fresh Debian 12 is tools/userdata-check.py."""
import hashlib
import html
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import S3rver, s3rver_available  # noqa: E402

why = s3rver_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import TAP, Client, Server  # noqa: E402
from ec2_double import Ec2Double  # noqa: E402

BUCKET = "fc-release"
PW = "tacos al pastor"
t = TAP()
s3 = S3rver()
# one set of keys for both: s3rver knows only its own
dbl = Ec2Double(key_id="S3RVER", secret="S3RVER", public_ip="127.0.0.1", pending_polls=1)
srv = None
work = tempfile.mkdtemp(prefix="fc-release-t-")


def cli(*args, env=None):
    e = dict(srv.env)
    e.update(env or {})
    return subprocess.run([srv.cli] + list(args), env=e, capture_output=True, text=True,
                          timeout=120)


def signup(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name}, csrf_from="/signup")
    assert r.status == 303, r.status
    return c


try:
    subprocess.run(["aws", "--endpoint-url", s3.url, "s3api", "create-bucket", "--bucket", BUCKET], env=s3.env(),
                   check=True, capture_output=True)
    env = {k: v for k, v in s3.env().items() if k.startswith("AWS_")}
    env["AWS_ENDPOINT_URL_EC2"] = dbl.url
    env.update({"FORKCAST_EC2_WAIT_FIRSTMS": "100", "FORKCAST_EC2_WAIT_CAPMS": "300",
                "FORKCAST_WORKER_POLLMS": "50"})
    env.update({"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET,
                "FORKCAST_SERVER_TRUSTEDPROXIES": "10.0.0.0/16",
                "FORKCAST_AWS_ENDPOINT_S3": s3.url})
    srv = Server(demo=True, env=env)
    ada = signup("ada")
    srv.run_cli("user", "make-admin", "ada")
    bob = signup("bob")

    r = ada.get("/admin/instances/launch?as=app-host")
    t.ok(r.status == 409 and "forkcast release upload" in r.text,
         "Add app host without a release: 409, says how to upload one", r.status)
    t.ok(bob.get("/admin/instances/launch?as=app-host").status == 403,
         "a regular user gets 403")
    r = cli("release", "user-data")
    t.ok(r.returncode == 1 and "no release uploaded yet" in r.stderr,
         "user-data without a release: exit 1 with why", r.stderr)

    bogus = os.path.join(work, "notes.txt")
    with open(bogus, "w") as f:
        f.write("hello")
    r = cli("release", "upload", bogus)
    t.ok(r.returncode == 2 and "not a forkcast package name" in r.stderr,
         "upload refuses a file not named like a package", r.stderr)
    fake = os.path.join(work, "forkcast_9.9.9_amd64.deb")
    with open(fake, "wb") as f:
        f.write(b"not an archive")
    r = cli("release", "upload", fake)
    t.ok(r.returncode == 1 and "as a Debian package" in r.stderr,
         "upload refuses a file that is not a Debian package", r.stderr)
    pkg = b"!<arch>\ndebian-binary   " + os.urandom(4000)
    with open(fake, "wb") as f:
        f.write(pkg)
    sha = hashlib.sha256(pkg).hexdigest()
    r = cli("release", "upload", fake)
    t.ok(r.returncode == 0 and sha in r.stdout, "upload puts the package in the bucket",
         r.stdout + r.stderr)
    objs = sorted(s3.objects(BUCKET, "releases/"))
    t.ok(objs == ["releases/forkcast_9.9.9_amd64.deb", "releases/latest"],
         "releases/ holds the package and the pointer", objs)

    r = cli("release", "user-data", "--port", "18080")
    script = r.stdout
    t.ok(r.returncode == 0 and script.startswith("#!/bin/bash\n"), "user-data prints a script",
         r.stderr)
    t.ok(subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0,
         "bash -n accepts it")
    t.ok(sha in script and "sha256sum -c" in script and "apt-get install" in script,
         "it checks the package's SHA-256 and installs it")
    for line in ("Store.Backend = sqlite", "Blob.Backend = s3", "Blob.S3.Bucket = %s" % BUCKET,
                 "Server.TrustedProxies = 10.0.0.0/16", "Server.Port = 18080"):
        t.ok(line in script, "the script sets %s" % line)
    url = re.search(r"curl -fsS --retry 5 -o \"\$deb\" '([^']+)'", script)
    t.ok(url and "X-Amz-Signature=" in url.group(1), "the package URL is presigned")
    body = urllib.request.urlopen(url.group(1), timeout=30).read() if url else b""
    t.ok(body == pkg, "the presigned URL fetches the package")
    r = cli("release", "user-data", env={"FORKCAST_SERVER_TRUSTEDPROXIES": "10.0.0.1'; rm -rf /"})
    t.ok(r.returncode == 1 and "Server.TrustedProxies" in r.stderr,
         "a setting that cannot go into the script is refused by name", r.stderr)
    r = cli("release", "user-data", "--port", "99999")
    t.ok(r.returncode == 2, "--port out of range: usage error")

    r = ada.get("/admin/instances/launch?as=app-host")
    m = re.search(r'<textarea id="user_data" name="user_data"[^>]*>(.*?)</textarea>', r.text, re.S)
    t.ok(r.status == 200 and m, "Add app host: the launch form", r.status)
    ud = html.unescape(m.group(1)) if m else ""
    t.ok(sha in ud and "Blob.S3.Bucket = %s" % BUCKET in ud and "&amp;" in m.group(1),
         "filled with the user data, HTML-escaped")
    t.ok('value="forkcast app host"' in r.text, "named as an app host")
    # launch it: followed until the site answers
    def launch(name):
        page = ada.get("/admin/instances/launch?as=app-host").text
        nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
        r = ada.post("/admin/instances/launch", {
            "nonce": nonce, "image_id": "ami-0123456789abcdef0", "instance_type": "t3.micro",
            "count": "1", "name": name, "tags": "role=forkcast-app", "key_name": "",
            "security_groups": "", "subnet_id": "", "user_data": ud, "do": "launch"},
            csrf_from="/admin/instances/launch")
        assert r.status == 303, (r.status, r.text[:300])
        return r.getheader("Location").rsplit("/", 1)[1]

    def follow(iid, port):
        w = subprocess.run([srv.cli, "worker", "run", "--drain"], capture_output=True,
                           text=True, timeout=300,
                           env=dict(srv.env, FORKCAST_RELEASE_HOSTPORT=str(port),
                                    FORKCAST_RELEASE_HEALTHSECONDS="3"))
        return w, ada.get("/admin/instances/" + iid).text

    iid = launch("app host one")
    w, page = follow(iid, srv.port)
    t.ok(w.returncode == 0 and 'data-status="serving"' in page and "/healthz answers" in page,
         "the app host is followed until its /healthz answers: serving", w.stderr[-400:])
    iid2 = launch("app host two")
    w, page = follow(iid2, 9)  # nothing listens on port 9
    t.ok('data-status="no-health"' in page and "did not answer" in page,
         "one whose site never answers ends as no-health", page[-600:])

    errs = [l for l in srv.logs().splitlines() if "AddressSanitizer" in l or "runtime error" in l]
    t.ok(not errs, "no sanitizer report", errs[:3])
finally:
    if srv:
        srv.stop()
        srv.cleanup()
    s3.stop()
    dbl.stop()
t.done()
