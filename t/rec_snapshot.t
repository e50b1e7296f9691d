#!/usr/bin/env python3
"""rec_snapshot.t - one read of the store per data change for any number of app hosts
(Rec.Snapshot, cgi/rec/snapshot.c): two app hosts on one DynamoDB (dynalite) and one S3
bucket (s3rver), and one worker.

* after a review changes the data, neither host reads the whole store (no Scan): each asks
  for the snapshot of the new data version, and one rec.snapshot job is queued for it however
  many hosts asked;
* the worker runs the job: one full read (its Scans), one object rec/dataset-V.bin in the
  bucket;
* both hosts then build their model from that snapshot (their logs say so), and the store saw
  no other full read."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import S3rver, s3rver_available  # noqa: E402
from dynalite import available as dynalite_available  # noqa: E402

why = s3rver_available() or dynalite_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import TAP, Client, Server  # noqa: E402

BUCKET = "fc-site"
t = TAP()
s3 = S3rver()
hosts = []


def wait_for(cond, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.25)
    return False


def snapshot_lines(h):
    return re.findall(r"data version (\d+) read from its snapshot", h.logs())


try:
    r = subprocess.run(["aws", "--endpoint-url", s3.url, "s3api", "create-bucket", "--bucket", BUCKET], env=s3.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    env = {k: v for k, v in s3.env().items() if k.startswith("AWS_")}
    env.update({"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET,
                "FORKCAST_SERVER_PROCS": "1", "FORKCAST_REC_REFRESHSECONDS": "1",
                "FORKCAST_REC_SNAPSHOT_WAITSECONDS": "600"})
    a = Server(demo=True, store="dynamodb", env=env)
    hosts.append(a)
    b = Server(dynalite=a.dynalite, env=env)
    hosts.append(b)
    dl = a.dynalite

    # a demo user who has recommendations; the first one recommended to him
    u = Client(a)
    r = u.post("/login", {"username": "u1001", "password": "forkcast-demo"}, csrf_from="/login")
    assert r.status == 303, r.status
    first = re.findall(r'href="/restaurants/(\d+)"', u.get("/restaurants").text)[0]
    time.sleep(3)  # the hosts' start-up reads are over
    dl.reset_log()

    r = u.post("/restaurants/%s/review" % first, {"stars": "5", "body": "snapshot test"},
               csrf_from="/feed")  # not the restaurant page: its view is a change
    t.ok(r.status == 303, "u1001 reviews a place", r.status)

    def queued():
        out = a.run_cli("worker", "list", "--type", "rec.snapshot", "--json")
        return [j for j in __import__("json").loads(out)]
    t.ok(wait_for(lambda: len(queued()) >= 1, 30), "the hosts queue a rec.snapshot job")
    time.sleep(3)  # both refreshers have asked by now (1 s period)
    jobs = queued()
    keys = [j["key"] for j in jobs]
    t.ok(jobs and len(set(keys)) == len(jobs) and
         all(re.match(r"rec\.snapshot:\d+$", k) for k in keys),
         "one job per data version however many hosts asked", jobs)
    t.ok(dl.calls["Scan"] == 0, "no host read the whole store while waiting",
         dict(dl.calls))

    scans_before = dl.calls["Scan"]
    w = subprocess.run([a.cli, "worker", "run", "--drain", "--types", "rec.snapshot"], env=a.env,
                       capture_output=True, text=True, timeout=120)
    t.ok(w.returncode == 0, "the worker runs the job", w.stderr[-500:])
    worker_scans = dl.calls["Scan"] - scans_before
    t.ok(worker_scans >= 1, "the worker read the store (%d Scan pages)" % worker_scans)
    objs = sorted(k for k in s3.objects(BUCKET, "rec/"))
    t.ok(len(objs) == 1 and re.match(r"rec/dataset-\d+\.bin$", objs[0]),
         "one snapshot object in the bucket", objs)
    version = re.search(r"(\d+)", objs[0]).group(1) if objs else "?"

    t.ok(wait_for(lambda: version in snapshot_lines(a) and version in snapshot_lines(b), 30),
         "both hosts built their model from snapshot %s" % version,
         "%s\n%s" % ((snapshot_lines(a), snapshot_lines(b)),
                      "\n".join(x for h in (a, b) for x in h.logs().splitlines()
                                if "recommender" in x or "snapshot" in x)[-3000:]))
    t.ok(dl.calls["Scan"] == worker_scans,
         "the store saw one full read for two hosts (%d Scan pages in all)" % dl.calls["Scan"])

    for h in hosts:
        errs = [l for l in h.logs().splitlines() if "AddressSanitizer" in l or "runtime error" in l]
        t.ok(not errs, "no sanitizer report on host %s" % h.port, errs[:3])
finally:
    for h in reversed(hosts):
        h.stop()
        h.cleanup()
    s3.stop()
t.done()
