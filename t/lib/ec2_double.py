"""ec2_double: a TEST DOUBLE of the EC2 Query API for forkcast's tests (not an emulator). A
loopback HTTP server that speaks the EC2 query protocol (form POST, Action=...&Version=
2016-11-15) with the XML shapes of AWS's API reference (namespace
http://ec2.amazonaws.com/doc/2016-11-15/, <Response><Errors><Error> errors with AWS's codes
and HTTP statuses), checks each request's SigV4 signature with botocore, and models exactly
what moto does not, deterministically (by polls, not by time):

* after RunInstances, the first DescribeInstances naming a new instance answers
  InvalidInstanceID.NotFound (eventual consistency; `notfound_polls`), then `pending` for
  `pending_polls` describes, then `running` without a public IP for `ip_delay_polls`
  describes, then `running` with a public IP;
* subnets whose MapPublicIpOnLaunch is off (`PRIVATE_SUBNET`): running, never a public IP;
* images in `doomed_images`: pending, then shutting-down, then terminated with a StateReason
  (Server.InternalError: Internal error on launch);
* idempotent ClientToken: the same token with the same parameters answers the first launch's
  reservation again (even for concurrent requests), other parameters give
  IdempotentParameterMismatch;
* RequestLimitExceeded bursts (`throttle(n)`: the next n requests answer 503);
* stop (stopping, then stopped, public IP released), start, reboot, terminate
  (shutting-down, then terminated with Client.UserInitiatedShutdown), IncorrectInstanceState;
* paginated DescribeInstances (MaxResults 5..1000, NextToken), filters (instance-state-name,
  tag:KEY, tag-key, instance-id, image-id, instance-type, client-token);
* errors: InvalidAMIID.Malformed / .NotFound, InvalidParameterValue, InsufficientInstanceCapacity
  (`capacity_types`), InstanceLimitExceeded (`instance_limit`), UnauthorizedOperation (actions
  in `unauthorized`), DryRunOperation, AuthFailure (bad signature), InvalidSubnetID.NotFound;
* DescribeSubnets for the two subnets it knows.

Use in a test:  d = Ec2Double(); env AWS_ENDPOINT_URL_EC2=d.url, AWS_ACCESS_KEY_ID=d.key_id,
AWS_SECRET_ACCESS_KEY=d.secret; d.configure(pending_polls=2); d.throttle(6); d.count("RunInstances");
d.instances; d.stop().  Standalone: python3 t/lib/ec2_double.py [PORT]."""
import base64
import hashlib
import itertools
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ports  # noqa: E402

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
PUBLIC_SUBNET = "subnet-0a1b2c3d4e5f60001"
PRIVATE_SUBNET = "subnet-0a1b2c3d4e5f60002"
SUBNETS = {PUBLIC_SUBNET: {"map": True, "cidr": "10.0.1.0/24", "az": "us-east-1a"},
           PRIVATE_SUBNET: {"map": False, "cidr": "10.0.2.0/24", "az": "us-east-1b"}}
DEFAULT_SUBNET = PUBLIC_SUBNET
VPC = "vpc-0a1b2c3d4e5f60000"
CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64,
         "stopped": 80}
NOTFOUND = "NOTFOUND"
DEFAULTS = dict(notfound_polls=1, pending_polls=3, ip_delay_polls=1, stop_polls=2,
                terminate_polls=2, doomed_images=("ami-0badc0de0badc0de0",),
                missing_images=("ami-00000000000000000", "ami-00000000"),
                capacity_types=("p5.48xlarge",), instance_limit=20, unauthorized=(),
                check_signature=True, delay=0.0, public_ip="")


def _free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Instance:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.ticks = 0          # describes that included it
        self.script = []        # [(state, has_public_ip, (reason_code, reason_msg) or None)]
        self.public_ip = ""

    def current(self):
        return self.script[min(self.ticks, len(self.script) - 1)]


