#!/usr/bin/env python3
"""Compares the Go binding's API with libvirt-go-module's recorded one (libvirt_go_api.tsv).

Every function or method both have must take and return the same types (parameter names may
differ), and every field of a struct both have must be in virthub's with the same type, unless
shape_differences.txt lists it (Struct.Field for a field) with its reason; a listed difference
that is gone fails too, so the list stays current. Names libvirt-go-module has and virthub does not yet
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
        elif f[0] == 'field':
            api['%s.%s' % (f[1], f[2])] = 'field ' + f[3]
    return api


def types(sig):
    """'(name string, flags DomainXMLFlags) (string, error)' -> '(string, DomainXMLFlags) (string, error)'."""
    if sig.startswith('field '):
        return sig
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
    structs = {name.split('.')[0] for name, sig in ours.items() if sig.startswith('field ')}
    for name, sig in sorted(theirs.items()):
        if name not in ours and sig.startswith('field ') and name.split('.')[0] in structs and name not in listed:
            problems.append('%s: libvirt-go-module has this field (%s), virthub does not' % (name, sig[6:]))
            continue
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
        if name not in theirs or name not in ours and not theirs[name].startswith('field '):
            problems.append('%s is listed in shape_differences.txt but not in both APIs' % name)
    calls = {n for n, sig in theirs.items() if not sig.startswith('field ')}
    fields = set(theirs) - calls
    print('go shape: %d functions and methods and %d struct fields as libvirt-go-module has them, %d listed '
          'differences, %d of its %d functions and methods and %d of its %d struct fields not in virthub yet'
          % (len([n for n in calls if n in ours and types(theirs[n]) == types(ours[n])]),
             len([n for n in fields if n in ours and theirs[n] == ours[n]]), known,
             len(calls - set(ours)), len(calls), len(fields - set(ours)), len(fields)))
    if problems:
        print('\n'.join(problems))
        sys.exit(1)


if __name__ == '__main__':
    main()
