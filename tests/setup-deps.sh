#!/usr/bin/env bash
# Installs what the build and the tests need, on Debian or Ubuntu as root; elsewhere says
# exactly what is missing. `make test` runs it first; with everything there it does nothing.
# This is the one list of test packages (.ci/run only calls make test). docs/packaging.md.
set -uo pipefail

# Debian package: what needs it
#   make gcc binutils       the Native-AOT link (gcc or clang, objcopy), readelf
#   clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
#                           the arm64 cross build; qemu-user runs its binaries
#   util-linux iproute2     unshare (mount and network namespaces), ip
#   e2fsprogs xfsprogs btrfs-progs   the VSS freeze tests' zram filesystems
#   systemd shellcheck groff-base    unit verify, KVP script lint, man page warnings
#   python3 git             test helpers; clones for the make clean and offline-build tests
#   dpkg-dev lintian rpm    make deb (dpkg-shlibdeps), its lintian check, make rpm
#   debootstrap systemd-container   the units under a real systemd in a container (tests/Systemd);
#                           the network stacks tests/Systemd/Network uses are debootstrapped
#                           into its container's root, not installed here
packages=(make gcc binutils python3 git iproute2 util-linux e2fsprogs xfsprogs btrfs-progs
          clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
          qemu-user systemd shellcheck groff-base dpkg-dev lintian rpm
          debootstrap systemd-container)

problems=()
command -v dotnet >/dev/null && dotnet --list-sdks 2>/dev/null | grep -q '^10\.' ||
    problems+=("the .NET 10 SDK (dotnet): see README.md, 'Getting the .NET 10 SDK'")
[ "$(id -u)" = 0 ] ||
    problems+=("root: the tests mount FUSE, make mount and network namespaces and zram disks")
[ -e /dev/fuse ] || problems+=("/dev/fuse (modprobe fuse; in a container: --device /dev/fuse)")

if command -v dpkg-query >/dev/null; then
    missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "setup-deps: installing ${missing[*]}"
            export DEBIAN_FRONTEND=noninteractive
            if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
                problems+=("Debian packages (apt-get install failed): ${missing[*]}")
            fi
        else
            problems+=("Debian packages, as root: apt-get install ${missing[*]}")
        fi
    fi
else
    # Not Debian: the same tools under other package names; name the commands instead.
    for tool in make gcc objcopy readelf python3 git ip unshare mkfs.ext4 mkfs.xfs mkfs.btrfs \
                clang ld.lld aarch64-linux-gnu-objcopy qemu-aarch64 systemd-analyze shellcheck \
                groff rpmbuild debootstrap systemd-nspawn; do
        command -v "$tool" >/dev/null || problems+=("the command $tool")
    done
    problems+=("(dpkg-deb, dpkg-shlibdeps and lintian for the .deb tests exist on Debian only)")
fi

if [ "${#problems[@]}" -gt 0 ]; then
    echo "setup-deps: still missing (tests that need them skip, and fail under CI=true):"
    printf '  %s\n' "${problems[@]}"
fi
exit 0
