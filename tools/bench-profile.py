#!/usr/bin/env python3
"""Where a page's time goes (make bench; BENCH_ONLY=profile): the web benchmark's fixture (the
demo data, a user with BENCH_FRIENDS friends who wrote BENCH_REVIEWS reviews each, logged in),
then two profiles of each page:

1. perf (when it may record): the release build behind lighttpd under wrk (16 connections,
   BENCH_PROFILE_SECONDS), `perf record --call-graph dwarf` on the FastCGI processes. Each
   sample is put in the stage of the request it was taken in (below) from its call stack; a
   stage's CPU time per request is its samples / the sampling frequency / the requests served.
   Kernel time (system calls, page faults) counts in the stage that caused it.
2. callgrind: BENCH_PROFILE_REQUESTS requests driven in-process through fc_app_handle by
   build/bench_handle (no lighttpd), valgrind --tool=callgrind collecting inside fc_app_handle
   only. Instructions per request (Ir): deterministic on a shared machine, but an Ir is no
   time (a `rep stos` of a large memset counts one per byte-block, system calls count nothing).

The stages (the first of these on the sample's stack, from main outwards in):

  FastCGI I/O       libfcgi outside the request: FCGX_Accept_r (reading the request's records)
                    and FCGX_Finish_r (flushing the response to lighttpd)   [perf only]
  request parsing   fc_request_parse
  session lookup    fc_session_load (its store reads, and the CSRF token's HMAC)
  store queries     the handler's calls into the store (cgi/store: s_*, d_*)
  handler: HDF      the rest of the handler: building the HDF tree (keys, values, their
                    formatting and allocation), the recommender's scoring, the page's logic
  rendering         fc_tmplcache_render (ClearSilver: cs_render with the page's HDF)
  response write    fc_resp_header, fc_resp_head and the writer (FCGX_PutStr)
  access log        the access log line (time formatting and the fprintf)
  metrics           fc_metrics_request (after the answer; its store flush when due)
  deferred work     the rest of fc_app_after but freeing: fc_app_defer's jobs (a view's log)
  freeing           hdf_destroy and the request's and response's frees
  other             the rest of the request (the context's allocation, request id, routing)

Settings: BENCH_FRIENDS (200), BENCH_REVIEWS (50), BENCH_PROFILE_SECONDS (3),
BENCH_PROFILE_REQUESTS (200), BENCH_PROFILE_PAGES (feed,home,restaurant,list,profile),
BENCH_PROFILE_TOOLS (perf,callgrind), BENCH_PROFILE_KEEP (a folder to keep the callgrind.out
files in), BENCH_BASELINE (another build's forkcast.fcgi, as for tools/bench-web.py: the
bench_handle beside it is profiled with callgrind too, on the same data, and its figures are
printed beside these: before and after). Writes build/bench/profile.json."""
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "t", "lib"))
from fcserver import Client, Server  # noqa: E402
import load  # noqa: E402

N = int(os.environ.get("BENCH_PROFILE_REQUESTS", "200"))
PAGES = os.environ.get("BENCH_PROFILE_PAGES", "feed,home,restaurant,list,profile").split(",")
KEEP = os.environ.get("BENCH_PROFILE_KEEP", "")
BASELINE = os.environ.get("BENCH_BASELINE", "")
OUT = os.path.join(ROOT, "build", "bench", "profile.json")
SECONDS = float(os.environ.get("BENCH_PROFILE_SECONDS", "3"))
TOOLS = os.environ.get("BENCH_PROFILE_TOOLS", "perf,callgrind").split(",")
FREQ = 2000
STAGES = ["FastCGI I/O", "request parsing", "session lookup", "page cache", "store queries",
          "handler: HDF", "rendering", "response write", "access log", "metrics", "deferred work", "freeing", "other"]
ACCESS_LOG_FNS = {"strftime", "gmtime_r", "__fprintf_chk", "fprintf", "time", "time_syscall"}
WRITE_FNS = {"fc_resp_serialize", "fc_resp_head", "fc_resp_header", "bench_write", "fcgi_write"}
FREE_FNS = {"hdf_destroy", "_dealloc_hdf", "fc_request_free", "fc_resp_free", "free",
            "cfree", "string_clear"}


