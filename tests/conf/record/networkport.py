"""Records <networkport> documents through libvirt's network driver, which libvirt's test
driver lacks: a private libvirtd (see libvirtd_private.py) runs an active network suited to the
port's <plug>, and the port is created on it with VIR_NETWORK_PORT_CREATE_RECLAIM (so the plug is
kept as written), then XMLDesc(0) and delete.

  plug bridge/network (or none): a forward mode='bridge' network on bridge br0
  plug direct dev=D:              a forward mode='vepa' network with <interface dev=D/>
  plug hostdev-pci:               a forward mode='hostdev' network with the plug's PCI address;
                                  only 0000:03:00.1 exists (a fake SR-IOV VF in the daemon's
                                  namespace)
"""
import os
import sys
import xml.etree.ElementTree as ET

import libvirt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libvirtd_private  # noqa: E402

_networks = {}


def _network(name, xml):
    if name not in _networks:
        conn = libvirtd_private.connect('network')
        try:   # this module may be loaded again (once per corpus directory) against the same daemon
            net = conn.networkLookupByName(name)
        except libvirt.libvirtError:
            net = conn.networkDefineXML(xml)
        if not net.isActive():
            net.create()
        _networks[name] = net
    return _networks[name]


def _network_for(xml):
    try:
        plug = ET.fromstring(xml).find('plug')
    except ET.ParseError:
        plug = None
    ptype = plug.get('type') if plug is not None else None
    if ptype == 'direct' and plug.get('dev'):
        dev = plug.get('dev')
        return _network('rec-direct-' + dev,
                        "<network><name>rec-direct-%s</name><forward mode='vepa'>"
                        "<interface dev='%s'/></forward></network>" % (dev, dev))
    if ptype == 'hostdev-pci':
        return _network('rec-hostdev',
                        "<network><name>rec-hostdev</name><forward mode='hostdev' managed='yes'>"
                        "<address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>"
                        "</forward></network>")
    return _network('rec-bridge',
                    "<network><name>rec-bridge</name><forward mode='bridge'/>"
                    "<bridge name='br0'/></network>")


def record(xml):
    net = _network_for(xml)
    port = net.portCreateXML(xml, libvirt.VIR_NETWORK_PORT_CREATE_RECLAIM)
    try:
        return port.XMLDesc(0)
    finally:
        port.delete()
