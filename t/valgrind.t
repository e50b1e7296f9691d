#!/usr/bin/env python3
"""Valgrind (memcheck) run of the plain debug build (build/vg, `make vg`): every unit test, the
CLI, and lighttpd's FastCGI processes through a short session (sign up, log in, browse, review
with a photo, friends, feed, admin pages, the JSON API, log out), each process wrapped by
t/tools/vg-wrap.sh with one log per process. Every log must end with zero errors and no
definite or indirect leak (docs/valgrind.md). It runs only with FORKCAST_VALGRIND=1 (`make
test` and `make valgrind` set it; a bare t/run skips it): it takes minutes. FORKCAST_VG_TESTS="t/web.t" also runs those integration
tests against valgrind-wrapped servers (`make valgrind` does); FORKCAST_VG_UNITS=0 skips the
unit tests; FORKCAST_VG_JOBS sets how many run at once."""
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, Client, TAP  # noqa: E402

VG = os.path.join(ROOT, "build", "vg")
WRAP = os.path.join(ROOT, "t", "tools", "vg-wrap.sh")
LOGS = tempfile.mkdtemp(prefix="fc-vg-")
JOBS = max(1, int(os.environ.get("FORKCAST_VG_JOBS") or os.cpu_count() or 2))
t = TAP()
totals = {"processes": 0, "errors": 0, "definite": 0, "indirect": 0, "possible": 0,
          "suppressed": 0}
timings = []


def bytes_of(text, kind):
    m = re.search(r"%s lost: ([\d,]+) bytes" % kind, text)
    return int(m.group(1).replace(",", "")) if m else 0


def banner_only(text):
    """True when a log holds valgrind's start-up banner and nothing else."""
    for line in text.splitlines():
        rest = re.sub(r"^==\d+== ?", "", line).strip()
        if rest and not rest.startswith(("Memcheck,", "Copyright", "Using Valgrind", "Command:",
                                         "Parent PID:")):
            return False
    return True


def exec_child(text, pids):
    """A forked child that exec'd (system() in the unit tests): valgrind does not follow it
    into the new program, so its log stops after the banner."""
    parent = re.search(r"Parent PID: (\d+)", text)
    return "ERROR SUMMARY:" not in text and parent and parent.group(1) in pids and \
        banner_only(text)


def read_logs(d, wait=0):
    """Parses every vg.<pid>.log in d (waiting up to `wait` seconds for processes still
    writing theirs); returns the problems as text, empty when all are clean."""
    deadline = time.time() + wait
    while True:
        logs = sorted(glob.glob(os.path.join(d, "vg.*.log")))
        texts = {}
        for p in logs:
            with open(p, errors="replace") as f:
                texts[p] = f.read()
        pids = {re.search(r"vg\.(\d+)\.log$", p).group(1) for p in texts}
        if all("ERROR SUMMARY:" in x or exec_child(x, pids) for x in texts.values()) or \
                time.time() > deadline:
            break
        time.sleep(0.5)
    problems = []
    for p, text in texts.items():
        cmd = re.search(r"Command: (.*)", text)
        cmd = cmd.group(1) if cmd else p
        m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        if exec_child(text, pids):
            continue
        totals["processes"] += 1
        if not m:
            problems.append("%s: no ERROR SUMMARY (the process did not exit normally)\n%s"
                            % (cmd, text[-1500:]))
            continue
        n = int(m.group(1))
        totals["errors"] += n
        totals["definite"] += bytes_of(text, "definitely")
        totals["indirect"] += bytes_of(text, "indirectly")
        totals["possible"] += bytes_of(text, "possibly")
        s = re.search(r"ERROR SUMMARY: \d+ errors from \d+ contexts \(suppressed: (\d+)", text)
        totals["suppressed"] += int(s.group(1)) if s else 0
        if n:
            # the error and leak records, without the start-up banner
            body = re.sub(r"(?m)^==\d+== ", "", text)
            body = body.split("Parent PID:", 1)[-1]
            problems.append("%s: %d errors\n%s" % (cmd, n, body[:6000]))
    if not texts:
        problems.append("no valgrind log in %s: did the wrapper run?" % d)
    return "\n".join(problems)


