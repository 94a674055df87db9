"""Typed parameters in Go: one struct per parameter group, with a Set flag per field, as
libvirt-go-module has them (DomainBlkioParameters{WeightSet bool; Weight uint; ...}).

A group (param_groups in api/*.yaml) lists the macros naming its parameters and their types;
api/bindings.yaml's go.param_structs names the struct and, by rule plus exceptions, its fields.
Each struct gets a typedParams method listing (name, Set flag, value pointer) for the hand-written
conversions in bindings/go/typed_params.go.
"""
from __future__ import annotations

import dataclasses
import os

GO_TYPES = {'int': 'int', 'uint': 'uint', 'llong': 'int64', 'ullong': 'uint64', 'double': 'float64',
            'boolean': 'bool', 'string': 'string'}


@dataclasses.dataclass
class Field:
    name: str        # Go field name
    param: str       # the parameter's name in C ("weight")
    gotype: str      # Go type of the value
    pointer: str     # how typedParams points at the value (&p.X, or (*int)(&p.X) for an enum)


@dataclasses.dataclass
class Struct:
    name: str
    fields: list
    extra: dict      # Go field -> type: fields the call fills from its other outputs, with no Set flag


def _prefix(names):
    """The common prefix of macro names, up to an underscore."""
    common = os.path.commonprefix(names) if len(names) > 1 else names[0].rsplit('_', 1)[0] + '_'
    return common[:common.rfind('_') + 1]


def field_name(macro, prefix, group_rules, rules):
    override = rules.get('fields', {}).get(macro)
    if override:
        return override
    words = group_rules.get('words', {})
    caps = set(rules.get('initialisms', []))
    parts = macro[len(prefix):].split('_')
    return group_rules.get('field_prefix', '') + ''.join(
        words.get(w) or (w if w in caps else w.capitalize()) for w in parts)


def structs(api, rules, enum_type):
    """{group: Struct} for every group the Go rules name."""
    out = {}
    for group, spec in rules['groups'].items():
        spec = {'struct': spec} if isinstance(spec, str) else spec
        macros = api.param_group(group)
        prefix = _prefix([m['name'] for m in macros])
        fields = []
        for m in macros:
            name = field_name(m['name'], prefix, spec, rules)
            gotype = GO_TYPES[m['param']]
            pointer = '&p.%s' % name
            if m.get('enum'):
                gotype = enum_type(m['enum'])
                pointer = '(*%s)(&p.%s)' % ('uint' if m['param'] == 'uint' else 'int', name)
            if m.get('repeat'):
                gotype = '[]' + gotype
            fields.append(Field(name, m['string'], gotype, pointer))
        out[group] = Struct(spec['struct'], fields, spec.get('extra', {}))
    return out


def emit(structs_by_group):
    out = []
    for group, st in structs_by_group.items():
        out += ['// %s holds the typed parameters of group %s; a field counts only when its Set flag is true.'
                % (st.name, group), 'type %s struct {' % st.name]
        out += ['\t%s %s' % kv for kv in st.extra.items()]
        for f in st.fields:
            out += ['\t%sSet bool' % f.name, '\t%s %s' % (f.name, f.gotype)]
        out += ['}', '', 'func (p *%s) typedParams() []typedParam {' % st.name, '\treturn []typedParam{']
        out += ['\t\t{"%s", &p.%sSet, %s},' % (f.param, f.name, f.pointer) for f in st.fields]
        out += ['\t}', '}', '']
    return out
