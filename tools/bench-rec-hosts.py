#!/usr/bin/env python3
"""bench-rec-hosts.py - full reads of the store per data change, for 1 and 4 app hosts, with
Rec.Snapshot off (every FastCGI process reads the whole table) and on (one worker reads it and
writes an S3 snapshot the hosts build from). Runs on dynalite and s3rver on loopback (the
test suite's helpers, t/lib), ASan build; prints a table.

Usage: tools/bench-rec-hosts.py [HOSTS...]   (default: 1 4)"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "t", "lib"))
from fcserver import Client, Server  # noqa: E402
from s3rver import S3rver  # noqa: E402

BUCKET = "fc-bench"
PROCS = 2


def settle(dl, quiet=4, limit=90):
    """Waits until the store has seen no Scan for quiet seconds (the refreshers are done)."""
    last, since, end = -1, time.time(), time.time() + limit
    while time.time() < end:
        n = dl.calls["Scan"]
        if n != last:
            last, since = n, time.time()
        elif time.time() - since >= quiet:
            return
        time.sleep(0.5)


def measure(n_hosts, snapshot, s3):
    env = {k: v for k, v in s3.env().items() if k.startswith("AWS_")}
    env.update({"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET,
                "FORKCAST_SERVER_PROCS": str(PROCS), "FORKCAST_REC_REFRESHSECONDS": "1",
                "FORKCAST_REC_SNAPSHOT": "on" if snapshot else "off",
                "FORKCAST_REC_SNAPSHOT_WAITSECONDS": "600"})
    hosts = [Server(demo=True, store="dynamodb", env=env)]
    try:
        for _ in range(n_hosts - 1):
            hosts.append(Server(dynalite=hosts[0].dynalite, env=env))
        dl = hosts[0].dynalite
        u = Client(hosts[0])
        r = u.post("/login", {"username": "u1001", "password": "forkcast-demo"},
                   csrf_from="/login")
        assert r.status == 303 and r.getheader("Location") == "/", r.status
        settle(dl)
        dl.reset_log()
        rest = re.search(r'href="/restaurants/(\d+)"', u.get("/restaurants").text).group(1)
        r = u.post("/restaurants/%s/review" % rest, {"stars": "5", "body": "bench"},
                   csrf_from="/restaurants/%s" % rest)
        assert r.status == 303 and "login" not in r.getheader("Location", ""), r.status
        time.sleep(3)  # every refresher (1 s period) has seen the change
        settle(dl)
        if snapshot:
            # the hosts have asked for the new version's snapshot (a job is queued)
            for _ in range(120):
                out = subprocess.run([hosts[0].cli, "worker", "list", "--type", "rec.snapshot",
                                      "--state", "queued", "--json"], env=hosts[0].env,
                                     capture_output=True, text=True).stdout
                if out.strip() not in ("", "[]"):
                    break
                time.sleep(0.5)
            w = subprocess.run([hosts[0].cli, "worker", "run", "--drain", "--types",
                                "rec.snapshot"], env=hosts[0].env, capture_output=True,
                               text=True, timeout=300)
            if os.environ.get("BENCH_VERBOSE"):
                sys.stderr.write(w.stdout + w.stderr)
            time.sleep(3)
            settle(dl)
        scans = dl.calls["Scan"]
        # Scan pages of one full read: a worker run on an unchanged store reads it once
        dl.reset_log()
        subprocess.run([hosts[0].cli, "worker", "enqueue", "rec.snapshot", '{"version":0}',
                        "--key", "bench-%d-%d" % (n_hosts, snapshot)], env=hosts[0].env,
                       capture_output=True, timeout=60)
        subprocess.run([hosts[0].cli, "worker", "run", "--drain", "--types", "rec.snapshot"],
                       env=hosts[0].env, capture_output=True, timeout=300)
        per_read = max(dl.calls["Scan"], 1)
        return scans, per_read
    finally:
        for h in reversed(hosts):
            h.stop()
            h.cleanup()


def main():
    counts = [int(a) for a in sys.argv[1:]] or [1, 4]
    s3 = S3rver()
    try:
        subprocess.run(["aws", "--endpoint-url", s3.url, "s3api", "create-bucket", "--bucket", BUCKET], env=s3.env(),
                       capture_output=True, check=True, timeout=60)
        print("full reads of the store after one data change (Server.Procs = %d)" % PROCS)
        print("%-6s %-14s %12s %14s" % ("hosts", "Rec.Snapshot", "Scan pages", "full reads"))
        for n in counts:
            for snap in (False, True):
                scans, per_read = measure(n, snap, s3)
                print("%-6d %-14s %12d %14.1f" % (n, "on" if snap else "off", scans,
                                                 scans / per_read))
                sys.stdout.flush()
    finally:
        s3.stop()


if __name__ == "__main__":
    main()
