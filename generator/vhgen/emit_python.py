"""The Python binding: a pybind11 module with one wrapper per C function (_virthub.cc), the
package's classes in libvirt-python's shape (__init__.py), and type stubs (__init__.pyi).

The wrappers follow the ownership vocabulary: inputs are converted, outputs become the return
value, what the caller must free is freed, every call runs without the GIL. The classes only
name things: libvirt-python's method names come from a rule and a few overrides in
api/bindings.yaml, which also lists what Python does not expose and why.
"""
from __future__ import annotations

import ast
import dataclasses
import keyword
import os
import re


from . import binding_rules
from .model import Api, Function, HANDLES
from .vocabulary import pointee

CLASSES = {t: 'vir' + short for t, (short, _, _) in HANDLES.items()}
# Each class keeps the object it came from, as libvirt-python's do.
PARENT = {'virDomainSnapshot': ('virDomain', '_dom'), 'virDomainCheckpoint': ('virDomain', '_dom'),
          'virNetworkPort': ('virNetwork', '_net'), 'virStorageVol': ('virConnect', '_conn')}
# The hand-written base class of each class (bindings/python/virthub/_extras.py).
EXTRAS_OF = {'virConnect': '_ConnectExtras', 'virDomain': '_DomainExtras', 'virStream': '_StreamExtras',
             'virDomainSnapshot': '_DomainChildExtras', 'virDomainCheckpoint': '_DomainChildExtras',
             'virNetworkPort': '_NetworkPortExtras'}
ACRONYMS = ('UUID', 'XML', 'ID', 'OS', 'MAC', 'DHCP', 'FD')
# libvirt-python keeps Get in the names of these classes' getters
KEEP_GET = {'virConnect', 'virDomainSnapshot', 'virDomainCheckpoint'}

# kinds a wrapper converts by itself
INPUTS = {'object', 'flags', 'in', 'string', 'uuid_string', 'uuid_in', 'typed_params_in', 'string_array_in',
          'array_in', 'buffer_in', 'object_array_in', 'callback', 'opaque', 'free_callback'}
OUTPUTS = {'out', 'struct_out', 'uuid_out', 'uuid_string_out', 'names_out', 'ids_out', 'object_list_out',
           'string_list_out', 'string_out', 'typed_params_fill', 'typed_params_alloc', 'array_out', 'buffer_out',
           'stats_fill'}
C_NUM = {'int', 'unsigned int', 'unsigned long', 'unsigned long long', 'long long', 'double', 'size_t',
         'virDomainBlockJobCursor', 'long', 'unsigned short', 'unsigned char', 'short', 'char'}
PY_TYPE = {'object': None, 'flags': 'int', 'in': 'int', 'string': 'Optional[str]', 'uuid_string': 'str',
           'uuid_in': 'bytes', 'typed_params_in': 'Dict[str, Any]', 'string_array_in': 'List[str]',
           'array_in': 'List[int]', 'buffer_in': 'bytes', 'object_array_in': 'List[Any]',
           'callback': 'Callable[..., Any]', 'opaque': 'Any'}


class BindingError(Exception):
    pass


def load_rules(api_dir):
    return binding_rules.load(api_dir, 'python')


def _lower(rest):
    return rest if rest.startswith(ACRONYMS) else rest[0].lower() + rest[1:]


def python_name(fn: Function, rules):
    """(owner, method) of a function: owner is a class name or 'module'."""
    override = rules['names'].get(fn.name)
    if isinstance(override, list):
        return tuple(override)
    subject = fn.subject
    if subject is None or subject.kind != 'object':
        return 'module', override or fn.name
    cls = CLASSES[subject.ctype]
    if override:
        return cls, override
    n = fn.name
    if cls == 'virConnect':
        for prefix in ('virConnectGet', 'virConnect', 'virNodeGet', 'virNode'):
            if n.startswith(prefix) and not n.startswith('virNodeDevice'):
                rest = n[len(prefix):]
                return cls, ('get' + rest) if prefix.endswith('Get') else _lower(rest)
        if n.startswith('virDomain') and not n.startswith(('virDomainSnapshot', 'virDomainCheckpoint')):
            return cls, _lower(n[len('virDomain'):])
        return cls, _lower(n[3:])
    if n.startswith(cls + 'Get') and cls not in KEEP_GET:
        return cls, _lower(n[len(cls) + 3:])
    if n.startswith(cls):
        return cls, _lower(n[len(cls):])
    for prefix in ('virStorageVol', 'virDomain', 'virNetwork'):    # a child made through its parent
        if n.startswith(prefix):
            return cls, _lower(n[len(prefix):])
    return cls, _lower(n[3:])


def consumed(fn):
    """Count arguments folded into the collection they measure."""
    used = set()
    for a in fn.args:
        for key in ('count', 'max', 'size'):
            ref = a.attr(key)
            if ref and re.fullmatch(r'\w+', ref) and a.kind not in ('array_out', 'buffer_out'):
                used.add(ref)
    return used


