#!/usr/bin/env bash
# Runs one libFuzzer target for a fixed number of inputs from a fixed seed (so a run is
# repeatable), capped in time, starting from the round-trip corpus.
#   run_fuzzer.sh FUZZER WORKDIR RUNS SECONDS SEED_DIR...
# New inputs go to WORKDIR (emptied first), never into the corpus; a dictionary of the
# element and attribute names in the seeds steers the mutations toward real documents.
set -euo pipefail
fuzzer=$1 work=$2 runs=$3 seconds=$4
shift 4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
seeds=()
for d in "$@"; do
    [ -d "$d" ] && seeds+=("$d")
done
((${#seeds[@]})) || { echo "no seed directory among: $*" >&2; exit 1; }
find "${seeds[@]}" -type f -name '*.xml' -exec cat {} + |
    grep -aoE "<[A-Za-z][A-Za-z0-9_:.-]*| [A-Za-z][A-Za-z0-9_:.-]*='" | sort -u |
    sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' >"$work/names.dict"
exec "$fuzzer" -seed=1 -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -dict="$work/names.dict" \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "${seeds[@]}"
