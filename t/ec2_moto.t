#!/usr/bin/env python3
"""ec2_moto.t - the wire format of every EC2 call forkcast makes, against moto's server with
signature checking on (t/lib/moto_server.py: INITIAL_NO_AUTH_ACTION_COUNT spent on the IAM
user and key; every later request must be signed right): RunInstances (ImageId, InstanceType,
MinCount/MaxCount, KeyName, SubnetId, SecurityGroupId.N and SecurityGroup.N, TagSpecification,
base64 UserData, ClientToken, DryRun), DescribeInstances (InstanceId.N, Filter.N, MaxResults,
NextToken), Start/Stop/Reboot/TerminateInstances, DescribeSubnets; each read back with boto3.
Then the admin pages and the worker against moto (launch -> running with a public IP), and a
wrong secret or unknown key refused with AuthFailure. moto makes instances running at once:
the asynchronous path is tested against the test double (ec2_pages.t, ec2_cli.t). Prints TAP;
skipped when moto is not importable."""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from moto_server import MotoServer, moto_available  # noqa: E402

why = moto_available()
if why:
    print("1..0 # SKIP moto not installed (%s)" % why)
    sys.exit(0)

from fcserver import ROOT, Client, Server, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
t = TAP()
tmp = tempfile.mkdtemp(prefix="fc-ec2moto-")


def env(moto, extra=None):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("AWS_") and not k.startswith("FORKCAST_")}
    e.update({
        "AWS_ENDPOINT_URL_EC2": moto.url, "AWS_ACCESS_KEY_ID": moto.access_key_id,
        "AWS_SECRET_ACCESS_KEY": moto.secret_access_key, "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": tmp,
        "FORKCAST_EC2_WAIT_FIRSTMS": "50", "FORKCAST_EC2_WAIT_CAPMS": "200",
        "FORKCAST_EC2_PAGESIZE": "5",
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
    })
    e.update(extra or {})
    return e


