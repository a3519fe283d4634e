#!/usr/bin/env bash
# Fills vendor/ with every NuGet package the daemons' build needs (System.CommandLine,
# Tmds.LibC, ILLink, the ILCompiler and the runtime packs for linux-x64 and linux-arm64), as
# the packages.lock.json files pin them. `OFFLINE=1 ./build.sh` then restores from vendor/ only.
# Needs the network (the configured NuGet sources) once. docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."

vendor=${VENDOR:-vendor}
projects=(cmd/kvp/hv_kvp_daemon cmd/vss/hv_vss_daemon cmd/fcopy/hv_fcopy_daemon cmd/kvpclient/hv_kvp_client)

# A private packages folder: what lands in it is exactly what these projects restore, never
# whatever else the user's cache holds.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
for p in "${projects[@]}"; do
    # Both RIDs are in the projects' RuntimeIdentifiers (Restore.props), so one restore each
    # fetches x64 and arm64 alike; --locked-mode fails rather than drift from the lock files.
    NUGET_PACKAGES=$cache dotnet restore "$p.csproj" --locked-mode --force -nologo -v quiet
done

rm -rf "$vendor"
mkdir -p "$vendor"
# A flat folder of .nupkg files is a NuGet source as it is.
find "$cache" -mindepth 3 -maxdepth 3 -name '*.nupkg' -exec cp {} "$vendor/" \;
count=$(find "$vendor" -name '*.nupkg' | wc -l)
[ "$count" -gt 0 ] || { echo "vendor: no package was restored" >&2; exit 1; }
echo "vendor: $count packages, $(du -sh "$vendor" | cut -f1) in $vendor/"
