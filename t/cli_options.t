#!/usr/bin/env python3
"""cli_options.t - `forkcast` as an operator's command (ASan build): the options of every command
family (backup, ec2, dynamodb, personalize, worker, rec) mean the same before and after the
subcommand, with the same output and exit status; help works from any folder without a
configuration, and a missing configuration names the places looked at (never "Unknown
Error"). The AWS families run against a closed loopback port, so both orders must fail the
same way (a transport error, exit 1), not as a usage error (exit 2)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, TAP  # noqa: E402

CLI = os.path.join(ROOT, "build", "asan", "forkcast")
t = TAP()
tmp = tempfile.mkdtemp(prefix="fc-cliopt-")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


dead = "http://127.0.0.1:%d" % closed_port()
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith("AWS_") and not k.startswith("FORKCAST_")}
ENV.update({
    "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
    "FORKCAST_DATA_DIR": os.path.join(tmp, "data"),
    "FORKCAST_STORE_SQLITE_PATH": os.path.join(tmp, "data", "forkcast.db"),
    "FORKCAST_AWS_RETRY_BASEMS": "5", "FORKCAST_AWS_RETRY_CAPMS": "20",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
    "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ENDPOINT_URL": dead,
})


def run(args, cwd=ROOT, env=None):
    p = subprocess.run([CLI] + args, cwd=cwd, env=env or ENV, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


try:
    os.makedirs(os.path.join(tmp, "data"))
    rc, out, err = run(["migrate"])
    t.ok(rc == 0, "migrate", err)
    ratings = os.path.join(ROOT, "t", "data", "rec", "ratings.csv")
    items = os.path.join(ROOT, "t", "data", "rec", "items.csv")
    pairs = [
        ("backup", ["backup", "list", "--bucket", "fc-opt", "--prefix", "p"],
         ["backup", "--bucket", "fc-opt", "--prefix", "p", "list"], 1),
        ("ec2", ["ec2", "list", "--state", "running"], ["ec2", "--state", "running", "list"], 1),
        ("dynamodb", ["dynamodb", "create-tables", "--timeout", "1"],
         ["dynamodb", "--timeout", "1", "create-tables"], 1),
        ("worker", ["worker", "list", "--limit", "5", "--state", "done"],
         ["worker", "--limit", "5", "--state", "done", "list"], 0),
        ("personalize", ["personalize", "export", "--out", os.path.join(tmp, "pz")],
         ["personalize", "--out", os.path.join(tmp, "pz"), "export"], 0),
        ("rec", ["rec", "top", "--ratings", ratings, "--items", items, "--user", "u9", "-n", "3"],
         ["rec", "--ratings", ratings, "--items", items, "-n", "3", "top", "--user", "u9"], 0),
    ]
    for fam, after, before, want in pairs:
        # curl's "after N ms" in a connection error is no part of the output compared
        a = [re.sub(r"after \d+ ms", "after N ms", x) if isinstance(x, str) else x
             for x in run(after)]
        b = [re.sub(r"after \d+ ms", "after N ms", x) if isinstance(x, str) else x
             for x in run(before)]
        t.ok(a[0] == want and a == b,
             "%s: options before the subcommand = after it (exit %d, same output)" % (fam, want),
             "after: %r\nbefore: %r" % (a, b))

    # help anywhere, with no configuration at all
    bare = {k: v for k, v in ENV.items() if not k.startswith("FORKCAST_")}
    rc, out, err = run(["--help"], cwd="/", env=bare)
    t.ok(rc == 0 and "usage: forkcast" in out and "exit status" in out,
         "forkcast --help from / exits 0 with the exit codes", (rc, out, err))
    bad = []
    for fam in ("backup", "ec2", "dynamodb", "personalize", "worker", "rec", "migrate",
                "import-uci", "user", "config", "routes", "lighttpd-conf"):
        for args in (["help", fam], [fam, "--help"]):
            rc, out, err = run(args, cwd="/", env=bare)
            if rc != 0 or "usage: forkcast " + fam not in out or "Exit" not in out or err:
                bad.append((args, rc, out[:200], err[:200]))
    t.ok(not bad, "help COMMAND and COMMAND --help work anywhere and list exit codes", bad)
    rc, out, err = run(["help", "nonsense"], cwd="/", env=bare)
    t.ok(rc == 2 and "no command 'nonsense'" in err, "help for an unknown command: exit 2",
         (rc, err))
    rc, out, err = run(["migrate"], cwd="/", env=bare)
    t.ok(rc == 1 and "no configuration file: looked for ./conf/forkcast.hdf" in err and
         "Unknown Error" not in err, "no configuration: the error names the places looked at",
         err)
    rc, out, err = run(["migrate"], cwd="/", env=dict(bare, FORKCAST_CONFIG="/nonexistent.hdf"))
    t.ok(rc == 1 and "/nonexistent.hdf (FORKCAST_CONFIG)" in err,
         "a FORKCAST_CONFIG that does not exist is named, not passed over", err)
    rc, out, err = run(["--config", os.path.join(ROOT, "conf", "forkcast.hdf"), "config",
                        "Server.Port"], cwd="/", env=bare)
    t.ok(rc == 0 and out.strip() == "8080", "--config FILE from another folder", (rc, out, err))
    rc, out, err = run(["config", "Root"], cwd=os.path.join(ROOT, "t"),
                       env=dict(bare, FORKCAST_CONFIG=os.path.join(ROOT, "conf", "forkcast.hdf")))
    t.ok(rc == 0 and out.strip() == ROOT, "Root of a checkout's configuration is the checkout",
         (rc, out, err))
    rc, out, err = run(["--bogus", "migrate"], cwd="/", env=bare)
    t.ok(rc == 2 and "unknown option '--bogus'" in err, "an unknown global option: exit 2", err)
except Exception as e:  # noqa: BLE001
    t.ok(False, "unexpected exception", repr(e))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
