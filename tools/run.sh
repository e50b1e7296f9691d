#!/bin/sh
# tools/run.sh: what `make run` does after building: says where the site will answer and the
# demo log-ins, then tools/serve.sh starts it from the checkout (migrate, the demo data unless
# the store holds it already, lighttpd with the FastCGI processes and the worker) in the
# foreground until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
bin=$PWD/build/forkcast
root=$($bin config Root)
data=$($bin config Data.Dir)
case "$data" in /*) ;; *) data="$root/$data" ;; esac
host=$($bin config Server.Host)
port=$($bin config Server.Port)
pw=$($bin config Demo.Password)
cat <<MSG

forkcast starts at http://$host:$port/
  demo log-ins: admin / $pw (administrator)
                u1001 ... u1138 / $pw (demo users with reviews)
  data: $data    logs: $data/run/lighttpd-error.log
Press Ctrl-C to stop.

MSG
FORKCAST_BIN=$bin exec tools/serve.sh