@dataclasses.dataclass
class Plan:
    fn: Function
    owner: str
    name: str
    status: str          # generated | handwritten | not exposed
    reason: str = ''
    cxx: bool = True     # the C++ wrapper is generated (a hand-written method may still use it)
    units: dict = dataclasses.field(default_factory=dict)   # struct field -> the unit Python gives it
    params: list = dataclasses.field(default_factory=list)  # libvirt-python's parameter names and defaults
    returns_none: bool = False   # libvirt-python drops the C status
    as_tuple: bool = False       # libvirt-python gives this filled struct as a tuple, not a list

    @property
    def is_method(self):
        return self.owner != 'module'

    @property
    def inputs(self):
        """Python-visible arguments in order, the subject included (opaque and free callbacks
        travel with their callback)."""
        skip = consumed(self.fn)
        return [a for a in self.fn.args if a.name not in skip and a.kind in INPUTS
                and a.kind not in ('opaque', 'free_callback')
                and not (a.kind == 'callback' and self.fn.unregisters)]

    @property
    def outputs(self):
        return [a for a in self.fn.args if a.kind in OUTPUTS]

    @property
    def parts(self):
        """What the Python call returns: ['ret'] and/or output names; one part is returned
        as itself, several as a list."""
        outs = [a.name for a in self.outputs if not self.buffer_size or a is not self.buffer_size]
        ret = self.fn.ret.kind
        if ret == 'void':
            return outs
        if outs and ret in ('status', 'count'):
            return outs
        return ['ret'] + outs

    @property
    def buffer_size(self):
        """The size output of a function returning bytes (virSecretGetValue)."""
        if self.fn.ret.kind != 'buffer':
            return None
        return next(a for a in self.fn.args if a.kind == 'out' and a.ctype == 'size_t *')

    @property
    def callback(self):
        return next((a for a in self.fn.args if a.kind == 'callback'), None)

    @property
    def releases(self):
        """close() and the frees give the subject's reference back."""
        s = self.fn.subject
        return bool(s and s.kind == 'object' and self.fn.name in (
            'virConnectClose', CLASSES[s.ctype] + 'Free'))


def plan(api: Api, fn: Function, rules) -> Plan:
    owner, name = python_name(fn, rules)
    reason = binding_rules.match(rules['not_exposed'], fn.name)
    if reason:
        return Plan(fn, owner, name, 'not exposed', reason)
    p = Plan(fn, owner, name, 'generated', units=rules.get('units', {}).get(fn.name, {}),
             params=rules.get('params', {}).get(fn.name, []),
             returns_none=fn.name in rules.get('returns_none', []),
             as_tuple=fn.name in rules.get('tuple_structs', []))
    reason = rules['handwritten'].get(fn.name)
    if reason:
        p.status, p.reason = 'handwritten', reason
        p.cxx = unsupported(api, p) is None
        return p
    problem = unsupported(api, p)
    if problem:
        raise BindingError('%s: %s; generate it, write it by hand or list it as not exposed in api/bindings.yaml'
                           % (fn.name, problem))
    return p


def unsupported(api, p: Plan):
    fn = p.fn
    skip = consumed(fn)
    for a in fn.args:
        if a.name in skip:
            continue
        if a.kind not in INPUTS | OUTPUTS:
            return 'argument %s of kind %s has no Python conversion' % (a.name, a.kind)
        if a.kind == 'callback' and not (_has(fn, 'opaque') or a.attr('dispatch') or fn.unregisters):
            return 'callback %s has no opaque to carry the Python callable' % a.name
        if a.kind == 'callback' and a.ctype not in api.callbacks:
            return 'callback type %s is not described' % a.ctype
        if a.kind == 'callback' and not a.attr('dispatch'):
            try:
                _trampoline(api, a.ctype)
            except BindingError as e:
                return str(e)
        if a.kind in ('array_out',) and pointee(a.ctype) not in C_NUM:
            return 'output array %s of %s has no Python conversion' % (a.name, a.ctype)
        if a.kind == 'array_out' and not a.attr('count'):
            return 'output array %s has no count' % a.name
    if fn.ret.kind in ('error', 'typed_param'):
        return 'a %s return has no Python conversion' % fn.ret.kind
    if fn.ret.kind == 'object' and fn.ret.borrowed:
        return 'a borrowed object return has no Python conversion'
    return None


def _has(fn, kind):
    return any(a.kind == kind for a in fn.args)


def plans(api: Api, rules):
    return [plan(api, fn, rules) for fn in api.functions]


# ---------------------------------------------------------------- C++ module
def _cxx_input(a, i, fn):
    """Declarations converting positional argument i; returns (code lines, C expressions by name)."""
    src = 'a[%d]' % i
    n = a.name
    k = a.kind
    if k == 'object':
        # the capsule is named after the C pointer type, as libvirt-python's
        return ['auto %s = vhpy::handle<%s>(%s, "%s");' % (n, a.ctype, src, a.ctype)]
    if k in ('flags', 'in'):
        return ['auto %s = vhpy::num<%s>(%s, "%s");' % (n, a.ctype, src, n)]
    if k in ('string', 'uuid_string'):
        return ['const char *%s = vhpy::cstr(%s, "%s");' % (n, src, n)]
    if k == 'uuid_in':
        return ['size_t %s_len = 0;' % n,
                'const unsigned char *%s = vhpy::cbytes(%s, "%s", &%s_len);' % (n, src, n, n),
                'if (%s && %s_len != VIR_UUID_BUFLEN) throw py::value_error("%s must be %%d bytes");' % (n, n, n)]
    if k == 'typed_params_in' and a.attr('group'):
        types = _param_types(a.attr('group'))
        return ['vhpy::Params %s_params(%s, "%s", %s, std::size(%s));' % (n, src, n, types, types)]
    if k == 'typed_params_in':
        return ['vhpy::Params %s_params(%s, "%s");' % (n, src, n)]
    if k == 'string_array_in':
        return ['auto %s_items = vhpy::cstr_list(%s, "%s");' % (n, src, n),
                '%s_items.push_back(nullptr);' % n]
    if k == 'array_in':
        return ['auto %s_items = vhpy::num_list<%s>(%s, "%s");' % (n, pointee(a.ctype).replace('const ', ''), src, n)]
    if k == 'buffer_in':
        return ['size_t %s_len = 0;' % n, 'auto %s = vhpy::cbytes(%s, "%s", &%s_len);' % (n, src, n, n)]
    if k == 'object_array_in':
        elem = pointee(a.ctype)
        return ['std::vector<%s> %s_items;' % (elem, n),
                'for (py::handle h : py::reinterpret_borrow<py::iterable>(%s)) %s_items.push_back(vhpy::handle<%s>(h, "%s"));'
                % (src, n, elem, elem),
                '%s_items.push_back(nullptr);' % n]
    if k == 'callback':
        return ['py::handle %s_py = %s;' % (n, src)]
    raise BindingError('%s: no conversion for %s' % (fn.name, k))


