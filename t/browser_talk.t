#!/usr/bin/env python3
"""Conversation in headless Chromium (t/browser/talk.js): likes and comments without
JavaScript, the notifications page, axe and the Nu validator on those pages; screenshots in
build/test-output/browser/talk/."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402

browser.run("talk").done()
