#!/usr/bin/env python3
"""Integration test of the JSON API (/api/v1/) through the real lighttpd + FastCGI: every curl
example of docs/api.md (status and shape as documented), bearer tokens, cookies that must not
authenticate, validation errors that name their field, ownership, privacy and blocks, feed
pagination, and JSON errors where the core would otherwise answer HTML."""
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, Client, Server, TAP  # noqa: E402

t = TAP()
srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXBODY": "65536",
                             "FORKCAST_AUTH_THROTTLE_PERACCOUNT": "3"})
BASE = "http://127.0.0.1:%d" % srv.port
PW = "tacos al pastor"


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.ctype = headers.get("content-type", "")
        try:
            self.json = json.loads(self.text) if self.ctype == "application/json" else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "%d %s %s" % (self.status, self.ctype, self.text[:600])


def call(method, path, body=None, token=None, raw=None, headers=None):
    """One request as a mobile client: JSON body, bearer token, no cookies."""
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


def is_error(r, status, code=None, field="-"):
    """The response is the JSON error shape with this status (and code and field)."""
    e = (r.json or {}).get("error") if isinstance(r.json, dict) else None
    return (r.status == status and r.ctype == "application/json" and isinstance(e, dict)
            and set(e) == {"code", "message", "field"} and isinstance(e["message"], str)
            and e["message"] != "" and (code is None or e["code"] == code)
            and (field == "-" or e["field"] == field))


def signup(name, **extra):
    body = {"username": name, "email": name + "@example.com", "password": PW,
            "display_name": name.capitalize()}
    body.update(extra)
    r = call("POST", "/api/v1/signup", body)
    assert r.status == 201, (name, r)
    return r.json["token"]


def login(name, password=PW):
    r = call("POST", "/api/v1/login", {"username": name, "password": password})
    assert r.status == 200, (name, r)
    return r.json["token"]


# ---- the examples of docs/api.md -----------------------------------------------------------

def doc_examples(path):
    """[(line, command, status, shape)] for every ```sh block with a curl command: the status
    is the next `→ NNN` line, the shape the next ```json block, both before the next sh block."""
    text = open(path).read()
    blocks = [(m.start(), m.group(1), m.group(2))
              for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.M | re.S)]
    statuses = [(m.start(), int(m.group(1))) for m in re.finditer(r"^→ `(\d{3})[^`]*`", text, re.M)]
    out = []
    for i, (pos, lang, body) in enumerate(blocks):
        if lang != "sh" or "curl " not in body:
            continue
        limit = next((b[0] for b in blocks[i + 1:] if b[1] == "sh"), len(text))
        status = next((s for p, s in statuses if pos < p < limit), None)
        shape = next((b[2] for b in blocks[i + 1:] if b[0] < limit and b[1] == "json"), None)
        out.append((text[:pos].count("\n") + 1, body, status,
                    json.loads(shape) if shape is not None else None))
    return out


