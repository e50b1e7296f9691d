#!/usr/bin/env python3
"""Integration test: the real lighttpd + forkcast FastCGI processes, driven over HTTP like a
browser: sign up, log in, profile, restaurants, errors, CSRF, escaping, limits, throttling."""
import json
import os
import re
import sqlite3
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

t = TAP()
srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXBODY": "65536",
                             "FORKCAST_AUTH_THROTTLE_PERACCOUNT": "5"})
try:
    b = Client(srv)
    r = b.get("/")
    t.ok(r.status == 200 and '<html lang="en">' in r.text, "front page renders")
    t.ok("130 places to try" in r.text, "front page counts the imported restaurants")

    r = b.get("/static/style.css")
    t.ok(r.status == 200 and "text/css" in r.getheader("Content-Type", ""),
         "lighttpd serves static files itself")

    # sign up -> logged in
    r = b.post("/signup", {"username": "ana", "email": "ana@example.com",
                           "password": "tacos al pastor", "password2": "tacos al pastor",
                           "display_name": "Ana"})
    t.ok(r.status == 303 and r.getheader("Location") == "/", "sign up redirects home", r.status)
    cookie = r.getheader("Set-Cookie") or ""
    first_session = b.cookies.get("fc_session")
    t.ok(first_session and re.fullmatch(r"[1-9][0-9]*\.[0-9a-f]{64}", first_session),
         "session cookie is the user's id and a 256-bit token", first_session)
    setcookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
    sc = [v for v in setcookies if v.startswith("fc_session=")][0]
    t.ok("HttpOnly" in sc and "SameSite=Lax" in sc and "Secure" not in sc,
         "session cookie is HttpOnly, SameSite=Lax, not Secure over http", sc)
    r = b.get("/")
    t.ok("Welcome, Ana" in r.text, "home greets the logged-in user")

    # log out, wrong password, right password (session rotated)
    r = b.post("/logout", {}, csrf_from="/")
    t.ok(r.status == 303 and "fc_session" not in b.cookies, "log out clears the session")
    r = b.post("/login", {"username": "ana", "password": "wrong password!"})
    t.ok(r.status == 401 and "Wrong username or password" in r.text and 'value="ana"' in r.text,
         "wrong password: 401, clear message, username kept", r.status)
    r = b.post("/login", {"username": "ana", "password": "tacos al pastor", "next": "/restaurants"})
    t.ok(r.status == 303 and r.getheader("Location") == "/restaurants",
         "log in redirects to next", r.status)
    t.ok(b.cookies.get("fc_session") not in (None, first_session), "log-in rotates the session")

    # profile edit with markup in the bio
    r = b.post("/u/ana/edit", {"display_name": "Ana G", "bio": "<script>alert('x')</script> & more",
                               "city": "San Luis Potosi", "price": "low", "visibility": "public",
                               "cuisine": ["Mexican", "Japanese"]})
    t.ok(r.status == 303 and r.getheader("Location") == "/u/ana", "profile saved", r.status)
    r = Client(srv).get("/u/ana")
    t.ok("<script>alert" not in r.text and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in r.text,
         "<script> in a bio comes back escaped",
         re.findall(r'class="bio">.*?<', r.text))
    t.ok("Mexican" in r.text and "Japanese" in r.text and "San Luis Potosi" in r.text,
         "profile shows cuisines and city")
    r = b.post("/u/ana/edit", {"display_name": "", "bio": "kept?", "visibility": "public"},
               csrf_from="/u/ana/edit")
    t.ok(r.status == 422 and "Display name must be 1 to 60 characters" in r.text
         and "kept?" in r.text, "bad profile input: 422 (as the API) with the field's error, input kept",
         r.status)
    r = Client(srv).get("/u/ana")
    t.ok("Ana G" in r.text and "kept?" not in r.text, "nothing stored after a refused edit")

    # someone else's profile edit
    e = Client(srv)
    e.post("/signup", {"username": "eve", "email": "eve@example.com",
                       "password": "a long secret phrase", "password2": "a long secret phrase"})
    r = e.get("/u/ana/edit")
    t.ok(r.status == 403, "GET someone else's profile edit: 403", r.status)
    r = e.post("/u/ana/edit", {"display_name": "hacked", "visibility": "public"},
               csrf_from="/")
    t.ok(r.status == 403 and "hacked" not in Client(srv).get("/u/ana").text,
         "POST someone else's profile edit: 403, nothing changed", r.status)

    # duplicate username
    d = Client(srv)
    r = d.post("/signup", {"username": "ANA", "email": "other@example.com",
                           "password": "tacos al pastor", "password2": "tacos al pastor"})
    t.ok(r.status == 409 and "That username is taken" in r.text, "duplicate username: clear message",
         r.status)
    r = d.post("/signup", {"username": "ana2", "email": "ana@example.com",
                           "password": "tacos al pastor", "password2": "tacos al pastor"})
    t.ok(r.status == 409 and "e-mail address already exists" in r.text, "duplicate e-mail: clear message")

    # CSRF
    r = b.request("POST", "/u/ana/edit", form={"display_name": "x", "visibility": "public"})
    t.ok(r.status == 403 and "form has expired" in r.text, "POST without CSRF token refused", r.status)
    r = b.request("POST", "/logout", form={"csrf": "0" * 64})
    t.ok(r.status == 403, "POST with a wrong CSRF token refused")

    # restaurants
    r = b.get("/restaurants")
    t.ok(r.status == 200 and "Showing 1&ndash;20 of 130" in r.text, "restaurant list, first page",
         re.findall(r"Showing[^<]*", r.text))
    r = b.get("/restaurants?page=7")
    t.ok("Showing 121&ndash;130 of 130" in r.text, "last page")
    r = b.get("/restaurants?q=taco")
    names = re.findall(r'class="card-title" href="/restaurants/\d+">([^<]*)<', r.text)
    t.ok(names and all("taco" in n.lower() for n in names), "search by name", names)
    r = b.get("/restaurants?cuisine=Japanese&city=Cuernavaca")
    names = re.findall(r'class="card-title" href="/restaurants/\d+">([^<]*)<', r.text)
    t.ok("Kiku Cuernavaca" in names, "filter by cuisine and city", names)
    r = b.get("/restaurants?price=high&q=zzzz-nothing")
    t.ok("No restaurant matches" in r.text, "empty result says what to do")
    r = b.get("/restaurants?page=abc")
    t.ok(r.status == 400 and "page number" in r.text, "bad page number: 400 with a message")
    m = re.search(r'href="/restaurants/(\d+)">Kiku Cuernavaca', b.get("/restaurants?q=kiku").text)
    r = b.get("/restaurants/%s" % m.group(1))
    t.ok(r.status == 200 and "Kiku Cuernavaca" in r.text and "openstreetmap.org/?mlat=18.915421" in r.text
         and "Mon-Fri 11:00-21:00" in r.text and "reviews" in r.text,
         "restaurant page: map link, hours, rating")
    t.ok(b.get("/restaurants/999999").status == 404, "unknown restaurant: 404")

    # errors
    r = b.get("/no/such/page")
    t.ok(r.status == 404 and "There is nothing at this address" in r.text and "Request id" in r.text,
         "unknown path: the 404 page")
    r = b.request("POST", "/u/ana/edit", body=b"bio=" + b"x" * 70000,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.ok(r.status == 413 and "larger than this site accepts" in r.text, "oversized body: 413 page",
         r.status)
    t.ok("Ana G" in Client(srv).get("/u/ana").text, "nothing lost after the 413")
    r = b.request("PUT", "/restaurants")
    t.ok(r.status == 405, "wrong method: 405", r.status)

    # throttling: 5 failures lock the account for the window, even for the right password
    z = Client(srv)
    for i in range(5):
        z.post("/login", {"username": "eve", "password": "not it %d" % i})
    r = z.post("/login", {"username": "eve", "password": "a long secret phrase"})
    t.ok(r.status == 429 and "Too many failed log-ins" in r.text, "log-in throttled per account",
         r.status)

    # demo users can log in; the import hashed their (public) demo password at a low cost,
    # which their first log-in, on the site or through the API, raises to the configured one
    def pw_hash(name):
        if srv.dynalite:  # t/web_dynamodb.t: the items themselves (no SQLite mirror to pull)
            table = srv.env["FORKCAST_STORE_DYNAMODB_TABLE"]
            key = {"pk": {"S": "UNAME#" + name}, "sk": {"S": "UNIQUE"}}
            st, d = srv.dynalite.call("GetItem", {"TableName": table, "Key": key,
                                                  "ConsistentRead": True})
            uid = d.get("Item", {}).get("uid", {}).get("N", "0")
            key = {"pk": {"S": "U#" + uid}, "sk": {"S": "PROFILE"}}
            st, d = srv.dynalite.call("GetItem", {"TableName": table, "Key": key,
                                                  "ConsistentRead": True})
            return d.get("Item", {}).get("pw_hash", {}).get("S", "")
        db = sqlite3.connect(srv.env["FORKCAST_STORE_SQLITE_PATH"])
        row = db.execute("SELECT pw_hash FROM users WHERE username = ?", (name,)).fetchone()
        db.close()
        return row[0] if row else ""

    def cost(h):
        m = re.match(r"\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$", h)
        return (1 << int(m.group(1))) * int(m.group(2)) * int(m.group(3)) if m else 0

    full = "$scrypt$ln=10,r=8,p=3$"  # Auth.Scrypt as the test server sets it
    before = {n: pw_hash(n) for n in ("u1001", "u1002", "u1003")}
    t.ok(all(0 < cost(h) < cost(full) for h in before.values())
         and len(set(h.split("$")[3] for h in before.values())) == 3
         and pw_hash("admin").startswith(full),
         "the import hashes the demo users' password at a low cost, each with its own salt; "
         "the admin's at the configured one", "%s %s" % (before, pw_hash("admin")))
    u = Client(srv)
    r = u.post("/login", {"username": "u1001", "password": "forkcast-demo"})
    t.ok(r.status == 303, "demo user logs in with the demo password", r.status)
    after = pw_hash("u1001")
    # on Cognito (t/web_cognito.t) the pool checks the password: the local hash is not used,
    # so nothing re-makes it
    local = srv.auth == "local"
    t.ok(after.startswith(full) and after != before["u1001"] if local
         else after == before["u1001"],
         "and the first log-in re-hashes it at the configured cost" if local
         else "on Cognito the log-in leaves the unused local hash alone", after)
    api = Client(srv).request("POST", "/api/v1/login", body=json.dumps(
        {"username": "u1002", "password": "forkcast-demo"}).encode(),
        headers={"Content-Type": "application/json"})
    t.ok(api.status == 200 and (pw_hash("u1002").startswith(full) if local
                                else pw_hash("u1002") == before["u1002"]),
         "so does the first log-in through the API" if local
         else "... and so does a log-in through the API",
         "%s %s" % (api.status, pw_hash("u1002")))
    r = Client(srv).post("/login", {"username": "u1001", "password": "forkcast-demo"})
    t.ok(r.status == 303 and pw_hash("u1001") == after,
         "the re-hashed password logs in again, and is kept", r.status)
    t.ok(Client(srv).post("/login", {"username": "u1003", "password": "forkcast-demX"}).status
         == 401 and pw_hash("u1003") == before["u1003"],
         "a wrong password changes nothing")
    t.ok("child exited" not in srv.errorlog(), "every FastCGI process started",
         srv.errorlog()[-2000:])
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
