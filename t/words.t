#!/usr/bin/env python3
"""Issue #16 item 9, the words: a new user is welcomed (not "back"), plurals agree with their
counts on every page kind, the home page's title is not "forkcast · forkcast", an empty
friends page points only to sections it shows, star ratings are images with a label."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import crawl  # noqa: E402
from fcserver import Client, Server, TAP  # noqa: E402

NOUNS = r"(restaurants|reviews|friends|places|accounts|requests|server errors|instances|pages)"

t = TAP()
srv = Server(demo=True)
try:
    a = Client(srv)
    r = a.post("/signup", {"username": "nina", "email": "nina@example.com",
                           "password": "enchiladas verdes", "password2": "enchiladas verdes",
                           "display_name": "Nina"}, csrf_from="/signup")
    t.ok(r.status == 303, "sign up", r.status)
    home = a.get("/").text
    h1 = re.search(r"<h1>(.*?)</h1>", home, re.S).group(1)
    t.ok("Welcome, Nina" in h1 and "back" not in h1, "a new user is welcomed, not welcomed back", h1)
    t.ok("You have reviewed 0 restaurants" not in home and "not reviewed a restaurant yet" in home,
         "a new user's count of reviews reads as words", re.findall(r"You have[^.]*\.", home))
    t.ok(re.search(r"<title>forkcast</title>", home), "the home page's title is just forkcast",
         re.findall(r"<title>.*?</title>", home))

    fr = a.get("/friends").text
    if "People you may know</h2>" not in fr:
        t.ok("People you may know" not in fr,
             "an empty friends page does not point to a section it does not show",
             re.findall(r'<p class="empty">.*?</p>', fr))
    else:
        t.ok(True, "friends page shows the section it points to")

    rid = re.findall(r'href="/restaurants/(\d+)"', a.get("/restaurants").text)[0]
    r = a.post("/restaurants/%s/review" % rid, {"stars": "4", "body": "Good."},
               csrf_from="/restaurants/%s" % rid)
    t.ok(r.status == 303, "a review posted", r.status)
    home = a.get("/").text
    t.ok("You have reviewed 1 restaurant." in home, "one review: \"1 restaurant\"",
         re.findall(r"You have[^.]*\.", home))
    t.ok(re.search(r"<h1>Welcome back, Nina</h1>", home) or re.search(r"<h1>Welcome, Nina</h1>", home),
         "home still greets the user")

    a.post("/logout", {}, csrf_from="/")
    r = a.post("/login", {"username": "nina", "password": "enchiladas verdes"}, csrf_from="/login")
    home = a.get("/").text
    t.ok("Welcome back, Nina" in home, "log-in: welcome back",
         re.findall(r"<h1>.*?</h1>", home))

    cl = crawl.clients(srv)
    home = cl["user"].get("/").text
    t.ok("Welcome back," in home, "a demo user logging in is welcomed back")

    bad = []
    for p in crawl.resolved(cl):
        text = re.sub(r"<[^>]+>", "", crawl.fetch(cl, p).text)
        for m in re.finditer(r"(?<![\d.,])1 " + NOUNS + r"\b", text):
            bad.append("%s %s: ...%s..." % (p["who"], p["name"], text[max(0, m.start() - 30):m.end() + 10].strip()))
        for m in re.finditer(r'<span class="stars"(?![^>]*role="img")', crawl.fetch(cl, p).text):
            bad.append("%s %s: star rating without role=img" % (p["who"], p["name"]))
    t.ok(not bad, "no \"1 <plural>\" and every star rating has role=img on any page kind",
         "\n".join(bad[:30]))
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
