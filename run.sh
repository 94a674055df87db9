#!/usr/bin/env bash
# Installs what virthub needs, builds it, and runs the virthub shell on libvirt's test
# driver (test:///default, in-process, no daemon): a short tour, then an interactive
# session when a terminal is attached. Arguments are passed to the shell instead.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh build > /dev/null
shell=build/tools/virthub
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-test:///default}
if (($#)); then
    exec "$shell" "$@"
fi
tour() {
    echo "\$ virthub $*"
    "$shell" "$@" || true
}
tour version
tour list --all
tour dominfo test
tour "define $PWD/examples/demo.xml; start demo; list --all; suspend demo; domstate --reason demo; destroy demo; undefine demo"
if [ -t 0 ]; then
    echo "Interactive virthub shell on $LIBVIRT_DEFAULT_URI ('help' lists commands, 'quit' leaves):"
    exec "$shell"
fi
