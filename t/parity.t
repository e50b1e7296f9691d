#!/usr/bin/env python3
"""Parity of the two front ends (issue #15): the same scenario through the web pages (a browser:
cookies, CSRF, forms) and through the JSON API (a bearer token) must end the same way: the
same status (a page's 303 redirect is the API's 2xx), the same field at fault, and the same
stored result, read back through the API. Review create, a second review of the same place,
edit, photo, the date of the visit, delete, save/unsave, a search with a bad price, and a
read-only store (503 with Retry-After on both). FORKCAST_TEST_STORE=dynamodb: on DynamoDB."""
import http.client
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart  # noqa: E402

t = TAP()
srv = Server(demo=True)
PW = "tacos al pastor"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")
        try:
            self.json = json.loads(self.text) if "json" in headers.get("content-type", "") else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "%d %s" % (self.status, self.text[:300])


def call(method, path, body=None, token=None, files=None):
    """One API request: JSON body, or multipart/form-data when files are given."""
    h = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if files is not None:
        data, h["Content-Type"] = multipart({k: str(v) for k, v in (body or {}).items()}, files)
    elif body is not None:
        data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


def web_review(c, path, rid, fields, photo=None):
    """The review form as the browser sends it (multipart, an empty file part without a photo)."""
    form = {"csrf": c.csrf("/restaurants/%d" % rid)}
    form.update({k: str(v) for k, v in fields.items()})
    files = {"photo": photo or ("", "application/octet-stream", b"")}
    data, ct = multipart(form, files)
    return c.request("POST", path, body=data, headers={"Content-Type": ct})


def api_token(name):
    r = call("POST", "/api/v1/login", {"username": name, "password": PW})
    assert r.status == 200, r
    return r.json["token"]


def web_user(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()})
    assert r.status == 303, (name, r.status)
    return c


def mine(token, rid):
    """The stored review of the token's user for restaurant rid (None), through the API."""
    r = call("GET", "/api/v1/restaurants/%d" % rid, token=token)
    assert r.status == 200, r
    m = r.json["my_review"]
    return None if m is None else {k: m.get(k) for k in ("stars", "body", "visited")} | {
        "photo": bool(m.get("photo"))}


def saved(token, rid):
    return call("GET", "/api/v1/restaurants/%d" % rid, token=token).json["saved"]


def outcome(status):
    """A page's redirect after a POST and the API's 2xx are the same outcome: done."""
    return "done" if status in (200, 201, 204, 303) else status


def field_of_page(text):
    """The field a refused review form names (the form's error next to it)."""
    m = re.search(r'class="field-error" id="err-(\w+)"', text) or \
        re.search(r'id="(\w+)-error"', text)
    return m.group(1) if m else None


def same(name, web, api, stored_web=None, stored_api=None):
    t.ok(outcome(web.status) == outcome(api.status) and stored_web == stored_api,
         name, "web %s / api %s; stored web %r / api %r" % (
             web.status, api, stored_web, stored_api))


