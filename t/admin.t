#!/usr/bin/env python3
"""Integration test of the admin console through the real lighttpd + FastCGI: only admins get
in; users are searched, paged, disabled (their session ends, their log-in is refused),
enabled, made and unmade admins; an admin cannot disable or demote themself; the health page
counts the requests this test made across processes, with SVG charts; and metrics buffered in
the FastCGI processes reach the database when the server stops."""
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, Client, Server, TAP  # noqa: E402

PW = "forkcast-demo"
t = TAP()

# Metrics.FlushSeconds is not in conf/forkcast.hdf yet (so no FORKCAST_ variable can set it):
# run on a copy of the configuration with a Metrics block appended.
confdir = tempfile.mkdtemp(prefix="fc-admin-conf-")


def config(flush_seconds):
    path = os.path.join(confdir, "forkcast-%d.hdf" % flush_seconds)
    with open(os.path.join(ROOT, "conf", "forkcast.hdf")) as f, open(path, "w") as out:
        out.write(f.read() + "\nMetrics {\n  FlushSeconds = %d\n}\n" % flush_seconds)
    return {"FORKCAST_CONFIG": path, "FORKCAST_ROOT": ROOT}


def login(name, password=PW):
    c = Client(srv)
    r = c.post("/login", {"username": name, "password": password}, csrf_from="/login")
    return c, r


def data_count(page, attr, value):
    m = re.search(r'<tr data-%s="%s" data-count="(\d+)"' % (attr, re.escape(value)), page)
    return int(m.group(1)) if m else -1


def flash(c, r):
    """Follows a 303 and returns the flash message shown there."""
    page = c.get(r.getheader("Location")).text
    m = re.search(r'<p class="flash" role="status">(.*?)</p>', page, re.S)
    return m.group(1) if m else ""


