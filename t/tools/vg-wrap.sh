#!/bin/sh
# vg-wrap.sh: runs a command under valgrind memcheck with the options of `make valgrind`
# (docs/valgrind.md), one log per process in $FORKCAST_VG_LOGDIR (vg.<pid>.log). t/valgrind.t
# puts it before the FastCGI program (lighttpd's bin-path) and the CLI through fcserver.py's
# FORKCAST_TEST_WRAPPER. Usage: vg-wrap.sh PROGRAM [ARGS...]
here=$(cd "$(dirname "$0")" && pwd)
logdir=${FORKCAST_VG_LOGDIR:-${TMPDIR:-/tmp}}
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \
    --num-callers=30 --suppressions="$here/../valgrind.supp" \
    --log-file="$logdir/vg.%p.log" "$@"