def _count_of(fn, a):
    """The C expression a collection's count argument takes."""
    k = a.kind
    if k in ('typed_params_in',):
        return '%s_params.size()' % a.name
    if k in ('string_array_in',):
        return 'static_cast<int>(%s_items.size() - 1)' % a.name
    if k == 'array_in':
        return 'static_cast<int>(%s_items.size())' % a.name
    if k == 'buffer_in':
        return '%s_len' % a.name
    raise BindingError('%s: no count for %s' % (fn.name, k))


def _struct_list(api, struct, var, units, as_tuple=False):
    """A filled struct as the list of its fields (libvirt-python's shape for info() and the like),
    or as a tuple where libvirt-python gives one."""
    items = []
    for fname, ftype, _ in api.struct_fields(struct):
        expr = '%s.%s' % (var, fname)
        if ftype.startswith('char') and ('[' in ftype or ftype.endswith('*')) or ftype == 'const char *':
            items.append('vhpy::str_or_none(%s)' % expr)
        elif ftype == 'double':
            items.append('py::float_(%s)' % expr)
        elif units.get(fname) == 'MiB':
            items.append('py::int_(%s >> 10)' % expr)
        else:
            items.append('py::int_(%s)' % expr)
    fields = 'py::make_tuple(%s)' % ', '.join(items)
    return fields if as_tuple else 'py::list(%s)' % fields


def _ret_decl(fn):
    return '%s ret;' % fn.ret.ctype if fn.ret.kind != 'void' else ''


def _trampoline_name(cb_type):
    return 'on_' + cb_type


def _trampoline(api, cb_type):
    """A C function of the callback's type that hands its arguments to the Python callable
    kept as its opaque."""
    cb = api.callbacks[cb_type]
    params, conv = [], []
    args = [list(x.items())[0] for x in cb['args']]
    skip = set()
    for i, (name, ctype) in enumerate(args):
        params.append('%s %s' % (ctype, name) if not ctype.endswith('*') else '%s%s' % (ctype, name))
        if name in skip:
            continue
        if ctype == 'void *':
            continue
        if ctype in HANDLES:
            short = HANDLES[ctype][0]
            ref = 'virConnectRef' if short == 'Connect' else 'vir%sRef' % short
            conv.append('(%s(%s), vhpy::wrap(%s, "%s", vhpy_free_%s))' % (ref, name, name, ctype, short))
        elif ctype == 'const char *':
            conv.append('vhpy::str_or_none(%s)' % name)
        elif ctype == 'virTypedParameterPtr':
            count = args[i + 1][0]
            skip.add(count)
            conv.append('vhpy::params_dict(%s, %s)' % (name, count))
        elif ctype == 'const virDomainEventGraphicsAddress *':
            conv.append('vhpy::graphics_address(%s)' % name)
        elif ctype == 'const virDomainEventGraphicsSubject *':
            conv.append('vhpy::graphics_subject(%s)' % name)
        elif ctype in C_NUM and ctype != 'size_t':     # a size_t measures a buffer: not a value
            conv.append('py::int_(%s)' % name if ctype != 'double' else 'py::float_(%s)' % name)
        else:
            raise BindingError('callback %s: no Python conversion for %s %s' % (cb_type, ctype, name))
    opaque = next(n for n, t in args if t == 'void *')
    ret = cb['ret']
    body = ['    if (!Py_IsInitialized()) return%s;' % ('' if ret == 'void' else ' 0'),
            '    py::gil_scoped_acquire gil;',
            '    vhpy::call(%s, py::make_tuple(%s));' % (opaque, ', '.join(conv))]
    if ret != 'void':
        body.append('    return 0;')
    return ['static %s %s(%s)' % (ret, _trampoline_name(cb_type), ', '.join(params)), '{'] + body + ['}']


