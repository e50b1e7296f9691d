#!/usr/bin/env python3
"""Discovery in headless Chromium (t/browser/discovery.js) against the real server with the demo
data: the front page, sorted lists, the desktop search form, a restaurant's rating distribution
and pages of reviews; screenshots go to build/test-output/browser/discovery/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402

browser.run("discovery").done()
