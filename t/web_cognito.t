#!/usr/bin/env python3
"""web_cognito.t - the web integration suites t/web.t, t/social.t and the session and
privacy parts of the security suite (t/security_session.t, t/security_privacy.t,
t/security_account.t), unchanged,
with Auth.Backend = cognito: FORKCAST_TEST_AUTH=cognito makes t/lib/fcserver.py give each server a
cognito-local of its own (t/lib/cognito.py) with a pool that confirms sign-ups at once (as a
pre-sign-up trigger answering autoConfirmUser does) and the first demo users created in the pool
with their demo password and a verified e-mail, so their first log-in links the imported
account. Every sign-up, log-in, log-out and session check of the suites goes through Cognito
and forkcast's token verification. Every line of each suite is reported here, prefixed with
its name. Prints TAP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cognito import available  # noqa: E402
from fcserver import TAP  # noqa: E402
from suites import run_suites  # noqa: E402

t = TAP()
why = available()
if why:
    t.ok(True, "web suites on Cognito # SKIP %s" % why)
else:
    run_suites(t, ("web.t", "social.t", "security_session.t", "security_privacy.t",
                   "security_account.t"), {"FORKCAST_TEST_AUTH": "cognito"}, "Cognito")
t.done()
