#!/usr/bin/env python3
"""Issue #16 items 5 and 7 in headless Chromium (t/browser/trust.js): the home page's
recommendation reasons, confirmation pages without JavaScript, axe-core on them; screenshots in
build/test-output/browser/trust/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402

browser.run("trust").done()
