#!/usr/bin/env python3
"""web_dynamodb.t - the web integration suites t/web.t, t/social.t, t/security_privacy.t,
t/security_account.t, t/parity_social.t, t/discovery.t and t/talk.t, unchanged, against the DynamoDB backend: FORKCAST_TEST_STORE=dynamodb makes t/lib/fcserver.py
give each server a dynalite of its own (t/lib/dynalite.py), create the table with `forkcast dynamodb
create-tables` and load the demo data with `forkcast dynamodb copy`; t/social.t's direct reads
and writes of the SQLite file go through t/lib/sqlite_mirror.py. Every line of each suite is
reported here, prefixed with its name. Prints TAP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from dynalite import available  # noqa: E402
from fcserver import TAP  # noqa: E402
from suites import run_suites  # noqa: E402

# t/social.t reads and writes the SQLite file: the mirror makes that reach dynalite
PRELUDE = """
import sqlite_mirror
sqlite_mirror.install()
import atexit
atexit.register(lambda: sys.stderr.write("# sqlite mirror: %s\\n" % sqlite_mirror.STATS))
"""

t = TAP()
why = available()
if why:
    t.ok(True, "web suites on DynamoDB # SKIP %s" % why)
else:
    for p in run_suites(t, ("web.t", "social.t", "security_privacy.t", "security_account.t",
                          "parity_social.t", "discovery.t", "talk.t"),
                        {"FORKCAST_TEST_STORE": "dynamodb"}, "DynamoDB", PRELUDE):
        for line in p.stderr.splitlines():
            if line.startswith("# sqlite mirror"):
                print(line)
t.done()