# write-through (FlushSeconds = 0): the health page sees every process's requests at once
srv = Server(demo=True, env=config(0))
try:
    anon = Client(srv)
    r = anon.get("/admin")
    t.ok(r.status == 303 and r.getheader("Location").startswith("/login?next=%2Fadmin"),
         "anonymous: /admin sends to the log-in page", r.status)

    # ---- a non-admin gets 403 everywhere ----
    nobody = Client(srv)
    r = nobody.post("/signup", {"username": "nadia", "email": "nadia@example.com",
                                "password": "tacos al pastor", "password2": "tacos al pastor",
                                "display_name": "Nadia"}, csrf_from="/signup")
    t.ok(r.status == 303, "a regular user signs up", r.status)
    t.ok('href="/admin"' not in nobody.get("/").text, "no Admin link for a regular user")
    forbidden = 0
    gets = ["/admin", "/admin/users", "/admin/users?q=u1", "/admin/users/u1001",
            "/admin/users/u1001/disable", "/admin/users/nadia/make-admin", "/admin/health",
            "/admin/health?window=24h"]
    bad = [p for p in gets if nobody.get(p).status != 403]
    forbidden += len(gets)
    t.ok(not bad, "a regular user gets 403 on every admin page", bad)
    token = nobody.csrf("/")
    posts = ["/admin/users/u1001/disable", "/admin/users/u1001/enable",
             "/admin/users/nadia/make-admin", "/admin/users/admin/remove-admin",
             "/admin/users/admin/disable"]
    bad = [p for p in posts if nobody.post(p, {"csrf": token}).status != 403]
    forbidden += len(posts)
    t.ok(not bad, "a regular user gets 403 on every admin action (with a valid CSRF token)", bad)
    t.ok(nobody.get("/admin").status == 403, "still not an admin after trying make-admin")
    forbidden += 1

    # ---- the admin ----
    adm, r = login("admin")
    t.ok(r.status == 303, "the demo admin logs in", r.status)
    page = adm.get("/").text
    t.ok('<a href="/admin">Admin</a>' in page, "the navigation shows Admin to an admin")
    r = adm.get("/admin")
    links = ["/admin/users", "/admin/health", "/admin/instances", "/admin/backups"]
    t.ok(r.status == 200 and all('href="%s"' % l in r.text for l in links),
         "dashboard links users, health, instances and backups", r.status)
    t.ok(re.search(r"<strong>14\d</strong> accounts", r.text) is not None,
         "dashboard counts the accounts")

    # users: list, paging, search by username, display name, e-mail
    r = adm.get("/admin/users")
    users1 = re.findall(r'<tr data-user="([^"]+)"', r.text)
    m = re.search(r"Showing 1&ndash;25 of (\d+)", r.text)
    t.ok(r.status == 200 and len(users1) == 25 and m and int(m.group(1)) >= 140,
         "users: the first page lists 25 of everyone", (r.status, len(users1)))
    r = adm.get("/admin/users?page=2")
    users2 = re.findall(r'<tr data-user="([^"]+)"', r.text)
    t.ok(len(users2) == 25 and not set(users1) & set(users2) and 'rel="prev"' in r.text,
         "users: page 2 lists the next 25")
    r = adm.get("/admin/users?q=u1001")
    t.ok(re.findall(r'<tr data-user="([^"]+)"', r.text) == ["u1001"], "search by username")
    name = re.search(r'<a href="/admin/users/u1001">([^<]+)</a>', r.text).group(1)
    r = adm.get("/admin/users?q=" + urllib.parse.quote(name))
    t.ok("u1001" in re.findall(r'<tr data-user="([^"]+)"', r.text),
         "search by display name (%s)" % name)
    r = adm.get("/admin/users?q=u1002%40demo")
    t.ok(re.findall(r'<tr data-user="([^"]+)"', r.text) == ["u1002"], "search by e-mail")
    r = adm.get("/admin/users?q=no-such-person-zz")
    t.ok("Nobody matches" in r.text, "a search without results says so")
    r = adm.get("/admin/users?role=admin")
    t.ok(re.findall(r'<tr data-user="([^"]+)"', r.text) == ["admin"], "filter: administrators")
    t.ok(adm.get("/admin/users?page=zero").status == 400, "a bad page number: 400")
    r = adm.get("/admin/users/u1001")
    t.ok(r.status == 200 and "u1001@demo" in r.text and "/admin/users/u1001/disable" in r.text,
         "a user's admin page shows the e-mail and the actions")
    t.ok(adm.get("/admin/users/no-such-user").status == 404, "unknown user: 404")

    # ---- disable: the victim's session ends, log-in refused; enable again ----
    victim, r = login("u1003")
    t.ok(r.status == 303 and victim.get("/feed").status == 200, "u1003 is logged in")
    r = adm.get("/admin/users/u1003/disable?next=/admin/users%3Fq%3Du1003")
    t.ok(r.status == 200 and 'action="/admin/users/u1003/disable"' in r.text and
         'class="danger"' in r.text and "Cancel" in r.text,
         "disabling asks for confirmation first")
    r = adm.post("/admin/users/u1003/disable", {"next": "/admin/users?q=u1003"},
                 csrf_from="/admin/users/u1003/disable")
    t.ok(r.status == 303 and r.getheader("Location") == "/admin/users?q=u1003",
         "disable: 303 back to where the admin was", (r.status, r.getheader("Location")))
    msg = flash(adm, r)
    t.ok("is disabled" in msg, "disable: flash message", msg)
    r = adm.get("/admin/users?role=disabled")
    t.ok("u1003" in re.findall(r'<tr data-user="([^"]+)"', r.text), "u1003 listed as disabled")
    r = victim.get("/feed")
    t.ok(r.status == 303 and r.getheader("Location").startswith("/login"),
         "the disabled user's existing session is logged out", r.status)
    t.ok("fc_session" not in victim.cookies, "and their session cookie is cleared")
    victim2, r = login("u1003")
    t.ok(r.status == 403 and "This account is disabled" in r.text,
         "the disabled user's log-in is refused with a clear message", r.status)
    r = adm.post("/admin/users/u1003/enable", {"next": "/admin/users/u1003"},
                 csrf_from="/admin/users/u1003")
    t.ok(r.status == 303 and "enabled again" in flash(adm, r), "enable: 303 with a message")
    victim3, r = login("u1003")
    t.ok(r.status == 303 and victim3.get("/feed").status == 200, "re-enabled: log-in works")
    r = adm.post("/admin/users/u1003/enable", {}, csrf_from="/admin/users/u1003")
    t.ok(r.status == 303 and "Nothing to change" in flash(adm, r), "enabling twice changes nothing")

    # ---- make admin, remove admin ----
    promoted, r = login("u1004")
    t.ok(promoted.get("/admin").status == 403, "u1004 is not an admin yet")
    r = adm.get("/admin/users/u1004/make-admin")
    t.ok(r.status == 200 and 'action="/admin/users/u1004/make-admin"' in r.text,
         "making an admin asks for confirmation")
    r = adm.post("/admin/users/u1004/make-admin", {}, csrf_from="/admin/users/u1004/make-admin")
    t.ok(r.status == 303 and r.getheader("Location") == "/admin/users/u1004" and
         "now an administrator" in flash(adm, r), "make admin: 303 with a message")
    t.ok(promoted.get("/admin").status == 200, "u1004 now sees the console")
    t.ok('<a href="/admin">Admin</a>' in promoted.get("/").text, "and the Admin link")
    r = adm.post("/admin/users/u1004/remove-admin", {}, csrf_from="/admin/users/u1004")
    t.ok(r.status == 303 and "no longer an administrator" in flash(adm, r), "remove admin")
    t.ok(promoted.get("/admin").status == 403, "u1004 is out of the console again")
    forbidden += 2

    # ---- an admin cannot disable or demote themself ----
    r = adm.get("/admin/users/admin/disable")
    t.ok(r.status == 200 and "You cannot disable your own account" in r.text and
         'action="/admin/users/admin/disable"' not in r.text,
         "confirmation page for oneself: the refusal, no button")
    r = adm.get("/admin/users/admin")
    t.ok("/admin/users/admin/disable" not in r.text and
         "/admin/users/admin/remove-admin" not in r.text, "no disable/demote buttons for oneself")
    r = adm.post("/admin/users/admin/disable", {}, csrf_from="/admin/users")
    t.ok(r.status == 409 and "You cannot disable your own account" in r.text,
         "disabling oneself: 409 with a clear message", r.status)
    r = adm.post("/admin/users/admin/remove-admin", {}, csrf_from="/admin/users")
    t.ok(r.status == 409 and "You cannot remove your own administrator role" in r.text,
         "demoting oneself: 409 with a clear message", r.status)
    t.ok(adm.get("/admin").status == 200, "and the admin is still an admin")
    t.ok(adm.post("/admin/users/u1001/explode", {}, csrf_from="/admin/users").status == 404,
         "unknown action: 404")
    r = adm.request("POST", "/admin/users/u1001/disable", form={"csrf": "0" * 64})
    t.ok(r.status == 403 and "expired" in r.text, "admin actions check the CSRF token")
    t.ok(victim3.get("/feed").status == 200, "and a refused action changed nothing")

    # ---- health: counts what this test did ----
    for i in range(7):
        anon.get("/restaurants?page=%d" % (i + 1))
    for i in range(3):
        anon.get("/no-such-page-%d" % i)
    r = adm.get("/admin/health")
    page = r.text
    t.ok(r.status == 200 and "<svg" in page, "health page renders with SVG charts", r.status)
    m = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)Z">([^<]*)</time>', page)
    t.ok(m and m.group(3) == "%s %s UTC" % (m.group(1), m.group(2)),
         "health page: the time it was made, as text in UTC", m and m.group(0))
    t.ok(data_count(page, "route", "/restaurants") >= 7, "route /restaurants counted >= 7 times",
         data_count(page, "route", "/restaurants"))
    t.ok(data_count(page, "status", "404") >= 3, "404s counted", data_count(page, "status", "404"))
    t.ok(data_count(page, "route", "-") >= 3, "requests matching no route counted under -")
    t.ok(data_count(page, "status", "403") >= forbidden,
         "the %d refusals (403) counted" % forbidden, data_count(page, "status", "403"))
    t.ok(data_count(page, "route", "/admin/users/:username/:action") >= 5,
         "admin actions counted under their route pattern")
    t.ok(data_count(page, "status", "303") >= 1 and data_count(page, "status", "200") >= 20,
         "200 and 303 counted")
    row = re.search(r'<tr data-route="/restaurants".*?</tr>', page, re.S).group(0)
    nums = re.findall(r'<td class="num">([0-9.]+)</td>', row)
    t.ok(len(nums) >= 9 and float(nums[5]) <= float(nums[6]) <= float(nums[7]) <= float(nums[8]),
         "p50 <= p90 <= p99 <= max for /restaurants", nums)
    t.ok(page.count("<svg") == 3 and 'id="chart-requests"' in page and 'id="chart-errors"' in page
         and 'id="chart-p99"' in page, "three charts: requests, 5xx and p99 per minute")
    bars = re.findall(r'<rect class="bar" x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" '
                      r'height="([0-9.]+)"><title>(\d\d:\d\d) UTC: (\d+) requests</title>',
                      page.split('id="chart-requests"')[1].split("</svg>")[0])
    t.ok(bars and sum(int(b[5]) for b in bars) >= 30, "the requests chart has bars with counts",
         bars[-3:])
    t.ok(re.search(r"Integrity \(quick_check\)</th><td>ok", page) is not None,
         "store health: quick_check ok")
    t.ok("Write-ahead log" in page and "Database file" in page, "store health: file and WAL sizes")
    t.ok('id="aws-none"' in page and "No AWS calls" in page, "no AWS calls in this backend")
    t.ok(re.search(r'id="rec-fallback">\d+<', page) is not None, "recommendation fallbacks shown")
    t.ok("<script" not in page, "no JavaScript")
    r = adm.get("/admin/health?window=24h")
    t.ok(r.status == 200 and data_count(r.text, "route", "/restaurants") >= 7,
         "the 24 h window includes the same requests")
    t.ok(adm.get("/admin/health?window=1y").status == 400, "an unknown window: 400")
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
    srv.cleanup()

