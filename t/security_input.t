#!/usr/bin/env python3
"""Security test of hostile input: markup, attribute breakers, SQL metacharacters, LIKE
wildcards, NUL and other control characters, invalid UTF-8 (lone continuation bytes,
overlongs, surrogates, truncated sequences) and very long values, in profile fields, review
text, searches, log-in and the JSON API. Each value is either stored exactly and shown back
escaped, or refused with a 4xx that names the field (and the limit), with nothing stored;
never a 500, a crash or a silently changed value."""
import html
import http.client
import json
import os
import re
import sqlite3
import sys
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP, multipart, signup_with_token  # noqa: E402

t = TAP()
srv = Server(demo=True)
PW = "tacos al pastor"
db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))

# stored and shown back, escaped
GOOD = {
    "script": "<script>alert(1)</script>",
    "attribute breaker": "\"'><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE users; --",
    "like wildcards": "100% _x_ \\ \\%",
    "entities": "&lt;b&gt; &amp;amp; &#39;",
    "unicode": "Zoë 🍣 日本 \u202e",
}
# refused: (urlencoded form of the value, what it is)
BAD = {
    "NUL": "a%00b",
    "control character": "a%01b",
    "DEL": "a%7Fb",
    "lone continuation byte": "a%80b",
    "overlong '/'": "a%C0%AFb",
    "overlong NUL": "a%C0%80b",
    "UTF-16 surrogate": "a%ED%A0%80b",
    "0xFF": "a%FFb",
    "truncated sequence": "a%E6%97",
    "above U+10FFFF": "a%F4%90%80%80b",
}
FIELD_ERROR = "is not valid text"


def escaped(v):
    return html.escape(v, quote=True).replace("&#x27;", "&#39;")


def signup(name):
    return signup_with_token(srv, name, PW)


def form_post(c, path, pairs):
    """POSTs raw urlencoded pairs (values already encoded), with c's CSRF token."""
    tok = c.csrf("/")
    body = "&".join("%s=%s" % kv for kv in [("csrf", tok)] + pairs)
    return c.request("POST", path, body=body.encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})


def api(c, method, path, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return c.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                        "Authorization": "Bearer " + c.token})


def user_row(name):
    return db.execute("SELECT display_name, bio, city FROM users WHERE username = ?", (name,)).fetchone()


def main(text):
    return text.split('<main id="main">', 1)[-1]


