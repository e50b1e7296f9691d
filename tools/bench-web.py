#!/usr/bin/env python3
"""Web benchmark (make bench): lighttpd + the release FastCGI build (build/forkcast.fcgi),
loaded with wrk on loopback. Side by side in one run: a static file lighttpd serves itself (the
byte size of the feed page), the feed, a restaurant page, the home page, the restaurant list's
second page and a friend's profile of a logged-in user with BENCH_FRIENDS friends who each
wrote BENCH_REVIEWS reviews, at each of BENCH_CONNS connections (requests/s, latency p50/p99,
dynamic/static ratio), then the write path (posting reviews). Each page run is followed by the
same run against the ceiling: build/bench_ceiling, a FastCGI responder that only writes a body
of the page's byte size, spawned by a second lighttpd from the same generated configuration
(`forkcast lighttpd-conf`, FastCGI program replaced); every page's req/s is also printed as a
ratio to it ("x ceil"). Before the runs, BENCH_LOGINS log-ins of the user are timed (scrypt at
the configured cost, Auth.Scrypt.*: the tests' harness lowers it, the benchmark does not). For every run: the app processes' CPU time per request (utime + stime from /proc) and
the statuses the access log recorded; the app's resident memory before and after everything.
Prints one table and writes the figures to BENCH_OUT (build/bench/bench.json). Prints figures;
asserts nothing about speed (it fails only when the site answers wrongly).

Settings (environment): BENCH_SECONDS (5 per run), BENCH_CONNS (1,16,64), BENCH_THREADS (wrk
threads, 2), BENCH_PROCS (FastCGI processes; default Server.Procs of conf/forkcast.hdf),
BENCH_FRIENDS (200), BENCH_REVIEWS (50), BENCH_TARGETS (feed,restaurant,home,list,profile,write:
which pages besides the static file), BENCH_CEILING (1: the ceiling runs; 0: none), BENCH_LOGINS
(5), BENCH_BASELINE (another build's forkcast.fcgi, e.g. of the commit before a change: a third
lighttpd from the same configuration runs it on the same data folder, and each page run is
followed by the same run against it, "(base)" rows: before and after side by side in one run),
BENCH_REPEAT (1: each page's runs, with its baseline and ceiling runs, are repeated this many
times in turn and a summary of the medians is printed: on a shared machine one run's req/s
moves by a factor of two), BENCH_COLD (1: each page also on a third lighttpd running this build
with Cache.PageBytes = 0 on the same data, "cold" rows: every request renders, as a first view
does; the plain rows repeat one URL with one session, so after the first request they are the
page cache's hits), BENCH_OUT."""
import datetime
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "t", "lib"))
from fcserver import Client, Server, free_port  # noqa: E402
import load  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNS = [int(x) for x in os.environ.get("BENCH_CONNS", "1,16,64").split(",") if x.strip()]
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PROCS = os.environ.get("BENCH_PROCS", "")
FRIENDS = int(os.environ.get("BENCH_FRIENDS", "200"))
REVIEWS = int(os.environ.get("BENCH_REVIEWS", "50"))
TARGETS = os.environ.get("BENCH_TARGETS", "feed,restaurant,home,list,profile,write").split(",")
CEILING = os.environ.get("BENCH_CEILING", "1") != "0"
LOGINS = int(os.environ.get("BENCH_LOGINS", "5"))
BASELINE = os.environ.get("BENCH_BASELINE", "")
REPEAT = max(1, int(os.environ.get("BENCH_REPEAT", "1")))
COLD = os.environ.get("BENCH_COLD", "1") != "0"
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "build", "bench", "bench.json"))
TICK = os.sysconf("SC_CLK_TCK")
PASSWORD = "tacos al pastor 1"


def log(msg):
    print(msg, flush=True)


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds; 0 when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return 0.0
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children(ppid):
    """The pids of ppid's children (the ceiling's FastCGI processes, named bench_ceiling)."""
    out = []
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        if int(st[st.rindex(")") + 2:].split()[1]) == ppid:
            out.append(int(d))
    return sorted(out)


class Procs:
    """lighttpd and the FastCGI processes it spawned."""

    def __init__(self, srv):
        self.lighttpd = srv.proc.pid

    def app(self):
        return load.fcgi_pids(self.lighttpd) or children(self.lighttpd)

    def cpu(self):
        return sum(cpu_seconds(p) for p in self.app()), cpu_seconds(self.lighttpd)

    def memory(self):
        app = {p: load.rss_kb(p) or 0 for p in self.app()}
        return {"app_rss_kb": sum(app.values()), "app_processes": len(app),
                "app_rss_kb_each": list(app.values()), "lighttpd_rss_kb": load.rss_kb(self.lighttpd) or 0}


