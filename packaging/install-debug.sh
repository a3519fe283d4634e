#!/usr/bin/env bash
# Installs the .dbg files build.sh keeps beside each binary, under the GNU build-id layout
# that gdb, debuginfod and distributions' debuginfo packages use:
#   <debugdir>/.build-id/<first two hex digits>/<the rest>.debug
#   install-debug.sh <out folder> <DESTDIR + DEBUGDIR> <binary>...
set -euo pipefail
out=$1 debugdir=$2
shift 2
for b in "$@"; do
    [ -f "$out/$b.dbg" ] || { echo "install-debug: $out/$b.dbg is missing (build.sh keeps it; rebuild)" >&2; exit 1; }
    # The note is "Build ID: <hex>" in readelf -n; binary and .dbg carry the same one.
    id=$(readelf -n "$out/$b" | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -n1)
    [ "${#id}" -ge 3 ] || { echo "install-debug: $out/$b has no GNU build-id" >&2; exit 1; }
    dir="$debugdir/.build-id/${id:0:2}"
    install -d -m 0755 "$dir"
    install -m 0644 "$out/$b.dbg" "$dir/${id:2}.debug"
done