def _wrapper(api, p: Plan, event_tables):
    fn = p.fn
    ins = p.inputs
    lines = ['static py::object w_%s(py::args a)' % fn.name, '{',
             '    vhpy::check_args(a, %d, "%s");' % (len(ins), fn.name)]
    for i, a in enumerate(ins):
        lines += ['    ' + x for x in _cxx_input(a, i, fn)]
    call, post, parts = [], [], {}
    counts = {}
    for a in fn.args:
        for key in ('count', 'size'):
            ref = a.attr(key)
            if ref and re.fullmatch(r'\w+', ref) and a.kind in ('typed_params_in', 'string_array_in', 'array_in',
                                                                  'buffer_in'):
                counts[ref] = _count_of(fn, a)
    args = {a.name: a for a in fn.args}
    # counts the wrapper computes from the collections they measure
    for ref, expr in list(counts.items()):
        lines.append('    auto %s = static_cast<%s>(%s);' % (ref, args[ref].ctype, expr))
        counts[ref] = ref
    for a in fn.args:
        if a.kind in ('typed_params_fill', 'stats_fill'):
            counts[a.attr('count')] = '&' + a.attr('count')
        elif a.kind == 'typed_params_alloc':
            counts[a.attr('count')] = '&%s_n' % a.name
        elif a.kind in ('names_out', 'ids_out'):
            counts[a.attr('max')] = 'RETRY_MAX'
        elif a.kind == 'struct_out' and a.attr('size'):
            counts[a.attr('size')] = 'sizeof(%s)' % a.name
    cb = p.callback
    for a in fn.args:
        n, k = a.name, a.kind
        if n in counts:
            call.append(counts[n])
        elif k in ('object', 'flags', 'in', 'string', 'uuid_string', 'uuid_in', 'buffer_in'):
            call.append(n if k != 'buffer_in' else '(%s)(%s)' % (a.ctype, n))
        elif k == 'typed_params_in':
            call.append('%s_params.get()' % n)
        elif k in ('string_array_in', 'array_in', 'object_array_in'):
            call.append('%s_items.data()' % n)
        elif k == 'callback':
            if a.attr('dispatch'):
                call.append('%s_fn' % n)
                ids = event_tables[(fn.name, n)]
                lines.append('    auto %s = vhpy::num<int>(a[%d], "%s");' % ('dispatch_id', ins.index(
                    next(x for x in fn.args if x.name == a.attr('dispatch'))), a.attr('dispatch')))
                lines.append('    %s %s_fn = nullptr;' % (a.ctype, n))
                lines.append('    switch (dispatch_id) {')
                for value, cb_type in ids:
                    lines.append('    case %s: %s_fn = reinterpret_cast<%s>(reinterpret_cast<void (*)()>(%s)); break;'
                                 % (value, n, a.ctype, _trampoline_name(cb_type)))
                lines.append('    default: break;    // the C call reports the unknown event ID')
                lines.append('    }')
            elif fn.unregisters:
                call.append(_trampoline_name(a.ctype))
            else:
                call.append('%s_py.is_none() ? nullptr : %s' % (n, _trampoline_name(a.ctype)))
        elif k == 'opaque':
            call.append('vhpy::hold(%s_py)' % cb.name)
        elif k == 'free_callback':
            call.append('vhpy::release')
        elif k == 'out':
            lines.append('    %s %s{};' % (pointee(a.ctype), n))
            call.append('&' + n)
            parts[n] = ('py::int_(%s)' if pointee(a.ctype) != 'double' else 'py::float_(%s)') % n
        elif k == 'struct_out':
            st = api.struct_of(a.ctype)
            lines.append('    %s %s{};' % (st, n))
            call.append('&' + n)
            parts[n] = _struct_list(api, st, n, p.units, p.as_tuple)
        elif k == 'uuid_out':
            lines.append('    unsigned char %s[VIR_UUID_BUFLEN];' % n)
            call.append(n)
            parts[n] = 'py::bytes(reinterpret_cast<const char *>(%s), VIR_UUID_BUFLEN)' % n
        elif k == 'uuid_string_out':
            lines.append('    char %s[VIR_UUID_STRING_BUFLEN];' % n)
            call.append(n)
            parts[n] = 'vhpy::str_or_none(%s)' % n
        elif k in ('names_out', 'ids_out'):
            call.append('%s.data()' % n)
        elif k == 'object_list_out':
            elem = a.ctype[:-1].strip()
            lines.append('    %s %s = nullptr;' % (elem, n))
            call.append('&' + n)
            short = HANDLES[elem[:-1].strip()][0] if elem.endswith('*') else HANDLES[elem][0]
            parts[n] = 'OBJLIST'
            post.append(('objlist', n, elem.rstrip(' *'), short))
        elif k == 'string_list_out':
            lines.append('    char **%s = nullptr;' % n)
            call.append('&' + n)
            parts[n] = 'STRLIST'
        elif k == 'string_out':
            lines.append('    char *%s = nullptr;' % n)
            call.append('&' + n)
            parts[n] = 'vhpy::take_str(%s)' % n
        elif k == 'typed_params_alloc':
            lines.append('    virTypedParameterPtr %s = nullptr;' % n)
            lines.append('    %s %s_n = 0;' % (pointee(args[a.attr('count')].ctype), n))
            call.append('&' + n)
            parts[n] = 'PARAMS_ALLOC'
        elif k in ('typed_params_fill', 'stats_fill'):
            call.append('FILL')
            parts[n] = 'PARAMS_FILL'
        elif k == 'array_out':
            elem = pointee(a.ctype)
            # never empty: a zero count must reach the C call, which reports it
            lines.append('    std::vector<%s> %s(static_cast<size_t>(%s > 0 ? %s : 1));'
                         % (elem, n, a.attr('count'), a.attr('count')))
            call.append('%s.data()' % n)
            parts[n] = 'ARRAY'
        elif k == 'buffer_out':
            lines.append('    std::string %s(static_cast<size_t>(%s), \'\\0\');' % (n, a.attr('size')))
            call.append('reinterpret_cast<%s>(%s.data())' % (a.ctype, n))
            parts[n] = 'BUFFER'
        elif k == 'raw':
            raise BindingError('%s: raw argument %s' % (fn.name, n))
        else:
            raise BindingError('%s: no call expression for %s' % (fn.name, k))
    return lines, call, parts, post


def _ret_check(fn):
    k = fn.ret.kind
    if k in ('status', 'count', 'bool', 'int'):
        return 'ret == -1'
    if k in ('string', 'borrowed_string', 'object', 'buffer'):
        return '!ret'
    return None


def _ret_value(fn):
    k = fn.ret.kind
    if k in ('status', 'count', 'bool', 'int', 'ulong', 'ullong'):
        return 'py::int_(ret)'
    if k == 'id':
        return 'py::int_(static_cast<int>(ret))'    # libvirt-python gives -1 for "no ID"
    if k == 'string':
        return 'vhpy::take_str(ret)'
    if k == 'borrowed_string':
        return 'vhpy::str_or_none(ret)'
    if k == 'buffer':
        size = next(a for a in fn.args if a.kind == 'out' and a.ctype == 'size_t *').name
        return 'vhpy::take_bytes(ret, %s)' % size
    if k == 'object':
        short = HANDLES[fn.ret.ctype][0]
        return 'vhpy::wrap(ret, "%s", vhpy_free_%s)' % (fn.ret.ctype, short)
    raise BindingError('%s: no return conversion for %s' % (fn.name, k))


