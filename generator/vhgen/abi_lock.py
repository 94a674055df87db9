"""api/abi.lock: one line per exported function, `name since signature`.

Once a function is in the lock its symbol version and C signature never change (libvirt's
ABI is append-only); new functions are appended with `generate.py --update-abi-lock`.
"""
from __future__ import annotations

import os

from .model import Api


def _line(f):
    return '%s %s %s' % (f.name, f.version_node, f.signature())


def _read(path):
    locked = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                locked[line.split(' ', 1)[0]] = line
    return locked


def check(api: Api, path) -> list:
    locked = _read(path)
    current = {f.name: _line(f) for f in api.functions}
    problems = []
    for name, line in locked.items():
        if name not in current:
            problems.append('%s was removed (locked as: %s)' % (name, line))
        elif current[name] != line:
            problems.append('%s changed\n    locked:  %s\n    now:     %s' % (name, line, current[name]))
    for name in sorted(set(current) - set(locked)):
        problems.append('%s is new: add it with generator/generate.py --api api --update-abi-lock' % name)
    return problems


def update(api: Api, path) -> int:
    locked = _read(path)
    new = [f for f in api.functions if f.name not in locked]
    with open(path, 'a') as out:
        if not locked:
            out.write('# virthub ABI lock: name, symbol version, C signature. Append-only.\n')
        for f in sorted(new, key=lambda f: f.name):
            out.write(_line(f) + '\n')
    return len(new)
