#!/usr/bin/env python3
"""install.t - forkcast as an installed program: `make install DESTDIR=...` lays out bin/,
libexec/forkcast/, share/forkcast/, etc/forkcast/forkcast.hdf, var/lib/forkcast and the
systemd unit; the installed command works from another folder (help without a configuration,
the installed configuration found beside it, Root and relative paths resolved in the tree);
the installed start script (libexec/forkcast/serve, what forkcast.service runs) serves the demo
on a free port from its own files; a second install keeps an edited configuration; `make
uninstall` removes what install wrote and leaves the data (and the edited configuration)."""
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, TAP, free_port  # noqa: E402

t = TAP()
tmp = tempfile.mkdtemp(prefix="fc-install-")
dest = os.path.join(tmp, "dest")
prefix = dest + "/usr/local"
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith("FORKCAST_") and not k.startswith("AWS_") and k != "MAKEFLAGS"}


def make(*args):
    p = subprocess.run(["make", "--no-print-directory", "-C", ROOT] + list(args) +
                       ["DESTDIR=" + dest], env=ENV, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def cli(*args, env=None):
    p = subprocess.run([prefix + "/bin/forkcast"] + list(args), cwd="/",
                       env=dict(ENV, **(env or {})), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read().decode("utf-8", "replace")


serve = None
try:
    rc, out = make("install")
    t.ok(rc == 0, "make install DESTDIR=...", out)
    want = ["bin/forkcast", "libexec/forkcast/forkcast.fcgi", "libexec/forkcast/serve",
            "share/forkcast/templates/header.cs", "share/forkcast/static", "share/forkcast/sql",
            "share/forkcast/conf/lighttpd.conf.cs",
            "share/forkcast/data/uci-restaurant-consumer/rating_final.csv",
            "etc/forkcast/forkcast.hdf", "var/lib/forkcast", "lib/systemd/system/forkcast.service"]
    missing = [w for w in want if not os.path.exists(os.path.join(prefix, w))]
    t.ok(not missing, "the install layout (bin, libexec, share, etc, var/lib, systemd)", missing)
    with open(prefix + "/lib/systemd/system/forkcast.service") as f:
        unit = f.read()
    t.ok("User=forkcast" in unit and "ExecStart=/usr/local/libexec/forkcast/serve" in unit and
         "FORKCAST_CONFIG=/usr/local/etc/forkcast/forkcast.hdf" in unit,
         "the unit runs the start script as the unprivileged user forkcast", unit)

    rc, out, err = cli("--help")
    t.ok(rc == 0 and "usage: forkcast" in out, "installed forkcast --help from / exits 0", err)
    rc, out, err = cli("config", "Root")
    t.ok(rc == 0 and out.strip() == prefix + "/share/forkcast",
         "from /, the installed command finds its configuration and Root in the tree",
         (rc, out, err))
    rc, out, err = cli("config", "ConfigFile")
    t.ok(rc == 0 and out.strip() == prefix + "/etc/forkcast/forkcast.hdf",
         "ConfigFile is PREFIX/etc/forkcast/forkcast.hdf", (rc, out, err))

    # the installed site, started the way the service starts it
    port = free_port()
    senv = dict(ENV, FORKCAST_SERVER_PORT=str(port), FORKCAST_AUTH_SCRYPT_LOGN="10",
                FORKCAST_SERVER_PROCS="2")
    log = open(os.path.join(tmp, "serve.log"), "w")
    serve = subprocess.Popen([prefix + "/libexec/forkcast/serve"], cwd="/", env=senv,
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    status, body = 0, ""
    deadline = time.time() + 240
    while time.time() < deadline and serve.poll() is None:
        try:
            status, body = get(port, "/")
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    with open(os.path.join(tmp, "serve.log")) as f:
        slog = f.read()
    t.ok(status == 200 and "130 places to try" in body,
         "the installed start script serves the demo (130 places)", (status, slog[-2000:]))
    with open(prefix + "/var/lib/forkcast/run/lighttpd.conf") as f:
        conf = f.read()
    t.ok(prefix + "/libexec/forkcast/forkcast.fcgi" in conf and
         prefix + "/share/forkcast/static" in conf,
         "lighttpd runs the installed FastCGI program and serves the installed static files")
    status, _ = get(port, "/static/style.css")
    t.ok(status == 200, "a static file from share/forkcast", status)
    rc, out, err = cli("user", "make-admin", "u1001", env={"FORKCAST_AUTH_SCRYPT_LOGN": "10"})
    t.ok(rc == 0 and "u1001 is now an admin" in out,
         "the installed CLI from another folder works on the installed site's data", (out, err))
    os.killpg(serve.pid, signal.SIGTERM)
    serve.wait(30)
    serve = None

    # a second install keeps an edited configuration
    conf_path = prefix + "/etc/forkcast/forkcast.hdf"
    with open(conf_path, "a") as f:
        f.write("\n# edited by the operator\nServer.Port = 9191\n")
    rc, out = make("install")
    with open(conf_path) as f:
        kept = "edited by the operator" in f.read()
    t.ok(rc == 0 and kept and "keeping" in out, "install again keeps an edited configuration", out)

    rc, out = make("uninstall")
    gone = [w for w in ("bin/forkcast", "libexec/forkcast", "share/forkcast",
                        "lib/systemd/system/forkcast.service") if os.path.exists(prefix + "/" + w)]
    t.ok(rc == 0 and not gone, "make uninstall removes what install wrote", (out, gone))
    t.ok(os.path.exists(prefix + "/var/lib/forkcast/forkcast.db") and os.path.exists(conf_path),
         "... and leaves the data and the edited configuration", out)
    os.unlink(conf_path)
    rc, out = make("install")
    rc2, out2 = make("uninstall")
    t.ok(rc == 0 and rc2 == 0 and not os.path.exists(conf_path),
         "an unedited configuration goes with uninstall", out2)
except Exception as e:  # noqa: BLE001
    t.ok(False, "unexpected exception", repr(e))
finally:
    if serve and serve.poll() is None:
        os.killpg(serve.pid, signal.SIGKILL)
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
