#!/usr/bin/env python3
"""Issue #16's pictures and map in headless Chromium (t/browser/visual.js): logo and favicon,
tiles on cards, an avatar, the restaurant's gallery and map, distances, axe on each page;
screenshots at desktop and phone widths in build/test-output/browser/visual/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402

browser.run("visual").done()
