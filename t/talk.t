#!/usr/bin/env python3
"""Conversation (issue #16 item 4): likes and comments on reviews and the notifications page,
driven once through the web pages (forms with CSRF, 303 back where the user was with a flash)
and once through /api/v1/, each on users of its own, with the same expected outcome at every
step: who may like and comment (nobody blocked either way, nobody who may not see a
friends-only review), who sees which comment, who may delete one, comment length limits (422
naming the field), notifications (likes, comments, friend requests and accepted requests;
none from someone blocked; "N new" in the header, read once viewed). Only HTTP is used, so
t/web_dynamodb.t runs it on DynamoDB unchanged."""
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, signup_with_token  # noqa: E402

t = TAP()
srv = Server(demo=True)
PW = "tacos al pastor"


def signup(name):
    return signup_with_token(srv, name, PW)


def api(c, method, path, body=None):
    return (c or Client(srv)).api(method, "/api/v1" + path, body)


def j(r):
    try:
        return json.loads(r.text)
    except ValueError:
        return {}


def outcome(r):
    """A page's redirect and the API's 2xx are both "ok"; a failure is its status."""
    return "ok" if r.status in (200, 201, 204, 303) else r.status


REST = j(api(None, "GET", "/restaurants?limit=5"))["items"]
RID = REST[0]["id"]


class Mode:
    """The conversation's steps through one front end."""

    def __init__(self, web):
        self.web = web
        self.name = "web" if web else "api"

    def like(self, c, review, on=True):
        if self.web:
            return c.post("/reviews/%d/%s" % (review, "like" if on else "unlike"),
                          {"next": "/restaurants/%d" % RID}, csrf_from="/restaurants/%d" % RID)
        return api(c, "PUT" if on else "DELETE", "/reviews/%d/like" % review)

    def comment(self, c, review, body):
        if self.web:
            return c.post("/reviews/%d/comments" % review,
                          {"body": body, "next": "/restaurants/%d" % RID},
                          csrf_from="/restaurants/%d" % RID)
        return api(c, "POST", "/reviews/%d/comments" % review, {"body": body})

    def delete(self, c, cid):
        if self.web:
            return c.post("/comments/%d/delete" % cid, {}, csrf_from="/restaurants/%d" % RID)
        return api(c, "DELETE", "/comments/%d" % cid)

    def friend(self, c, action, other):
        if self.web:
            return c.post("/friends/" + action, {"username": other.name}, csrf_from="/friends")
        if action == "request":
            return api(c, "POST", "/friends/requests", {"username": other.name})
        if action == "accept":
            return api(c, "POST", "/friends/requests/%s/accept" % other.name)
        if action == "block":
            return api(c, "PUT", "/blocks/" + other.name)
        if action == "unblock":
            return api(c, "DELETE", "/blocks/" + other.name)
        raise ValueError(action)

    def comments_seen(self, c, review):
        """The comment bodies c sees on the review (None: the review is not there for them)."""
        if self.web:
            r = (c or Client(srv)).get("/restaurants/%d" % RID)
            m = re.search(r'<div class="talk" id="review-%d">(.*?)</div>' % review, r.text, re.S)
            if not m:
                return None
            return re.findall(r'<p class="body">(.*?)</p>', m.group(1), re.S)
        r = api(c, "GET", "/reviews/%d/comments" % review)
        if r.status == 404:
            return None
        return [x["body"] for x in j(r)["items"]]

    def comment_ids(self, c, review):
        return {x["body"]: x["id"] for x in j(api(c, "GET", "/reviews/%d/comments" % review))["items"]}

    def notes(self, c):
        """(kinds by actor, unread count) as c is told."""
        if self.web:
            r = c.get("/notifications")
            items = re.findall(r'<li class="note[^"]*">\s*<p>(?:<span class="tag">new</span> )?'
                               r'<a href="/u/([^"]+)">[^<]*</a>\s*(\w+)', r.text)
            kinds = {"liked": "like", "commented": "comment", "sent": "request",
                     "accepted": "accept"}
            return sorted((u, kinds.get(w, w)) for u, w in items)
        return sorted((x["actor"]["username"], x["kind"]) for x in j(api(c, "GET", "/notifications"))["items"])

    def unread(self, c):
        if self.web:
            m = re.search(r'Notifications(?: <span class="badge">(\d+) new</span>)?</a>', c.get("/feed").text)
            return int(m.group(1) or 0) if m else None
        return j(api(c, "GET", "/notifications")).get("unread")