class Ec2Double:
    def __init__(self, port=0, key_id="AKIDEC2DOUBLE0000001",
                 secret="ec2-double-secret-0000000000000000000000", **config):
        self.key_id, self.secret = key_id, secret
        self.cfg = dict(DEFAULTS)
        self.cfg.update(config)
        self.lock = threading.RLock()
        self.instances = {}       # id -> Instance, in launch order
        self.tokens = {}          # client token -> (param fingerprint, reservation id)
        self.reservations = {}    # reservation id -> [instance ids]
        self.requests = []        # {"action", "params", "status", "code", "time"}
        self._throttle = 0
        self._ids = itertools.count(1)
        self.port = port or _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    # ---- control (tests) ----------------------------------------------------------
    def configure(self, **kw):
        with self.lock:
            self.cfg.update(kw)

    def throttle(self, n):
        """The next n requests answer 503 RequestLimitExceeded."""
        with self.lock:
            self._throttle = n

    def count(self, action=None, status=None, **params):
        with self.lock:
            return sum(1 for r in self.requests if (action is None or r["action"] == action)
                       and (status is None or r["status"] == status)
                       and all(r["params"].get(k) == v for k, v in params.items()))

    def state_of(self, iid):
        with self.lock:
            inst = self.instances.get(iid)
            return inst.current()[0] if inst else None

    def env(self):
        """Environment variables that point forkcast at this double."""
        return {"AWS_ENDPOINT_URL_EC2": self.url, "AWS_ACCESS_KEY_ID": self.key_id,
                "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true"}

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- the API -------------------------------------------------------------------
    def handle(self, params):
        action = params.get("Action", "")
        with self.lock:
            if self._throttle > 0:
                self._throttle -= 1
                raise ApiError(503, "RequestLimitExceeded", "Request limit exceeded.")
            if action in self.cfg["unauthorized"]:
                raise ApiError(403, "UnauthorizedOperation",
                               "You are not authorized to perform this operation. Encoded "
                               "authorization failure message: " + "x" * 300)
            if params.get("DryRun") == "true":
                raise ApiError(412, "DryRunOperation",
                               "Request would have succeeded, but DryRun flag is set.")
            fn = {"RunInstances": self.run_instances,
                  "DescribeInstances": self.describe_instances,
                  "StartInstances": lambda p: self.change(p, "start"),
                  "StopInstances": lambda p: self.change(p, "stop"),
                  "RebootInstances": lambda p: self.change(p, "reboot"),
                  "TerminateInstances": lambda p: self.change(p, "terminate"),
                  "DescribeSubnets": self.describe_subnets}.get(action)
            if not fn:
                raise ApiError(400, "InvalidAction",
                               "The action %s is not valid for this web service." % action)
            if params.get("Version") != "2016-11-15":
                raise ApiError(400, "InvalidParameterValue", "Invalid Version")
            return fn(params)

    @staticmethod
    def _indexed(params, prefix):
        """Values of prefix.1, prefix.2... in order."""
        out, i = [], 1
        while "%s.%d" % (prefix, i) in params:
            out.append(params["%s.%d" % (prefix, i)])
            i += 1
        return out

    def _new_id(self, prefix):
        return "%s-%017x" % (prefix, 0x0f00000000000000 + next(self._ids))

    def _launch_script(self, inst):
        c = self.cfg
        s = [(NOTFOUND, False, None)] * c["notfound_polls"]
        s += [("pending", False, ("pending", "pending"))] * c["pending_polls"]
        if inst.image in c["doomed_images"]:
            why = ("Server.InternalError", "Server.InternalError: Internal error on launch")
            s += [("shutting-down", False, why), ("terminated", False, why)]
        elif not SUBNETS[inst.subnet]["map"]:
            s += [("running", False, None)]
        else:
            s += [("running", False, None)] * c["ip_delay_polls"] + [("running", True, None)]
        return s

    def run_instances(self, p):
        c = self.cfg
        image = p.get("ImageId", "")
        itype = p.get("InstanceType", "m1.small")
        for k in ("MinCount", "MaxCount"):
            if not p.get(k, "").isdigit():
                raise ApiError(400, "MissingParameter",
                               "The request must contain the parameter %s" % k)
        lo, hi = int(p["MinCount"]), int(p["MaxCount"])
        token = p.get("ClientToken", "")
        if len(token) > 64:
            raise ApiError(400, "InvalidParameterValue", "Value for parameter clientToken is "
                           "invalid: the length must be at most 64")
        fingerprint = json.dumps({k: v for k, v in sorted(p.items())
                                  if k not in ("DryRun", "Action", "Version")})
        if token and token in self.tokens:
            fp, rid = self.tokens[token]
            if fp != fingerprint:
                raise ApiError(400, "IdempotentParameterMismatch",
                               "Arguments on this idempotent request are inconsistent with "
                               "arguments used in previous request(s).")
            return self._reservation_xml("RunInstancesResponse", rid)
        if not re.fullmatch(r"ami-([0-9a-f]{8}|[0-9a-f]{17})", image):
            raise ApiError(400, "InvalidAMIID.Malformed",
                           'Invalid id: "%s" (expecting "ami-...")' % image)
        if image in c["missing_images"]:
            raise ApiError(400, "InvalidAMIID.NotFound",
                           "The image id '[%s]' does not exist" % image)
        if not re.fullmatch(r"[a-z][a-z0-9-]*\.[0-9]*[a-z0-9]+", itype) or itype.endswith(".bogus"):
            raise ApiError(400, "InvalidParameterValue",
                           "Invalid value '%s' for InstanceType." % itype)
        if lo < 1 or hi < lo:
            raise ApiError(400, "InvalidParameterValue",
                           "Invalid value '%d' for minCount. Must be at least 1 and not more "
                           "than maxCount" % lo)
        subnet = p.get("SubnetId", DEFAULT_SUBNET)
        if subnet not in SUBNETS:
            raise ApiError(400, "InvalidSubnetID.NotFound",
                           "The subnet ID '%s' does not exist" % subnet)
        if itype in c["capacity_types"]:
            raise ApiError(500, "InsufficientInstanceCapacity",
                           "We currently do not have sufficient %s capacity in the Availability "
                           "Zone you requested (%s). Our system will be working on provisioning "
                           "additional capacity." % (itype, SUBNETS[subnet]["az"]))
        alive = sum(1 for i in self.instances.values()
                    if i.current()[0] not in ("terminated", "shutting-down"))
        if alive + hi > c["instance_limit"]:
            raise ApiError(400, "InstanceLimitExceeded",
                           "You have requested more instances (%d) than your current instance "
                           "limit of %d allows for the specified instance type." %
                           (alive + hi, c["instance_limit"]))
        user_data = p.get("UserData")
        if user_data is not None:
            try:
                raw = base64.b64decode(user_data, validate=True)
            except ValueError:
                raise ApiError(400, "InvalidParameterValue", "Invalid BASE64 encoding of user "
                               "data.")
            if len(raw) > 16384:
                raise ApiError(400, "InvalidParameterValue", "User data is limited to 16384 "
                               "bytes")
        tags = []
        if p.get("TagSpecification.1.ResourceType") not in (None, "instance"):
            raise ApiError(400, "InvalidParameterValue", "bad resource type")
        i = 1
        while "TagSpecification.1.Tag.%d.Key" % i in p:
            k = p["TagSpecification.1.Tag.%d.Key" % i]
            if k.startswith("aws:") or not k or len(k) > 128:
                raise ApiError(400, "InvalidParameterValue",
                               "Tag key '%s' is not valid" % k)
            tags.append((k, p.get("TagSpecification.1.Tag.%d.Value" % i, "")))
            i += 1
        if len(tags) > 50:
            raise ApiError(400, "TagLimitExceeded", "The maximum number of tags is 50.")
        groups = self._indexed(p, "SecurityGroupId") + self._indexed(p, "SecurityGroup")
        rid = self._new_id("r")
        ids = []
        for n in range(hi):
            iid = self._new_id("i")
            k = next(self._ids)
            inst = Instance(id=iid, image=image, type=itype, subnet=subnet,
                            key=p.get("KeyName", ""), groups=groups, tags=tags,
                            user_data=user_data, token=token, reservation=rid, index=n,
                            launch_time=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                            private_ip="10.0.%d.%d" % (1 if subnet == PUBLIC_SUBNET else 2,
                                                       10 + k % 240),
                            ip_seed=k)
            inst.script = self._launch_script(inst)
            self.instances[iid] = inst
            ids.append(iid)
        self.reservations[rid] = ids
        if token:
            self.tokens[token] = (fingerprint, rid)
        return self._reservation_xml("RunInstancesResponse", rid, launch=True)

    def _reservation_xml(self, root, rid, launch=False):
        items = "".join(self._instance_xml(self.instances[i], launch)
                        for i in self.reservations[rid])
        return ("<%s xmlns=\"%s\"><requestId>%s</requestId><reservationId>%s</reservationId>"
                "<ownerId>123456789012</ownerId><groupSet/><instancesSet>%s</instancesSet></%s>"
                % (root, NS, uuid.uuid4(), rid, items, root))

    def _instance_xml(self, inst, launch=False):
        state, has_ip, reason = ("pending", False, ("pending", "pending")) if launch \
            else inst.current()
        if state == NOTFOUND:
            state, has_ip, reason = "pending", False, ("pending", "pending")
        ip = (self.cfg["public_ip"] or "54.%d.%d.%d" % (10 + inst.ip_seed % 200,
                                                     inst.ip_seed % 250, 7)) if has_ip else ""
        inst.public_ip = ip
        tagset = "".join("<item><key>%s</key><value>%s</value></item>" % (escape(k), escape(v))
                         for k, v in inst.tags)
        groups = "".join("<item><groupId>%s</groupId><groupName>%s</groupName></item>" %
                         (escape(g), escape(g)) for g in inst.groups)
        return ("<item><instanceId>{id}</instanceId><imageId>{image}</imageId>"
                "<instanceState><code>{code}</code><name>{state}</name></instanceState>"
                "<privateDnsName>ip-{pdns}.ec2.internal</privateDnsName>"
                "<dnsName>{dns}</dnsName><reason>{treason}</reason>"
                "<keyName>{key}</keyName><amiLaunchIndex>{index}</amiLaunchIndex><productCodes/>"
                "<instanceType>{type}</instanceType><launchTime>{lt}</launchTime>"
                "<placement><availabilityZone>{az}</availabilityZone><groupName/>"
                "<tenancy>default</tenancy></placement><monitoring><state>disabled</state>"
                "</monitoring><subnetId>{subnet}</subnetId><vpcId>{vpc}</vpcId>"
                "<privateIpAddress>{pip}</privateIpAddress>{ipel}"
                "<sourceDestCheck>true</sourceDestCheck><groupSet>{groups}</groupSet>"
                "{sreason}<architecture>x86_64</architecture><rootDeviceType>ebs"
                "</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>"
                "<blockDeviceMapping/><virtualizationType>hvm</virtualizationType>"
                "<clientToken>{token}</clientToken><tagSet>{tags}</tagSet>"
                "<hypervisor>xen</hypervisor><ebsOptimized>false</ebsOptimized></item>").format(
            id=inst.id, image=inst.image, code=CODES[state], state=state,
            pdns=inst.private_ip.replace(".", "-"),
            dns=("ec2-%s.compute-1.amazonaws.com" % ip.replace(".", "-")) if ip else "",
            treason=escape(reason[1]) if reason and state in ("stopped", "terminated",
                                                              "shutting-down") else "",
            key=escape(inst.key), index=inst.index, type=escape(inst.type), lt=inst.launch_time,
            az=SUBNETS[inst.subnet]["az"], subnet=inst.subnet, vpc=VPC, pip=inst.private_ip,
            ipel="<ipAddress>%s</ipAddress>" % ip if ip else "", groups=groups,
            sreason=("<stateReason><code>%s</code><message>%s</message></stateReason>" %
                     (escape(reason[0]), escape(reason[1]))) if reason else "",
            token=escape(inst.token), tags=tagset)

    def _matches(self, inst, filters):
        state = inst.current()[0]
        for name, values in filters:
            if name == "instance-state-name":
                ok = state in values
            elif name == "instance-id":
                ok = inst.id in values
            elif name == "image-id":
                ok = inst.image in values
            elif name == "instance-type":
                ok = inst.type in values
            elif name == "client-token":
                ok = inst.token in values
            elif name == "tag-key":
                ok = any(k in values for k, _ in inst.tags)
            elif name.startswith("tag:"):
                ok = any(k == name[4:] and v in values for k, v in inst.tags)
            else:
                raise ApiError(400, "InvalidParameterValue", "The filter '%s' is invalid" % name)
            if not ok:
                return False
        return True

    def describe_instances(self, p):
        ids = self._indexed(p, "InstanceId")
        filters, n = [], 1
        while "Filter.%d.Name" % n in p:
            filters.append((p["Filter.%d.Name" % n], self._indexed(p, "Filter.%d.Value" % n)))
            n += 1
        if ids and "MaxResults" in p:
            raise ApiError(400, "InvalidParameterCombination",
                           "The parameter instancesSet cannot be used with the parameter "
                           "maxResults")
        size = None
        if "MaxResults" in p:
            size = int(p["MaxResults"]) if p["MaxResults"].isdigit() else -1
            if not 5 <= size <= 1000:
                raise ApiError(400, "InvalidParameterValue",
                               "Value ( %s ) for parameter maxResults is invalid. Expecting a "
                               "value greater than 5." % p["MaxResults"])
        # every instance this describe looks at moves one poll along, after the answer
        if ids:
            touched = [self.instances[i] for i in ids if i in self.instances]
            missing = [i for i in ids if i not in self.instances or
                       self.instances[i].current()[0] == NOTFOUND]
            if missing:
                for inst in touched:
                    inst.ticks += 1
                raise ApiError(400, "InvalidInstanceID.NotFound",
                               "The instance ID '%s' does not exist" % missing[0])
            chosen = touched
        else:
            touched = list(self.instances.values())
            chosen = [i for i in touched if i.current()[0] != NOTFOUND]
        chosen = [i for i in chosen if self._matches(i, filters)]
        # NextToken is a cursor (the last instance returned), so instances that become
        # visible between pages do not shift the pages
        token = p.get("NextToken")
        if token:
            order = list(self.instances)
            try:
                after = base64.b64decode(token).decode().split(":")[1]
                pos = order.index(after)
            except (ValueError, IndexError):
                raise ApiError(400, "InvalidParameterValue", "Invalid value '%s' for nextToken"
                               % token)
            chosen = [i for i in chosen if order.index(i.id) > pos]
        page = chosen if size is None else chosen[:size]
        nxt = ""
        if len(page) < len(chosen):
            nxt = base64.b64encode(("after:%s:%s" % (page[-1].id, uuid.uuid4().hex))
                                   .encode()).decode()
        groups = []
        xml = {inst.id: self._instance_xml(inst) for inst in page}
        for inst in touched:
            inst.ticks += 1
        for inst in page:
            if groups and groups[-1][0] == inst.reservation:
                groups[-1][1].append(inst)
            else:
                groups.append((inst.reservation, [inst]))
        items = "".join("<item><reservationId>%s</reservationId><ownerId>123456789012</ownerId>"
                        "<groupSet/><instancesSet>%s</instancesSet></item>" %
                        (rid, "".join(xml[i.id] for i in insts))
                        for rid, insts in groups)
        return ("<DescribeInstancesResponse xmlns=\"%s\"><requestId>%s</requestId>"
                "<reservationSet>%s</reservationSet>%s</DescribeInstancesResponse>" %
                (NS, uuid.uuid4(), items, "<nextToken>%s</nextToken>" % nxt if nxt else ""))

    def change(self, p, what):
        ids = self._indexed(p, "InstanceId")
        if not ids:
            raise ApiError(400, "MissingParameter",
                           "The request must contain the parameter InstanceId")
        for i in ids:
            if i not in self.instances or self.instances[i].current()[0] == NOTFOUND:
                raise ApiError(400, "InvalidInstanceID.NotFound",
                               "The instance ID '%s' does not exist" % i)
        c = self.cfg
        items = []
        for i in ids:
            inst = self.instances[i]
            prev = inst.current()[0]
            if what == "reboot":
                if prev in ("terminated", "shutting-down"):
                    raise ApiError(400, "IncorrectInstanceState",
                                   "The instance '%s' is not in a state from which it can be "
                                   "rebooted." % i)
                continue
            if what == "stop":
                if prev in ("pending", "terminated", "shutting-down"):
                    raise ApiError(400, "IncorrectInstanceState",
                                   "This instance '%s' is not in a state from which it can be "
                                   "stopped." % i)
                if prev == "running":
                    why = ("Client.UserInitiatedShutdown",
                           "Client.UserInitiatedShutdown: User initiated shutdown")
                    inst.script = [("stopping", False, why)] * c["stop_polls"] + \
                        [("stopped", False, why)]
                    inst.ticks = 0
            elif what == "start":
                if prev in ("terminated", "shutting-down", "stopping"):
                    raise ApiError(400, "IncorrectInstanceState",
                                   "The instance '%s' is not in a state from which it can be "
                                   "started." % i)
                if prev == "stopped":
                    inst.script = [("pending", False, ("pending", "pending"))] * \
                        max(1, c["pending_polls"]) + [("running", False, None)] * \
                        c["ip_delay_polls"] + [("running", SUBNETS[inst.subnet]["map"], None)]
                    inst.ticks = 0
            elif what == "terminate":
                if prev != "terminated":
                    why = ("Client.UserInitiatedShutdown",
                           "Client.UserInitiatedShutdown: User initiated shutdown")
                    inst.script = [("shutting-down", False, why)] * c["terminate_polls"] + \
                        [("terminated", False, why)]
                    inst.ticks = 0
            cur = inst.current()[0]
            items.append("<item><instanceId>%s</instanceId><currentState><code>%d</code><name>%s"
                         "</name></currentState><previousState><code>%d</code><name>%s</name>"
                         "</previousState></item>" % (i, CODES[cur], cur, CODES[prev], prev))
        root = {"start": "StartInstancesResponse", "stop": "StopInstancesResponse",
                "reboot": "RebootInstancesResponse",
                "terminate": "TerminateInstancesResponse"}[what]
        if what == "reboot":
            return "<%s xmlns=\"%s\"><requestId>%s</requestId><return>true</return></%s>" % (
                root, NS, uuid.uuid4(), root)
        return "<%s xmlns=\"%s\"><requestId>%s</requestId><instancesSet>%s</instancesSet></%s>" % (
            root, NS, uuid.uuid4(), "".join(items), root)

    def describe_subnets(self, p):
        ids = self._indexed(p, "SubnetId") or list(SUBNETS)
        items = []
        for s in ids:
            if s not in SUBNETS:
                raise ApiError(400, "InvalidSubnetID.NotFound",
                               "The subnet ID '%s' does not exist" % s)
            d = SUBNETS[s]
            items.append("<item><subnetId>%s</subnetId><state>available</state><vpcId>%s</vpcId>"
                         "<cidrBlock>%s</cidrBlock><availableIpAddressCount>250"
                         "</availableIpAddressCount><availabilityZone>%s</availabilityZone>"
                         "<defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>%s"
                         "</mapPublicIpOnLaunch></item>" %
                         (s, VPC, d["cidr"], d["az"], "true" if d["map"] else "false"))
        return ("<DescribeSubnetsResponse xmlns=\"%s\"><requestId>%s</requestId><subnetSet>%s"
                "</subnetSet></DescribeSubnetsResponse>" % (NS, uuid.uuid4(), "".join(items)))

    def check_signature(self, rec):
        from fault_server import sigv4_check
        auth = rec["headers"].get("Authorization", "")
        if "Credential=%s/" % self.key_id not in auth or "/ec2/aws4_request" not in auth:
            return "unknown access key or not signed for ec2"
        return sigv4_check(rec, self.secret, self.url)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        d = self.server.owner
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        params = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                             keep_blank_values=True))
        rec = {"action": params.get("Action", ""), "params": params, "time": time.time(),
               "status": 200, "code": ""}
        if d.cfg["delay"]:
            time.sleep(d.cfg["delay"])
        try:
            if d.cfg["check_signature"]:
                why = d.check_signature({"method": "POST", "path": self.path,
                                         "headers": self.headers,
                                         "header_list": list(self.headers.items()),
                                         "body": body})
                if why:
                    raise ApiError(401, "AuthFailure", "AWS was not able to validate the "
                                   "provided access credentials (%s)" % why)
            if self.headers.get("Content-Type", "").split(";")[0] != \
                    "application/x-www-form-urlencoded":
                raise ApiError(400, "InvalidParameterValue", "bad Content-Type")
            out = '<?xml version="1.0" encoding="UTF-8"?>\n' + d.handle(params)
            status = 200
        except ApiError as e:
            status, rec["code"] = e.status, e.code
            out = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s'
                   "</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID>"
                   "</Response>" % (e.code, escape(e.message), uuid.uuid4()))
        rec["status"] = status
        with d.lock:
            d.requests.append(rec)
        data = out.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", hashlib.md5(data).hexdigest())
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client was killed (tests do that on purpose)


if __name__ == "__main__":
    dbl = Ec2Double(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print("EC2 test double at %s" % dbl.url, flush=True)
    for k, v in dbl.env().items():
        print("export %s=%s" % (k, v))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        dbl.stop()
