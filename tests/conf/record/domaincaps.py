"""Records <domainCapabilities> documents.

libvirt prints domain capabilities and never reads them, and its test driver has none. The
reference for a document is libvirt's own text: the inputs are documents libvirt printed
(getDomainCapabilities of the QEMU driver embedded in-process, qemu:///embed, for
/usr/bin/qemu-system-x86_64) or written in exactly its layout (see
xml2xml/domaincaps/README.md), and each must come back unchanged.

    /usr/bin/python3 tests/conf/record/domaincaps.py capture   # prints what QEMU's driver says

The capture needs Debian's libvirt-daemon-driver-qemu and qemu-system-x86; started as root it
runs as 'nobody' (an embedded QEMU driver started as root wants the libvirt-qemu user).
"""
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import sys, libvirt
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open('qemu:///embed?root=' + sys.argv[1])
if sys.argv[2] == 'caps':
    sys.stdout.write(conn.getCapabilities())
else:
    sys.stdout.write(conn.getDomainCapabilities('/usr/bin/qemu-system-x86_64', 'x86_64', None, 'qemu'))
conn.close()
'''


def embedded_qemu(what):
    root = tempfile.mkdtemp(prefix='vh-domaincaps-')
    cmd = [sys.executable, '-c', CHILD, root, what]
    if os.geteuid() == 0:
        os.chown(root, 65534, 65534)
        cmd = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HOME=root), cwd=root)
    subprocess.run(['rm', '-rf', root])
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return p.stdout


def record(xml):
    return xml


if __name__ == '__main__':
    if sys.argv[1:] == ['capture']:
        sys.stdout.write(embedded_qemu('domaincaps'))
