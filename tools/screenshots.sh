#!/bin/sh
# tools/screenshots.sh: the README's three screenshots, into docs/img/ (front.png, restaurant.png,
# feed.png), from a demo server of this checkout's release build (t/lib/fcserver.py, headless
# Chromium through playwright-core: tools/screenshots.js). A few demo users first post reviews
# with photos of one restaurant (its gallery) and, where the pages offer them, like and comment
# on their friends' reviews, so the shots show those features. Usage: tools/screenshots.sh [OUTDIR]
# The photos are generated gradients unless SHOT_PHOTOS names a folder of real JPEG/PNG/WebP
# photos (of food, under a licence that allows it), which look better in a README.
set -eu
cd "$(dirname "$0")/.."
out=${1:-docs/img}
mkdir -p "$out"
[ -x build/forkcast.fcgi ] || make -j2 all
exec python3 - "$out" <<'PY'
import os, sys, subprocess, tempfile
sys.path.insert(0, "t/lib")
from fcserver import Server
from browser import png
out = os.path.abspath(sys.argv[1])
srv = Server(demo=True, build="build")
try:
    tmp = tempfile.mkdtemp(prefix="fc-shots-")
    d = os.environ.get("SHOT_PHOTOS")
    photos = sorted(os.path.join(d, f) for f in os.listdir(d)
                    if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))[:4] if d else []
    for i, (w, h) in enumerate([(640, 480), (480, 640), (800, 500), (600, 600)]):
        if len(photos) >= 4:
            break
        p = os.path.join(tmp, "photo%d.png" % i)
        png(p, w, h)
        photos.append(p)
    r = subprocess.run(["node", "tools/screenshots.js", "http://127.0.0.1:%d" % srv.port, out]
                       + photos, timeout=600)
    sys.exit(r.returncode)
finally:
    srv.stop()
    srv.cleanup()
PY
