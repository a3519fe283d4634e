#!/usr/bin/env bash
# Publishes the three daemons as trimmed Native-AOT executables into out/<rid>/.
#   ./build.sh                 x64, dynamically linked against glibc
#   RID=linux-arm64 ./build.sh cross-compiled arm64 (needs gcc-aarch64-linux-gnu)
#   STATIC=1 ./build.sh        fully static x64 binaries for initramfs and minimal images
# Warnings are errors: a trim or AOT warning fails the build.
set -euo pipefail
cd "$(dirname "$0")"

rid=${RID:-linux-x64}
out=${OUT:-out/$rid}
extra=()
if [ "${STATIC:-0}" = 1 ]; then
    out=${OUT:-out/$rid-static}
    extra+=(-p:HvStatic=true)
fi
if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    extra+=(-p:CppCompilerAndLinker=clang -p:SysRoot=/usr/aarch64-linux-gnu -p:LinkerFlavor=lld)
    extra+=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi

mkdir -p "$out"
for d in kvp vss fcopy; do
    dotnet publish "cmd/$d/hv_${d}_daemon.csproj" -c Release -r "$rid" -o "$out" \
        -nologo -clp:NoSummary -p:TreatWarningsAsErrors=true "${extra[@]}"
done
# Symbols are stripped into the binary's .dbg neighbour; packages ship only the executables.
rm -f "$out"/*.dbg "$out"/*.pdb

echo
echo "Built into $out:"
for b in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon; do
    printf '  %-18s %9d bytes\n' "$b" "$(stat -c %s "$out/$b")"
done
