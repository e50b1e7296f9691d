"""Test harness: starts the real lighttpd + forkcast FastCGI (ASan build) on a free loopback
port with a throw-away data folder, and a tiny HTTP client that keeps cookies."""
import fcntl
import glob
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import ports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


def _digest(h, path):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            h.update(name.encode() + b"\0")
            _digest(h, os.path.join(path, name))
    elif os.path.exists(path):
        st = os.stat(path)
        h.update(b"%d %d\0" % (st.st_size, st.st_mtime_ns))


def demo_key(cli, env):
    """What the demo import's result depends on: the CLI binary, the configuration file,
    the migrations and the data set (size and time of each file), and the settings it reads
    (Store.*, Demo.*, Auth.*: the password hashes, Sql.Dir, Root), not the per-server paths."""
    h = hashlib.sha256()
    for p in (cli, env.get("FORKCAST_CONFIG", ""), os.path.join(ROOT, "sql"),
              os.path.join(ROOT, "data")):
        h.update(p.encode() + b"\0")
        _digest(h, p)
    skip = ("FORKCAST_STORE_SQLITE_PATH", "FORKCAST_STORE_DYNAMODB_", "FORKCAST_AUTH_COGNITO_")
    for k in sorted(env):
        if (k.startswith(("FORKCAST_STORE_", "FORKCAST_DEMO_", "FORKCAST_AUTH_", "FORKCAST_SQL_",
                          "FORKCAST_ROOT")) and not k.startswith(skip)):
            h.update(("%s=%s\0" % (k, env[k])).encode())
    return h.hexdigest()[:16]


