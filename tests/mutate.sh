#!/usr/bin/env bash
# Mutation testing of lib/ with Stryker.NET over the unit tests (make mutate). Not part of
# make test: each folder takes tens of minutes on 2 cores.
#   tests/mutate.sh                     lib/Kvp lib/Vss lib/Fcopy lib/Transport
#   MUTATE="Vss Os" tests/mutate.sh     other folders of lib/
#   MUTATE_FILES="lib/Vss/Freezer.cs" tests/mutate.sh    one file (quick check of a test)
# Prints the score per folder and every surviving mutant (file:line, what was changed).
# Reports: out/mutation/<folder>/reports/mutation-report.{json,html}.
set -euo pipefail
cd "$(dirname "$0")/.."
folders=${MUTATE:-Kvp Vss Fcopy Transport}
concurrency=${MUTATE_CONCURRENCY:-2}

dotnet tool restore >/dev/null
run() {  # name, glob
    local name=$1 glob=$2 out=out/mutation/$1
    rm -rf "$out" && mkdir -p "$out"
    (cd tests/Unit && dotnet stryker --project HvDaemons.csproj --mutate "$glob" \
        --config-file ../Mutation/stryker-config.json --concurrency "$concurrency" \
        --reporter json --reporter html --reporter progress --output "../../$out") >"$out/stryker.log" 2>&1 \
        || { tail -n 20 "$out/stryker.log"; echo "stryker failed for $name (log: $out/stryker.log)"; return 1; }
    python3 tests/Mutation/summary.py "$name" "$out/reports/mutation-report.json"
}
status=0
if [ -n "${MUTATE_FILES:-}" ]; then
    for f in $MUTATE_FILES; do run "$(basename "$f" .cs)" "**/${f#lib/}" || status=1; done
else
    for f in $folders; do run "$f" "**/$f/**/*.cs" || status=1; done
fi
exit "$status"
