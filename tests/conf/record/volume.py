"""Records a <volume> document: created in libvirt's test driver's default-pool (a dir pool
at /default-pool), read back, deleted.

The test driver sets a volume's key and target path to /default-pool/<name> whatever the
document says, so the corpus documents give exactly those (a document that does not is
refused here rather than recorded with values it never had).
"""
import re

import libvirt


def record(xml):
    conn = libvirt.open('test:///default')
    try:
        pool = conn.storagePoolLookupByName('default-pool')
        vol = pool.createXML(xml, 0)
        try:
            out = vol.XMLDesc(0)
        finally:
            vol.delete(0)
    finally:
        conn.close()
    path = '/default-pool/' + re.search(r'<name>([^<]*)</name>', out).group(1)
    if ('<key>%s</key>' % path) not in xml or ('<path>%s</path>' % path) not in xml:
        raise SystemExit('a volume document must give <key> and <target><path> as %s' % path)
    return out
