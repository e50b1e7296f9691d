#!/usr/bin/env python3
"""DynamoDB calls per page (issue #18 item 4), counted on the wire by t/lib/dynalite.py's
proxy, the after-answer writes included: the regression test of docs/bench.md's "DynamoDB calls
per page". A logged-in viewer's session is one BatchGetItem of the session and its user (the
cookie names the user: docs/security.md); the header's unread notifications one Query. A
visitor's restaurant page reads the restaurant once (one GetItem). Each page has an allowance:
a change that adds a call to a page fails here. Also on DynamoDB: a cookie whose user id is not
the session's logs no one in, and a cookie from before ids were in it still works."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402

t = TAP()
srv = Server(demo=True, store="dynamodb",
             env={"FORKCAST_METRICS_FLUSHSECONDS": "100000",  # no background calls counted
                  "FORKCAST_REC_REFRESHSECONDS": "100000"})
PW = "tacos al pastor 1"

# page: (most calls in all, for a logged-in viewer)
ALLOWED = [
    ("/no-such-page", 2),       # the session, the unread notifications
    ("/feed", 4),               # + the viewer's feed, its reviews, authors and restaurants
    ("/", 8),                   # the review count comes with the recommendations' ratings
    ("/restaurants?page=2", 4),  # the catalog read once for the page and its filters
    # the view event and the recommender's version: one call; the reviews read no context of
    # their own (rest_page_get's BatchGetItem) and count the stars as they go
    ("/restaurants/5", 12),
    ("/u/counter", 3),          # the viewer's own: no user read; reviews and count one Query
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
