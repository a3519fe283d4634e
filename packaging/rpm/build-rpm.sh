#!/usr/bin/env bash
# make rpm: hvdaemons and hvdaemons-debuginfo .rpm files from packaging/rpm/hvdaemons.spec,
# with rpmbuild (Debian's rpm package has it) and the binaries already built in <out>.
#   build-rpm.sh <out folder> <RID> [<KVP scripts folder>]   writes out/rpm/RPMS/<arch>/*.rpm
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$1 rid=$2 scripts=${3:-/usr/libexec/hypervkvpd}
case "$rid" in
    linux-x64) arch=x86_64 ;;
    linux-arm64) arch=aarch64 ;;
    *) echo "make rpm: no rpm architecture for RID $rid" >&2; exit 2 ;;
esac
command -v rpmbuild >/dev/null || { echo "make rpm needs rpmbuild (apt-get install rpm)" >&2; exit 2; }
version=$(sed -n 's|.*<HvDaemonsVersion>\(.*\)</HvDaemonsVersion>.*|\1|p' Directory.Build.props)

top=$PWD/out/rpm
rm -rf "$top"
mkdir -p "$top"/{BUILD,BUILDROOT,RPMS,SPECS,SRPMS}
# Debian's rpm macros know no %_unitdir; the paths are the ones docs/packaging.md lists.
rpmbuild -bb --target "$arch" \
    --define "_topdir $top" --define "hvd_src $PWD" --define "hvd_out $out" \
    --define "hvd_version $version" --define "hvd_scripts_dir $scripts" --define "_unitdir /usr/lib/systemd/system" \
    --define "_libexecdir /usr/libexec" --define "_sbindir /usr/sbin" \
    packaging/rpm/hvdaemons.spec >"$top/rpmbuild.log" 2>&1 || {
    tail -n 40 "$top/rpmbuild.log" >&2
    exit 1
}
for f in "$top/RPMS/$arch/"*.rpm; do echo "rpm: $f"; done
