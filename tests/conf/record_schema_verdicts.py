#!/usr/bin/env python3
"""Records which corpus documents libvirt 9.0.0's own RELAX NG schemas reject: the verdicts
virthub's schemas (written independently, core/conf/**/*.rng) must reproduce.

    python3 tests/conf/record_schema_verdicts.py [DIR ...]

For every directory under tests/conf/{xml2xml,bad,invalid} it writes schema-rejects.txt, the
names of the well-formed documents there (*.in.xml, *.out.xml and the bad or invalid *.xml)
that libvirt's schema for the directory's kind refuses, one per line; a directory where
libvirt accepts everything gets no file. Documents libxml2 cannot decide within a minute
against libvirt's schema go to schema-undecided.txt. It needs Debian's libvirt0 (the schemas in
/usr/share/libvirt/schemas) and xmllint (libxml2-utils); virthub's build never does. The few
documents that declare external entities get libvirt's own verdict instead (python3-libvirt,
run it with /usr/bin/python3), since xmllint loads such entities and libvirt does not.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = '/usr/share/libvirt/schemas'
ROOTS = ('xml2xml', 'bad', 'invalid')
LIBVIRT_SCHEMA = {
    'domain': 'domain.rng', 'network': 'network.rng', 'networkport': 'networkport.rng',
    'nwfilter': 'nwfilter.rng', 'nwfilterbinding': 'nwfilterbinding.rng',
    'interface': 'interface.rng', 'pool': 'storagepool.rng', 'volume': 'storagevol.rng',
    'nodedev': 'nodedev.rng', 'secret': 'secret.rng', 'snapshot': 'domainsnapshot.rng',
    'checkpoint': 'domaincheckpoint.rng', 'capabilities': 'capability.rng',
    'domaincaps': 'domaincaps.rng',
}
VERDICTS = 'schema-rejects.txt'
# libxml2's RELAX NG engine explores libvirt's schema exponentially on some documents (one
# with every disk option runs for hours); those get no verdict and are listed here instead.
UNDECIDED = 'schema-undecided.txt'
UNDECIDED_AFTER = 60  # seconds


def kind_of(directory):
    name = os.path.basename(os.path.normpath(directory))
    return name if name in LIBVIRT_SCHEMA else 'domain'


def well_formed(paths):
    """The subset of paths xmllint can parse (the others are syntax cases, not schema cases)."""
    out = []
    for p in paths:
        r = subprocess.run(['xmllint', '--noout', '--nonet', p], capture_output=True, timeout=60)
        if r.returncode == 0:
            out.append(p)
    return out


def external_entities(path):
    """Whether the document declares an external entity: xmllint loads those while validating,
    libvirt never does, so xmllint's verdict is not libvirt's."""
    text = open(path, encoding='utf-8', errors='replace').read()
    return re.search(r'<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b', text) is not None


def libvirt_rejects(path):
    """libvirt's own verdict: define with VIR_DOMAIN_DEFINE_VALIDATE on test:///default."""
    import libvirt
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conn = libvirt.open('test:///default')
    try:
        conn.defineXMLFlags(open(path).read(), libvirt.VIR_DOMAIN_DEFINE_VALIDATE).undefine()
    except libvirt.libvirtError as e:
        return e.get_error_code() == libvirt.VIR_ERR_XML_INVALID_SCHEMA
    finally:
        conn.close()
    return False


def rejected(schema, paths):
    """Names of the paths the schema refuses. One xmllint per document: libxml2's RELAX NG
    engine takes seconds on some documents, and a batch would hide which."""
    out = []
    slow = []
    for p in paths:
        if external_entities(p):
            if libvirt_rejects(p):
                out.append(os.path.basename(p))
            continue
        try:
            r = subprocess.run(['xmllint', '--noout', '--nonet', '--relaxng', schema, p],
                               capture_output=True, text=True, timeout=UNDECIDED_AFTER)
        except subprocess.TimeoutExpired:
            slow.append(os.path.basename(p))
            continue
        if r.stderr.rstrip().endswith(' fails to validate'):
            out.append(os.path.basename(p))
        elif not r.stderr.rstrip().endswith(' validates'):
            sys.exit(f'xmllint gave no verdict for {p}:\n{r.stderr[-2000:]}')
    return sorted(out), sorted(slow)


def record(directory):
    files = sorted(f for f in os.listdir(directory) if f.endswith('.xml'))
    paths = well_formed([os.path.join(directory, f) for f in files])
    names, slow = rejected(os.path.join(SCHEMAS, LIBVIRT_SCHEMA[kind_of(directory)]), paths)
    for target, listed in ((VERDICTS, names), (UNDECIDED, slow)):
        target = os.path.join(directory, target)
        if listed:
            with open(target, 'w') as f:
                f.write(''.join(n + '\n' for n in listed))
        elif os.path.exists(target):
            os.remove(target)
    return len(paths), len(names), len(slow)


def main():
    dirs = sys.argv[1:] or [os.path.join(HERE, root, d) for root in ROOTS
                            if os.path.isdir(os.path.join(HERE, root))
                            for d in sorted(os.listdir(os.path.join(HERE, root)))]
    total = refused = undecided = 0
    for d in dirs:
        if not os.path.isdir(d):
            continue
        n, r, u = record(d)
        total += n
        refused += r
        undecided += u
        print(f'{os.path.relpath(d, HERE)}: {n} documents, {r} rejected, {u} undecided', flush=True)
    print(f'{total} documents, {refused} rejected by libvirt\'s schemas, {undecided} undecided')


if __name__ == '__main__':
    main()
