#!/usr/bin/env python3
"""Fails when a built library does not export every described symbol in its version node.

    check_exports.py --api api --library libvirt --so build/capi/libvirt.so.0

GNU ld silently skips version-script entries with no definition, so without this check a
described but unimplemented function would just be missing at run time.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vhgen import model  # noqa: E402


def exported(so):
    out = subprocess.run(['objdump', '-T', so], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if (' DF ' in line or ' DO ' in line) and '*UND*' not in line:
            syms[parts[-1]] = parts[-2].strip('()')
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--api', required=True)
    ap.add_argument('--library', required=True)
    ap.add_argument('--so', required=True)
    args = ap.parse_args()
    api = model.load(args.api)
    prefix = model.NODE_PREFIX[args.library]
    want = {f.name: f.version_node for f in api.library_functions(args.library)}
    for h in api.headers:
        if h.library == args.library:
            for v in h.variables:
                want[v['name']] = prefix + str(v['since'])
    have = exported(args.so)
    problems = []
    for name, node in sorted(want.items()):
        if name not in have:
            problems.append('%s is described but not exported' % name)
        elif have[name] != node:
            problems.append('%s is exported in %s, described in %s' % (name, have[name], node))
    if problems:
        sys.exit('%s: %d problems\n  %s' % (os.path.basename(args.so), len(problems), '\n  '.join(problems)))


if __name__ == '__main__':
    main()
