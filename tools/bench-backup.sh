#!/bin/sh
# tools/bench-backup.sh: `forkcast backup run` against `aws s3 sync`, side by side on one
# s3rver (t/lib/s3rver.py): (a) first upload of 10,000 small files, (b) the same again with
# nothing changed, (c) one file changed, (d) one big file (1 GiB; BENCH_BACKUP_BIG_MB=N for a
# smaller one). Prints both times and the ratio (aws time / forkcast time) with the targets;
# asserts nothing. Each tool writes to its own bucket; caches start empty; `sync` runs before
# each timed command so neither pays for the other's disk writes.
#
# Settings (environment): BENCH_BACKUP_FILES (10000), BENCH_BACKUP_BIG_MB (1024),
# BENCH_BACKUP_REPEAT (1: each figure is the median of N fresh runs), BENCH_BACKUP_CONCURRENCY
# (forkcast's --concurrency, default Backup.Concurrency), BENCH_BACKUP_DIR (scratch folder).
# The aws CLI runs with its defaults (10 concurrent requests, 8 MiB multipart chunks) and
# AWS_REQUEST_CHECKSUM_CALCULATION=when_required (newer botocore would otherwise send
# aws-chunked bodies with CRC trailers, which s3rver stores verbatim).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FILES=${BENCH_BACKUP_FILES:-10000}
BIG_MB=${BENCH_BACKUP_BIG_MB:-1024}
REPEAT=${BENCH_BACKUP_REPEAT:-1}
FC="$ROOT/build/forkcast"

if ! command -v aws >/dev/null 2>&1; then
    echo "bench-backup: no aws CLI on the PATH: nothing to compare with (skipped)"
    exit 0
fi
if [ ! -x "$ROOT/node_modules/.bin/s3rver" ]; then
    echo "bench-backup: node_modules/.bin/s3rver missing (npm ci): skipped"
    exit 0
fi
[ -x "$FC" ] || make --no-print-directory all

WORK=$(mktemp -d "${BENCH_BACKUP_DIR:-${TMPDIR:-/tmp}}/fc-bench-backup-XXXXXX")
S3PID=""
cleanup() {
    if [ -n "$S3PID" ]; then
        kill "$S3PID" 2>/dev/null || true
        wait "$S3PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

python3 t/lib/s3rver.py "$WORK/s3" >"$WORK/s3.url" 2>"$WORK/s3.log" &
S3PID=$!
i=0
while [ ! -s "$WORK/s3.url" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
URL=$(head -1 "$WORK/s3.url")
[ -n "$URL" ] || { echo "bench-backup: s3rver did not start"; cat "$WORK/s3.log"; exit 1; }

# Only this s3rver: no credentials or endpoints from the caller's environment.
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL_S3="$URL" AWS_EC2_METADATA_DISABLED=true \
    AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export FORKCAST_DATA_DIR="$WORK/data" FORKCAST_BACKUP_CACHEDIR="$WORK/cache"
mkdir -p "$WORK/data"
CONC=""
[ -n "${BENCH_BACKUP_CONCURRENCY:-}" ] && CONC="--concurrency $BENCH_BACKUP_CONCURRENCY"

echo "== backup: forkcast vs aws s3 sync on s3rver ($URL) =="
echo "files: $FILES small, big file $BIG_MB MiB, median of $REPEAT run(s); $(nproc) CPUs;" \
    "$(aws --version 2>&1 | cut -d' ' -f1-2)"
python3 - "$WORK/small" "$FILES" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "wb") as f:
        f.write(os.urandom(100 + rnd.randrange(4000)))
EOF
mkdir -p "$WORK/big"
dd if=/dev/urandom of="$WORK/big/big.bin" bs=1M count="$BIG_MB" status=none
past=$(($(date +%s) - 120))
find "$WORK/small" "$WORK/big" -type f -exec touch -d "@$past" {} +

# seconds TIMEFILE CMD...: runs CMD (output to $WORK/last.out), writes its wall time.
seconds() {
    out=$1
    shift
    sync
    t0=$(date +%s.%N)
    if ! "$@" >"$WORK/last.out" 2>&1; then
        echo "bench-backup: failed: $*" >&2
        tail -20 "$WORK/last.out" >&2
        exit 1
    fi
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}' >>"$out"
}

median() {
    sort -n "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

r=1
while [ "$r" -le "$REPEAT" ]; do
    fcb="fc-bench-$r"
    awsb="aws-bench-$r"
    rm -rf "$WORK/cache"
    cp -a "$WORK/small" "$WORK/src"
    "$FC" backup init --bucket "$fcb" --prefix small >/dev/null
    aws --endpoint-url "$URL" s3 mb "s3://$awsb" >/dev/null
    # (a) first upload
    seconds "$WORK/a.aws" aws --endpoint-url "$URL" s3 sync "$WORK/src" "s3://$awsb/small/"
    seconds "$WORK/a.fc" "$FC" backup run --bucket "$fcb" --prefix small $CONC "$WORK/src"
    grep -q "new_files=$FILES " "$WORK/last.out" || { echo "bench-backup: forkcast did not upload every file" >&2; cat "$WORK/last.out" >&2; exit 1; }
    # (b) nothing changed
    seconds "$WORK/b.aws" aws --endpoint-url "$URL" s3 sync "$WORK/src" "s3://$awsb/small/"
    seconds "$WORK/b.fc" "$FC" backup run --bucket "$fcb" --prefix small $CONC "$WORK/src"
    grep -q "new_files=0 " "$WORK/last.out" || { echo "bench-backup: forkcast uploaded on a no-change run" >&2; exit 1; }
    # (c) one file changed
    echo "changed in run $r" >>"$WORK/src/d042/f00042.txt"
    seconds "$WORK/c.aws" aws --endpoint-url "$URL" s3 sync "$WORK/src" "s3://$awsb/small/"
    seconds "$WORK/c.fc" "$FC" backup run --bucket "$fcb" --prefix small $CONC "$WORK/src"
    grep -q "new_files=1 " "$WORK/last.out" || { echo "bench-backup: forkcast did not upload the changed file" >&2; exit 1; }
    # (d) one big file
    "$FC" backup init --bucket "$fcb" --prefix big >/dev/null
    seconds "$WORK/d.aws" aws --endpoint-url "$URL" s3 sync "$WORK/big" "s3://$awsb/big/"
    seconds "$WORK/d.fc" "$FC" backup run --bucket "$fcb" --prefix big $CONC "$WORK/big"
    rm -rf "$WORK/src" "$WORK/s3/$fcb" "$WORK/s3/$awsb"
    r=$((r + 1))
done

printf '\n%-34s %10s %12s %9s   %s\n' "" "forkcast" "aws s3 sync" "speedup" "target"
row() {
    f=$(median "$WORK/$1.fc")
    a=$(median "$WORK/$1.aws")
    awk -v l="$2" -v f="$f" -v a="$a" -v tg="$3" 'BEGIN {
        s = a / (f > 0 ? f : 0.001);
        if (tg == "-")
            printf "%-34s %8.2f s %10.2f s %8.1fx   -\n", l, f, a, s
        else
            printf "%-34s %8.2f s %10.2f s %8.1fx   >= %sx %s\n", l, f, a, s, tg, (s >= tg ? "met" : "MISSED")
    }'
}
row a "(a) first upload, $FILES files" 2
row b "(b) re-run, nothing changed" 10
row c "(c) one file changed" -
row d "(d) one $BIG_MB MiB file" 1
