#!/bin/sh
# tools/run.sh: what `make run` does after building: migrate, import the demo data unless the
# store holds it already (import-uci --if-empty asks the store, so a DynamoDB table that holds
# it is left alone), then run lighttpd (which spawns the FastCGI processes) in the foreground
# until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
bin=build/forkcast
data=$($bin config Data.Dir)
case "$data" in /*) ;; *) data="$PWD/$data" ;; esac
mkdir -p "$data/run"
$bin migrate >/dev/null
$bin import-uci --if-empty
$bin lighttpd-conf > "$data/run/lighttpd.conf"
host=$($bin config Server.Host)
port=$($bin config Server.Port)
pw=$($bin config Demo.Password)
cat <<MSG

forkcast is running at http://$host:$port/
  demo log-ins: admin / $pw (administrator)
                u1001 ... u1138 / $pw (demo users with reviews)
  data: $data    logs: $data/run/lighttpd-error.log
Press Ctrl-C to stop.

MSG
# the background worker (follows EC2 launches; other jobs) runs beside lighttpd and stops with it
$bin worker >>"$data/run/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
lighttpd -D -f "$data/run/lighttpd.conf"
