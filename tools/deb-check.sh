#!/usr/bin/env bash
# deb-check: the Debian package on a fresh Debian 12: builds it (`make deb`), installs it with
# apt into a debootstrap chroot that has nothing of the project's, starts the installed site as
# the service would (libexec/forkcast/serve as the user forkcast; a chroot has no systemd) and
# fetches the front page. As root; needs debootstrap and the network to Debian's mirror. The
# base system is cached as /tmp/fresh-bookworm.tar (the same cache as the fresh-Debian check).
# Exit 0 when the installed site serves the demo. Documented in docs/install.md.
set -u
cd "$(dirname "$0")/.."
deb=$(make --no-print-directory deb | tail -n 1) || { echo "deb-check: make deb failed"; exit 1; }
base=/tmp/fresh-bookworm.tar
root=$(mktemp -d /tmp/deb-check.XXXX)
if [ ! -f $base ]; then
    debootstrap --variant=minbase bookworm /tmp/fresh-build http://deb.debian.org/debian \
        >/tmp/deb-check-debootstrap.log 2>&1 || { echo "deb-check: debootstrap failed"; exit 1; }
    tar -C /tmp/fresh-build -cf $base . && rm -rf /tmp/fresh-build
fi
tar -C "$root" -xf $base
cleanup() { for m in dev sys proc; do umount -R -l "$root/$m" 2>/dev/null; done; rm -rf --one-file-system "$root"; }
trap cleanup EXIT
mount --rbind /sys "$root/sys"; mount --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
mkdir -p "$root/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null
cp "$deb" "$root/tmp/"
inside() { unshare --pid --fork --mount-proc="$root/proc" chroot "$root" /bin/bash -c "$1"; }
log=/tmp/deb-check.log
inside "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl /tmp/$(basename "$deb")" >$log 2>&1 \
    || { echo "deb-check: the package did not install (see $log)"; tail -n 5 $log; exit 1; }
inside 'id forkcast && test -d /var/lib/forkcast && /usr/bin/forkcast --help >/dev/null && cd / && forkcast config ConfigFile' >>$log 2>&1 \
    || { echo "deb-check: user, data folder or command missing (see $log)"; exit 1; }
inside 'runuser -u forkcast -- env FORKCAST_CONFIG=/etc/forkcast/forkcast.hdf /usr/libexec/forkcast/serve >/tmp/serve.log 2>&1 &
        for i in $(seq 1 240); do curl -sf http://127.0.0.1:8080/ | grep -q "130 places to try" && exit 0; sleep 1; done
        cat /tmp/serve.log; exit 1' >>$log 2>&1 \
    || { echo "deb-check: the installed site did not serve the demo (see $log)"; tail -n 20 $log; exit 1; }
echo "deb-check: $(basename "$deb") installs on a fresh Debian 12 and serves the demo"
