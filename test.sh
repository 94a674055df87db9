#!/usr/bin/env bash
# Installs what virthub needs, builds it with Clang, AddressSanitizer, UndefinedBehaviorSanitizer
# and libFuzzer's instrumentation, and runs every test, the bounded fuzz runs of each XML
# parser, the Python binding's suites (also through `pip install ./bindings/python`) and the Go
# binding's among them. The last line printed is ctest's summary.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
CC=clang CXX=clang++ scripts/build.sh build-asan -DVIRTHUB_SANITIZE=ON -DVIRTHUB_FUZZ=ON
# The Go race detector cannot run beside AddressSanitizer: go.race runs against the plain
# build of the libraries (the tree ./run.sh uses).
BUILD_TARGETS="virt virt-qemu virt-lxc" scripts/build.sh build
ctest --test-dir build --output-on-failure -R '^go\.race$'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build-asan --output-on-failure -j2
