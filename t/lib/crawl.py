"""Every page kind of the site, for the HTML validator (t/html_valid.t) and axe-core
(t/browser_axe.t): one list, PAGES, to extend when a page is added.

Each entry is (who, name, method, path, form):
  who    anon | user (a demo user with reviews and friends) | new (just signed up: empty
         lists) | admin
  name   the page kind, as the failures name it
  method GET, or POST for a form answered with its errors (the CSRF token is added)
  path   may hold {rid} (a restaurant with reviews), {mine} (one the demo user reviewed),
         {user} (the demo user), {friend} (one of their friends), {other} (another demo user)
  form   the POST's fields
"""
import re

from fcserver import Client

DEMO_USER = "u1001"
DEMO_PASSWORD = "forkcast-demo"
NEW_USER = "nova"

# the crawled server's settings: mail set up (to a port nobody listens on: no mail is sent to
# the addresses the crawl uses), so that /forgot shows its e-mail form
SERVER_ENV = {"FORKCAST_MAIL_SMTP_URL": "smtp://127.0.0.1:9",
              "FORKCAST_MAIL_FROM": "forkcast@example.com",
              "FORKCAST_MAIL_SITEURL": "http://forkcast.test"}

PAGES = [
    ("anon", "home", "GET", "/", None),
    ("anon", "restaurants", "GET", "/restaurants", None),
    ("anon", "restaurants-search", "GET", "/restaurants?q=taco", None),
    ("anon", "restaurants-none", "GET", "/restaurants?q=zzzzqqq", None),
    ("anon", "restaurants-page2", "GET", "/restaurants?page=2", None),
    ("anon", "restaurants-best", "GET", "/restaurants?sort=rating", None),
    ("anon", "restaurants-most-reviewed", "GET", "/restaurants?sort=reviews", None),
    ("anon", "restaurants-nearest", "GET", "/restaurants?sort=nearest&near=22.15,-100.98", None),
    ("anon", "restaurants-open", "GET", "/restaurants?open=1", None),
    ("anon", "restaurants-bad-sort", "GET", "/restaurants?sort=sideways", None),
    ("anon", "restaurants-past-end", "GET", "/restaurants?page=99", None),
    ("anon", "restaurant-reviews-page2", "GET", "/restaurants/{busy}?page=2", None),
    ("anon", "restaurant", "GET", "/restaurants/{rid}", None),
    ("anon", "profile", "GET", "/u/{user}", None),
    ("anon", "login", "GET", "/login", None),
    ("anon", "login-error", "POST", "/login", {"username": DEMO_USER, "password": "wrong one"}),
    ("anon", "signup", "GET", "/signup", None),
    ("anon", "signup-error", "POST", "/signup",
     {"username": "x", "email": "nope", "password": "short", "password2": "other",
      "display_name": "X"}),
    ("anon", "forgot", "GET", "/forgot", None),
    ("anon", "forgot-sent", "POST", "/forgot", {"email": "nobody@example.com"}),
    ("anon", "forgot-error", "POST", "/forgot", {"email": "not an address"}),
    ("anon", "reset", "GET", "/reset?token=" + "ab" * 32, None),
    ("anon", "reset-dead-link", "POST", "/reset",
     {"token": "ab" * 32, "password": "brand new secret", "password2": "brand new secret"}),
    ("anon", "not-found", "GET", "/no/such/page", None),
    ("anon", "restaurant-not-found", "GET", "/restaurants/999999", None),
    ("user", "home", "GET", "/", None),
    ("user", "restaurants", "GET", "/restaurants", None),
    ("user", "restaurant", "GET", "/restaurants/{rid}", None),
    ("user", "restaurant-reviewed", "GET", "/restaurants/{mine}", None),
    ("user", "review-error", "POST", "/restaurants/{rid}/review", {"stars": "9", "body": "x"}),
    ("user", "profile", "GET", "/u/{user}", None),
    ("user", "profile-friend", "GET", "/u/{friend}", None),
    ("user", "profile-other", "GET", "/u/{other}", None),
    ("user", "profile-edit", "GET", "/u/{user}/edit", None),
    ("user", "profile-edit-error", "POST", "/u/{user}/edit",
     {"display_name": "x" * 80, "visibility": "public"}),
    ("user", "friends", "GET", "/friends", None),
    ("user", "friends-search", "GET", "/friends?q=u10", None),
    ("user", "friends-recommend", "GET", "/friends/recommend", None),
    ("user", "feed", "GET", "/feed", None),
    ("user", "saved", "GET", "/saved", None),
    ("user", "saved-note-error", "POST", "/restaurants/{rid}/note", {"note": "x" * 300}),
    ("user", "restaurants-friends", "GET", "/restaurants?sort=friends", None),
    ("user", "notifications", "GET", "/notifications", None),
    ("user", "confirm-block", "GET", "/friends/block?username={friend}&next=/friends", None),
    ("user", "confirm-unfriend", "GET", "/friends/remove?username={friend}&next=/friends", None),
    ("user", "confirm-delete-review", "GET", "/reviews/{myreview}/delete", None),
    ("user", "comment-error", "POST", "/reviews/{review}/comments", {"body": "", "next": "/"}),
    ("user", "admin-forbidden", "GET", "/admin", None),
    ("new", "home", "GET", "/", None),
    ("new", "friends", "GET", "/friends", None),
    ("new", "feed", "GET", "/feed", None),
    ("new", "saved", "GET", "/saved", None),
    ("new", "profile", "GET", "/u/" + NEW_USER, None),
    ("admin", "admin", "GET", "/admin", None),
    ("admin", "admin-users", "GET", "/admin/users", None),
    ("admin", "admin-users-search", "GET", "/admin/users?q=u100", None),
    ("admin", "admin-user", "GET", "/admin/users/{user}", None),
    ("admin", "admin-confirm", "GET", "/admin/users/{user}/disable", None),
    ("admin", "admin-reset-link", "POST", "/admin/users/{other}/reset-link", {}),
    ("admin", "admin-health", "GET", "/admin/health", None),
    ("admin", "admin-instances", "GET", "/admin/instances", None),
    ("admin", "admin-instances-launch", "GET", "/admin/instances/launch", None),
    ("admin", "admin-backups", "GET", "/admin/backups", None),
]


