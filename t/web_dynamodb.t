#!/usr/bin/env python3
"""web_dynamodb.t - the web integration suites t/web.t, t/social.t and t/security_privacy.t,
unchanged, against the DynamoDB backend: FORKCAST_TEST_STORE=dynamodb makes t/lib/fcserver.py
give each server a dynalite of its own (t/lib/dynalite.py), create the table with `forkcast dynamodb
create-tables` and load the demo data with `forkcast dynamodb copy`; t/social.t's direct reads
and writes of the SQLite file go through t/lib/sqlite_mirror.py. Every line of each suite is
reported here, prefixed with its name. Prints TAP."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
from dynalite import available  # noqa: E402
from fcserver import TAP  # noqa: E402

RUNNER = """
import runpy, sys
sys.path.insert(0, %r)
import sqlite_mirror
sqlite_mirror.install()
sys.argv = [%r]
try:
    runpy.run_path(%r, run_name="__main__")
finally:
    sys.stdout.flush()
    sys.stderr.write("# sqlite mirror: %%s\\n" %% sqlite_mirror.STATS)
"""

t = TAP()


def run_suite(name):
    path = os.path.join(HERE, name)
    env = dict(os.environ, FORKCAST_TEST_STORE="dynamodb")
    p = subprocess.run([sys.executable, "-c", RUNNER % (os.path.join(HERE, "lib"), path, path)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    lines = p.stdout.splitlines()
    plan = [int(m.group(1)) for m in (re.match(r"^1\.\.(\d+)", x) for x in lines) if m]
    n = 0
    pending = None
    for line in lines:
        m = re.match(r"^(not ok|ok) (\d+) - (.*)$", line)
        if m:
            if pending:
                t.ok(*pending)
            n += 1
            pending = [m.group(1) == "ok", "%s on DynamoDB: %s" % (name, m.group(3)), ""]
        elif line.startswith("#") and pending:
            pending[2] += line[1:].strip() + "\n"
    if pending:
        t.ok(*pending)
    t.ok(p.returncode == 0 and plan and plan[-1] == n and n > 0,
         "%s on DynamoDB: ran to its end (%d tests, exit %d)" % (name, n, p.returncode),
         p.stderr[-3000:])
    for line in p.stderr.splitlines():
        if line.startswith("# sqlite mirror"):
            print(line)


why = available()
if why:
    t.ok(True, "web suites on DynamoDB # SKIP %s" % why)
else:
    for suite in ("web.t", "social.t", "security_privacy.t"):
        run_suite(suite)
t.done()
