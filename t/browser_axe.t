#!/usr/bin/env python3
"""axe-core (node_modules/axe-core) in headless Chromium on every page kind of t/lib/crawl.py,
at desktop and phone widths, as each kind of visitor: 0 violations (t/browser/axe.js). A page
with violations is kept as a screenshot in build/test-output/browser/axe/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402
import crawl  # noqa: E402

browser.run("axe", timeout=900, prepare=crawl.browser_env, env=crawl.SERVER_ENV).done()
