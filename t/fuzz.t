#!/usr/bin/env python3
"""Fuzzing in CI: each libFuzzer harness (t/fuzz/<name>.c, built by `make fuzz-build` under
build/fuzz/) runs briefly over its seed corpus t/fuzz/corpus/<name>/, and every regression
input in t/fuzz/regress/<name>/ (a crash found and fixed) is replayed and must not crash.
Builds nothing (skipped when nothing was built). FUZZ_T_SECONDS sets the time per harness
(default 3)."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import TAP  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
SECONDS = int(os.environ.get("FUZZ_T_SECONDS", "3"))
ENV = dict(os.environ,
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
           LSAN_OPTIONS="suppressions=%s/t/fuzz/lsan.supp" % ROOT,
           UBSAN_OPTIONS="print_stacktrace=1")


def tail(text, n=30):
    return "\n".join(text.splitlines()[-n:])


def crash_lines(text):
    keep = [l for l in text.splitlines()
            if "ERROR" in l or "runtime error" in l or "SUMMARY" in l or l.startswith("    #")]
    return "\n".join(keep[:30]) or tail(text)


if not os.path.exists("build/fuzz/libforkcast.a"):
    # `make test` builds the harnesses (fuzz-build); a bare `make asan` does not
    print("1..0 # SKIP fuzz harnesses not built: run `make fuzz-build` (clang, libclang-rt-14-dev)")
    sys.exit(0)

t = TAP()
names = sorted(os.path.basename(p)[:-2] for p in glob.glob("t/fuzz/*.c"))
t.ok(len(names) > 0, "harnesses found in t/fuzz/")
scratch = tempfile.mkdtemp(prefix="fc-fuzz-t-")
try:
    for name in names:
        binary = os.path.join("build/fuzz", name)
        if not os.access(binary, os.X_OK):
            t.ok(False, "%s: built" % name, "no %s: run `make fuzz-build` first" % binary)
            continue
        seeds = os.path.join("t/fuzz/corpus", name)
        n_seeds = len(os.listdir(seeds)) if os.path.isdir(seeds) else 0
        t.ok(n_seeds > 0, "%s: has a seed corpus (%d inputs)" % (name, n_seeds))
        # new inputs go to a scratch folder (the first one), never into t/fuzz/corpus
        work = os.path.join(scratch, name)
        os.makedirs(work)
        p = subprocess.run([binary, "-max_total_time=%d" % SECONDS, "-timeout=10",
                            "-rss_limit_mb=2048", "-print_final_stats=1",
                            "-artifact_prefix=%s/" % work, work, seeds],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV,
                           universal_newlines=True, errors="replace")
        runs = [l.split(":")[-1].strip() for l in p.stdout.splitlines()
                if l.startswith("stat::number_of_executed_units")]
        t.ok(p.returncode == 0 and runs and int(runs[0]) > 0,
             "%s: %d s over the seeds without a crash (%s runs)"
             % (name, SECONDS, runs[0] if runs else "?"), crash_lines(p.stdout))
        regress = sorted(glob.glob(os.path.join("t/fuzz/regress", name, "*")))
        if regress:
            p = subprocess.run([binary, "-timeout=10"] + regress,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV,
                               universal_newlines=True, errors="replace")
            t.ok(p.returncode == 0, "%s: %d regression inputs replay without a crash"
                 % (name, len(regress)), crash_lines(p.stdout))
finally:
    shutil.rmtree(scratch, ignore_errors=True)
t.done()
