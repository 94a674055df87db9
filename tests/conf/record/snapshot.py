"""Records a <domainsnapshot> as libvirt 9.0.0 reads and prints it, through the test driver.

The document's <domain> (or, without one, a small default domain) is defined on
test:///default; a <parent> named in the document is redefined first as a minimal snapshot;
then the document is redefined (VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE, which reads the whole
document: state, creation time, parent, domain) and printed with getXMLDesc(0). The domain
and its snapshots' metadata are removed afterwards.
"""
import xml.etree.ElementTree as ET

import libvirt

DEFAULT_DOMAIN = ("<domain type='test'><name>snapshotted</name>"
                  "<uuid>5b5ed0a3-3f2c-4a8e-9d41-0c8e3c1e5501</uuid><memory>1048576</memory>"
                  "<os><type arch='i686'>hvm</type></os></domain>")


def record(xml):
    domxml = DEFAULT_DOMAIN
    parent = None
    try:
        root = ET.fromstring(xml)
        dom = root.find('domain')
        if dom is not None and dom.get('type'):
            domxml = ET.tostring(dom, encoding='unicode')
        parent = root.findtext('parent/name')
    except ET.ParseError:
        pass
    conn = libvirt.open('test:///default')
    try:
        dom = conn.defineXML(domxml)
        try:
            if parent:
                dom.snapshotCreateXML("<domainsnapshot><name>%s</name><state>shutoff</state>"
                                      "<creationTime>1</creationTime>%s</domainsnapshot>" % (parent, domxml),
                                      libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
            snap = dom.snapshotCreateXML(xml, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
            return snap.getXMLDesc(0)
        finally:
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
    finally:
        conn.close()
