"""Runs a libvirt call on a session daemon for the recorders whose document the test driver
cannot take (secrets; pools with a backend's XML namespace).

The recorders run as root, whose session URI is the system daemon; the session is therefore
opened as an unprivileged user (nobody) with its own HOME under the temporary directory,
through setpriv. qemu:///session autostarts libvirtd for that user, which exits by itself
when idle.
"""
import json
import os
import subprocess
import tempfile

import libvirt

_USER = 65534   # nobody

# Runs in the child: reads the document on stdin, prints {'xml': ...} or {'err': [...]}.
_HELPER = r'''
import json, sys, libvirt
libvirt.registerErrorHandler(lambda ctx, err: None, None)
xml = sys.stdin.read()
try:
    conn = libvirt.open('qemu:///session')
    try:
        obj = conn.%(define)s(xml, 0)
        try:
            out = {'xml': obj.XMLDesc(0)}
        finally:
            obj.undefine()
    finally:
        conn.close()
except libvirt.libvirtError as e:
    out = {'err': [e.get_error_code(), e.get_error_domain(), e.get_error_message()]}
print(json.dumps(out))
'''


def define_and_dump(define, xml):
    """conn.<define>(xml) on the session daemon, XMLDesc, undefine; libvirtError on failure."""
    home = os.path.join(tempfile.gettempdir(), 'vh-record-session')
    os.makedirs(home, exist_ok=True)
    os.chown(home, _USER, _USER)
    env = {'HOME': home, 'XDG_RUNTIME_DIR': os.path.join(home, 'run'), 'PATH': '/usr/sbin:/usr/bin:/sbin:/bin'}
    proc = subprocess.run(['setpriv', '--reuid=%d' % _USER, '--regid=%d' % _USER, '--clear-groups',
                           '/usr/bin/python3', '-c', _HELPER % {'define': define}],
                          input=xml, capture_output=True, text=True, env=env, timeout=120, check=True)
    out = json.loads(proc.stdout)
    if 'err' in out:
        code, domain, message = out['err']
        e = libvirt.libvirtError(message)
        e.err = (code, domain, message, 2, None, None, None, -1, -1)
        raise e
    return out['xml']