def bench_web():
    spec = importlib.util.spec_from_file_location("bench_web", os.path.join(ROOT, "tools",
                                                                            "bench-web.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parse_callgrind(path):
    """Self cost per function and inclusive cost per (caller, callee) call, by function name
    (files merged: callgrind splits a function by the file of its inlined code), and the file
    each function was compiled from."""
    names, files = {}, {}
    self_cost, pair = {}, {}
    fn = cfn = None
    fl = None
    in_call = False

    def name(kind, rest):
        m = re.match(r"\((\d+)\)(?: (.*))?$", rest)
        if not m:
            return rest
        key = (kind, m.group(1))
        if m.group(2) is not None:
            names[key] = m.group(2)
        return names.get(key, rest)

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                cost = int(line.split()[-1]) if len(line.split()) > 1 else 0
                if in_call:
                    pair[(fn, cfn)] = pair.get((fn, cfn), 0) + cost
                    in_call = False
                else:
                    self_cost[fn] = self_cost.get(fn, 0) + cost
                continue
            key, _, rest = line.partition("=")
            if key == "fl":
                fl = name("fl", rest)
            elif key in ("fi", "fe"):
                name("fl", rest)
            elif key in ("cfi", "cfl"):
                name("fl", rest)
            elif key == "fn":
                fn = name("fn", rest)
                files.setdefault(fn, fl)
            elif key == "cfn":
                cfn = name("fn", rest)
            elif key == "calls":
                in_call = True
    return self_cost, pair, files


def stages(path, n):
    self_cost, pair, files = parse_callgrind(path)
    callees = {}
    for (a, b), v in pair.items():
        callees.setdefault(a, {})[b] = callees.setdefault(a, {}).get(b, 0) + v

    def inc(f):
        return self_cost.get(f, 0) + sum(v for b, v in callees.get(f, {}).items() if b != f)

    def in_dir(f, d):
        return "/" + d + "/" in "/" + os.path.relpath(files.get(f) or "", ROOT)

    def is_store(f):
        return in_dir(f, "cgi/store")

    total = inc("fc_app_handle")
    answer = callees.get("fc_app_answer", {})
    after = callees.get("fc_app_after", {})
    handlers = [f for f in answer if in_dir(f, "cgi/pages")]
    deferred = [f for f in after if f not in FREE_FNS and f != "fc_metrics_request"]
    store_page = sum(v for (a, b), v in pair.items() if is_store(b) and not is_store(a)
                     and not in_dir(a, "cgi/core") and a not in deferred)
    store_session = sum(v for b, v in callees.get("fc_session_load", {}).items() if is_store(b))
    render = inc("fc_tmplcache_render")
    s = {
        "request parsing": inc("fc_request_parse"),
        "session lookup": inc("fc_session_load"),
        "store queries": store_page,
        "handler: HDF": sum(answer[f] for f in handlers) - store_page - render,
        "rendering": render,
        # the page cache's look-up (the content version's read, the key), a hit's copy and a
        # miss's keeping of the page
        "page cache": inc("fc_pagecache_begin") + inc("fc_pagecache_end"),
        "response write": sum(v for f, v in answer.items() if f in WRITE_FNS),
        "access log": sum(v for f, v in answer.items() if f in ACCESS_LOG_FNS),
        "metrics": after.get("fc_metrics_request", 0),
        "deferred work": sum(after[f] for f in deferred),
        "freeing": sum(v for f, v in after.items() if f in FREE_FNS),
    }
    s["other"] = total - sum(s.values())
    s["FastCGI I/O"] = 0
    hot = sorted(((v, f) for f, v in self_cost.items()), reverse=True)[:12]
    return {"ir_per_request": total / n, "stages": {k: v / n for k, v in s.items()},
            "session_store_ir": store_session / n,
            "hdf_set_value_ir": inc("hdf_set_value") / n,
            "hot_self": [(f, v / n) for v, f in hot]}


def perf_usable():
    if not shutil.which("perf"):
        return False
    r = subprocess.run(["perf", "record", "-q", "-o", "/dev/null", "--", "true"],
                       capture_output=True, text=True)
    return r.returncode == 0


def perf_samples(path):
    """The call stacks (innermost frame first, symbol names) of a perf.data file."""
    out = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym"], capture_output=True,
                         text=True).stdout
    stacks, cur = [], []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            if cur:
                stacks.append(cur)
            cur = []
            continue
        parts = line.split(None, 1)
        sym = parts[1] if len(parts) > 1 else "?"
        cur.append(sym.replace(" (inlined)", "").split("+")[0].strip())
    if cur:
        stacks.append(cur)
    return stacks


def is_store_fn(f):
    return f.startswith(("s_", "d_"))


def perf_stage(stack):
    """The stage of one sample (innermost frame first), or None outside a request."""
    outer = []
    for f in stack[::-1]:  # an inlined function shows as a frame of its own: one of each
        if not outer or outer[-1] != f:
            outer.append(f)
    for i, f in enumerate(outer):
        if f == "fc_app_answer":
            inner = outer[i + 1:]
            if not inner:
                return "other"
            g = inner[0]
            if g == "fc_request_parse":
                return "request parsing"
            if g == "fc_session_load":
                return "session lookup"
            if g in ("access_log",) or g in ACCESS_LOG_FNS:
                return "access log"
            if g in WRITE_FNS or g == "fcgi_write" or g.startswith("FCGX_"):
                return "response write"
            if g.startswith("fc_pagecache_") or "fc_pagecache_begin" in inner[:2] or \
                    "fc_pagecache_end" in inner[:2]:
                return "page cache"
            if g == "dispatch" or g.startswith("page_") or g in ("fc_error", "fc_render"):
                if "fc_tmplcache_render" in inner:
                    return "rendering"
                if any(is_store_fn(x) for x in inner):
                    return "store queries"
                if g == "dispatch" and len(inner) > 1 and not (
                        inner[1].startswith("page_") or inner[1] in ("fc_error", "fc_render")):
                    return "other"
                return "handler: HDF"
            return "other"
        if f == "fc_app_after":
            g = outer[i + 1] if i + 1 < len(outer) else ""
            if g.startswith("fc_metrics_request"):
                return "metrics"
            if g in FREE_FNS:
                return "freeing"
            return "deferred work"
        if f.startswith("FCGX_"):
            return "FastCGI I/O"
    return None


def perf_page(srv, procs_pids, path, cookie, tmp, page):
    """wrk on path with perf recording the FastCGI processes: stage -> CPU ms per request."""
    data = os.path.join(tmp, "perf.%s.data" % page)
    access = os.path.join(srv.dir, "access.log")
    start = os.path.getsize(access)
    rec = subprocess.Popen(["perf", "record", "-q", "-F", str(FREQ), "--call-graph",
                            "dwarf,16384", "-o", data, "-p", ",".join(map(str, procs_pids))],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", "%gs" % SECONDS, "--timeout", "30s",
                    "-H", "Cookie: " + cookie, "http://127.0.0.1:%d%s" % (srv.port, path)],
                   capture_output=True, text=True, check=True)
    time.sleep(0.5)
    rec.send_signal(signal.SIGINT)
    rec.wait(timeout=120)
    with open(access) as f:
        f.seek(start)
        served = sum(1 for line in f if " 200 " in line)
    counts = {}
    for st in perf_samples(data):
        k = perf_stage(st)
        if k:
            counts[k] = counts.get(k, 0) + 1
    os.unlink(data)
    ms = {k: counts.get(k, 0) * 1e3 / FREQ / max(served, 1) for k in STAGES}
    return {"requests": served, "samples": sum(counts.values()), "cpu_ms_per_request": ms,
            "total_ms": sum(ms.values())}


