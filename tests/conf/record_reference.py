#!/usr/bin/env python3
"""Records what libvirt 9.0.0 makes of our XML test documents: the expected outputs of the
round-trip corpus. It needs Debian's libvirt (python3-libvirt); virthub's build never does.

    /usr/bin/python3 tests/conf/record_reference.py [DIR ...]

For every tests/conf/xml2xml/<dir>/<case>.in.xml it writes <case>.out.xml, and for every
tests/conf/bad/<dir>/<case>.xml it writes <case>.err (code, domain, message). Domains go
through libvirt's test driver (define on test:///default, XMLDesc(0), undefine). Other kinds
are recorded by tests/conf/record/<kind>.py, a module with record(xml) -> str that raises
libvirt.libvirtError on a bad document; a kind without a recorder is reported, not guessed.
"""
import importlib.util
import os
import sys

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = {'network', 'networkport', 'nwfilter', 'nwfilterbinding', 'interface', 'pool', 'volume',
         'nodedev', 'secret', 'snapshot', 'checkpoint', 'capabilities', 'domaincaps'}


def record_domain(xml):
    conn = libvirt.open('test:///default')
    try:
        dom = conn.defineXML(xml)
        try:
            return dom.XMLDesc(0)
        finally:
            dom.undefine()
    finally:
        conn.close()


def recorder(kind):
    if kind == 'domain':
        return record_domain
    path = os.path.join(HERE, 'record', kind + '.py')
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location('record_' + kind, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.record


def kind_of(directory):
    name = os.path.basename(directory)
    return name if name in KINDS else 'domain'


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    roots = sys.argv[1:] or [os.path.join(HERE, 'xml2xml'), os.path.join(HERE, 'bad')]
    missing = set()
    count = 0
    for root in roots:
        for dirpath, _, files in sorted(os.walk(root)):
            record = recorder(kind_of(dirpath))
            for f in sorted(files):
                path = os.path.join(dirpath, f)
                good = f.endswith('.in.xml')
                if not good and not (f.endswith('.xml') and not f.endswith('.out.xml') and '/bad' in path):
                    continue
                if record is None:
                    missing.add(kind_of(dirpath))
                    continue
                xml = open(path).read()
                try:
                    result = record(xml)
                    if not good:
                        print('%s: libvirt accepted a broken document' % path, file=sys.stderr)
                        continue
                    open(path[:-len('.in.xml')] + '.out.xml', 'w').write(result)
                except libvirt.libvirtError as e:
                    if good:
                        print('%s: libvirt refused it: %s' % (path, e.get_error_message()), file=sys.stderr)
                        continue
                    open(path[:-len('.xml')] + '.err', 'w').write(
                        '%d\n%d\n%s\n' % (e.get_error_code(), e.get_error_domain(), e.get_error_message()))
                count += 1
    print('recorded %d documents' % count)
    if missing:
        print('no recorder for: %s' % ', '.join(sorted(missing)), file=sys.stderr)


if __name__ == '__main__':
    main()
