#!/usr/bin/env python3
"""Security test over the whole route table (`forkcast routes`, so a new route cannot escape):
every state-changing web route refuses a missing, wrong, foreign or misplaced CSRF token and
changes nothing; the JSON API's scheme (bearer tokens only, cookies ignored, JSON bodies only)
holds on every API route that changes something; every admin route answers 403 to a regular
user and sends an anonymous one to the log-in page with a return path; every login route too."""
import json
import os
import re
import sqlite3
import sys
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart  # noqa: E402

t = TAP()
srv = Server(demo=True)
PW = "tacos al pastor"
CSRF_MSG = "did not come from this site"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def routes():
    """[(method, pattern, group, auth, csrf)] from the binary's own table."""
    out = []
    for line in srv.run_cli("routes").splitlines():
        f = line.split("\t")
        if len(f) != 5:
            raise AssertionError("bad routes line: %r" % line)
        out.append(tuple(f))
    return out


def signup(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()})
    assert r.status == 303, (name, r.status, r.text[:300])
    return c


def snapshot():
    """Every row of every table, except what reading pages may touch (a session's last_seen,
    request metrics); sessions are compared by (token hash, user)."""
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.dir, "forkcast.db"), uri=True)
    snap = {}
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for n in names:
            if n.startswith("metrics_") or n.startswith("sqlite_"):
                continue
            if n == "sessions":
                rows = db.execute("SELECT token_hash, user_id FROM sessions").fetchall()
            else:
                rows = db.execute('SELECT * FROM "%s"' % n).fetchall()
            snap[n] = sorted(map(repr, rows))
    finally:
        db.close()
    return snap


def diff(a, b):
    return {k: (len(a.get(k, [])), len(b.get(k, []))) for k in set(a) | set(b) if a.get(k) != b.get(k)}


def json_req(c, method, path, body=None, token=None, ctype="application/json"):
    h = {"Content-Type": ctype} if body is not None else {}
    if token:
        h["Authorization"] = "Bearer " + token
    data = body if isinstance(body, bytes) or body is None else body.encode()
    return c.request(method, path, body=data, headers=h)


