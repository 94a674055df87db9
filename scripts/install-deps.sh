#!/usr/bin/env bash
# Installs what building and testing virthub needs on Debian 12: compilers and libraries
# from Debian (Clang and its runtimes for the sanitized, fuzzed test build; nlohmann-json for
# QMP; QEMU and qemu-img for the QEMU driver's live tests), PyYAML for the
# generator, pybind11 and pytest for the Python binding from PyPI. Safe to run again: it installs only
# what is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config libxml2-dev libreadline-dev libboost-test-dev python3
          clang libclang-rt-14-dev nlohmann-json3-dev qemu-system-x86 qemu-system-misc qemu-utils cpio)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# Go for the Go binding (the machines have a newer one; Debian's is the fallback)
command -v go >/dev/null || missing_go=golang-go
if [ -n "${missing_go:-}" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q golang-go
fi

python=$(command -v python3)
# PyYAML for the generator; pybind11 for the Python binding; pytest for its tests
for module in yaml:pyyaml pybind11:pybind11 pytest:pytest; do
    if ! "$python" -c "import ${module%%:*}" 2>/dev/null; then
        "$python" -m pip install -q "${module#*:}"
    fi
done
