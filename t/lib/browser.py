"""Runs one headless-Chromium script of t/browser/ (playwright-core) against a real server with
the demo data and turns its JSON check lines into TAP. Screenshots, the test artefacts, go to
build/test-output/browser/<script>/."""
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

from fcserver import ROOT, Server, TAP


def png(path, w=64, h=48):
    """A small real PNG (an orange gradient), for photo uploads."""
    raw = b"".join(b"\x00" + b"".join(bytes((255, (x * 3) % 256, (y * 5) % 256)) for x in range(w))
                   for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def skip_unless_ready():
    if not os.path.exists("/usr/bin/chromium") or \
            not os.path.isdir(os.path.join(ROOT, "node_modules", "playwright-core")):
        print("1..0 # SKIP needs /usr/bin/chromium and node_modules/playwright-core (make test installs both)")
        sys.exit(0)


def run(script, timeout=300, prepare=None, **server_args):
    """t/browser/<script>.js against Server(demo=True, **server_args); exits with TAP's status.
    prepare(srv), when given, runs before the script and answers extra environment variables
    for it (e.g. the page list of t/lib/crawl.py)."""
    skip_unless_ready()
    t = TAP()
    out = os.path.join(ROOT, "build", "test-output", "browser", script)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    photo = os.path.join(out, "photo.png")
    png(photo)
    srv = Server(demo=True, **server_args)
    try:
        env = dict(os.environ, **(prepare(srv) if prepare else {}))
        r = subprocess.run(["node", os.path.join(ROOT, "t", "browser", script + ".js"),
                            "http://127.0.0.1:%d" % srv.port, out, photo],
                           capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
        lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
        for l in lines:
            c = json.loads(l)
            t.ok(c["ok"], c["name"], c["diag"])
        t.ok(r.returncode == 0 and lines, "the browser script ran", r.stderr[-2000:])
    finally:
        reports = srv.stop()
        t.ok(not reports, "no sanitizer reports from the FastCGI processes", "\n".join(reports)[:3000])
        srv.cleanup()
    return t
