#!/bin/sh
# tools/bench.sh: what `make bench` runs. The web benchmark (tools/bench-web.py: wrk against
# lighttpd + the release build) writes build/bench/bench.json; the other benchmarks' output is
# kept in build/bench/<name>.txt and added to the same JSON (tools/bench-collect.py) with the
# figures it can read. Prints figures; asserts nothing about speed. BENCH_ONLY="web rec"
# runs some of them (web profile rec dynamodb backup).
set -u
cd "$(dirname "$0")/.."
mkdir -p build/bench
only=${BENCH_ONLY:-web profile rec dynamodb backup}
failed=""
for b in $only; do
    case $b in
    web) cmd="python3 tools/bench-web.py" ;;
    profile) cmd="python3 tools/bench-profile.py" ;;
    *) [ -x "tools/bench-$b.sh" ] || continue; cmd="tools/bench-$b.sh" ;;
    esac
    echo "== $b =="
    # the exit status of the benchmark, not of tee
    { $cmd 2>&1; echo $? >"build/bench/$b.rc"; } | tee "build/bench/$b.txt"
    rc=$(cat "build/bench/$b.rc")
    [ "$rc" = 0 ] || failed="$failed $b"
done
python3 tools/bench-collect.py $only || failed="$failed collect"
if [ -n "$failed" ]; then
    echo "bench: failed:$failed" >&2
    exit 1
fi
