#!/usr/bin/env python3
"""userdata-check: the cloud-init script of a new app host (forkcast release user-data), run
for real in a fresh Debian 12 chroot that holds nothing of the project's, against dynalite and
s3rver on loopback (the chroot shares the network, so 127.0.0.1 is the emulators):

1. the demo site in DynamoDB (dynalite) and a bucket (s3rver); `make deb`, then
   `forkcast release upload` puts the package into the bucket;
2. `forkcast release user-data --port 18080`, with this host's settings pointing at the
   emulators, is run as root inside the chroot: it downloads the package through its
   presigned URL, checks its SHA-256, installs it with apt, writes the shared settings;
3. the installed site is started as the service would (libexec/forkcast/serve as the user
   forkcast; a chroot has no systemd, and no instance role: the emulators' keys are given in
   the environment) and must serve the shared site: a person who signs up on it is seen by
   another host on the same table.

As root; needs debootstrap (the base system is cached as /tmp/fresh-bookworm.tar, as for
tools/deb-check.sh) and Debian's mirror. Exit 0 when the new host serves the shared site.
Documented in docs/deploy.md."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "t", "lib"))
from fcserver import Client, Server  # noqa: E402
from s3rver import S3rver  # noqa: E402

BUCKET = "fc-release-check"
PORT = 18080
BASE = "/tmp/fresh-bookworm.tar"
LOG = "/tmp/userdata-check.log"


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def fail(msg):
    print("userdata-check: " + msg)
    sys.exit(1)


def main():
    os.chdir(ROOT)
    deb = subprocess.run(["make", "--no-print-directory", "deb"], capture_output=True,
                         text=True).stdout.strip().splitlines()
    if not deb or not deb[-1].endswith(".deb"):
        fail("make deb failed")
    deb = deb[-1]
    if not os.path.exists(BASE):
        sh("debootstrap --variant=minbase bookworm /tmp/fresh-build http://deb.debian.org/debian"
           " >/tmp/userdata-check-debootstrap.log 2>&1")
        sh("tar -C /tmp/fresh-build -cf %s . && rm -rf /tmp/fresh-build" % BASE)
    s3 = S3rver()
    site = None
    root = tempfile.mkdtemp(prefix="userdata-check.")
    mounted = []
    try:
        aws = {k: v for k, v in s3.env().items() if k.startswith("AWS_")}
        subprocess.run(["aws", "--endpoint-url", s3.url, "s3api", "create-bucket", "--bucket", BUCKET], env=s3.env(),
                       check=True, capture_output=True)
        # the site: host "A" on dynalite with its photos in the bucket
        cfg = {"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET}
        cfg.update(aws)
        site = Server(demo=True, store="dynamodb", env=cfg)
        env = dict(site.env)
        env.update({"FORKCAST_AWS_ENDPOINT_DYNAMODB": site.dynalite.url,
                    "FORKCAST_AWS_ENDPOINT_S3": s3.url})
        r = subprocess.run([site.cli, "release", "upload", deb], env=env, capture_output=True,
                           text=True)
        if r.returncode:
            fail("release upload: " + r.stderr)
        print(r.stdout.strip())
        r = subprocess.run([site.cli, "release", "user-data", "--port", str(PORT)], env=env,
                           capture_output=True, text=True)
        if r.returncode:
            fail("release user-data: " + r.stderr)
        script = r.stdout

        sh("tar -C %s -xf %s" % (root, BASE))
        for m in ("sys", "dev"):
            sh("mount --rbind /%s %s/%s" % (m, root, m))
            mounted.append("%s/%s" % (root, m))
        shutil.copy("/etc/resolv.conf", root + "/etc/resolv.conf")
        os.makedirs(root + "/usr/local/share/ca-certificates", exist_ok=True)
        for f in os.listdir("/usr/local/share/ca-certificates"):
            if f.endswith(".crt"):
                shutil.copy("/usr/local/share/ca-certificates/" + f,
                            root + "/usr/local/share/ca-certificates/")
        with open(root + "/tmp/user-data.sh", "w") as f:
            f.write(script)

        def inside(cmd, **kw):
            return subprocess.run(["unshare", "--pid", "--fork", "--mount-proc=%s/proc" % root,
                                   "chroot", root, "/bin/bash", "-c", cmd], **kw)

        with open(LOG, "w") as log:
            r = inside("bash /tmp/user-data.sh", stdout=log, stderr=subprocess.STDOUT,
                       timeout=1800)
        if r.returncode:
            fail("the user-data script failed (see %s)" % LOG)
        creds = " ".join("%s=%s" % (k, v) for k, v in aws.items()
                         if k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"))
        serve = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc=%s/proc" % root, "chroot", root,
             "/bin/bash", "-c",
             "runuser -u forkcast -- env FORKCAST_CONFIG=/etc/forkcast/forkcast.hdf %s "
             "/usr/libexec/forkcast/serve" % creds],
            stdout=open(LOG, "a"), stderr=subprocess.STDOUT)
        try:
            body = ""
            for _ in range(240):
                try:
                    body = urllib.request.urlopen("http://127.0.0.1:%d/" % PORT,
                                                  timeout=5).read().decode()
                    if "130 places to try" in body:
                        break
                except OSError:
                    pass
                time.sleep(1)
            else:
                fail("the new host did not serve the site (see %s)" % LOG)

            class NewHost:
                port = PORT
            c = Client(NewHost)
            r = c.post("/signup", {"username": "newhost", "email": "newhost@example.com",
                                   "password": "tacos al pastor",
                                   "password2": "tacos al pastor", "display_name": "New"},
                       csrf_from="/signup")
            if r.status != 303:
                fail("sign-up on the new host answered %d" % r.status)
            if Client(site).get("/u/newhost").status != 200:
                fail("the person who signed up on the new host is not on the site's other host")
        finally:
            serve.terminate()
            try:
                serve.wait(20)
            except subprocess.TimeoutExpired:
                serve.kill()
            subprocess.run("pkill -f 'chroot %s' ; true" % root, shell=True)
        print("userdata-check: a fresh Debian 12 ran forkcast release user-data, installed %s "
              "and serves the shared site" % os.path.basename(deb))
    finally:
        for m in mounted:
            subprocess.run(["umount", "-R", "-l", m])
        subprocess.run(["rm", "-rf", "--one-file-system", root])
        if site:
            site.stop()
            site.cleanup()
        s3.stop()


if __name__ == "__main__":
    main()
