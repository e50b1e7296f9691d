#!/usr/bin/env python3
"""Security test of privacy and blocking, as a matrix: for each visibility setting (public,
friends) and each kind of viewer (herself, an anonymous visitor, a stranger, one with a
pending request, a friend, someone she blocked, someone who blocked her), every page and API
answer that shows another user's data (profile, reviews on profile and restaurant pages, the
review by id, photos and the photo's own URL, the feed, friends-recommend, people search)
shows exactly what the rules allow; her profile fields (bio, home city) are hidden from whoever
may not see her profile on every surface that shows her (search, suggestions, friend lists,
requests, page and API alike); a disabled account disappears everywhere. Then a photo's
URL through one author's changes: served to all while public, 404 to strangers and anonymous
visitors once friends-only (not 403: it does not say it exists), 404 to a friend she blocks,
404 to everyone once the review is deleted, always to its author until then; never cached
by shared caches, revalidated by the browser (ETag, 304)."""
import hashlib
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart, signup_with_token  # noqa: E402

t = TAP()
srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXPHOTO": "20000"})
PW = "tacos al pastor"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(300)
REVIEW = "olga-review-7f3a"
BIO = "olga-bio-91c2"
CITY = "olga-city-5d1e"


def signup(name):
    return signup_with_token(srv, name, PW)


def friend_action(c, action, name):
    r = c.post("/friends/" + action, {"username": name}, csrf_from="/friends")
    assert r.status == 303, (action, name, r.status, r.text[:300])


def photo_get(c, key, etag=None):
    """GET /photos/key; r.text is "PHOTO-BYTES" when the answer is the photo itself."""
    r = c.request("GET", "/photos/" + key, headers={"If-None-Match": etag} if etag else None)
    sent = photo_bytes.get(key)
    if r.status == 200 and sent is not None and r.text == sent.decode("utf-8", "replace"):
        r.text = "PHOTO-BYTES"
    return r


photo_bytes = {}  # key -> the bytes uploaded


def api_get(c, path):
    h = {"Authorization": "Bearer " + c.token} if getattr(c, "token", None) else {}
    return c.request("GET", path, headers=h)