def seed(srv, me):
    """The benchmark user, FRIENDS friends with REVIEWS reviews each (written straight into the
    database, as an import would), logged in. Returns (user id, restaurant ids)."""
    r = me.post("/signup", {"username": "bench", "email": "bench@example.com",
                            "password": PASSWORD, "password2": PASSWORD})
    if r.status != 303:
        raise SystemExit("bench-web: signup failed: %d" % r.status)
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
    uid = db.execute("SELECT id FROM users WHERE username='bench'").fetchone()[0]
    rids = [row[0] for row in db.execute("SELECT id FROM restaurants ORDER BY id")]
    t0 = time.time()
    with db:
        for i in range(FRIENDS):
            cur = db.execute("INSERT INTO users (username, email, display_name, created_at)"
                             " VALUES (?,?,?,0)",
                             ("bf%d" % i, "bf%d@example.com" % i, "Bench Friend %d" % i))
            fid = cur.lastrowid
            db.execute("INSERT INTO friendships VALUES (?,?,0),(?,?,0)", (uid, fid, fid, uid))
            for j in range(REVIEWS):
                rid = rids[(i * 7 + j) % len(rids)]
                db.execute("INSERT INTO reviews (user_id, restaurant_id, stars, body, created_at,"
                           " updated_at) VALUES (?,?,?,?,?,?)",
                           (fid, rid, 1 + (i + j) % 5, "review %d/%d" % (i, j),
                            1700000000 + i * 1000 + j, 0))
    log("fixture: %d friends x %d reviews = %d reviews in %.1f s"
        % (FRIENDS, REVIEWS, FRIENDS * REVIEWS, time.time() - t0))
    db.close()
    return uid, rids


def access_statuses(path, start):
    """Statuses and server times (ms) of the access log lines written after offset start."""
    statuses, ms = {}, []
    with open(path) as f:
        f.seek(start)
        for m in re.finditer(r" (\d{3}) (\d+\.\d+)ms$", f.read(), re.M):
            statuses[m.group(1)] = statuses.get(m.group(1), 0) + 1
            ms.append(float(m.group(2)))
    ms.sort()
    pick = (lambda p: ms[min(len(ms) - 1, int(len(ms) * p / 100))]) if ms else (lambda p: None)
    return statuses, {"p50": pick(50), "p99": pick(99)}


def settle(access, quiet=0.5, limit=120):
    """Waits until the access log has not grown for quiet seconds: requests lighttpd had queued
    when wrk stopped are served before the next run starts (and counted in this one)."""
    size, since, end = os.path.getsize(access), time.time(), time.time() + limit
    while time.time() < end:
        time.sleep(0.1)
        now = os.path.getsize(access)
        if now != size:
            size, since = now, time.time()
        elif time.time() - since >= quiet:
            return


