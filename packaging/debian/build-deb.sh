#!/usr/bin/env bash
# make deb: a binary .deb from `make install` into a staging root, packaged with dpkg-deb.
# Depends comes from dpkg-shlibdeps (the ${shlibs:Depends} a debian/rules build would get);
# where it cannot tell (a cross-built arm64 binary), an explicit libc6 floor is used.
#   build-deb.sh <out folder> <RID>      writes out/deb/hvdaemons_<version>_<arch>.deb
# DEB_MAINTAINER sets the Maintainer field. docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$1 rid=$2
case "$rid" in
    linux-x64) arch=amd64 ;;
    linux-arm64) arch=arm64 ;;
    *) echo "make deb: no Debian architecture for RID $rid" >&2; exit 2 ;;
esac
version=$(sed -n 's|.*<HvDaemonsVersion>\(.*\)</HvDaemonsVersion>.*|\1|p' Directory.Build.props)
maintainer=${DEB_MAINTAINER:-HvDaemons maintainers <hvdaemons@example.org>}
homepage=${DEB_HOMEPAGE:-https://github.com/hvdaemons/hvdaemons}
# glibc 2.34: the static libc's built-in NSS and the newest symbol versions the runtime uses.
libc_floor='libc6 (>= 2.34)'

work=out/deb
root=$work/root
rm -rf "$work"
mkdir -p "$root/DEBIAN"
make --no-print-directory install DESTDIR="$PWD/$root" OUT="$out" RID="$rid" >/dev/null
doc=$root/usr/share/doc/hvdaemons
install -d -m 0755 "$doc"
install -m 0644 packaging/debian/copyright "$doc/copyright"
date=$(date -R -d "@$(git log -1 --format=%ct HEAD 2>/dev/null || date +%s)")
sed -e "s|@version@|$version|g" -e "s|@maintainer@|$maintainer|g" -e "s|@date@|$date|g" \
    packaging/debian/changelog | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
# man pages are shipped compressed in .deb packages.
find "$root/usr/share/man" -type f -name '*.8' -exec gzip -9n {} +

depends=
if command -v dpkg-shlibdeps >/dev/null && [ "$arch" = "$(dpkg --print-architecture)" ]; then
    # dpkg-shlibdeps wants a debian/control beside it; a throw-away one is enough.
    meta=$(mktemp -d)
    mkdir -p "$meta/debian"
    printf 'Source: hvdaemons\n\nPackage: hvdaemons\nArchitecture: any\n' >"$meta/debian/control"
    bins=()
    for f in "$PWD/$root"/usr/sbin/* "$PWD/$root"/usr/bin/*; do [ -L "$f" ] || bins+=("$f"); done
    depends=$(cd "$meta" && dpkg-shlibdeps -O "${bins[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p') || depends=
    rm -rf "$meta"
fi
[ -n "$depends" ] || depends=$libc_floor

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@version@|$version|" -e "s|@arch@|$arch|" -e "s|@maintainer@|$maintainer|" \
    -e "s|@size@|$size|" -e "s|@depends@|$depends|" -e "s|@homepage@|$homepage|" \
    packaging/debian/control.in >"$root/DEBIAN/control"
for s in postinst prerm postrm; do install -m 0755 "packaging/debian/$s" "$root/DEBIAN/$s"; done
# Everything under /etc (the commented vss.conf) is the administrator's once installed: as
# conffiles, dpkg keeps their edits on upgrade and asks before replacing them.
(cd "$root" && find etc -type f -printf '/%p\n' 2>/dev/null | sort) >"$root/DEBIAN/conffiles"
if [ -s "$root/DEBIAN/conffiles" ]; then chmod 0644 "$root/DEBIAN/conffiles"; else rm -f "$root/DEBIAN/conffiles"; fi
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | sort | xargs -r md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"

deb=$work/hvdaemons_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "deb: $deb (Depends: $depends)"