try:
    table = routes()
    t.ok(len(table) > 40 and ("POST", "/login", "pages", "none", "form") in table,
         "forkcast routes lists the route table (%d routes)" % len(table), table[:3])
    unsafe = [r for r in table if r[0] in UNSAFE]
    web_unsafe = [r for r in unsafe if r[4] == "form"]
    api_unsafe = [r for r in unsafe if r[4] == "bearer"]
    t.ok(all(r[0] == "POST" for r in web_unsafe),
         "every web route that changes state is a POST (the CSRF check covers it)",
         [r for r in web_unsafe if r[0] != "POST"])
    t.ok(all(r[1].startswith("/api/") for r in api_unsafe) and
         all(r[0] == "GET" or r[4] != "-" for r in table),
         "only /api/ routes skip the form token (they take bearer tokens)",
         [r for r in api_unsafe if not r[1].startswith("/api/")])

    # ---- the cast ----
    mallory, vera = signup("mallory"), signup("vera")
    boss = signup("boss")
    srv.run_cli("user", "make-admin", "boss")
    m = re.search(r'href="/restaurants/(\d+)">Kiku Cuernavaca', mallory.get("/restaurants?q=kiku").text)
    rest = int(m.group(1))
    for who, body in ((mallory, "mallory was here"), (vera, "vera was here")):
        data, ct = multipart({"csrf": who.csrf("/restaurants/%d" % rest), "stars": "4",
                              "body": body}, {"photo": ("", "application/octet-stream", b"")})
        r = who.request("POST", "/restaurants/%d/review" % rest, body=data,
                        headers={"Content-Type": ct})
        assert r.status == 303, (r.status, r.text[:300])
    page = mallory.get("/restaurants/%d" % rest).text
    own_review = int(re.search(r'action="/reviews/(\d+)/edit"', page).group(1))
    r = mallory.post("/reviews/%d/comments" % own_review, {"body": "mallory's comment"},
                     csrf_from="/restaurants/%d" % rest)
    assert r.status == 303, (r.status, r.text[:300])
    own_comment = int(re.search(r'action="/comments/(\d+)/delete"',
                                mallory.get("/restaurants/%d" % rest).text).group(1))

    # what fills each pattern's parameters: real ids, so a refusal cannot be a 404 in disguise
    def fill(pattern):
        parts = pattern.strip("/").split("/")
        out = []
        for i, p in enumerate(parts):
            if not p.startswith(":"):
                out.append(p)
                continue
            prev = parts[i - 1] if i else ""
            val = {
                ("u", ":username"): "mallory",
                ("users", ":username"): "vera",
                ("requests", ":username"): "vera",
                ("friends", ":username"): "vera",
                ("blocks", ":username"): "vera",
                ("restaurants", ":id"): str(rest),
                ("reviews", ":id"): str(own_review),
                ("saved", ":id"): str(rest),
                ("comments", ":id"): str(own_comment),
                ("instances", ":id"): "i-0123456789abcdef0",
                ("photos", ":key"): "0" * 64 + ".jpg",
            }.get((prev, p))
            if val is None and p == ":action":
                val = {"restaurants": "save", "friends": "request", "users": "disable",
                       "instances": "stop"}.get(parts[i - 2] if i > 1 else prev)
            if val is None:
                raise AssertionError("no test value for %s in %s: add one to fill()" % (p, pattern))
            out.append(val)
        return "/" + "/".join(out)

    # a form that would do something on each route, were its token right
    forms = {
        "/signup": {"username": "newbie", "email": "newbie@example.com", "password": PW,
                    "password2": PW, "display_name": "Newbie"},
        "/login": {"username": "mallory", "password": PW},
        "/u/:username/edit": {"display_name": "Changed", "bio": "changed", "visibility": "public"},
        "/restaurants/:id/review": {"stars": "1", "body": "forged"},
        "/reviews/:id/edit": {"stars": "1", "body": "forged"},
        "/friends/:action": {"username": "vera"},
        "/confirm": {"username": "mallory", "code": "123456"},
        "/confirm/resend": {"username": "mallory"},
        "/forgot": {"username": "mallory"},
        "/forgot/reset": {"username": "mallory", "code": "123456", "password": "new password!",
                          "password2": "new password!"},
        "/account/password": {"old_password": PW, "password": "new password!",
                              "password2": "new password!"},
    }

    # ---- every form route: no token, a wrong one, another session's, one in the query ----
    anon = Client(srv)
    anon.get("/")  # gets its anonymous CSRF binding
    vera_token = vera.csrf("/")
    anon_token = anon.csrf("/login")
    failures, unchanged, cases = [], [], 0
    for method, pattern, group, auth, _ in web_unsafe:
        path = fill(pattern)
        who = {"none": anon, "login": mallory, "admin": boss}[auth]
        own = who.csrf("/login" if who is anon else "/")
        form = dict(forms.get(pattern, {}))
        attempts = [("no token", path, form, None),
                    ("wrong token", path, dict(form, csrf="0" * 64), None),
                    ("empty token", path, dict(form, csrf=""), None),
                    ("token of another session", path,
                     dict(form, csrf=anon_token if who is not anon else vera_token), None),
                    ("token in the query string", path + "?csrf=" + own, form, None),
                    ("token twice, first wrong", path, None,
                     urllib.parse.urlencode([("csrf", "f" * 64), ("csrf", own)] + list(form.items())))]
        if auth != "none":
            attempts.append(("the anonymous token after log-in", path, dict(form, csrf=anon_token), None))
        before = snapshot()
        for name, p, f, raw in attempts:
            cases += 1
            if raw is not None:
                r = who.request(method, p, body=raw.encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                r = who.request(method, p, form=f)
            if r.status != 403 or CSRF_MSG not in r.text:
                failures.append((method, pattern, name, r.status, r.text[:200]))
        # the same refusal for a multipart body (the review form's encoding)
        data, ct = multipart(dict(form, csrf="0" * 64), {})
        r = who.request(method, path, body=data, headers={"Content-Type": ct})
        cases += 1
        if r.status != 403 or CSRF_MSG not in r.text:
            failures.append((method, pattern, "multipart, wrong token", r.status, r.text[:200]))
        d = diff(before, snapshot())
        if d:
            unchanged.append((pattern, d))
    t.ok(not failures, "every form route (%d) refuses a missing, wrong, empty, foreign, "
         "query-string, duplicated or pre-log-in token with the CSRF 403 (%d requests)"
         % (len(web_unsafe), cases), "\n".join(map(repr, failures)))
    t.ok(not unchanged, "refused requests change nothing in the database", unchanged)
    t.ok("mallory" in mallory.get("/").text and "Log out" in mallory.get("/").text,
         "the forged log-out did not end the session")
    t.ok(Client(srv).get("/u/newbie").status == 404, "the forged sign-up made no account")

    # the control: with its right token the same form is not refused (so the check is the token)
    controls = {"/u/:username/edit": mallory, "/friends/:action": mallory,
                "/restaurants/:id/:action": mallory}
    bad = []
    for pattern, who in controls.items():
        before = snapshot()
        r = who.post(fill(pattern), forms.get(pattern, {}), csrf_from="/")
        if r.status == 403 or not diff(before, snapshot()):
            bad.append((pattern, r.status, r.text[:200]))
    t.ok(not bad, "control: the same forms with the right token are accepted and change state", bad)
    t.ok("changed" in Client(srv).get("/u/mallory").text, "control: the profile edit went through")

    # ---- 405: the Allow header lists what the path supports, from the route table ----
    def matches(pattern, path):
        ps, xs = pattern.strip("/").split("/"), path.strip("/").split("/")
        return len(ps) == len(xs) and all(p == x or (p.startswith(":") and x)
                                          for p, x in zip(ps, xs))

    METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    bad, cases, paths = [], 0, {}
    for method, pattern, group, auth, _ in table:
        paths.setdefault(fill(pattern), pattern)
    before = snapshot()
    for path, pattern in sorted(paths.items()):
        allowed = {r[0] for r in table if matches(r[1], path)}
        if "GET" in allowed:
            allowed.add("HEAD")
        for method in METHODS:
            if method in allowed:
                continue
            cases += 1
            r = Client(srv).request(method, path, body=b"" if method != "GET" and method != "HEAD" else None)
            got = [m.strip() for m in (r.getheader("Allow") or "").split(",") if m.strip()]
            if r.status != 405 or sorted(got) != sorted(allowed) or len(got) != len(set(got)):
                bad.append((method, path, r.status, r.getheader("Allow"), sorted(allowed)))
    if diff(before, snapshot()):
        bad.append(("state changed", diff(before, snapshot())))
    t.ok(not bad and cases > 200, "every path of the route table (%d): each method it does not "
         "support is 405 with Allow listing exactly its routes' methods, HEAD with GET (%d requests)"
         % (len(paths), cases), "\n".join(map(repr, bad)))
    bad = []
    for method in ("OPTIONS", "PUT", "DELETE", "POST"):
        for who in (Client(srv), mallory):
            r = who.request(method, "/restaurants", body=b"")
            if r.status != 405 or r.getheader("Allow") != "GET, HEAD" or \
                    "does not accept that method" not in r.text:
                bad.append((method, r.status, r.getheader("Allow"), r.text[:200]))
    r = Client(srv).request("PUT", "/api/v1/restaurants", body=b"{}",
                            headers={"Content-Type": "application/json"})
    if r.status != 405 or r.getheader("Allow") != "GET, HEAD" or '"method_not_allowed"' not in r.text:
        bad.append(("api PUT", r.status, r.getheader("Allow"), r.text[:200]))
    r = Client(srv).request("GET", "/logout")
    if r.status != 405 or r.getheader("Allow") != "POST":
        bad.append(("GET /logout", r.status, r.getheader("Allow")))
    t.ok(not bad, "OPTIONS, PUT, DELETE and POST on a GET-only page (and PUT on a GET-only API "
         "route) are 405 with Allow: GET, HEAD; GET on a POST-only action is 405 with Allow: POST",
         "\n".join(map(repr, bad)))

    # ---- the JSON API: bearer tokens only ----
    r = json_req(Client(srv), "POST", "/api/v1/login", '{"username": "mallory", "password": "%s"}' % PW)
    token = r.status == 200 and json.loads(r.text)["token"]
    t.ok(token and not r.getheader("Set-Cookie"), "API log-in returns a token and sets no cookie")
    failures, unchanged = [], []
    for method, pattern, group, auth, _ in api_unsafe:
        path = fill(pattern)
        before = snapshot()
        if auth != "none":
            # the web session cookie (mallory's) is ignored: 401, nothing done
            r = json_req(mallory, method, path, '{}')
            if r.status != 401 or '"missing_token"' not in r.text:
                failures.append((method, pattern, "cookie only", r.status, r.text[:200]))
            r = json_req(mallory, method, path, '{}', token="0" * 64)
            if r.status != 401 or '"invalid_token"' not in r.text:
                failures.append((method, pattern, "wrong bearer token", r.status, r.text[:200]))
        else:
            # no token to steal: a cross-site HTML form can only send these types, all refused
            # (no log-in CSRF, no account made in the visitor's name)
            for ctype in ("application/x-www-form-urlencoded", "text/plain",
                          "multipart/form-data; boundary=x"):
                r = json_req(mallory, method, path, b'{"username": "mallory", "password": "%s", '
                             b'"email": "x@example.com"}' % PW.encode(), ctype=ctype)
                if r.status not in (400, 415) or "token" in json.loads(r.text):
                    failures.append((method, pattern, ctype, r.status, r.text[:200]))
        d = diff(before, snapshot())
        if d:
            unchanged.append((pattern, d))
    t.ok(not failures, "every API route that changes state (%d) ignores cookies and refuses a wrong "
         "bearer token (401); log-in and sign-up refuse every body a cross-site form can send" % len(api_unsafe),
         "\n".join(map(repr, failures)))
    t.ok(not unchanged, "refused API requests change nothing", unchanged)
    r = json_req(mallory, "OPTIONS", "/api/v1/me")
    r2 = Client(srv).request("GET", "/api/v1/restaurants", headers={"Origin": "https://evil.example"})
    t.ok(not r.getheader("Access-Control-Allow-Origin") and not r2.getheader("Access-Control-Allow-Origin"),
         "no CORS: other origins cannot read API answers")

    # ---- every admin route: 403 for a regular user, log-in redirect for a visitor ----
    admin_routes = [r for r in table if r[3] == "admin"]
    t.ok(all(r[1].startswith("/admin") for r in admin_routes) and
         all(r[3] == "admin" for r in table if r[1].startswith("/admin")),
         "admin routes are exactly the /admin ones (%d)" % len(admin_routes))
    bad = []
    for method, pattern, group, auth, _ in admin_routes:
        path = fill(pattern)
        before = snapshot()
        if method == "GET":
            r = mallory.get(path)
        else:
            r = mallory.post(path, {}, csrf_from="/")  # with a valid token: the role is what fails
        if r.status != 403 or "for administrators" not in r.text:
            bad.append(("regular user", method, pattern, r.status))
        r = Client(srv).request(method, path, form={} if method != "GET" else None)
        loc = r.getheader("Location") or ""
        if r.status != 303 or loc != "/login?next=" + urllib.parse.quote(path, safe=""):
            bad.append(("anonymous", method, pattern, r.status, loc))
        if method == "HEAD" or method == "GET":
            r = mallory.request("HEAD", path)
            if r.status != 403:
                bad.append(("regular user HEAD", pattern, r.status))
        if diff(before, snapshot()):
            bad.append(("state changed", pattern, diff(before, snapshot())))
    t.ok(not bad, "every admin route (%d): 403 for a regular user (GET, HEAD and POST with a valid "
         "token), 303 to /login?next=<path> for a visitor, nothing changed" % len(admin_routes),
         "\n".join(map(repr, bad)))
    r = boss.get("/admin/users?q=vera")
    t.ok(r.status == 200 and 'data-user="vera"' in r.text, "control: the admin gets the admin pages")
    r = Client(srv).get("/admin/users/vera")
    t.ok(r.status == 303, "anonymous: a deep admin link also goes to the log-in page")
    lg = Client(srv)
    lg.get("/")
    r = lg.post("/login", {"username": "mallory", "password": PW,
                           "next": "/admin/users/vera"}, csrf_from="/login")
    t.ok(r.status == 303 and r.getheader("Location") == "/admin/users/vera" and
         lg.get("/admin/users/vera").status == 403,
         "the return path survives the log-in; the role is still checked after it")

    # ---- every login route: a visitor is sent to log in, with the way back ----
    bad = []
    for method, pattern, group, auth, csrf in table:
        if auth != "login" or csrf == "bearer" or pattern.startswith("/api/"):
            continue
        path = fill(pattern)
        r = Client(srv).request(method, path, form={} if method != "GET" else None)
        if r.status != 303 or r.getheader("Location") != "/login?next=" + urllib.parse.quote(path, safe=""):
            bad.append((method, pattern, r.status, r.getheader("Location")))
    t.ok(not bad, "every login route sends a visitor to /login?next=<path>", bad)
    bad = []
    for method, pattern, group, auth, csrf in table:
        if auth == "none" or not pattern.startswith("/api/"):
            continue
        r = json_req(Client(srv), method, fill(pattern), None if method == "GET" else "{}")
        if r.status != 401 or not (r.getheader("WWW-Authenticate") or "").startswith("Bearer"):
            bad.append((method, pattern, r.status))
    t.ok(not bad, "every API route that needs a token answers 401 with WWW-Authenticate: Bearer", bad)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
