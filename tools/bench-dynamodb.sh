#!/bin/sh
# tools/bench-dynamodb.sh: the DynamoDB benchmark of `make bench` (feed pages, restaurant page,
# review write against dynalite): builds build/bench_dynamodb from tools/bench_dynamodb.c and
# the release library, then runs tools/bench-dynamodb.py. Prints figures; asserts nothing.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/dynalite ]; then
    echo "bench-dynamodb: no node_modules/.bin/dynalite (npm ci); skipped"
    exit 0
fi
[ -f build/libforkcast.a ] || make --no-print-directory all
PKGS="json-c libcurl libxml-2.0"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -g -D_GNU_SOURCE -Icgi -I/usr/include/ClearSilver $(pkg-config --cflags $PKGS) \
    tools/bench_dynamodb.c build/libforkcast.a \
    -lneo_cgi -lneo_cs -lneo_utl -lz -lfcgi -lsqlite3 -lcrypto -lssl $(pkg-config --libs $PKGS) \
    -lpthread -lm -o build/bench_dynamodb
exec python3 tools/bench-dynamodb.py
