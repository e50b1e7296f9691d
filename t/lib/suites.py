"""suites: runs a whole integration suite (t/web.t, t/social.t...) in a child process with a
different environment (another store or auth backend) and reports each of its lines to the
parent's TAP, prefixed with the suite's name and a label. Used by t/web_dynamodb.t and
t/web_cognito.t."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)


def run_suite(t, name, env, label, prelude=""):
    """Runs t/<name> with env added; prelude is Python run before it (in the child)."""
    path = os.path.join(HERE, name)
    runner = ("import runpy, sys\nsys.path.insert(0, %r)\n%s\nsys.argv = [%r]\n"
              "try:\n    runpy.run_path(%r, run_name='__main__')\n"
              "finally:\n    sys.stdout.flush()\n") % (os.path.join(HERE, "lib"), prelude, path, path)
    p = subprocess.run([sys.executable, "-c", runner], cwd=ROOT, env=dict(os.environ, **env),
                       capture_output=True, text=True, timeout=1800)
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
