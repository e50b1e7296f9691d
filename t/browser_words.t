#!/usr/bin/env python3
"""Issue #16 items 8 and 9 in headless Chromium (t/browser/words.js): the welcome of a new user
and of one coming back, the empty friends page, star ratings as labelled images, and the
forgotten password mailed (a local SMTP sink, t/lib/smtp_sink.py) and used; screenshots in
build/test-output/browser/words/."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import browser  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

spool = tempfile.mkdtemp(prefix="fc-mail-")
sink = SmtpSink(spool=spool)
try:
    t = browser.run("words", prepare=lambda srv: {"FC_MAIL_SPOOL": spool},
                    env={"FORKCAST_MAIL_SMTP_URL": sink.url(),
                         "FORKCAST_MAIL_FROM": "forkcast@example.com",
                         "FORKCAST_MAIL_SITEURL": "http://forkcast.test"})
finally:
    sink.stop()
t.done()
