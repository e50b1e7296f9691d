#!/usr/bin/env python3
"""Every page kind (t/lib/crawl.py's PAGES) of the demo site as anonymous visitor, demo user,
new user and admin, checked by the W3C Nu HTML validator (node_modules/vnu-jar, Debian's
Java) in one run: 0 errors. The pages are kept in build/test-output/html/ (page kind per file);
a failure lists each error with its page, line and message."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import crawl  # noqa: E402
from fcserver import ROOT, Server, TAP  # noqa: E402

VNU = os.path.join(ROOT, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
if not shutil.which("java") or not os.path.exists(VNU):
    print("1..0 # SKIP needs java (default-jre-headless) and node_modules/vnu-jar (make test installs both)")
    sys.exit(0)

t = TAP()
out = os.path.join(ROOT, "build", "test-output", "html")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
srv = Server(demo=True, env=crawl.SERVER_ENV)
try:
    cl = crawl.clients(srv)
    files = {}
    for p in crawl.resolved(cl):
        r = crawl.fetch(cl, p)
        label = "%s %s (%s %s)" % (p["who"], p["name"], p["method"], p["path"])
        t.ok(r.status < 500 and "text/html" in (r.getheader("Content-Type") or ""),
             "%s answers a page" % label, "status %d" % r.status)
        fn = os.path.join(out, "%s-%s.html" % (p["who"], p["name"]))
        with open(fn, "wb") as f:
            f.write(r.data)
        files[fn] = label
    v = subprocess.run(["java", "-jar", VNU, "--errors-only", "--format", "json"] + sorted(files),
                       capture_output=True, text=True, timeout=600)
    try:
        msgs = json.loads(v.stderr or v.stdout)["messages"]
    except ValueError:
        msgs = None
    t.ok(msgs is not None, "the validator ran", (v.stdout + v.stderr)[-2000:])
    by_page = {}
    for m in msgs or []:
        fn = m.get("url", "").replace("file:", "")
        by_page.setdefault(fn, []).append(m)
    for fn in sorted(files):
        errs = by_page.get(fn, [])
        # one line per distinct message: how often, the lines, one extract
        groups = {}
        for m in errs:
            groups.setdefault(m.get("message"), []).append(m)
        diag = "\n".join("%s: %s (%d\u00d7, line %s) [%s]" % (
            os.path.basename(fn), msg, len(ms),
            ",".join(str(m.get("lastLine", "?")) for m in ms[:8]) + ("..." if len(ms) > 8 else ""),
            (ms[0].get("extract") or "")[:120].replace("\n", " ")) for msg, ms in groups.items())
        t.ok(not errs, "valid HTML: %s" % files[fn], diag)
finally:
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    srv.cleanup()
t.done()
