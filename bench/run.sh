#!/usr/bin/env bash
# make bench: prints figures for the published daemons in $1 (default out/linux-x64).
# Nothing here is asserted; tests never assert on time. Run on an idle machine.
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
[ -d bench/KvpBlackBoxBench ] && run KvpBlackBoxBench "$bin"
run VssBench
[ -d bench/FcopyBench ] && run FcopyBench "$bin"
exit 0
