#!/usr/bin/env python3
"""DynamoDB calls per page (issue #18 item 4), counted on the wire by t/lib/dynalite.py's
proxy, the after-answer writes included: the regression test of docs/bench.md's "DynamoDB calls
per page". A logged-in viewer's session is one BatchGetItem of the session and its user (the
cookie names the user: docs/security.md); the header's unread notifications one Query. A
visitor's restaurant page reads the restaurant once (one GetItem). Each page has an allowance:
a change that adds a call to a page fails here. The restaurant catalog is kept per process
(Store.DynamoDB.CatalogSeconds, docs/dynamodb.md "The kept catalog"): the warm-up requests
read it, the counted one does not. A demo user with friends (u1001) is counted too: the friends
their recommendations name are one BatchGetItem (store op users_seen), never a GetItem each.
Also on DynamoDB: a cookie whose user id is not the session's logs no one in, and a cookie from
before ids were in it still works."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

t = TAP()
srv = Server(demo=True, store="dynamodb",
             env={"FORKCAST_METRICS_FLUSHSECONDS": "100000",  # no background calls counted
                  "FORKCAST_REC_REFRESHSECONDS": "100000",
                  # the kept catalog does not expire between a page's warm-up and its count
                  "FORKCAST_STORE_DYNAMODB_CATALOGSECONDS": "100000"})
PW = "tacos al pastor 1"

# page: (most calls in all, for a logged-in viewer)
ALLOWED = [
    ("/no-such-page", 2),       # the session, the unread notifications
    ("/feed", 3),               # + the viewer's feed (empty: no reviews, authors, restaurants)
    # + the best rated (every restaurant's item: two BatchGetItems of 100), the viewer's
    # ratings (which give the review count too), the recommended places, friends recommend
    ("/", 7),
    ("/restaurants?page=2", 3),  # + the page's restaurants (the catalog is kept: no Query)
    # + rest_page_get's BatchGetItem, the reviews' Query, their authors, their like and comment
    # counts (no comments read: none has one), "More like this" (the viewer's ratings and the
    # places); the map's neighbours come from the kept catalog (rest_places). The counted view
    # repeats the warm-ups' within Rec.ViewRepeatSeconds: no view event (a first view: + 1)
    ("/restaurants/5", 8),
    ("/u/counter", 3),          # the viewer's own: no user read; reviews and count one Query
]
# u1001 (friends, a home city, reviews): page, most calls, most GetItems
ALLOWED_U1001 = [
    # the session 2, the best rated 2 and in the home city 1, ratings 1, places 1, the named
    # friends 1 (users_seen: 34 GetItems before), the "because" places 1, friends recommend 2
    # (its restaurants' names and cities from the kept catalog)
    ("/", 11, 0),
    ("/restaurants/5", 8, 0),
    ("/restaurants?page=2", 3, 0),  # the home city's centre from the kept catalog
]


def calls_of(client, path):
    """The page's status, its DynamoDB calls per operation (after-answer writes included)."""
    for _ in range(4):  # warm every FastCGI process: templates, the recommender's model
        client.get(path)
    time.sleep(0.5)
    srv.dynalite.reset_log()
    r = client.get(path)
    time.sleep(0.5)  # the writes after the answer
    return r, dict(srv.dynalite.calls)


try:
    anon = Client(srv)
    r, calls = calls_of(anon, "/restaurants/5")
    t.ok(r.status == 200 and calls.get("GetItem", 0) == 1,
         "a visitor's restaurant page reads the restaurant with one GetItem", (r.status, calls))
    me = Client(srv)
    r = me.post("/signup", {"username": "counter", "email": "counter@example.com",
                            "password": PW, "password2": PW})
    t.ok(r.status == 303, "signed up", r.status)
    for path, most in ALLOWED:
        r, calls = calls_of(me, path)
        t.ok(r.status in (200, 404) and 'action="/logout"' in r.text and
             sum(calls.values()) <= most,
             "logged in, %s: at most %d DynamoDB calls" % (path, most), (r.status, calls))
    r, calls = calls_of(me, "/no-such-page")
    t.ok(calls.get("BatchGetItem", 0) == 1 and "GetItem" not in calls,
         "the session and its user: one BatchGetItem, no GetItem", calls)
    r, calls = calls_of(anon, "/restaurants/5")
    t.ok(r.status == 200 and sum(calls.values()) <= 5,
         "a visitor's restaurant page: at most 5 DynamoDB calls", calls)
    u = Client(srv)
    r = u.post("/login", {"username": "u1001", "password": "forkcast-demo"}, csrf_from="/login")
    t.ok(r.status == 303, "u1001 logged in", r.status)
    for path, most, gets in ALLOWED_U1001:
        r, calls = calls_of(u, path)
        t.ok(r.status == 200 and 'action="/logout"' in r.text and
             sum(calls.values()) <= most and calls.get("GetItem", 0) <= gets,
             "u1001, %s: at most %d DynamoDB calls, %d GetItem" % (path, most, gets),
             (r.status, calls))

    # the user id in the cookie is no credential: the token is
    uid, tok = me.cookies["fc_session"].split(".")
    other = Client(srv)
    other.post("/signup", {"username": "other", "email": "other@example.com",
                           "password": PW, "password2": PW})
    oid = other.cookies["fc_session"].split(".")[0]
    for forged in ("%s.%s" % (oid, tok), "%d.%s" % (int(uid) + 1000, tok), "0." + tok):
        f = Client(srv)
        f.cookies["fc_session"] = forged
        r = f.get("/")
        t.ok(r.status == 200 and 'action="/logout"' not in r.text and
             "fc_session" not in f.cookies,
             "a cookie naming another user (%s...) logs no one in" % forged[:12], r.status)
    t.ok('action="/logout"' in me.get("/").text, "and the real session still works")
    old = Client(srv)
    old.cookies["fc_session"] = tok  # as cookies were issued before
    r = old.get("/")
    t.ok('action="/logout"' in r.text and old.cookies.get("fc_session") == "%s.%s" % (uid, tok),
         "a cookie of the token alone still works and is reissued as id.token",
         old.cookies.get("fc_session"))
except Exception:
    import traceback
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