def shape_diff(doc, act, where="$"):
    """Where act differs in shape from doc (same keys; same JSON types; null matches any), or
    None."""
    if doc is None or act is None:
        return None
    if isinstance(doc, dict):
        if not isinstance(act, dict):
            return "%s: object expected" % where
        if set(doc) != set(act):
            return "%s: only documented %s, only returned %s" % (
                where, sorted(set(doc) - set(act)), sorted(set(act) - set(doc)))
        for k in doc:
            d = shape_diff(doc[k], act[k], where + "." + k)
            if d:
                return d
        return None
    if isinstance(doc, list):
        if not isinstance(act, list):
            return "%s: array expected" % where
        for i, a in enumerate(act if doc else []):
            d = shape_diff(doc[0], a, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    kinds = ((bool,), (int, float), (str,))
    for k in kinds:
        if isinstance(doc, k):
            ok = isinstance(act, k) and (k == (bool,) or not isinstance(act, bool))
            return None if ok else "%s: %r is not like %r" % (where, act, doc)
    return None


def run_example(cmd, env):
    """Runs a documented command with curl writing the body and headers to files; returns
    (status, Resp)."""
    with tempfile.TemporaryDirectory() as d:
        e = dict(os.environ)
        e.update(env)
        e.update({"FC_OUT": d + "/body", "FC_HDR": d + "/headers"})
        script = ('curl() { command curl -sS -o "$FC_OUT" -D "$FC_HDR" -w "%{http_code}" "$@"; }\n'
                  + cmd)
        p = subprocess.run(["bash", "-c", script], env=e, capture_output=True, text=True,
                           timeout=60)
        headers = {}
        body = b""
        if os.path.exists(d + "/headers"):
            for line in open(d + "/headers", encoding="latin-1").read().splitlines()[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
        if os.path.exists(d + "/body"):
            body = open(d + "/body", "rb").read()
        status = int(p.stdout) if p.stdout.strip().isdigit() else 0
        return status, Resp(status, headers, body), p.stderr


try:
    # the cast of the examples: ana is the reader (she signs up in the first example), bruno
    # reviewed Kiku (restaurant 1), carmen asks ana to be friends, eve gets blocked
    tok_bruno, tok_carmen = signup("bruno"), signup("carmen")
    signup("eve")
    r = call("POST", "/api/v1/restaurants/1/reviews", {"stars": 5, "body": "Best sushi in town"},
             token=tok_bruno)
    t.ok(r.status == 201, "fixture: bruno reviews restaurant 1", r)

    def after_signup(env, resp):
        r = call("POST", "/api/v1/friends/requests", {"username": "ana"}, token=tok_carmen)
        assert r.status == 201, r

    def after_login(env, resp):
        env["TOKEN"] = (resp.json or {}).get("token", "")

    def logout_token(env):
        """the log-out example ends a token of its own"""
        env["KEPT"], env["TOKEN"] = env["TOKEN"], login("ana")
        env["LOGGED_OUT"] = env["TOKEN"]

    def after_logout(env, resp):
        env["TOKEN"] = env["KEPT"]

    def after_review(env, resp):
        env["REVIEW"] = str((resp.json or {}).get("id", ""))

    def after_comment(env, resp):
        if resp.status == 201:
            env["COMMENT"] = str((resp.json or {}).get("id", ""))

    def befriend_bruno(env):
        r = call("POST", "/api/v1/friends/requests", {"username": "ana"}, token=tok_bruno)
        assert r.status == 201, r
        r = call("POST", "/api/v1/friends/requests/bruno/accept", token=env["TOKEN"])
        assert r.status == 200, r

    # (text in the command, before, after): what the examples need done around them
    hooks = [("/api/v1/signup", None, after_signup),
             ("/api/v1/login", None, after_login),
             ("/api/v1/logout", logout_token, after_logout),
             ("-d '{\"stars\": 4", None, after_review),
             ("/comments\" -H", None, after_comment),
             ("/api/v1/friends/recommend", befriend_bruno, None)]
    photo = tempfile.NamedTemporaryFile(suffix=".jpg", delete=False)
    photo.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)
    photo.close()
    env = {"BASE": BASE, "TOKEN": "", "REVIEW": "", "COMMENT": "", "PHOTO": photo.name}
    examples = doc_examples(os.path.join(ROOT, "docs", "api.md"))
    t.ok(len(examples) >= 30, "docs/api.md has %d curl examples" % len(examples))
    for line, cmd, status, shape in examples:
        first = cmd.strip().splitlines()[0]
        for text, before, after in hooks:
            if text in cmd and before:
                before(env)
        got, resp, err = run_example(cmd, env)
        name = "docs/api.md:%d %s" % (line, re.sub(r"\s+", " ", first)[:90])
        ok = status is not None and got == status
        if ok and status != 204:
            ok = resp.ctype == "application/json" and resp.json is not None
        diff = None
        if ok and shape is not None:
            diff = shape_diff(shape, resp.json)
            if "error" in shape and not diff:
                diff = None if shape["error"]["code"] == resp.json["error"]["code"] else "code"
        if ok and status != 204 and shape is None:
            diff = "no documented JSON"
        t.ok(ok and not diff, name, "expected %s, got %s %s\n%s\n%s" % (status, got, diff, resp, err))
        for text, before, after in hooks:
            if text in cmd and after:
                after(env, resp)
    t.ok(call("GET", "/api/v1/me", token=env["LOGGED_OUT"]).status == 401,
         "the documented log-out ended its token")
    ana = env["TOKEN"]

    # ---- bearer tokens ---------------------------------------------------------------------
    r = call("GET", "/api/v1/me")
    t.ok(is_error(r, 401, "missing_token") and r.headers.get("www-authenticate", "").startswith("Bearer"),
         "no token: 401 JSON with WWW-Authenticate: Bearer", r)
    r = call("GET", "/api/v1/me", token="0" * 64)
    t.ok(is_error(r, 401, "invalid_token") and 'error="invalid_token"' in r.headers.get("www-authenticate", ""),
         "a wrong token: 401 invalid_token", r)
    r = call("GET", "/api/v1/me", token="short")
    t.ok(is_error(r, 401, "invalid_token"), "a malformed token: 401", r)
    r = call("GET", "/api/v1/me", headers={"Authorization": "Basic " + ana})
    t.ok(is_error(r, 401), "another auth scheme: 401", r)
    r = call("GET", "/api/v1/me", headers={"Authorization": "bearer " + ana})
    t.ok(r.status == 200, "the scheme is case-insensitive", r)
    r = call("POST", "/api/v1/friends/requests", {"username": "eve"})
    t.ok(is_error(r, 401, "missing_token") and "location" not in r.headers,
         "a token route answers 401 JSON, never a redirect to /login", r)
    r = call("GET", "/api/v1/restaurants/1", token="f" * 64)
    t.ok(is_error(r, 401, "invalid_token"), "a public route with a wrong token: 401, not anonymous", r)
    t.ok(call("GET", "/api/v1/restaurants/1").status == 200, "a public route without a token: 200")

    # ---- cookies do not authenticate the API -----------------------------------------------
    b = Client(srv)
    r = b.post("/login", {"username": "ana", "password": PW})
    t.ok(r.status == 303 and "fc_session" in b.cookies, "ana logs in on the web (session cookie)")
    r = b.request("GET", "/api/v1/me")
    t.ok(r.status == 401 and json.loads(r.text)["error"]["code"] == "missing_token",
         "the web session cookie alone: 401 on the API", r.status)
    r = b.request("POST", "/api/v1/friends/requests", body=b'{"username": "eve"}',
                  headers={"Content-Type": "application/json"})
    t.ok(r.status == 401, "a cookie-only POST to the API: 401", r.status)
    t.ok(call("GET", "/api/v1/friends", token=ana).json["outgoing"] == [],
         "... and it did nothing")
    b.cookies["fc_session"] = ana
    t.ok(b.request("GET", "/api/v1/me").status == 401, "even a valid API token as a cookie: 401")
    t.ok(b.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + ana}).status == 200,
         "the same request with the bearer header: 200")
    # a token works only where it was issued: the web session is no bearer token, and the
    # API token is no web session
    web = Client(srv)
    web.post("/login", {"username": "ana", "password": PW})
    r = call("GET", "/api/v1/me", token=web.cookies["fc_session"])
    t.ok(is_error(r, 401, "invalid_token"), "the web session's cookie value as a bearer token: "
         "401", r)
    t.ok('action="/logout"' in web.get("/").text, "... while it still is a web session")
    web.cookies["fc_session"] = ana
    r = web.get("/saved")
    t.ok(r.status == 303 and "/login" in r.getheader("Location", ""),
         "an API token as the web session cookie: not logged in (to the log-in page)", r.status)
    t.ok(call("GET", "/api/v1/me", token=ana).status == 200, "... and the token still works on "
         "the API")

    # ---- sign up, log in, profile round trip -----------------------------------------------
    r = call("POST", "/api/v1/signup", {"username": "zoe", "email": "zoe@example.com", "password": PW})
    t.ok(r.status == 201 and len(r.json["token"]) == 64 and r.json["token_type"] == "Bearer"
         and r.json["user"]["username"] == "zoe" and r.json["user"]["display_name"] == "zoe"
         and r.json["user"]["email"] == "zoe@example.com" and "pw_hash" not in r.text
         and not r.json["user"]["created_at"].startswith("1970"),
         "sign up: 201, a 256-bit token and the new profile", r)
    zoe = r.json["token"]
    t.ok(call("GET", "/api/v1/me", token=zoe).json["username"] == "zoe", "the sign-up token works")
    r = call("PATCH", "/api/v1/me", {"display_name": "Zoé", "bio": "<b>hi</b> & more",
                                     "city": "Cuernavaca", "price": "high",
                                     "visibility": "public", "cuisines": ["Japanese", "Bar", "Japanese"]},
             token=zoe)
    t.ok(r.status == 200 and r.json["display_name"] == "Zoé" and r.json["cuisines"] == ["Japanese", "Bar"]
         and r.json["price"] == "high", "PATCH /me saves (a repeated cuisine counts once)", r)
    r = call("PATCH", "/api/v1/me", {"city": ""}, token=zoe)
    t.ok(r.status == 200 and r.json["city"] == "" and r.json["bio"] == "<b>hi</b> & more"
         and r.json["cuisines"] == ["Japanese", "Bar"], "PATCH changes only the fields sent", r)
    r = call("GET", "/api/v1/users/zoe")
    t.ok(r.status == 200 and r.json["bio"] == "<b>hi</b> & more" and "email" not in r.json
         and r.json["relation"] is None and r.json["hidden"] is False,
         "an anonymous reader sees the profile (raw text, no e-mail)", r)
    zoe2 = login("zoe")
    t.ok(zoe2 != zoe and call("GET", "/api/v1/me", token=zoe2).json["display_name"] == "Zoé",
         "log-in gives another working token")
    t.ok(call("POST", "/api/v1/logout", token=zoe2).status == 204, "log out: 204")
    t.ok(is_error(call("GET", "/api/v1/me", token=zoe2), 401, "invalid_token"),
         "the logged-out token is refused")
    t.ok(call("GET", "/api/v1/me", token=zoe).status == 200, "the other token still works")
    r = call("POST", "/api/v1/login", {"username": "zoe", "password": "wrong password!"})
    t.ok(is_error(r, 401, "invalid_credentials"), "wrong password: 401 invalid_credentials", r)
    call("POST", "/api/v1/login", {"username": "zoe", "password": "wrong again!!"})
    call("POST", "/api/v1/login", {"username": "zoe", "password": "and again!!!"})
    r = call("POST", "/api/v1/login", {"username": "zoe", "password": PW})
    t.ok(is_error(r, 429, "throttled") and r.headers.get("retry-after", "").isdigit(),
         "log-ins are throttled like the form's: 429 with Retry-After", r)

    # ---- validation names the field ----------------------------------------------------------
    cases = [
        ("PATCH", "/api/v1/me", {"display_name": ""}, 422, "invalid_value", "display_name"),
        ("PATCH", "/api/v1/me", {"display_name": "x" * 61}, 422, "invalid_value", "display_name"),
        ("PATCH", "/api/v1/me", {"display_name": "\U0001F32E" * 61}, 422, "invalid_value", "display_name"),
        ("PATCH", "/api/v1/me", {"display_name": 7}, 422, "invalid_type", "display_name"),
        ("PATCH", "/api/v1/me", {"display_name": None}, 422, "invalid_type", "display_name"),
        ("PATCH", "/api/v1/me", {"bio": "x" * 1001}, 422, "invalid_value", "bio"),
        ("PATCH", "/api/v1/me", {"bio": "a\u0000b"}, 422, "invalid_value", "bio"),
        ("PATCH", "/api/v1/me", {"city": "x" * 81}, 422, "invalid_value", "city"),
        ("PATCH", "/api/v1/me", {"price": "cheap"}, 422, "invalid_value", "price"),
        ("PATCH", "/api/v1/me", {"visibility": "secret"}, 422, "invalid_value", "visibility"),
        ("PATCH", "/api/v1/me", {"cuisines": ["Martian"]}, 422, "invalid_value", "cuisines"),
        ("PATCH", "/api/v1/me", {"cuisines": "Mexican"}, 422, "invalid_type", "cuisines"),
        ("PATCH", "/api/v1/me", {"cuisines": [1]}, 422, "invalid_type", "cuisines"),
        ("PATCH", "/api/v1/me", {"bio": "ok", "nickname": "z"}, 422, "unknown_field", "nickname"),
        ("POST", "/api/v1/signup", {"username": "ab", "email": "ab@example.com", "password": PW}, 422, "invalid_value", "username"),
        ("POST", "/api/v1/signup", {"username": "abc", "email": "nope", "password": PW}, 422, "invalid_value", "email"),
        ("POST", "/api/v1/signup", {"username": "abc", "email": "abc@example.com", "password": "short"}, 422, "invalid_value", "password"),
        ("POST", "/api/v1/signup", {"username": "abc", "email": "abc@example.com"}, 422, "missing_field", "password"),
        ("POST", "/api/v1/signup", {"username": "zoe", "email": "z2@example.com", "password": PW}, 409, "username_taken", "username"),
        ("POST", "/api/v1/signup", {"username": "zed", "email": "zoe@example.com", "password": PW}, 409, "email_taken", "email"),
        ("POST", "/api/v1/login", {"username": "zoe"}, 422, "missing_field", "password"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 6}, 422, "invalid_value", "stars"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 0}, 422, "invalid_value", "stars"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": "5"}, 422, "invalid_type", "stars"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 4.5}, 422, "invalid_type", "stars"),
        ("POST", "/api/v1/restaurants/2/reviews", {"body": "no stars"}, 422, "missing_field", "stars"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "body": "x" * 2001}, 422, "invalid_value", "body"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "photo": "x.jpg"}, 422, "unknown_field", "photo"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "visited": "2099-01"}, 422, "invalid_value", "visited"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "visited": "March"}, 422, "invalid_value", "visited"),
        ("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "visited": 202603}, 422, "invalid_type", "visited"),
        ("POST", "/api/v1/restaurants/9999/reviews", {"stars": 3}, 404, "restaurant_not_found", None),
        ("POST", "/api/v1/friends/requests", {"username": 5}, 422, "invalid_type", "username"),
        ("POST", "/api/v1/friends/requests", {"username": "zoe"}, 422, "invalid_value", "username"),
        ("POST", "/api/v1/friends/requests", {"username": "nobody"}, 404, "user_not_found", "username"),
        ("GET", "/api/v1/restaurants?page=0", None, 400, "invalid_parameter", "page"),
        ("GET", "/api/v1/restaurants?price=cheap", None, 400, "invalid_parameter", "price"),
        ("GET", "/api/v1/feed?after=garbage", None, 400, "invalid_parameter", "after"),
        ("GET", "/api/v1/recommendations?limit=99", None, 400, "invalid_parameter", "limit"),
        ("GET", "/api/v1/users?q=", None, 400, "invalid_parameter", "q"),
    ]
    for method, path, body, status, code, field in cases:
        r = call(method, path, body, token=zoe)
        t.ok(is_error(r, status, code, field), "%s %s %s: %d %s naming %s" % (
            method, path, json.dumps(body)[:50], status, code, field), r)
    me = call("GET", "/api/v1/me", token=zoe).json
    t.ok(me["display_name"] == "Zoé" and me["bio"] == "<b>hi</b> & more" and me["price"] == "high",
         "refused updates changed nothing (not even the valid field beside an unknown one)", me)
    r = call("PATCH", "/api/v1/me", {"display_name": "é" * 60, "bio": "x" * 1000, "city": "y" * 80},
             token=zoe)
    t.ok(r.status == 200 and r.json["display_name"] == "é" * 60, "the limits themselves are accepted", r)

    # ---- malformed bodies, unknown addresses: JSON errors, never HTML -----------------------
    for raw, why in ((b"{bad", "broken JSON"), (b"[1, 2]", "an array"), (b'"x"', "a string"),
                     (b'{"bio": "x"} trailing', "trailing data"), (b'{"bio": "x",}', "a trailing comma"),
                     (b'{"bio": "\xff"}', "invalid UTF-8"), (b'{"bio": "x"', "cut short")):
        r = call("PATCH", "/api/v1/me", raw=raw, token=zoe)
        t.ok(is_error(r, 400, "invalid_json", None), "%s: 400 invalid_json" % why, r)
    # strict RFC 8259: what json-c alone would accept (or silently change) is refused too
    me_before = call("GET", "/api/v1/me", token=zoe).json
    review2 = "/api/v1/restaurants/2/reviews"
    for path, raw, why in (
            ("/api/v1/me", b"{'bio': \"x\"}", "a single-quoted member name"),
            ("/api/v1/me", b"{\"bio\": 'x'}", "a single-quoted string"),
            ("/api/v1/me", b'{"bio":"a","bio":"b"}', "a duplicate member name"),
            ("/api/v1/me", b'{"bio":"a","b\\u0069o":"b"}', "a duplicate member name spelt with an escape"),
            ("/api/v1/me", b'{"cuisines":[{"a":1,"b":{"c":1,"c":2}}]}', "a duplicate member name deep down"),
            (review2, b'{"stars": NaN}', "NaN"),
            (review2, b'{"stars": Infinity}', "Infinity"),
            (review2, b'{"stars": -Infinity}', "-Infinity"),
            (review2, b'{"stars": -04}', "a leading zero"),
            (review2, b'{"stars": 4.}', "a fraction without digits"),
            ("/api/v1/me", b'{"bio": "x" /* note */}', "a comment"),
            ("/api/v1/me", b'{"bio": "a\tb"}', "a raw tab in a string"),
            ("/api/v1/me", b'{"bio": "a\xc0\xafb"}', "overlong UTF-8"),
            ("/api/v1/me", b'{"bio": "a\xed\xa0\x80b"}', "a UTF-8 encoded surrogate"),
            ("/api/v1/me", b'{"bio": "\\ud800"}', "a lone surrogate escape")):
        r = call("PATCH" if path == "/api/v1/me" else "POST", path, raw=raw, token=zoe)
        t.ok(is_error(r, 400, "invalid_json", None), "strict JSON, %s: 400 invalid_json" % why, r)
    t.ok(call("GET", "/api/v1/me", token=zoe).json == me_before,
         "nothing changed by the refused strict-JSON bodies", call("GET", "/api/v1/me", token=zoe))
    r = call("PATCH", "/api/v1/me", raw=b' {"bio" : "n\\u00e9sted \\ud83c\\udf63", "cuisines" : [ ] }\r\n',
             token=zoe)
    t.ok(r.status == 200 and r.json["bio"] == "n\u00e9sted \U0001F363",
         "valid JSON with whitespace, escapes and a surrogate pair is accepted", r)
    call("PATCH", "/api/v1/me", {"bio": me_before["bio"], "cuisines": me_before["cuisines"]}, token=zoe)
    r = call("PATCH", "/api/v1/me", raw=b'{"bio": "x"}', token=zoe, headers={"Content-Type": "text/plain"})
    t.ok(is_error(r, 415, "unsupported_media_type"), "not application/json: 415", r)
    r = call("PATCH", "/api/v1/me", raw=b'{"bio": "charset ok"}', token=zoe,
             headers={"Content-Type": "application/json; charset=utf-8"})
    t.ok(r.status == 200, "application/json; charset=utf-8 is fine", r)
    for method, path in (("GET", "/api/v1/nope"), ("GET", "/api/v2/me"), ("GET", "/api/"),
                         ("POST", "/api/v1/restaurants/1/nope")):
        r = call(method, path, token=zoe)
        t.ok(is_error(r, 404, "not_found") and "<html" not in r.text, "%s %s: 404 JSON, not HTML" % (method, path), r)
    r = call("DELETE", "/api/v1/me", token=zoe)
    t.ok(is_error(r, 405, "method_not_allowed"), "a wrong method: 405 JSON", r)
    r = call("PATCH", "/api/v1/me", raw=b'{"bio": "' + b"x" * 70000 + b'"}', token=zoe)
    t.ok(is_error(r, 413, "payload_too_large"), "a body over Limits.MaxBody: 413 JSON", r)
    r = call("GET", "/api/v1/restaurants/abc")
    t.ok(is_error(r, 404, "restaurant_not_found"), "a restaurant id that is not a number: 404", r)
    r = Client(srv).get("/no-such-page")
    t.ok(r.status == 404 and "<html" in r.text, "the web pages still answer HTML errors")

    # ---- reviews: ownership, events ------------------------------------------------------------
    r = call("POST", "/api/v1/restaurants/2/reviews", {"stars": 3, "body": "Decent tacos"}, token=zoe)
    t.ok(r.status == 201 and r.headers.get("location") == "/api/v1/reviews/%d" % r.json["id"]
         and r.json["mine"] is True and r.json["stars"] == 3, "create: 201 with Location", r)
    rid = r.json["id"]
    r = call("POST", "/api/v1/restaurants/2/reviews", {"stars": 4, "body": "Decent tacos"}, token=zoe)
    t.ok(r.status == 200 and r.json["id"] == rid and r.json["stars"] == 4
         and r.headers.get("location") == "/api/v1/reviews/%d" % rid,
         "a second review of the same place rewrites the first (200, as on the web)", r)
    r = call("PUT", "/api/v1/reviews/%d" % rid, {"stars": 1, "body": "hacked"}, token=tok_bruno)
    t.ok(is_error(r, 403, "forbidden"), "rewriting someone else's review: 403 JSON", r)
    r = call("DELETE", "/api/v1/reviews/%d" % rid, token=tok_bruno)
    t.ok(is_error(r, 403, "forbidden"), "deleting someone else's review: 403 JSON", r)
    r = call("GET", "/api/v1/reviews/%d" % rid)
    t.ok(r.status == 200 and r.json["body"] == "Decent tacos" and r.json["mine"] is False,
         "the review is untouched", r)
    r = call("PUT", "/api/v1/reviews/%d" % rid, {"stars": 4, "body": "Better the second time"}, token=zoe)
    t.ok(r.status == 200 and r.json["stars"] == 4 and r.json["created_at"] <= r.json["updated_at"],
         "rewriting your own: 200", r)
    t.ok(is_error(call("PUT", "/api/v1/reviews/999999", {"stars": 2}, token=zoe), 404, "review_not_found"),
         "rewriting a review that does not exist: 404")
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    zid = db.execute("SELECT id FROM users WHERE username = 'zoe'").fetchone()[0]
    ev = db.execute("SELECT value FROM events WHERE user_id = ? AND type = 'review' ORDER BY id",
                    (zid,)).fetchall()
    t.ok([v for (v,) in ev] == [3.0, 4.0, 4.0], "each review write logs a 'review' event with its stars", ev)

    # ---- privacy and blocks ---------------------------------------------------------------------
    mia, noah, olga = signup("mia"), signup("noah"), signup("olga")
    call("POST", "/api/v1/friends/requests", {"username": "noah"}, token=mia)
    r = call("POST", "/api/v1/friends/requests/mia/accept", token=noah)
    t.ok(r.status == 200 and r.json["status"] == "friends", "mia and noah are friends", r)
    r = call("POST", "/api/v1/friends/requests", {"username": "noah"}, token=mia)
    t.ok(is_error(r, 409, "already_friends"), "asking a friend again: 409 already_friends", r)
    call("PATCH", "/api/v1/me", {"visibility": "friends", "bio": "secret bio"}, token=mia)
    r = call("POST", "/api/v1/restaurants/3/reviews", {"stars": 2, "body": "Friends-only opinion"}, token=mia)
    mrid = r.json["id"]

    def sees(token):
        rest = call("GET", "/api/v1/restaurants/3/reviews", token=token).json["items"]
        mine = call("GET", "/api/v1/users/mia/reviews", token=token).json
        one = call("GET", "/api/v1/reviews/%d" % mrid, token=token)
        prof = call("GET", "/api/v1/users/mia", token=token).json
        return (any(x["id"] == mrid for x in rest), any(x["id"] == mrid for x in mine["items"]),
                one.status == 200, "bio" in prof, mine["hidden"], prof["hidden"])

    t.ok(sees(olga) == (False, False, False, False, True, True),
         "a non-friend sees neither mia's friends-only review nor her profile", sees(olga))
    t.ok(sees(None) == (False, False, False, False, True, True), "nor does an anonymous client")
    t.ok(sees(noah) == (True, True, True, True, False, False), "a friend sees both", sees(noah))
    t.ok(sees(mia) == (True, True, True, True, False, False), "and so does mia herself")
    r = call("GET", "/api/v1/users/mia", token=olga)
    t.ok(r.json.get("display_name") == "Mia" and "city" not in r.json and r.json["visibility"] == "friends",
         "the hidden profile keeps only the name", r)
    t.ok(call("PUT", "/api/v1/blocks/olga", token=mia).status == 204, "mia blocks olga")
    t.ok(is_error(call("GET", "/api/v1/users/mia", token=olga), 404, "user_not_found"),
         "the blocked olga gets a 404 for mia's profile")
    t.ok(is_error(call("GET", "/api/v1/users/mia/reviews", token=olga), 404, "user_not_found"),
         "... and for her reviews")
    t.ok(is_error(call("POST", "/api/v1/friends/requests", {"username": "mia"}, token=olga), 404, "user_not_found"),
         "... and cannot ask her to be friends")
    t.ok(call("GET", "/api/v1/users?q=mia", token=olga).json["items"] == [], "... nor find her")
    t.ok(is_error(call("POST", "/api/v1/friends/requests", {"username": "olga"}, token=mia), 409, "blocked"),
         "mia must unblock before asking olga")
    t.ok([p["username"] for p in call("GET", "/api/v1/blocks", token=mia).json["blocked"]] == ["olga"],
         "mia's block list")
    t.ok(call("DELETE", "/api/v1/blocks/olga", token=mia).status == 204
         and call("GET", "/api/v1/users/mia", token=olga).status == 200, "unblock: olga sees the name again")

    # ---- feed pagination: thousands of items, ties, new items arriving meanwhile --------------
    felix = signup("felix")
    fid = db.execute("SELECT id FROM users WHERE username = 'felix'").fetchone()[0]
    friends = [r[0] for r in db.execute("SELECT id FROM users WHERE username LIKE 'u10%' ORDER BY id LIMIT 30")]
    rids = [r[0] for r in db.execute("SELECT id FROM restaurants ORDER BY id")]
    with db:
        for uid in friends:
            db.execute("INSERT OR IGNORE INTO friendships VALUES (?,?,0),(?,?,0)", (fid, uid, uid, fid))
        for i, uid in enumerate(friends):
            for j, rid2 in enumerate(rids[:50]):
                db.execute("INSERT OR IGNORE INTO saves (user_id, restaurant_id, created_at) VALUES (?,?,?)",
                           (uid, rid2, 1700000000 + (i * 7 + j) % 40))
    expected = set()
    for kind, sql in ((1, "SELECT r.created_at, r.id FROM reviews r JOIN friendships f ON f.friend_id = r.user_id WHERE f.user_id = ?"),
                      (2, "SELECT s.created_at, s.id FROM saves s JOIN friendships f ON f.friend_id = s.user_id WHERE f.user_id = ?")):
        for at, iid in db.execute(sql, (fid,)):
            expected.add("%d-%d-%d" % (at, kind, iid))
    newcomer = login(db.execute("SELECT username FROM users WHERE id = ?", (friends[1],)).fetchone()[0],
                     "forkcast-demo")
    seen, pages, after, arrived, shapes_ok = [], 0, None, 0, True
    while pages < 500:
        r = call("GET", "/api/v1/feed" + ("?after=" + after if after else ""), token=felix)
        if r.status != 200:
            break
        items = r.json["items"]
        shapes_ok = shapes_ok and all(set(x) == {"cursor", "kind", "id", "at", "user", "restaurant", "stars", "body", "photo", "visited"} for x in items)
        seen.extend(x["cursor"] for x in items)
        pages += 1
        if pages % 10 == 0:  # a friend saves something meanwhile: it goes on top
            extra = rids[50 + pages // 10]
            call("PUT", "/api/v1/saved/%d" % extra, token=newcomer)
            arrived += 1
        after = r.json["next"]
        if after is None:
            t.ok(len(items) <= 20, "the last page ends with next = null")
            break
        if pages == 1:
            t.ok(len(items) == 20 and after == items[-1]["cursor"],
                 "a full page's next is its last item's cursor")
    t.ok(len(expected) > 1500, "the fixture has many feed items (%d)" % len(expected))
    t.ok(shapes_ok, "every feed item has the documented fields")
    t.ok(len(seen) == len(set(seen)), "no duplicates across %d pages" % pages, len(seen) - len(set(seen)))
    t.ok(set(seen) == expected, "no gaps: every item seen once",
         "missing %d, extra %d" % (len(expected - set(seen)), len(set(seen) - expected)))
    order = [tuple(int(x) for x in k.split("-")) for k in seen]
    t.ok(order == sorted(order, reverse=True), "newest first throughout")
    first = call("GET", "/api/v1/feed", token=felix).json["items"]
    t.ok(arrived > 3 and first[0]["cursor"] not in expected and first[0]["kind"] == "save",
         "the saves that arrived during the walk are on top", first[:1])

    # ---- the rest of the surface ---------------------------------------------------------------
    r = call("GET", "/api/v1/recommendations?limit=5", token=felix)
    t.ok(r.status == 200 and 0 < len(r.json["items"]) <= 5
         and all(x["reason"] in ("friends", "because", "popular-city", "cuisine", "popular") for x in r.json["items"]),
         "recommendations: at most limit items, each with a reason", r)
    r = call("GET", "/api/v1/restaurants?q=" + "x" * 101)
    t.ok(is_error(r, 400, "invalid_parameter", "q"), "an over-long search: 400 naming q", r)
    r = call("GET", "/api/v1/restaurants?page=100")
    t.ok(is_error(r, 404, "page_not_found", "page") and "the last page is" in r.json["error"]["message"],
         "a page past the end: 404 naming page, with the last page", r)
    r = call("DELETE", "/api/v1/friends/requests/noah", token=olga)
    t.ok(is_error(r, 404, "request_not_found"), "cancelling a request that does not exist: 404", r)
    r = call("DELETE", "/api/v1/friends/olga", token=noah)
    t.ok(is_error(r, 404, "not_friends"), "unfriending a stranger: 404 not_friends", r)
    r = call("PUT", "/api/v1/saved/9999", token=olga)
    t.ok(is_error(r, 404, "restaurant_not_found"), "saving a restaurant that does not exist: 404", r)
    r = call("HEAD", "/api/v1/restaurants/1")
    t.ok(r.status == 200 and r.body == b"", "HEAD answers without a body")
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
