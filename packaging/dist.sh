#!/usr/bin/env bash
# Writes out/dist/hvdaemons-<version>.tar.gz: the committed tree (git archive HEAD) with
# vendor/ inside, so that `make OFFLINE=1` works from the unpacked tarball without network.
# Runs `make vendor` first when vendor/ is empty. docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's|.*<HvDaemonsVersion>\(.*\)</HvDaemonsVersion>.*|\1|p' Directory.Build.props)
name=hvdaemons-$version
[ -n "$(find vendor -maxdepth 1 -name '*.nupkg' 2>/dev/null)" ] || ./packaging/vendor.sh
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "dist: uncommitted changes are not in the tarball (it is made from HEAD)" >&2

mkdir -p out/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git archive --format=tar --prefix="$name/" HEAD | tar -x -C "$stage"
cp -r vendor "$stage/$name/vendor"
# Same bytes for the same commit and vendor/: fixed owner, order and times.
stamp=$(git log -1 --format=%ct HEAD)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" \
    -C "$stage" -cf - "$name" | gzip -n >"out/dist/$name.tar.gz"
echo "dist: out/dist/$name.tar.gz ($(du -h "out/dist/$name.tar.gz" | cut -f1))"
