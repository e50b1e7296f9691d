#!/usr/bin/env python3
"""No destructive click without a confirmation (issue #16, item 5): Unfriend, Block and Delete
review go to a confirmation page (a GET that changes nothing, works without script) whose form
POSTs the action with its CSRF token, Cancel going back; the buttons sit inside their person's
card; unblocking says that the friendship is not restored. The API keeps its direct calls."""
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart  # noqa: E402

PW = "correct horse 9"
t = TAP()
srv = Server(demo=True)


def user(name):
    c = Client(srv)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()})
    assert r.status == 303, (name, r.status)
    return c


def friends(a, an, b, bn):
    a.post("/friends/request", {"username": bn}, csrf_from="/friends")
    r = b.post("/friends/accept", {"username": an}, csrf_from="/friends")
    assert r.status == 303, r.status


def lists(html):
    """Each <ul class="people"> as its list of <li> cards (text inside each)."""
    return [re.findall(r'<li class="person">(.*?)</li>', ul, re.S)
            for ul in re.findall(r'<ul class="people">(.*?)</ul>', html, re.S)]


def api(method, path, token, body=None):
    c = Client(srv)
    h = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
    return c.request(method, path, body=data, headers=h)


try:
    ana, bea, cy = user("ana"), user("bea"), user("cyd")
    friends(ana, "ana", bea, "bea")
    friends(ana, "ana", cy, "cyd")

    # the friends page: Unfriend and Block are links to the confirmation, inside each card
    page = ana.get("/friends").text
    cards = [card for ul in lists(page) for card in ul]
    bea_card = [x for x in cards if "@bea" in x]
    t.ok(bea_card and 'href="/friends/remove?username=bea&amp;next=%2Ffriends"' in bea_card[0]
         and 'href="/friends/block?username=bea&amp;next=%2Ffriends"' in bea_card[0],
         "Unfriend and Block are links inside bea's card", bea_card)
    t.ok(not re.search(r'<ul class="people">\s*<(form|a)', page) and
         not re.search(r'</li>\s*<(form|a) ', page),
         "no button sits between the cards")
    t.ok('action="/friends/block"' not in page and 'action="/friends/remove"' not in page,
         "no form on the friends page blocks or unfriends in one click")

    # GET /friends/block: a question, changes nothing
    r = ana.get("/friends/block?username=bea&next=/friends")
    t.ok(r.status == 200 and "Block Bea?" in r.text and "This also ends your friendship" in r.text,
         "GET /friends/block asks 'Block Bea? This also ends your friendship...'", r.status)
    form = re.search(r'<form method="post" action="/friends/block">(.*?)</form>', r.text, re.S)
    t.ok(form and 'name="csrf" value="' in form.group(1) and 'name="username" value="bea"' in form.group(1)
         and 'href="/friends">Cancel</a>' in form.group(1),
         "its form POSTs /friends/block with the CSRF token and the username; Cancel goes back",
         form and form.group(1))
    t.ok("does not make you friends again" in r.text, "it says that unblocking will not restore the friendship")
    t.ok("@bea" in [c for ul in lists(ana.get("/friends").text)[:1] for c in ul][0] or
         "bea" in ana.get("/friends").text.split("Your friends", 1)[1].split("</section>", 1)[0],
         "after the GET, bea is still a friend")
    r = ana.get("/friends/block?username=cyd&next=/u/cyd")
    t.ok('href="/u/cyd">Cancel</a>' in r.text, "Cancel goes back to where the click came from")
    r = ana.get("/friends/block?username=cyd&next=https://evil.example/")
    t.ok('href="https://evil.example/"' not in r.text, "an outside next is not followed")
    t.ok(ana.get("/friends/block?username=nobody").status == 404, "nobody by that name: 404")
    t.ok(ana.get("/friends/accept?username=bea").status == 404, "GET of a harmless action: 404")
    t.ok(Client(srv).get("/friends/block?username=bea").status in (302, 303), "logged out: to the login")

    # the confirming POST blocks
    r = ana.post("/friends/block", {"username": "bea", "next": "/friends"}, csrf_from="/friends/block?username=bea")
    t.ok(r.status == 303, "the confirmation's POST blocks", r.status)
    page = ana.get("/friends").text
    blocked = page.split("<h2>Blocked</h2>", 1)[-1].split("</section>", 1)[0]
    t.ok("@bea" in blocked and "does not make you friends again" in blocked,
         "bea is in Blocked, with the note that unblocking does not restore the friendship")
    r = ana.post("/friends/unblock", {"username": "bea", "next": "/friends"}, csrf_from="/friends")
    flash = ana.get("/friends").text
    t.ok(r.status == 303 and "You are not friends again" in flash, "unblocking says plainly the friendship is not restored")

    # unfriend
    r = ana.get("/friends/remove?username=cyd")
    t.ok(r.status == 200 and "Unfriend Cyd?" in r.text and 'action="/friends/remove"' in r.text,
         "GET /friends/remove asks 'Unfriend Cy?'", r.status)
    t.ok("@cyd" in ana.get("/friends").text.split("Your friends", 1)[1].split("</section>", 1)[0],
         "after the GET, cy is still a friend")
    prof = ana.get("/u/cyd").text
    t.ok('href="/friends/remove?username=cyd&amp;next=%2Fu%2Fcyd"' in prof and
         'href="/friends/block?username=cyd&amp;next=%2Fu%2Fcyd"' in prof,
         "the profile's Unfriend and Block go to the confirmation too")

    # delete a review
    rid = 1
    data, ct = multipart({"csrf": ana.csrf("/restaurants/%d" % rid), "stars": "4", "body": "nice"},
                         {"photo": ("", "application/octet-stream", b"")})
    ana.request("POST", "/restaurants/%d/review" % rid, body=data, headers={"Content-Type": ct})
    page = ana.get("/restaurants/%d" % rid).text
    m = re.search(r'href="/reviews/(\d+)/delete"', page)
    t.ok(m and 'action="/reviews/%s/delete"' % (m and m.group(1)) not in page,
         "the restaurant page links to the deletion's confirmation, no one-click form")
    rv = m.group(1)
    r = ana.get("/reviews/%s/delete" % rv)
    t.ok(r.status == 200 and re.search(r"Delete your review of [^<]+\?", r.text) and
         'action="/reviews/%s/delete"' % rv in r.text and 'href="/restaurants/%d">Cancel</a>' % rid in r.text,
         "GET asks 'Delete your review of ...?', a POST form, Cancel back to the restaurant", r.status)
    t.ok("my_review" and 'href="/reviews/%s/delete"' % rv in ana.get("/restaurants/%d" % rid).text,
         "after the GET the review is still there")
    t.ok(bea.get("/reviews/%s/delete" % rv).status == 403, "someone else's review: 403")
    t.ok(ana.get("/reviews/999999/delete").status == 404, "no such review: 404")
    r = ana.post("/reviews/%s/delete" % rv, {"next": "/restaurants/%d" % rid}, csrf_from="/reviews/%s/delete" % rv)
    t.ok(r.status == 303 and 'href="/reviews/%s/delete"' % rv not in ana.get("/restaurants/%d" % rid).text,
         "the confirmation's POST deletes it", r.status)

    # the API keeps its direct calls
    tok = json.loads(api("POST", "/api/v1/login", "", {"username": "cyd", "password": PW}).text)["token"]
    r = api("PUT", "/api/v1/blocks/ana", tok)
    t.ok(r.status in (200, 204), "the API blocks in one call (a client confirms by calling)", r.status)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    srv.stop()
t.done()
