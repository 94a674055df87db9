"""Records a <device> document (a host device as the node device driver lists it).

libvirt's test driver reads the devices of a custom configuration (test:///<file> whose
<node> holds <device> elements) exactly as a driver reads an existing device, and formats
them back on XMLDesc. Its nodeDeviceCreateXML does not round-trip a document (it makes a
vHBA from a template device), so every document goes through such a file: parse as an
existing device, then format.

A document that is not well-formed XML, or whose root is not <device>, never reaches the
device parser; libvirt's message for it (which names the document "(node_device_definition)")
is the one nodeDeviceCreateXML gives, so such documents go there.
"""
import os
import tempfile
from xml.dom import minidom

import libvirt


def _is_device(doc):
    try:
        return minidom.parseString(doc).documentElement.tagName == 'device'
    except Exception:
        return False


def record(doc):
    if not _is_device(doc):
        conn = libvirt.open('test:///default')
        try:
            conn.nodeDeviceCreateXML(doc, 0)
            raise SystemExit('nodeDeviceCreateXML accepted a document that is not a <device>')
        finally:
            conn.close()
    body = doc.strip()
    if body.startswith('<?xml'):
        body = body[body.index('?>') + 2:]
    fd, path = tempfile.mkstemp(suffix='.xml', prefix='vh-nodedev-')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write('<node>\n' + body + '\n</node>\n')
        conn = libvirt.open('test://' + path)
        try:
            devices = conn.listAllDevices(0)
            if len(devices) != 1:
                raise SystemExit('expected one device, the driver lists %d' % len(devices))
            return devices[0].XMLDesc(0)
        finally:
            conn.close()
    finally:
        os.unlink(path)
