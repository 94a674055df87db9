"""Records <network> documents through libvirt's test driver: networkDefineXML, then XMLDesc(0)."""
import libvirt


def record(xml):
    conn = libvirt.open('test:///default')
    try:
        net = conn.networkDefineXML(xml)
        try:
            return net.XMLDesc(0)
        finally:
            net.undefine()
    finally:
        conn.close()