def ec2(moto, *args, extra=None):
    p = subprocess.run([CLI, "ec2"] + list(args), env=env(moto, extra), capture_output=True,
                       text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main(moto):
    import boto3
    b3 = boto3.client("ec2", endpoint_url=moto.url, region_name="us-east-1",
                      aws_access_key_id=moto.access_key_id,
                      aws_secret_access_key=moto.secret_access_key)
    ami = b3.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    b3.create_key_pair(KeyName="forkcast-ops")
    default_vpc = [v for v in b3.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
    sg = b3.create_security_group(GroupName="forkcast-web", Description="web",
                                  VpcId=default_vpc)["GroupId"]
    subnet = [s for s in b3.describe_subnets()["Subnets"]
              if s["VpcId"] == default_vpc][0]["SubnetId"]
    vpc = b3.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    private = b3.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    t.ok(True, "moto with authentication on; AMI %s, key pair, group, subnets ready" % ami)

    # ---- RunInstances with everything, read back ----
    ud = "#!/bin/sh\necho 'forkcast: crème brûlée' > /tmp/menu\n"
    code, out, err = ec2(moto, "launch", "--image-id", ami, "--instance-type", "t3.micro",
                         "--count", "2", "--name", "web & api", "--tag", "env=prod",
                         "--tag", "team=food & drink", "--key-name", "forkcast-ops",
                         "--subnet-id", subnet, "--security-group", sg,
                         "--security-group", "default", "--user-data", ud,
                         "--client-token", "forkcast-moto-1", "--wait")
    ids = re.findall(r"^(i-[0-9a-f]+)$", out, re.M)
    t.ok(code == 0 and len(ids) == 2, "RunInstances (signed) launches 2 instances; --wait ends",
         (code, out, err))
    got = {}
    if ids:
        for r in b3.describe_instances(InstanceIds=ids)["Reservations"]:
            for i in r["Instances"]:
                got[i["InstanceId"]] = i
    one = got.get(ids[0], {}) if ids else {}
    tags = {x["Key"]: x["Value"] for x in one.get("Tags", [])}
    t.ok(tags == {"Name": "web & api", "env": "prod", "team": "food & drink"},
         "TagSpecification: the tags as given (spaces and & intact)", tags)
    t.ok(one.get("KeyName") == "forkcast-ops" and one.get("SubnetId") == subnet
         and one.get("InstanceType") == "t3.micro" and one.get("ImageId") == ami
         and one.get("ClientToken") == "forkcast-moto-1",
         "KeyName, SubnetId, InstanceType, ImageId and ClientToken as sent",
         {k: one.get(k) for k in ("KeyName", "SubnetId", "InstanceType", "ImageId",
                                  "ClientToken")})
    groups = sorted(g["GroupName"] for g in one.get("SecurityGroups", []))
    t.ok(groups == ["default", "forkcast-web"],
         "SecurityGroupId.1 (sg-...) and SecurityGroup.1 (a name)", one.get("SecurityGroups"))
    attr = b3.describe_instance_attribute(InstanceId=ids[0], Attribute="userData") if ids else {}
    t.ok(base64.b64decode(attr.get("UserData", {}).get("Value", "")).decode() == ud,
         "UserData arrives base64-encoded and decodes to the script", attr.get("UserData"))
    rows = dict(x.split("\t") for x in out.splitlines()[out.splitlines().index(
        "InstanceId\tPublicIpAddress") + 1:]) if "InstanceId\tPublicIpAddress" in out else {}
    t.ok(ids and all(rows.get(i) == got[i].get("PublicIpAddress") for i in ids),
         "--wait reports the public IPs moto assigned (DescribeInstances with InstanceId.1)",
         (rows, {i: got[i].get("PublicIpAddress") for i in got}))

    # ---- DryRun ----
    code, out, err = ec2(moto, "launch", "--image-id", ami, "--instance-type", "t3.micro",
                         "--dry-run")
    n = sum(len(r["Instances"]) for r in b3.describe_instances()["Reservations"])
    t.ok(code == 0 and "Permission check passed" in out and n == 2,
         "DryRun=true: moto answers DryRunOperation, nothing launched", (code, out, err, n))
    code, out, err = ec2(moto, "stop", ids[0], "--dry-run")
    t.ok(code == 0 and "Permission check passed" in out,
         "StopInstances with DryRun=true", (code, out, err))

    # ---- DescribeInstances: pages, filters ----
    for k in range(6):
        ec2(moto, "launch", "--image-id", ami, "--instance-type", "t3.nano", "--tag",
            "batch=%d" % k)
    code, out, err = ec2(moto, "list")
    listed = re.findall(r"^(i-[0-9a-f]+)\s", out, re.M)
    total = sum(len(r["Instances"]) for r in b3.describe_instances()["Reservations"])
    t.ok(code == 0 and len(listed) == total == 8 and "(2 pages)" in err,
         "DescribeInstances with MaxResults 5 and NextToken: every page read", (out, err))
    code, out, err = ec2(moto, "list", "--tag", "Name=web & api")
    t.ok(code == 0 and sorted(re.findall(r"^(i-[0-9a-f]+)\s", out, re.M)) == sorted(ids),
         "Filter.1.Name=tag:Name, Filter.1.Value.1 with spaces and &", out)
    code, out, err = ec2(moto, "list", "--tag", "batch")
    t.ok(code == 0 and len(re.findall(r"^(i-[0-9a-f]+)\s", out, re.M)) == 6,
         "Filter tag-key", out)
    code, out, err = ec2(moto, "describe", ids[0])
    t.ok(code == 0 and "Name: web & api" in out and "State: running" in out,
         "describe one instance", out)
    code, out, err = ec2(moto, "describe", "i-0fffffffffffffff0")
    t.ok(code == 1 and "no such instance" in err and "InvalidInstanceID.NotFound" in err,
         "moto's InvalidInstanceID.NotFound is read and explained", err)

    # ---- stop, start, reboot, terminate ----
    code, out, err = ec2(moto, "stop", ids[0], "--wait")
    t.ok(code == 0 and "running -> stopping" in out
         and b3.describe_instances(InstanceIds=[ids[0]])["Reservations"][0]["Instances"][0][
             "State"]["Name"] == "stopped",
         "StopInstances, then followed to stopped", (code, out, err))
    code, out, err = ec2(moto, "list", "--state", "stopped")
    t.ok(re.findall(r"^(i-[0-9a-f]+)\s", out, re.M) == [ids[0]],
         "Filter instance-state-name=stopped", out)
    code, out, err = ec2(moto, "start", ids[0], "--wait")
    t.ok(code == 0 and "stopped -> pending" in out, "StartInstances, followed to running",
         (code, out, err))
    code, out, err = ec2(moto, "reboot", ids[0])
    t.ok(code == 0 and "reboot requested" in out, "RebootInstances", (code, out, err))
    code, out, err = ec2(moto, "terminate", ids[1], "--wait")
    t.ok(code == 0 and "terminated" in out and "User initiated shutdown" in err,
         "TerminateInstances, followed to terminated with its StateReason", (code, out, err))

    # ---- DescribeSubnets: a subnet without public IPs ----
    code, out, err = ec2(moto, "launch", "--image-id", ami, "--instance-type", "t3.micro",
                         "--subnet-id", private, "--wait",
                         extra={"FORKCAST_EC2_WAIT_PUBLICIPSECONDS": "30"})
    t.ok(code == 0 and "does not assign public IPv4 addresses" in err and private in err,
         "running without a public IP: DescribeSubnets says MapPublicIpOnLaunch is off",
         (code, out, err))

    # ---- wrong credentials ----
    code, out, err = ec2(moto, "list", extra={"AWS_SECRET_ACCESS_KEY": "wrong-secret"})
    t.ok(code == 1 and "AuthFailure" in err and "refused the credentials" in err,
         "a wrong secret: moto refuses the signature (AuthFailure), exit 1", err)
    code, out, err = ec2(moto, "list", extra={"AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000"})
    t.ok(code == 1 and "AuthFailure" in err, "an unknown key: AuthFailure, exit 1", err)

    # ---- conf/iam-policy.json: its actions are enough for every call (moto checks actions;
    # it evaluates every Resource as "*", so the ARNs and the condition are not tested here) ----
    import json as _json
    iam = boto3.client("iam", endpoint_url=moto.url, region_name="us-east-1",
                       aws_access_key_id=moto.access_key_id,
                       aws_secret_access_key=moto.secret_access_key)
    with open(os.path.join(ROOT, "conf", "iam-policy.json")) as f:
        policy = _json.load(f)
    actions = sorted({a for st in policy["Statement"]
                      for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])})

    def user_with(name, allowed):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName="forkcast", PolicyDocument=_json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]}))
        return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    minimal = user_with("forkcast-minimal", actions)
    steps = []
    code, out, err = ec2(moto, "launch", "--image-id", ami, "--instance-type", "t3.micro",
                         "--name", "least privilege", "--subnet-id", private, "--wait",
                         extra=dict(minimal, FORKCAST_EC2_WAIT_PUBLICIPSECONDS="1"))
    steps.append(("launch --wait", code, err))
    mid = (re.findall(r"^(i-[0-9a-f]+)$", out, re.M) or ["i-0fffffffffffffff0"])[0]
    for args in (["list"], ["describe", mid], ["stop", mid, "--wait"], ["start", mid, "--wait"],
                 ["reboot", mid], ["terminate", mid, "--wait"]):
        code, out, err = ec2(moto, *args, extra=minimal)
        steps.append((" ".join(args[:1]), code, err))
    # "does not assign" is only said after an allowed DescribeSubnets
    t.ok(all(code == 0 for _, code, _ in steps) and "does not assign" in steps[0][2],
         "a user with just the actions of conf/iam-policy.json (%s) can do everything"
         % ", ".join(actions), steps)
    partial = user_with("forkcast-no-terminate",
                        [a for a in actions if a != "ec2:TerminateInstances"])
    code, out, err = ec2(moto, "terminate", ids[0], extra=partial)
    t.ok(code == 1 and "lacks the IAM permission" in err and "conf/iam-policy.json" in err,
         "without ec2:TerminateInstances: refused, and the message points at the policy", err)

    # ---- the admin pages and the worker, signed from the FastCGI processes ----
    srv = Server(demo=False, env={k: v for k, v in env(moto).items()
                                  if k.startswith("AWS_") or k.startswith("FORKCAST_EC2")})
    worker = None
    try:
        c = Client(srv)
        c.post("/signup", {"username": "ana", "email": "ana@example.com",
                           "password": "tacos al pastor", "password2": "tacos al pastor"},
               csrf_from="/signup")
        srv.run_cli("user", "make-admin", "ana")
        page = c.get("/admin/instances/launch")
        nonce = re.search(r'name="nonce" value="([0-9a-f]{32})"', page.text).group(1)
        form = {"nonce": nonce, "image_id": ami, "instance_type": "t3.micro", "count": "1",
                "name": "from the web", "tags": "", "user_data": "", "security_groups": "",
                "key_name": "", "subnet_id": "", "do": "check"}
        r = c.post("/admin/instances/launch", form)
        t.ok(r.status == 200 and "Permission check passed" in r.text,
             "web: the permission check (DryRun) against moto", r.text[-600:])
        form["do"] = "launch"
        r = c.post("/admin/instances/launch", form)
        loc = r.getheader("Location") or ""
        worker = subprocess.Popen([srv.cli, "worker"], env=srv.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline, s = time.time() + 30, ""
        while time.time() < deadline:
            s = c.get(loc + "/status").text
            if '"following":false' in s:
                break
            time.sleep(0.1)
        t.ok(r.status == 303 and '"status":"ready"' in s and '"public_ip":"54.' in s,
             "web: launch, the worker follows it to running with a public IP (moto)", s)
        r = c.get("/admin/instances")
        t.ok(r.status == 200 and "from the web" in r.text and "web &amp; api" in r.text,
             "web: the list shows moto's instances", r.text[-800:])
    finally:
        if worker:
            worker.terminate()
            worker.wait(10)
        reports = srv.stop()
        t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:2000])
        srv.cleanup()


try:
    if not os.access(CLI, os.X_OK):
        t.ok(False, "build/asan/forkcast built", "run make asan")
    else:
        moto = MotoServer()
        try:
            main(moto)
        except Exception:
            t.ok(False, "no exception", traceback.format_exc() + "\nmoto log:\n" + moto.logtext())
        finally:
            moto.stop()
except Exception:
    t.ok(False, "moto server started", traceback.format_exc())
shutil.rmtree(tmp, ignore_errors=True)
t.done()
