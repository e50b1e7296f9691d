#!/usr/bin/env python3
"""Security test of sessions and response headers: cookie flags (also with Server.Secure),
session fixation and rotation at log-in, log-out and disabled accounts ending a session,
log-in throttling per account and per address (web and API alike), no open redirect after
log-in, and the security headers on every kind of response (pages, errors, redirects, the
JSON API, static files and lighttpd's own errors)."""
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

t = TAP()
PW = "tacos al pastor"
srv = Server(env={"FORKCAST_AUTH_THROTTLE_PERACCOUNT": "3",
                  "FORKCAST_AUTH_THROTTLE_PERADDRESS": "8",
                  "FORKCAST_LIMITS_MAXBODY": "65536"})
secure = None


def signup(s, name):
    c = Client(s)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()}, csrf_from="/signup")
    assert r.status == 303, (name, r.status, r.text[:300])
    return c, r


def set_cookies(r):
    return {v.split("=", 1)[0]: v for k, v in r.getheaders() if k.lower() == "set-cookie"}


def attrs(cookie):
    """{'httponly': True, 'samesite': 'Lax', 'path': '/', ...} of one Set-Cookie value."""
    out = {}
    for part in cookie.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        out[k.lower()] = v if v else True
    return out


def logged_in(c):
    r = c.get("/")
    return 'action="/logout"' in r.text


def api(c, method, path, body=None, token=None):
    h = {}
    if body is not None:
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = "Bearer " + token
    return c.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                     headers=h)


def login(c, user, password=PW, headers=None, next_=None):
    try:
        tok = c.csrf("/login")
    except AssertionError:  # logged in: the log-in page has no form, the log-out form has one
        tok = c.csrf("/")
    form = {"username": user, "password": password, "csrf": tok}
    if next_ is not None:
        form["next"] = next_
    return c.request("POST", "/login", form=form, headers=headers)


