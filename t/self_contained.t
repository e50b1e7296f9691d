#!/usr/bin/env python3
"""The repository stands alone: the UCI data set in data/ is the original bytes (SHA256SUMS,
the sums of the data set's own README), the default Demo.DataDir points at it, and no file
that builds, runs or tests forkcast names the shared folder beside the checkout, which a
person who clones the project does not have. Markdown may mention it; nothing else may."""
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import TAP  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
os.chdir(ROOT)
DATA = "data/uci-restaurant-consumer"
t = TAP()

# 1. the nine files, byte for byte (the sums are the data set README's own)
with open(os.path.join(DATA, "SHA256SUMS")) as f:
    sums = [line.split() for line in f if line.strip()]
t.ok(len(sums) == 9, "SHA256SUMS lists the nine CSV files", sums)
with open(os.path.join(DATA, "README.md"), encoding="utf-8") as f:
    readme = f.read()
for want, name in sums:
    with open(os.path.join(DATA, name), "rb") as f:
        got = hashlib.sha256(f.read()).hexdigest()
    t.ok(got == want and want in readme, "%s is the original (sha256 %s...)" % (name, got[:12]))
t.ok("CC BY 4.0" in readme and "Vargas-Govea" in readme, "the README gives licence and attribution")

# 2. the default configuration imports from the repository
p = subprocess.run(["build/asan/forkcast", "config", "Demo.DataDir"], capture_output=True,
                   text=True, env={k: v for k, v in os.environ.items()
                                   if not k.startswith("FORKCAST_")})
t.ok(p.returncode == 0 and p.stdout.strip().endswith(DATA), "Demo.DataDir defaults to " + DATA,
     p.stdout + p.stderr)

# 3. nothing outside Markdown names the shared folder (the data README is Markdown too)
needle = b"../" + b"shared"
found = []
for top in ("Makefile", ".ci", "cgi", "conf", "sql", "static", "templates", "t", "tools",
            "package.json", "package-lock.json"):
    for dirpath, dirs, files in os.walk(top) if os.path.isdir(top) else [("", [], [top])]:
        dirs[:] = [d for d in dirs if d not in ("node_modules", "__pycache__")]
        for name in files:
            path = os.path.join(dirpath, name)
            if path.endswith(".md") or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                if needle in f.read():
                    found.append(path)
t.ok(not found, "no file that builds, runs or tests forkcast names ../" + "shared", found)
t.done()
