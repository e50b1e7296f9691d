"""cognito: cognito-local 5.3.0 (node_modules/.bin/cognito-local, pinned in package.json) on a
free loopback port, behind a small shim that makes it answer like Amazon Cognito where it
does not, plus boto3 helpers to create pools, clients and groups and to read the codes.

What cognito-local 5.3.0 does (checked in node_modules/cognito-local/lib): it signs ID and
access tokens RS256 with a fixed key (kid "CognitoLocal") and serves that key at
/<pool>/.well-known/jwks.json; iss is http://HOST:PORT/<pool>; token lifetimes follow the app
client (TokenValidityUnits may be "seconds"); refresh tokens are stored per user and
RevokeToken removes them; confirmation and reset codes are kept in its data file
(.cognito/db/<pool>.json under its working folder) and printed to its log only when the pool
has AutoVerifiedAttributes.

Where it differs from Cognito, the shim (a thread of the test process, in front of it) does
what Cognito does:
  * SECRET_HASH is checked for app clients with a secret (cognito-local ignores it):
    SecretHash on SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
    ConfirmForgotPassword; AuthParameters.SECRET_HASH on InitiateAuth (with USERNAME, or the
    refresh token's cognito:username for REFRESH_TOKEN_AUTH); ClientSecret on RevokeToken.
    A missing or wrong one: NotAuthorizedException "Unable to verify secret hash for client".
  * the pool's password policy (MinimumLength, RequireNumbers...) on SignUp,
    ConfirmForgotPassword and ChangePassword: InvalidPasswordException "Password did not
    conform with policy: ..." (cognito-local stores the policy but never checks it);
  * a wrong password at InitiateAuth or ChangePassword is NotAuthorizedException "Incorrect
    username or password." (cognito-local says InvalidPasswordException);
  * ResendConfirmationCode, which cognito-local lacks: the user's current code is "sent"
    again (Cognito would make a new one), UserNotFoundException and "User is already
    confirmed." as Cognito answers them;
  * scripted faults: fault(target, code) makes the next calls of an operation fail
    (TooManyRequestsException, LimitExceededException... that an emulator never sends);
  * forged tokens: forge_next("IdToken", {"cognito:groups": ["admin"]}) alters the payload of
    a token in the next InitiateAuth answer, keeping its signature (an attacker's edit);
  * auto_confirm(pool): what a pre-sign-up Lambda trigger answering autoConfirmUser = true
    does: SignUp confirms the user at once and answers UserConfirmed: true (used to run the
    web suites with Auth.Backend = cognito; t/lib/fcserver.py).
Every call through the shim is recorded (target and JSON body) for the tests to inspect, and
so is every GET (forkcast's key set fetches, when Auth.Cognito.JwksUrl points at the shim)."""
import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import ports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "node_modules", ".bin", "cognito-local")
PREFIX = "AWSCognitoIdentityProviderService."


def available():
    """None when cognito-local, node and boto3 are there, else the reason."""
    if not os.path.exists(BIN):
        return "node_modules/.bin/cognito-local missing (npm ci)"
    if not shutil.which("node"):
        return "node not installed"
    try:
        import boto3  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


def free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


