#!/usr/bin/env python3
"""two_hosts_cognito.t - t/two_hosts.t with the site's accounts in a Cognito user pool
(cognito-local, FORKCAST_TEST_AUTH=cognito): both hosts use host A's pool, so a log-in on A
(a Cognito session sealed with the site's key) goes on on B, and the rest of the two-host
checks hold."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cognito import available  # noqa: E402
from fcserver import TAP  # noqa: E402
from suites import run_suite  # noqa: E402

t = TAP()
why = available()
if why:
    t.ok(True, "two hosts on Cognito # SKIP %s" % why)
else:
    run_suite(t, "two_hosts.t", {"FORKCAST_TEST_AUTH": "cognito"}, "Cognito")
t.done()