def emit_wrapper(api, p: Plan, event_tables):
    fn = p.fn
    lines, call, parts, post = _wrapper(api, p, event_tables)
    check = _ret_check(fn)
    retdecl = _ret_decl(fn)
    invoke = '%s(%s)' % (fn.name, ', '.join(call))
    body = []
    collection = next((a for a in fn.args if a.kind in ('names_out', 'ids_out')), None)
    fill = next((a for a in fn.args if a.kind in ('typed_params_fill', 'stats_fill')), None)
    if collection:
        # grow the caller-allocated array until the answer fits
        elem = 'char *' if collection.kind == 'names_out' else 'int'
        body += ['    std::vector<%s> %s;' % (elem, collection.name), '    %s' % retdecl,
                 '    for (int max = 64; ; max *= 8) {',
                 '        %s.assign(static_cast<size_t>(max), %s);' % (collection.name, '{}'),
                 '        ret = vhpy::nogil([&] { return %s; });' % invoke.replace('RETRY_MAX', 'max'),
                 '        if (%s) vhpy::raise("%s");' % (check, fn.name),
                 '        if (ret < max || max > (1 << 22)) break;']
        if collection.kind == 'names_out':
            body.append('        for (int i = 0; i < ret; ++i) free(%s[i]);' % collection.name)
        body.append('    }')
        if collection.kind == 'names_out':
            parts[collection.name] = 'vhpy::str_list(%s.data(), ret)' % collection.name
        else:
            parts[collection.name] = 'vhpy::int_list(%s.data(), ret)' % collection.name
    elif fill:
        # ask how many parameters there are (count 0), then fetch them
        cnt = fill.attr('count')
        first = invoke.replace('FILL', 'nullptr')
        second = invoke.replace('FILL', '%s.data()' % fill.name)
        body += ['    int %s = 0;' % cnt, '    %s' % retdecl]
        if fill.attr('count_from'):
            # the call refuses a NULL array: another call gives the count (as libvirt-python does)
            source = fill.attr('count_from')
            body += ['    char *%s_from = vhpy::nogil([&] { return %s(%s, &%s); });' % (cnt, source, fn.args[0].name, cnt),
                     '    if (!%s_from) vhpy::raise("%s");' % (cnt, source), '    free(%s_from);' % cnt]
        else:
            body += ['    ret = vhpy::nogil([&] { return %s; });' % first,
                     '    if (%s) vhpy::raise("%s");' % (check, fn.name)]
        body += [
                 '    std::vector<%s> %s(static_cast<size_t>(%s > 0 ? %s : 0));' % (pointee(fill.ctype), fill.name, cnt, cnt),
                 '    if (%s > 0) {' % cnt,
                 '        ret = vhpy::nogil([&] { return %s; });' % second,
                 '        if (%s) vhpy::raise("%s");' % (check, fn.name), '    }',
                 '    py::dict %s_dict = vhpy::%s(%s.data(), %s);' % (
                     fill.name, 'params_dict' if fill.kind == 'typed_params_fill' else 'stats_dict', fill.name, cnt)]
        if fill.kind == 'typed_params_fill':
            body.append('    virTypedParamsClear(%s.data(), %s);' % (fill.name, cnt))
        parts[fill.name] = '%s_dict' % fill.name
    else:
        if retdecl:
            body.append('    ' + retdecl)
        if retdecl:
            body.append('    ret = vhpy::nogil([&] { return %s; });' % invoke)
        else:
            body.append('    vhpy::nogil([&] { %s; });' % invoke)
        if check:
            body.append('    if (%s) vhpy::raise("%s");' % (check, fn.name))
        elif fn.ret.kind in ('ulong', 'ullong'):
            body.append('    if (ret == 0) vhpy::raise_if_error("%s");' % fn.name)
    if p.releases:
        body.append('    vhpy::mark_released(a[0]);')
    for n, v in list(parts.items()):
        if v == 'OBJLIST':
            _, _, elem, short = next(x for x in post if x[1] == n)
            body += ['    py::list %s_list(ret > 0 ? ret : 0);' % n,
                     '    for (int i = 0; i < ret; ++i)',
                     '        %s_list[i] = vhpy::wrap(%s[i], "%s", vhpy_free_%s);' % (n, n, elem, short),
                     '    free(%s);' % n]
            parts[n] = '%s_list' % n
        elif v == 'STRLIST':
            body += ['    int %s_n = 0;' % n, '    while (%s && %s[%s_n]) ++%s_n;' % (n, n, n, n),
                     '    py::object %s_list = vhpy::str_list(%s, %s_n);' % (n, n, n), '    free(%s);' % n]
            parts[n] = '%s_list' % n
        elif v == 'PARAMS_ALLOC':
            body += ['    py::dict %s_dict = vhpy::params_dict(%s, %s_n);' % (n, n, n),
                     '    virTypedParamsFree(%s, %s_n);' % (n, n)]
            parts[n] = '%s_dict' % n
        elif v == 'ARRAY':
            body += ['    py::list %s_list;' % n,
                     '    for (int i = 0; i < ret && i < static_cast<int>(%s.size()); ++i) %s_list.append(%s[i]);'
                     % (n, n, n)]
            parts[n] = '%s_list' % n
        elif v == 'BUFFER':
            if fn.ret.kind == 'int':
                # a stream's -2 (would block) and -3 (at a hole) are answers, as in libvirt-python
                body.append('    if (ret < 0) return py::int_(ret);')
            # a call returning an int returns the bytes it filled (virStreamRecv)
            sz = 'static_cast<size_t>(ret > 0 ? ret : 0)' if fn.ret.kind == 'int' else '%s.size()' % n
            parts[n] = 'py::bytes(%s.data(), %s)' % (n, sz)
    values = []
    for part in p.parts:
        values.append(_ret_value(fn) if part == 'ret' else parts[part])
    if not values:
        body.append('    return py::none();')
    elif len(values) == 1:
        body.append('    return %s;' % values[0])
    else:
        body.append('    return py::list(py::make_tuple(%s));' % ', '.join(values))
    return lines + body + ['}']