def clients(srv):
    """A logged-in Client for each kind of visitor."""
    out = {"anon": Client(srv)}
    for who, name in (("user", DEMO_USER), ("admin", "admin")):
        c = Client(srv)
        r = c.post("/login", {"username": name, "password": DEMO_PASSWORD}, csrf_from="/login")
        if r.status != 303:
            raise AssertionError("log-in as %s: %d" % (name, r.status))
        out[who] = c
    c = Client(srv)
    r = c.post("/signup", {"username": NEW_USER, "email": NEW_USER + "@example.com",
                           "password": "enchiladas verdes", "password2": "enchiladas verdes",
                           "display_name": "Nova"}, csrf_from="/signup")
    if r.status != 303:
        raise AssertionError("sign-up: %d" % r.status)
    out["new"] = c
    return out


def values(cl):
    """The ids the paths need, found on the demo site."""
    user = cl["user"]
    v = {"user": DEMO_USER}
    prof = user.get("/u/" + DEMO_USER).text
    mine = re.findall(r'href="/restaurants/(\d+)"', prof)
    v["mine"] = mine[0] if mine else "1"
    listing = cl["anon"].get("/restaurants").text
    ids = re.findall(r'href="/restaurants/(\d+)"', listing)
    v["rid"] = next((i for i in ids if i not in mine), ids[0])
    busy = re.findall(r'href="/restaurants/(\d+)"', cl["anon"].get("/restaurants?sort=reviews").text)
    v["busy"] = busy[0] if busy else v["rid"]
    # a review on the busy page (its likes and comments), and the demo user's own review
    rv = re.findall(r'id="review-(\d+)"', user.get("/restaurants/" + v["busy"]).text)
    v["review"] = rv[0] if rv else "1"
    own = re.findall(r'href="/reviews/(\d+)/delete"', user.get("/restaurants/" + v["mine"]).text)
    v["myreview"] = own[0] if own else "1"
    friends = user.get("/friends").text
    names = re.findall(r'href="/u/([^"/]+)"', friends)
    names = [n for n in names if n != DEMO_USER]
    v["friend"] = names[0] if names else DEMO_USER
    v["other"] = "u1138" if "u1138" != v["friend"] else "u1137"
    return v


def resolved(cl):
    """PAGES with their paths filled in: a list of dicts."""
    v = values(cl)
    out = []
    for who, name, method, path, form in PAGES:
        path = path.format(**v)
        # a POST is sent from the page that has its form (its CSRF token)
        src = path if path in ("/login", "/signup") else "/"
        if path.endswith("/review"):
            src = path.rsplit("/", 1)[0]
        if who == "anon" and src == "/":  # a visitor's home page has no form
            src = "/login"
        out.append({"who": who, "name": name, "method": method, "path": path, "form": form,
                    "src": src})
    return out


def fetch(cl, page):
    """The page's response (a POST carries the CSRF token of the page it is sent from)."""
    c = cl[page["who"]]
    if page["method"] == "GET":
        return c.get(page["path"])
    return c.post(page["path"], page["form"], csrf_from=page["src"])


def browser_env(srv):
    """For t/browser scripts (browser.run's prepare): FC_CRAWL, the resolved page list and the
    log-ins (the new user is signed up here)."""
    import json
    cl = clients(srv)
    return {"FC_CRAWL": json.dumps({
        "pages": resolved(cl),
        "logins": {"user": [DEMO_USER, DEMO_PASSWORD], "admin": ["admin", DEMO_PASSWORD],
                   "new": [NEW_USER, "enchiladas verdes"]}})}
