#!/usr/bin/env python3
"""Security test of account changes: a password change (and, where the auth backend has one, a
password reset) ends every other session and API token of the account, while the browser that
changed it gets a new session id and stays logged in; sign-up attempts are throttled per client
address (Auth.Throttle.SignupPerAddress, behind Server.TrustedProxies like the log-in throttle)
with a 429 and Retry-After on the form (what was typed kept, never the password) and the API.
Only HTTP is used, so t/web_dynamodb.t and t/web_cognito.t run it unchanged on DynamoDB and
Cognito."""
import json
import os
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

t = TAP()
PW, PW2, PW3 = "tacos al pastor", "chiles en nogada", "enchiladas suizas"
servers = []


def start(env=None):
    s = Server(env=env)
    servers.append(s)
    return s


def set_cookies(r):
    return {v.split("=", 1)[0]: v for k, v in r.getheaders() if k.lower() == "set-cookie"}


def signup_form(name, password=PW):
    return {"username": name, "email": name + "@example.com", "password": password,
            "password2": password, "display_name": name.capitalize()}


def signup(s, name):
    c = Client(s)
    r = c.post("/signup", signup_form(name), csrf_from="/signup")
    assert r.status == 303, (name, r.status, r.text[:300])
    return c


def login(c, user, password):
    return c.post("/login", {"username": user, "password": password}, csrf_from="/login")


def logged_in(c):
    return 'action="/logout"' in c.get("/").text


def api(c, method, path, body=None, token=None, headers=None):
    h = dict(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = "Bearer " + token
    r = c.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                  headers=h)
    try:
        r.json = json.loads(r.text) if r.text else None
    except ValueError:
        r.json = None
    return r


def api_token(s, user, password):
    r = api(Client(s), "POST", "/api/v1/login", {"username": user, "password": password})
    assert r.status == 200, (r.status, r.text[:300])
    return r.json["token"]


def token_works(s, token):
    return api(Client(s), "GET", "/api/v1/me", token=token).status == 200


def session_gone(c):
    """The browser's session is over: the anonymous view, and a login page for /feed."""
    r = c.get("/feed")
    return (r.status == 303 and (r.getheader("Location") or "").startswith("/login")
            and not logged_in(c))


