"""dynalite: DynamoDB for the tests. Starts dynalite (npm, pinned in package-lock.json) on a free
loopback port and puts a small proxy of this process in front of it, which:

* adds what dynalite 4.0.0 does not implement: TransactWriteItems (emulated all-or-nothing:
  under a lock that serializes every request, each action is applied with its own condition
  through dynalite's PutItem/UpdateItem/DeleteItem, and the ones already applied are restored
  from their old images when one fails; the answer is DynamoDB's TransactionCanceledException
  with its reasons) and UpdateTimeToLive/DescribeTimeToLive (remembered per table;
  expire_ttl() plays the TTL sweeper);
* can answer scripted faults instead of forwarding (500, 503, throttling, hangs), for some
  operations only, a number of times or until cleared;
* counts the calls per operation and logs each request (operation, attempt header, status).

Everything is sent to dynalite as it came (dynalite checks that requests are signed, not the
signatures). Usage:

    with Dynalite() as dl:
        env = dl.env()          # AWS_ENDPOINT_URL_DYNAMODB=proxy, dummy keys, region
        dl.fail(["PutItem"], [{"status": 500}], times=3)
        dl.calls["Query"]

Standalone: python3 t/lib/dynalite.py  (prints the proxy URL, serves until ^C)."""
import collections
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import ports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "node_modules", ".bin", "dynalite")
PREFIX = "DynamoDB_20120810."


def free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


def available():
    """None when dynalite can run here, else why not."""
    if not os.access(BIN, os.X_OK):
        return "no %s (run npm ci)" % BIN
    if not shutil_which("node"):
        return "no node on the PATH"
    return None


def shutil_which(name):
    import shutil
    return shutil.which(name)


def aws_error(type_, message, status=400):
    return status, {"__type": "com.amazonaws.dynamodb.v20120810#" + type_, "message": message}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed ACK

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        dl = self.server.owner
        arrived = time.time()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        target = self.headers.get("X-Amz-Target", "")
        op = target[len(PREFIX):] if target.startswith(PREFIX) else target
        attempt = self.headers.get("amz-sdk-request", "")
        inv = self.headers.get("amz-sdk-invocation-id", "")
        step = dl._fault_for(op, body)
        if step is not None and step.get("forward"):
            # a slow DynamoDB: the delay, then the real answer
            time.sleep(step.get("delay", 0))
            with dl.flock:
                dl.slow_released += 1  # after_answer.t: was the answer before this?
            step = None
        if step is not None:
            status = step.get("status", 500)
            dl._log(op, attempt, status, inv, arrived, fault=True, body=body)
            if step.get("delay"):
                time.sleep(step["delay"])
            out = step.get("body")
            if callable(out):  # made from the request (e.g. a key that moves on each page)
                out = out(json.loads(body or b"{}"))
            if out is None:
                out = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#"
                                  + step.get("type", "InternalServerError"),
                                  "message": step.get("message", "injected fault")})
            return self._send(status, out.encode() if isinstance(out, str) else out,
                              "application/x-amz-json-1.0")
        with dl.lock:
            if op == "TransactWriteItems":
                status, obj = dl._transact(json.loads(body or b"{}"))
                raw = json.dumps(obj).encode()
                ctype = "application/x-amz-json-1.0"
            elif op == "UpdateTimeToLive":
                status, obj = dl._update_ttl(json.loads(body or b"{}"))
                raw, ctype = json.dumps(obj).encode(), "application/x-amz-json-1.0"
            elif op == "DescribeTimeToLive":
                status, obj = dl._describe_ttl(json.loads(body or b"{}"))
                raw, ctype = json.dumps(obj).encode(), "application/x-amz-json-1.0"
            else:
                status, raw, ctype = dl._forward(target, body, dict(self.headers))
        dl._log(op, attempt, status, inv, arrived, body=body)
        self._send(status, raw, ctype)

    def do_GET(self):
        self._send(200, b"healthy: dynalite proxy", "text/plain")

    def _send(self, status, raw, ctype):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("x-amzn-RequestId", "dynalite-proxy-%d" % time.monotonic_ns())
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:
            pass  # the client gave up (timeout)