def main():
    tools = [t for t in TOOLS if t]
    if "callgrind" in tools and not shutil.which("valgrind"):
        print("bench-profile: no valgrind: callgrind skipped")
        tools.remove("callgrind")
    if "perf" in tools and not perf_usable():
        print("bench-profile: perf cannot record here (package linux-perf, and"
              " kernel.perf_event_paranoid or root): perf skipped")
        tools.remove("perf")
    drv = os.path.join(ROOT, "build", "bench_handle")
    if "callgrind" in tools and not os.access(drv, os.X_OK):
        raise SystemExit("bench-profile: no %s (make build/bench_handle)" % drv)
    bw = bench_web()
    srv = Server(demo=True, build="build")
    tmp = tempfile.mkdtemp(prefix="fc-prof-")
    res = {"loadavg_before": os.getloadavg(), "perf": {}, "callgrind": {}}
    try:
        me = Client(srv)
        bw.seed(srv, me)
        cookie = "; ".join("%s=%s" % kv for kv in me.cookies.items() if kv[0] != "fc_flash")
        import sqlite3
        db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"))
        busiest = db.execute("SELECT restaurant_id FROM reviews GROUP BY 1 ORDER BY count(*) DESC"
                             " LIMIT 1").fetchone()[0]
        db.close()
        paths = {"feed": "/feed", "home": "/", "restaurant": "/restaurants/%d" % busiest,
                 "list": "/restaurants?page=2", "profile": "/u/bf0"}
        if "perf" in tools:
            pids = load.fcgi_pids(srv.proc.pid)
            print("perf: wrk -c 16 for %g s per page, %d Hz, on %d FastCGI processes; load %.1f"
                  % (SECONDS, FREQ, len(pids), os.getloadavg()[0]))
            for page in PAGES:
                res["perf"][page] = perf_page(srv, pids, paths[page], cookie, tmp, page)
            print_perf(res["perf"])
        srv.stop()  # the driver opens the same data folder; lighttpd is not needed
        env = dict(srv.env, FORKCAST_LOG_ACCESS=os.path.join(tmp, "access.log"))
        if "callgrind" in tools:
            print("callgrind: %d requests per page in-process; instructions (Ir) per request"
                  % N)
        # each page twice: as a repeat view (the page cache on: the first request renders, the
        # others are hits) and cold (Cache.PageBytes = 0: every request renders)
        drivers = [("", drv, {}), (" cold", drv, {"FORKCAST_CACHE_PAGEBYTES": "0"})]
        if BASELINE:
            drivers.append((" (base)", os.path.join(os.path.dirname(os.path.abspath(BASELINE)),
                                                    "bench_handle"), {}))
        for page in PAGES if "callgrind" in tools else []:
            for tag, binary, extra in drivers:
                env_run = dict(env, **extra)
                out = os.path.join(tmp, "callgrind.%s%s.out" % (page, tag.strip(" ()").replace(" ", "-")))
                # the wall time outside valgrind, for scale (and a check of the answer: 200)
                plain = subprocess.run([binary, str(N), paths[page], cookie], env=env_run,
                                       capture_output=True, text=True)
                if plain.returncode:
                    raise SystemExit("bench-profile: %s%s: %s%s" % (page, tag, plain.stdout,
                                                                   plain.stderr))
                subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=fc_app_handle",
                                "--callgrind-out-file=" + out, binary, str(N), paths[page],
                                cookie], env=env_run, capture_output=True, text=True, check=True)
                r = stages(out, N)
                r["path"], r["driver"] = paths[page], plain.stdout.strip()
                res["callgrind"][page + tag] = r
                if KEEP:
                    os.makedirs(KEEP, exist_ok=True)
                    shutil.copy(out, KEEP)
                print("-- %s%s (%s): %s" % (page, tag, paths[page], r["driver"]))
        if res["callgrind"]:
            print_table(res["callgrind"])
        res["loadavg_after"] = os.getloadavg()
        print("load average %.2f before, %.2f after" % (res["loadavg_before"][0],
                                                       res["loadavg_after"][0]))
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            json.dump(res, f, indent=1)
    finally:
        srv.stop()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def print_perf(res):
    pages = list(res)
    print("")
    print("perf: CPU ms per request (share)")
    print("%-16s" % "stage" + "".join("%16s" % p for p in pages))
    for st in STAGES:
        print("%-16s" % st + "".join(
            "%8.3f %5.1f%% " % (res[p]["cpu_ms_per_request"][st],
                                100 * res[p]["cpu_ms_per_request"][st] / (res[p]["total_ms"] or 1))
            for p in pages))
    print("%-16s" % "total" + "".join("%8.3f %6s " % (res[p]["total_ms"], "") for p in pages))
    print("%-16s" % "(requests)" + "".join("%8d %6s " % (res[p]["requests"], "") for p in pages))
    print("%-16s" % "(samples)" + "".join("%8d %6s " % (res[p]["samples"], "") for p in pages))


def print_table(res):
    res = {"pages": res}
    pages = list(res["pages"])
    print("")
    print("%-16s" % "stage" + "".join("%18s" % p for p in pages))
    for st in STAGES:
        print("%-16s" % st + "".join(
            "%10.0fK %5.1f%%" % (res["pages"][p]["stages"][st] / 1e3,
                                 100 * res["pages"][p]["stages"][st] / res["pages"][p]["ir_per_request"])
            for p in pages))
    print("%-16s" % "total" + "".join("%10.0fK %5s " % (res["pages"][p]["ir_per_request"] / 1e3, "")
                                      for p in pages))
    print("%-16s" % "(session store)" + "".join(
        "%10.0fK %5s " % (res["pages"][p]["session_store_ir"] / 1e3, "") for p in pages))
    print("%-16s" % "(hdf_set_value)" + "".join(
        "%10.0fK %5s " % (res["pages"][p]["hdf_set_value_ir"] / 1e3, "") for p in pages))
    for p in pages:
        print("hottest functions (self) of %s: %s" % (p, ", ".join(
            "%s %.0fK" % (f, v / 1e3) for f, v in res["pages"][p]["hot_self"][:8])))


if __name__ == "__main__":
    main()