def secret_hash(secret, username, client_id):
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def jwt_claims(token):
    """The payload of a JWT, unverified (the shim reads cognito-local's own tokens)."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _error(code, message):
    return 400, {"__type": code, "message": message}


def _policy_problem(policy, password):
    if len(password) < policy.get("MinimumLength", 8):
        return "Password not long enough"
    if policy.get("RequireNumbers") and not any(c.isdigit() for c in password):
        return "Password must have numeric characters"
    if policy.get("RequireUppercase") and not any(c.isupper() for c in password):
        return "Password must have uppercase characters"
    if policy.get("RequireLowercase") and not any(c.islower() for c in password):
        return "Password must have lowercase characters"
    if policy.get("RequireSymbols") and all(c.isalnum() for c in password):
        return "Password must have symbol characters"
    return None


class _Shim(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, body, ctype="application/x-amz-json-1.1"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "shim-%d" % time.time_ns())
        self.end_headers()
        self.wfile.write(data)

    def _forward(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.server.cl.backend_port, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type", "application/json")
        c.close()
        return r.status, data, ctype

    def do_GET(self):
        cl = self.server.cl
        with cl.lock:
            cl.gets.append(self.path)
            fixed = cl.static.get(self.path)
        if fixed is not None:
            return self._send(200, fixed, "application/json")
        status, data, ctype = self._forward("GET", self.path)
        self._send(status, data, ctype)

    def do_POST(self):
        cl = self.server.cl
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        target = (self.headers.get("X-Amz-Target") or "").replace(PREFIX, "")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        with cl.lock:
            cl.calls.append((target, body, dict(self.headers)))
            fault = None
            for f in cl.faults:
                if f["target"] == target and f["times"] > 0:
                    f["times"] -= 1
                    fault = f
                    break
        if fault:
            return self._send(fault["status"], {"__type": fault["code"], "message": fault["message"]})
        answer = cl.check(target, body)
        if answer:
            return self._send(*answer)
        if target == "ResendConfirmationCode":
            return self._send(*cl.resend(body))
        status, data, ctype = self._forward(
            "POST", "/", raw, {"Content-Type": self.headers.get("Content-Type", ""),
                               "X-Amz-Target": self.headers.get("X-Amz-Target", "")})
        if status == 200 and target == "InitiateAuth":
            data = cl.forge(data)
        if status == 200 and target == "SignUp" and cl.pools.get(body.get("ClientId")) in cl.confirming:
            data = cl.confirm_at_once(cl.pools[body["ClientId"]], body.get("Username", ""), data)
        if status == 400 and target in ("InitiateAuth", "ChangePassword"):
            try:
                err = json.loads(data)
            except ValueError:
                err = {}
            if err.get("__type") == "InvalidPasswordException":  # a wrong password
                return self._send(*_error("NotAuthorizedException", "Incorrect username or password."))
        self._send(status, data, ctype)


class CognitoLocal:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fc-cognito-")
        os.makedirs(os.path.join(self.dir, ".cognito"))
        # pools without UsernameAttributes: sign-in by username (cognito-local's default is email)
        with open(os.path.join(self.dir, ".cognito", "config.json"), "w") as f:
            json.dump({"UserPoolDefaults": {"UsernameAttributes": []}}, f)
        self.backend_port = free_port()
        self.backend = "http://127.0.0.1:%d" % self.backend_port
        self.log = open(os.path.join(self.dir, "cognito-local.log"), "w")
        env = dict(os.environ, HOST="127.0.0.1", PORT=str(self.backend_port))
        self.proc = subprocess.Popen([BIN], cwd=self.dir, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.lock = threading.Lock()
        self.calls, self.gets, self.faults, self.forgeries = [], [], [], []
        self.secrets, self.pools, self.policies, self.static = {}, {}, {}, {}
        self.confirming = set()
        self._wait()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Shim)
        self.httpd.daemon_threads = True
        self.httpd.cl = self
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        import boto3
        self.idp = boto3.client("cognito-idp", endpoint_url=self.backend, region_name="us-east-1",
                                aws_access_key_id="local", aws_secret_access_key="local")

    def _wait(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("cognito-local exited: %s" % self.logtext())
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.backend_port, timeout=2)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("cognito-local did not start: %s" % self.logtext())

    def logtext(self):
        try:
            with open(os.path.join(self.dir, "cognito-local.log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    # ---- set-up -------------------------------------------------------------------------

    def create_pool(self, name, policy):
        pool = self.idp.create_user_pool(
            PoolName=name, AutoVerifiedAttributes=["email"],
            Policies={"PasswordPolicy": policy})["UserPool"]["Id"]
        self.policies[pool] = policy
        return pool

    def create_client(self, pool, secret=False, access_seconds=None):
        kw = {}
        if access_seconds:
            kw = {"AccessTokenValidity": access_seconds,
                  "TokenValidityUnits": {"AccessToken": "seconds", "IdToken": "hours",
                                         "RefreshToken": "days"}}
        c = self.idp.create_user_pool_client(
            UserPoolId=pool, ClientName="forkcast", GenerateSecret=secret,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            **kw)["UserPoolClient"]
        self.pools[c["ClientId"]] = pool
        if secret:
            self.secrets[c["ClientId"]] = c["ClientSecret"]
        return c["ClientId"], c.get("ClientSecret")

    def auto_confirm(self, pool):
        """SignUp in pool confirms at once, as with a pre-sign-up trigger's autoConfirmUser."""
        self.confirming.add(pool)

    def confirm_at_once(self, pool, username, data):
        self.idp.admin_confirm_sign_up(UserPoolId=pool, Username=username)
        answer = json.loads(data)
        answer["UserConfirmed"] = True
        return json.dumps(answer).encode()

    def provision(self, pool, username, email, password):
        """A confirmed user with a verified e-mail and a permanent password (an administrator's
        AdminCreateUser + AdminSetUserPassword, as when moving existing accounts to a pool)."""
        self.idp.admin_create_user(
            UserPoolId=pool, Username=username, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email},
                            {"Name": "email_verified", "Value": "true"}])
        self.idp.admin_set_user_password(UserPoolId=pool, Username=username, Password=password,
                                         Permanent=True)

    def issuer(self, pool):
        return "%s/%s" % (self.backend, pool)

    def user(self, pool, username):
        """The user record in cognito-local's data file (codes, status, refresh tokens)."""
        with open(os.path.join(self.dir, ".cognito", "db", pool + ".json")) as f:
            return json.load(f)["Users"].get(username)

    def code(self, pool, username):
        u = self.user(pool, username)
        return u and u.get("ConfirmationCode")

    # ---- the shim's control -------------------------------------------------------------

    def fault(self, target, code, message="Rate exceeded", times=1, status=400):
        with self.lock:
            self.faults.append({"target": target, "code": code, "message": message,
                                "times": times, "status": status})

    def serve(self, path, body):
        """Makes the shim answer GET path itself with body (a JSON-able value)."""
        with self.lock:
            self.static[path] = json.dumps(body).encode()

    def forge_next(self, token, claims):
        """Makes the next InitiateAuth answer carry a forged token ("IdToken" or
        "AccessToken"): claims merged into its payload, header and signature kept."""
        with self.lock:
            self.forgeries.append((token, claims))

    def forge(self, data):
        with self.lock:
            if not self.forgeries:
                return data
            token, claims = self.forgeries.pop(0)
        answer = json.loads(data)
        res = answer.get("AuthenticationResult", {})
        if token in res:
            h, p, sig = res[token].split(".")
            payload = dict(jwt_claims(res[token]), **claims)
            p = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
            res[token] = "%s.%s.%s" % (h, p, sig)
        return json.dumps(answer).encode()

    def clear_faults(self):
        with self.lock:
            self.faults = []

    def calls_of(self, target):
        with self.lock:
            return [(b, h) for t, b, h in self.calls if t == target]

    # ---- what the shim adds -------------------------------------------------------------

    def check(self, target, body):
        """An error answer where Cognito would refuse (secret hash, password policy), else None."""
        cid = body.get("ClientId", "")
        secret = self.secrets.get(cid)
        bad_hash = _error("NotAuthorizedException", "Unable to verify secret hash for client %s" % cid)
        if secret:
            if target in ("SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
                          "ConfirmForgotPassword"):
                if body.get("SecretHash") != secret_hash(secret, body.get("Username", ""), cid):
                    return bad_hash
            elif target == "InitiateAuth":
                p = body.get("AuthParameters", {})
                user = p.get("USERNAME", "")
                if body.get("AuthFlow") == "REFRESH_TOKEN_AUTH":
                    try:
                        user = jwt_claims(p.get("REFRESH_TOKEN", ""))["cognito:username"]
                    except (ValueError, KeyError, IndexError):
                        return _error("NotAuthorizedException", "Invalid Refresh Token")
                if p.get("SECRET_HASH") != secret_hash(secret, user, cid):
                    return bad_hash
            elif target == "RevokeToken" and body.get("ClientSecret") != secret:
                return _error("NotAuthorizedException", "Client secret is wrong")
        pw = {"SignUp": "Password", "ConfirmForgotPassword": "Password",
              "ChangePassword": "ProposedPassword"}.get(target)
        if pw:
            pool = self.pools.get(cid)
            if target == "ChangePassword":
                try:
                    pool = self.pools.get(jwt_claims(body.get("AccessToken", ""))["client_id"])
                except (ValueError, KeyError, IndexError):
                    pool = None
            problem = _policy_problem(self.policies.get(pool, {}), body.get(pw, ""))
            if problem:
                return _error("InvalidPasswordException",
                              "Password did not conform with policy: " + problem)
        return None

    def resend(self, body):
        pool = self.pools.get(body.get("ClientId", ""))
        u = self.user(pool, body.get("Username", "")) if pool else None
        if not u:
            return _error("UserNotFoundException", "Username/client id combination not found.")
        if u.get("UserStatus") != "UNCONFIRMED":
            return _error("InvalidParameterException", "User is already confirmed.")
        email = next((a["Value"] for a in u["Attributes"] if a["Name"] == "email"), "")
        masked = email[0] + "***@" + email.split("@")[1][0] + "***" if "@" in email else ""
        return 200, {"CodeDeliveryDetails": {"Destination": masked, "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}}

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
