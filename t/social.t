#!/usr/bin/env python3
"""Integration test of the social features through the real lighttpd + FastCGI: friends,
reviews with photos, privacy, blocks, want-to-go, the feed and its keyset pagination."""
import os
import re
import sqlite3
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart  # noqa: E402

t = TAP()
srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXPHOTO": "20000"})
PW = "tacos al pastor"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + os.urandom(200)


def signup(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()})
    assert r.status == 303, (name, r.status, r.text[:500])
    return c


def rest_id(c, name):
    m = re.search(r'href="/restaurants/(\d+)">' + re.escape(name), c.get("/restaurants?q=" + name.split()[0]).text)
    return int(m.group(1))


def review(c, rid, stars, body, photo=None, path=None):
    fields = {"csrf": c.csrf("/restaurants/%d" % rid), "stars": str(stars), "body": body}
    files = {"photo": photo} if photo else {"photo": ("", "application/octet-stream", b"")}
    data, ct = multipart(fields, files)
    return c.request("POST", path or "/restaurants/%d/review" % rid, body=data,
                     headers={"Content-Type": ct})


def feed_keys(c, path="/feed"):
    return re.findall(r'id="item-([0-9]+-[12]-[0-9]+)"', c.get(path).text)


try:
    a, b, cc = signup("alice"), signup("bruno"), signup("carmen")
    kiku = rest_id(a, "Kiku Cuernavaca")

    # friends: request, accept
    r = a.post("/friends/request", {"username": "bruno"}, csrf_from="/friends")
    t.ok(r.status == 303, "A sends B a friend request", r.status)
    page = b.get("/friends").text
    t.ok("Requests for you" in page and "@alice" in page, "B sees the incoming request")
    t.ok("Requests you sent" in a.get("/friends").text, "A sees the outgoing request")
    r = b.post("/friends/accept", {"username": "alice"}, csrf_from="/friends")
    t.ok(r.status == 303 and "@alice" in b.get("/friends").text.split("Your friends")[1],
         "B accepts: they are friends")

    # B reviews with a photo; A's feed shows it
    r = review(b, kiku, 5, "Best sushi in town", photo=("k.jpg", "image/jpeg", JPEG))
    t.ok(r.status == 303, "B posts a 5-star review with a photo", r.status)
    page = a.get("/feed").text
    t.ok("Bruno" in page and "Kiku Cuernavaca" in page and "Best sushi in town" in page,
         "A's feed shows B's review")
    m = re.search(r'src="/photos/([0-9a-f]{64}\.jpg)"', page)
    t.ok(m is not None, "the feed shows the photo")
    if m:
        r = a.get("/photos/" + m.group(1))
        t.ok(r.status == 200 and r.getheader("Content-Type") == "image/jpeg", "photo re-served from the blob store")
    r = a.get("/restaurants/%d" % kiku)
    t.ok("1 of your friends</strong> rated this" in r.text, "restaurant page: N of your friends rated this")
    t.ok(r.text.index("Best sushi in town") < r.text.index("</section>", r.text.index("<h2>Reviews")),
         "restaurant page lists the friend's review")
    t.ok("Kiku Cuernavaca" in a.get("/friends/recommend").text and "Bruno" in a.get("/friends/recommend").text,
         "Friends recommend lists it with who recommended it")

    # bad review input: nothing stored, form kept
    r = review(b, kiku, 9, "changed?")
    t.ok(r.status == 422 and "Choose from 1 to 5 stars" in r.text and "changed?" in r.text,
         "stars out of range: 422 (as the API) with the field's error and the text kept", r.status)
    r = review(b, kiku, 4, "x", photo=("evil.jpg", "image/jpeg", b"<?php echo 1; ?>" * 3))
    t.ok(r.status == 415 and "JPEG, PNG or WebP" in r.text, "a non-image photo: 415", r.status)
    r = review(b, kiku, 4, "x", photo=("big.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 30000))
    t.ok(r.status == 413 and "too large" in r.text, "an oversized photo: 413", r.status)
    t.ok("Best sushi in town" in a.get("/feed").text, "the stored review is unchanged")

    # someone else's review: 403
    rid = int(re.search(r'action="/reviews/(\d+)/edit"', b.get("/restaurants/%d" % kiku).text).group(1))
    r = review(cc, kiku, 1, "hacked", path="/reviews/%d/edit" % rid)
    t.ok(r.status == 403, "editing another's review: 403", r.status)
    r = cc.post("/reviews/%d/delete" % rid, {}, csrf_from="/")
    t.ok(r.status == 403, "deleting another's review: 403", r.status)
    t.ok("Best sushi in town" in a.get("/feed").text, "the review survived")

    # privacy: B goes friends-only; C can't see the review, A can
    r = b.post("/u/bruno/edit", {"display_name": "Bruno", "visibility": "friends"})
    t.ok(r.status == 303, "B makes profile and reviews friends-only")
    page = cc.get("/restaurants/%d" % kiku).text
    t.ok("Best sushi in town" not in page, "C (not a friend) can't see B's review on the restaurant")
    t.ok("Best sushi in town" not in cc.get("/u/bruno").text and "friends only" in cc.get("/u/bruno").text,
         "C can't see B's profile or reviews")
    t.ok("Best sushi in town" not in Client(srv).get("/restaurants/%d" % kiku).text,
         "an anonymous visitor can't either")
    t.ok("Best sushi in town" in a.get("/restaurants/%d" % kiku).text and "Best sushi in town" in a.get("/u/bruno").text,
         "A (a friend) still can")

    # unfriend removes it from A's feed
    r = a.post("/friends/remove", {"username": "bruno"}, csrf_from="/friends")
    t.ok(r.status == 303 and "Best sushi" not in a.get("/feed").text, "unfriend removes B from A's feed")

    # blocks
    r = b.post("/friends/block", {"username": "carmen"}, csrf_from="/friends")
    t.ok(r.status == 303, "B blocks C")
    t.ok(cc.get("/u/bruno").status == 404, "C can't see B's profile (404)")
    r = cc.post("/friends/request", {"username": "bruno"}, csrf_from="/friends")
    t.ok(r.status == 404, "C can't send B a request", r.status)
    t.ok("@bruno" not in cc.get("/friends?q=bru").text, "C doesn't find B in search")
    t.ok("@carmen" in b.get("/friends").text.split("Blocked")[-1], "B sees C in the blocked list")
    r = b.post("/friends/unblock", {"username": "carmen"}, csrf_from="/friends")
    t.ok(r.status == 303 and cc.get("/u/bruno").status == 200, "unblock")

    # want to go
    r = a.post("/restaurants/%d/save" % kiku, {}, csrf_from="/restaurants/%d" % kiku)
    t.ok(r.status == 303 and "Kiku Cuernavaca" in a.get("/saved").text, "save to want-to-go; the list shows it")
    a.post("/friends/request", {"username": "carmen"}, csrf_from="/friends")
    cc.post("/friends/request", {"username": "alice"}, csrf_from="/friends")  # crossing requests: friends
    t.ok("@alice" in cc.get("/friends").text.split("Your friends")[1], "crossing requests make friends")
    t.ok("wants to go to" in cc.get("/feed").text, "a friend's save shows in the feed")
    r = a.post("/restaurants/%d/unsave" % kiku, {}, csrf_from="/restaurants/%d" % kiku)
    t.ok("Your list is empty" in a.get("/saved").text, "unsave")

    # demo data: friendships make the feed alive
    u = Client(srv)
    u.post("/login", {"username": "u1001", "password": "forkcast-demo"})
    t.ok(len(feed_keys(u)) > 0, "a demo user's feed has items")
    t.ok("mutual friend" in u.get("/friends").text, "demo friends page shows mutual-friend counts")

    # interaction log
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    kinds = dict(db.execute("SELECT type, count(*) FROM events GROUP BY type").fetchall())
    t.ok(kinds.get("review", 0) >= 1 and kinds.get("save", 0) >= 1 and kinds.get("view", 0) >= 1
         and kinds.get("unsave", 0) >= 1, "reviews, saves and views are logged", kinds)

    # keyset pagination over thousands of items while new ones arrive
    f = signup("felix")
    fid = db.execute("SELECT id FROM users WHERE username='felix'").fetchone()[0]
    friends = [r[0] for r in db.execute("SELECT id FROM users WHERE username LIKE 'u10%' ORDER BY id LIMIT 40")]
    db.execute("DELETE FROM friendships WHERE user_id=? OR friend_id=?", (fid, fid))
    rows = []
    for i, uid in enumerate(friends):
        db.execute("INSERT OR IGNORE INTO friendships VALUES (?,?,0),(?,?,0)", (fid, uid, uid, fid))
    # 40 friends x 130 restaurants of reviews and saves, many sharing a timestamp
    rids = [r[0] for r in db.execute("SELECT id FROM restaurants")]
    with db:
        for i, uid in enumerate(friends):
            for j, rid2 in enumerate(rids[:60]):
                db.execute("INSERT OR IGNORE INTO saves (user_id, restaurant_id, created_at) VALUES (?,?,?)",
                           (uid, rid2, 1700000000 + (i * 7 + j) % 50))
    expected = set()
    for kind, sql in ((1, "SELECT r.created_at, r.id FROM reviews r JOIN friendships f ON f.friend_id=r.user_id WHERE f.user_id=?"),
                      (2, "SELECT s.created_at, s.id FROM saves s JOIN friendships f ON f.friend_id=s.user_id WHERE f.user_id=?")):
        for at, iid in db.execute(sql, (fid,)):
            expected.add("%d-%d-%d" % (at, kind, iid))
    seen, pages, path, arrived = [], 0, "/feed", 0
    while path and pages < 1000:
        page = f.get(path).text
        keys = re.findall(r'id="item-([0-9]+-[12]-[0-9]+)"', page)
        seen.extend(keys)
        pages += 1
        if pages % 10 == 0:  # a friend saves something new meanwhile: it goes on top
            nr = Client(srv)
            nr.post("/login", {"username": "u1002", "password": "forkcast-demo"})
            extra = rids[60 + pages // 10]
            nr.post("/restaurants/%d/save" % extra, {}, csrf_from="/restaurants/%d" % extra)
            arrived += 1
        m = re.search(r'href="(/feed\?after=[0-9-]+)"', page)
        path = m.group(1) if m else None
    t.ok(len(expected) > 2000, "fixture has thousands of feed items (%d)" % len(expected))
    t.ok(arrived > 5 and len(feed_keys(f)) and feed_keys(f)[0] not in expected,
         "new items arrived during the walk (%d) and sit on top" % arrived)
    t.ok(len(seen) == len(set(seen)), "no duplicates across %d pages" % pages,
         len(seen) - len(set(seen)))
    t.ok(set(seen) == expected, "no gaps: every item seen once",
         "missing %d, extra %d" % (len(expected - set(seen)), len(set(seen) - expected)))
    order = [tuple(int(x) for x in k.split("-")) for k in seen]
    t.ok(order == sorted(order, reverse=True), "newest first throughout")
    t.ok(f.get("/feed?after=garbage").status == 400, "a damaged cursor: 400")
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