try:
    w = web_user("wendy")          # the browser
    web_user("arturo")             # the mobile client (signed up on the web, uses the API)
    tw, ta = api_token("wendy"), api_token("arturo")
    R1, R2, R3 = 5, 6, 7

    # 1. create
    rw = web_review(w, "/restaurants/%d/review" % R1, R1, {"stars": 4, "body": "First visit"})
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R1, {"stars": 4, "body": "First visit"}, ta)
    same("create a review: web %d, API %d, same stored review" % (rw.status, ra.status),
         rw, ra, mine(tw, R1), mine(ta, R1))

    # 2. a second review of the same place updates the first on both
    rw = web_review(w, "/restaurants/%d/review" % R1, R1, {"stars": 2, "body": "Second thoughts"})
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R1, {"stars": 2, "body": "Second thoughts"}, ta)
    same("a second review of the same place: web %d, API %d (both update the first)" % (
        rw.status, ra.status), rw, ra, mine(tw, R1), mine(ta, R1))
    t.ok(ra.status == 200 and ra.json and ra.json.get("body") == "Second thoughts"
         and ra.headers.get("location", "").startswith("/api/v1/reviews/"),
         "... the API answers 200 with the updated review and its Location", ra)

    # 3. edit by id
    wid = int(re.search(r'action="/reviews/(\d+)/edit"', w.get("/restaurants/%d" % R1).text).group(1))
    aid = call("GET", "/api/v1/restaurants/%d" % R1, token=ta).json["my_review"]["id"]
    rw = web_review(w, "/reviews/%d/edit" % wid, R1, {"stars": 5, "body": "Edited"})
    ra = call("PUT", "/api/v1/reviews/%d" % aid, {"stars": 5, "body": "Edited"}, ta)
    same("edit a review: web %d, API %d" % (rw.status, ra.status), rw, ra, mine(tw, R1), mine(ta, R1))

    # 4. a photo, on create and on update, through the API too (multipart/form-data)
    rw = web_review(w, "/restaurants/%d/review" % R2, R2, {"stars": 3, "body": "With a photo"},
                    photo=("p.jpg", "image/jpeg", JPEG))
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R2, {"stars": 3, "body": "With a photo"}, ta,
              files={"photo": ("p.jpg", "image/jpeg", JPEG)})
    same("create with a photo: web %d, API %d" % (rw.status, ra.status), rw, ra, mine(tw, R2), mine(ta, R2))
    t.ok((mine(ta, R2) or {}).get("photo") is True, "... the API's review has its photo", mine(ta, R2))
    wid2 = int(re.search(r'action="/reviews/(\d+)/edit"', w.get("/restaurants/%d" % R2).text).group(1))
    aid2 = (call("GET", "/api/v1/restaurants/%d" % R2, token=ta).json["my_review"] or {}).get("id", 0)
    rw = web_review(w, "/reviews/%d/edit" % wid2, R2, {"stars": 3, "body": "New photo"},
                    photo=("p.png", "image/png", PNG))
    ra = call("PUT", "/api/v1/reviews/%d" % aid2, {"stars": 3, "body": "New photo"}, ta,
              files={"photo": ("p.png", "image/png", PNG)})
    same("update with a new photo: web %d, API %d" % (rw.status, ra.status), rw, ra,
         mine(tw, R2), mine(ta, R2))
    pw = call("GET", "/api/v1/restaurants/%d" % R2, token=tw).json["my_review"]["photo"] or ""
    pa = (call("GET", "/api/v1/restaurants/%d" % R2, token=ta).json["my_review"] or {}).get("photo") or ""
    t.ok(pw.endswith(".png") and pa.endswith(".png"), "... both now carry the PNG", (pw, pa))
    rw = web_review(w, "/restaurants/%d/review" % R2, R2, {"stars": 3, "body": "x"},
                    photo=("e.jpg", "image/jpeg", b"<?php echo 1; ?>" * 3))
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R2, {"stars": 3, "body": "x"}, ta,
              files={"photo": ("e.jpg", "image/jpeg", b"<?php echo 1; ?>" * 3)})
    t.ok(rw.status == 415 and ra.status == 415 and (ra.json or {}).get("error", {}).get("field") == "photo",
         "a photo that is no image: 415 on both (web %d, API %r)" % (rw.status, ra))

    # 5. refused input: the same status and field on both
    for name, fields, field in (("stars out of range", {"stars": 9, "body": "x"}, "stars"),
                                ("text over the limit", {"stars": 3, "body": "x" * 2001}, "body"),
                                ("a visit in the future", {"stars": 3, "visited": "2099-01"}, "visited"),
                                ("a visit that is no month", {"stars": 3, "visited": "2026-13"}, "visited")):
        rw = web_review(w, "/restaurants/%d/review" % R3, R3, fields)
        ra = call("POST", "/api/v1/restaurants/%d/reviews" % R3, fields, ta)
        err = (ra.json or {}).get("error") or {}
        t.ok(rw.status == ra.status and 400 <= rw.status < 500 and err.get("field") == field
             and 'id="err-%s"' % field in rw.text,
             "%s: web %d, API %d, field %s on both" % (name, rw.status, ra.status, field),
             "%r / %s" % (ra, re.findall(r'class="field-error"[^>]*>([^<]*)<', rw.text)))
    t.ok(mine(tw, R3) is None and mine(ta, R3) is None, "... nothing stored")

    # 6. the date of the visit
    rw = web_review(w, "/restaurants/%d/review" % R3, R3, {"stars": 4, "visited": "2026-03"})
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R3, {"stars": 4, "visited": "2026-03"}, ta)
    same("a review with the month of the visit: web %d, API %d" % (rw.status, ra.status), rw, ra,
         mine(tw, R3), mine(ta, R3))
    t.ok((mine(ta, R3) or {}).get("visited") == "2026-03", "... stored as 2026-03", mine(ta, R3))
    t.ok("visited in March 2026" in re.sub(r"<[^>]+>", "", Client(srv).get("/restaurants/%d" % R3).text),
         "the restaurant page says \"visited in March 2026\"")

    # 7. delete
    rw = w.post("/reviews/%d/delete" % wid, {}, csrf_from="/restaurants/%d" % R1)
    ra = call("DELETE", "/api/v1/reviews/%d" % aid, token=ta)
    same("delete: web %d, API %d" % (rw.status, ra.status), rw, ra, mine(tw, R1), mine(ta, R1))

    # 8. save, unsave
    rw = w.post("/restaurants/%d/save" % R1, {}, csrf_from="/restaurants/%d" % R1)
    ra = call("PUT", "/api/v1/saved/%d" % R1, token=ta)
    same("save: web %d, API %d" % (rw.status, ra.status), rw, ra, saved(tw, R1), saved(ta, R1))
    rw = w.post("/restaurants/%d/unsave" % R1, {}, csrf_from="/restaurants/%d" % R1)
    ra = call("DELETE", "/api/v1/saved/%d" % R1, token=ta)
    same("unsave: web %d, API %d" % (rw.status, ra.status), rw, ra, saved(tw, R1), saved(ta, R1))
    rw = w.post("/restaurants/99999/save", {}, csrf_from="/restaurants/%d" % R1)
    ra = call("PUT", "/api/v1/saved/99999", token=ta)
    t.ok(rw.status == ra.status == 404, "saving no restaurant: 404 on both (%d, %d)" % (rw.status, ra.status))

    # 9. search parameters
    for q, field in (("price=cheap", "price"), ("page=0", "page"), ("q=" + "x" * 101, "q")):
        rw = w.get("/restaurants?" + q)
        ra = call("GET", "/api/v1/restaurants?" + q, token=ta)
        t.ok(rw.status == ra.status == 400 and ((ra.json or {}).get("error") or {}).get("field") == field,
             "search with %s: 400 on both (web %d, API %d)" % (q[:20], rw.status, ra.status), ra)
    rw, ra = w.get("/restaurants?price=low"), call("GET", "/api/v1/restaurants?price=low", token=ta)
    t.ok(rw.status == ra.status == 200, "a good price: 200 on both")

    # 9b. sign-up: refused input gets the same status and field on both; a 60-character name of
    # 4-byte characters (240 bytes) is accepted whole on both
    for name, fields, field in (
            ("a display name of 61 characters", {"display_name": "x" * 61}, "display_name"),
            ("a username with a space", {"username": "two words"}, "username"),
            ("an e-mail address without @", {"email": "nobody"}, "email")):
        form = {"username": "newbie", "email": "newbie@example.com", "password": PW,
                "display_name": "Newbie"}
        form.update(fields)
        rw = Client(srv).post("/signup", dict(form, password2=PW))
        ra = call("POST", "/api/v1/signup", form)
        err = (ra.json or {}).get("error") or {}
        t.ok(rw.status == ra.status and 400 <= rw.status < 500 and err.get("field") == field
             and field_of_page(rw.text) == field,
             "sign-up with %s: web %d, API %d, field %s on both" % (name, rw.status, ra.status, field),
             "%r / %s" % (ra, field_of_page(rw.text)))
    rw = Client(srv).post("/signup", {"username": "newbie", "email": "newbie@example.com",
                                      "password": PW, "password2": PW + "x",
                                      "display_name": "Newbie"})
    t.ok(rw.status == 422 and field_of_page(rw.text) == "password2",
         "sign-up on the web with two different passwords: 422 on password2, as a refused value",
         "%d %s" % (rw.status, field_of_page(rw.text)))
    # 9c. log-in without a password: the same status and field on both
    rw = Client(srv).post("/login", {"username": "u1001", "password": ""}, csrf_from="/login")
    ra = call("POST", "/api/v1/login", {"username": "u1001", "password": ""})
    err = (ra.json or {}).get("error") or {}
    t.ok(rw.status == ra.status == 422 and err.get("field") == "password"
         and field_of_page(rw.text) == "password",
         "log-in without a password: web %d, API %d, field password on both" % (rw.status, ra.status),
         "%r / %s" % (ra, field_of_page(rw.text)))
    taco = "\U0001F32E" * 60
    rw = Client(srv).post("/signup", {"username": "tacoweb", "email": "tw@example.com", "password": PW,
                                      "password2": PW, "display_name": taco})
    ra = call("POST", "/api/v1/signup", {"username": "tacoapi", "email": "ta@example.com",
                                         "password": PW, "display_name": taco})
    names = [(call("GET", "/api/v1/users/" + u, token=ta).json or {}).get("display_name")
             for u in ("tacoweb", "tacoapi")]
    same("sign-up with 60 four-byte characters: web %d, API %d, stored whole" % (rw.status, ra.status),
         rw, ra, names[0] == taco, names[1] == taco)

    # 10. a read-only store: 503 with Retry-After on both, nothing stored (Store.SQLite.ReadOnly;
    # FORKCAST_TEST_STORE=dynamodb runs the rest of this file on DynamoDB)
    if srv.store != "sqlite":
        t.ok(True, "read-only store # SKIP Store.SQLite.ReadOnly is SQLite's")
        raise SystemExit
    srv.proc.terminate()
    srv.proc.wait(10)
    srv.env["FORKCAST_STORE_SQLITE_READONLY"] = "1"
    srv.proc = subprocess.Popen(["lighttpd", "-D", "-f", os.path.join(srv.dir, "run", "lighttpd.conf")],
                                env=srv.env, stdout=srv.out, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    rw = web_review(w, "/restaurants/%d/review" % R1, R1, {"stars": 1, "body": "read-only"})
    ra = call("POST", "/api/v1/restaurants/%d/reviews" % R1, {"stars": 1, "body": "read-only"}, ta)
    t.ok(rw.status == ra.status == 503 and rw.getheader("Retry-After") and ra.headers.get("retry-after"),
         "a review on a read-only store: 503 + Retry-After on both (web %d, API %r)" % (rw.status, ra))
    rw = w.post("/restaurants/%d/save" % R2, {}, csrf_from="/restaurants/%d" % R2)
    ra = call("PUT", "/api/v1/saved/%d" % R2, token=ta)
    t.ok(rw.status == ra.status == 503 and ra.headers.get("retry-after"),
         "a save on a read-only store: 503 on both (web %d, API %r)" % (rw.status, ra))
    t.ok(mine(tw, R1) is None and mine(ta, R1) is None, "... nothing stored")
except SystemExit:
    pass
except Exception:
    import traceback
    t.ok(False, "parity suite ran to the end", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
