#!/bin/sh
# mkdeb: builds build/forkcast_VERSION_ARCH.deb offline with dpkg-deb from the release build
# (`make deb`). The tree is `make install` with Debian's paths (PREFIX=/usr, /etc, /var); the
# dependencies are the packages that own the libraries the two programs load (ldd + dpkg -S),
# plus lighttpd, which runs them. The maintainer scripts create the system user forkcast and
# its data folder /var/lib/forkcast, and leave both (and the data) on removal.
set -eu
cd "$(dirname "$0")/.."
version=${1:?usage: tools/mkdeb.sh VERSION}
arch=$(dpkg --print-architecture)
stage=build/deb/root
rm -rf build/deb
make --no-print-directory install DESTDIR="$PWD/$stage" PREFIX=/usr SYSCONFDIR=/etc \
    LOCALSTATEDIR=/var UNITDIR=/lib/systemd/system >/dev/null
# the package's own file list keeps the installed default; /etc's copy is a conffile
rm -rf "$stage/var"

# Depends: the owner of each shared library the programs name (NEEDED, not what those pull in
# themselves), with the installed version as the floor
deps=$(for prog in "$stage/usr/bin/forkcast" "$stage/usr/libexec/forkcast/forkcast.fcgi"; do
    objdump -p "$prog" | awk '$1 == "NEEDED" { print $2 }' | while read -r name; do
        ldd "$prog" | awk -v n="$name" '$1 == n && $3 ~ /^\// { print $3 }'
    done
done | sort -u | while read -r lib; do
    dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
done | cut -d: -f1 | sort -u | while read -r pkg; do
    v=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null | sed 's/-[^-]*$//')
    printf '%s (>= %s)\n' "$pkg" "$v"
done | paste -sd, - | sed 's/,/, /g')
[ -n "$deps" ] || { echo "mkdeb: could not work out the dependencies (ldd, dpkg -S)" >&2; exit 1; }
size=$(du -sk "$stage" | cut -f1)

mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CTL
Package: forkcast
Version: $version
Architecture: $arch
Maintainer: forkcast developers <forkcast@localhost>
Installed-Size: $size
Depends: $deps, lighttpd, adduser, ca-certificates
Section: web
Priority: optional
Homepage: https://example.invalid/forkcast
Description: restaurant reviews and recommendations (FastCGI behind lighttpd)
 forkcast is a server-rendered restaurant review and recommendation site written
 in C: people review restaurants, add friends, read a feed and get recommendations.
 This package runs it on lighttpd with SQLite and the UCI demo data (CC BY 4.0);
 start it with: systemctl enable --now forkcast  (http://127.0.0.1:8080/).
CTL
echo /etc/forkcast/forkcast.hdf >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'SH'
#!/bin/sh
# forkcast postinst: the system user and its data folder (kept on removal).
set -e
if [ "$1" = configure ]; then
    if ! getent passwd forkcast >/dev/null; then
        adduser --system --group --home /var/lib/forkcast --no-create-home \
            --gecos "forkcast site" forkcast >/dev/null
    fi
    install -d -o forkcast -g forkcast -m 750 /var/lib/forkcast
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null 2>&1 || true
    fi
fi
exit 0
SH
cat >"$stage/DEBIAN/prerm" <<'SH'
#!/bin/sh
# forkcast prerm: stops the service before its files go.
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl stop forkcast.service >/dev/null 2>&1 || true
fi
exit 0
SH
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
out="build/forkcast_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
echo "$out"
