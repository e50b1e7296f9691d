#!/usr/bin/env python3
"""Integration test of the parsed-template cache (cgi/core/tmplcache.c) through the real
lighttpd + FastCGI, on a copy of the templates: with Templates.CheckSeconds = 2 an edited
template is served once the interval has passed (and not sooner); with 0 at the next request."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, Client, Server, TAP  # noqa: E402

t = TAP()
INTERVAL = 2
MARK = "<p>templates.t was here</p>"


def edit(tdir):
    """Adds MARK to the log-in page's template."""
    path = os.path.join(tdir, "login.cs")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("<h1>Log in</h1>", "<h1>Log in</h1>" + MARK))


def start(check_seconds):
    """A server of one FastCGI process (one cache) on a copy of templates/."""
    tdir = tempfile.mkdtemp(prefix="fc-tpl-")
    shutil.rmtree(tdir)
    shutil.copytree(os.path.join(ROOT, "templates"), tdir)
    srv = Server(env={"FORKCAST_TEMPLATES_DIR": tdir, "FORKCAST_SERVER_PROCS": "1",
                      "FORKCAST_TEMPLATES_CHECKSECONDS": str(check_seconds)})
    return srv, tdir


def stop(srv, tdir, name):
    reports = srv.stop()
    t.ok(not reports, "%s: no sanitizer reports" % name, "\n".join(reports)[:3000])
    srv.cleanup()
    shutil.rmtree(tdir, ignore_errors=True)


srv, tdir = start(INTERVAL)
try:
    env = dict(srv.env)
    del env["FORKCAST_TEMPLATES_CHECKSECONDS"]
    out = subprocess.run(srv.wrapper + [srv.cli, "config", "Templates.CheckSeconds"], env=env,
                         capture_output=True, text=True).stdout.strip()
    t.ok(out == "2", "the shipped configuration checks templates every 2 s", out)
    b = Client(srv)
    a0 = time.monotonic()
    r = b.get("/login")
    a1 = time.monotonic()
    t.ok(r.status == 200 and "<h1>Log in</h1>" in r.text and MARK not in r.text,
         "log-in page parsed and served", r.status)
    edit(tdir)
    b0 = time.monotonic()
    r = b.get("/login")
    b1 = time.monotonic()
    if b1 - a0 < INTERVAL - 0.2:
        t.ok(r.status == 200 and MARK not in r.text,
             "edited template: the kept parse is served within the interval (%.2f s after)"
             % (b1 - a0))
    else:
        t.ok(True, "# SKIP the machine took %.2f s between two requests" % (b1 - a0))
    time.sleep(max(0.0, a1 + INTERVAL + 0.3 - time.monotonic()))
    r = b.get("/login")
    t.ok(r.status == 200 and MARK in r.text and "<h1>Log in</h1>" in r.text,
         "edited template: served once the interval has passed", r.status)
    r = b.get("/login")
    t.ok(MARK in r.text, "and kept")
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    stop(srv, tdir, "Templates.CheckSeconds = %d" % INTERVAL)

srv, tdir = start(0)
try:
    b = Client(srv)
    r = b.get("/login")
    t.ok(r.status == 200 and MARK not in r.text, "CheckSeconds = 0: log-in page served", r.status)
    edit(tdir)
    r = b.get("/login")
    t.ok(r.status == 200 and MARK in r.text, "CheckSeconds = 0: the edit is served at once",
         r.status)
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    stop(srv, tdir, "Templates.CheckSeconds = 0")
t.done()