try:
    olga = signup("olga")
    fred, sten, pia, bella, bert = (signup(n) for n in ("fred", "sten", "pia", "bella", "bert"))
    anon = Client(srv)
    anon.token = None
    m = re.search(r'href="/restaurants/(\d+)">Kiku Cuernavaca', anon.get("/restaurants?q=kiku").text)
    rest = int(m.group(1))

    # olga: a bio, a 5-star review with a photo, a want-to-go save
    r = olga.post("/u/olga/edit", {"display_name": "Olga", "bio": BIO, "city": CITY,
                                   "visibility": "public"})
    assert r.status == 303, r.status
    data, ct = multipart({"csrf": olga.csrf("/restaurants/%d" % rest), "stars": "5", "body": REVIEW},
                         {"photo": ("o.jpg", "image/jpeg", JPEG)})
    r = olga.request("POST", "/restaurants/%d/review" % rest, body=data, headers={"Content-Type": ct})
    assert r.status == 303, (r.status, r.text[:300])
    page = olga.get("/restaurants/%d" % rest).text
    review_id = int(re.search(r'action="/reviews/(\d+)/edit"', page).group(1))
    photo = re.search(r'src="/photos/([0-9a-f]{64}\.jpg)"', page).group(1)
    photo_bytes[photo] = JPEG
    m = re.search(r'href="/restaurants/(\d+)">Restaurant la Chalita', anon.get("/restaurants?q=chalita").text)
    saved_rest = int(m.group(1))
    olga.post("/restaurants/%d/save" % saved_rest, {}, csrf_from="/restaurants/%d" % saved_rest)

    # relations: fred a friend, pia asked (pending), olga blocks bella, bert blocks olga
    friend_action(olga, "request", "fred")
    friend_action(fred, "accept", "olga")
    friend_action(pia, "request", "olga")
    friend_action(olga, "block", "bella")
    friend_action(bert, "block", "olga")
    # fred's other friends: to them olga is a friend of a friend ("people you may know")
    for name, c in (("sten", sten), ("bella", bella), ("bert", bert)):
        friend_action(fred, "request", name)
        friend_action(c, "accept", "fred")
    viewers = {"herself": olga, "anonymous": anon, "stranger": sten, "pending request": pia,
               "friend": fred, "blocked by her": bella, "blocking her": bert}

    def allowed(viewer, vis):
        """The rule (docs/social.md): hers, or no block either way and public or a friend."""
        if viewer == "herself":
            return True
        if viewer in ("blocked by her", "blocking her"):
            return False
        return vis == "public" or viewer == "friend"

    def details(viewer, vis):
        """Her profile fields (bio, city...): hers, or public or a friend's, unless she blocked
        the viewer (one she blocked sees no more of her than her name)."""
        return allowed(viewer, vis) or (viewer == "blocking her" and vis == "public")

    def listed(viewer, vis):
        """Whom she is in a list for on /friends: a friend, the one who asked her, a friend of
        her friend (suggested), the one who blocked her (blocked list)."""
        return viewer in ("friend", "pending request", "stranger", "blocking her")

    def searchable(viewer, vis):
        """People search: not herself, never the blocked user; the one who blocked her can find
        her (the block list is where one unblocks), whatever her visibility: only names show."""
        return viewer not in ("herself", "blocked by her", "anonymous")

    def main(r):
        """The page without its header (which names the logged-in user)."""
        r.text = r.text.split('<main id="main">', 1)[-1]
        return r

    def suggested(c):
        """The "People you may know" section of /friends, as a response."""
        r = c.get("/friends")
        part = r.text.split("<h2>People you may know</h2>", 1)
        r.text = part[1].split("</ul>", 1)[0] if len(part) == 2 else ""
        return r

    def api_suggested(c):
        r = api_get(c, "/api/v1/friends")
        if r.status == 200:
            r.text = " ".join('"%s"' % p["username"] for p in json.loads(r.text).get("suggested", []))
        return r

    def api_suggested_full(c):
        r = api_get(c, "/api/v1/friends")
        if r.status == 200:
            r.text = json.dumps(json.loads(r.text).get("suggested", []))
        return r

    def api_lists(c):
        """/api/v1/friends (friends, requests, suggestions) and /api/v1/blocks, as one text."""
        r, r2 = api_get(c, "/api/v1/friends"), api_get(c, "/api/v1/blocks")
        if r.status == 200 and r2.status == 200:
            r.text += r2.text
        return r

    def suggestable(viewer, vis):
        """Friends of a friend, with no request either way and no block either way."""
        return viewer == "stranger"

    # each surface: (name, how to fetch, what marks olga's data, expected(viewer, vis))
    surfaces = [
        ("profile page: reviews", lambda c: c.get("/u/olga"), REVIEW, allowed),
        ("profile page: bio", lambda c: c.get("/u/olga"), BIO, details),
        ("profile page: city", lambda c: c.get("/u/olga"), CITY, details),
        ("restaurant page: review", lambda c: c.get("/restaurants/%d" % rest), REVIEW, allowed),
        ("restaurant page: photo", lambda c: c.get("/restaurants/%d" % rest), photo, allowed),
        ("photo URL", lambda c: photo_get(c, photo), "PHOTO-BYTES", allowed),
        ("feed", lambda c: c.get("/feed"), REVIEW, lambda v, vis: v == "friend"),
        ("feed: want-to-go", lambda c: c.get("/feed"), "Restaurant la Chalita",
         lambda v, vis: v == "friend"),
        ("friends recommend", lambda c: c.get("/friends/recommend"), "Olga",
         lambda v, vis: v == "friend"),
        ("people search", lambda c: c.get("/friends?q=olga"), "@olga",
         searchable),
        ("people search: city", lambda c: c.get("/friends?q=olga"), CITY,
         lambda v, vis: searchable(v, vis) and details(v, vis)),
        ("people you may know", suggested, "@olga", suggestable),
        ("people you may know: city", suggested, CITY,
         lambda v, vis: suggestable(v, vis) and details(v, vis)),
        ("friends page lists: city", lambda c: c.get("/friends"), CITY,
         lambda v, vis: listed(v, vis) and details(v, vis)),
        ("API suggested friends", api_suggested, '"olga"', suggestable),
        ("API suggested friends: city", api_suggested_full, CITY,
         lambda v, vis: suggestable(v, vis) and details(v, vis)),
        ("API friends and blocks lists: city", api_lists, CITY,
         lambda v, vis: listed(v, vis) and details(v, vis)),
        ("API user: bio", lambda c: api_get(c, "/api/v1/users/olga"), BIO, details),
        ("API user: city", lambda c: api_get(c, "/api/v1/users/olga"), CITY, details),
        ("API user reviews", lambda c: api_get(c, "/api/v1/users/olga/reviews"), REVIEW, allowed),
        ("API restaurant reviews", lambda c: api_get(c, "/api/v1/restaurants/%d/reviews" % rest),
         REVIEW, allowed),
        ("API review by id", lambda c: api_get(c, "/api/v1/reviews/%d" % review_id), REVIEW, allowed),
        ("API feed", lambda c: api_get(c, "/api/v1/feed"), REVIEW, lambda v, vis: v == "friend"),
        ("API friends recommend", lambda c: api_get(c, "/api/v1/friends/recommend"), '"who":"Olga"',
         lambda v, vis: v == "friend"),
        ("API people search", lambda c: api_get(c, "/api/v1/users?q=olga"), '"olga"',
         searchable),
        ("API people search: city", lambda c: api_get(c, "/api/v1/users?q=olga"), CITY,
         lambda v, vis: searchable(v, vis) and details(v, vis)),
    ]

    for vis in ("public", "friends"):
        r = olga.post("/u/olga/edit", {"display_name": "Olga", "bio": BIO, "city": CITY,
                                   "visibility": vis})
        assert r.status == 303, r.status
        for name, fetch, marker, expect in surfaces:
            wrong = []
            for vname, c in viewers.items():
                if vname == "anonymous" and name in ("feed", "feed: want-to-go", "friends recommend",
                                                     "people search", "people you may know",
                                                     "people search: city",
                                                     "people you may know: city",
                                                     "friends page lists: city"):
                    continue  # login routes: covered by t/security_routes.t
                r = main(fetch(c))
                shown = r.status == 200 and marker in r.text
                if r.status >= 500 or shown != expect(vname, vis):
                    wrong.append((vname, r.status, "shown" if shown else "hidden"))
            t.ok(not wrong, "%s, visibility %s: shown exactly to %s" %
                 (name, vis, [v for v in viewers if expect(v, vis)]), wrong)
        # the blocked user gets no profile at all (404, as if she did not exist)
        r1, r2 = bella.get("/u/olga"), api_get(bella, "/api/v1/users/olga")
        t.ok(r1.status == 404 and r2.status == 404 and "Olga" not in r1.text,
             "visibility %s: the blocked user gets 404 for her profile (page and API)" % vis,
             (r1.status, r2.status))
        r = sten.get("/u/olga")
        if vis == "friends":
            t.ok(r.status == 200 and "friends only" in r.text and BIO not in r.text
                 and CITY not in r.text,
                 "friends only: a stranger sees the name and that it is private, nothing else")

    # friends only (as the loop left her): a friend request's answer names her without her
    # city to a stranger, with it once they are friends
    nora, nick = signup("nora"), signup("nick")
    r = nora.request("POST", "/api/v1/friends/requests", body=b'{"username": "olga"}',
                     headers={"Content-Type": "application/json",
                              "Authorization": "Bearer " + nora.token})
    t.ok(r.status == 201 and '"olga"' in r.text and CITY not in r.text,
         "friends only: the API's answer to a stranger's friend request has no city",
         (r.status, r.text[:300]))
    friend_action(olga, "request", "nick")
    r = nick.request("POST", "/api/v1/friends/requests/olga/accept",
                     headers={"Authorization": "Bearer " + nick.token})
    t.ok(r.status == 200 and '"friends"' in r.text and CITY in r.text,
         "friends only: the API's answer to accepting her request shows her city to the new friend",
         (r.status, r.text[:300]))

    # the photo's address is a capability: unguessable, served only by its SHA-256
    t.ok(anon.get("/photos/" + "0" * 64 + ".jpg").status == 404 and
         anon.get("/photos/../forkcast.db").status in (400, 404) and
         anon.get("/photos/%2e%2e%2fsecret").status in (400, 404),
         "photos: unknown or path-like keys are 404")

    # one author's photo URL through her changes: pam, her friend flo, sten a stranger to her
    pam, flo = signup("pam"), signup("flo")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(400)
    data, ct = multipart({"csrf": pam.csrf("/restaurants/%d" % rest), "stars": "4", "body": "pam"},
                         {"photo": ("p.jpg", "image/jpeg", jpeg)})
    r = pam.request("POST", "/restaurants/%d/review" % rest, body=data, headers={"Content-Type": ct})
    assert r.status == 303, (r.status, r.text[:300])
    page = pam.get("/restaurants/%d" % rest).text
    pam_review = int(re.search(r'action="/reviews/(\d+)/edit"', page).group(1))
    key = hashlib.sha256(jpeg).hexdigest() + ".jpg"  # content-addressed
    assert 'src="/photos/%s"' % key in page, "her photo on the page"
    photo_bytes[key] = jpeg
    friend_action(pam, "request", "flo")
    friend_action(flo, "accept", "pam")

    def pam_visibility(vis):
        r = pam.post("/u/pam/edit", {"display_name": "Pam", "bio": "", "visibility": vis})
        assert r.status == 303, r.status

    def statuses():
        return {n: photo_get(c, key).status for n, c in
                (("pam", pam), ("anonymous", anon), ("stranger", sten), ("friend", flo))}

    def served(n, c):
        r = photo_get(c, key)
        return r.status == 200 and r.text == "PHOTO-BYTES"

    t.ok(all(served(n, c) for n, c in (("pam", pam), ("anonymous", anon), ("stranger", sten),
                                       ("friend", flo))),
         "photo URL, reviews public: served to her, an anonymous visitor, a stranger, a friend",
         statuses())
    r = photo_get(anon, key)
    cc = r.getheader("Cache-Control") or ""
    t.ok(r.getheader("Content-Type") == "image/jpeg" and "private" in cc and "no-cache" in cc
         and "immutable" not in cc and "max-age=31536000" not in cc
         and r.getheader("ETag") == '"%s"' % key,
         "photo URL: Cache-Control private, no-cache (no shared cache keeps it, the browser asks "
         "each time), the key as ETag", r.getheaders())
    r = photo_get(sten, key, etag='"%s"' % key)
    t.ok(r.status == 304 and r.text == "", "photo URL: revalidation by a viewer still allowed "
         "is a 304 without the bytes", (r.status, len(r.text)))

    pam_visibility("friends")
    st = statuses()
    t.ok(st == {"pam": 200, "anonymous": 404, "stranger": 404, "friend": 200}
         and served("pam", pam) and served("friend", flo),
         "photo URL, friends only: 404 to an anonymous visitor and a stranger, still served to "
         "her friend and to her", st)
    r, r2 = photo_get(sten, key, etag='"%s"' % key), photo_get(sten, "f" * 64 + ".jpg")
    t.ok(r.status == 404 and r.getheader("ETag") is None and "no-store" in (r.getheader(
        "Cache-Control") or "") and r.text.replace(r.getheader("X-Request-Id") or "", "")
         == r2.text.replace(r2.getheader("X-Request-Id") or "", ""),
         "photo URL, friends only: a stranger's revalidation is a 404 too (no 304), the same "
         "page as for a photo that does not exist", (r.status, r.getheaders()))

    friend_action(pam, "block", "flo")
    st = statuses()
    t.ok(st == {"pam": 200, "anonymous": 404, "stranger": 404, "friend": 404} and served("pam", pam),
         "photo URL: the friend she blocks gets 404, she still gets it", st)
    pam_visibility("public")
    st = statuses()
    t.ok(st == {"pam": 200, "anonymous": 200, "stranger": 200, "friend": 404},
         "photo URL, public again: served to all but the blocked one", st)

    r = pam.post("/reviews/%d/delete" % pam_review, {}, csrf_from="/restaurants/%d" % rest)
    assert r.status == 303, r.status
    st = statuses()
    t.ok(st == {"pam": 404, "anonymous": 404, "stranger": 404, "friend": 404},
         "photo URL, review deleted: 404 to everyone, her too", st)

    # someone else's review cannot be changed through the API either
    r = sten.request("PUT", "/api/v1/reviews/%d" % review_id,
                     body=json.dumps({"stars": 1, "body": "hacked"}).encode(),
                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + sten.token})
    r2 = sten.request("DELETE", "/api/v1/reviews/%d" % review_id,
                      headers={"Authorization": "Bearer " + sten.token})
    t.ok(r.status in (403, 404) and r2.status in (403, 404) and REVIEW in olga.get("/u/olga").text,
         "another user's review: PUT and DELETE refused, review intact", (r.status, r2.status))

    # a blocked user cannot reach her through any action
    r = bella.post("/friends/request", {"username": "olga"}, csrf_from="/friends")
    r2 = bella.request("POST", "/api/v1/friends/requests", body=b'{"username": "olga"}',
                       headers={"Content-Type": "application/json",
                                "Authorization": "Bearer " + bella.token})
    t.ok(r.status == 404 and r2.status in (404, 409), "the blocked user cannot send her a request",
         (r.status, r2.status))

    # a disabled account disappears everywhere, even for friends
    boss = signup("boss")
    srv.run_cli("user", "make-admin", "boss")
    r = boss.post("/admin/users/olga/disable", {}, csrf_from="/admin/users/olga/disable")
    assert r.status == 303, r.status
    wrong = []
    for name, fetch, marker, expect in surfaces:
        for vname in ("anonymous", "stranger", "friend"):
            r = main(fetch(viewers[vname]))
            if r.status == 200 and marker in r.text:
                wrong.append((name, vname))
    t.ok(not wrong, "a disabled account's data is shown nowhere, to no one", wrong)
    t.ok(fred.get("/u/olga").status == 404 and boss.get("/u/olga").status == 200,
         "a disabled profile is 404, except for admins")
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
