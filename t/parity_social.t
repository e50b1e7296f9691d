#!/usr/bin/env python3
"""Parity of the web pages and the JSON API for people (issue #15): the same scenario (profile
edit with bad fields, friend request, accept, decline, cancel, remove, block, unblock, what a
blocked person sees) driven once through the pages and once through /api/v1/, each on a pair of
users of its own; both must answer the same status for each step (a page's 303 is the API's
2xx) and leave the same rows in the store. With FORKCAST_TEST_STORE=dynamodb it runs on
DynamoDB (dynalite) and reads what is stored through the API's lists instead of the SQLite
file."""
import json
import os
import sqlite3
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, signup_with_token  # noqa: E402

t = TAP()
srv = Server(demo=True)
PW = "tacos al pastor"
db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db")) if srv.store == "sqlite" else None


def signup(name):
    return signup_with_token(srv, name, PW)


def api(c, method, path, body=None):
    return c.api(method, "/api/v1" + path, body)


def outcome(r):
    """A page's redirect and the API's 2xx are both "ok"; a failure is its status."""
    return "ok" if r.status in (200, 201, 204, 303) else r.status


# ---- the same step, both ways ----

FORM = {"price": "low", "visibility": "public", "cuisines": ["Mexican"]}


def web_profile(c, fields):
    """The web form sends every field: the ones not changed as they are (FORM)."""
    f = dict(FORM, **fields)
    form = {"display_name": f.get("display_name", c.name.capitalize()), "bio": "", "city": "",
            "price": f["price"], "visibility": f["visibility"], "cuisine": f["cuisines"]}
    return c.post("/u/%s/edit" % c.name, form, csrf_from="/u/%s/edit" % c.name)


def api_profile(c, fields):
    return api(c, "PATCH", "/me", fields)


def web_friend(c, action, other):
    return c.post("/friends/" + action, {"username": other.name}, csrf_from="/friends")


def api_friend(c, action, other):
    if action == "request":
        return api(c, "POST", "/friends/requests", {"username": other.name})
    if action == "accept":
        return api(c, "POST", "/friends/requests/%s/accept" % other.name)
    if action in ("decline", "cancel"):
        return api(c, "DELETE", "/friends/requests/" + other.name)
    if action == "remove":
        return api(c, "DELETE", "/friends/" + other.name)
    if action == "block":
        return api(c, "PUT", "/blocks/" + other.name)
    if action == "unblock":
        return api(c, "DELETE", "/blocks/" + other.name)
    raise ValueError(action)


def uid(name):
    return db.execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()[0]


def names(c, path, key):
    return {p["username"] for p in json.loads(api(c, "GET", path).text)[key]}


def stored_pair(x, y):
    """What the store holds between x and y, from x's side."""
    if db is None:  # DynamoDB: the lists both of them see
        return {
            "friends": (int(y.name in names(x, "/friends", "friends")),
                        int(x.name in names(y, "/friends", "friends"))),
            "asked": int(y.name in names(x, "/friends", "outgoing")),
            "was_asked": int(y.name in names(x, "/friends", "incoming")),
            "blocked": int(y.name in names(x, "/blocks", "blocked")),
            "blocked_by": int(x.name in names(y, "/blocks", "blocked")),
        }
    a, b = uid(x.name), uid(y.name)
    q = lambda sql, p, o: db.execute(sql, (p, o)).fetchone()[0]  # noqa: E731
    return {
        "friends": (q("SELECT count(*) FROM friendships WHERE user_id = ? AND friend_id = ?", a, b),
                    q("SELECT count(*) FROM friendships WHERE user_id = ? AND friend_id = ?", b, a)),
        "asked": q("SELECT count(*) FROM friend_requests WHERE from_id = ? AND to_id = ?", a, b),
        "was_asked": q("SELECT count(*) FROM friend_requests WHERE from_id = ? AND to_id = ?", b, a),
        "blocked": q("SELECT count(*) FROM blocks WHERE user_id = ? AND blocked_id = ?", a, b),
        "blocked_by": q("SELECT count(*) FROM blocks WHERE user_id = ? AND blocked_id = ?", b, a),
    }


def stored_profile(c):
    if db is None:
        me = json.loads(api(c, "GET", "/me").text)
        return (me["display_name"], me["price"], me["visibility"], ",".join(me["cuisines"]))
    return db.execute("SELECT display_name, price, visibility, cuisines FROM users WHERE username = ?",
                      (c.name,)).fetchone()


