#!/usr/bin/env python3
"""Records sized to their data (issue #15 item 5): a review's text is kept in full, whatever its
size in bytes, up to Limits.MaxReview characters; no fixed buffer of the store cuts or refuses
it. Here Limits.MaxReview is 5000 and reviews of 3,000 four-byte characters (12,000 bytes, more
than the 8 KB the records once held) go in through the API and the web form and come back whole
from the API, the restaurant page, the profile and the friends' feed.
FORKCAST_TEST_STORE=dynamodb: on DynamoDB."""
import html
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart  # noqa: E402

t = TAP()
srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXREVIEW": "5000"})
PW = "tacos al pastor"
LONG_API = "\U0001F32E" * 3000  # taco, 4 bytes in UTF-8: 12,000 bytes
LONG_WEB = "\U0001F336" * 2999 + "!"  # hot pepper


def call(method, path, body=None, token=None):
    h = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    status, text = r.status, r.read().decode("utf-8", "replace")
    c.close()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def web_user(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()})
    assert r.status == 303, (name, r.status)
    return c


def token(name):
    st, j = call("POST", "/api/v1/login", {"username": name, "password": PW})
    assert st == 200, (st, j)
    return j["token"]


try:
    w = web_user("lena")
    web_user("omar")
    tl, to = token("lena"), token("omar")
    st, j = call("POST", "/api/v1/friends/requests", {"username": "lena"}, to)
    st2, j2 = call("POST", "/api/v1/friends/requests/omar/accept", None, tl)
    t.ok(st in (200, 201) and st2 in (200, 201, 204), "lena and omar are friends", (st, j, st2, j2))

    # the API: a 12,000-byte review is written and read back whole
    st, j = call("POST", "/api/v1/restaurants/3/reviews", {"stars": 4, "body": LONG_API}, tl)
    t.ok(st == 201 and isinstance(j, dict) and j.get("body") == LONG_API,
         "API: a review of 3,000 four-byte characters is stored (201) and answered whole",
         (st, str(j)[:300]))
    rid = j.get("id") if isinstance(j, dict) else None
    st, j = call("GET", "/api/v1/reviews/%s" % rid, None, to)
    t.ok(st == 200 and j.get("body") == LONG_API, "API: GET the review gives the whole text",
         (st, str(j)[:300]))
    st, j = call("GET", "/api/v1/restaurants/3/reviews", None, to)
    t.ok(st == 200 and any(x.get("body") == LONG_API for x in j.get("items", [])),
         "API: the restaurant's reviews give the whole text", (st, str(j)[:300]))
    st, j = call("GET", "/api/v1/feed", None, to)
    t.ok(st == 200 and any(x.get("body") == LONG_API for x in j.get("items", [])),
         "API: the friend's feed gives the whole text", (st, str(j)[:300]))

    # the web form: the same through a browser, shown whole on the pages
    form = {"csrf": w.csrf("/restaurants/4"), "stars": "5", "body": LONG_WEB}
    data, ct = multipart(form, {"photo": ("", "application/octet-stream", b"")})
    r = w.request("POST", "/restaurants/4/review", body=data, headers={"Content-Type": ct})
    t.ok(r.status == 303, "web: a review of 3,000 four-byte characters is saved (303)", r.status)
    page = w.get("/restaurants/4")
    text = html.unescape(page.text)
    t.ok(page.status == 200 and text.count(LONG_WEB) >= 1,
         "web: the restaurant page shows the whole text", page.status)
    page = w.get("/u/lena")
    text = html.unescape(page.text)
    t.ok(page.status == 200 and LONG_WEB in text and LONG_API in text,
         "web: the profile shows both whole texts", page.status)
    st, j = call("GET", "/api/v1/restaurants/4", None, tl)
    t.ok(st == 200 and (j.get("my_review") or {}).get("body") == LONG_WEB,
         "API: the web's review reads back whole as my_review", (st, str(j)[:300]))

    # still refused above Limits.MaxReview characters (bytes do not count)
    st, j = call("POST", "/api/v1/restaurants/5/reviews", {"stars": 4, "body": "x" * 5001}, tl)
    t.ok(st == 422 and j.get("error", {}).get("field") == "body",
         "API: 5,001 characters are over Limits.MaxReview: 422 naming body", (st, str(j)[:300]))
except Exception:
    import traceback
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
