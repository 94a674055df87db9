"""Records host <interface> documents through libvirt's test driver: interfaceDefineXML, then
XMLDesc(0)."""
import libvirt


def record(xml):
    conn = libvirt.open('test:///default')
    try:
        iface = conn.interfaceDefineXML(xml)
        try:
            return iface.XMLDesc(0)
        finally:
            iface.undefine()
    finally:
        conn.close()
