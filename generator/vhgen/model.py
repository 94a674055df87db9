"""The API description, loaded from api/*.yaml and checked.

Every emitter reads this model, never the YAML. The model knows libvirt's conventions
(which argument is the subject, which table a function dispatches to, which value means
failure); the emitters only decide how to spell things in their target.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import re
from typing import Optional

import yaml

from . import vocabulary as voc

# The order libvirt.h includes its parts; types flow from earlier headers to later ones.
# Each shared object's version-node prefix (LIBVIRT_QEMU_1.2.3, ...).
NODE_PREFIX = {'libvirt': 'LIBVIRT_', 'libvirt-qemu': 'LIBVIRT_QEMU_', 'libvirt-lxc': 'LIBVIRT_LXC_'}

HEADER_ORDER = [
    'libvirt-common', 'libvirt-host', 'libvirt-domain', 'libvirt-domain-checkpoint',
    'libvirt-domain-snapshot', 'libvirt-event', 'libvirt-interface', 'libvirt-network',
    'libvirt-nodedev', 'libvirt-nwfilter', 'libvirt-secret', 'libvirt-storage', 'libvirt-stream',
    'virterror', 'libvirt-qemu', 'libvirt-lxc',
]

# Handle type -> (short name used in checks and C++ identifiers, error code, error domain)
HANDLES = {
    'virConnectPtr': ('Connect', 'VIR_ERR_INVALID_CONN', None),
    'virDomainPtr': ('Domain', 'VIR_ERR_INVALID_DOMAIN', 'VIR_FROM_DOM'),
    'virNetworkPtr': ('Network', 'VIR_ERR_INVALID_NETWORK', 'VIR_FROM_NETWORK'),
    'virNetworkPortPtr': ('NetworkPort', 'VIR_ERR_INVALID_NETWORK_PORT', 'VIR_FROM_NETWORK'),
    'virStoragePoolPtr': ('StoragePool', 'VIR_ERR_INVALID_STORAGE_POOL', 'VIR_FROM_STORAGE'),
    'virStorageVolPtr': ('StorageVol', 'VIR_ERR_INVALID_STORAGE_VOL', 'VIR_FROM_STORAGE'),
    'virNodeDevicePtr': ('NodeDevice', 'VIR_ERR_INVALID_NODE_DEVICE', 'VIR_FROM_NODEDEV'),
    'virInterfacePtr': ('Interface', 'VIR_ERR_INVALID_INTERFACE', 'VIR_FROM_INTERFACE'),
    'virSecretPtr': ('Secret', 'VIR_ERR_INVALID_SECRET', 'VIR_FROM_SECRET'),
    'virNWFilterPtr': ('NWFilter', 'VIR_ERR_INVALID_NWFILTER', 'VIR_FROM_NWFILTER'),
    'virNWFilterBindingPtr': ('NWFilterBinding', 'VIR_ERR_INVALID_NWFILTER_BINDING', 'VIR_FROM_NWFILTER'),
    'virDomainSnapshotPtr': ('DomainSnapshot', 'VIR_ERR_INVALID_DOMAIN_SNAPSHOT', 'VIR_FROM_DOMAIN_SNAPSHOT'),
    'virDomainCheckpointPtr': ('DomainCheckpoint', 'VIR_ERR_INVALID_DOMAIN_CHECKPOINT', 'VIR_FROM_DOMAIN_CHECKPOINT'),
    'virStreamPtr': ('Stream', 'VIR_ERR_INVALID_STREAM', 'VIR_FROM_STREAMS'),
}

TABLES = ['hypervisor', 'network', 'storage', 'nodedev', 'interface', 'secret', 'nwfilter', 'stream']


class ApiError(Exception):
    pass


def version_key(v: str):
    return tuple(int(x) for x in v.split('.'))


@dataclasses.dataclass
class Arg:
    name: str
    ctype: str
    kind: str
    attrs: dict

    @property
    def checks(self):
        return self.attrs.get('check', [])

    @property
    def nullable(self):
        return bool(self.attrs.get('nullable'))

    def attr(self, key, default=None):
        return self.attrs.get(key, default)


@dataclasses.dataclass
class Function:
    name: str
    since: str
    header: str
    library: str           # which shared object exports it: libvirt, libvirt-qemu, libvirt-lxc
    table: Optional[str]   # driver table it dispatches to
    error_domain: str
    impl: str              # driver | library | handle
    slot: Optional[str]    # driver method name
    fixed: dict            # slot argument name -> C expression, when the slot has more args
    write: bool            # refused on a read-only connection
    ret: voc.Ret
    args: list
    flag_rules: list = dataclasses.field(default_factory=list)
    denied_flags: Optional[str] = None

    @property
    def subject(self) -> Optional[Arg]:
        """The object the call is about: its first handle argument."""
        if self.args and (self.args[0].ctype in HANDLES or self.args[0].kind == 'object_array_in'):
            return self.args[0]
        return None

    @property
    def unregisters(self) -> bool:
        """A call that names a registered callback by its function pointer
        (virConnectUnregisterCloseCallback): a binding passes back the trampoline it registered."""
        return 'Unregister' in self.name or 'Deregister' in self.name

    @property
    def version_node(self):
        return NODE_PREFIX[self.library] + self.since

    def signature(self) -> str:
        """The C prototype, as the ABI lock records it."""
        return '%s %s(%s)' % (self.ret.ctype, self.name, ', '.join(a.ctype for a in self.args) or 'void')


@dataclasses.dataclass
class Header:
    name: str
    library: str
    table: Optional[str]
    error_domain: str
    handles: list
    typedefs: list
    enums: dict
    macros: list
    structs: dict
    callbacks: dict
    variables: list
    functions: list
    event_callbacks: dict = dataclasses.field(default_factory=dict)   # event ID -> callback type
    param_groups: dict = dataclasses.field(default_factory=dict)      # group -> {macros: 'PREFIX_*' or [names]}

    @property
    def guard(self):
        return 'VIRTHUB_' + re.sub(r'\W', '_', self.name).upper() + '_H'


@dataclasses.dataclass
class Api:
    headers: list
    error_messages: dict
    error_domain_names: dict

    def header(self, name):
        return next(h for h in self.headers if h.name == name)

    @property
    def functions(self):
        return [f for h in self.headers for f in h.functions]

    def function(self, name):
        return next(f for f in self.functions if f.name == name)

    @property
    def enum_values(self):
        out = {}
        for h in self.headers:
            for e in h.enums.values():
                out.update(e['values'])
        return out

    def resolve(self, value):
        """An enum value as an int, following references to other enum values."""
        seen = 0
        values = self.enum_values
        while isinstance(value, str) and seen < 8:
            value = values[value]
            seen += 1
        return value

    @property
    def callbacks(self):
        return {name: cb for h in self.headers for name, cb in h.callbacks.items()}

    @property
    def structs(self):
        return {name: st for h in self.headers for name, st in h.structs.items()}

    def struct_of(self, ctype):
        """The struct a pointer type points to (virDomainInfoPtr -> virDomainInfo,
        virDomainBlockStatsPtr -> virDomainBlockStatsStruct), or None."""
        name = voc.pointee(ctype)
        structs = self.structs
        return next((n for n in (name, name + 'Struct') if n in structs), None)

    def struct_fields(self, struct):
        """(name, C type, enum or None) of each field of a struct, in order; a union is left out."""
        st = self.structs[struct]
        enums = st.get('enums', {})
        out = []
        for f in st.get('fields', []):
            (fname, ftype), = f.items()
            if isinstance(ftype, str):
                out.append((fname, ftype, enums.get(fname)))
        return out

    def param_group(self, name):
        """The typed parameters of a group (a call's `group` attribute): the macros naming them,
        in order, each a dict with name, string (the parameter's name), param (its type) and
        optionally enum and repeat (it may be given more than once)."""
        spec = next(h.param_groups[name] for h in self.headers if name in h.param_groups)['macros']
        macros = {m['name']: m for h in self.headers for m in h.macros if 'string' in m}
        if isinstance(spec, str):
            return [m for n, m in sorted(macros.items()) if n.startswith(spec.rstrip('*'))]
        return [macros[n] for n in spec]

    def library_functions(self, library):
        return [f for f in self.functions if f.library == library]


def _split_arg(entry):
    (name, spec), = entry.items()
    if isinstance(spec, str):
        spec = {'type': spec}
    spec = dict(spec)
    ctype = spec.pop('type')
    kind = spec.pop('kind', None) or voc.default_kind(name, ctype)
    return Arg(name, ctype, kind, spec)


def _load_header(path):
    data = yaml.safe_load(open(path))
    name = data['header']
    library = data.get('library', 'libvirt')
    table = data.get('table')
    functions = []
    for fname, fd in (data.get('functions') or {}).items():
        args = [_split_arg(a) for a in fd.get('args') or []]
        impl = fd.get('impl', 'driver')
        slot = fd.get('slot')
        if impl == 'driver' and not slot:
            slot = fname[3].lower() + fname[4:]
        functions.append(Function(
            name=fname, since=str(fd['since']), header=name, library=library, table=table,
            error_domain=data['error_domain'], impl=impl, slot=slot if impl == 'driver' else None,
            fixed=fd.get('fixed') or {}, write=bool(fd.get('write')), ret=voc.parse_ret(fd['ret']),
            args=args, flag_rules=fd.get('flag_rules') or [], denied_flags=fd.get('denied_flags')))
    functions.sort(key=lambda f: f.name)
    callbacks = data.get('callbacks') or {}
    for cb in callbacks.values():
        # an argument given as {type, enum}: emitters see its C type; the enum is kept apart
        for arg in cb.get('args', []):
            (aname, atype), = arg.items()
            if isinstance(atype, dict):
                cb.setdefault('enums', {})[aname] = atype['enum']
                arg[aname] = atype['type']
    structs = data.get('structs') or {}
    for st in structs.values():
        # a field given as {type, enum}: emitters see its C type; the enum it takes is kept apart
        for field in st.get('fields', []):
            (fname, ftype), = field.items()
            if isinstance(ftype, dict) and 'type' in ftype:
                st.setdefault('enums', {})[fname] = ftype['enum']
                field[fname] = ftype['type']
    return Header(
        name=name, library=library, table=table, error_domain=data['error_domain'],
        handles=data.get('handles') or [], typedefs=data.get('typedefs') or [],
        enums=data.get('enums') or {}, macros=data.get('macros') or [],
        structs=structs, callbacks=callbacks,
        variables=data.get('variables') or [], functions=functions,
        event_callbacks=data.get('event_callbacks') or {},
        param_groups=data.get('param_groups') or {}), data


def load(api_dir) -> Api:
    headers = []
    extras = {}
    for path in sorted(glob.glob(os.path.join(api_dir, '*.yaml'))):
        if os.path.basename(path) in ('types.yaml', 'bindings.yaml'):
            continue
        h, data = _load_header(path)
        headers.append(h)
        for key in ('error_messages', 'error_domain_names'):
            if key in data:
                extras[key] = data[key]
    headers.sort(key=lambda h: HEADER_ORDER.index(h.name))
    api = Api(headers, extras.get('error_messages', {}), extras.get('error_domain_names', {}))
    check(api)
    return api


def check(api: Api):
    """Lint the description, in the spirit of libguestfs' checks.ml."""
    problems = []
    seen = {}
    slots = {}
    slot_names = {}
    for f in api.functions:
        if not f.name.startswith('vir'):
            problems.append('%s: public names start with vir' % f.name)
        if f.name in seen:
            problems.append('%s: described twice' % f.name)
        seen[f.name] = f
        if not re.fullmatch(r'\d+\.\d+\.\d+', f.since):
            problems.append('%s: since %r is not x.y.z' % (f.name, f.since))
        names = {a.name for a in f.args}
        counts = {a.attr(key) for a in f.args for key in ('count', 'max', 'size')}
        for a in f.args:
            if a.kind == 'raw' and a.name not in counts:
                problems.append('%s(%s): give it a kind: only a counted collection\'s length is raw' % (f.name, a.name))
            if a.kind not in voc.ARG_KINDS:
                problems.append('%s(%s): unknown kind %s' % (f.name, a.name, a.kind))
            for key in ('count', 'max', 'size'):
                ref = a.attr(key)
                if ref and re.fullmatch(r'\w+', ref) and ref not in names:
                    problems.append('%s(%s): %s names no argument %s' % (f.name, a.name, key, ref))
            group = a.attr('group')
            if group and not any(group in h.param_groups for h in api.headers):
                problems.append('%s(%s): no param group %s' % (f.name, a.name, group))
            elif group:
                problems += ['%s: parameter %s has no param type' % (group, m['name'])
                             for m in api.param_group(group) if m.get('param') not in voc.PARAM_TYPES]
            for c in a.checks:
                if c not in voc.CHECKS:
                    problems.append('%s(%s): unknown check %s' % (f.name, a.name, c))
        if f.impl == 'driver':
            if not f.table:
                problems.append('%s: dispatches to a driver but its header has no table' % f.name)
            if not f.subject:
                problems.append('%s: a driver call needs an object to dispatch through' % f.name)
            slots.setdefault((f.table, f.slot), []).append(f)
        if f.impl == 'driver' and f.slot in slot_names and slot_names[f.slot] != f.table:
            problems.append('%s: slot %s is also in table %s' % (f.name, f.slot, slot_names[f.slot]))
        if f.impl == 'driver':
            slot_names[f.slot] = f.table
        if f.impl not in ('driver', 'library', 'handle'):
            problems.append('%s: impl must be driver, library or handle' % f.name)
    # A slot shared by several functions takes the arguments of the one named like it; the
    # others name every argument they lack in `fixed`.
    for (table, slot), fns in slots.items():
        owner = next((f for f in fns if f.name == slot_function_name(slot)), None)
        if not owner:
            problems.append('slot %s.%s: no function %s describes it' % (table, slot, slot_function_name(slot)))
            continue
        for f in fns:
            mine = {a.attr('as') or a.name for a in f.args} | set(f.fixed)
            if f is not owner and mine != {a.name for a in owner.args}:
                problems.append('%s: arguments plus fixed %s do not match slot %s' % (f.name, sorted(mine), slot))
    if problems:
        raise ApiError('\n'.join(problems))


def slot_function_name(slot: str) -> str:
    return 'vir' + slot[0].upper() + slot[1:]


def slot_owner(api: Api, fn: Function) -> Function:
    """The function whose signature defines fn's driver slot."""
    return api.function(slot_function_name(fn.slot))
