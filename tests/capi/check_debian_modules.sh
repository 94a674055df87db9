#!/usr/bin/env bash
# capi.debian_modules: Debian's python3-libvirt, built against Debian's libvirt0, loads
# virthub's libvirt.so.0, libvirt-qemu.so.0 and libvirt-lxc.so.0 with every symbol bound at
# load time (LD_BIND_NOW), and calls through each. Skipped (77) where python3-libvirt is absent.
#   check_debian_modules.sh LIBDIR
set -euo pipefail
libdir=$1
py=/usr/bin/python3
if ! env -u LD_LIBRARY_PATH "$py" -c 'import libvirt, libvirt_qemu, libvirt_lxc' 2>/dev/null; then
    echo "python3-libvirt is not installed: nothing to load"
    exit 77
fi
if objdump -T "$libdir/libvirt.so.0" | grep -E ' __(a|ub)san_' >/dev/null; then
    echo "a sanitized build needs the sanitizer runtime in the program: Debian's python cannot load it"
    exit 77
fi
LD_BIND_NOW=1 LD_LIBRARY_PATH=$libdir timeout 60 "$py" - "$libdir" <<'PYEOF'
import os, sys
import libvirt, libvirt_qemu, libvirt_lxc

libdir = os.path.realpath(sys.argv[1])
maps = open('/proc/self/maps').read()
for lib in ('libvirt.so.0', 'libvirt-qemu.so.0', 'libvirt-lxc.so.0'):
    paths = {line.split()[-1] for line in maps.splitlines() if '/' + lib in line}
    assert paths and all(os.path.dirname(os.path.realpath(p)) == libdir for p in paths), (lib, paths)

libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open('test:///default')
dom = conn.lookupByName('test')
for call, name in ((lambda: libvirt_qemu.qemuMonitorCommand(dom, '{}', 0), 'virDomainQemuMonitorCommand'),
                   (lambda: libvirt_lxc.lxcOpenNamespace(dom, 0), 'virDomainLxcOpenNamespace')):
    try:
        call()
        sys.exit(name + ' succeeded on the test driver')
    except libvirt.libvirtError as e:
        assert e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT, e.get_error_message()
        assert e.get_error_message().endswith(name), e.get_error_message()
print('Debian python3-libvirt runs on virthub: libvirt, libvirt_qemu, libvirt_lxc')
PYEOF
