"""s3rver: starts the S3 emulator s3rver (npm, pinned in package.json) on a free loopback port
with a throw-away data folder, for the backup tests and tools/bench-backup.sh.

    from s3rver import S3rver
    s3 = S3rver()                      # s3.url, s3.dir, s3.env() for forkcast and the aws CLI
    ...
    s3.stop()

s3rver accepts any signature from the access key S3RVER (secret S3RVER). Its ListObjectsV2
continuation tokens use DES, which Node 17+ only has with the OpenSSL legacy provider: it is
started with --openssl-legacy-provider (else every truncated listing answers 500).

Standalone: python3 t/lib/s3rver.py [DIR]  (prints the URL, serves until killed)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import ports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "node_modules", ".bin", "s3rver")
ACCESS_KEY = "S3RVER"


def s3rver_available():
    """None when s3rver and node are installed, else the reason."""
    if not os.path.exists(BIN):
        return "node_modules/.bin/s3rver missing (run npm ci)"
    if not shutil.which("node"):
        return "node not on the PATH"
    return None


def free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


class S3rver:
    def __init__(self, directory=None, port=None):
        self.own_dir = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="fc-s3rver-")
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(tempfile.gettempdir(), "fc-s3rver-%d.log" % self.port), "w")
        env = dict(os.environ)
        opts = env.get("NODE_OPTIONS", "")
        if "--openssl-legacy-provider" not in opts:
            env["NODE_OPTIONS"] = (opts + " --openssl-legacy-provider").strip()
        self.proc = subprocess.Popen(
            [BIN, "-d", self.dir, "-a", "127.0.0.1", "-p", str(self.port), "--silent"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("s3rver exited: %s" % self.logtext())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError("s3rver did not start: %s" % self.logtext())
                time.sleep(0.1)

    def env(self, extra=None):
        """Environment for forkcast and the aws CLI pointed at this s3rver (and nothing else:
        other AWS_* variables are dropped)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": ACCESS_KEY,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_S3": self.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            # botocore >= 1.36 would send aws-chunked bodies with CRC trailers, which s3rver
            # stores verbatim; ask for checksums only where S3 requires them.
            "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
            "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
        })
        if extra:
            env.update(extra)
        return env

    def object_path(self, bucket, key):
        """Where s3rver keeps the content of bucket/key on disk."""
        d, _, name = key.rpartition("/")
        return os.path.join(self.dir, bucket, d, name + "._S3rver_object")

    def objects(self, bucket, prefix=""):
        """{key: content path} of every object under prefix, read from s3rver's folder."""
        out = {}
        base = os.path.join(self.dir, bucket)
        suffix = "._S3rver_object"
        for root, _, files in os.walk(base):
            for f in files:
                if f.endswith(suffix):
                    rel = os.path.relpath(os.path.join(root, f[:-len(suffix)]), base)
                    if rel.startswith(prefix):
                        out[rel] = os.path.join(root, f)
        return out

    def logtext(self):
        try:
            with open(self.log.name, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def body_check(headers, body):
    """How a request body is protected: "sha256" when x-amz-checksum-sha256 is the base64
    SHA-256 of the body and x-amz-content-sha256 its hex SHA-256 (or UNSIGNED-PAYLOAD),
    "md5" for a matching Content-MD5, "none" without either, "bad" when one does not match."""
    import base64
    import hashlib
    sha = hashlib.sha256(body)
    kinds = []
    c = headers.get("x-amz-checksum-sha256")
    if c is not None:
        kinds.append("sha256" if c == base64.b64encode(sha.digest()).decode() else "bad")
    m = headers.get("Content-MD5")
    if m is not None:
        kinds.append("md5" if m == base64.b64encode(hashlib.md5(body).digest()).decode()
                     else "bad")
    p = headers.get("x-amz-content-sha256")
    if p not in (None, "UNSIGNED-PAYLOAD", sha.hexdigest()):
        kinds.append("bad")
    if "bad" in kinds:
        return "bad"
    return kinds[0] if kinds else "none"


class Proxy:
    """A loopback HTTP proxy in front of s3rver that records every request (method, path with
    query) and can play a dying network: once `drop_after` requests matching `drop_match` (a
    substring of "METHOD path?query", or None for any) have been answered, every later request
    (with drop_all=False: every later matching request) is read and its connection closed
    without an answer. Point forkcast at proxy.url."""

    def __init__(self, upstream_port, drop_after=None, drop_match=None, drop_all=True):
        import http.server
        import threading
        self.upstream_port = upstream_port
        self.drop_after = drop_after
        self.drop_match = drop_match
        self.drop_all = drop_all
        self.log = []
        self.integrity = []  # (method, path, "sha256" | "md5" | "none" | "bad") of bodies sent
        self.dropped = 0
        self.matched = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def handle_one(self):
                import http.client
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                line = "%s %s" % (self.command, self.path)
                if self.command in ("PUT", "POST"):
                    with proxy.lock:
                        proxy.integrity.append((self.command, self.path,
                                                body_check(self.headers, body)))
                with proxy.lock:
                    drop = proxy.drop_after is not None and proxy.matched >= proxy.drop_after and (
                        proxy.drop_all or proxy.drop_match is None or proxy.drop_match in line)
                    if drop:
                        proxy.dropped += 1
                if drop:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                c = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "keep-alive")}
                c.request(self.command, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                with proxy.lock:
                    proxy.log.append((self.command, self.path, r.status))
                    if proxy.drop_match is None or proxy.drop_match in line:
                        proxy.matched += 1
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length",
                                         "keep-alive"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                c.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # clients killed midway (SIGKILL tests) reset their connections

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self, drop_after=None, drop_match=None, drop_all=True):
        with self.lock:
            self.log = []
            self.integrity = []
            self.dropped = 0
            self.matched = 0
            self.drop_after = drop_after
            self.drop_match = drop_match
            self.drop_all = drop_all

    def requests(self, method=None, contains=None):
        with self.lock:
            return [(m, p, s) for (m, p, s) in self.log
                    if (method is None or m == method) and (contains is None or contains in p)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    import signal

    def bye(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    s = S3rver(sys.argv[1] if len(sys.argv) > 1 else None)
    print(s.url, flush=True)
    try:
        while s.proc.poll() is None:  # not proc.wait(): stop() waits too (one lock)
            time.sleep(0.2)
    finally:
        s.stop()
