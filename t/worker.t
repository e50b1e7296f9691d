#!/usr/bin/env python3
"""worker.t - `forkcast worker`: the job types, enqueue with a dedupe key, list and show, run
--drain and --once, a clean stop on SIGTERM, a worker killed (SIGKILL) in the middle of a step
whose job is taken over by the next worker once the lease ends, and a job that keeps failing
(UnauthorizedOperation) retried with backoff, then failed for good with a clear message. The
ec2.follow jobs run against the EC2 test double (t/lib/ec2_double.py). Prints TAP."""
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ec2_double import Ec2Double  # noqa: E402
from fcserver import ROOT, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
AMI = "ami-0abcdef1234567890"
t = TAP()
dbl = Ec2Double()
tmp = tempfile.mkdtemp(prefix="fc-worker-")
DB = os.path.join(tmp, "forkcast.db")


def env(extra=None):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("AWS_") and not k.startswith("FORKCAST_")}
    e.update(dbl.env())
    e.update({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": tmp,
        "FORKCAST_STORE_SQLITE_PATH": DB,
        "FORKCAST_EC2_WAIT_FIRSTMS": "50",
        "FORKCAST_EC2_WAIT_CAPMS": "200",
        "FORKCAST_WORKER_POLLMS": "50",
        "FORKCAST_WORKER_LEASESECONDS": "2",
        "FORKCAST_WORKER_RETRYBASEMS": "100",
        "FORKCAST_WORKER_RETRYCAPMS": "400",
        "FORKCAST_AWS_RETRY_BASEMS": "5",
        "FORKCAST_AWS_RETRY_CAPMS": "20",
        "ASAN_OPTIONS": "log_path=%s/asan:detect_leaks=1" % tmp,
        "UBSAN_OPTIONS": "log_path=%s/ubsan:print_stacktrace=1" % tmp,
    })
    e.update(extra or {})
    return e