def _event_tables(api, ps):
    """(function, callback arg) -> [(event ID value, callback type)] for registrations whose
    callback type depends on an event ID."""
    tables = {}
    for p in ps:
        cb = p.callback
        if p.status != 'not exposed' and p.cxx and cb and cb.attr('dispatch'):
            header = api.header(p.fn.header)
            tables[(p.fn.name, cb.name)] = list(header.event_callbacks.items())
    return tables


def _param_types(group):
    return 'kParams_%s' % group


def emit_module(api: Api, ps) -> str:
    event_tables = _event_tables(api, ps)
    gen = [p for p in ps if p.status != 'not exposed' and p.cxx]
    out = ['// Generated by generator/vhgen/emit_python.py from api/*.yaml; do not edit.',
           '#include "binding.h"', '', 'namespace {', '']
    # the types of the parameters each group names
    groups = sorted({a.attr('group') for p in gen for a in p.fn.args if a.kind == 'typed_params_in' and a.attr('group')})
    for g in groups:
        out += ['const vhpy::ParamType %s[] = {' % _param_types(g)] + [
            '    {"%s", VIR_TYPED_PARAM_%s},' % (m['string'], m['param'].upper()) for m in api.param_group(g)] + ['};', '']
    for ctype, (short, _, _) in HANDLES.items():
        free = 'virConnectClose' if short == 'Connect' else 'vir%sFree' % short
        out += ['void vhpy_free_%s(PyObject *cap)' % short, '{',
                '    if (void *p = vhpy::capsule_owned(cap, "%s"))' % ctype,
                '        %s(static_cast<%s>(p));' % (free, ctype), '}', '']
    cb_types = set()
    for p in gen:
        cb = p.callback
        if cb and cb.attr('dispatch'):
            cb_types.update(t for _, t in event_tables[(p.fn.name, cb.name)])
        elif cb:
            cb_types.add(cb.ctype)
    for t in sorted(cb_types):
        out += _trampoline(api, t) + ['']
    for p in gen:
        out += emit_wrapper(api, p, event_tables) + ['']
    out += ['}  // namespace', '', 'PYBIND11_MODULE(_virthub, m)', '{',
            '    m.doc() = "virthub\'s C API, one function per C function (the virthub package wraps it)";']
    for p in gen:
        out.append('    m.def("%s", w_%s);' % (p.fn.name, p.fn.name))
    out += ['    vhpy::add_handwritten(m);', '}', '']
    return '\n'.join(out)


# ---------------------------------------------------------------- the Python package
def _doc(api, p: Plan):
    fn = p.fn
    sig = ', '.join(n if d is None else '%s=%s' % (n, d) for n, d, _ in signature(p)[0])
    flags = [a for a in fn.args if a.kind == 'flags']
    lines = ['%s(%s)' % (p.name, sig), '',
             'Calls %s (libvirt %s).' % (fn.name, fn.since)]
    if fn.write:
        lines.append('Refused on a read-only connection.')
    if flags:
        lines.append('flags: a bitwise OR of the VIR_* flags of this call, or 0.')
    shape = [_describe(api, p, part) for part in p.parts]
    if p.returns_none or not shape:
        lines.append('Returns None.')
    else:
        lines.append('Returns %s.' % (shape[0] if len(shape) == 1 else 'a list: [%s]' % ', '.join(shape)))
    lines.append('Raises libvirtError when the call fails.')
    return '\n'.join(lines)


RET_WORDS = {'status': '0', 'count': 'a count', 'bool': '1 or 0', 'int': 'an int', 'string': 'a str',
             'borrowed_string': 'a str', 'id': 'the ID (-1 for an inactive domain)', 'ulong': 'an int',
             'ullong': 'an int', 'buffer': 'bytes'}
OUT_WORDS = {'out': '%s (int)', 'uuid_out': 'the UUID as 16 bytes', 'uuid_string_out': 'the UUID as a str',
             'names_out': 'a list of names', 'ids_out': 'a list of IDs', 'string_list_out': 'a list of str',
             'string_out': '%s (str)', 'typed_params_fill': 'a dict of %s', 'typed_params_alloc': 'a dict of %s',
             'stats_fill': 'a dict of %s', 'array_out': 'a list of %s', 'buffer_out': '%s (bytes)'}


def _describe(api, p: Plan, part):
    """A result part in words, for the docstring."""
    fn = p.fn
    if part == 'ret':
        if fn.ret.kind == 'object':
            return 'a %s' % CLASSES[fn.ret.ctype]
        return RET_WORDS[fn.ret.kind]
    a = next(x for x in fn.args if x.name == part)
    if a.kind == 'struct_out':
        st = pointee(a.ctype)
        fields = api.struct_fields(api.struct_of(a.ctype))
        return 'the %s fields [%s]' % (st, ', '.join(n for n, _, _ in fields))
    if a.kind == 'object_list_out':
        return 'a list of %s' % CLASSES[a.ctype.replace('*', '').strip()]
    words = OUT_WORDS[a.kind]
    return words % part if '%s' in words else words



def _pyname(name):
    """An argument name Python can spell (restore's `from` becomes `from_`)."""
    return name + '_' if keyword.iskeyword(name) else name


def _py_wrap(api, p: Plan, value, cls):
    """Python expression wrapping a returned capsule (or a list of them) in its class."""
    fn = p.fn
    obj = None
    if fn.ret.kind == 'object' and p.parts == ['ret']:
        obj, many = fn.ret.ctype, False
    else:
        lst = next((a for a in fn.args if a.kind == 'object_list_out'), None)
        if lst and p.parts == [lst.name]:
            obj, many = lst.ctype.replace('*', '').strip(), True
    if not obj:
        return value
    target = CLASSES[obj]
    parent, _ = PARENT.get(target, ('virConnect', '_conn'))
    if cls == 'module':
        holder = None
    elif cls == parent:
        holder = 'self'
    elif parent == 'virConnect':
        holder = 'self._conn'
    else:
        holder = 'self.' + PARENT[cls][1] if cls in PARENT and PARENT[cls][0] == parent else 'self'
    ctor = '%s(%s_obj=%%s)' % (target, (holder + ', ') if holder else '')
    if many:
        return '[%s for o in %s]' % (ctor % 'o', value)
    return ctor % value


