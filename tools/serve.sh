#!/bin/sh
# serve: starts a forkcast site in the foreground: creates or upgrades the database, imports
# the demo data into a store that does not hold it yet, renders lighttpd's configuration, runs
# the background worker beside lighttpd, and stops both together. `make run` (tools/run.sh) and
# the installed service (libexec/forkcast/serve, started by forkcast.service) both use it.
# FORKCAST_BIN names the forkcast command (default: the one beside this script's install, or
# build/forkcast in a checkout). Exit: lighttpd's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${FORKCAST_BIN:-}" ]; then
    if [ -x "$here/../../bin/forkcast" ]; then FORKCAST_BIN="$here/../../bin/forkcast"
    else FORKCAST_BIN="$here/../build/forkcast"; fi
fi
bin=$FORKCAST_BIN
root=$($bin config Root)
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$root/$1" ;; esac; }
data=$(abs "$($bin config Data.Dir)")
mkdir -p "$data/run"
$bin migrate >/dev/null
if [ "${FORKCAST_DEMO:-1}" != 0 ]; then
    $bin import-uci --if-empty
fi
$bin lighttpd-conf >"$data/run/lighttpd.conf"
# the background worker (follows EC2 launches; other jobs) runs beside lighttpd and stops with it
$bin worker >>"$data/run/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
lighttpd -D -f "$data/run/lighttpd.conf"
