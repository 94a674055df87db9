"""Records <capabilities> documents.

libvirt prints capabilities and never reads them, so the reference for a document is libvirt's
own text: every input here is a document libvirt printed (or one written in exactly its layout,
see xml2xml/capabilities/README.md), and it must come back unchanged. The test driver's
document is checked against libvirt's getCapabilities() on test:///default; `capture` prints
the documents this corpus took from libvirt:

    /usr/bin/python3 tests/conf/record/capabilities.py capture
"""
import os
import sys

import libvirt


def _test_default():
    conn = libvirt.open('test:///default')
    try:
        return conn.getCapabilities()
    finally:
        conn.close()


def record(xml):
    if '<model>testSecurity</model>' in xml and xml != _test_default():
        print('capabilities: differs from test:///default getCapabilities()', file=sys.stderr)
        return _test_default()
    return xml


def capture():
    sys.stdout.write(_test_default())
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import domaincaps
    sys.stdout.write(domaincaps.embedded_qemu('caps'))


if __name__ == '__main__':
    if sys.argv[1:] == ['capture']:
        capture()