def emit_package(api: Api, ps, rules) -> str:
    out = ['"""virthub: the libvirt API in libvirt-python\'s shape. Generated from api/*.yaml."""',
           '# Generated by generator/vhgen/emit_python.py; do not edit. Types are in __init__.pyi:',
           '# importing typing here would double the time `import virthub` takes.',
           '', 'from . import _virthub as _lib', 'from ._extras import *  # noqa: F401,F403',
           'from ._extras import (_Extras, _ConnectExtras, _DomainExtras, _StreamExtras, _DomainChildExtras,',
           '                      _NetworkPortExtras, _callback)',
           '', '# ---- constants']
    for h in api.headers:
        for e in h.enums.values():
            for name in e['values']:
                out.append('%s = %d' % (name, api.resolve(name)))
        for m in h.macros:
            if 'string' in m:
                out.append('%s = %r' % (m['name'], m['string']))
            elif re.fullmatch(r'-?\d+', str(m.get('value', ''))):
                out.append('%s = %s' % (m['name'], m['value']))
    by_owner = {}
    for p in ps:
        if p.status == 'generated':
            by_owner.setdefault(p.owner, []).append(p)
    out += ['', '', '# ---- module functions']
    for p in by_owner.get('module', []):
        out += _py_function(api, p, 'module')
    classes = ['virConnect'] + sorted(c for c in CLASSES.values() if c != 'virConnect')
    for cls in classes:
        base = EXTRAS_OF.get(cls, '_Extras')
        out += ['', '', 'class %s(%s):' % (cls, base)]
        if cls == 'virConnect':
            out += ['    def __init__(self, _obj=None):', '        self._o = _obj', '        self._conn = self']
        else:
            parent, attr = PARENT.get(cls, ('virConnect', '_conn'))
            out += ['    def __init__(self, %s, _obj=None):' % attr.lstrip('_'),
                    '        self._o = _obj']
            if parent == 'virConnect':
                out.append('        self._conn = %s' % attr.lstrip('_'))
            else:
                out += ['        self.%s = %s' % (attr, attr.lstrip('_')),
                        '        self._conn = %s._conn' % attr.lstrip('_')]
        for p in by_owner.get(cls, []):
            out += ['    ' + x if x else x for x in _py_function(api, p, cls)]
    out += ['', '', '# the class of each capsule type, for objects handed to callbacks',
            '_CLASS_OF_CAPSULE = {%s}' % ', '.join("'%s': %s" % (t, c) for t, c in CLASSES.items()),
            '_lib._set_error_class(libvirtError)', '']
    return '\n'.join(out)


def _type_of(a):
    if a.kind == 'object':
        return 'Optional[%s]' % CLASSES[a.ctype] if a.nullable else CLASSES[a.ctype]
    return PY_TYPE.get(a.kind) or 'Any'


def signature(p: Plan):
    """The Python parameters after self, as (name, default or None, type), and the arguments of
    the call into the C module."""
    fn = p.fn
    ins = p.inputs
    own = p.is_method and p.owner == CLASSES[fn.subject.ctype]
    if own:
        call_args, ins = ['self'], ins[1:]
    else:
        # a module function, or a method called on another object than its subject
        # (dom.revertToSnapshot(snap)): the subject is the first parameter
        call_args = []
    params = []
    for a in ins:
        name = _pyname(a.name)
        if a.kind == 'callback' and not fn.unregisters:
            # the Python callable and its opaque travel as one closure
            has_opaque = any(x.kind == 'opaque' for x in fn.args)
            params.append((name, None, _type_of(a)))
            if has_opaque:
                params.append(('opaque', None, 'Any'))
            call_args.append('_callback(%s, %s, %s)' % ('self' if p.is_method else 'None', name,
                                                          'opaque' if has_opaque else 'None'))
            continue
        params.append((name, None, _type_of(a)))
        call_args.append(name)
    if params and params[-1][0] == 'flags':
        params[-1] = ('flags', '0', 'int')      # as in libvirt-python
    if p.params:
        # libvirt-python's names and defaults for these parameters
        if len(p.params) != len(params):
            raise BindingError('%s: api/bindings.yaml gives %d parameters, the call takes %d'
                               % (fn.name, len(p.params), len(params)))
        renamed = []
        for (old, _, t), spec in zip(params, p.params):
            name, _, default = spec.partition('=')
            renamed.append((name, default or None, t))
            call_args = [name if x == old else x for x in call_args]
        params = renamed
    return params, call_args


def _py_function(api, p: Plan, cls):
    fn = p.fn
    params, call_args = signature(p)
    sig = (['self'] if p.is_method else []) + [n if d is None else '%s=%s' % (n, d) for n, d, _ in params]
    call = '_lib.%s(%s)' % (fn.name, ', '.join(call_args))
    doc = _doc(api, p).split('\n')
    lines = ['def %s(%s):' % (p.name, ', '.join(sig)), '    """' + doc[0]] + [
        ('    ' + x) if x else '' for x in doc[1:]]
    lines[-1] += '"""'
    if p.releases:
        lines += ['    ret = %s' % call, '    self._o = None', '    return ret']
    elif p.returns_none:
        lines += ['    %s' % call]
    else:
        lines.append('    return %s' % _py_wrap(api, p, call, cls))
    return lines + ['']