def review_of(c, rid=RID, stars=4):
    r = api(c, "POST", "/restaurants/%d/reviews" % rid, {"stars": stars, "body": "Try the mole"})
    assert r.status in (200, 201), r.text
    return j(r)["id"]


def scenario(m):
    p = m.name[0]  # user names of this mode
    ana, bob, cy, dee, eve = (signup(p + n) for n in ("ana", "bob", "cy", "dee", "eve"))
    rv = review_of(ana)
    name = "%s: " % m.name

    # friend request and its acceptance are notified
    t.ok(outcome(m.friend(bob, "request", ana)) == "ok", name + "bob asks ana to be friends")
    t.ok(outcome(m.friend(ana, "accept", bob)) == "ok", name + "ana accepts")
    t.ok(outcome(m.friend(ana, "block", dee)) == "ok", name + "ana blocks dee")
    t.ok(outcome(m.friend(eve, "block", ana)) == "ok", name + "eve blocks ana")

    # likes: anyone who may see the review, once; never across a block
    t.ok(outcome(m.like(bob, rv)) == "ok", name + "a friend likes the review")
    t.ok(outcome(m.like(bob, rv)) == "ok", name + "liking twice is no error")
    t.ok(outcome(m.like(cy, rv)) == "ok", name + "a stranger likes a public review")
    t.ok(outcome(m.like(ana, rv)) == "ok", name + "the author may like their own review")
    r = m.like(dee, rv)
    t.ok(r.status == 404, name + "someone the author blocked cannot like (404)", r.status)
    r = m.like(eve, rv)
    t.ok(r.status == 404, name + "someone who blocked the author cannot like (404)", r.status)
    r = api(cy, "PUT", "/reviews/%d/like" % rv)
    t.ok(j(r).get("likes") == 3 and j(r).get("liked") is True,
         name + "the like count is the people who like it", r.text)
    t.ok(outcome(m.like(ana, rv, False)) == "ok", name + "the author takes the like back")
    t.ok(outcome(m.like(ana, rv, False)) == "ok", name + "unliking twice is no error")

    # comments
    t.ok(outcome(m.comment(bob, rv, "Best mole in town")) == "ok", name + "a friend comments")
    t.ok(outcome(m.comment(cy, rv, "Going next week")) == "ok", name + "a stranger comments")
    r = m.comment(dee, rv, "let me in")
    t.ok(r.status == 404, name + "someone blocked by the author cannot comment", r.status)
    r = m.comment(eve, rv, "hello?")
    t.ok(r.status == 404, name + "someone who blocked the author cannot comment", r.status)
    r = m.comment(cy, rv, "   ")
    t.ok(r.status == 422 and ("Write your comment first" in r.text) and
         (m.web or j(r)["error"]["field"] == "body"),
         name + "an empty comment is a 422 naming the field", r.text[-600:])
    r = m.comment(cy, rv, "é" * 501)
    t.ok(r.status == 422 and "at most 500 characters" in r.text and
         (m.web or j(r)["error"]["field"] == "body"),
         name + "a comment over 500 characters is a 422 naming the field", r.status)
    if m.web:
        t.ok('aria-invalid="true"' in r.text and "é" * 501 in r.text,
             name + "the refused comment comes back with what was typed")
    t.ok(outcome(m.comment(cy, rv, "é" * 500)) == "ok", name + "500 characters (not bytes) are fine")
    ids = m.comment_ids(ana, rv)
    t.ok(set(ids) >= {"Best mole in town", "Going next week"}, name + "the thread lists them", ids)

    # who sees which comment
    seen = m.comments_seen(bob, rv)
    t.ok(seen is not None and "Going next week" in seen, name + "bob sees cy's comment", seen)
    t.ok(m.comments_seen(dee, rv) is None, name + "dee (blocked) sees neither review nor comments")
    t.ok(outcome(m.friend(bob, "block", cy)) == "ok", name + "bob blocks cy")
    seen = m.comments_seen(bob, rv)
    t.ok(seen is not None and "Going next week" not in seen and "Best mole in town" in seen,
         name + "bob no longer sees the comment of someone he blocked", seen)
    seen = m.comments_seen(cy, rv)
    t.ok(seen is not None and "Best mole in town" not in seen and "Going next week" in seen,
         name + "cy no longer sees the comment of someone who blocked him", seen)
    seen = m.comments_seen(None, rv)
    t.ok(seen is not None and {"Best mole in town", "Going next week"} <= set(seen),
         name + "a visitor sees a public review's comments", seen)

    # a friends-only review's comments are friends-only
    api(ana, "PATCH", "/me", {"visibility": "friends"})
    t.ok(m.comments_seen(cy, rv) is None, name + "friends-only: a stranger sees no comments, even his own")
    t.ok(m.comments_seen(None, rv) is None, name + "friends-only: nor does a visitor")
    seen = m.comments_seen(bob, rv)
    t.ok(seen is not None and "Best mole in town" in seen, name + "friends-only: a friend still does")
    r = m.like(cy, rv)
    t.ok(r.status == 404, name + "friends-only: a stranger cannot like", r.status)
    r = m.comment(cy, rv, "still here")
    t.ok(r.status == 404, name + "friends-only: a stranger cannot comment", r.status)
    api(ana, "PATCH", "/me", {"visibility": "public"})

    # deleting: the comment's author and the review's author only
    r = m.delete(dee, ids["Best mole in town"])
    t.ok(r.status == 404, name + "deleting a comment one may not see: 404", r.status)
    r = m.delete(signup(p + "fay"), ids["Best mole in town"])
    t.ok(r.status == 403, name + "someone else cannot delete a comment (403)", r.status)
    t.ok(outcome(m.delete(ana, ids["Going next week"])) == "ok", name + "the review's author deletes a comment")
    t.ok(outcome(m.delete(bob, ids["Best mole in town"])) == "ok", name + "the comment's author deletes theirs")
    r = m.delete(bob, ids["Best mole in town"])
    t.ok(r.status == 404, name + "a deleted comment is gone (404)", r.status)
    left = m.comment_ids(ana, rv)
    t.ok(set(left) == {"é" * 500}, name + "one comment is left", left)

    # notifications
    t.ok(m.unread(ana) == 4, name + "ana's header says 4 new (bob's and cy's likes, cy's long "
         "comment, bob's request; deleted comments' gone)", m.unread(ana))
    notes = m.notes(ana)
    want = sorted([(p + "bob", "like"), (p + "bob", "request"), (p + "cy", "like"), (p + "cy", "comment")])
    t.ok(notes == want, name + "ana's notifications: likes, comments, the request; nothing from dee "
         "or eve", notes)
    t.ok(m.notes(bob) == [(p + "ana", "accept")], name + "bob hears that ana accepted", m.notes(bob))
    if m.web:
        t.ok(m.unread(ana) == 0, name + "viewing the page marks them read", m.unread(ana))
    else:
        t.ok(m.unread(ana) == 4, name + "listing them through the API leaves them unread")
        t.ok(api(ana, "POST", "/notifications/read").status == 204, name + "mark all read")
        t.ok(m.unread(ana) == 0, name + "then none is unread", m.unread(ana))
    seen = m.comments_seen(None, rv)
    t.ok(seen is not None and "é" * 500 in seen, name + "a visitor sees cy's comment", seen)
    m.friend(ana, "block", cy)
    notes = m.notes(ana)
    t.ok(all(u != p + "cy" for u, _ in notes), name + "after ana blocks cy, his notifications are gone", notes)
    seen = m.comments_seen(None, rv)
    t.ok(seen is not None and "é" * 500 not in seen,
         name + "and his comments leave her review's thread for everyone", seen)
    r = api(bob, "GET", "/reviews/%d" % rv)
    t.ok(j(r).get("id") == rv, name + "(the review itself stays)")
    m.like(bob, rv, False)
    m.like(bob, rv)
    t.ok(m.unread(ana) == 1, name + "a new like is one new", m.unread(ana))
    if m.web:
        c = Client(srv)
        c.cookies = dict(ana.cookies)
        r = c.post("/notifications/read", {"next": "/feed"}, csrf_from="/feed")
        t.ok(r.status == 303 and r.getheader("Location", "").endswith("/feed"),
             name + "mark all read comes back where it was", r.status)
        t.ok(m.unread(ana) == 0, name + "and nothing is new")
    return ana, bob, rv


