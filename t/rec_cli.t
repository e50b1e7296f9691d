#!/usr/bin/env python3
"""Integration test: `forkcast rec ...` (ASan build) on the fixtures in t/data/rec: the eval
table's format and ranges, top/similar output, friends, weights, synth + bench, convert-uci,
and, on the UCI data set of data/, that the engine beats popularity on it."""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import TAP  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
os.chdir(ROOT)
BIN = os.environ.get("FORKCAST_BIN", "build/asan/forkcast")
DATA = "t/data/rec"
UCI = os.environ.get("FORKCAST_UCI_DIR", os.path.join(ROOT, "data/uci-restaurant-consumer"))
t = TAP()
tmp = tempfile.mkdtemp(prefix="fc-rec-cli-")


def rec(*args):
    p = subprocess.run([BIN, "rec"] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr


def files(*names):
    out = []
    for n in names:
        out += ["--" + n, "%s/%s.csv" % (DATA, n)]
    return out


ROWS = ["engine", "popularity", "cold-start engine", "cold-start popularity"]


def parse_table(out):
    """The metric rows of `rec eval` as {name: [hit, ndcg, precision, coverage, users]}."""
    rows = {}
    for line in out.splitlines():
        for name in sorted(ROWS, key=len, reverse=True):
            m = re.match(r"^%s\s+(\d\.\d{4})\s+(\d\.\d{4})\s+(\d\.\d{4})\s+(\d\.\d{4})\s+(\d+)$"
                         % re.escape(name), line)
            if m:
                rows[name] = [float(x) for x in m.groups()[:4]] + [int(m.group(5))]
                break
    return rows


def table_ok(out):
    rows = parse_table(out)
    if sorted(rows) != sorted(ROWS):
        return False
    for hit, ndcg, prec, cov, users in rows.values():
        if not (0 <= hit <= 1 and 0 <= ndcg <= hit and 0 <= prec <= hit and 0 < cov <= 1
                and users > 0):
            return False
    return True


def ratings_of(user):
    with open(DATA + "/ratings.csv") as f:
        return {r["item"] for r in csv.DictReader(f) if r["user"] == user}


with open(DATA + "/items.csv") as f:
    ITEMS = {r["item"] for r in csv.DictReader(f)}
REASON = re.compile(r"^(friends \S+ \(\d+ friends, \d\.\d stars\)|because \S+|popular-city .+|"
                    r"cuisine .+|popular)$")


def top_lines_ok(out, n, exclude):
    lines = out.splitlines()
    if len(lines) != n:
        return False
    last = None
    for line in lines:
        cols = line.split("\t")
        if len(cols) != 3 or cols[0] not in ITEMS or cols[0] in exclude:
            return False
        score = float(cols[1])
        if last is not None and score > last:
            return False
        last = score
        if not REASON.match(cols[2]):
            return False
    return True


try:
    # eval: the table
    all_files = files("ratings", "friends", "items", "users", "events", "blocks")
    rc, out, err = rec("eval", *all_files)
    t.ok(rc == 0, "rec eval exits 0", err)
    t.ok(re.search(r"^forkcast rec eval: 955 ratings, 100 users, 60 items; 5-fold "
                   r"cross-validation, seed 1$", out, re.M), "eval says what it evaluated", out)
    t.ok("relevant = rating >= 4 of 5" in out, "eval states what is relevant", out)
    t.ok(re.search(r"^method\s+HitRate@10\s+NDCG@10\s+Precision@10\s+Coverage\s+Users$", out,
                   re.M), "eval prints the column header", out)
    t.ok(table_ok(out), "eval prints four rows with metrics in range", out)
    rc2, out2, _ = rec("eval", *all_files)
    t.ok(rc2 == 0 and out2 == out, "eval is deterministic for a seed")

    rc, out, err = rec("eval", *files("ratings", "items", "users"), "--folds", 3, "--seed", 9,
                       "--demo-friends", 2, "-k", 5, "--relevant", 5)
    t.ok(rc == 0 and "3-fold cross-validation, seed 9" in out and
         "derived per fold" in out and "relevant = rating >= 5" in out and "metrics @5" in out,
         "eval options: folds, seed, demo friends, k, relevant", out + err)
    t.ok(table_ok(out), "eval table in range with options", out)
    rc, out, err = rec("eval", *files("ratings"), "--loo")
    t.ok(rc == 0 and "leave-one-out" in out and table_ok(out), "eval --loo", out + err)

    # top / similar
    rc, out, err = rec("top", *files("ratings", "friends", "items", "users"), "--user", "u1",
                       "-n", 5)
    t.ok(rc == 0 and top_lines_ok(out, 5, ratings_of("u1")),
         "rec top prints 5 item ids the user has not rated, best first, with reasons",
         out + err)
    rc, out, err = rec("top", *files("ratings", "items"), "--user", "u9")
    t.ok(rc == 0 and top_lines_ok(out, 10, ratings_of("u9")), "rec top defaults to 10",
         out + err)
    rc, out, err = rec("top", *files("ratings", "items"), "--user", "nobody", "-n", 3)
    t.ok(rc == 0 and top_lines_ok(out, 3, set()) and "new user" in err,
         "rec top for an unknown user gives popular items", out + err)
    rc, out, err = rec("similar", *files("ratings", "items"), "--item", "r1", "-n", 3)
    t.ok(rc == 0 and top_lines_ok(out, 3, {"r1"}), "rec similar prints 3 other items",
         out + err)
    rc, out, err = rec("similar", *files("ratings"), "--item", "nope")
    t.ok(rc != 0 and "no item" in err, "rec similar: unknown item is an error", err)

    # friends, weights, usage errors
    rc, out, err = rec("friends", *files("ratings"), "--min-common", 3)
    lines = out.splitlines()
    t.ok(rc == 0 and lines[0] == "user,friend" and len(lines) > 1 and
         all(re.match(r"^u\d+,u\d+$", x) for x in lines[1:]), "rec friends prints pairs",
         out + err)
    rc, out, err = rec("weights", "--set", "Weight.CF=2", "--set", "Rec.Shrinkage=7")
    t.ok(rc == 0 and "Rec.Weight.CF = 2\n" in out and "Rec.Shrinkage = 7\n" in out and
         "Rec.Weight.Popularity = " in out, "rec weights lists keys with --set values", out)
    rc, out, err = rec("weights", "--set", "Weight.Bogus=1")
    t.ok(rc == 2 and "bad --set" in err, "an unknown weight is refused", err)
    rc, out, err = rec("eval")
    t.ok(rc == 2 and "--ratings" in err, "eval without --ratings: usage error", err)
    rc, out, err = rec("frobnicate")
    t.ok(rc == 2 and "unknown command" in err, "unknown subcommand: usage error", err)
    rc, out, err = rec("eval", "--ratings", "/nonexistent.csv")
    t.ok(rc == 2 and "cannot read" in err, "a missing file is reported", err)

    # synth + bench
    sdir = os.path.join(tmp, "synth")
    os.mkdir(sdir)
    rc, out, err = rec("synth", "--users", 400, "--items", 300, "--ratings", 6000, "--friends",
                       10, "--events", 500, "--seed", 2, "--out", sdir)
    t.ok(rc == 0 and re.match(r"^synth: 400 users, 300 items, \d+ ratings", out) and
         all(os.path.getsize(os.path.join(sdir, n + ".csv")) > 0
             for n in ("ratings", "friends", "items", "users", "events")),
         "rec synth writes the five files", out + err)
    rc, out, err = rec("bench", "--ratings", sdir + "/ratings.csv", "--friends",
                       sdir + "/friends.csv", "--items", sdir + "/items.csv", "--users",
                       sdir + "/users.csv", "--events", sdir + "/events.csv", "--queries", 200)
    t.ok(rc == 0 and re.search(r"^model build: [\d.]+ s wall", out, re.M) and
         re.search(r"^top-10 latency over 200 random users: p50 [\d.]+ ms, p90 [\d.]+ ms, "
                   r"p99 [\d.]+ ms", out, re.M) and
         re.search(r"^similar-10 latency over 200 random items: p50", out, re.M) and
         re.search(r"^peak memory \(ru_maxrss\): [\d.]+ MiB", out, re.M),
         "rec bench prints build time, latencies and peak memory", out + err)

    # convert-uci on the sample
    udir = os.path.join(tmp, "uci")
    os.mkdir(udir)
    rc, out, err = rec("convert-uci", DATA + "/uci", udir)
    t.ok(rc == 0 and out.startswith("convert-uci: 4 items, 4 users, 10 ratings, 1 friendships"),
         "convert-uci on the sample", out + err)
    with open(udir + "/ratings.csv") as f:
        t.ok(f.readline() == "user,item,rating\n" and f.readline() == "U9001,900001,5\n",
             "convert-uci writes stars")

    # the real data set (in the repository): the engine must beat popularity
    rdir = os.path.join(tmp, "real")
    os.mkdir(rdir)
    rc, out, err = rec("convert-uci", UCI, rdir)
    t.ok(rc == 0 and "130 items, 138 users, 1161 ratings" in out, "convert-uci on UCI",
         out + err)
    rc, out, err = rec("eval", "--ratings", rdir + "/ratings.csv", "--items",
                       rdir + "/items.csv", "--users", rdir + "/users.csv",
                       "--demo-friends", 3)
    rows = parse_table(out)
    t.ok(rc == 0 and table_ok(out) and
         rows["engine"][0] > rows["popularity"][0] and
         rows["engine"][1] > rows["popularity"][1] and
         rows["cold-start engine"][1] > rows["cold-start popularity"][1],
         "on UCI the engine beats popularity (HitRate, NDCG; cold-start NDCG)", out + err)
except Exception as e:  # noqa: BLE001
    t.ok(False, "unexpected exception", repr(e))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
