#!/usr/bin/env python3
"""End-to-end test in headless Chromium (t/browser/flow.js, playwright-core) against the real
server with the demo data; screenshots go to build/test-output/browser/flow/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402

browser.run("flow").done()