try:
    web = Mode(True)
    ana, bob, rv = scenario(web)
    # the web's own: CSRF, no JS needed (303 back with a flash), log-in, counts in the feed
    r = bob.request("POST", "/reviews/%d/like" % rv, form={"next": "/feed"})
    t.ok(r.status == 403, "a like without the CSRF token is refused (403)", r.status)
    r = Client(srv).request("POST", "/reviews/%d/like" % rv, form={})
    t.ok(r.status in (303, 403), "a visitor's like goes nowhere", r.status)
    r = bob.post("/reviews/%d/unlike" % rv, {"next": "/feed"}, csrf_from="/feed")
    t.ok(r.status == 303 and r.getheader("Location", "").endswith("/feed") and
         "fc_flash" in bob.cookies, "the form comes back where it was, with a flash", r.getheaders())
    r = bob.post("/reviews/%d/like" % rv, {"next": "//evil.example/"}, csrf_from="/feed")
    t.ok(r.status == 303 and "evil" not in r.getheader("Location", ""),
         "next never leaves the site", r.getheader("Location"))
    feed = bob.get("/feed").text
    m = re.search(r'id="review-%d">\s*<p class="talk-counts"><span class="likes">(\d+) likes?</span>'
                  r'.*?(\d+) comments?</a>' % rv, feed, re.S)
    t.ok(m and m.group(1) == "2" and m.group(2) == "1", "the feed shows the review's likes and comments",
         m and m.groups())
    t.ok('aria-pressed="true"' in feed, "and that bob likes it")
    page = Client(srv).get("/restaurants/%d" % RID).text
    t.ok("Post comment" not in page and 'class="inline like"' not in page,
         "a visitor sees counts and comments but no forms")

    # the API's own
    api_m = Mode(False)
    scenario(api_m)
    r = api(None, "PUT", "/reviews/%d/like" % rv)
    t.ok(r.status == 401, "the API wants a token to like", r.status)
    r = api(bob, "PUT", "/reviews/999999/like")
    t.ok(r.status == 404 and j(r)["error"]["code"] == "review_not_found", "no such review: 404", r.text)
    r = api(bob, "POST", "/reviews/%d/comments" % rv, {"body": "x", "extra": 1})
    t.ok(r.status in (400, 422), "unknown fields are refused", r.text)
    r = api(bob, "POST", "/reviews/%d/comments" % rv, {"body": 5})
    t.ok(r.status == 422 and j(r)["error"]["field"] == "body", "a body that is not text: 422", r.text)
except Exception:
    t.ok(False, "talk scenario", traceback.format_exc())
finally:
    logs = srv.logs()
    srv.stop()
    t.ok("ERROR: AddressSanitizer" not in logs and "runtime error" not in logs,
         "no sanitizer reports", logs[-3000:])
    srv.cleanup()
t.done()
