"""fault_server: a loopback HTTP server for the AWS client tests. It answers a scripted
sequence of responses (statuses, bodies, hangs), can play the EC2 instance metadata service
(IMDSv2), and records every request. Also: run_tool() to drive build/asan/t/aws_tool and
sigv4_check() to verify a recorded request's signature with botocore.

Standalone: python3 t/lib/fault_server.py SCRIPT.json  (prints the port, serves until ^C)."""
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import ports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def json_error(status, type_, message, delay=0):
    """A step answering an awsJson error such as DynamoDB's."""
    return {"status": status, "delay": delay,
            "headers": {"Content-Type": "application/x-amz-json-1.0",
                        "x-amzn-RequestId": "FAULT-%d-%s" % (status, type_)},
            "body": json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + type_,
                                "message": message})}


def xml_step(status, body, request_id=None):
    headers = {"Content-Type": "application/xml"}
    if request_id:
        headers["x-amz-request-id"] = request_id
    return {"status": status, "headers": headers, "body": body}


def never():
    """A step that accepts the request and never answers."""
    return {"never": True}


def hang(seconds, then_status=200):
    """A step that waits longer than the client's timeout before answering."""
    return {"status": then_status, "delay": seconds, "body": "{}"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be observed

    def log_message(self, fmt, *args):  # quiet
        pass

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _answer(self, status, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        srv = self.server.owner
        body = self._read_body()
        rec = {"method": self.command, "path": self.path, "headers": self.headers,
               "header_list": list(self.headers.items()), "body": body, "time": time.time(),
               "client_port": self.client_address[1]}
        with srv.lock:
            rec["n"] = len(srv.requests)
            srv.requests.append(rec)
        if srv.imds is not None:
            return self._imds(srv, rec)
        with srv.lock:
            step = srv.script[srv.pos] if srv.pos < len(srv.script) else srv.default
            srv.pos += 1
        if step is not None and step.get("never"):
            # accepts and reads the request, then never answers (until stop())
            srv.stopping.wait(600)
            return
        if step is None:
            return self._answer(418, json.dumps({"__type": "ScriptExhausted",
                                                 "message": "no more scripted answers"}))
        if step.get("delay"):
            time.sleep(step["delay"])
        try:
            self._answer(step.get("status", 200), step.get("body", ""), step.get("headers"))
        except OSError:
            pass  # the client gave up (timeout) and closed the connection

    def _imds(self, srv, rec):
        im = srv.imds
        if im.get("delay"):
            time.sleep(im["delay"])
        token_ok = self.headers.get("X-aws-ec2-metadata-token") == im["token"]
        base = "/latest/meta-data/iam/security-credentials/"
        try:
            if self.command == "PUT" and self.path == "/latest/api/token":
                if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                    return self._answer(400, "missing ttl")
                return self._answer(200, im["token"])
            if self.command == "GET" and self.path == base:
                return self._answer(200 if token_ok else 401,
                                    im["role"] + "\n" if token_ok else "")
            if self.command == "GET" and self.path == base + im["role"]:
                if not token_ok:
                    return self._answer(401, "")
                exp = time.gmtime(time.time() + im.get("expires_in", 3600))
                return self._answer(200, json.dumps({
                    "Code": "Success", "Type": "AWS-HMAC",
                    "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "AccessKeyId": im["access_key_id"],
                    "SecretAccessKey": im["secret_access_key"],
                    "Token": im["session_token"],
                    "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", exp)}))
            return self._answer(404, "")
        except OSError:
            pass

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle


class FaultServer:
    """Serves on 127.0.0.1 (free port) from a thread until stop()."""

    def __init__(self, script=None, imds=None, default=None):
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.requests = []
        self.script = list(script or [])
        self.default = default  # the answer once the script is over (None: 418)
        self.pos = 0
        self.imds = imds
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self, script=None, imds=None, default=None):
        with self.lock:
            self.requests = []
            self.script = list(script or [])
            self.default = default
            self.pos = 0
            if imds is not None:
                self.imds = imds

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- helpers shared by t/aws_faults.t and t/aws_moto.t -----------------------------------

def tool_path():
    return os.environ.get("AWS_TOOL") or os.path.join(ROOT, "build", "asan", "t", "aws_tool")


def clean_env(extra=None):
    """The environment for aws_tool: no AWS_* or FORKCAST_AWS_* from outside, no shared
    files, no instance metadata, unless extra says otherwise."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and not k.startswith("FORKCAST_AWS_")}
    env.update({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": "us-east-1",
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
    })
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_tool(args, env, timeout=60):
    """Runs aws_tool; returns (list of result dicts, exit code, stderr, seconds)."""
    t0 = time.time()
    p = subprocess.run([tool_path()] + list(args), env=env, capture_output=True,
                       timeout=timeout)
    took = time.time() - t0
    results = []
    for line in p.stdout.decode(errors="replace").splitlines():
        try:
            results.append(json.loads(line))
        except ValueError:
            results.append({"ok": False, "unparsed": line})
    return results, p.returncode, p.stderr.decode(errors="replace"), took


def sigv4_check(rec, secret, base_url, s3=False):
    """Recomputes the SigV4 signature of a recorded request with botocore (as moto does);
    returns None when it matches, else a description of the problem."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = rec["headers"].get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no SigV4 Authorization header"
    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date, region, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    headers = {k: v for k, v in rec["header_list"] if k.lower() in signed}
    req = AWSRequest(method=rec["method"], url=base_url + rec["path"],
                     data=rec["body"] or None, headers=headers)
    req.context["timestamp"] = rec["headers"].get("X-Amz-Date", "")
    creds = Credentials(akid, secret, rec["headers"].get("X-Amz-Security-Token"))
    signer = (S3SigV4Auth if s3 else SigV4Auth)(creds, service, region)
    want = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
    if want != fields["Signature"]:
        return "signature %s, botocore computes %s" % (fields["Signature"], want)
    return None


def free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


if __name__ == "__main__":
    steps = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else []
    srv = FaultServer(steps)
    print(srv.port, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        for r in srv.requests:
            print(r["method"], r["path"], r["headers"].get("amz-sdk-request"))
        srv.stop()
