#!/usr/bin/env bash
# Publishes the three daemons as trimmed Native-AOT executables into out/<rid>[-static]/.
#   ./build.sh                        x64, dynamically linked against glibc
#   RID=linux-arm64 ./build.sh        cross-compiled arm64 (clang, lld, gcc-aarch64-linux-gnu)
#   STATIC=1 ./build.sh               fully static x64 binaries (no dynamic section at all)
#   STATIC=pie ./build.sh             static-pie instead (keeps ASLR; needs lld)
#   LIBEXECDIR=/usr/lib ./build.sh    where hv_kvp_daemon looks for hypervkvpd/ scripts
# Warnings are errors: a trim or AOT warning fails the build. See docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")"

rid=${RID:-linux-x64}
static=${STATIC:-0}
libexecdir=${LIBEXECDIR:-/usr/libexec}
out=${OUT:-out/$rid}
extra=(-p:HvLibexecDir="$libexecdir")

case "$static" in
    0 | "") ;;
    1 | pie)
        out=${OUT:-out/$rid-static}
        extra+=(-p:HvStatic=true)
        if [ "$static" = pie ]; then
            # GNU ld 2.40 trips an assertion on a static-pie link of the runtime; lld does not.
            extra+=(-p:LinkerFlavor=lld)
        else
            # Plain static: no PT_INTERP, no PT_DYNAMIC. llvm-objcopy misreads such a file's
            # .rela.plt, so strip with binutils' objcopy whichever compiler links.
            extra+=(-p:PositionIndependentExecutable=false -p:ObjCopyName=objcopy)
        fi
        ;;
    *) echo "STATIC must be 0, 1 or pie (got '$static')" >&2; exit 2 ;;
esac

if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    # clang --target=aarch64-linux-gnu finds Debian's cross tree (/usr/aarch64-linux-gnu and
    # /usr/lib/gcc-cross) by itself; a --sysroot would hide gcc-cross's crt files and libgcc.
    for tool in clang ld.lld aarch64-linux-gnu-objcopy; do
        command -v "$tool" >/dev/null || {
            echo "cross-compiling for arm64 needs $tool: apt-get install clang lld gcc-aarch64-linux-gnu" >&2
            exit 2
        }
    done
    [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || {
        echo "cross-compiling for arm64 needs the arm64 glibc: apt-get install libc6-dev-arm64-cross" >&2
        exit 2
    }
    extra+=(-p:CppCompilerAndLinker=clang -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi

mkdir -p "$out"
for project in cmd/kvp/hv_kvp_daemon cmd/vss/hv_vss_daemon cmd/fcopy/hv_fcopy_daemon cmd/kvpclient/hv_kvp_client; do
    dotnet publish "$project.csproj" -c Release -r "$rid" -o "$out" \
        -nologo -clp:NoSummary -p:TreatWarningsAsErrors=true "${extra[@]}"
done
# Symbols are stripped into the binary's .dbg neighbour; packages ship only the executables.
rm -f "$out"/*.dbg "$out"/*.pdb
# What these binaries were built for; `make install` rebuilds when it does not match.
printf 'rid=%s\nstatic=%s\nlibexecdir=%s\n' "$rid" "$static" "$libexecdir" >"$out/build-settings"

echo
echo "Built into $out:"
for b in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon hv_kvp_client; do
    printf '  %-18s %9d bytes\n' "$b" "$(stat -c %s "$out/$b")"
done