def vg(args, name, env=None, timeout=900):
    """Runs one command under the wrapper with its own log folder; returns (rc, out, problems)."""
    d = os.path.join(LOGS, name)
    os.makedirs(d, exist_ok=True)
    e = dict(os.environ, FORKCAST_VG_LOGDIR=d, CMOCKA_MESSAGE_OUTPUT="TAP", **(env or {}))
    start = time.time()
    p = subprocess.run([WRAP] + args, cwd=ROOT, env=e, capture_output=True, text=True,
                       timeout=timeout)
    timings.append((name, time.time() - start))
    return p.returncode, p.stdout + p.stderr, d


if os.environ.get("FORKCAST_VALGRIND") != "1":
    print("1..0 # SKIP takes minutes: make test and make valgrind set FORKCAST_VALGRIND=1")
    sys.exit(0)
if not shutil.which("valgrind"):
    print("1..0 # SKIP valgrind is not installed (make test-deps installs it)")
    sys.exit(0)
missing = [b for b in ("forkcast", "forkcast.fcgi") if not os.access(os.path.join(VG, b), os.X_OK)]
if missing:
    t.ok(False, "the valgrind build exists", "build/vg/%s is missing: run `make vg`" % missing[0])
    t.done()
started = time.time()

# ---- unit tests, JOBS at a time ----------------------------------------------------------
units = sorted(glob.glob(os.path.join(VG, "t", "test_*")))
if os.environ.get("FORKCAST_VG_UNITS", "1") != "0":
    t.ok(len(units) == len(glob.glob(os.path.join(ROOT, "t", "unit", "test_*.c"))),
         "every unit test is built under build/vg/t (%d)" % len(units))
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        runs = {u: pool.submit(vg, [u], "unit-" + os.path.basename(u)) for u in units}
        for u, fut in runs.items():
            name = os.path.basename(u)
            try:
                rc, out, d = fut.result()
                problems = read_logs(d)
                t.ok(rc == 0 and not problems, "%s under valgrind: passes, no error, no leak"
                     % name, ("exit %d\n%s\n" % (rc, out[-2000:]) if rc else "") + problems)
            except Exception:
                t.ok(False, "%s under valgrind" % name, traceback.format_exc())

# ---- the CLI: start-up, usage and error paths, the recommender tools ----------------------
REC = ["--ratings", "t/data/rec/ratings.csv", "--items", "t/data/rec/items.csv"]
cli_runs = [
    ("usage", [], 2, "usage: forkcast"),
    ("unknown", ["frobnicate"], 2, "unknown command"),
    ("config", ["config", "Server.Procs"], 0, "2"),
    ("rec-eval", ["rec", "eval"] + REC + ["--users", "t/data/rec/users.csv", "--folds", "2",
                                          "--inner", "2", "--quick", "--boot", "20"], 0,
     "rp3beta"),
    ("rec-eval-legacy", ["rec", "eval", "--legacy"] + REC + ["--users", "t/data/rec/users.csv",
                                                           "--folds", "3"], 0, "popularity"),
    ("rec-top", ["rec", "top"] + REC + ["--friends", "t/data/rec/friends.csv", "--user", "u1"],
     0, "r"),
    ("rec-similar", ["rec", "similar"] + REC + ["--item", "r1", "-n", "3"], 0, "r"),
    ("rec-friends", ["rec", "friends", "--ratings", "t/data/rec/ratings.csv", "--min-common",
                     "3"], 0, ""),
    ("rec-missing", ["rec", "eval", "--ratings", "/nonexistent.csv"], None, ""),
]
for name, args, want, text in cli_runs:
    try:
        rc, out, d = vg([os.path.join(VG, "forkcast")] + args, "cli-" + name,
                        env={"FORKCAST_CONFIG": os.path.join(ROOT, "conf/forkcast.hdf")})
        problems = read_logs(d)
        good = rc != 99 and (rc == want if want is not None else rc not in (0, 99)) and text in out
        t.ok(good and not problems, "forkcast %s under valgrind: exit %s, no error, no leak"
             % (" ".join(args[:2]) or "(no command)", want if want is not None else "non-zero"),
             "exit %d\n%s\n%s" % (rc, out[-1500:], problems))
    except Exception:
        t.ok(False, "forkcast %s under valgrind" % name, traceback.format_exc())

