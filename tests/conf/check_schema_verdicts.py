#!/usr/bin/env python3
"""Quick check of virthub's schemas against the recorded verdicts, without building virthub:
bundles core/conf/**/*.rng as the build does, then runs xmllint (the same libxml2 engine the
library uses) on every well-formed document of the given corpus directories and prints each
document whose verdict differs from libvirt's (<dir>/schema-rejects.txt).

    python3 tests/conf/check_schema_verdicts.py tests/conf/xml2xml/disk tests/conf/bad/disk ...

Exit status 1 when a verdict differs. conf_tests' schema_verdicts_match_libvirt is the test
of record; this is for writing schemas.
"""
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from record_schema_verdicts import kind_of, well_formed, external_entities, VERDICTS, UNDECIDED  # noqa: E402


def main():
    dirs = sys.argv[1:]
    if not dirs:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        rngs = glob.glob(os.path.join(ROOT, 'core', 'conf', '**', '*.rng'), recursive=True)
        subprocess.run([sys.executable, os.path.join(ROOT, 'generator', 'bundle_schemas.py'),
                        '--out-cc', os.path.join(tmp, 'schemas.cc'), '--out-dir', tmp] + rngs, check=True)
        wrong = total = 0
        for d in dirs:
            schema = os.path.join(tmp, kind_of(d) + '.rng')
            if not os.path.exists(schema):
                print(f'{d}: no virthub schema for {kind_of(d)}')
                wrong += 1
                continue
            try:
                rejects = set(open(os.path.join(d, VERDICTS)).read().split())
            except FileNotFoundError:
                rejects = set()
            try:
                undecided = set(open(os.path.join(d, UNDECIDED)).read().split())
            except FileNotFoundError:
                undecided = set()
            docs = well_formed(sorted(glob.glob(os.path.join(d, '*.xml'))))
            for p in docs:
                # xmllint loads external entities, which the library never does: conf_tests
                # alone judges those documents
                if os.path.basename(p) in undecided or external_entities(p):
                    continue
                r = subprocess.run(['xmllint', '--noout', '--nonet', '--relaxng', schema, p],
                                   capture_output=True, text=True, timeout=300)
                ours = r.stderr.rstrip().endswith(' validates')
                theirs = os.path.basename(p) not in rejects
                total += 1
                if ours != theirs:
                    wrong += 1
                    why = '' if ours else ': ' + ' | '.join(
                        l for l in r.stderr.splitlines() if 'validate' not in l or 'fails' not in l)[:400]
                    print(f'{os.path.relpath(p, ROOT)}: libvirt {"accepts" if theirs else "rejects"}, '
                          f'virthub {"accepts" if ours else "rejects"}{why}')
        print(f'{total} documents, {wrong} verdicts differ')
        sys.exit(1 if wrong else 0)


if __name__ == '__main__':
    main()
