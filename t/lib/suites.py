"""suites: runs a whole integration suite (t/web.t, t/social.t...) in a child process with a
different environment (another store or auth backend) and reports each of its lines to the
parent's TAP, prefixed with the suite's name and a label. Used by t/web_dynamodb.t and
t/web_cognito.t."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)


def _start(name, env, prelude):
    path = os.path.join(HERE, name)
    runner = ("import runpy, sys\nsys.path.insert(0, %r)\n%s\nsys.argv = [%r]\n"
              "try:\n    runpy.run_path(%r, run_name='__main__')\n"
              "finally:\n    sys.stdout.flush()\n") % (os.path.join(HERE, "lib"), prelude, path, path)
    # output to files, not pipes: suites run at the same time never block on a full pipe
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([sys.executable, "-c", runner], cwd=ROOT,
                            env=dict(os.environ, **env), stdout=out, stderr=err, text=True)
    return proc, out, err


def _finish(started):
    return finish(*started)


def finish(proc, out, err):
    """Waits for proc (at most 30 minutes, then kills it) whose stdout and stderr go to the
    temporary files out and err; returns its CompletedProcess and closes the files."""
    try:
        proc.wait(timeout=1800)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    out.seek(0)
    err.seek(0)
    p = subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())
    out.close()
    err.close()
    return p


def run_suites(t, names, env, label, prelude=""):
    """run_suite for each of names, all started at once (each has its own servers, ports and
    folders); reported in order. Returns their CompletedProcess."""
    started = [_start(name, env, prelude) for name in names]
    return [_report(t, name, label, _finish(s)) for name, s in zip(names, started)]


def run_suite(t, name, env, label, prelude=""):
    """Runs t/<name> with env added; prelude is Python run before it (in the child)."""
    return _report(t, name, label, _finish(_start(name, env, prelude)))


def _report(t, name, label, p):
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
            pending = [m.group(1) == "ok", "%s on %s: %s" % (name, label, m.group(3)), ""]
        elif line.startswith("#") and pending:
            pending[2] += line[1:].strip() + "\n"
    if pending:
        t.ok(*pending)
    t.ok(p.returncode == 0 and plan and plan[-1] == n and n > 0,
         "%s on %s: ran to its end (%d tests, exit %d)" % (name, label, n, p.returncode),
         p.stderr[-3000:])
    return p