# ---- the application: lighttpd spawns forkcast.fcgi under valgrind -----------------------
# fcserver.py puts FORKCAST_TEST_WRAPPER before the FastCGI program and its own CLI calls
# (migrate, import-uci, lighttpd-conf, user make-admin)
os.environ.update({"FORKCAST_TEST_WRAPPER": WRAP, "FORKCAST_TEST_BUILD": "build/vg",
                   "FORKCAST_VG_LOGDIR": os.path.join(LOGS, "app")})
os.makedirs(os.path.join(LOGS, "app"), exist_ok=True)
from fcserver import Server, multipart  # noqa: E402

PW = "tacos al pastor"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 2


def api(method, path, body=None, token=None):
    import http.client
    h = {"Authorization": "Bearer " + token} if token else {}
    data = json.dumps(body).encode() if body is not None else None
    if data is not None or method in ("POST", "PUT", "PATCH"):
        h["Content-Type"] = "application/json"
        data = data or b""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    c.close()
    try:
        return r.status, json.loads(text)
    except ValueError:
        return r.status, text


start = time.time()
srv = None
try:
    # scrypt is OpenSSL's CPU loop, 50 times slower under valgrind: the cheapest cost keeps
    # the same code paths (import, sign-up, log-in) in seconds
    srv = Server(demo=True, env={"FORKCAST_LIMITS_MAXPHOTO": "20000",
                                 "FORKCAST_AUTH_SCRYPT_LOGN": "4", "FORKCAST_AUTH_SCRYPT_P": "1"})
    timings.append(("app start (migrate, import)", time.time() - start))
    a, b = Client(srv), Client(srv)
    r = a.get("/")
    t.ok(r.status == 200 and "130 places to try" in r.text, "app: the front page")
    r = a.get("/restaurants?q=kiku")
    m = re.search(r'href="/restaurants/(\d+)">Kiku Cuernavaca', r.text)
    kiku = int(m.group(1)) if m else 1
    other = kiku % 130 + 1  # a restaurant nobody reviews on the web below
    t.ok(m is not None, "app: search finds a restaurant")
    t.ok(a.get("/restaurants/%d" % kiku).status == 200
         and a.get("/restaurants?cuisine=Japanese&page=1").status == 200
         and a.get("/restaurants?page=abc").status == 400
         and a.get("/no/such/page").status == 404,
         "app: restaurant page, filters, a bad page number (400), an unknown path (404)")

    # sign up, a refused sign-up, log out, wrong and right password
    for c, who in ((a, "alice"), (b, "bruno")):
        r = c.post("/signup", {"username": who, "email": who + "@example.com", "password": PW,
                               "password2": PW, "display_name": who.capitalize()},
                   csrf_from="/signup")
        t.ok(r.status == 303, "app: %s signs up" % who, r.status)
    r = Client(srv).post("/signup", {"username": "ALICE", "email": "x@example.com",
                                     "password": PW, "password2": PW}, csrf_from="/signup")
    t.ok(r.status == 409, "app: a taken username is refused", r.status)
    r = a.post("/logout", {}, csrf_from="/")
    r2 = a.post("/login", {"username": "alice", "password": "wrong password!"})
    r3 = a.post("/login", {"username": "alice", "password": PW})
    t.ok((r.status, r2.status, r3.status) == (303, 401, 303),
         "app: log out, a wrong password (401), log in", (r.status, r2.status, r3.status))

    # profile: a refused edit (the form again, its choices rebuilt) and a saved one
    r = a.post("/u/alice/edit", {"display_name": "", "bio": "kept?", "visibility": "public",
                                 "cuisine": ["Mexican"]}, csrf_from="/u/alice/edit")
    t.ok(r.status == 422 and "kept?" in r.text, "app: a bad profile edit: 422, input kept",
         r.status)
    r = a.post("/u/alice/edit", {"display_name": "Alice A", "bio": "<b>hi</b>",
                                 "city": "Cuernavaca", "price": "low", "visibility": "public",
                                 "cuisine": ["Mexican", "Japanese"]}, csrf_from="/u/alice/edit")
    t.ok(r.status == 303 and "&lt;b&gt;hi" in Client(srv).get("/u/alice").text,
         "app: profile saved and shown escaped", r.status)

    # friends, a review with a photo, the feed, want-to-go
    r = a.post("/friends/request", {"username": "bruno"}, csrf_from="/friends")
    r2 = b.post("/friends/accept", {"username": "alice"}, csrf_from="/friends")
    t.ok((r.status, r2.status) == (303, 303) and "@alice" in b.get("/friends").text,
         "app: a friend request, accepted", (r.status, r2.status))
    fields = {"csrf": b.csrf("/restaurants/%d" % kiku), "stars": "5", "body": "Best sushi"}
    data, ct = multipart(fields, {"photo": ("k.jpg", "image/jpeg", JPEG)})
    r = b.request("POST", "/restaurants/%d/review" % kiku, body=data,
                  headers={"Content-Type": ct})
    t.ok(r.status == 303, "app: a review with a photo", r.status)
    data, ct = multipart(dict(fields, stars="9", csrf=b.csrf("/")),
                         {"photo": ("e.jpg", "image/jpeg", b"<?php ?>" * 4)})
    r = b.request("POST", "/restaurants/%d/review" % kiku, body=data,
                  headers={"Content-Type": ct})
    t.ok(r.status in (415, 422), "app: a bad review is refused (422: stars; 415: not an image)",
         r.status)
    page = a.get("/feed").text
    m = re.search(r'src="/photos/([0-9a-f]{64}\.jpg)"', page)
    t.ok("Best sushi" in page and m is not None, "app: the friend's review and photo in the feed")
    if m:
        r = a.get("/photos/" + m.group(1))
        t.ok(r.status == 200 and r.getheader("Content-Type") == "image/jpeg",
             "app: the photo is served")
    r = a.post("/restaurants/%d/save" % kiku, {}, csrf_from="/restaurants/%d" % kiku)
    t.ok(r.status == 303 and "Kiku Cuernavaca" in a.get("/saved").text, "app: want-to-go")
    t.ok(a.get("/friends/recommend").status == 200 and b.get("/feed").status == 200
         and a.get("/feed?after=garbage").status == 400,
         "app: friends recommend, feed, a damaged cursor (400)")

    # admin pages: the demo admin, then alice made admin with the CLI
    adm = Client(srv)
    r = adm.post("/login", {"username": "admin", "password": "forkcast-demo"})
    pages = ["/admin", "/admin/users", "/admin/users?q=u1001", "/admin/users/u1001",
             "/admin/users/u1001/disable", "/admin/health", "/admin/health?window=24h"]
    bad = [(p, adm.get(p).status) for p in pages]
    bad = [x for x in bad if x[1] != 200]
    t.ok(r.status == 303 and not bad, "app: the admin pages", bad)
    t.ok(a.get("/admin").status == 403, "app: no admin pages for a regular user")
    srv.run_cli("user", "make-admin", "alice")
    t.ok(a.get("/admin/users").status == 200, "app: `forkcast user make-admin` lets alice in")

    # the JSON API
    st, j = api("POST", "/api/v1/login", {"username": "bruno", "password": PW})
    tok = j.get("token") if isinstance(j, dict) else None
    t.ok(st == 200 and tok, "api: log in", (st, j))
    calls = [("GET", "/api/v1/me", None, 200),
             ("PATCH", "/api/v1/me", {"bio": "api bio"}, 200),
             ("GET", "/api/v1/restaurants?cuisine=Mexican&page=1", None, 200),
             ("GET", "/api/v1/restaurants/%d" % kiku, None, 200),
             ("GET", "/api/v1/restaurants/%d/reviews" % kiku, None, 200),
             ("GET", "/api/v1/restaurants/%d/similar?limit=2" % kiku, None, 200),
             ("POST", "/api/v1/restaurants/%d/reviews" % other, {"stars": 4, "body": "ok"}, 201),
             ("POST", "/api/v1/restaurants/%d/reviews" % other, {"stars": 9}, 422),
             ("GET", "/api/v1/friends", None, 200),
             ("GET", "/api/v1/feed", None, 200),
             ("GET", "/api/v1/users?q=ali", None, 200),
             ("PUT", "/api/v1/saved/1", None, 204),
             ("GET", "/api/v1/saved", None, 200),
             ("GET", "/api/v1/facets", None, 200),
             ("POST", "/api/v1/logout", None, 204)]
    got = [(m_, p, api(m_, p, body, tok)[0], want) for m_, p, body, want in calls]
    bad = [g for g in got if g[2] != g[3]]
    t.ok(not bad, "api: %d calls answer as documented" % len(calls), bad)
    st, j = api("GET", "/api/v1/me", token=tok)
    t.ok(st == 401, "api: the token ends at log-out", st)
    st, _ = api("POST", "/api/v1/login", None)
    t.ok(400 <= st < 500, "api: an empty body is a 4xx", st)

    r = b.post("/logout", {}, csrf_from="/")
    t.ok(r.status == 303 and "fc_session" not in b.cookies, "app: log out")
    t.ok("child exited" not in srv.errorlog(), "app: every FastCGI process kept running",
         srv.errorlog()[-2000:])
