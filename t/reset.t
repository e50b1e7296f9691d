#!/usr/bin/env python3
"""Issue #16 item 8, account recovery for local accounts: an admin's one-time reset link,
/forgot mailing one through SMTP (a local sink, t/lib/smtp_sink.py), single use, the same
answer whatever the address, throttled, sessions and API tokens ended, no token in the logs."""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Client, Server, TAP  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

t = TAP()
sink = SmtpSink()
srv = Server(demo=True, env={"FORKCAST_MAIL_SMTP_URL": sink.url(),
                             "FORKCAST_MAIL_FROM": "forkcast@example.com",
                             "FORKCAST_MAIL_SITEURL": "http://forkcast.test"})
tokens = []


def api_login(name, pw):
    c = Client(srv)
    r = c.request("POST", "/api/v1/login", body=json.dumps({"username": name, "password": pw}).encode(),
                  headers={"Content-Type": "application/json"})
    return json.loads(r.text).get("token") if r.status == 200 else None


def api_me(tok):
    return Client(srv).request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + tok}).status


try:
    rita = Client(srv)
    r = rita.post("/signup", {"username": "rita", "email": "rita@example.com",
                              "password": "old password one", "password2": "old password one",
                              "display_name": "Rita"}, csrf_from="/signup")
    t.ok(r.status == 303, "rita signs up", r.status)
    api_tok = api_login("rita", "old password one")
    t.ok(api_tok and api_me(api_tok) == 200, "rita has an API token too")

    # ---- the admin's link
    admin = Client(srv)
    admin.post("/login", {"username": "admin", "password": "forkcast-demo"}, csrf_from="/login")
    r = admin.get("/admin/users/rita")
    t.ok('action="/admin/users/rita/reset-link"' in r.text, "the user's admin page offers a reset link")
    r = rita.post("/admin/users/rita/reset-link", {}, csrf_from="/")
    t.ok(r.status == 403, "a regular user cannot make one", r.status)
    r = admin.post("/admin/users/rita/reset-link", {}, csrf_from="/admin/users/rita")
    m = re.search(r'value="http://forkcast.test/reset\?token=([0-9a-f]{64})"', r.text)
    t.ok(r.status == 200 and m, "the admin gets the link, once", r.text[-800:])
    tok = m.group(1) if m else ""
    tokens.append(tok)
    r = admin.post("/admin/users/nobody-here/reset-link", {}, csrf_from="/admin/users/rita")
    t.ok(r.status == 404, "no such user: 404", r.status)

    anon = Client(srv)
    r = anon.get("/reset?token=" + tok)
    t.ok(r.status == 200 and 'name="token" value="%s"' % tok in r.text, "the link opens the form")
    r = anon.post("/reset", {"token": tok, "password": "brand new secret", "password2": "other"},
                  csrf_from="/reset?token=" + tok)
    t.ok(r.status == 422 and "differ" in r.text, "two different passwords: 422", r.status)
    r = anon.post("/reset", {"token": tok, "password": "short", "password2": "short"},
                  csrf_from="/reset?token=" + tok)
    t.ok(r.status == 422 and 'id="err-password"' in r.text, "a weak password: 422 on the field", r.status)
    r = anon.post("/reset", {"token": tok, "password": "brand new secret", "password2": "brand new secret"},
                  csrf_from="/reset?token=" + tok)
    t.ok(r.status == 303 and r.getheader("Location") == "/login",
         "the link (still good after refused passwords) sets the password", r.status)
    r = rita.get("/feed")
    t.ok(r.status == 303, "rita's other session ended", r.status)
    t.ok(api_me(api_tok) == 401, "and her API token")
    t.ok(api_login("rita", "old password one") is None, "the old password no longer works")
    t.ok(api_login("rita", "brand new secret"), "the new one does")
    r = anon.post("/reset", {"token": tok, "password": "another secret!", "password2": "another secret!"},
                  csrf_from="/reset?token=" + tok)
    t.ok(r.status == 404 and "used already or has expired" in r.text, "the link works once", r.status)
    r = anon.post("/reset", {"token": "f" * 64, "password": "another secret!", "password2": "another secret!"},
                  csrf_from="/login")
    t.ok(r.status == 404, "a made-up token: 404", r.status)

    # ---- /forgot by mail
    r = anon.get("/forgot")
    t.ok(r.status == 200 and 'name="email"' in r.text, "/forgot asks for the e-mail address")
    r1 = anon.post("/forgot", {"email": "rita@example.com"}, csrf_from="/forgot")
    r2 = anon.post("/forgot", {"email": "nobody@example.com"}, csrf_from="/forgot")

    def notice(r):
        m = re.search(r'<p class="flash" role="status">(.*?)</p>', r.text)
        return m and m.group(1)
    t.ok(r1.status == r2.status == 200 and notice(r1) and notice(r1) == notice(r2),
         "the same answer for an account's address and for an unknown one", (r1.status, r2.status))
    msgs = sink.wait(1)
    t.ok(len(msgs) == 1 and msgs[0][1] == ["<rita@example.com>"], "one mail, to rita only",
         [(f, rc) for f, rc, _ in msgs])
    body = msgs[0][2] if msgs else ""
    m = re.search(r"http://forkcast.test/reset\?token=([0-9a-f]{64})", body)
    t.ok(m and "From: forkcast@example.com" in body and "Subject:" in body,
         "the mail carries the link", body[:600])
    tok2 = m.group(1) if m else ""
    tokens.append(tok2)
    r = anon.get("/reset?token=" + tok2)
    r = anon.post("/reset", {"token": tok2, "password": "mailed new pass", "password2": "mailed new pass"},
                  csrf_from="/reset?token=" + tok2)
    t.ok(r.status == 303, "the mailed link sets the password", r.status)
    t.ok(api_login("rita", "mailed new pass"), "rita logs in with it")

    # ---- throttled per address (3 in the window by default), whatever the account
    codes = [anon.post("/forgot", {"email": "ghost@example.com"}, csrf_from="/forgot").status
             for _ in range(4)]
    t.ok(codes == [200, 200, 200, 429], "a fourth request for one address: 429", codes)
    r = anon.post("/forgot", {"email": "not an address"}, csrf_from="/forgot")
    t.ok(r.status == 422 and 'id="err-email"' in r.text, "not an address: 422 on the field", r.status)

    # ---- the demo users are local: an admin link works for them too
    r = admin.post("/admin/users/u1001/reset-link", {}, csrf_from="/admin/users/u1001")
    m = re.search(r"reset\?token=([0-9a-f]{64})", r.text)
    tokens.append(m.group(1) if m else "")
    t.ok(m, "a demo user's link")
finally:
    reports = srv.stop()
    logs = srv.logs()
    for p in glob.glob(os.path.join(srv.dir, "*.log")):
        with open(p, errors="replace") as f:
            logs += f.read()
    leaked = [x for x in tokens if x and x in logs]
    t.ok(tokens and not leaked, "no token in the access log or the error log", leaked)
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    srv.cleanup()
    sink.stop()
t.done()
