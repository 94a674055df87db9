#!/usr/bin/env python3
"""Compares the Go binding's API with libvirt-go-module's recorded one (libvirt_go_api.tsv).

Every function or method both have must take and return the same types (parameter names may
differ), unless shape_differences.txt lists it with its reason; a listed difference that is
gone fails too, so the list stays current. Names libvirt-go-module has and virthub does not yet
are counted (api/bindings.yaml says why each C function is not exposed).

    check_shape.py --go GO --module bindings/go
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(lines):
    api = {}
    for line in lines:
        f = line.rstrip('\n').split('\t')
        if f[0] == 'method':
            api['%s.%s' % (f[1], f[2])] = f[3]
        elif f[0] == 'func':
            api[f[1]] = f[2]
    return api


def types(sig):
    """'(name string, flags DomainXMLFlags) (string, error)' -> '(string, DomainXMLFlags) (string, error)'."""
    m = re.match(r'\((.*?)\)\s*(.*)$', sig)
    out, pending = [], 0
    for part in [p.strip() for p in m.group(1).split(',') if p.strip()]:
        bits = part.split(None, 1)
        if len(bits) == 1:
            pending += 1
            continue
        out += [bits[1]] * (pending + 1)
        pending = 0
    return '(%s) %s' % (', '.join(out), m.group(2).strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--go', default='go')
    ap.add_argument('--module', required=True)
    args = ap.parse_args()
    ours = load(subprocess.run([args.go, 'run', '.', os.path.abspath(args.module)], cwd=os.path.join(HERE, 'record'),
                               check=True, capture_output=True, text=True, timeout=600).stdout.splitlines())
    theirs = load(open(os.path.join(HERE, 'libvirt_go_api.tsv')))
    listed = {}
    for line in open(os.path.join(HERE, 'shape_differences.txt')):
        if line.strip() and not line.startswith('#'):
            name, reason = line.rstrip('\n').split('\t', 1)
            listed[name] = reason
    same, known, problems = 0, 0, []
    for name, sig in sorted(theirs.items()):
        if name not in ours:
            continue
        if types(sig) == types(ours[name]):
            same += 1
            if name in listed:
                problems.append('%s now matches libvirt-go-module: remove it from shape_differences.txt' % name)
        elif name in listed:
            known += 1
        else:
            problems.append('%s%s, libvirt-go-module has %s' % (name, ours[name], sig))
    for name in listed:
        if name not in theirs or name not in ours:
            problems.append('%s is listed in shape_differences.txt but not in both APIs' % name)
    missing = len(set(theirs) - set(ours))
    print('go shape: %d functions and methods as libvirt-go-module has them, %d listed differences, '
          '%d of its %d names not in virthub yet' % (same, known, missing, len(theirs)))
    if problems:
        print('\n'.join(problems))
        sys.exit(1)


if __name__ == '__main__':
    main()
