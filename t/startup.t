#!/usr/bin/env python3
"""startup.t - the site starts on an empty data folder with Server.Procs = 8, 20 times: the
FastCGI processes that start together all use the one Data.Dir/secret (32 bytes, mode 0600)
that the first of them created; none exits with "cannot read or create the secret" (which
lighttpd would answer by spawning it again), none is spawned again, and every process that
answers signs CSRF tokens with that key, so a form fetched from one validates on another.
Prints TAP."""
import hashlib
import hmac
import os
import re
import stat
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import load  # noqa: E402
from fcgi_wrap import wait_procs  # noqa: E402
from fcserver import Client, Server, TAP  # noqa: E402

ROUNDS, PROCS, CLIENTS = 20, 8, 16
t = TAP()


def tokens(srv):
    """CLIENTS visitors at once, each on a connection of its own: (anon cookie, CSRF token)
    of the log-in form each got."""
    out, errors = [], []

    def one():
        try:
            c = Client(srv)
            r = c.get("/login")
            m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
            out.append((c, c.cookies.get("fc_anon"), m.group(1) if m else None))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    ths = [threading.Thread(target=one) for _ in range(CLIENTS)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return out, errors


def round_(i, problems):
    srv = Server(env={"FORKCAST_SERVER_PROCS": str(PROCS)})
    try:
        path = os.path.join(srv.dir, "secret")
        with open(path, "rb") as f:
            key = f.read()
        st = os.stat(path)
        if len(key) != 32 or stat.S_IMODE(st.st_mode) != 0o600:
            problems.append("round %d: secret of %d bytes, mode %o" % (i, len(key),
                                                                       stat.S_IMODE(st.st_mode)))
        # every process is up at once; one that exited is only spawned again later
        pids0 = wait_procs(srv, PROCS, timeout=5)
        got, errors = tokens(srv)
        problems.extend("round %d: %s" % (i, e) for e in errors)
        for c, anon, tok in got:
            want = hmac.new(key, ("csrf:%s" % anon).encode(), hashlib.sha256).hexdigest()
            if not anon or tok != want:
                problems.append("round %d: a process signs with another key (anon %s)" %
                                (i, anon))
                break
        # a form fetched by one visitor, sent while the others fetch theirs: it validates
        # whichever process gets it (a wrong password: 200 with the form, not 403)
        c = got[0][0] if got else Client(srv)
        r = c.post("/login", {"username": "nobody", "password": "wrong-password-1"},
                   csrf_from="/login")
        if r.status == 403:
            problems.append("round %d: the log-in form was refused (403): %s" % (i, r.text[:200]))
        pids1 = load.fcgi_pids(srv.proc.pid)
        if len(pids0) != PROCS or sorted(pids0) != sorted(pids1):
            problems.append("round %d: not %d processes that stayed up: %s, then %s" %
                            (i, PROCS, pids0, pids1))
    finally:
        reports = srv.stop()
        logs = srv.logs()
        srv.cleanup()
    if "cannot read or create the secret" in logs or "start-up failed" in logs:
        lines = [ln for ln in logs.splitlines() if "secret" in ln or "start-up" in ln
                 or "exited" in ln or "died" in ln]
        problems.append("round %d: a FastCGI process could not start:\n  %s" %
                        (i, "\n  ".join(lines[:6])))
    problems.extend("round %d: sanitizer: %s" % (i, r[:500]) for r in reports)


def main():
    problems = []
    t0, i = time.time(), 0
    try:
        for i in range(ROUNDS):
            round_(i, problems)
            if problems:  # one failed round says it all
                break
    except Exception:
        problems.append(traceback.format_exc())
    t.ok(not problems, "%d starts with %d processes on an empty data folder (%.0f s): one secret, "
         "no process exited, every process signs with it" % (i + 1, PROCS, time.time() - t0),
         "\n".join(problems))


main()
t.done()
