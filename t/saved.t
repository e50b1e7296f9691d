#!/usr/bin/env python3
"""Want-to-go that people use (issue #16, item 6, the part without new stored fields): the
list page removes a place and says "been there" (off the list, on to the review form for that
place, which asks how it was), inside each card; saving says friends will see it; the API
does the same (POST /api/v1/saved/:id/been). FORKCAST_TEST_STORE=dynamodb runs it on DynamoDB."""
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

PW = "correct horse 9"
t = TAP()
srv = Server(demo=True)


def api(method, path, token=None, body=None):
    c = Client(srv)
    h = {"Authorization": "Bearer " + token} if token else {}
    data = None
    if body is not None:
        data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
    r = c.request(method, path, body=data, headers=h)
    return r.status, (json.loads(r.text) if r.text.strip().startswith("{") else None), r


try:
    w = Client(srv)
    r = w.post("/signup", {"username": "wen", "email": "wen@example.com", "password": PW,
                           "password2": PW, "display_name": "Wen"})
    assert r.status == 303
    for rid in (1, 2, 3):
        r = w.post("/restaurants/%d/save" % rid, {}, csrf_from="/restaurants/%d" % rid)
    page = w.get("/restaurants/3").text
    t.ok("friends will see" in page.lower(), "saving says that friends will see it",
         re.findall(r'<p class="flash"[^>]*>(.*?)</p>', page))

    page = w.get("/saved").text
    cards = re.findall(r'<li class="card[^"]*">(.*?)</li>', page, re.S)
    t.ok(len(cards) == 3, "three places on the list", len(cards))
    c1 = [c for c in cards if 'href="/restaurants/1"' in c]
    t.ok(c1 and 'action="/restaurants/1/unsave"' in c1[0] and 'name="next" value="/saved"' in c1[0],
         "each card has its Remove button inside it", c1)
    t.ok(c1 and 'action="/restaurants/1/been"' in c1[0], "and its Been there button", c1)
    t.ok(not re.search(r"</li>\s*<form", page), "no button sits between the cards")

    r = w.post("/restaurants/1/unsave", {"next": "/saved"}, csrf_from="/saved")
    t.ok(r.status == 303 and r.headers.get("location", "").endswith("/saved"), "Remove goes back to the list",
         (r.status, r.headers.get("location")))
    page = w.get("/saved").text
    t.ok('href="/restaurants/1"' not in page and 'href="/restaurants/2"' in page, "the place left the list")

    r = w.post("/restaurants/2/been", {}, csrf_from="/saved")
    loc = r.headers.get("location", "")
    t.ok(r.status == 303 and "/restaurants/2" in loc and loc.endswith("#my-review"),
         "Been there leads to the review form for that place", (r.status, loc))
    page = w.get(loc.split("#")[0].replace("http://127.0.0.1:%d" % srv.port, "")).text
    t.ok("How was it?" in page or "how was it?" in page, "which asks how it was")
    t.ok('href="/restaurants/2"' not in w.get("/saved").text, "and the place is off the want-to-go list")
    t.ok(w.post("/restaurants/99999/been", {}, csrf_from="/saved").status == 404, "no such place: 404")

    # the API
    st, j, _ = api("POST", "/api/v1/login", body={"username": "wen", "password": PW})
    tok = j["token"]
    st, j, r = api("POST", "/api/v1/saved/3/been", tok)
    t.ok(st == 200 and j and j.get("saved") is False and j.get("review") == "/api/v1/restaurants/3/reviews",
         "POST /api/v1/saved/:id/been: off the list, where to post the review", (st, j))
    st, j, _ = api("GET", "/api/v1/saved", tok)
    t.ok(st == 200 and j["items"] == [], "the list is empty now", j)
    st, j, _ = api("POST", "/api/v1/saved/99999/been", tok)
    t.ok(st == 404, "no such place: 404", st)
    st, j, _ = api("POST", "/api/v1/saved/3/been")
    t.ok(st == 401, "without a token: 401", st)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    srv.stop()
t.done()
