#!/usr/bin/env bash
# Publishes the three daemons as trimmed Native-AOT executables into out/<rid>[-static]/.
#   ./build.sh                        this machine's architecture (uname -m), linked against glibc
#   RID=linux-arm64 ./build.sh        arm64 (on x64: cross-compiled with clang, lld, gcc-aarch64-linux-gnu)
#   RID=fedora.43-x64 ./build.sh      a distribution SDK's own RID (docs/packaging.md)
#   STATIC=1 ./build.sh               fully static x64 binaries (no dynamic section at all)
#   STATIC=pie ./build.sh             static-pie instead (keeps ASLR; needs lld)
#   LIBEXECDIR=/usr/lib ./build.sh    where hv_kvp_daemon looks for hypervkvpd/ scripts
#   KVP_SCRIPTS_PATH=/usr/lib/hyperv/kvp_scripts ./build.sh   that folder itself, as upstream's
#                                     Makefile; KVP_SCRIPTS_PATH= (empty) looks them up in PATH
#   OFFLINE=1 ./build.sh              restore from vendor/ only (make vendor fills it)
#   LDFLAGS='-Wl,-z,relro' ./build.sh its -Wl, words go to the native link
# Symbols: each binary is stripped; its debug info stays beside it as <binary>.dbg, found by
# build-id or .gnu_debuglink (make install-debug).
# Warnings are errors: a trim or AOT warning fails the build. See docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")"

case "$(uname -m)" in
    aarch64 | arm64) host_rid=linux-arm64 ;;
    *) host_rid=linux-x64 ;;
esac
rid=${RID:-$host_rid}
static=${STATIC:-0}
libexecdir=${LIBEXECDIR:-/usr/libexec}
# Set but empty means "look the scripts up in PATH"; unset means $libexecdir/hypervkvpd.
kvp_scripts_path=${KVP_SCRIPTS_PATH-${libexecdir%/}/hypervkvpd}
out=${OUT:-out/$rid}
extra=(-p:HvKvpScriptsPath="$kvp_scripts_path" -p:HvKvpScriptsPathSet=true)

# LDFLAGS: only linker options (-Wl,...) are passed on; the link is the ILCompiler's own, with
# clang or gcc, so compiler words such as gcc's -specs= or -flto do not apply. MSBuild would
# split a command-line property at commas, so they travel in the environment.
linker_args=()
for word in ${LDFLAGS:-}; do
    case "$word" in -Wl,*) linker_args+=("$word") ;; esac
done
HvLinkerArgs=$(IFS=';'; echo "${linker_args[*]}")
export HvLinkerArgs

if [ "${OFFLINE:-0}" = 1 ]; then
    # vendor/ is the only source, and the packages are unpacked into out/ rather than the
    # user's cache: a builder without network, HOME or NuGet cache builds the same binaries.
    [ -n "$(find vendor -maxdepth 1 -name '*.nupkg' 2>/dev/null)" ] || {
        echo "OFFLINE=1 needs vendor/ (run make vendor where the NuGet source is reachable)" >&2
        exit 2
    }
    mkdir -p out/offline
    cat >out/offline/NuGet.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="vendor" value="$PWD/vendor" /></packageSources>
  <fallbackPackageFolders><clear /></fallbackPackageFolders>
  <disabledPackageSources><clear /></disabledPackageSources>
</configuration>
CONFIG
    extra+=(-p:RestoreConfigFile="$PWD/out/offline/NuGet.config" -p:RestorePackagesPath="$PWD/out/offline/packages"
            -p:HvOffline=true -p:RestoreLockedMode=true)
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
           DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1 NUGET_PACKAGES="$PWD/out/offline/packages"
fi

case "$rid" in
    linux-x64 | linux-arm64) ;;
    *)
        # A distribution's own RID (its source-built SDK and ILCompiler, e.g. fedora.43-x64):
        # restore for that RID alone, and record its lock file in obj/ rather than rewrite the
        # committed one, which pins the portable packs this SDK does not have.
        extra+=(-p:HvRuntimeIdentifiers="$rid" -p:NuGetLockFilePath="obj/packages.$rid.lock.json"
                -p:RestoreLockedMode=false)
        ;;
esac

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
# The .dbg files stay (make install-debug, the packages' debuginfo); the IL .pdb files are of
# no use for a native binary.
rm -f "$out"/*.pdb
# What these binaries were built for; `make install` rebuilds when it does not match.
printf 'rid=%s\nstatic=%s\nkvp_scripts_path=%s\n' "$rid" "$static" "$kvp_scripts_path" >"$out/build-settings"

echo
echo "Built into $out:"
for b in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon hv_kvp_client; do
    printf '  %-18s %9d bytes\n' "$b" "$(stat -c %s "$out/$b")"
done