def cached(cache, name, build):
    """The path cache/name, made once per run: the first caller, holding the lock, runs
    build(tmp) in a fresh folder under cache, which returns the path it made there; that path
    is renamed to cache/name (whole, or not at all) and the folder removed. The others wait
    on the lock and find it."""
    dst = os.path.join(cache, name)
    with open(dst + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(dst):
            tmp = tempfile.mkdtemp(prefix=name.split("-")[0] + "-", dir=cache)
            os.rename(build(tmp), dst)
            shutil.rmtree(tmp, ignore_errors=True)
    return dst


# Servers alive in this process (t/lib/sqlite_mirror.py finds the one whose database it is).
LIVE = []


class Server:
    def __init__(self, demo=False, env=None, build="build/asan", store=None, auth=None,
                 dynalite=None):
        self.dir = tempfile.mkdtemp(prefix="fc-it-")
        self.port = free_port()
        self.env = dict(os.environ)
        # t/valgrind.t: FORKCAST_TEST_BUILD replaces the build folder and FORKCAST_TEST_WRAPPER
        # (t/tools/vg-wrap.sh) goes before the FastCGI program and the CLI
        build = os.environ.get("FORKCAST_TEST_BUILD") or build
        self.wrapper = os.environ.get("FORKCAST_TEST_WRAPPER", "").split()
        # store="dynamodb" (or FORKCAST_TEST_STORE=dynamodb): the DynamoDB backend on a dynalite
        # of its own (t/lib/dynalite.py); the demo data goes through SQLite and
        # `forkcast dynamodb copy` (FORKCAST_TEST_DYNAMODB_IMPORT=direct: import-uci into it)
        self.store = store or os.environ.get("FORKCAST_TEST_STORE") or "sqlite"
        self.dynalite = None
        # dynalite=D: a second app host of the site another Server made on D (its tables and
        # data are there already; D is stopped by that Server)
        self.shared_dynalite = dynalite is not None
        if dynalite is not None:
            self.store = "dynamodb"
        # auth="cognito" (or FORKCAST_TEST_AUTH=cognito): Auth.Backend = cognito against a
        # cognito-local of its own (t/lib/cognito.py) whose pool confirms sign-ups at once; with
        # demo data, the first demo users exist in the pool with their demo password
        self.auth = auth or os.environ.get("FORKCAST_TEST_AUTH") or "local"
        self.cognito = None
        self.env.update({
            "FORKCAST_CONFIG": os.path.join(ROOT, "conf/forkcast.hdf"),
            "FORKCAST_DATA_DIR": self.dir,
            "FORKCAST_STORE_SQLITE_PATH": os.path.join(self.dir, "forkcast.db"),
            "FORKCAST_SERVER_PORT": str(self.port),
            "FORKCAST_SERVER_FCGIBIN": " ".join(self.wrapper +
                                                [os.path.join(ROOT, build, "forkcast.fcgi")]),
            "FORKCAST_AUTH_SCRYPT_LOGN": "10",
            # the suites sign many users up from 127.0.0.1: the sign-up throttle
            # (Auth.Throttle.SignupPerAddress) is tested where a test sets it lower
            "FORKCAST_AUTH_THROTTLE_SIGNUPPERADDRESS": "1000000",
            "FORKCAST_LOG_ACCESS": os.path.join(self.dir, "access.log"),
            "ASAN_OPTIONS": "log_path=%s/asan:detect_leaks=1" % self.dir,
            "UBSAN_OPTIONS": "log_path=%s/ubsan:print_stacktrace=1" % self.dir,
        })
        if self.shared_dynalite:
            self.dynalite = dynalite
            self.env.update(self.dynalite.env("forkcast"))
            self.env["FORKCAST_STORE_BACKEND"] = "dynamodb"
        elif self.store == "dynamodb":
            # started below, once the test's env is known: the demo table may come from the
            # run's cache (_demo_dynalite)
            self.env["FORKCAST_STORE_BACKEND"] = "dynamodb"
        if self.auth == "cognito":
            self._start_cognito()
        if env:
            self.env.update(env)
        self.cli = os.path.join(ROOT, build, "forkcast")
        LIVE.append(self)
        if self.shared_dynalite:
            pass
        elif self.store == "dynamodb":
            from dynalite import Dynalite
            direct = os.environ.get("FORKCAST_TEST_DYNAMODB_IMPORT") == "direct"
            cached = demo and not direct and self._demo_dynalite(env or {})
            self.dynalite = Dynalite(log=os.path.join(self.dir, "dynalite.log"), path=cached)
            # the test's own env still wins over the dynalite's (a fault proxy, a table name)
            self.env.update(self.dynalite.env("forkcast"))
            self.env.update(env or {})
            try:
                if demo and not direct:
                    self._demo_db()  # the SQLite file too (t/lib/sqlite_mirror.py, copies)
                if cached:
                    pass
                elif demo and direct:
                    self.run_cli("dynamodb", "create-tables")
                    self.run_cli("import-uci")
                elif demo:
                    self.run_cli("dynamodb", "create-tables")
                    self.run_cli("dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb")
                else:
                    self.run_cli("dynamodb", "create-tables")
            except Exception:
                self.dynalite.stop()
                raise
        else:
            if demo:
                self._demo_db()
            else:
                self.run_cli("migrate")
        if self.cognito and demo:
            for i in range(1001, 1011):
                self.cognito.provision(self.pool, "u%d" % i, "u%d@demo.forkcast.test" % i,
                                       "forkcast-demo")
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        conf = os.path.join(self.dir, "run", "lighttpd.conf")
        with open(conf, "w") as f:
            f.write(self.run_cli("lighttpd-conf"))
        self.out = open(os.path.join(self.dir, "run", "lighttpd.out"), "w")
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", conf], env=self.env,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                with open(os.path.join(self.dir, "run", "lighttpd.out")) as f:
                    out = f.read()[-2000:]
                raise RuntimeError("server did not start; see %s:\n%s" % (self.dir, out))
            time.sleep(0.1)

    def _demo_db(self):
        """The demo database (migrate + import-uci on SQLite) in self.dir. t/run builds it once
        per run in FORKCAST_TEST_CACHE and each server copies it, keyed by what the import
        depends on (see demo_key); without the cache, or with a wrapper (valgrind.t checks
        the import itself), the server's own CLI builds it."""
        env = {"FORKCAST_STORE_BACKEND": "sqlite"}
        cache = os.environ.get("FORKCAST_TEST_CACHE")
        if not cache or self.wrapper:
            self.run_cli("migrate", env=env)
            self.run_cli("import-uci", env=env)
            return
        full = dict(self.env, **env)
        key = demo_key(self.cli, full)

        def build(tmp):
            path = os.path.join(tmp, "forkcast.db")
            e = dict(env, FORKCAST_DATA_DIR=tmp, FORKCAST_STORE_SQLITE_PATH=path)
            self.run_cli("migrate", env=e)
            self.run_cli("import-uci", env=e)
            if glob.glob(path + "-*"):  # a WAL left behind: the copy would miss it
                raise RuntimeError("demo database %s not checkpointed" % path)
            return path
        db = cached(cache, "demo-%s.db" % key, build)
        shutil.copyfile(db, full["FORKCAST_STORE_SQLITE_PATH"])

    def _demo_dynalite(self, env):
        """The demo table (create-tables + `dynamodb copy` of the demo database) as a dynalite
        LevelDB folder: t/run builds it once per run in FORKCAST_TEST_CACHE, keyed as the demo
        database plus the Store.DynamoDB settings, and each server starts its dynalite on a
        copy in its own folder (returned). It is made with the server's settings (env: the
        test's own, over the dynalite's) on a dynalite of its own. None without the cache or
        with a wrapper (the server's CLI then fills an in-memory dynalite itself, as
        valgrind.t checks)."""
        from dynalite import Dynalite
        cache = os.environ.get("FORKCAST_TEST_CACHE")
        # a test whose demo database is its own (a subclass's _demo_db changes it before the
        # copy: t/restaurant_size.t) neither uses nor fills the cache
        if not cache or self.wrapper or type(self)._demo_db is not Server._demo_db:
            return None
        h = hashlib.sha256(demo_key(self.cli, self.env).encode())
        for k in sorted(self.env):
            if k.startswith("FORKCAST_STORE_DYNAMODB_"):
                h.update(("%s=%s\0" % (k, self.env[k])).encode())
        key = h.hexdigest()[:16]

        def build(tmp):
            db = os.path.join(tmp, "db")
            saved = self.env
            with Dynalite(log=os.path.join(tmp, "dynalite.log"), path=db) as d:
                # as the server's env will be (a table name the test sets included), but on
                # this dynalite and with a SQLite file of the build's
                self.env = dict(saved, **d.env("forkcast"))
                self.env.update(env)
                self.env.update(d.env())
                self.env["FORKCAST_STORE_SQLITE_PATH"] = os.path.join(tmp, "forkcast.db")
                try:
                    self._demo_db()
                    self.run_cli("dynamodb", "create-tables")
                    self.run_cli("dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb")
                finally:
                    self.env = saved
            return db
        src = cached(cache, "dynalite-%s" % key, build)
        dst = os.path.join(self.dir, "dynalite-db")
        shutil.copytree(src, dst)
        return dst

    def _start_cognito(self):
        from cognito import CognitoLocal
        self.cognito = CognitoLocal()
        self.pool = self.cognito.create_pool("forkcast-it", {
            "MinimumLength": 8, "RequireNumbers": False, "RequireLowercase": False,
            "RequireUppercase": False, "RequireSymbols": False})
        self.cognito.auto_confirm(self.pool)
        cid, _ = self.cognito.create_client(self.pool)
        self.env.update({
            "FORKCAST_AUTH_BACKEND": "cognito",
            "FORKCAST_AUTH_COGNITO_USERPOOLID": self.pool,
            "FORKCAST_AUTH_COGNITO_CLIENTID": cid,
            "FORKCAST_AUTH_COGNITO_CLIENTSECRET": "",
            "FORKCAST_AUTH_COGNITO_ISSUER": self.cognito.issuer(self.pool),
            "FORKCAST_AUTH_COGNITO_JWKSURL": "%s/%s/.well-known/jwks.json" % (self.cognito.url,
                                                                          self.pool),
            "FORKCAST_AWS_ENDPOINT_COGNITOIDENTITYPROVIDER": self.cognito.url,
            "AWS_EC2_METADATA_DISABLED": "true"})

    def run_cli(self, *args, env=None):
        r = subprocess.run(self.wrapper + [self.cli] + list(args),
                           env=dict(self.env, **(env or {})), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("forkcast %s failed: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def errorlog(self):
        try:
            with open(os.path.join(self.dir, "run", "lighttpd-error.log")) as f:
                return f.read()
        except OSError:
            return ""

    def logs(self):
        """lighttpd's error log and what its processes printed (lighttpd.out)."""
        try:
            with open(os.path.join(self.dir, "run", "lighttpd.out"), errors="replace") as f:
                out = f.read()
        except OSError:
            out = ""
        return self.errorlog() + out

    def stop(self):
        """Stops lighttpd (and its FastCGI children); returns sanitizer reports, if any."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        time.sleep(0.3)
        self.out.close()
        if self.dynalite and not self.shared_dynalite:
            self.dynalite.stop()
        if self.cognito:
            self.cognito.stop()
        reports = []
        for p in glob.glob(self.dir + "/asan*") + glob.glob(self.dir + "/ubsan*"):
            with open(p) as f:
                reports.append(f.read())
        return reports

    def cleanup(self):
        if self in LIVE:
            LIVE.remove(self)
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    """One browser: keeps cookies, never follows redirects."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, form=None, body=None, headers=None):
        h = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        r.data = r.read()
        r.text = r.data.decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        c.close()
        return r

    def get(self, path):
        return self.request("GET", path)

    def csrf(self, path="/"):
        r = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
        if not m:
            raise AssertionError("no CSRF token on %s" % path)
        return m.group(1)

    def post(self, path, form, csrf_from=None):
        form = dict(form)
        if "csrf" not in form:
            form["csrf"] = self.csrf(csrf_from or path)
        return self.request("POST", path, form=form)

    def api(self, method, path, body=None):
        """One JSON API request with the client's API token (.token, as signup_with_token gives
        it; none without one) and body as JSON; the response as request gives it."""
        token = getattr(self, "token", None)
        h = {"Authorization": "Bearer " + token} if token else {}
        data = None
        if body is not None:
            data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
        return self.request(method, path, body=data, headers=h)


def signup_with_token(server, name, password):
    """A new account name (display name Name) made through the sign-up form: a Client logged in
    on the web (its cookies) with an API token of the same account (.token) and .name."""
    c = Client(server)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": password,
                           "password2": password, "display_name": name.capitalize()},
               csrf_from="/signup")
    assert r.status == 303, (name, r.status, r.text[:300])
    r = c.request("POST", "/api/v1/login",
                  body=json.dumps({"username": name, "password": password}).encode(),
                  headers={"Content-Type": "application/json"})
    c.token = json.loads(r.text)["token"]
    c.name = name
    return c


class TAP:
    """Minimal TAP producer for prove."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name))
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines()[:40]:
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


def multipart(fields, files):
    """Encodes fields {name: value} and files {name: (filename, content_type, bytes)}."""
    boundary = "----forkcastTest7d1f"
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode())
    for k, (fn, ct, data) in files.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, k, fn, ct)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary
