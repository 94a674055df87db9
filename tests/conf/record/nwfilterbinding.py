"""Records <filterbinding> documents through libvirt's nwfilter driver, which libvirt's test
driver lacks: nwfilterBindingCreateXML on a private libvirtd (see libvirtd_private.py),
XMLDesc(0), delete. (The filter a binding names need not exist.)"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libvirtd_private  # noqa: E402


def record(xml):
    conn = libvirtd_private.connect('nwfilter')
    binding = conn.nwfilterBindingCreateXML(xml)
    try:
        return binding.XMLDesc(0)
    finally:
        binding.delete()