try:
    wx, wy = signup("webxavi"), signup("webyara")
    ax, ay = signup("apixavi"), signup("apiyara")

    def both_profile(name, fields, want):
        rw, ra = web_profile(wx, fields), api_profile(ax, fields)
        sw, sa = stored_profile(wx), stored_profile(ax)
        same = outcome(rw) == outcome(ra) == want and sw[1:] == sa[1:]
        t.ok(same, "profile: %s: page and API answer %s and store the same" % (name, want),
             (outcome(rw), outcome(ra), sw, sa, ra.text[:200]))

    both_profile("a good edit", {"price": "low", "visibility": "public", "cuisines": ["Mexican"]}, "ok")
    both_profile("price 'cheap'", {"price": "cheap"}, 422)
    both_profile("visibility 'everyone'", {"visibility": "everyone"}, 422)
    both_profile("an unknown cuisine", {"cuisines": ["Martian"]}, 422)
    both_profile("an empty display name", {"display_name": ""}, 422)
    both_profile("a cuisine twice counts once", {"cuisines": ["Mexican", "Japanese", "Mexican"]}, "ok")
    t.ok(stored_profile(wx)[3] == "Mexican,Japanese", "the web's cuisines as stored", stored_profile(wx))

    def both(name, actor, action, other, want):
        """actor (x or y) does action on the other, through the page and through the API."""
        w = (wx, wy) if actor == "x" else (wy, wx)
        a = (ax, ay) if actor == "x" else (ay, ax)
        rw, ra = web_friend(w[0], action, w[1]), api_friend(a[0], action, a[1])
        sw, sa = stored_pair(wx, wy), stored_pair(ax, ay)
        t.ok(outcome(rw) == outcome(ra) == want and sw == sa,
             "%s: page and API answer %s and store the same" % (name, want),
             (outcome(rw), outcome(ra), sw, sa, ra.text[:200]))

    # yourself
    rw, ra = web_friend(wx, "request", wx), api_friend(ax, "request", ax)
    t.ok(outcome(rw) == outcome(ra) == 422, "a request to yourself: 422 on both",
         (outcome(rw), outcome(ra)))
    both("x asks y", "x", "request", None, "ok")
    both("x asks y again", "x", "request", None, 409)
    both("x accepts a request y never sent", "x", "accept", None, 404)
    both("y accepts", "y", "accept", None, "ok")
    both("x asks y, already friends", "x", "request", None, 409)
    both("x removes y", "x", "remove", None, "ok")
    both("x removes y again", "x", "remove", None, 404)
    both("x asks y once more", "x", "request", None, "ok")
    both("y declines", "y", "decline", None, "ok")
    both("y declines again", "y", "decline", None, 404)
    both("x asks y a third time", "x", "request", None, "ok")
    both("x cancels", "x", "cancel", None, "ok")
    both("x cancels again", "x", "cancel", None, 404)
    both("y asks x", "y", "request", None, "ok")
    both("x blocks y (ends the request)", "x", "block", None, "ok")
    both("x asks y, whom x blocked", "x", "request", None, 409)
    both("y asks x, who blocked y", "y", "request", None, 404)
    both("y blocks x back", "y", "block", None, "ok")
    both("x unblocks y, though y blocked x too", "x", "unblock", None, "ok")
    both("x unblocks y again", "x", "unblock", None, "ok")

    # what a blocked person sees of the one who blocked them
    rw, ra = wx.get("/u/" + wy.name), api(ax, "GET", "/users/" + ay.name)
    t.ok(rw.status == ra.status == 404, "x (blocked by y) gets 404 for y's profile on both",
         (rw.status, ra.status))
    rw, ra = wx.get("/friends?q=" + wy.name), api(ax, "GET", "/users?q=" + ay.name)
    t.ok(rw.status == ra.status == 200 and ("@" + wy.name) not in rw.text
         and ay.name not in ra.text, "x's search does not find y on either", ra.text[:200])
    both("y unblocks x", "y", "unblock", None, "ok")
    rw, ra = wx.get("/u/" + wy.name), api(ax, "GET", "/users/" + ay.name)
    t.ok(rw.status == ra.status == 200, "unblocked: y's profile again on both", (rw.status, ra.status))

    # someone who does not exist
    rw = wx.post("/friends/request", {"username": "nobody-here"}, csrf_from="/friends")
    ra = api(ax, "POST", "/friends/requests", {"username": "nobody-here"})
    t.ok(rw.status == ra.status == 404, "a request to nobody: 404 on both", (rw.status, ra.status))
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
