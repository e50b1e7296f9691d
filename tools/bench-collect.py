#!/usr/bin/env python3
"""Adds the output of make bench's other benchmarks (build/bench/<name>.txt, written by
tools/bench.sh) to build/bench/bench.json: the raw lines, the exit status and the key figures
it can read from them. Usage: tools/bench-collect.py NAME..."""
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DIR = os.path.join(ROOT, "build", "bench")
NUM = r"([0-9]+(?:\.[0-9]+)?)"


def figures_rec(text):
    f = {}
    m = re.search(r"^model build: " + NUM, text, re.M)
    if m:
        f["build_s"] = float(m.group(1))
    m = re.search(r"^model build: [^\n]*?" + NUM + r" s CPU", text, re.M)
    if m:
        f["build_cpu_s"] = float(m.group(1))
    for m in re.finditer(r"^(top|similar)-(\d+) (latency|CPU time)[^\n]*", text, re.M):
        for k, v in re.findall(r"\b(p50|p90|p99|mean|max)\s+" + NUM, m.group(0)):
            f["%s%s_%s_%s_ms" % (m.group(1), m.group(2), "cpu" if m.group(3) == "CPU time"
                                 else "latency", k)] = float(v)
    m = re.search(r"peak memory\D*" + NUM + r"\s*(\w+)", text, re.I)
    if m:
        f["peak_memory"] = m.group(1) + " " + m.group(2)
    return f


def figures_backup(text):
    """The comparison table: label, forkcast s, aws s, speedup."""
    rows = {}
    for m in re.finditer(r"^(\([a-d]\)[^\n]*?)\s+" + NUM + r" s\s+" + NUM + r" s\s+" + NUM + "x",
                         text, re.M):
        rows[m.group(1).strip()] = {"forkcast_s": float(m.group(2)), "aws_s": float(m.group(3)),
                                    "speedup": float(m.group(4))}
    return {"runs": rows} if rows else {}


def figures_dynamodb(text):
    """Lines naming requests/s or calls per operation/request."""
    rows = []
    for line in text.splitlines():
        if re.search(r"req/s|ops/s|calls", line):
            rows.append(line.strip())
    return {"lines": rows} if rows else {}


def main():
    path = os.path.join(DIR, "bench.json")
    try:
        with open(path) as f:
            res = json.load(f)
    except (OSError, ValueError):
        res = {"web": None}
    other = res.setdefault("other", {})
    for name in sys.argv[1:]:
        if name == "web":
            continue
        try:
            with open(os.path.join(DIR, name + ".txt")) as f:
                text = f.read()
            with open(os.path.join(DIR, name + ".rc")) as f:
                rc = int(f.read().strip() or 1)
        except (OSError, ValueError):
            continue
        parse = globals().get("figures_" + name)
        other[name] = {"exit_status": rc, "figures": parse(text) if parse else {},
                       "output": text.splitlines()}
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    print("bench: figures in %s" % os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
