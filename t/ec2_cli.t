#!/usr/bin/env python3
"""ec2_cli.t - `forkcast ec2` against the EC2 test double (t/lib/ec2_double.py): launch prints
the instance ids at once, then with --wait each state change (not visible yet, pending,
running, the public IP) and ends with InstanceId / PublicIpAddress; --count; the same
--client-token never launches twice; a RequestLimitExceeded burst is ridden out; exit codes:
0 success (also "running without a public IP", said plainly), 1 AWS errors (each with its
clear message), 2 usage, 3 timed out, 4 terminated instead (with the StateReason); dry runs;
list (every page, filters), describe, stop / start / reboot / terminate with --wait; missing
credentials, a wrong secret and an unreachable endpoint. Prints TAP."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ec2_double import PRIVATE_SUBNET, Ec2Double  # noqa: E402
from fcserver import ROOT, TAP, free_port  # noqa: E402

AMI = "ami-0abcdef1234567890"
CLI = os.path.join(ROOT, "build", "asan", "forkcast")
t = TAP()
dbl = Ec2Double()
tmp = tempfile.mkdtemp(prefix="fc-ec2cli-")


def env(extra=None):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("AWS_") and not k.startswith("FORKCAST_")}
    e.update(dbl.env())
    e.update({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": tmp,
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "FORKCAST_EC2_WAIT_FIRSTMS": "50",
        "FORKCAST_EC2_WAIT_CAPMS": "200",
        "FORKCAST_EC2_PAGESIZE": "5",
        "FORKCAST_AWS_RETRY_BASEMS": "5",
        "FORKCAST_AWS_RETRY_CAPMS": "20",
        "ASAN_OPTIONS": "log_path=%s/asan:detect_leaks=1" % tmp,
        "UBSAN_OPTIONS": "log_path=%s/ubsan:print_stacktrace=1" % tmp,
    })
    for k, v in (extra or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


def ec2(*args, extra=None, timeout=60):
    p = subprocess.run([CLI, "ec2"] + list(args), env=env(extra), capture_output=True,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def launch(*more, extra=None):
    return ec2("launch", "--image-id", AMI, "--instance-type", "t3.micro", *more, extra=extra)


def table(out):
    """The InstanceId / PublicIpAddress rows after the header."""
    lines = out.splitlines()
    if "InstanceId\tPublicIpAddress" not in lines:
        return None
    return [tuple(x.split("\t")) for x in lines[lines.index("InstanceId\tPublicIpAddress") + 1:]]


def main():
    # ---- launch --wait: ids at once, each change, then the table ----
    p = subprocess.Popen([CLI, "ec2", "launch", "--image-id", AMI, "--instance-type", "t3.micro",
                          "--name", "web 1", "--tag", "env=prod", "--tag", "note=a=b",
                          "--key-name", "ops", "--security-group", "sg-0123456789abcdef0",
                          "--user-data", "#!/bin/sh\necho hi\n", "--wait"],
                         env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = p.stdout.readline().strip()
    running_at_first = p.poll() is None
    describes_at_first = dbl.count("DescribeInstances")
    rest, err = p.communicate(timeout=60)
    out = first + "\n" + rest
    t.ok(re.fullmatch(r"i-[0-9a-f]{17}", first) and running_at_first and describes_at_first <= 1,
         "launch prints the instance id at once, before waiting", (first, describes_at_first))
    iid = first
    inst = dbl.instances.get(iid)
    t.ok(inst and ("Name", "web 1") in inst.tags and ("env", "prod") in inst.tags
         and ("note", "a=b") in inst.tags and inst.key == "ops"
         and inst.groups == ["sg-0123456789abcdef0"] and inst.token
         and __import__("base64").b64decode(inst.user_data) == b"#!/bin/sh\necho hi\n",
         "RunInstances got the tags, key, group, base64 user data and a ClientToken",
         inst.__dict__ if inst else None)
    changes = re.findall(r"^\s*[\d.]+s  (i-[0-9a-f]+)  (\S+)(?:  (.*))?$", out, re.M)
    t.ok([c[1] for c in changes] == ["-", "pending", "running", "running"]
         and "not visible yet" in changes[0][2] and changes[2][2] == "no public IP yet"
         and re.fullmatch(r"public IP 54\.\d+\.\d+\.7 assigned", changes[3][2]),
         "--wait prints each change: not visible yet, pending, running, the public IP", out)
    rows = table(out)
    t.ok(p.returncode == 0 and rows and rows[0][0] == iid
         and re.fullmatch(r"54\.\d+\.\d+\.7", rows[0][1]) and "running with public IP" in err,
         "then InstanceId and PublicIpAddress; exit 0", (p.returncode, out, err))

    # ---- --count, idempotent client token ----
    code, out, err = launch("--count", "3", "--wait")
    rows = table(out)
    t.ok(code == 0 and rows and len(rows) == 3 and all(r[1] != "-" for r in rows)
         and out.splitlines()[:3] == [r[0] for r in rows],
         "--count 3 --wait: three ids, each followed to its public IP", out)
    dbl.configure(notfound_polls=0)  # visible at once: the list below must see it
    c1 = launch("--client-token", "cli-token-1")
    c2 = launch("--client-token", "cli-token-1")
    dbl.configure(notfound_polls=1)
    t.ok(c1[0] == 0 and c1[1] == c2[1] and
         len([i for i in dbl.instances.values() if i.token == "cli-token-1"]) == 1,
         "the same --client-token twice: the same instance, launched once", (c1, c2))

    # ---- RequestLimitExceeded burst while waiting ----
    p = subprocess.Popen([CLI, "ec2", "launch", "--image-id", AMI, "--instance-type", "t3.micro",
                          "--wait"], env=env(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    tid = p.stdout.readline().strip()
    throttled_before = dbl.count(status=503)
    dbl.throttle(9)
    rest, err = p.communicate(timeout=60)
    rows = table(rest)
    t.ok(p.returncode == 0 and rows and rows[0][1] != "-"
         and dbl.count(status=503) - throttled_before == 9,
         "a RequestLimitExceeded burst while waiting is retried; exit 0", (rest, err))

    # ---- outcomes and exit codes ----
    code, out, err = launch("--subnet-id", PRIVATE_SUBNET, "--wait")
    rows = table(out)
    t.ok(code == 0 and rows and rows[0][1] == "-"
         and "does not assign public IPv4 addresses" in err,
         "running in a subnet without public IPs: exit 0, said plainly", (code, out, err))
    dbl.configure(pending_polls=100000)
    t0 = time.time()
    code, out, err = launch("--wait", "--timeout", "1")
    took = time.time() - t0
    dbl.configure(pending_polls=3)
    t.ok(code == 3 and "Gave up after 1 s" in err and "still pending" in err and took < 10,
         "--timeout: gives up with a clear message, exit 3 (%.1f s)" % took, (code, out, err))
    code, out, err = launch("--wait", extra=None) if False else ec2(
        "launch", "--image-id", "ami-0badc0de0badc0de0", "--instance-type", "t3.micro", "--wait")
    t.ok(code == 4 and "Internal error on launch" in err and "shutting-down" in out,
         "terminated on launch: exit 4 with the StateReason", (code, out, err))

    cases = [
        (("--image-id", "ami-zz", "--instance-type", "t3.micro"), "not a valid AMI id"),
        (("--image-id", "ami-00000000000000000", "--instance-type", "t3.micro"),
         "does not exist in this region"),
        (("--image-id", AMI, "--instance-type", "t3.bogus"), "refused a value"),
        (("--image-id", AMI, "--instance-type", "p5.48xlarge"), "no spare capacity"),
        (("--image-id", AMI, "--instance-type", "t3.micro", "--subnet-id", "subnet-0ffff"),
         "subnet does not exist"),
    ]
    for args, want in cases:
        code, out, err = ec2("launch", *args)
        t.ok(code == 1 and want in err and out == "",
             "launch refused (%s): exit 1, '%s'" % (args[1] + " " + args[3], want), (code, err))
    dbl.configure(instance_limit=0)
    code, out, err = launch()
    dbl.configure(instance_limit=20)
    t.ok(code == 1 and "limit of running instances" in err, "InstanceLimitExceeded: exit 1",
         err)
    code, out, err = launch("--dry-run")
    t.ok(code == 0 and "Permission check passed" in out
         and dbl.requests[-1]["params"].get("DryRun") == "true",
         "--dry-run: DryRunOperation means allowed, exit 0", (code, out, err))
    dbl.configure(unauthorized=("RunInstances", "StopInstances"))
    code, out, err = launch("--dry-run")
    code2, out2, err2 = ec2("stop", iid)
    dbl.configure(unauthorized=())
    t.ok(code == 1 and "IAM permission" in err and code2 == 1 and "IAM permission" in err2
         and "Encoded" not in err,
         "UnauthorizedOperation: exit 1, points at the IAM policy", (err, err2))
    for args in (["launch", "--instance-type", "t3.micro"], ["explode"], [],
                 ["launch", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "0"],
                 ["describe"], ["stop"], ["list", "--frobnicate"]):
        code, out, err = ec2(*args)
        if code != 2 or "usage" not in err:
            t.ok(False, "usage error %s: exit 2" % args, (code, err))
            break
    else:
        t.ok(True, "usage errors exit 2 with the usage")

    # ---- list, describe ----
    code, out, err = ec2("list")
    listed = re.findall(r"^(i-[0-9a-f]+)\s", out, re.M)
    n_visible = len(dbl.instances)
    pages = -(-n_visible // 5)
    t.ok(code == 0 and sorted(listed) == sorted(dbl.instances)
         and "(%d pages)" % pages in err,
         "list reads every page (MaxResults 5, NextToken): all %d instances" % n_visible,
         (out, err))
    code, out, err = ec2("list", "--json")
    try:
        rows = json.loads(out)
    except ValueError:
        rows = None
    t.ok(code == 0 and rows is not None and
         sorted(r["InstanceId"] for r in rows) == sorted(dbl.instances) and
         all(r["State"] and r["LaunchTime"] for r in rows),
         "list --json: every instance with EC2's field names, for programs", out[:800])
    code, out, err = ec2("list")
    t.ok(code == 0 and re.search(r"^i-\S+ .* (just now|\d+ (s|min) ago)$", out, re.M),
         "list says when each was launched, for people (5 min ago)", out[:800])
    code, out, err = ec2("list", "--state", "terminated,shutting-down")
    states = re.findall(r"^i-\S+\s+\S+\s+\S+\s+(\S+)", out, re.M)
    t.ok(code == 0 and states and set(states) <= {"terminated", "shutting-down"},
         "list --state filters by instance-state-name", out)
    code, out, err = ec2("list", "--tag", "Name=web 1")
    t.ok(code == 0 and re.findall(r"^(i-[0-9a-f]+)\s", out, re.M) == [iid],
         "list --tag Name=VALUE filters by tag", out)
    code, out, err = ec2("describe", iid)
    t.ok(code == 0 and "State: running" in out and "Name: web 1" in out
         and "KeyName: ops" in out and "Tag: env=prod" in out
         and re.search(r"PublicIpAddress: 54\.", out),
         "describe shows the instance", out)
    code, out, err = ec2("describe", "i-0fffffffffffffff0")
    t.ok(code == 1 and "no such instance" in err, "describe of an unknown id: exit 1", err)

    # ---- stop, start, reboot, terminate ----
    code, out, err = ec2("stop", iid, "--wait")
    t.ok(code == 0 and "%s  running -> stopping" % iid in out
         and re.search(r"%s  stopped  .*User initiated shutdown" % iid, out),
         "stop --wait: running -> stopping, then stopped", (code, out, err))
    code, out, err = ec2("start", iid, "--wait")
    rows = table(out)
    t.ok(code == 0 and "stopped -> pending" in out and rows and rows[0][1] != "-",
         "start --wait: pending, then running with a new public IP", (code, out, err))
    code, out, err = ec2("reboot", iid)
    t.ok(code == 0 and "reboot requested" in out and dbl.count("RebootInstances") == 1,
         "reboot", (code, out, err))
    code, out, err = ec2("start", "i-0fffffffffffffff0")
    t.ok(code == 1 and "no such instance" in err, "start of an unknown instance: exit 1", err)
    code, out, err = ec2("terminate", iid, "--wait")
    t.ok(code == 0 and "running -> shutting-down" in out and re.search(r"terminated  ", out)
         and "is terminated: Client.UserInitiatedShutdown" in err,
         "terminate --wait: shutting-down, then terminated", (code, out, err))
    code, out, err = ec2("start", iid)
    t.ok(code == 1 and "not in a state that allows this" in err,
         "starting a terminated instance: IncorrectInstanceState, exit 1", err)

    # ---- credentials and endpoint problems ----
    code, out, err = ec2("list", extra={"AWS_ACCESS_KEY_ID": None,
                                        "AWS_SECRET_ACCESS_KEY": None,
                                        "AWS_EC2_METADATA_DISABLED": "true"})
    t.ok(code == 1 and "No AWS credentials" in err, "no credentials: exit 1, said plainly", err)
    code, out, err = ec2("list", extra={"AWS_SECRET_ACCESS_KEY": "wrong"})
    t.ok(code == 1 and "refused the credentials" in err, "a wrong secret: AuthFailure, exit 1",
         err)
    code, out, err = ec2("list", extra={"AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:%d" %
                                        free_port(), "FORKCAST_AWS_RETRY_MAXATTEMPTS": "2"})
    t.ok(code == 1 and "Could not reach EC2" in err, "endpoint down: exit 1, said plainly", err)


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