def fc(*args, extra=None, timeout=60):
    p = subprocess.run([CLI] + list(args), env=env(extra), capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def launch_instance():
    code, out, err = fc("ec2", "launch", "--image-id", AMI, "--instance-type", "t3.micro")
    return out.strip()


def follow_payload(iid, launch=True):
    return json.dumps({"instance_id": iid, "target": "running", "launch": launch})


def job(jid):
    with sqlite3.connect(DB) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM jobs WHERE id = ?", (jid,)).fetchone())


def wait_job(jid, states, timeout=30):
    deadline = time.time() + timeout
    j = job(jid)
    while time.time() < deadline and j["state"] not in states:
        time.sleep(0.05)
        j = job(jid)
    return j


def main():
    code, out, err = fc("migrate")
    t.ok(code == 0, "migrate creates the jobs tables", err)
    code, out, err = fc("worker", "types")
    t.ok(code == 0 and "ec2.follow" in out.split(), "worker types lists ec2.follow", out)

    # ---- enqueue, dedupe, list, show ----
    iid = launch_instance()
    code, out, err = fc("worker", "enqueue", "ec2.follow", follow_payload(iid), "--key",
                        "ec2.launch:" + iid)
    jid = int(out.split()[0]) if code == 0 and out.split() else 0
    code2, out2, err2 = fc("worker", "enqueue", "ec2.follow", follow_payload(iid), "--key",
                           "ec2.launch:" + iid)
    t.ok(code == 0 and jid > 0 and code2 == 0 and out2.startswith("%d (already queued" % jid),
         "enqueue with a dedupe key twice: one job", (out, out2, err, err2))
    code, out, err = fc("worker", "enqueue", "no.such.type", "{}")
    code2, out2, err2 = fc("worker", "enqueue", "ec2.follow", "[not json")
    t.ok(code == 1 and "no handler" in err and code2 == 2 and "JSON object" in err2,
         "an unknown type (exit 1) and a payload that is not a JSON object (exit 2)",
         (err, err2))
    code, out, err = fc("worker", "list")
    t.ok(code == 0 and re.search(r"^%d\s+ec2\.follow\s+queued" % jid, out, re.M),
         "worker list shows the job queued", out)
    t.ok(re.search(r"^%d\s+ec2\.follow\s+queued\s+0/\d+\s+(just now|\d+ s ago)\s" % jid, out,
                   re.M), "worker list says when, for people (just now, 12 s ago)", out)
    code, out, err = fc("worker", "list", "--json")
    try:
        rows = json.loads(out)
    except ValueError:
        rows = None
    mine = [r for r in rows or [] if r.get("id") == jid]
    t.ok(code == 0 and len(mine) == 1 and mine[0]["state"] == "queued" and
         mine[0]["type"] == "ec2.follow" and abs(mine[0]["updated_at"] - time.time()) < 600,
         "worker list --json: the jobs for programs (epoch seconds)", out)
    code, out, err = fc("worker", "show", str(jid))
    t.ok(code == 0 and "state: queued" in out and iid in out and "dedupe_key: ec2.launch:" in out,
         "worker show gives its payload, key and state", out)

    # ---- --drain: runs until nothing is queued ----
    t0 = time.time()
    code, out, err = fc("worker", "run", "--drain")
    j = job(jid)
    t.ok(code == 0 and j["state"] == "done" and "public IP" in j["message"]
         and j["runs"] >= 4 and time.time() - t0 < 20,
         "worker --drain follows the launch to running and returns", (j, err[-1500:]))
    prog = json.loads(j["progress"])["wait"]
    t.ok(prog["id"] == iid and prog["state"] == "running" and prog["not_found"] == 1
         and prog["public_ip"].startswith("54."),
         "the job's progress was saved step by step", prog)

    # ---- --once: only what is due now ----
    iid2 = launch_instance()
    code, out, err = fc("worker", "enqueue", "ec2.follow", follow_payload(iid2), "--delay-ms",
                        "60000")
    late = int(out.split()[0])
    code, out, err = fc("worker", "run", "--once")
    t.ok(code == 0 and job(late)["state"] == "queued" and job(late)["runs"] == 0,
         "worker --once leaves a job that is not due yet", job(late))

    # ---- SIGTERM: a clean stop ----
    p = subprocess.Popen([CLI, "worker"], env=env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    t.ok(p.returncode == 0 and "worker stopped" in err and time.time() - t0 < 2,
         "SIGTERM: the worker stops at once, exit 0", (p.returncode, err))

    # ---- SIGKILL in the middle of a step: the next worker takes over after the lease ----
    with sqlite3.connect(DB) as db:
        db.execute("UPDATE jobs SET run_at_ms = 0 WHERE id = ?", (late,))
    dbl.configure(delay=3.0)  # every EC2 answer takes 3 s: the step is still running
    p = subprocess.Popen([CLI, "worker", "--id", "doomed-worker"], env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    j = wait_job(late, ("running",), timeout=10)
    time.sleep(0.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    dbl.configure(delay=0.0)
    held = job(late)
    t.ok(held["state"] == "running" and held["worker"] == "doomed-worker"
         and held["lease_until_ms"] > 0,
         "killed mid-step: the job is still held by the dead worker's lease", held)
    p = subprocess.Popen([CLI, "worker", "--id", "next-worker"], env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    j = wait_job(late, ("done", "failed"), timeout=30)
    p.send_signal(signal.SIGTERM)
    p.wait(10)
    t.ok(j["state"] == "done" and j["worker"] == "next-worker" and j["attempts"] == 1
         and j["runs"] >= 2 and "public IP" in j["message"],
         "after the lease ends another worker takes the job over and finishes it", j)

    # ---- failing for good: retried with backoff, then failed with a clear message ----
    iid3 = launch_instance()
    dbl.configure(unauthorized=("DescribeInstances",))
    code, out, err = fc("worker", "enqueue", "ec2.follow", follow_payload(iid3, launch=False))
    bad = int(out.split()[0])
    code, out, err = fc("worker", "run", "--drain", extra={"FORKCAST_WORKER_MAXATTEMPTS": "3"})
    dbl.configure(unauthorized=())
    j = job(bad)
    attempts = [x["time"] for x in dbl.requests if x["action"] == "DescribeInstances"
                and x["params"].get("InstanceId.1") == iid3]
    gaps = [b - a for a, b in zip(attempts, attempts[1:])]
    t.ok(j["state"] == "failed" and j["attempts"] == 3 and "IAM permission" in j["message"]
         and len(attempts) == 3 and all(g >= 0.04 for g in gaps),
         "UnauthorizedOperation: retried with backoff 3 times, then failed, said plainly",
         (j, gaps))
    code, out, err = fc("worker", "list", "--state", "failed")
    t.ok(re.search(r"^%d\s+ec2\.follow\s+failed\s+3/0" % bad, out, re.M),
         "worker list --state failed shows it", out)


try:
    if not os.access(CLI, os.X_OK):
        t.ok(False, "build/asan/forkcast built", "run make asan")
    else:
        main()
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = []
    for f in glob.glob(tmp + "/asan*") + glob.glob(tmp + "/ubsan*"):
        with open(f) as fh:
            reports.append(fh.read())
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    dbl.stop()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
