#!/usr/bin/env python3
"""visual_dynamodb.t - t/visual.t (tiles, avatars, gallery, map, distances), unchanged, against
the DynamoDB backend: FORKCAST_TEST_STORE=dynamodb gives each server a dynalite of its own with
the demo data copied in (t/lib/fcserver.py). Every line is reported here, prefixed. Prints TAP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from dynalite import available  # noqa: E402
from fcserver import TAP  # noqa: E402
from suites import run_suite  # noqa: E402

t = TAP()
why = available()
if why:
    t.ok(True, "visual suite on DynamoDB # SKIP %s" % why)
else:
    run_suite(t, "visual.t", {"FORKCAST_TEST_STORE": "dynamodb"}, "DynamoDB")
t.done()
