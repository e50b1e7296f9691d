#!/usr/bin/env python3
"""ec2_real.t - `forkcast ec2` against a real EC2-compatible endpoint: AWS itself, LocalStack,
moto, the test double... Skipped unless one is given:

  FORKCAST_AWS_ENDPOINT_EC2 or AWS_ENDPOINT_URL_EC2   the endpoint (or FORKCAST_TEST_EC2_AWS=1
                                                      for AWS's own endpoint of the region)
  FORKCAST_TEST_EC2_IMAGE_ID      an AMI to launch; without it only the read-only checks run
  FORKCAST_TEST_EC2_INSTANCE_TYPE default t3.micro
  FORKCAST_TEST_EC2_SUBNET_ID     optional
  FORKCAST_TEST_EC2_TIMEOUT       seconds to wait for running (default 600)

Credentials and region come from the usual chain (AWS_ACCESS_KEY_ID..., AWS_PROFILE,
AWS_REGION). It lists, describes an unknown instance, checks the launch permission (DryRun),
launches one tagged instance (forkcast-test=1) and waits for it to be running, describes it,
and terminates it again (also when a check fails). This costs a few cents on AWS."""
import os
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fcserver import ROOT, TAP  # noqa: E402

endpoint = os.environ.get("FORKCAST_AWS_ENDPOINT_EC2") or os.environ.get("AWS_ENDPOINT_URL_EC2")
if not endpoint and os.environ.get("FORKCAST_TEST_EC2_AWS") != "1":
    print("1..0 # SKIP no EC2 endpoint given (set AWS_ENDPOINT_URL_EC2 or "
          "FORKCAST_AWS_ENDPOINT_EC2, or FORKCAST_TEST_EC2_AWS=1 for AWS itself)")
    sys.exit(0)

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
IMAGE = os.environ.get("FORKCAST_TEST_EC2_IMAGE_ID", "")
ITYPE = os.environ.get("FORKCAST_TEST_EC2_INSTANCE_TYPE", "t3.micro")
SUBNET = os.environ.get("FORKCAST_TEST_EC2_SUBNET_ID", "")
TIMEOUT = os.environ.get("FORKCAST_TEST_EC2_TIMEOUT", "600")
t = TAP()


def ec2(*args, timeout=None):
    e = dict(os.environ)
    e.setdefault("FORKCAST_CONFIG", os.path.join(ROOT, "conf", "forkcast.hdf"))
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    p = subprocess.run([CLI, "ec2"] + list(args), env=e, capture_output=True, text=True,
                       timeout=timeout or int(TIMEOUT) + 120)
    return p.returncode, p.stdout, p.stderr


def main():
    launched = []
    code, out, err = ec2("list")
    t.ok(code == 0 and out.startswith("InstanceId"), "list (%s)" % (endpoint or "AWS"),
         (code, out[-500:], err))
    code, out, err = ec2("describe", "i-0fffffffffffffff0")
    t.ok(code == 1 and ("no such instance" in err or "not a valid instance id" in err),
         "an unknown instance: exit 1, said plainly", err)
    if not IMAGE:
        t.ok(True, "launch # SKIP set FORKCAST_TEST_EC2_IMAGE_ID to launch an instance")
        return
    base = ["launch", "--image-id", IMAGE, "--instance-type", ITYPE, "--name",
            "forkcast-real-test", "--tag", "forkcast-test=1"]
    if SUBNET:
        base += ["--subnet-id", SUBNET]
    code, out, err = ec2(*(base + ["--dry-run"]))
    t.ok(code == 0 and "Permission check passed" in out,
         "the launch permission check (DryRun)", (code, out, err))
    try:
        code, out, err = ec2(*(base + ["--wait", "--timeout", TIMEOUT]))
        launched = re.findall(r"^(i-[0-9a-f]+)$", out, re.M)
        t.ok(code == 0 and len(launched) == 1 and "InstanceId\tPublicIpAddress" in out
             and ("running with public IP" in err or "without a public IP" in err),
             "launch --wait: running, with its public IP or said plainly why not",
             (code, out, err))
        if launched:
            code, out, err = ec2("describe", launched[0])
            t.ok(code == 0 and "State: running" in out and "Tag: forkcast-test=1" in out,
                 "describe the new instance", (code, out, err))
    finally:
        for iid in launched:
            code, out, err = ec2("terminate", iid, "--wait", "--timeout", TIMEOUT)
            t.ok(code == 0 and "terminated" in out + err, "terminate --wait %s" % iid,
                 (code, out, err))


try:
    if not os.access(CLI, os.X_OK):
        t.ok(False, "build/asan/forkcast built", "run make asan")
    else:
        main()
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
t.done()