class Dynalite:
    def __init__(self, log=None, path=None):
        """path: a LevelDB folder to keep the tables in (it may hold tables already: a copy of
        a prepared one); None: in memory."""
        self.port = free_port()
        self.backend_url = "http://127.0.0.1:%d" % self.port
        self.logf = open(log or os.devnull, "w")
        self.proc = subprocess.Popen(
            [BIN, "--host", "127.0.0.1", "--port", str(self.port), "--createTableMs", "20",
             "--deleteTableMs", "20", "--updateTableMs", "20"] + (["--path", path] if path else []),
            stdout=self.logf, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError("dynalite did not start")
                time.sleep(0.05)
        self.lock = threading.RLock()
        self.flock = threading.Lock()
        self.faults = []
        self.slow_released = 0  # slow answers ({"forward": True, "delay": s}) whose delay ran out
        self.calls = collections.Counter()
        self.requests = []
        self.keep_bodies = False  # True: each logged request keeps its body ("body")
        self.ttl = {}
        self.keys = {}
        self.local = threading.local()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def env(self, table=None):
        """Environment for forkcast or the aws CLI to use this DynamoDB."""
        e = {"AWS_ENDPOINT_URL_DYNAMODB": self.url, "AWS_ACCESS_KEY_ID": "dynalite",
             "AWS_SECRET_ACCESS_KEY": "dynalite-secret", "AWS_REGION": "us-east-1",
             "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
             "AWS_PAGER": ""}
        if table:
            e["FORKCAST_STORE_DYNAMODB_TABLE"] = table
        return e

    def stop(self):
        if getattr(self, "httpd", None):
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()

    # ---- faults and the request log ------------------------------------------------------

    def fail(self, ops, steps, times=1, skip=0, match=None):
        """Answers the next matching requests (operation names in ops, or None for any; and,
        with match, whose raw body match(bytes) accepts) with steps (dicts: status, type,
        message, body, delay), in turn, `times` rounds (None: until clear_faults()), after
        letting the first `skip` of them through (a failure halfway through a run). A body may
        be a function of the request (parsed JSON). A step {"forward": True, "delay": s} is a
        slow answer: the real one, after s seconds."""
        with self.flock:
            self.faults.append({"ops": set(ops) if ops else None, "steps": list(steps),
                                "pos": 0, "left": None if times is None else times * len(steps),
                                "skip": skip, "match": match})

    def faults_left(self):
        """How many scripted answers are still to be used (0: every fault was met)."""
        with self.flock:
            return sum(f["left"] or 0 for f in self.faults)

    def clear_faults(self):
        with self.flock:
            self.faults = []

    def _fault_for(self, op, body=b""):
        with self.flock:
            for f in self.faults:
                if f["ops"] is not None and op not in f["ops"]:
                    continue
                if f.get("match") and not f["match"](body):
                    continue
                if f["left"] is not None and f["left"] <= 0:
                    continue
                if f["skip"] > 0:
                    f["skip"] -= 1
                    continue
                step = f["steps"][f["pos"] % len(f["steps"])]
                f["pos"] += 1
                if f["left"] is not None:
                    f["left"] -= 1
                return step
        return None

    def _log(self, op, attempt, status, invocation, arrived, fault=False, body=None):
        with self.flock:
            self.calls[op] += 1
            r = {"op": op, "attempt": attempt, "status": status, "invocation": invocation,
                 "fault": fault, "time": arrived}
            if self.keep_bodies:
                r["body"] = body
            self.requests.append(r)

    def reset_log(self):
        with self.flock:
            self.calls = collections.Counter()
            self.requests = []

    # ---- talking to dynalite ------------------------------------------------------------

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.local.conn = c
        return c

    def _forward(self, target, body, headers):
        h = {k: v for k, v in headers.items()
             if k.lower() in ("content-type", "x-amz-target", "authorization", "x-amz-date",
                              "x-amz-security-token")}
        h.setdefault("Content-Type", "application/x-amz-json-1.0")
        h["X-Amz-Target"] = target
        for _ in range(2):
            c = self._conn()
            try:
                c.request("POST", "/", body=body, headers=h)
                r = c.getresponse()
                return r.status, r.read(), r.getheader("Content-Type", "application/x-amz-json-1.0")
            except (OSError, http.client.HTTPException):
                c.close()
                self.local.conn = None
        return 500, b'{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"}', \
            "application/x-amz-json-1.0"

    def call(self, op, req):
        """One call (no faults, not logged), with what the proxy adds: (status, answer)."""
        emulated = {"TransactWriteItems": self._transact, "UpdateTimeToLive": self._update_ttl,
                    "DescribeTimeToLive": self._describe_ttl}
        if op in emulated:
            with self.lock:
                return emulated[op](req)
        return self._raw(op, req)

    def _raw(self, op, req):
        """One call to dynalite itself: (status, answer dict)."""
        h = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20250101T000000Z",
             "Authorization": "AWS4-HMAC-SHA256 Credential=dynalite/20250101/us-east-1/dynamodb/"
             "aws4_request, SignedHeaders=host;x-amz-date, Signature=00"}
        status, raw, _ = self._forward(PREFIX + op, json.dumps(req).encode(), h)
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            return status, {"raw": raw.decode(errors="replace")}

    def _key_names(self, table):
        if table not in self.keys:
            st, d = self._raw("DescribeTable", {"TableName": table})
            if st != 200:
                return None
            self.keys[table] = [k["AttributeName"] for k in d["Table"]["KeySchema"]]
        return self.keys[table]

    # ---- TransactWriteItems ---------------------------------------------------------------

    def _transact(self, req):
        items = req.get("TransactItems") or []
        if not items or len(items) > 100:
            return aws_error("ValidationException",
                             "1 validation error detected: Value at 'transactItems' failed to "
                             "satisfy constraint: Member must have length between 1 and 100")
        acts, seen = [], set()
        for it in items:
            if len(it) != 1:
                return aws_error("ValidationException", "TransactItems can only contain one of "
                                 "Check, Put, Update or Delete")
            kind, a = next(iter(it.items()))
            table = a.get("TableName")
            names = self._key_names(table)
            if names is None:
                return aws_error("ResourceNotFoundException", "Requested resource not found")
            src = a.get("Item") if kind == "Put" else a.get("Key")
            if not src or any(n not in src for n in names):
                return aws_error("ValidationException",
                                 "The provided key element does not match the schema")
            key = {n: src[n] for n in names}
            ident = (table, json.dumps(key, sort_keys=True))
            if ident in seen:
                return aws_error("ValidationException", "Transaction request cannot include "
                                 "multiple operations on one item")
            seen.add(ident)
            acts.append((kind, a, table, key))
        olds = []
        for kind, a, table, key in acts:
            st, d = self._raw("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
            if st != 200:
                return st, d
            olds.append(d.get("Item"))
        done = []
        for i, (kind, a, table, key) in enumerate(acts):
            st, d = self._apply(kind, a, table, key, olds[i])
            if st != 200:
                for j in reversed(done):
                    self._restore(acts[j][2], acts[j][3], olds[j])
                if d.get("__type", "").endswith("ConditionalCheckFailedException"):
                    reasons = ["None"] * len(acts)
                    reasons[i] = "ConditionalCheckFailed"
                    return 400, {
                        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                        "message": "Transaction cancelled, please refer cancellation reasons for "
                                   "specific reasons [%s]" % ", ".join(reasons),
                        "CancellationReasons": [
                            {"Code": r} if r == "None" else
                            {"Code": r, "Message": "The conditional request failed"}
                            for r in reasons]}
                return st, d
            done.append(i)
        return 200, {}

    def _apply(self, kind, a, table, key, old):
        extra = {k: a[k] for k in ("ConditionExpression", "ExpressionAttributeNames",
                                   "ExpressionAttributeValues") if k in a}
        if kind == "Put":
            return self._raw("PutItem", dict(TableName=table, Item=a["Item"], **extra))
        if kind == "Delete":
            return self._raw("DeleteItem", dict(TableName=table, Key=key, **extra))
        if kind == "Update":
            extra["UpdateExpression"] = a["UpdateExpression"]
            return self._raw("UpdateItem", dict(TableName=table, Key=key, **extra))
        if kind == "ConditionCheck":
            st, d = self._raw("PutItem", dict(TableName=table, Item=old or key, **extra))
            if st == 200 and old is None:
                self._raw("DeleteItem", {"TableName": table, "Key": key})
            return st, d
        return aws_error("ValidationException", "unknown transaction action " + kind)

    def _restore(self, table, key, old):
        if old is None:
            self._raw("DeleteItem", {"TableName": table, "Key": key})
        else:
            self._raw("PutItem", {"TableName": table, "Item": old})

    # ---- time to live ---------------------------------------------------------------------

    def _update_ttl(self, req):
        table, spec = req.get("TableName"), req.get("TimeToLiveSpecification") or {}
        if self._key_names(table) is None:
            return aws_error("ResourceNotFoundException", "Requested resource not found")
        cur = self.ttl.get(table)
        if spec.get("Enabled") and cur and cur.get("Enabled"):
            return aws_error("ValidationException", "TimeToLive is already enabled")
        self.ttl[table] = spec
        return 200, {"TimeToLiveSpecification": spec}

    def _describe_ttl(self, req):
        table = req.get("TableName")
        if self._key_names(table) is None:
            return aws_error("ResourceNotFoundException", "Requested resource not found")
        spec = self.ttl.get(table)
        if spec and spec.get("Enabled"):
            return 200, {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                                   "AttributeName": spec["AttributeName"]}}
        return 200, {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    def expire_ttl(self, table, now=None):
        """Plays DynamoDB's TTL sweeper once: deletes the items of table whose TTL attribute
        (as enabled with UpdateTimeToLive) is a number of seconds before now. Returns how many
        were deleted."""
        spec = self.ttl.get(table)
        if not spec or not spec.get("Enabled"):
            return 0
        attr, now = spec["AttributeName"], time.time() if now is None else now
        names = self._key_names(table)
        n, start = 0, None
        with self.lock:
            while True:
                req = {"TableName": table}
                if start:
                    req["ExclusiveStartKey"] = start
                st, d = self._raw("Scan", req)
                if st != 200:
                    raise RuntimeError("scan failed: %s" % d)
                for it in d.get("Items", []):
                    v = it.get(attr, {}).get("N")
                    if v is not None and float(v) < now:
                        self._raw("DeleteItem", {"TableName": table,
                                                 "Key": {k: it[k] for k in names}})
                        n += 1
                start = d.get("LastEvaluatedKey")
                if not start:
                    return n

    def scan_all(self, table):
        """Every item of table (for checks)."""
        out, start = [], None
        while True:
            req = {"TableName": table}
            if start:
                req["ExclusiveStartKey"] = start
            st, d = self._raw("Scan", req)
            if st != 200:
                raise RuntimeError("scan failed: %s" % d)
            out.extend(d.get("Items", []))
            start = d.get("LastEvaluatedKey")
            if not start:
                return out


if __name__ == "__main__":
    dl = Dynalite()
    print(dl.url, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        dl.stop()
        for op, n in sorted(dl.calls.items()):
            print(op, n, file=sys.stderr)
