#!/usr/bin/env python3
"""Want-to-go that people use (issue #16, item 6): the
list page removes a place and says "been there" (off the list, on to the review form for that
place, which asks how it was), inside each card; saving says friends will see it; the API
does the same (POST /api/v1/saved/:id/been). A private note per saved place (/saved, PUT
/api/v1/saved/:id {"note"}), up to 280 characters, seen by its owner only. FORKCAST_TEST_STORE=dynamodb runs it on DynamoDB."""
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

    # a private note per saved place: a small form in each card, only the owner sees it
    r = w.post("/restaurants/3/note", {"note": "ask for the window table"}, csrf_from="/saved")
    t.ok(r.status == 303 and r.headers.get("location", "").endswith("/saved"), "the note form goes back to the list",
         (r.status, r.headers.get("location")))
    page = w.get("/saved").text
    c3 = [c for c in re.findall(r'<li class="card[^"]*">(.*?)</li>', page, re.S) if 'href="/restaurants/3"' in c]
    t.ok(c3 and 'action="/restaurants/3/note"' in c3[0] and "ask for the window table" in c3[0],
         "the note shows in its card, in its form", c3)
    t.ok("Note saved" in page, "with a flash", re.findall(r'<p class="flash"[^>]*>(.*?)</p>', page))
    r = w.post("/restaurants/3/note", {"note": "x" * 281}, csrf_from="/saved")
    t.ok(r.status == 422 and "280" in r.text and "note" in r.text.lower(), "a note over 280 characters: 422",
         r.status)
    t.ok("ask for the window table" in w.get("/saved").text, "and the note stays as it was")
    r = w.post("/restaurants/4/note", {"note": "hi"}, csrf_from="/saved")
    t.ok(r.status == 404, "a note on a place not on the list: 404", r.status)
    o = Client(srv)
    o.post("/signup", {"username": "ola", "email": "ola@example.com", "password": PW, "password2": PW,
                       "display_name": "Ola"})
    t.ok("window table" not in o.get("/saved").text and "window table" not in o.get("/restaurants/3").text,
         "nobody else sees it")

    # "keep my want-to-go list private" (profile form and API): friends' feeds (web and API)
    # drop wen's saves at read time; the owner's /saved is unaffected; off shows them again
    w.post("/friends/request", {"username": "ola"}, csrf_from="/friends")
    o.post("/friends/accept", {"username": "wen"}, csrf_from="/friends")
    r = w.post("/restaurants/5/save", {}, csrf_from="/restaurants/5")
    _, j, _ = api("POST", "/api/v1/login", body={"username": "ola", "password": PW})
    otok = j["token"]
    _, j, _ = api("POST", "/api/v1/login", body={"username": "wen", "password": PW})
    wtok = j["token"]
    api_saves = lambda: [i for i in (api("GET", "/api/v1/feed", otok)[1] or {}).get("items", [])
                         if i.get("kind") == "save"]
    t.ok("wants to go to" in o.get("/feed").text and api_saves(), "a friend sees the save (web and API)")
    form = {"display_name": "Wen", "visibility": "public", "saves_private": "1"}
    r = w.post("/u/wen/edit", form, csrf_from="/u/wen/edit")
    t.ok(r.status == 303, "the profile form takes saves_private", r.status)
    t.ok('name="saves_private" value="1" checked' in w.get("/u/wen/edit").text, "and shows it checked")
    t.ok("wants to go to" not in o.get("/feed").text, "private: no saved item of wen in a friend's feed")
    t.ok(api_saves() == [], "nor in the friend's API feed", api_saves())
    t.ok('href="/restaurants/5"' in w.get("/saved").text, "the owner's /saved still lists it")
    page = w.post("/restaurants/6/save", {}, csrf_from="/restaurants/6") and w.get("/restaurants/6").text
    t.ok("only you see your list" in page.lower() and "friends will see" not in page.lower(),
         "saving says only you see the list", re.findall(r'<p class="flash"[^>]*>(.*?)</p>', page))
    w.post("/restaurants/6/unsave", {}, csrf_from="/restaurants/6")
    st, j, _ = api("PATCH", "/api/v1/me", wtok, {"saves_private": False})
    t.ok(st == 200 and j.get("saves_private") is False, "PATCH /api/v1/me {saves_private: false}", (st, j))
    t.ok("wants to go to" in o.get("/feed").text and api_saves(), "off: the save is back in the feed")
    st, j, _ = api("PATCH", "/api/v1/me", wtok, {"saves_private": True})
    t.ok(st == 200 and j.get("saves_private") is True and api_saves() == [], "the API turns it on", (st, j))
    st, j, _ = api("PATCH", "/api/v1/me", wtok, {"saves_private": "yes"})
    t.ok(st == 422 and j["error"].get("field") == "saves_private", "not a boolean: 422", (st, j))
    st, j, _ = api("GET", "/api/v1/users/wen", otok)
    t.ok("saves_private" not in json.dumps(j), "others are told nothing about it", j)
    w.post("/restaurants/5/unsave", {}, csrf_from="/restaurants/5")

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
    items = lambda j: {i.get("id"): i for i in (j or {}).get("items", [])}
    st, j, _ = api("GET", "/api/v1/saved", tok)
    t.ok(st == 200 and items(j).get(3, {}).get("note") == "ask for the window table",
         "GET /api/v1/saved: the owner's note with each place", j)
    st, j, _ = api("PUT", "/api/v1/saved/3", tok, {"note": "bring cash"})
    t.ok(st in (200, 204), "PUT /api/v1/saved/:id {note}", (st, j))
    st, j, _ = api("GET", "/api/v1/saved", tok)
    t.ok(items(j).get(3, {}).get("note") == "bring cash", "the note changed", j)
    st, j, _ = api("PUT", "/api/v1/saved/3", tok, {"note": "x" * 281})
    t.ok(st == 422 and j and j["error"].get("field") == "note", "a long note: 422 naming the field note", (st, j))
    st, j, _ = api("PUT", "/api/v1/saved/3", tok, {"note": 5})
    t.ok(st == 422 and j and j["error"].get("field") == "note", "a note that is not a string: 422", (st, j))
    st, j, _ = api("POST", "/api/v1/login", body={"username": "ola", "password": PW})
    st, j, _ = api("GET", "/api/v1/saved", j["token"])
    t.ok(st == 200 and "bring cash" not in json.dumps(j), "another user's API list has no note of wen's", j)
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