# ---- buffered metrics: flushed by every process when the server stops ----
srv = Server(env=dict(config(3600), FORKCAST_SERVER_PROCS="3"))
try:
    N, THREADS = 40, 4
    counts = [0] * THREADS

    def worker(k):
        c = Client(srv)
        for i in range(N // THREADS):
            if c.get("/restaurants?q=%d" % i).status == 200:  # no demo data: one page
                counts[k] += 1

    ths = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.ok(sum(counts) == N, "%d requests over %d connections" % (N, THREADS), counts)
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    before = db.execute("SELECT coalesce(sum(count), 0) FROM metrics_requests "
                        "WHERE route = '/restaurants'").fetchone()[0]
    db.close()
    t.ok(before < N, "with a long flush interval they are still buffered (%d stored)" % before)
    srv.stop()
    deadline = time.time() + 10  # the processes may finish exiting after lighttpd
    while True:
        db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
        after = db.execute("SELECT coalesce(sum(count), 0) FROM metrics_requests "
                           "WHERE route = '/restaurants' AND status = 200").fetchone()[0]
        hist = db.execute("SELECT " + "+".join("sum(b%d)" % i for i in range(40)) +
                          " FROM metrics_requests WHERE route = '/restaurants'").fetchone()[0]
        db.close()
        if after >= N or time.time() > deadline:
            break
        time.sleep(0.2)
    t.ok(after == N, "after the stop every process flushed: %d of %d stored" % (after, N))
    t.ok(hist == N, "the histograms hold every request", hist)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports (buffered server)", "\n".join(reports)[:3000])
    srv.cleanup()
    shutil.rmtree(confdir, ignore_errors=True)
t.done()
