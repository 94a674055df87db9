"""Records <filter> documents through libvirt's nwfilter driver, which libvirt's test driver
lacks: nwfilterDefineXML on a private libvirtd (see libvirtd_private.py), XMLDesc(0), undefine."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libvirtd_private  # noqa: E402


def record(xml):
    conn = libvirtd_private.connect('nwfilter')
    nwfilter = conn.nwfilterDefineXML(xml)
    try:
        return nwfilter.XMLDesc(0)
    finally:
        nwfilter.undefine()