except Exception:
    t.ok(False, "app: no exception", traceback.format_exc())
finally:
    if srv:
        srv.stop()
        srv.cleanup()
    problems = read_logs(os.path.join(LOGS, "app"), wait=120)  # the FastCGI processes exit
    timings.append(("app session", time.time() - start))
    t.ok(not problems, "app: the FastCGI processes and the CLI exited with no error and no leak",
         problems[:20000])

# ---- more integration tests against valgrind-wrapped servers (FORKCAST_VG_TESTS) ----------
for test in os.environ.get("FORKCAST_VG_TESTS", "").split():
    d = os.path.join(LOGS, os.path.basename(test))
    os.makedirs(d, exist_ok=True)
    start = time.time()
    p = subprocess.run([sys.executable, os.path.join(ROOT, test)], cwd=ROOT, capture_output=True,
                       text=True, env=dict(os.environ, FORKCAST_VG_LOGDIR=d))
    timings.append((test, time.time() - start))
    problems = read_logs(d, wait=120)
    t.ok(p.returncode == 0, "%s passes against valgrind-wrapped servers" % test, p.stdout[-3000:])
    t.ok(not problems, "%s: no valgrind error, no leak" % test, problems[:20000])

print("# valgrind summary: %(processes)d processes, %(errors)d errors, definitely lost "
      "%(definite)d B, indirectly lost %(indirect)d B (possibly lost %(possible)d B, "
      "suppressed errors %(suppressed)d)" % totals)
for name, secs in sorted(timings, key=lambda x: -x[1])[:8]:
    print("#   %-28s %6.1f s" % (name, secs))
print("# total %.0f s, %d at a time; logs in %s" % (time.time() - started, JOBS, LOGS))
if not t.failed:
    shutil.rmtree(LOGS, ignore_errors=True)
t.done()
