#!/usr/bin/env bash
# Installs what virthub needs, builds it, and boots a real Linux guest with the virthub shell
# on the embedded QEMU driver (qemu:///embed, in-process, no daemon, TCG): a short tour, then
# an interactive session when a terminal is attached. Arguments are passed to the shell instead.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh build > /dev/null
shell=build/tools/virthub
# The embedded QEMU driver: every file under .virthub/, no daemon; guests outlive this script
# and the next virthub process finds them.
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///embed?root=$PWD/.virthub}
if (($#)); then
    exec "$shell" "$@"
fi
tour() {
    echo "\$ virthub $*"
    "$shell" "$@" || true
}
guest=$PWD/.virthub/guest
tests/qemu/make_linux_guest.sh "$guest"
[ -f "$guest/data.qcow2" ] || qemu-img create -q -f qcow2 "$guest/data.qcow2" 64M
sed "s|@GUEST@|$guest|g" examples/linux-guest.xml > "$guest/linux.xml"
: > "$guest/console.log"
tour version
tour "destroy linux; undefine linux --snapshots-metadata" > /dev/null 2>&1
tour "define $guest/linux.xml; start linux; list --all"
# the guest's init says when it is up (about 5 s under TCG); bounded at 60 s
for _ in $(seq 600); do grep -q "virthub-guest: ready" "$guest/console.log" && break; sleep 0.1; done
echo "(the guest's console:)"; grep -a "virthub-guest" "$guest/console.log" || true
tour "dominfo linux; dommemstat linux"
# an internal snapshot: memory and disk into the qcow2 image while the guest runs on
tour "snapshot-create-as linux booted; snapshot-info linux booted; snapshot-delete linux booted"
tour "shutdown linux"
for _ in $(seq 100); do grep -q "Power down" "$guest/console.log" && break; sleep 0.1; done
tour "domstate linux --reason; list --all"
if [ -t 0 ]; then
    echo "Interactive virthub shell on $LIBVIRT_DEFAULT_URI ('help' lists commands, 'quit' leaves;"
    echo "'start linux' boots the guest again; -c test:///default reaches the test driver):"
    exec "$shell"
fi
