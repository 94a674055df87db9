"""What each driver implements: the slots its classes override, read from core/drivers/<name>/.

This is the source of truth for the README's support matrix and for the conformance coverage
check; a slot counts only when a driver class really overrides it.
"""
from __future__ import annotations

import glob
import os
import re

from .model import Api

# an override declared (`;`) or defined in its class (`{`, as the shared bases do)
OVERRIDE = re.compile(r'\b(\w+)\s*\([^;{}()]*\)\s*(?:const\s*)?override\s*[;{]', re.S)
COMMENT = re.compile(r'//[^\n]*|/\*.*?\*/', re.S)
# a class and its (first) public base, a template's name without its arguments
CLASS = re.compile(r'\bclass\s+(\w+)\s*(?:final\s*)?:\s*public\s+(\w+)')


def _shared_bases(drivers_dir):
    """{class: (its base, the slots it overrides)} for the driver bases beside the driver
    folders (core/drivers/*.h, one class per header), such as SnapshotReadCalls."""
    out = {}
    for header in glob.glob(os.path.join(drivers_dir, '*.h')):
        text = COMMENT.sub('', open(header).read())
        for m in CLASS.finditer(text):
            out[m.group(1)] = (m.group(2), set(OVERRIDE.findall(text)))
    return out


def implemented_slots(drivers_dir):
    """{driver name: set of overridden slot names}, those of its base classes included"""
    bases = _shared_bases(drivers_dir)
    out = {}
    for d in sorted(glob.glob(os.path.join(drivers_dir, '*', ''))):
        name = os.path.basename(os.path.dirname(d))
        slots = set()
        for header in glob.glob(os.path.join(d, '*.h')):
            text = COMMENT.sub('', open(header).read())
            slots |= set(OVERRIDE.findall(text))
            for m in CLASS.finditer(text):
                base = m.group(2)
                for _ in range(len(bases)):     # up the chain of shared bases
                    if base not in bases:
                        break
                    base, inherited = bases[base]
                    slots |= inherited
        if slots:
            out[name] = slots
    return out


def support(api: Api, drivers_dir):
    """{function name: list of drivers implementing it}; library and handle functions are
    implemented by the library itself, for every driver."""
    slots = implemented_slots(drivers_dir)
    table = {}
    for f in api.functions:
        if f.impl in ('library', 'handle'):
            table[f.name] = ['library']
        else:
            table[f.name] = [d for d, s in slots.items() if f.slot in s]
    return table