# ---------------------------------------------------------------- type stubs
def _handwritten_stubs(root):
    """Stub lines for what virthub/_extras.py defines, read from its own annotations:
    {class name or 'module': [def lines]}."""
    tree = ast.parse(open(os.path.join(root, 'bindings', 'python', 'virthub', '_extras.py')).read())
    exported = next(ast.literal_eval(n.value) for n in tree.body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') == '__all__')
    out = {}

    def stub(fn, indent):
        ret = ' -> %s' % ast.unparse(fn.returns) if fn.returns else ''
        return '%sdef %s(%s)%s: ...' % (indent, fn.name, ast.unparse(fn.args), ret)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in exported:
            out.setdefault('module', []).append(stub(node, ''))
        elif isinstance(node, ast.ClassDef):
            if node.name == 'libvirtError':
                out['libvirtError'] = ['class libvirtError(Exception):', '    err: Optional[tuple]'] + [
                    stub(f, '    ') for f in node.body if isinstance(f, ast.FunctionDef) and not f.name.startswith('_')]
                continue
            out[node.name] = [stub(f, '    ') for f in node.body if isinstance(f, ast.FunctionDef)
                              and (not f.name.startswith('_') or f.name in ('__enter__', '__exit__'))]
    return out


def emit_stubs(api: Api, ps, root) -> str:
    extras = _handwritten_stubs(root)
    out = ['# Generated by generator/vhgen/emit_python.py; do not edit.',
           'from typing import Any, Callable, Dict, List, Optional, Tuple', ''] + extras['libvirtError'] + ['']
    for h in api.headers:
        for e in h.enums.values():
            for name in e['values']:
                out.append('%s: int' % name)
        for m in h.macros:
            if 'string' in m:
                out.append('%s: str' % m['name'])
    by_owner = {}
    for p in ps:
        if p.status == 'generated':
            by_owner.setdefault(p.owner, []).append(p)
    out.append('')
    for p in by_owner.get('module', []):
        out.append(_stub(api, p, ''))
    out += extras['module']
    # the C module's hand-written functions the package exports as they are
    out += ['def virGetLastError() -> Optional[tuple]: ...',
            'def virEventRegisterImpl(addHandle: Callable[..., int], updateHandle: Callable[..., None], '
            'removeHandle: Callable[..., int], addTimeout: Callable[..., int], updateTimeout: Callable[..., None], '
            'removeTimeout: Callable[..., int]) -> None: ...',
            'def virEventInvokeHandleCallback(watch: int, fd: int, event: int, opaque: Any) -> int: ...',
            'def virEventInvokeTimeoutCallback(timer: int, opaque: Any) -> int: ...',
            'def virEventInvokeFreeCallback(opaque: Any) -> int: ...', '']
    classes = ['virConnect'] + sorted(c for c in CLASSES.values() if c != 'virConnect')
    for cls in classes:
        out.append('class %s:' % cls)
        handwritten = {}
        for base in ('_Extras', EXTRAS_OF.get(cls, '_Extras')):
            for line in extras.get(base, []):
                handwritten[line.split('(')[0]] = line
        out += list(handwritten.values())
        for p in by_owner.get(cls, []):
            out.append(_stub(api, p, '    '))
        out.append('')
    return '\n'.join(out) + '\n'


def _stub(api, p: Plan, indent):
    params = (['self'] if indent else []) + [
        '%s: %s' % (n, t) if d is None else '%s: %s = %s' % (n, t, d) for n, d, t in signature(p)[0]]
    ret = _stub_ret(api, p)
    return '%sdef %s(%s) -> %s: ...' % (indent, p.name, ', '.join(params), ret)


def _stub_ret(api, p):
    fn = p.fn
    types = []
    for part in p.parts:
        if part == 'ret':
            k = fn.ret.kind
            types.append(CLASSES[fn.ret.ctype] if k == 'object' else 'str' if 'string' in k
                         else 'bytes' if k == 'buffer' else 'int')
        else:
            a = next(x for x in fn.args if x.name == part)
            if a.kind == 'object_list_out':
                types.append('List[%s]' % CLASSES[a.ctype.replace('*', '').strip()])
                continue
            if a.kind == 'struct_out' and p.as_tuple:
                types.append('Tuple[int, ...]')
                continue
            types.append({'out': 'int', 'struct_out': 'List[Any]', 'uuid_out': 'bytes', 'uuid_string_out': 'str',
                          'names_out': 'List[str]', 'ids_out': 'List[int]', 'string_list_out': 'List[str]',
                          'string_out': 'str', 'typed_params_fill': 'Dict[str, Any]',
                          'typed_params_alloc': 'Dict[str, Any]', 'stats_fill': 'Dict[str, int]', 'array_out': 'List[int]', 'buffer_out': 'bytes'}[a.kind])
    if not types:
        return 'None'
    return types[0] if len(types) == 1 else 'List[Any]'


def check_handwritten(ps, root):
    """Every function api/bindings.yaml calls hand-written has its code: a Python definition of
    its name in the package's hand-written modules, or a C++ wrapper in src/handwritten.cc."""
    pkg = os.path.join(root, 'bindings', 'python')
    python = open(os.path.join(pkg, 'virthub', '_extras.py')).read()
    cxx = open(os.path.join(pkg, 'src', 'handwritten.cc')).read()
    missing = [p.fn.name for p in ps if p.status == 'handwritten'
               and not re.search(r'def %s\(' % re.escape(p.name), python)
               and '"%s"' % p.fn.name not in cxx]
    if missing:
        raise BindingError('hand-written in api/bindings.yaml but not found in bindings/python: ' + ', '.join(missing))


def emit(api: Api, api_dir, write):
    rules = load_rules(api_dir)
    ps = plans(api, rules)
    check_handwritten(ps, os.path.join(api_dir, '..'))
    write('python/_virthub.cc', emit_module(api, ps))
    write('python/virthub/__init__.py', emit_package(api, ps, rules))
    write('python/virthub/__init__.pyi', emit_stubs(api, ps, os.path.join(api_dir, '..')))
    write('python/exposure.txt', ''.join('%s\t%s\t%s\t%s\t%s\n' % (p.fn.name, p.status, p.owner, p.name, p.reason)
                                         for p in ps))