try:
    # ---- cookie flags ----
    anon = Client(srv)
    r = anon.get("/login")
    sc = set_cookies(r)
    a = attrs(sc.get("fc_anon", ""))
    t.ok(a.get("httponly") and a.get("samesite") in ("Lax", "Strict") and a.get("path") == "/"
         and "domain" not in a and "secure" not in a,
         "anonymous CSRF cookie: HttpOnly, SameSite, Path=/, host-only", sc)
    ana, r = signup(srv, "ana")
    sc = set_cookies(r)
    a = attrs(sc.get("fc_session", ""))
    t.ok(a.get("httponly") and a.get("samesite") in ("Lax", "Strict") and a.get("path") == "/"
         and "domain" not in a and "secure" not in a and a.get("max-age") == "2592000",
         "session cookie: HttpOnly, SameSite, Path=/, host-only, Max-Age = Session.MaxAge, "
         "no Secure over plain http", sc.get("fc_session"))
    cookie = ana.cookies["fc_session"]
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    ana_id = db.execute("SELECT id FROM users WHERE username = 'ana'").fetchone()[0]
    m = re.fullmatch(r"([0-9]+)\.([0-9a-f]{64})", cookie)
    t.ok(m and int(m.group(1)) == ana_id,
         "the session cookie is the user's id and a token of 256 random bits in hex", cookie)
    tok = m.group(2) if m else ""
    hashes = [h for (h,) in db.execute("SELECT token_hash FROM sessions")]
    t.ok(hashlib.sha256(tok.encode()).hexdigest() in hashes and tok not in hashes and
         hashlib.sha256(cookie.encode()).hexdigest() not in hashes,
         "only the token's SHA-256 is stored")

    # ---- the user id in the cookie is no credential: the token is ----
    fred, _ = signup(srv, "fred")
    fred_id, fred_tok = fred.cookies["fc_session"].split(".")
    for forged, what in (("%s.%s" % (fred_id, tok), "ana's token with fred's id"),
                         ("%d.%s" % (ana_id, fred_tok), "fred's token with ana's id"),
                         ("%d.%s" % (ana_id + 1000, tok), "ana's token with an id nobody has")):
        f = Client(srv)
        f.cookies["fc_session"] = forged
        r = f.get("/")
        t.ok(r.status == 200 and 'action="/logout"' not in r.text and
             "Max-Age=0" in (set_cookies(r).get("fc_session") or ""),
             "a forged user id logs no one in: %s gets the anonymous view, cookie cleared" % what,
             (r.status, set_cookies(r)))
    t.ok(logged_in(ana) and logged_in(fred), "and the real sessions still work")
    for bad in ("0." + tok, "-1." + tok, "1" * 19 + "." + tok, "x." + tok, "%d." % ana_id,
                "%d.%s" % (ana_id, tok[:63]), "%d.%s." % (ana_id, tok), "." + tok, "1.2." + tok):
        f = Client(srv)
        f.cookies["fc_session"] = bad
        r = f.get("/feed")
        t.ok(r.status == 303 and 'action="/logout"' not in r.text,
             "a malformed session cookie is a logged-out visitor, never an error: %r" % bad,
             r.status)
    # a cookie issued before the user id was in it (the token alone) still works, and comes
    # back in today's form for what is left of its life
    f = Client(srv)
    f.cookies["fc_session"] = tok
    r = f.get("/")
    a = attrs(set_cookies(r).get("fc_session", ""))
    t.ok('action="/logout"' in r.text and f.cookies.get("fc_session") == cookie and
         0 < int(a.get("max-age") or 0) <= 2592000,
         "an old cookie (the token alone) keeps its session and is reissued as id.token",
         (f.cookies.get("fc_session"), set_cookies(r)))
    fl = attrs(sc.get("fc_flash", "fc_flash=x; HttpOnly; Path=/; SameSite=Lax"))
    t.ok(fl.get("httponly") and fl.get("path") == "/", "the flash cookie is HttpOnly too")

    secure = Server(env={"FORKCAST_SERVER_SECURE": "1"})
    s_anon = Client(secure)
    r = s_anon.get("/login")
    cs = set_cookies(r)
    _, r = signup(secure, "sam")
    cs.update(set_cookies(r))
    sam = Client(secure)
    sam.cookies = dict(_.cookies)
    r = sam.post("/logout", {}, csrf_from="/")
    cs["fc_session (cleared)"] = set_cookies(r).get("fc_session", "")
    t.ok(set(cs) >= {"fc_anon", "fc_session", "fc_session (cleared)"} and
         all(attrs(v).get("secure") and attrs(v).get("httponly") for v in cs.values()),
         "Server.Secure=1: every cookie (anonymous, session, flash, the clearing one) is Secure "
         "and HttpOnly", cs)

    # ---- fixation and rotation ----
    planted = "ab" * 32
    fx = Client(srv)
    fx.cookies["fc_session"] = planted
    r = login(fx, "ana")
    t.ok(r.status == 303 and fx.cookies.get("fc_session") not in (None, planted),
         "a planted session id is replaced at log-in (no fixation)", r.status)
    fx2 = Client(srv)
    fx2.cookies["fc_session"] = planted
    t.ok(not logged_in(fx2), "the planted id does not authenticate after the victim logs in")

    b = Client(srv)
    login(b, "ana")
    t1 = b.cookies["fc_session"]
    r = login(b, "ana")
    t2 = b.cookies.get("fc_session")
    t.ok(r.status == 303 and t2 and t2 != t1, "logging in again rotates the session id")
    old = Client(srv)
    old.cookies["fc_session"] = t1
    r = old.get("/")
    t.ok("Max-Age=0" in (set_cookies(r).get("fc_session") or ""),
         "a dead session cookie is cleared by the server")
    old.cookies["fc_session"] = t1
    t.ok('action="/logout"' not in r.text and old.get("/feed").status == 303,
         "the pre-log-in session id no longer works (anonymous view, /feed asks to log in)")
    t.ok(logged_in(b), "the new one does")

    # log-out: gone server-side, not only in the browser
    kept = dict(b.cookies)
    r = b.post("/logout", {}, csrf_from="/")
    t.ok(r.status == 303 and "fc_session" not in b.cookies, "log-out clears the cookie")
    replay = Client(srv)
    replay.cookies = dict(kept)
    t.ok(not logged_in(replay) and replay.get("/feed").status == 303 and
         replay.get("/u/ana/edit").status == 303,
         "the logged-out cookie replayed gets the anonymous view")
    h2 = hashlib.sha256(kept["fc_session"].split(".")[-1].encode()).hexdigest()
    t.ok(db.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", (h2,)).fetchone()[0] == 0,
         "log-out deletes the session row")
    replay.cookies = dict(kept)
    r = replay.post("/u/ana/edit", {"display_name": "pwned", "visibility": "public"}, csrf_from="/login")
    t.ok(r.status in (303, 403) and "pwned" not in Client(srv).get("/u/ana").text,
         "the replayed cookie cannot change anything", r.status)

    # API tokens: log-out ends them, a web cookie is not one
    r = api(Client(srv), "POST", "/api/v1/login", {"username": "ana", "password": PW})
    token = json.loads(r.text)["token"]
    t.ok(api(Client(srv), "GET", "/api/v1/me", token=token).status == 200, "an API token works")
    t.ok(api(Client(srv), "POST", "/api/v1/logout", token=token).status == 204, "API log-out")
    r = api(Client(srv), "GET", "/api/v1/me", token=token)
    t.ok(r.status == 401 and "invalid_token" in r.text, "the token is dead after API log-out")
    r = api(Client(srv), "GET", "/api/v1/me", token=ana.cookies["fc_session"])
    t.ok(r.status == 401 and "invalid_token" in r.text,
         "a web session id is no bearer token: 401 invalid_token", r.status)

    # a disabled account's sessions stop working at once
    vic, _ = signup(srv, "victor")
    t.ok(logged_in(vic), "victor is logged in")
    srv_admin, _ = signup(srv, "boss")
    srv.run_cli("user", "make-admin", "boss")
    r = srv_admin.post("/admin/users/victor/disable", {}, csrf_from="/admin/users/victor/disable")
    t.ok(r.status == 303, "the admin disables victor", r.status)
    t.ok(not logged_in(vic), "victor's open session no longer authenticates")

    # ---- no open redirect after log-in ----
    bad = []
    for nxt in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
                "/\n/evil.example", "\\\\evil.example", "/%0d%0aSet-Cookie:x=1", " //evil.example"):
        c = Client(srv)
        r = login(c, "ana", next_=nxt)
        loc = r.getheader("Location") or ""
        if (r.status != 303 or not loc.startswith("/") or loc[1:2] in ("/", "\\")
                or any(ord(ch) < 32 or ch == "\x7f" for ch in loc) or "x" in c.cookies):
            bad.append((nxt, r.status, loc))
    t.ok(not bad, "log-in's return path is only ever a local path (no //host, \\, scheme, "
         "control characters or header injection)", bad)
    # the other forms that take a return path share the rule
    bad = []
    for nxt in ("/\t/evil.example", "//evil.example", "/admin/\n/evil.example"):
        for path, form in (("/friends/request", {"username": "ana"}),
                           ("/friends/cancel", {"username": "ana"}),
                           ("/admin/users/victor/enable", {})):
            r = srv_admin.post(path, dict(form, next=nxt), csrf_from="/")
            loc = r.getheader("Location") or ""
            if r.status != 303 or not loc.startswith("/") or loc[1:2] in ("/", "\\") or \
                    any(ord(ch) < 32 for ch in loc):
                bad.append((path, nxt, r.status, loc))
    t.ok(not bad, "friend and admin forms: a hostile return path becomes a local one", bad)
    c = Client(srv)
    r = login(c, "ana", next_="/restaurants?q=a&page=1")
    t.ok(r.getheader("Location") == "/restaurants?q=a&page=1", "a local return path is kept")

    # ---- throttling: per account, per address, web and API share the counts ----
    signup(srv, "tina")
    z = Client(srv)
    for i in range(3):
        r = login(z, "tina", "wrong password %d" % i)
    t.ok(r.status == 401, "failures below the limit: 401", r.status)
    r = login(z, "tina")
    t.ok(r.status == 429 and "Too many failed log-ins" in r.text and "fc_session" not in z.cookies,
         "after PerAccount (3) failures even the right password is refused: 429", r.status)
    r = api(Client(srv), "POST", "/api/v1/login", {"username": "tina", "password": PW})
    t.ok(r.status == 429 and r.getheader("Retry-After") and "throttled" in r.text,
         "the API log-in shares the count: 429 with Retry-After", r.status)
    r = login(Client(srv), "TINA")
    t.ok(r.status == 429, "the account key ignores case", r.status)
    for i in range(3):
        r = login(Client(srv), "nobody-here", "x%d" % i)
    r = login(Client(srv), "nobody-here", "x")
    t.ok(r.status == 429, "unknown accounts are throttled alike (no hint that they do not exist)",
         r.status)
    # per address: 3 + 3 failures so far from 127.0.0.1; two more reach PerAddress (8)
    signup(srv, "ugo")
    r = login(Client(srv), "ugo")
    t.ok(r.status == 303, "another account still logs in from the same address below the limit")
    login(Client(srv), "someone1", "x")
    login(Client(srv), "someone2", "x")
    r = login(Client(srv), "ugo")
    t.ok(r.status == 429, "after PerAddress (8) failures from one address every account is refused",
         r.status)
    r = login(Client(srv), "ugo", headers={"X-Forwarded-For": "203.0.113.9",
                                           "X-Real-IP": "203.0.113.9"})
    t.ok(r.status == 429, "a forged X-Forwarded-For does not escape the address limit", r.status)
    n = db.execute("SELECT count(*) FROM login_failures").fetchone()[0]
    t.ok(n >= 8, "failures are recorded server-side (%d rows)" % n)

    # ---- behind a trusted proxy (Server.TrustedProxies): the address it forwards counts ----
    proxied = Server(env={"FORKCAST_SERVER_TRUSTEDPROXIES": "127.0.0.1",
                          "FORKCAST_AUTH_THROTTLE_PERACCOUNT": "100",
                          "FORKCAST_AUTH_THROTTLE_PERADDRESS": "3"})
    try:
        signup(proxied, "pia")

        def via(client_addr, password=PW):
            return login(Client(proxied), "pia", password,
                         headers={"X-Forwarded-For": client_addr})
        for i in range(3):
            via("203.0.113.1", "wrong %d" % i)
        r = via("203.0.113.1")
        t.ok(r.status == 429, "behind a trusted proxy, PerAddress (3) failures of one forwarded "
             "client: that client is refused", r.status)
        r = via("203.0.113.2")
        t.ok(r.status == 303, "... another client behind the same proxy still logs in", r.status)
        r = via("198.51.100.7, 203.0.113.1")
        t.ok(r.status == 429, "... and an address the client prepends itself changes nothing "
             "(the right-most is the proxy's)", r.status)
        r = login(Client(proxied), "pia")
        t.ok(r.status == 303, "... a request without the header counts as the proxy's own",
             r.status)
    finally:
        reports = proxied.stop()
        t.ok(not reports, "no sanitizer reports (proxied server)", "\n".join(reports)[:3000])
        proxied.cleanup()

    # ---- expiry: an idle session ends on the server, whatever the cookie says ----
    short = Server(env={"FORKCAST_SESSION_IDLETIMEOUT": "2"})
    try:
        sh, _ = signup(short, "ida")
        kept = dict(sh.cookies)
        time.sleep(3.5)
        r = sh.get("/")
        t.ok('action="/logout"' not in r.text and "Max-Age=0" in (set_cookies(r).get("fc_session") or ""),
             "a session idle longer than Session.IdleTimeout is over (anonymous view, cookie cleared)")
        sdb = sqlite3.connect(os.path.join(short.dir, "forkcast.db"))
        h = hashlib.sha256(kept["fc_session"].split(".")[-1].encode()).hexdigest()
        t.ok(sdb.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", (h,)).fetchone()[0] == 0,
             "and its row is deleted")
        sdb.close()
    finally:
        reports = short.stop()
        t.ok(not reports, "no sanitizer reports (short-session server)", "\n".join(reports)[:3000])
        short.cleanup()

    # ---- headers on every kind of response ----
    user, _ = signup(secure, "hana")
    anon2 = Client(secure)
    cases = [
        ("page", anon2.request("GET", "/")),
        ("HEAD", anon2.request("HEAD", "/")),
        ("404", anon2.request("GET", "/no/such/page")),
        ("403", user.request("GET", "/admin")),
        ("405", anon2.request("PUT", "/restaurants")),
        ("400", anon2.request("GET", "/restaurants?page=abc")),
        ("403 CSRF", user.request("POST", "/logout", form={})),
        ("303", anon2.request("GET", "/feed")),
        ("413", anon2.request("POST", "/login", body=b"x=" + b"y" * (9 << 20),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})),
        ("API 200", anon2.request("GET", "/api/v1/restaurants")),
        ("API 401", anon2.request("GET", "/api/v1/me")),
        ("API 404", anon2.request("GET", "/api/v1/nothing")),
        ("API 415", anon2.request("POST", "/api/v1/login", body=b"a=b",
                                  headers={"Content-Type": "text/plain"})),
        ("static", anon2.request("GET", "/static/style.css")),
        ("static 404", anon2.request("GET", "/static/nothing.css")),
        ("static js", anon2.request("GET", "/static/instances.js")),
    ]
    problems = []
    for name, r in cases:
        hs = [(k.lower(), v) for k, v in r.getheaders()]
        one = {}
        for k in ("content-security-policy", "x-content-type-options", "referrer-policy",
                  "x-frame-options"):
            vals = [v for hk, v in hs if hk == k]
            if len(vals) != 1:
                problems.append((name, r.status, k, vals))
            one[k] = vals[0] if vals else ""
        csp = {d.strip().split(" ")[0]: d.strip().split(" ")[1:]
               for d in one["content-security-policy"].split(";") if d.strip()}
        scripts = csp.get("script-src", csp.get("default-src", ["*"]))
        if any(s in scripts for s in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:",
                                      "https:")) or not scripts:
            problems.append((name, "script sources", scripts))
        if csp.get("frame-ancestors") != ["'none'"] and csp.get("frame-ancestors") != ["'self'"]:
            problems.append((name, "frame-ancestors", csp.get("frame-ancestors")))
        if csp.get("object-src") != ["'none'"]:
            problems.append((name, "object-src", csp.get("object-src")))
        if one["x-content-type-options"] != "nosniff":
            problems.append((name, "nosniff", one["x-content-type-options"]))
        if one["referrer-policy"] not in ("no-referrer", "same-origin", "strict-origin",
                                          "strict-origin-when-cross-origin"):
            problems.append((name, "referrer-policy", one["referrer-policy"]))
        if one["x-frame-options"] not in ("DENY", "SAMEORIGIN"):
            problems.append((name, "x-frame-options", one["x-frame-options"]))
    statuses = {name: r.status for name, r in cases}
    t.ok(statuses == {"page": 200, "HEAD": 200, "404": 404, "403": 403, "405": 405, "400": 400,
                      "403 CSRF": 403, "303": 303, "413": 413, "API 200": 200, "API 401": 401,
                      "API 404": 404, "API 415": 415, "static": 200, "static 404": 404,
                      "static js": 200},
         "each kind of response was produced", statuses)
    t.ok(not problems, "every kind of response (%d) carries exactly one strict CSP (no inline or "
         "eval scripts, frame-ancestors, object-src 'none'), nosniff, a Referrer-Policy and "
         "X-Frame-Options" % len(cases), "\n".join(map(repr, problems)))
    bad = [name for name, r in cases
           if not name.startswith("static") and name != "303" and
           "no-store" not in (r.getheader("Cache-Control") or "")]
    t.ok(not bad, "dynamic responses are Cache-Control: no-store", bad)
    bad = [(name, r.getheader("Content-Type")) for name, r in cases
           if r.status != 303 and r.getheader("Content-Length") != "0" and name != "HEAD" and
           not r.getheader("Content-Type")]
    t.ok(not bad, "every response with a body says its Content-Type (nothing left to sniff)", bad)
    inline = []
    for root, _, files in os.walk(os.path.join(os.path.dirname(__file__), "..", "templates")):
        for f in files:
            text = open(os.path.join(root, f)).read()
            inline += [(f, m) for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", text)]
    t.ok(not inline, "templates have no inline scripts or event handlers (the CSP would block them)",
         inline)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    for s in (srv, secure):
        if s:
            reports = s.stop()
            t.ok(not reports, "no sanitizer reports from the FastCGI processes",
                 "\n".join(reports)[:3000])
            s.cleanup()
t.done()
