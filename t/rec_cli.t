#!/usr/bin/env python3
"""Integration test: `forkcast rec ...` (ASan build) on the fixtures in t/data/rec: the eval
table's format and ranges, top/similar output, friends, weights, synth + bench, convert-uci,
and, on the UCI data set of data/, the standard protocol (per-user split, every baseline, forkcast
beating popularity, standard errors, chosen hyper-parameters, paired bootstrap) and the legacy
one."""
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


RATINGS_ROWS = ["popularity", "item-knn", "rp3beta", "ease", "forkcast-defaults", "forkcast"]
SIDE_ROWS = ["city-popularity", "forkcast-defaults+side", "forkcast+side"]
PM = r"(\d\.\d{4}) ± (\d\.\d{4})"


def proto_table(out):
    """The rows of the standard protocol: {name: [(mean, se) for HitRate, NDCG, Recall]}."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+%s\s+%s\s+%s$" % (PM, PM, PM), line)
        if m:
            g = [float(x) for x in m.groups()[1:]]
            rows[m.group(1)] = [(g[0], g[1]), (g[2], g[3]), (g[4], g[5])]
    return rows


def split_ok(path, folds):
    """The split file partitions each user's ratings into the folds, evenly, and no held-out
    (user, item) is also in training."""
    by_user = {}
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        by_user.setdefault(r["user"], []).append((r["item"], int(r["fold"])))
    for user, rs in by_user.items():
        if any(not 0 <= fo < folds for _, fo in rs):
            return "user %s: a rating outside the folds" % user
        counts = [sum(1 for _, fo in rs if fo == k) for k in range(folds)]
        if max(counts) - min(counts) > 1:
            return "user %s: uneven folds %s" % (user, counts)
        for k in range(folds):
            test = {i for i, fo in rs if fo == k}
            train = {i for i, fo in rs if fo != k}
            if test & train:
                return "user %s fold %d: held-out items in training" % (user, k)
    return "" if rows else "no rows"


def standard_protocol(rdir):
    """forkcast rec eval on the UCI data set, small: 2 outer folds, 2 inner, small grids."""
    split = os.path.join(tmp, "split.csv")
    args = ["--uci", UCI, "--folds", 2, "--inner", 2, "--quick", "--boot", 200]
    rc, out, err = rec("eval", *args, "--split-out", split)
    t.ok(rc == 0, "rec eval (the standard protocol) exits 0", err)
    t.ok(re.search(r"^forkcast rec eval: 1161 ratings, 138 users, 130 items; per-user 2-fold "
                   r"split, seed 1$", out, re.M) and
         "stars: the UCI overall rating, 0/1/2 -> 1/3/5" in out and
         re.search(r"relevant = rating >= 4 of 5 \(486 ratings\)", out),
         "eval says what it evaluated: per-user split, overall stars (486 of 5 stars)", out)
    t.ok(split_ok(split, 2) == "", "the split partitions each user's ratings evenly, no held-out "
         "item in training", split_ok(split, 2))
    rows = proto_table(out)
    t.ok(sorted(rows) == sorted(RATINGS_ROWS + SIDE_ROWS),
         "the table has every model, ratings only and with side data", sorted(rows))
    t.ok(all(0 <= m <= 1 and 0 < se < 0.2 for r in rows.values() for m, se in r),
         "every metric is in range with a standard error", out)
    t.ok(all(r[1][0] <= r[0][0] for r in rows.values()), "NDCG <= HitRate in every row", out)
    if sorted(rows) == sorted(RATINGS_ROWS + SIDE_ROWS):
        pop = rows["popularity"]
        for name in ("forkcast", "forkcast-defaults", "rp3beta", "item-knn", "ease",
                     "forkcast+side"):
            t.ok(rows[name][0][0] > pop[0][0] + 0.2 and rows[name][1][0] > pop[1][0] + 0.1,
                 "%s beats popularity on UCI (HitRate, NDCG)" % name, out)
        t.ok(rows["city-popularity"][1][0] > pop[1][0], "city popularity beats popularity", out)
    for name in ["popularity", "item-knn", "rp3beta", "ease", "forkcast", "city-popularity",
                 "forkcast+side"]:
        t.ok(all(re.search(r"^%s\s+fold %d: \S+=" % (re.escape(name), k), out, re.M)
                 for k in (1, 2)), "the chosen hyper-parameters of %s are printed per fold" % name,
             out)
    m = re.search(r"^forkcast - (\S+):\s+HitRate ([+-]\d\.\d{4}) \[([+-]\d\.\d{4}), "
                  r"([+-]\d\.\d{4})\]\s+NDCG ([+-]\d\.\d{4}) \[([+-]\d\.\d{4}), ([+-]\d\.\d{4})\]",
                  out, re.M)
    t.ok(m and m.group(1) in RATINGS_ROWS[:4] and
         float(m.group(3)) <= float(m.group(2)) <= float(m.group(4)) and
         float(m.group(6)) <= float(m.group(5)) <= float(m.group(7)),
         "forkcast is compared with the best baseline: difference inside its interval", out)
    rc2, out2, _ = rec("eval", *args)
    t.ok(rc2 == 0 and out2 == out, "the standard protocol is deterministic for a seed")

    rc, out, err = rec("eval", "--uci", UCI, "--loo", "--inner", 2, "--quick", "--boot", 100,
                       "--models", "popularity,forkcast", "--compare", "forkcast,popularity",
                       "--stars", "blended")
    rows = proto_table(out)
    m = re.search(r"^forkcast - popularity:\s+HitRate ([+-]\d\.\d{4}) \[([+-]\d\.\d{4}), ", out,
                  re.M)
    t.ok(rc == 0 and "per-user leave-one-out" in out and "stars: blended" in out and
         "(624 ratings)" in out and sorted(rows) == ["forkcast", "forkcast+side", "popularity"],
         "eval --loo --stars blended --models: the blended stars, only the models asked", out + err)
    t.ok(m and float(m.group(2)) > 0, "--compare: forkcast beats popularity, the whole 95% "
         "interval above 0", out)
    rc, out, err = rec("eval", *files("ratings"), "--folds", 2, "--inner", 2, "--quick",
                       "--boot", 50)
    rows = proto_table(out)
    t.ok(rc == 0 and sorted(rows) == sorted(RATINGS_ROWS) and "with side data" not in out,
         "eval on a ratings file alone: the ratings-only table", out + err)
    for bad, what in ((["--stars", "fancy", "--uci", UCI], "--stars"),
                      (["--stars", "blended", "--ratings", DATA + "/ratings.csv"], "--uci"),
                      (["--models", "magic", "--uci", UCI], "unknown model"),
                      (["--compare", "forkcast", "--uci", UCI], "--compare"),
                      (["--inner", 1, "--uci", UCI], "--inner"),
                      (["--uci", "/nonexistent"], "cannot read")):
        rc, out, err = rec("eval", *bad)
        t.ok(rc == 2 and what in err, "eval %s: usage error naming %s" % (bad[:2], what), err)
    rc, out, err = rec("tune", "--uci", UCI, "--inner", 2, "--quick")
    t.ok(rc == 0 and re.search(r"^Rec\.Sim\.Beta = [\d.]+$", out, re.M) and
         re.search(r"^Rec\.Weight\.Content = [\d.]+$", out, re.M),
         "rec tune prints the learnt weights as configuration", out + err)


try:
    # eval: the table
    all_files = files("ratings", "friends", "items", "users", "events", "blocks")
    rc, out, err = rec("eval", "--legacy", *all_files)
    t.ok(rc == 0, "rec eval --legacy exits 0", err)
    t.ok(re.search(r"^forkcast rec eval: 955 ratings, 100 users, 60 items; 5-fold "
                   r"cross-validation, seed 1$", out, re.M), "eval says what it evaluated", out)
    t.ok("relevant = rating >= 4 of 5" in out, "eval states what is relevant", out)
    t.ok(re.search(r"^method\s+HitRate@10\s+NDCG@10\s+Precision@10\s+Coverage\s+Users$", out,
                   re.M), "eval prints the column header", out)
    t.ok(table_ok(out), "eval prints four rows with metrics in range", out)
    rc2, out2, _ = rec("eval", "--legacy", *all_files)
    t.ok(rc2 == 0 and out2 == out, "eval is deterministic for a seed")

    rc, out, err = rec("eval", "--legacy", *files("ratings", "items", "users"), "--folds", 3,
                       "--seed", 9,
                       "--demo-friends", 2, "-k", 5, "--relevant", 5)
    t.ok(rc == 0 and "3-fold cross-validation, seed 9" in out and
         "derived per fold" in out and "relevant = rating >= 5" in out and "metrics @5" in out,
         "eval options: folds, seed, demo friends, k, relevant", out + err)
    t.ok(table_ok(out), "eval table in range with options", out)
    rc, out, err = rec("eval", "--legacy", *files("ratings"), "--loo")
    t.ok(rc == 0 and "leave-one-out" in out and table_ok(out), "eval --legacy --loo", out + err)

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
    rc, out, err = rec("eval", "--legacy", "--ratings", rdir + "/ratings.csv", "--items",
                       rdir + "/items.csv", "--users", rdir + "/users.csv",
                       "--demo-friends", 3)
    rows = parse_table(out)
    t.ok(rc == 0 and table_ok(out) and
         rows["engine"][0] > rows["popularity"][0] and
         rows["engine"][1] > rows["popularity"][1] and
         rows["cold-start engine"][1] > rows["cold-start popularity"][1],
         "on UCI the engine beats popularity (HitRate, NDCG; cold-start NDCG)", out + err)
    standard_protocol(rdir)
except Exception as e:  # noqa: BLE001
    t.ok(False, "unexpected exception", repr(e))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
