"""fcgi_wrap: runs forkcast.fcgi under a fault chosen at spawn time, for t/faults.t and
t/aws_site_faults.t. Server.FcgiBin points at a small wrapper that reads a JSON mode file
each time lighttpd spawns a FastCGI process: {"env": {NAME: value}} adds environment (another
endpoint, Store.SQLite.ReadOnly...), {"fsize": BYTES} sets RLIMIT_FSIZE with SIGXFSZ ignored
(writes past that offset fail with EFBIG, as on a full disk). A test switches faults with
set() and restart(): the processes are killed and lighttpd spawns them again."""
import json
import os
import signal
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load  # noqa: E402
from fcserver import ROOT, Client  # noqa: E402

WRAPPER = '''#!%(python)s
# forkcast.fcgi under the fault described by %(mode)s (t/lib/fcgi_wrap.py)
import json, os, resource, signal
try:
    mode = json.load(open(%(mode)r))
except (OSError, ValueError):
    mode = {}
os.environ.update(mode.get("env", {}))
if mode.get("fsize"):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (mode["fsize"], mode["fsize"]))
os.execv(%(real)r, [%(real)r])
'''


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class FcgiWrap:
    def __init__(self, build="build/asan"):
        self.dir = tempfile.mkdtemp(prefix="fc-wrap-")
        self.mode = os.path.join(self.dir, "mode.json")
        self.path = os.path.join(self.dir, "forkcast.fcgi")
        with open(self.path, "w") as f:
            f.write(WRAPPER % {"python": sys.executable, "mode": self.mode,
                               "real": os.path.join(ROOT, build, "forkcast.fcgi")})
        os.chmod(self.path, stat.S_IRWXU)
        self.set()

    def env(self):
        """What Server(env=...) needs."""
        return {"FORKCAST_SERVER_FCGIBIN": self.path}

    def set(self, env=None, fsize=None):
        with open(self.mode, "w") as f:
            json.dump({"env": env or {}, "fsize": fsize}, f)

    def restart(self, srv, nprocs, between=None, **mode):
        """Sets the mode, kills every FastCGI process (runs between() while they are all
        down) and returns the new pids once lighttpd has spawned nprocs again and the site
        answers."""
        self.set(**mode)
        old = load.fcgi_pids(srv.proc.pid)
        for p in old:
            os.kill(p, signal.SIGKILL)
        for p in old:
            while os.path.exists("/proc/%d/status" % p) and "State:\tZ" not in _read(
                    "/proc/%d/status" % p):
                time.sleep(0.02)
        if between:
            between()
        pids = wait_procs(srv, nprocs, not_in=old)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if Client(srv).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        return pids


def wait_procs(srv, n, not_in=(), timeout=30):
    """Waits until lighttpd has n FastCGI processes, none of them in not_in, asking the site
    for /healthz meanwhile (lighttpd notices dead processes when it uses them). Returns the
    pids."""
    deadline = time.time() + timeout
    pids = []
    while time.time() < deadline:
        pids = [p for p in load.fcgi_pids(srv.proc.pid) if p not in not_in]
        if len(pids) == n:
            return pids
        try:
            Client(srv).get("/healthz")
        except OSError:
            pass
        time.sleep(0.2)
    return pids
