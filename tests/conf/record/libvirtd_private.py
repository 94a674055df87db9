"""A private libvirtd for the recorders of the documents libvirt's test driver does not handle
(nwfilter, nwfilterbinding, networkport). Not a document kind itself.

libvirt's nwfilter driver only runs in a privileged daemon, so this starts Debian's libvirtd as
root inside its own mount and network namespaces (unshare): its /etc/libvirt, /run/libvirt,
/var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt are bind mounts of a scratch
directory, and only the network, nwfilter and interface driver modules are loaded. Nothing on
the host is touched; the daemon is stopped when the recorder exits. Needs root, unshare and
Debian's libvirt-daemon (which ships libvirt_driver_nwfilter.so and libvirt_driver_network.so).
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import libvirt

DRIVER_DIR = '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver'
MODULES = ('network', 'nwfilter', 'interface')

_state = {}

SCRIPT = r'''
set -e
B="$1"
mount --bind "$B/run" /run/libvirt
mount --bind "$B/etc" /etc/libvirt
for d in lib cache log; do
  mkdir -p /var/$d/libvirt
  mount --bind "$B/$d" /var/$d/libvirt
done
mount --bind "$B/drivers" %(drivers)s
cat > /etc/libvirt/libvirtd.conf <<EOT
unix_sock_dir = "/run/libvirt"
auth_unix_rw = "none"
auth_unix_ro = "none"
EOT
ip link set lo up 2>/dev/null || true
# a fake SR-IOV virtual function 0000:03:00.1 (of 0000:03:00.0) for hostdev networks' ports
mkdir -p "$B/pci/0000:03:00.0" "$B/pci/0000:03:00.1"
ln -s ../0000:03:00.0 "$B/pci/0000:03:00.1/physfn"
mount --bind "$B/pci" /sys/bus/pci/devices
exec /usr/sbin/libvirtd --config /etc/libvirt/libvirtd.conf
''' % {'drivers': DRIVER_DIR}


def _alive(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _stop():
    proc = _state.get('proc')
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    base = _state.get('base')
    if base:
        shutil.rmtree(base, ignore_errors=True)


def socket_path():
    if 'sock' in _state:
        return _state['sock']
    base = tempfile.mkdtemp(prefix='virthub-record-libvirtd-')
    for d in ('run', 'etc', 'lib', 'cache', 'log', 'drivers', 'pci'):
        os.mkdir(os.path.join(base, d))
    for m in MODULES:
        name = 'libvirt_driver_%s.so' % m
        shutil.copy(os.path.join(DRIVER_DIR, name), os.path.join(base, 'drivers', name))
    log = open(os.path.join(base, 'daemon.log'), 'w')
    proc = subprocess.Popen(['unshare', '-m', '-n', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh', base],
                            stdout=log, stderr=log)
    _state.update(base=base, proc=proc)
    atexit.register(_stop)
    sock = os.path.join(base, 'run', 'libvirt-sock')
    for _ in range(100):
        if _alive(sock):
            break
        if proc.poll() is not None:
            raise RuntimeError('private libvirtd exited; see %s' % log.name)
        time.sleep(0.1)
    else:
        raise RuntimeError('private libvirtd did not start')
    _state['sock'] = sock
    return sock


def connect(scheme):
    """A connection to the private daemon, e.g. connect('nwfilter')."""
    key = 'conn-' + scheme
    if key not in _state:
        _state[key] = libvirt.open('%s:///system?socket=%s' % (scheme, socket_path()))
    return _state[key]
