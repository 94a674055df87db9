#!/usr/bin/env bash
# Configures and builds virthub into build/ (or the directory given), with any extra CMake
# options after it:  scripts/build.sh build-asan -DVIRTHUB_SANITIZE=ON
# BUILD_TARGETS="virt ..." builds only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
python=$(command -v python3)
mkdir -p "$dir"
cmake -S . -B "$dir" -G Ninja -DPython3_EXECUTABLE="$python" "$@" > "$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log"
    exit 1
}
ninja -C "$dir" ${BUILD_TARGETS:-}