try:
    ana = signup("ana")
    friend = signup("fern")
    friend.post("/friends/request", {"username": "ana"}, csrf_from="/friends")
    ana.post("/friends/accept", {"username": "fern"}, csrf_from="/friends")
    q = urllib.parse.quote
    m = re.search(r'href="/restaurants/(\d+)">Kiku Cuernavaca', ana.get("/restaurants?q=kiku").text)
    rest = int(m.group(1))
    users_before = db.execute("SELECT count(*) FROM users").fetchone()[0]

    # ---- profile fields: stored exactly, shown escaped ----
    problems = []
    for field, col in (("display_name", 0), ("bio", 1), ("city", 2)):
        for name, v in GOOD.items():
            vals = {"display_name": "Ana", "bio": "", "city": "", field: v}
            r = form_post(ana, "/u/ana/edit", [(k, q(x)) for k, x in vals.items()] +
                          [("visibility", "public")])
            if r.status != 303:
                problems.append((field, name, "status", r.status))
                continue
            if user_row("ana")[col] != v:
                problems.append((field, name, "stored as", user_row("ana")[col]))
            page = main(Client(srv).get("/u/ana").text)
            if escaped(v) not in page or ("<" in v and v in page):
                problems.append((field, name, "shown", re.findall(r".{0,40}alert.{0,40}", page)[:2]))
            if field == "display_name":
                # everywhere the name is shown: header, a friend's friends list, admin search
                own = ana.get("/").text
                if escaped(v) not in own or ("<" in v and v in own):
                    problems.append((field, name, "header"))
                fl = friend.get("/friends").text
                if escaped(v) not in fl or ("<" in v and v in fl):
                    problems.append((field, name, "friends list"))
            r = ana.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + ana.token})
            if json.loads(r.text).get(field) != v:
                problems.append((field, name, "API", json.loads(r.text).get(field)))
    t.ok(not problems, "profile fields: markup, attribute breakers, SQL, LIKE wildcards, entities "
         "and Unicode are stored exactly and shown escaped (page, header, lists, API)",
         "\n".join(map(repr, problems)))
    t.ok(db.execute("SELECT count(*) FROM users").fetchone()[0] == users_before,
         "the users table is intact after the SQL payloads")

    form_post(ana, "/u/ana/edit", [("display_name", "Ana"), ("bio", "kept"), ("city", "Here"),
                                   ("visibility", "public")])
    before = user_row("ana")
    problems = []
    for field in ("display_name", "bio", "city"):
        for name, enc in BAD.items():
            vals = {"display_name": "Ana", "bio": "x", "city": "y"}
            pairs = [(k, enc if k == field else x) for k, x in vals.items()] + [("visibility", "public")]
            r = form_post(ana, "/u/ana/edit", pairs)
            if r.status != 400 or "\u201c%s\u201d %s" % (field, FIELD_ERROR) not in html.unescape(r.text):
                problems.append((field, name, r.status, re.findall(r"<p>([^<]*)</p>", r.text)[:2]))
    t.ok(not problems, "profile fields: NUL, control characters and every kind of invalid UTF-8 "
         "are refused with a 400 naming the field (%d cases)" % (3 * len(BAD)),
         "\n".join(map(repr, problems)))
    t.ok(user_row("ana") == before, "nothing stored from the refused edits", (before, user_row("ana")))

    limits = {"display_name": 60, "bio": 1000, "city": 80}
    problems = []
    for field, n in limits.items():
        vals = {"display_name": "Ana", "bio": "x", "city": "y"}
        for value, ok in (("é" * n, True), ("🍣" * n, True), ("é" * (n + 1), False),
                          ("x" * (1 << 20), False)):
            vals2 = dict(vals, **{field: value})
            r = form_post(ana, "/u/ana/edit", [(k, q(x)) for k, x in vals2.items()] +
                          [("visibility", "public")])
            stored = user_row("ana")[list(limits).index(field)]
            if ok and (r.status != 303 or stored != value):
                problems.append((field, len(value), "refused or changed", r.status))
            if not ok and (r.status != 422 or str(n) not in r.text or stored == value):
                problems.append((field, len(value), "accepted or no limit stated", r.status))
    t.ok(not problems, "profile fields: exactly the limit in characters is accepted (also 2- and "
         "4-byte ones); one more, or 1 MB, is a 422 (as the API) stating the limit", problems)

    # ---- review text: multipart and urlencoded ----
    def review(c, body_bytes, path=None):
        boundary = "----fcSec9"
        parts = [b"--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n" %
                 (boundary.encode(), c.csrf("/").encode()),
                 b"--%s\r\nContent-Disposition: form-data; name=\"stars\"\r\n\r\n4\r\n" % boundary.encode(),
                 b"--%s\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n" % boundary.encode()
                 + body_bytes + b"\r\n",
                 b"--%s--\r\n" % boundary.encode()]
        return c.request("POST", path or "/restaurants/%d/review" % rest, body=b"".join(parts),
                         headers={"Content-Type": "multipart/form-data; boundary=" + boundary})

    def stored_review(uid_name):
        row = db.execute("SELECT r.body FROM reviews r JOIN users u ON u.id = r.user_id WHERE "
                         "u.username = ? AND r.restaurant_id = ?", (uid_name, rest)).fetchone()
        return row[0] if row else None

    problems = []
    for name, v in dict(GOOD, multiline="line one\r\nline two\n\ttabbed").items():
        r = review(ana, v.encode())
        if r.status != 303 or stored_review("ana") != v.replace("\r\n", "\n") and stored_review("ana") != v:
            problems.append((name, r.status, stored_review("ana")))
            continue
        for who, path in ((Client(srv), "/restaurants/%d" % rest), (Client(srv), "/u/ana"),
                          (friend, "/feed")):
            page = main(who.get(path).text)
            if escaped(v.split("\n")[0].rstrip("\r")) not in page or ("<" in v and v in page):
                problems.append((name, path))
        r = Client(srv).get("/api/v1/restaurants/%d/reviews" % rest)
        if v not in [x.get("body") for x in json.loads(r.text).get("items", [])] and \
                v.replace("\r\n", "\n") not in [x.get("body") for x in json.loads(r.text).get("items", [])]:
            problems.append((name, "API"))
    t.ok(not problems, "review text: markup, SQL, wildcards, Unicode and line breaks are stored "
         "and shown back escaped (restaurant page, profile, a friend's feed, API)", problems)

    review(ana, b"the good one")
    problems = []
    for name, enc in BAD.items():
        raw = urllib.parse.unquote_to_bytes(enc)
        r = review(ana, raw)
        if r.status != 400 or "\u201cbody\u201d " + FIELD_ERROR not in html.unescape(r.text):
            problems.append((name, r.status, re.findall(r"<p>([^<]*)</p>", r.text)[:2]))
    t.ok(not problems, "review text (multipart): NUL, control characters and invalid UTF-8 are "
         "refused with a 400 naming the field", problems)
    t.ok(stored_review("ana") == "the good one", "the stored review is unchanged", stored_review("ana"))
    problems = []
    for value, ok in (("日" * 2000, True), ("🍣" * 2000, True), ("x" * 2001, False),
                      ("x" * (1 << 20), False)):
        r = review(ana, value.encode())
        if ok and (r.status != 303 or stored_review("ana") != value):
            problems.append((len(value), value[:1], "refused or changed", r.status,
                             re.findall(r"too long[^<]*", r.text)))
        if not ok and (r.status != 422 or "at most 2000 characters" not in r.text or
                       stored_review("ana") == value):
            problems.append((len(value), "accepted, or no limit stated", r.status))
    t.ok(not problems, "review text: 2000 characters (also 3- and 4-byte ones) fit; 2001 or 1 MB "
         "is a 422 (as the API) stating the limit, nothing stored", problems)

    # ---- text fields sent as file parts (filename=): never stored unchecked ----
    # Only the review photo is a file. Any other field sent as a file part is refused with a
    # 4xx naming it (or, if valid text, taken as text), on every page and on the API.
    def file_post(c, path, fields, files):
        body, ctype = multipart(dict(fields, csrf=c.csrf("/")), files)
        return c.request("POST", path, body=body, headers={"Content-Type": ctype})

    def names_field(r, field):
        return 400 <= r.status < 500 and "\u201c%s\u201d" % field in html.unescape(r.text)

    review(ana, b"the good one")
    ana_review = db.execute("SELECT r.id FROM reviews r JOIN users u ON u.id = r.user_id WHERE "
                            "u.username = 'ana' AND r.restaurant_id = ?", (rest,)).fetchone()[0]
    form_post(ana, "/u/ana/edit", [("display_name", "Ana"), ("bio", "kept"), ("city", "Here"),
                                   ("visibility", "public")])
    # read as bytes: what was stored may not be UTF-8 at all
    def review_bytes(name):
        row = db.execute("SELECT CAST(r.body AS BLOB) FROM reviews r JOIN users u ON u.id = r.user_id "
                         "WHERE u.username = ? AND r.restaurant_id = ?", (name, rest)).fetchone()
        return bytes(row[0]) if row else None

    def user_bytes(name):
        row = db.execute("SELECT CAST(display_name AS BLOB), CAST(bio AS BLOB), CAST(city AS BLOB) "
                         "FROM users WHERE username = ?", (name,)).fetchone()
        return tuple(bytes(x) for x in row)

    before = user_bytes("ana")
    as_file = dict(BAD, **{"valid text": "plain%20words"})
    problems = []
    for name, enc in as_file.items():
        raw = urllib.parse.unquote_to_bytes(enc)
        for path in ("/restaurants/%d/review" % rest, "/reviews/%d/edit" % ana_review):
            r = file_post(ana, path, {"stars": "4"}, {"body": ("review.txt", "text/plain", raw)})
            stored = review_bytes("ana")
            ok = names_field(r, "body") and stored == b"the good one" or \
                name == "valid text" and r.status == 303 and stored == raw
            if not ok:
                problems.append((name, path, r.status, stored, re.findall(r"<p>([^<]*)</p>", r.text)[:2]))
            review(ana, b"the good one")
        for field in ("display_name", "bio"):
            vals = {"display_name": "Ana", "bio": "kept", "city": "Here", "visibility": "public"}
            del vals[field]
            r = file_post(ana, "/u/ana/edit", vals, {field: ("x.txt", "text/plain", raw)})
            now = user_bytes("ana")
            ok = names_field(r, field) and now == before or \
                name == "valid text" and r.status == 303 and now[["display_name", "bio"].index(field)] == raw
            if not ok:
                problems.append((name, field, r.status, now, re.findall(r"<p>([^<]*)</p>", r.text)[:2]))
            form_post(ana, "/u/ana/edit", [("display_name", "Ana"), ("bio", "kept"), ("city", "Here"),
                                           ("visibility", "public")])
    t.ok(not problems, "review text, display name and bio sent as file parts: NUL, control "
         "characters and invalid UTF-8 are refused with a 4xx naming the field, nothing stored "
         "(new review, review edit, profile edit)", "\n".join(map(repr, problems)))
    fern_before = db.execute("SELECT count(*) FROM reviews r JOIN users u ON u.id = r.user_id "
                             "WHERE u.username = 'fern'").fetchone()[0]
    body, ctype = multipart({"stars": "4"}, {"body": ("r.txt", "text/plain", b"a\x01b\xff")})
    r = friend.request("POST", "/api/v1/restaurants/%d/reviews" % rest, body=body,
                       headers={"Content-Type": ctype, "Authorization": "Bearer " + friend.token})
    err = (json.loads(r.text).get("error") or {}) if r.text.startswith("{") else {}
    t.ok(r.status == 400 and err.get("field") == "body" and "\u201cbody\u201d" in err.get("message", "") and
         db.execute("SELECT count(*) FROM reviews r JOIN users u ON u.id = r.user_id WHERE "
                    "u.username = 'fern'").fetchone()[0] == fern_before,
         "API: a review body sent as a multipart file part is refused with a JSON 400 naming the "
         "field, nothing stored", r.text[:200])

    # one more of each, left in place, then what the API answers about them
    file_post(ana, "/restaurants/%d/review" % rest, {"stars": "4"},
              {"body": ("r.txt", "text/plain", b"junk\x01\xff")})
    file_post(ana, "/u/ana/edit", {"city": "Here", "visibility": "public"},
              {"display_name": ("x.txt", "text/plain", b"Ana\x01\xff"),
               "bio": ("y.txt", "text/plain", b"bio\x00\xc0\xaf")})

    def raw_get(path, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        conn.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def bad_text(v):
        """Strings in a parsed JSON value holding a control character (other than \\n \\r \\t)."""
        if isinstance(v, dict):
            return [x for k, w in v.items() for x in bad_text(k) + bad_text(w)]
        if isinstance(v, list):
            return [x for w in v for x in bad_text(w)]
        if isinstance(v, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", v):
            return [v]
        return []

    problems = []
    for path, token in (("/api/v1/me", ana.token), ("/api/v1/users/ana", None),
                        ("/api/v1/restaurants/%d/reviews" % rest, None),
                        ("/api/v1/reviews/%d" % ana_review, None), ("/api/v1/feed", friend.token)):
        status, data = raw_get(path, token)
        try:
            doc = json.loads(data.decode("utf-8"))
        except ValueError as e:
            problems.append((path, status, str(e)[:80], data[:120]))
            continue
        if status != 200 or bad_text(doc):
            problems.append((path, status, bad_text(doc)[:3]))
    t.ok(not problems, "after the file-part posts the API still answers valid UTF-8 JSON "
         "without control characters (profile, reviews, feed)", problems)
    review(ana, b"the good one")
    form_post(ana, "/u/ana/edit", [("display_name", "Ana"), ("bio", "kept"), ("city", "Here"),
                                   ("visibility", "public")])

    # ---- searches: wildcards are literal, markup comes back escaped ----
    def names(text):
        return re.findall(r'class="card-title" href="/restaurants/\d+">([^<]*)<', text)

    all_count = json.loads(Client(srv).get("/api/v1/restaurants?per_page=1").text).get("total")
    problems = []
    for qv in ("%", "_", "\\", "'", "' OR '1'='1", "%' --", "\"; DROP TABLE restaurants; --"):
        r = Client(srv).get("/restaurants?q=" + q(qv))
        found = [html.unescape(n) for n in names(r.text)]
        if r.status != 200 or any(qv.lower() not in n.lower() for n in found):
            problems.append(("page", qv, r.status, found[:3]))
        r = Client(srv).get("/api/v1/restaurants?q=" + q(qv))
        items = json.loads(r.text).get("items", []) if r.status == 200 else None
        if items is None or any(qv.lower() not in i["name"].lower() for i in items):
            problems.append(("API", qv, r.status))
    t.ok(not problems and all_count and all_count > 100,
         "restaurant search: %%, _, \\ and quotes match only themselves, never everything "
         "(of %s restaurants)" % all_count, problems)
    r = ana.get("/friends?q=" + q("%"))
    t.ok(r.status == 200 and "@fern" not in r.text.split("Your friends")[0].split("Search")[-1]
         if "Search" in r.text else r.status == 200, "people search: % is not a wildcard")
    r = ana.request("GET", "/api/v1/users?q=" + q("_"), headers={"Authorization": "Bearer " + ana.token})
    t.ok(r.status == 200 and json.loads(r.text).get("items") == [],
         "API people search: _ matches no one (no username has one)", r.text[:200])
    payload = GOOD["attribute breaker"]
    r = Client(srv).get("/restaurants?q=" + q(payload))
    t.ok(r.status == 200 and payload not in r.text and 'value="%s"' % escaped(payload) in r.text,
         "the search box shows a hostile query back escaped", re.findall(r'value="[^"]*', r.text)[:3])
    r = Client(srv).get("/restaurants?q=a%80")
    t.ok(r.status == 400 and "\u201cq\u201d " + FIELD_ERROR in html.unescape(r.text),
         "a query that is not UTF-8: 400 naming the parameter", r.status)
    r = Client(srv).get("/restaurants?q=" + "x" * 5000)
    t.ok(r.status == 400 and "at most 100 characters" in r.text,
         "a 5000-character search: 400 stating the limit", r.status)
    r = Client(srv).get("/restaurants?q=" + "x" * (1 << 20))
    t.ok(400 <= r.status < 500, "a 1 MB query string is refused with a 4xx (by lighttpd)", r.status)

    # ---- log-in and sign-up ----
    c = Client(srv)
    tok = c.csrf("/login")
    r = c.request("POST", "/login", body=("csrf=%s&username=ana%%00&password=%s" % (tok, q(PW))).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.ok(r.status == 400 and "\u201cusername\u201d " + FIELD_ERROR in html.unescape(r.text)
         and "fc_session" not in c.cookies, "log-in: 'ana\\0' is refused with a 400 naming the "
         "field, not treated as 'ana'", r.status)
    bad = []
    for uname in ("<b>x</b>", "a'b", "a b", "a%00b", "x" * 200, "é"):
        c = Client(srv)
        r = c.post("/signup", {"username": uname, "email": "u%d@example.com" % len(bad), "password": PW,
                               "password2": PW}, csrf_from="/signup")
        if r.status != 422 or db.execute("SELECT count(*) FROM users WHERE username = ?",
                                         (uname,)).fetchone()[0]:
            bad.append((uname[:20], r.status))
    t.ok(not bad, "sign-up: usernames with markup, quotes, spaces, NUL, 200 characters or "
         "non-ASCII are refused with a 422 (as the API's invalid_value)", bad)

    # ---- the JSON API ----
    problems = []
    for name, v in GOOD.items():
        r = api(ana, "PATCH", "/api/v1/me", {"bio": v})
        if r.status != 200 or json.loads(r.text).get("bio") != v or user_row("ana")[1] != v:
            problems.append((name, r.status, r.text[:100]))
    t.ok(not problems, "API: hostile text round-trips exactly through JSON", problems)
    api(ana, "PATCH", "/api/v1/me", {"bio": "kept"})
    cases = {
        "\\u0000": (b'{"bio": "a\\u0000b"}', 422, "bio"),
        "\\u0001": (b'{"bio": "a\\u0001b"}', 422, "bio"),
        "raw control byte": (b'{"bio": "a\x01b"}', 400, None),  # not JSON (RFC 8259: escape it)
        "raw invalid UTF-8": (b'{"bio": "a\x80b"}', 400, None),
        "raw overlong": (b'{"bio": "a\xc0\xafb"}', 400, None),
        "raw surrogate": (b'{"bio": "a\xed\xa0\x80b"}', 400, None),
        "lone high surrogate escape": (b'{"bio": "a\\ud800b"}', 400, None),
        "lone low surrogate escape": (b'{"bio": "a\\udc00b"}', 400, None),
        "reversed pair": (b'{"bio": "\\udc00\\ud800"}', 400, None),
        "1 MB": (json.dumps({"bio": "x" * (1 << 20)}).encode(), 422, "bio"),
    }
    problems = []
    for name, (body, status, field) in cases.items():
        r = api(ana, "PATCH", "/api/v1/me", body)
        try:
            err = json.loads(r.text).get("error") or {}
        except ValueError:
            err = {}
        if (status and r.status != status) or not 400 <= r.status < 500 or \
                (field and err.get("field") != field) or not err.get("message"):
            problems.append((name, r.status, r.text[:150]))
    t.ok(not problems, "API: escaped NUL and control characters (422 naming the field), raw ones, "
         "invalid UTF-8 and lone surrogate escapes (400: not JSON) and 1 MB (422 with the limit) "
         "are refused", problems)
    t.ok(user_row("ana")[1] == "kept", "nothing stored from the refused API calls", user_row("ana")[1])
    r = api(ana, "PATCH", "/api/v1/me", {"bio": "\U0001F363 \\ud800"})
    t.ok(r.status == 200 and user_row("ana")[1] == "\U0001F363 \\ud800",
         "API: a real pair and a literal backslash-u are fine", r.text[:100])
    r = api(ana, "PUT", "/api/v1/reviews/%d" % db.execute(
        "SELECT r.id FROM reviews r JOIN users u ON u.id = r.user_id WHERE u.username='ana'").fetchone()[0],
        b'{"stars": 3, "body": "x\\u0000y"}')
    t.ok(r.status == 422 and json.loads(r.text)["error"]["field"] == "body",
         "API review: NUL refused naming the field", r.text[:150])
    r = api(ana, "PATCH", "/api/v1/me", {"bio\u0000": "x"})
    t.ok(400 <= r.status < 500, "API: a NUL in a member name is refused", r.status)

    # ClearSilver's alt: prints its value without the html escaping every var: gets
    tpl = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "templates")
    raw = [(f, m) for f in sorted(os.listdir(tpl)) if f.endswith(".cs")
           for m in re.findall(r"<\?cs (?:alt|uvar|evar|lvar):[^?]*", open(os.path.join(tpl, f)).read())]
    t.ok(not raw, "no template prints a value unescaped (alt:, uvar:, evar:, lvar:)", raw)

    # nothing above made the server fail
    log = open(os.path.join(srv.dir, "access.log")).read()
    fives = [l for l in log.splitlines() if re.search(r" 5\d\d [0-9.]+ms$", l)]
    t.ok(not fives, "no request above got a 5xx", fives[:5])
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
