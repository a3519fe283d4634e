#!/usr/bin/env bash
# Coverage-guided fuzzing of one HvFuzz target with AFL++ through SharpFuzz (optional; the
# seeded mutation runner, `make fuzz`, needs neither). Instruments a private copy of
# HvDaemons.dll in out/afl/bin; findings go to out/afl/<target>/default/{queue,crashes}.
#   fuzz/afl.sh TARGET [SECONDS]        e.g. fuzz/afl.sh kvp-handle 600
# Needs: apt-get install afl++; dotnet tool install -g SharpFuzz.CommandLine
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/afl.sh TARGET [SECONDS]  (dotnet run --project fuzz/HvFuzz -- --list)}
seconds=${2:-300}
bin=out/afl/bin
seeds=out/afl/$target-seeds
findings=out/afl/$target
sharpfuzz=${SHARPFUZZ:-$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")}

dotnet build fuzz/HvFuzz.Afl -c Release -o "$bin" -nologo -clp:NoSummary -v quiet
"$sharpfuzz" "$bin/HvDaemons.dll"
rm -rf "$seeds"
dotnet run --project fuzz/HvFuzz -c Release -- --target "$target" --write-seeds "$seeds"

# dotnet itself is not instrumented (SKIP_BIN_CHECK); CPU scaling and core_pattern are the
# machine's business, not the fuzzer's.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
afl-fuzz -i "$seeds" -o "$findings" -V "$seconds" -t 10000 -m none -- dotnet "$bin/HvFuzz.Afl.dll" "$target"
grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|edges_found)' "$findings/default/fuzzer_stats"
