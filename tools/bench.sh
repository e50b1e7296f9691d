#!/bin/sh
# tools/bench.sh: what `make bench` runs. Prints figures; asserts nothing about speed.
set -eu
cd "$(dirname "$0")/.."
echo "== web: feed and restaurant pages (200 friends x 50 reviews) =="
python3 tools/bench-web.py
if [ -x tools/bench-rec.sh ]; then
    echo "== recommender =="
    tools/bench-rec.sh
fi
for b in dynamodb backup; do
    if [ -x tools/bench-$b.sh ]; then
        echo "== $b =="
        tools/bench-$b.sh
    fi
done
