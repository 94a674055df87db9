"""Records a <secret> document: defined on libvirt's secret driver, read back, undefined.

libvirt's test driver has no secrets, so this talks to the secret driver of a session
daemon (see _session.py). Persistent secrets are written to that session's HOME and removed
again by the undefine.
"""
import importlib.util
import os

_spec = importlib.util.spec_from_file_location('_session', os.path.join(os.path.dirname(__file__), '_session.py'))
_session = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_session)


def record(xml):
    return _session.define_and_dump('secretDefineXML', xml)
