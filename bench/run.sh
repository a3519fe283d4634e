#!/usr/bin/env bash
# make bench: prints figures for the published daemons in $1 (default out/linux-x64).
# KVP and fcopy beside a floor of our own (bench/Floor, compiled with gcc) in the same run:
# ours, the floor, and the ratio. Nothing here is asserted; tests never assert on time.
# Run on an idle machine.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-out/linux-x64}")

run() {
    local project=$1; shift
    echo
    echo "== $project"
    dotnet run -c Release --project "bench/$project" -- "$@" || echo "($project failed: exit $?)"
}

run StartupBench "$bin" 30
run KvpBench
[ -d bench/KvpBlackBoxBench ] && run KvpBlackBoxBench --bin "$bin"
run VssBench
[ -d bench/FcopyBench ] && run FcopyBench "$bin"
exit 0
