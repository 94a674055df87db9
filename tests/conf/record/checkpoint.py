"""Records a <domaincheckpoint> as libvirt 9.0.0 reads and prints it.

libvirt's test driver has no checkpoints, so this uses the QEMU driver embedded in-process
(qemu:///embed, its state in a private temporary directory; it needs Debian's
libvirt-daemon-driver-qemu and qemu-system-x86, and runs as 'nobody' when started as root,
since an embedded driver started as root wants the libvirt-qemu user). The document's <domain>
is defined there, the checkpoint is redefined (VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE, which
reads the whole document) and printed with getXMLDesc(0).

The QEMU driver fills in QEMU defaults inside the <domain> (machine type, controllers,
addresses), while virthub's round trip reads that domain with the test driver's options. So
the <domain> part of the output is replaced by what libvirt's test driver makes of the same
domain (defined on test:///default, XMLDesc(VIR_DOMAIN_XML_INACTIVE)): the checkpoint part is
QEMU's, the domain part is the test driver's, both libvirt's.
"""
import atexit
import json
import os
import shutil
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import libvirt

CHILD = r'''
import json, sys, libvirt
libvirt.virEventRegisterDefaultImpl()
libvirt.registerErrorHandler(lambda c, e: None, None)
req = json.load(sys.stdin)
conn = libvirt.open('qemu:///embed?root=' + req['root'])
try:
    dom = conn.defineXML(req['domain'])
    try:
        for parent in req['parents']:
            dom.checkpointCreateXML(parent, libvirt.VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE)
        cp = dom.checkpointCreateXML(req['xml'], libvirt.VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE)
        out = {'xml': cp.getXMLDesc(0)}
    except libvirt.libvirtError as e:
        out = {'error': [e.get_error_code(), e.get_error_domain(), e.get_error_message()]}
    finally:
        for cp in dom.listAllCheckpoints():
            cp.delete(libvirt.VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY)
        dom.undefine()
except libvirt.libvirtError as e:
    out = {'error': [e.get_error_code(), e.get_error_domain(), e.get_error_message()]}
conn.close()
json.dump(out, sys.stdout)
'''

DEFAULT_DOMAIN = ("<domain type='qemu'><name>checkpointed</name>"
                  "<uuid>5b5ed0a3-3f2c-4a8e-9d41-0c8e3c1e0001</uuid><memory>1048576</memory>"
                  "<os><type arch='x86_64'>hvm</type></os></domain>")

_root = None


class _Error(libvirt.libvirtError):
    def __init__(self, code, domain, message):
        Exception.__init__(self, message)
        self.err = (code, domain, message, 2, None, None, None, 0, 0)


def _embed_root():
    global _root
    if _root is None:
        _root = tempfile.mkdtemp(prefix='vh-checkpoint-')
        atexit.register(shutil.rmtree, _root, True)
        if os.geteuid() == 0:
            os.chown(_root, 65534, 65534)
    return _root


def _run_qemu(req):
    cmd = [sys.executable, '-c', CHILD]
    if os.geteuid() == 0:
        cmd = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] + cmd
    env = dict(os.environ, HOME=req['root'])
    p = subprocess.run(cmd, input=json.dumps(req), capture_output=True, text=True, env=env, cwd=req['root'])
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return json.loads(p.stdout)


def _test_driver_domain(domxml):
    conn = libvirt.open('test:///default')
    try:
        dom = conn.defineXML(domxml)
        try:
            return dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        finally:
            dom.undefine()
    finally:
        conn.close()


def _indent(text, pad):
    return ''.join(pad + line if line.strip() else line for line in text.splitlines(True))


def record(xml):
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        root = None
    domxml = DEFAULT_DOMAIN
    parents = []
    if root is not None:
        dom = root.find('domain')
        if dom is not None:
            domxml = ET.tostring(dom, encoding='unicode')
        parent = root.findtext('parent/name')
        if parent:
            parents.append("<domaincheckpoint><name>%s</name><creationTime>1</creationTime>%s</domaincheckpoint>"
                           % (parent, domxml))
    out = _run_qemu({'root': _embed_root(), 'domain': domxml, 'parents': parents, 'xml': xml})
    if 'error' in out:
        raise _Error(*out['error'])
    text = out['xml']
    m = re.search(r"^  <domain .*?^  </domain>\n", text, re.S | re.M)
    if m:
        text = text[:m.start()] + _indent(_test_driver_domain(domxml), '  ') + text[m.end():]
    return text


if __name__ == '__main__':
    try:
        sys.stdout.write(record(open(sys.argv[1]).read()))
    except libvirt.libvirtError as e:
        print('ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