def wrk(procs, srv, name, path, conns, cookie, script, args=()):
    """One wrk run; returns its figures."""
    access = os.path.join(srv.dir, "access.log")
    start = os.path.getsize(access)
    app0, lt0 = procs.cpu()
    cmd = ["wrk", "-t", str(max(1, min(THREADS, conns))), "-c", str(conns),
           "-d", "%gs" % SECONDS, "--timeout", "30s", "-s", os.path.join(ROOT, "tools", script),
           "-H", "Cookie: " + cookie, "http://127.0.0.1:%d%s" % (srv.port, path)]
    if args:
        cmd += ["--"] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    settle(access)
    app1, lt1 = procs.cpu()
    m = re.search(r"^BENCH_JSON (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise SystemExit("bench-web: wrk failed (%s):\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    w = json.loads(m.group(1))
    n = w["requests"]
    statuses, server_ms = access_statuses(access, start)
    # CPU per request served: the app's requests are the access log's lines (wrk's count
    # leaves out the ones still queued when it stopped); lighttpd's static files are wrk's
    served = sum(statuses.values()) or n
    lat = w["latency_us"]
    return {
        "target": name, "path": path, "connections": conns, "requests": n,
        "seconds": w["duration_us"] / 1e6,
        "rps": n / (w["duration_us"] / 1e6) if w["duration_us"] else 0.0,
        "p50_ms": lat["p50"] / 1e3, "p90_ms": lat["p90"] / 1e3, "p99_ms": lat["p99"] / 1e3,
        "mean_ms": lat["mean"] / 1e3, "max_ms": lat["max"] / 1e3,
        "bytes_per_response": w["bytes"] / n if n else 0,
        "errors": w["errors"], "not_303": w.get("not_303"),
        "statuses": statuses, "server_p50_ms": server_ms["p50"], "server_p99_ms": server_ms["p99"],
        "served": served,
        "app_cpu_ms_per_request": (app1 - app0) * 1e3 / served if served else None,
        "lighttpd_cpu_ms_per_request": (lt1 - lt0) * 1e3 / served if served else None,
    }


def configured(key):
    """A setting of conf/forkcast.hdf as the installed site has it (FORKCAST_* overrides of the
    caller's environment included, none of the tests' harness)."""
    env = dict(os.environ, FORKCAST_CONFIG=os.path.join(ROOT, "conf", "forkcast.hdf"))
    return subprocess.run([os.path.join(ROOT, "build", "forkcast"), "config", key], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def time_logins(srv, procs, n):
    """n log-ins of the benchmark user through the form (a fresh browser each): the wall time of
    each POST /login in ms (the password check at the configured scrypt cost is most of it) and
    the FastCGI processes' CPU time per log-in (steadier than the wall time on a busy machine)."""
    ms, cpu = [], 0.0
    for _ in range(n):
        c = Client(srv)
        form = {"username": "bench", "password": PASSWORD, "csrf": c.csrf("/login")}
        cpu0 = procs.cpu()[0]
        t0 = time.perf_counter()
        r = c.request("POST", "/login", form=form)
        ms.append((time.perf_counter() - t0) * 1e3)
        cpu += procs.cpu()[0] - cpu0
        if r.status != 303 or "fc_session" not in c.cookies:
            raise SystemExit("bench-web: log-in failed: %d" % r.status)
    return {"wall_ms": ms, "median_ms": sorted(ms)[len(ms) // 2], "cpu_ms": cpu * 1e3 / n}


def ceiling_server(env):
    """lighttpd from the same generated configuration with build/bench_ceiling as the FastCGI
    program (as many processes as forkcast's); it writes no access log, so an empty one."""
    binary = os.path.join(ROOT, "build", "bench_ceiling")
    if not os.access(binary, os.X_OK):
        raise SystemExit("bench-web: no %s (make build/bench_ceiling)" % binary)
    srv = Server(build="build", env=dict(env, FORKCAST_SERVER_FCGIBIN=binary))
    open(os.path.join(srv.dir, "access.log"), "a").close()
    return srv


class Baseline:
    """A lighttpd from the same generated configuration running another build's FastCGI
    program on srv's data folder (database, secret: the same sessions work), on a port and a
    run folder (socket) of its own; it writes to the same access log."""

    def __init__(self, srv, fcgibin, extra_env=None):
        self.dir = srv.dir  # the access log wrk() reads
        self.port = free_port()
        run = tempfile.mkdtemp(prefix="fc-base-")
        env = dict(srv.env, FORKCAST_SERVER_PORT=str(self.port),
                   FORKCAST_SERVER_FCGIBIN=os.path.abspath(fcgibin), **(extra_env or {}))
        conf = subprocess.run([srv.cli, "lighttpd-conf"], env=env, capture_output=True,
                              text=True, check=True).stdout
        conf = conf.replace(os.path.realpath(os.path.join(srv.dir, "run")), run)
        self.run = run
        path = os.path.join(run, "lighttpd.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", path], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("bench-web: the baseline %s did not start" % fcgibin)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.run, ignore_errors=True)


def check_page(me, path, want):
    r = me.get(path)
    if r.status != 200 or want not in r.text:
        raise SystemExit("bench-web: %s answered %d without %r" % (path, r.status, want))
    return r


def main():
    env = {}
    if PROCS:
        env["FORKCAST_SERVER_PROCS"] = PROCS
    scrypt = {k: configured("Auth.Scrypt." + k) for k in ("LogN", "R", "P")}
    env.update({"FORKCAST_AUTH_SCRYPT_" + k.upper(): v for k, v in scrypt.items()})
    srv = Server(demo=True, build="build", env=env)
    ceil = baseline = cold = None
    static_file = None
    try:
        if CEILING:
            ceil = ceiling_server(env)
            ceil_procs = Procs(ceil)
        if BASELINE:
            baseline = Baseline(srv, BASELINE)
            base_procs = Procs(baseline)
        if COLD:
            # this build without the page cache: every request renders (a first view)
            cold = Baseline(srv, os.path.join(ROOT, "build", "forkcast.fcgi"),
                            {"FORKCAST_CACHE_PAGEBYTES": "0"})
            cold_procs = Procs(cold)
        procs = Procs(srv)
        me = Client(srv)
        uid, rids = seed(srv, me)
        # the session (and anonymous CSRF) cookies; never a one-time flash message
        cookie = "; ".join("%s=%s" % kv for kv in me.cookies.items() if kv[0] != "fc_flash")
        base_me = base_cookie = None
        if baseline:
            # the baseline logs in itself: its build may write (and read) the session cookie in
            # another form; its logged-in feed is checked like this build's
            base_me = Client(baseline)
            r = base_me.request("POST", "/login", form={"username": "bench", "password": PASSWORD,
                                                        "csrf": base_me.csrf("/login")})
            if r.status != 303 or "fc_session" not in base_me.cookies:
                raise SystemExit("bench-web: log-in on the baseline failed: %d" % r.status)
            check_page(base_me, "/feed", 'class="feed-item"')
            base_cookie = "; ".join("%s=%s" % kv for kv in base_me.cookies.items()
                                    if kv[0] != "fc_flash")
        db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
        busiest = db.execute("SELECT restaurant_id FROM reviews GROUP BY 1 ORDER BY count(*) DESC"
                             " LIMIT 1").fetchone()[0]
        feed = check_page(me, "/feed", 'class="feed-item"')
        sizes = {"feed": len(feed.text.encode())}
        sizes["restaurant"] = len(check_page(me, "/restaurants/%d" % busiest,
                                             "Bench Friend").text.encode())
        sizes["home"] = len(check_page(me, "/", "bench").text.encode())
        sizes["list"] = len(check_page(me, "/restaurants?page=2", "/restaurants/").text.encode())
        sizes["profile"] = len(check_page(me, "/u/bf0", "Bench Friend 0").text.encode())
        # the static file: same byte size as the feed page's body
        size = len(feed.text.encode())
        static_dir = os.path.join(ROOT, srv.run_cli("config", "Static.Dir").strip() or "static")
        static_file = os.path.join(static_dir, "bench-%d.txt" % os.getpid())
        with open(static_file, "wb") as f:
            f.write((b"forkcast static benchmark file\n" * (size // 31 + 1))[:size])
        targets = [("static", "/static/" + os.path.basename(static_file)),
                   ("feed", "/feed"), ("restaurant", "/restaurants/%d" % busiest), ("home", "/"),
                   ("list", "/restaurants?page=2"), ("profile", "/u/bf0")]
        targets = [t for t in targets if t[0] == "static" or t[0] in TARGETS]
        info = {
            "when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cpus": os.cpu_count(), "loadavg_before": os.getloadavg(),
            "seconds_per_run": SECONDS, "wrk_threads": THREADS,
            "fastcgi_processes": len(procs.app()),
            "friends": FRIENDS, "reviews_per_friend": REVIEWS, "feed_page_bytes": size,
            "page_bytes": sizes, "scrypt": scrypt,
            "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
        }
        log("%d CPUs, load %.2f; %d FastCGI processes; %g s per run; feed page %d bytes"
            % (info["cpus"], info["loadavg_before"][0], info["fastcgi_processes"], SECONDS, size))
        # every server's processes parse their templates and load their caches before the runs
        for server in [x for x in (baseline, ceil, cold) if x]:
            warm = Client(server)
            warm.cookies = dict(base_me.cookies if server is baseline else me.cookies)
            for name, path in targets[1:]:
                for _ in range(10):
                    warm.get(path if server is baseline else "/ceiling?bytes=%d" % sizes[name])
        logins = time_logins(srv, procs, LOGINS) if LOGINS > 0 else None
        if logins:
            log("log-in (POST /login, scrypt N=2^%s r=%s p=%s): median %.0f ms wall (%s), %.0f ms"
                " CPU each" % (scrypt["LogN"], scrypt["R"], scrypt["P"], logins["median_ms"],
                               ", ".join("%.0f" % x for x in logins["wall_ms"]), logins["cpu_ms"]))
        mem_before = procs.memory()
        runs, ceilings = [], []
        for name, path in [t for t in targets for _ in range(REPEAT if t[0] in sizes else 1)]:
            for c in CONNS:
                first = len(runs)
                runs.append(wrk(procs, srv, name, path, c, cookie, "bench-get.lua"))
                if cold and name in sizes:
                    runs.append(wrk(cold_procs, cold, name + " cold", path, c, cookie,
                                    "bench-get.lua"))
                if baseline and name in sizes:
                    # the same page on the baseline build, at once (before/after, same load)
                    runs.append(wrk(base_procs, baseline, name + " (base)", path, c, base_cookie,
                                    "bench-get.lua"))
                if ceil and name in sizes:
                    # right after the page, the ceiling with a body of the page's size
                    ceilings.append(wrk(ceil_procs, ceil, "ceiling " + name,
                                        "/ceiling?bytes=%d" % sizes[name], c, cookie,
                                        "bench-get.lua"))
                    for r in runs[first:]:
                        r["ratio_to_ceiling"] = (r["rps"] / ceilings[-1]["rps"]
                                                 if ceilings[-1]["rps"] else None)
                        r["ceiling_index"] = len(ceilings) - 1
        static = {r["connections"]: r["rps"] for r in runs if r["target"] == "static"}
        for r in runs + ceilings:
            base = static.get(r["connections"])
            r["ratio_to_static"] = r["rps"] / base if base else None
        # the write path: reviews of every restaurant in turn (new, then replaced)
        csrf = me.csrf("/restaurants/%d" % rids[0])
        writes = []
        before = db.execute("SELECT count(*) FROM reviews WHERE user_id = ?", (uid,)).fetchone()[0]
        for c in CONNS if "write" in TARGETS else []:
            writes.append(wrk(procs, srv, "post review", "/restaurants/%d/review" % rids[0], c,
                              cookie, "bench-review.lua", (csrf, ",".join(map(str, rids)))))
        mine = db.execute("SELECT count(*) FROM reviews WHERE user_id = ?", (uid,)).fetchone()[0]
        db.close()
        mem_after = procs.memory()
        info["loadavg_after"] = os.getloadavg()
        failed = [r for r in runs + ceilings
                  if set(r["statuses"]) - {"200"} or sum(r["errors"].values())]
        failed += [r for r in writes if r["not_303"] or set(r["statuses"]) - {"303"}]
        feed64 = next((r for r in runs if r["target"] == "feed" and r["connections"] == 64), None)
        result = {
            "machine": info, "web": runs, "ceiling": ceilings, "write": writes,
            "login": logins,
            "write_reviews": {"before": before, "after": mine, "restaurants": len(rids)},
            "memory": {"before": mem_before, "after": mem_after},
            "target": {
                "what": "feed at 64 connections >= 0.5 x static requests/s",
                "ratio": feed64["ratio_to_static"] if feed64 else None,
                "met": bool(feed64 and feed64["ratio_to_static"] and feed64["ratio_to_static"] >= 0.5),
            },
        }
        print_table(result)
        if REPEAT > 1:
            result["summary"] = summary(runs)
            print_summary(result["summary"])
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            json.dump(result, f, indent=1)
        log("figures written to %s" % os.path.relpath(OUT, ROOT))
        if failed:
            for r in failed:
                log("bench-web: WRONG ANSWERS: %s %d conns: statuses %s, errors %s"
                    % (r["target"], r["connections"], r["statuses"], r["errors"]))
            sys.exit(1)
    finally:
        if static_file and os.path.exists(static_file):
            os.unlink(static_file)
        for b in (baseline, cold):
            if b:
                b.stop()
        for s in (ceil, srv):
            if s:
                s.stop()
                s.cleanup()


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def summary(runs):
    """Medians over the repeats of each target (and its baseline) and connection count."""
    out = []
    for key in dict.fromkeys((r["target"], r["connections"]) for r in runs):
        rs = [r for r in runs if (r["target"], r["connections"]) == key]
        out.append({"target": key[0], "connections": key[1], "repeats": len(rs),
                    "rps": median([r["rps"] for r in rs]),
                    "ratio_to_ceiling": median([r.get("ratio_to_ceiling") for r in rs]),
                    "ratio_to_ceiling_all": [r.get("ratio_to_ceiling") for r in rs],
                    "app_cpu_ms_per_request": median([r["app_cpu_ms_per_request"] for r in rs])})
    return out


TARGETS_18 = {"feed": 0.6, "home": 0.5, "restaurant": 0.5, "list": 0.5, "profile": 0.5}


def print_summary(rows):
    def f(v, fmt):
        return fmt % v if v is not None else "-"

    log("")
    log("medians over the repeats (x ceil of each repeat in brackets)")
    log("%-18s %5s %7s %9s %8s  %s" % ("target", "conns", "repeats", "req/s", "CPU ms",
                                         "x ceil"))
    for r in rows:
        if r["target"] == "static":
            continue
        log("%-18s %5d %7d %9.0f %8s  %s [%s]" % (
            r["target"], r["connections"], r["repeats"], r["rps"],
            f(r["app_cpu_ms_per_request"], "%.3f"), f(r["ratio_to_ceiling"], "%.2f"),
            " ".join(f(x, "%.2f") for x in r["ratio_to_ceiling_all"])))
    print_targets(rows)


def print_targets(rows):
    """Issue #18's targets at 64 connections: the feed >= 0.6 x the ceiling, the other pages
    >= 0.5 (the plain rows: repeat views, the page cache on; the cold rows render every
    request)."""
    for r in rows:
        name = r["target"].split(" ")[0]
        if (r["connections"] != 64 or name not in TARGETS_18 or r.get("ratio_to_ceiling") is None
                or "(base)" in r["target"]):
            continue
        goal = TARGETS_18[name]
        log("issue #18 target: %-18s >= %.1f x ceiling: %.2f -> %s" % (
            r["target"], goal, r["ratio_to_ceiling"],
            "met" if r["ratio_to_ceiling"] >= goal else "NOT met"))


def print_table(res):
    def f(v, fmt):
        return fmt % v if v is not None else "-"

    log("")
    log("load average %.2f before, %.2f after" % (res["machine"]["loadavg_before"][0],
                                                 res["machine"]["loadavg_after"][0]))
    log("%-18s %5s %9s %8s %8s %7s %7s %9s %8s %9s" % (
        "target", "conns", "req/s", "p50 ms", "p99 ms", "x ceil", "x static", "app CPU",
        "srv p50", "statuses"))
    log("%-18s %5s %9s %8s %8s %7s %7s %9s %8s %9s" % ("", "", "", "", "", "", "", "ms/req",
                                                        "ms", ""))
    # the ceiling run after the last of the page's runs (its cold and baseline runs)
    last = {r["ceiling_index"]: id(r) for r in res["web"] if "ceiling_index" in r}
    for r in res["web"] + res["write"]:
        rows = [r]
        if "ceiling_index" in r and last[r["ceiling_index"]] == id(r):
            rows.append(res["ceiling"][r["ceiling_index"]])
        for x in rows:
            page = x["target"] not in ("static",) and not x["target"].startswith("ceiling")
            log("%-18s %5d %9.0f %8.2f %8.2f %7s %7s %9s %8s %s" % (
                x["target"], x["connections"], x["rps"], x["p50_ms"], x["p99_ms"],
                f(x.get("ratio_to_ceiling"), "%.2f") if page else "",
                f(x.get("ratio_to_static"), "%.2f") if x["target"] != "static" else "",
                f(x["app_cpu_ms_per_request"], "%.3f") if x["target"] != "static" else "",
                f(x["server_p50_ms"], "%.2f"),
                " ".join("%s:%d" % kv for kv in sorted(x["statuses"].items()))))
    if res["ceiling"]:
        log("x ceil: the page's req/s / the ceiling's (a FastCGI responder writing a body of the"
            " page's size behind the same lighttpd configuration) at the same connections")
    if res["login"]:
        lg = res["login"]
        log("log-in: median %.0f ms wall, %.0f ms CPU, over %d (scrypt %s)" % (
            lg["median_ms"], lg["cpu_ms"], len(lg["wall_ms"]),
            " ".join("%s=%s" % kv for kv in res["machine"]["scrypt"].items())))
    w = res["write_reviews"]
    if res["write"]:
        log("write path: the user's reviews went from %d to %d (%d restaurants: new reviews first,"
            " then replacements)" % (w["before"], w["after"], w["restaurants"]))
    mb, ma = res["memory"]["before"], res["memory"]["after"]
    log("app resident memory: %.1f MB before, %.1f MB after (%d processes); lighttpd %.1f -> %.1f MB"
        % (mb["app_rss_kb"] / 1024, ma["app_rss_kb"] / 1024, ma["app_processes"],
           mb["lighttpd_rss_kb"] / 1024, ma["lighttpd_rss_kb"] / 1024))
    if REPEAT <= 1:  # with repeats, print_summary gives issue #18's targets on the medians
        print_targets(res["web"])


if __name__ == "__main__":
    main()