try:
    srv = start()

    # ---- a password change ends the account's other sessions and API tokens ----
    a = signup(srv, "ana")  # browser A
    b = Client(srv)  # browser B, logged in elsewhere
    r = login(b, "ana", PW)
    t.ok(r.status == 303 and logged_in(b), "ana is logged in in a second browser", r.status)
    tok = api_token(srv, "ana", PW)
    t.ok(token_works(srv, tok), "and has an API token")
    bob = signup(srv, "bob")

    r = a.post("/account/password", {"old_password": "not my password", "password": PW2,
                                      "password2": PW2})
    t.ok(r.status == 401 and logged_in(a) and logged_in(b) and token_works(srv, tok),
         "a refused password change (wrong current password) ends nothing", r.status)

    before = a.cookies["fc_session"]
    r = a.post("/account/password", {"old_password": PW, "password": PW2, "password2": PW2})
    after = a.cookies.get("fc_session")
    t.ok(r.status == 303 and "fc_session" in set_cookies(r) and after and after != before,
         "the password change gives the browser that made it a new session id",
         (r.status, set_cookies(r)))
    t.ok("Your password is changed" in a.get(r.getheader("Location") or "/").text
         and logged_in(a) and a.get("/feed").status == 200, "... and it stays logged in")
    old = Client(srv)
    old.cookies["fc_session"] = before
    t.ok(session_gone(old), "its previous session id no longer works")
    t.ok(session_gone(b), "the other browser's session is over (sent to log in)")
    r = api(Client(srv), "GET", "/api/v1/me", token=tok)
    t.ok(r.status == 401 and r.json and r.json["error"]["code"] == "invalid_token",
         "the API token made before the change gets 401 invalid_token", (r.status, r.text[:200]))
    t.ok(logged_in(bob), "another account's session is untouched")
    t.ok(login(Client(srv), "ana", PW).status == 401, "the old password no longer logs in")
    c = Client(srv)
    t.ok(login(c, "ana", PW2).status == 303 and logged_in(c), "the new one does")
    t.ok(token_works(srv, api_token(srv, "ana", PW2)), "a token made after the change works")

    # ---- a password reset does the same (Cognito: /forgot with the e-mailed code) ----
    if srv.cognito:
        b2 = Client(srv)
        login(b2, "ana", PW2)
        tok2 = api_token(srv, "ana", PW2)
        f = Client(srv)
        f.post("/forgot", {"username": "ana"})
        code = srv.cognito.code(srv.pool, "ana")
        r = f.post("/forgot/reset", {"username": "ana", "code": code, "password": PW3,
                                     "password2": PW3}, csrf_from="/forgot")
        t.ok(r.status == 303, "password reset with the e-mailed code", (r.status, r.text[:300]))
        t.ok(session_gone(a) and session_gone(b2) and session_gone(c),
             "a password reset ends every session of the account")
        r = api(Client(srv), "GET", "/api/v1/me", token=tok2)
        t.ok(r.status == 401, "and its API tokens", r.status)
        t.ok(logged_in(bob), "another account's session is untouched by the reset")
    else:
        # local accounts: an administrator's one-time reset link (t/reset.t covers the rest)
        b2 = Client(srv)
        login(b2, "ana", PW2)
        tok2 = api_token(srv, "ana", PW2)
        adm = Client(srv)
        adm.post("/signup", {"username": "root", "email": "root@example.com", "password": PW,
                             "password2": PW, "display_name": "Root"}, csrf_from="/signup")
        srv.run_cli("user", "make-admin", "root")
        r = adm.post("/admin/users/ana/reset-link", {}, csrf_from="/admin/users/ana")
        m = re.search(r"reset\?token=([0-9a-f]{64})", r.text)
        f = Client(srv)
        r = f.post("/reset", {"token": m.group(1) if m else "", "password": PW3, "password2": PW3},
                   csrf_from="/login")
        t.ok(r.status == 303, "password reset with an admin's link", (r.status, r.text[:300]))
        t.ok(session_gone(a) and session_gone(b2) and session_gone(c),
             "a password reset ends every session of the account")
        r = api(Client(srv), "GET", "/api/v1/me", token=tok2)
        t.ok(r.status == 401, "and its API tokens", r.status)
        t.ok(logged_in(bob), "another account's session is untouched by the reset")

    # ---- sign-up throttle per client address ----
    thr = start({"FORKCAST_AUTH_THROTTLE_SIGNUPPERADDRESS": "3",
                 "FORKCAST_SERVER_TRUSTEDPROXIES": "127.0.0.1"})

    def web_signup(addr, form):
        c = Client(thr)
        form = dict(form, csrf=c.csrf("/signup"))
        h = {"X-Forwarded-For": addr} if addr else {}
        return c.request("POST", "/signup", form=form, headers=h)

    def api_signup(addr, body):
        h = {"X-Forwarded-For": addr} if addr else {}
        return api(Client(thr), "POST", "/api/v1/signup", body, headers=h)

    X = "203.0.113.1"
    r = web_signup(X, signup_form("cyra"))
    t.ok(r.status == 303, "sign-up 1 of 3 from one address: account made", r.status)
    r = web_signup(X, signup_form("cyra"))
    t.ok(r.status == 409 and "That username is taken" in r.text,
         "sign-up 2 of 3: the name is taken (409)", r.status)
    r = api_signup(X, {"username": "dee", "email": "dee@example.com", "password": PW})
    t.ok(r.status in (201, 202), "sign-up 3 of 3, through the API: the count is shared", r.status)
    form = dict(signup_form("eve", "secret password 42"), display_name="Eve <3 & co")
    r = web_signup(X, form)
    t.ok(r.status == 429 and (r.getheader("Retry-After") or "").isdigit()
         and int(r.getheader("Retry-After")) > 0 and "Too many sign-ups" in r.text,
         "the 4th sign-up from the address: 429, Retry-After and a clear message",
         (r.status, r.getheader("Retry-After"), r.text[:600]))
    t.ok('action="/signup"' in r.text and 'value="eve"' in r.text
         and 'value="eve@example.com"' in r.text and 'value="Eve &lt;3 &amp; co"' in r.text
         and "secret password 42" not in r.text,
         "the 429 page is the form with what was typed (escaped), never the password")
    t.ok(Client(thr).get("/u/eve").status == 404, "no account was made")
    r = api_signup(X, {"username": "fay", "email": "fay@example.com", "password": PW})
    t.ok(r.status == 429 and (r.getheader("Retry-After") or "").isdigit() and r.json
         and r.json["error"]["code"] == "throttled" and "Too many sign-ups" in r.json["error"]["message"],
         "the API too: 429 throttled with Retry-After", (r.status, r.text[:300]))
    r = web_signup("198.51.100.7, " + X, signup_form("gus"))
    t.ok(r.status == 429, "an address the client prepends itself to X-Forwarded-For changes "
         "nothing", r.status)
    r = web_signup("203.0.113.2", signup_form("ivy"))
    t.ok(r.status == 303, "another client behind the trusted proxy still signs up", r.status)
    r = web_signup(None, signup_form("hal"))
    t.ok(r.status == 303, "and the proxy's own address has its own count", r.status)
    r = login(Client(thr), "cyra", PW)
    t.ok(r.status == 303, "log-in is not affected by the sign-up throttle", r.status)

    # the default is there and bounds what one address can try
    env = {k: v for k, v in srv.env.items() if k != "FORKCAST_AUTH_THROTTLE_SIGNUPPERADDRESS"}
    v = subprocess.run(srv.wrapper + [srv.cli, "config", "Auth.Throttle.SignupPerAddress"],
                       env=env, capture_output=True, text=True).stdout.strip()
    t.ok(v.isdigit() and 0 < int(v) <= 50, "Auth.Throttle.SignupPerAddress has a default (%s)" % v)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    for s in servers:
        reports = s.stop()
        t.ok(not reports, "no sanitizer reports from the FastCGI processes (%s)" % s.dir,
             "\n".join(reports)[:3000])
        s.cleanup()
t.done()
