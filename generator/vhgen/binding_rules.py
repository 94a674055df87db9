"""api/bindings.yaml: what each language binding names differently, computes, or does not
expose, and why. Shared by the binding emitters."""
from __future__ import annotations

import fnmatch
import os

import yaml


def load(api_dir, language):
    return yaml.safe_load(open(os.path.join(api_dir, 'bindings.yaml')))[language]


def match(table, name):
    """The entry for a function name: exact, else the first glob pattern (vir*Ref) that fits."""
    if name in table:
        return table[name]
    for pattern, value in table.items():
        if '*' in pattern and fnmatch.fnmatchcase(name, pattern):
            return value
    return None
