"""The Go binding: package libvirt (module virthub.org/go/libvirt) in libvirt-go-module's shape.

A Go module is consumed as source, so what this emits is committed under bindings/go and a test
fails when it differs from what the generator emits now (generate.py --go bindings/go rewrites
it). Three files come out:

- libvirt_wrappers.h / libvirt_wrappers.c: one C wrapper per function that calls it and, when it
  failed, copies the thread's error into the caller's virError in the same C call (a goroutine
  may move to another OS thread between two cgo calls, and libvirt's error is per thread);
- libvirt_generated.go: the enums as typed constants, the structs, the object types and one Go
  function or method per C function.

api/bindings.yaml's `go` section names what Go does not expose yet and why; the generator fails
when a function is neither generated nor listed.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import re


from . import binding_rules, emit_go_callbacks, emit_go_params
from .model import Api, Function, HANDLES
from .vocabulary import pointee

TYPES = {t: short for t, (short, _, _) in HANDLES.items()}      # virDomainPtr -> Domain
GO_SCALAR = {'int': 'int', 'unsigned int': 'uint', 'unsigned long': 'uint64', 'unsigned long long': 'uint64',
             'long long': 'int64', 'double': 'float64', 'size_t': 'uint64', 'virDomainBlockJobCursor': 'uint64',
             'unsigned short': 'uint', 'unsigned char': 'uint8', 'char': 'int8', 'long': 'int64', 'short': 'int'}
C_GO = {'int': 'C.int', 'unsigned int': 'C.uint', 'unsigned long': 'C.ulong', 'unsigned long long': 'C.ulonglong',
        'long long': 'C.longlong', 'double': 'C.double', 'size_t': 'C.size_t',
        'virDomainBlockJobCursor': 'C.virDomainBlockJobCursor'}
# int arguments and outputs that are booleans in libvirt-go-module
BOOLEANS = {'autostart'}
INPUTS = {'object', 'flags', 'in', 'string', 'uuid_string', 'uuid_in', 'string_array_in', 'buffer_in', 'typed_params_in'}
OUTPUTS = {'out', 'struct_out', 'uuid_out', 'uuid_string_out', 'names_out', 'ids_out', 'object_list_out',
           'string_list_out', 'string_out', 'array_out', 'buffer_out', 'typed_params_fill', 'typed_params_alloc'}
TYPED_PARAMS = {'typed_params_in', 'typed_params_fill', 'typed_params_alloc'}


class BindingError(Exception):
    pass


def load_rules(api_dir):
    return binding_rules.load(api_dir, 'go')


class GoNames(dict):
    """The Go names an emitter needs: the enum names that differ from the rule (the dict
    itself) and the typed-parameter structs (params: group -> emit_go_params.Struct)."""

    def __init__(self, api, rules):
        super().__init__(rules.get('enum_names', {}))
        self.params = emit_go_params.structs(api, rules['param_structs'], lambda e: enum_type(e, self))
        self.by_value = {g for g, spec in rules['param_structs']['groups'].items()
                         if isinstance(spec, dict) and spec.get('by_value')}
        self.struct_fields = rules.get('struct_fields', {})
        self.set_flags = set(rules.get('set_flags', []))

    def param_struct(self, name):
        """The typed-parameter struct with this Go name, or None."""
        return next((st for st in self.params.values() if st.name == name), None)


GO_KEYWORDS = {'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for',
               'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select',
               'struct', 'switch', 'type', 'var'}


def goname(name):
    """An argument name Go can spell (type becomes type_)."""
    return name + '_' if name in GO_KEYWORDS else name


def cfield(name):
    """How cgo spells a C struct field (a Go keyword gets a leading underscore)."""
    return '_' + name if name in GO_KEYWORDS else name


def camel(name):
    """A C field or argument name as an exported Go name: maxMem -> MaxMem, rd_req -> RdReq."""
    return ''.join(w[0].upper() + w[1:] for w in name.split('_') if w)


def struct_field_go(names, struct, field):
    """The Go name of a C struct's field (api/bindings.yaml's go.struct_fields names exceptions)."""
    override = names.struct_fields.get('%s.%s' % (struct, field), {})
    return (override if isinstance(override, str) else override.get('name')) or camel(field)


def struct_field_type(names, struct, field, ctype, enum):
    """The Go type of a C struct's field."""
    override = names.struct_fields.get('%s.%s' % (struct, field))
    if isinstance(override, dict) and override.get('type'):
        return override['type']
    return enum_type(enum, names) if enum else _field_go(ctype)


def enum_type(name, names):
    """The Go type of a C enum: its name without vir, unless api/bindings.yaml names it."""
    return names.get(name) or (name[3:] if name.startswith('vir') else name)


def const_name(name):
    return name[4:] if name.startswith('VIR_') else name


def go_name(fn: Function, rules):
    """(receiver type or None, name) of a function in libvirt-go-module's naming."""
    override = rules['names'].get(fn.name)
    if isinstance(override, list):      # [receiver, name]: a method of another object
        return tuple(override)
    subject = fn.subject
    recv = TYPES[subject.ctype] if subject is not None and subject.kind == 'object' else None
    if override:
        return recv, override
    n = fn.name[3:]
    if recv is None:
        return None, n
    if recv == 'Connect':
        for prefix in ('Connect', 'Node'):
            if n.startswith(prefix) and not n.startswith('NodeDevice'):
                return recv, n[len(prefix):]
        m = re.match(r'(\w+?)LookupBy(\w+)$', n)
        if m:
            return recv, 'Lookup%sBy%s' % (m.group(1), m.group(2))
        return recv, n
    if n.startswith(recv):
        return recv, n[len(recv):]
    return recv, n


@dataclasses.dataclass
class Plan:
    fn: Function
    recv: str | None
    name: str
    status: str          # generated | handwritten | not exposed
    reason: str = ''
    fixed: dict = dataclasses.field(default_factory=dict)   # argument -> the value Go passes for it
    callback: str = ''   # 'events' (one method per event ID) or 'plain' (a Go func argument)


def plan(api: Api, fn: Function, rules) -> Plan:
    recv, name = go_name(fn, rules)
    reason = binding_rules.match(rules['not_exposed'], fn.name)
    if reason:
        return Plan(fn, recv, name, 'not exposed', reason)
    reason = rules.get('handwritten', {}).get(fn.name)
    if reason:
        return Plan(fn, recv, name, 'handwritten', reason)
    p = Plan(fn, recv, name, 'generated', fixed=rules.get('fixed', {}).get(fn.name, {}))
    cb = next((a for a in fn.args if a.kind == 'callback'), None)
    kinds = {a.kind for a in fn.args}
    if cb is not None and cb.attr('dispatch'):
        p.callback, p.name = 'events', '%sEvent*Register' % TYPES[fn.args[1].ctype]
        return p
    if cb is not None and ({'opaque', 'free_callback'} <= kinds or 'opaque' not in kinds and fn.unregisters):
        try:
            emit_go_callbacks.check(api, cb.ctype)
            p.callback = 'plain'
            return p
        except emit_go_callbacks.Unsupported:
            pass
    pending = rules.get('pending_kinds', {})
    counted = _counts(fn)
    waiting = [pending[k] for k in [a.kind for a in fn.args if a.name not in counted] + [fn.ret.kind] if k in pending]
    waiting += ['its typed parameters are not described as a param group yet' for a in fn.args
                if a.kind in TYPED_PARAMS and a.attr('group') not in rules['param_structs']['groups']]
    if waiting:
        return Plan(fn, recv, name, 'not exposed', waiting[0])
    problem = unsupported(api, p)
    if problem:
        raise BindingError('%s: %s; generate it or list it as not exposed (with the reason) in api/bindings.yaml'
                           % (fn.name, problem))
    return p


def _counts(fn):
    """Arguments Go computes: the capacity of a name or ID array, the size of a struct, the
    length of a slice."""
    return {a.attr('max') for a in fn.args if a.kind in ('names_out', 'ids_out')} | {
        a.attr('size') for a in fn.args if a.kind == 'struct_out' and a.attr('size')} | {
        a.attr('count') for a in fn.args if a.kind == 'string_array_in' and a.attr('count')} | {
        a.attr('size') for a in fn.args if a.kind == 'buffer_in'} | {
        a.attr('count') for a in fn.args if a.kind in TYPED_PARAMS}


def unsupported(api, p):
    fn = p.fn
    counts = _counts(fn)
    for a in fn.args:
        if a.name in counts:
            continue
        if a.kind not in INPUTS | OUTPUTS:
            return 'argument %s of kind %s has no Go conversion yet' % (a.name, a.kind)
        ctype = pointee(a.ctype) if a.kind == 'out' else a.ctype
        if a.kind in ('in', 'out') and (ctype not in GO_SCALAR or ctype not in C_GO):
            return 'argument %s of type %s has no Go type' % (a.name, a.ctype)
        if a.kind == 'struct_out' and not api.struct_of(a.ctype):
            return 'struct %s is not described' % a.ctype
        if a.kind == 'array_out' and (pointee(a.ctype) not in C_GO or not re.fullmatch(r'\w+', a.attr('count') or '')):
            return 'array %s has no Go conversion yet' % a.name
        if a.kind == 'buffer_out' and (a.ctype not in ('void *', 'unsigned char *', 'char *')
                                       or not re.fullmatch(r'\w+', a.attr('size') or '')):
            return 'buffer %s has no Go conversion yet' % a.name
    if fn.ret.kind in ('error', 'typed_param', 'buffer'):
        return 'a %s return has no Go conversion yet' % fn.ret.kind
    if fn.ret.kind == 'object' and fn.ret.borrowed:
        return 'a borrowed object return has no Go conversion yet'
    return None


def plans(api, rules):
    return [plan(api, fn, rules) for fn in api.functions]


# ---------------------------------------------------------------- C wrappers
def _c_decl(ctype, name):
    return ctype + name if ctype.endswith('*') else '%s %s' % (ctype, name)


def _failed(fn, var='ret'):
    k = fn.ret.kind
    if k in ('status', 'count', 'bool', 'int'):
        return '%s < 0' % var
    if k in ('string', 'borrowed_string', 'object'):
        return '%s == NULL' % var
    return 'virGetLastError() != NULL'      # 0 or (unsigned)-1 may be a value: ask whether it failed


def _wrapper_proto(fn):
    params = [_c_decl(a.ctype, a.name) for a in fn.args] + ['virErrorPtr err']
    return '%s %sWrapper(%s)' % (fn.ret.ctype, fn.name, ', '.join(params))


def emit_c(ps, callbacks):
    gen = [p for p in ps if p.status in ('generated', 'handwritten')]   # hand-written Go calls the wrappers too
    h = ['/* Generated by generator/vhgen/emit_go.py from the API description (api/); do not edit. */',
         '#pragma once', '#include <stddef.h>', '#include <stdint.h>', '#include <libvirt/libvirt.h>', '#include <libvirt/libvirt-qemu.h>',
         '#include <libvirt/libvirt-lxc.h>', '#include <libvirt/virterror.h>', '']
    c = ['/* Generated by generator/vhgen/emit_go.py from the API description (api/); do not edit.',
         ' * Each wrapper copies the error of a failed call in the same C call as the call itself. */',
         '#include "libvirt_wrappers.h"', '']
    for p in gen:
        fn = p.fn
        h.append('%s;' % _wrapper_proto(fn))
        call = '%s(%s)' % (fn.name, ', '.join(a.name for a in fn.args))
        c += [_wrapper_proto(fn), '{']
        if fn.ret.kind == 'void':
            c += ['    virResetLastError();', '    %s;' % call, '    if (virGetLastError() != NULL)',
                  '        virCopyLastError(err);']
        else:
            if 'virGetLastError' in _failed(fn):
                c.append('    virResetLastError();')
            c += ['    %s = %s;' % (_c_decl(fn.ret.ctype, 'ret'), call), '    if (%s)' % _failed(fn),
                  '        virCopyLastError(err);', '    return ret;']
        c += ['}', '']
    h += ['', '/* callbacks (emit_go_callbacks.py) */'] + emit_go_callbacks.header_lines() + callbacks.h
    c += emit_go_callbacks.c_prelude() + callbacks.c
    return '\n'.join(h) + '\n', '\n'.join(c)


# ---------------------------------------------------------------- Go
def _struct_go(api, struct):
    name = struct[3:]
    if name.endswith('Struct'):
        name = name[:-len('Struct')]
    return name


def _field_go(ftype):
    if ftype.startswith('char') and ('[' in ftype or ftype.endswith('*')):
        return 'string'
    return GO_SCALAR.get(ftype, 'int')


def emit_go(api: Api, ps, names) -> str:
    """names: the Go names of enums that differ from the rule."""
    out = ['// Generated by generator/vhgen/emit_go.py from api/*.yaml; do not edit.', '',
           'package libvirt', '', '/*', '#include <stdlib.h>', '#include "libvirt_wrappers.h"', '*/',
           'import "C"', '', 'import (', '\t"runtime"', '\t"sync/atomic"', '\t"unsafe"', ')', '']
    # enums
    declared = set()
    for h in api.headers:
        for ename, e in h.enums.items():
            t = enum_type(ename, names)
            if t == 'int':      # untyped in libvirt-go-module
                out += ['const ('] + ['\t%s = %d' % (const_name(n), api.resolve(n)) for n in e['values']] + [')', '']
                continue
            if t == enum_type(ename, {}) or t not in declared:
                out += ['type %s %s' % (t, 'uint' if e.get('flags') else 'int'), '']
                declared.add(t)
            out.append('const (')
            for name in e['values']:
                out.append('\t%s = %s(%d)' % (const_name(name), t, api.resolve(name)))
            out += [')', '']
        strings = [m for m in h.macros if 'string' in m]
        if strings:
            out.append('const (')
            out += ['\t%s = "%s"' % (const_name(m['name']), m['string']) for m in strings]
            out += [')', '']
    # object types
    for ctype, short in TYPES.items():
        free = 'virConnectClose' if short == 'Connect' else 'vir%sFree' % short
        out += ['// %s is a %s: freed by Free (Close for a connection), or when the garbage collector' % (short, ctype),
                '// finds it unreachable. Copies share one reference.',
                'type %s struct {' % short, '\tref *%sRef' % lower(short), '}', '',
                'type %sRef struct {' % lower(short), '\tptr     C.%s' % ctype, '\tcleanup runtime.Cleanup',
                '\textra   atomic.Int32 // references Ref took; Free and Close give these back first', '}', '',
                'func new%s(ptr C.%s) *%s {' % (short, ctype, short),
                '\tr := &%sRef{ptr: ptr}' % lower(short),
                '\tr.cleanup = runtime.AddCleanup(r, func(p C.%s) { C.%s(p) }, ptr)' % (ctype, free),
                '\treturn &%s{ref: r}' % short, '}', '',
                'func (o *%s) cptr() C.%s {' % (short, ctype),
                '\tif o == nil || o.ref == nil {', '\t\treturn nil', '\t}', '\treturn o.ref.ptr', '}', '',
                '// a reference given back by Free or Close: once the last, the garbage collector has nothing left to free',
                'func (o *%s) released() {' % short, '\tif o.ref.extra.Add(-1) >= 0 {', '\t\treturn', '\t}',
                '\to.ref.cleanup.Stop()', '\to.ref.ptr = nil', '}', '']
    structs = set()
    gen = [p for p in ps if p.status == 'generated']
    for p in gen:
        for a in p.fn.args:
            if a.kind == 'struct_out':
                structs.add(api.struct_of(a.ctype))
    for st in sorted(structs):
        if names.param_struct(_struct_go(api, st)):
            continue        # given as the typed-parameter struct of the same name
        out.append('type %s struct {' % _struct_go(api, st))
        for n, t, e in api.struct_fields(st):
            gf = struct_field_go(names, st, n)
            out += ['\t%sSet bool' % gf] if st in names.set_flags else []
            out.append('\t%s %s' % (gf, struct_field_type(names, st, n, t, e)))
        out += ['}', '']
    out += emit_go_params.emit(names.params)
    for p in gen:
        if not p.callback:
            out += _go_function(api, p, names)[0] + ['']
    return '\n'.join(out)


def emit_callbacks(api, ps, rules):
    """The callback registrations: an Emitter holding their C and Go parts."""
    names = rules.get('enum_names', {})
    em = emit_go_callbacks.Emitter(api, rules, lambda e: enum_type(e, names))

    def go_param(a):
        if a.kind == 'object':
            return '%s *%s' % (goname(a.name), TYPES[a.ctype])
        if a.kind == 'string':
            return '%s string' % goname(a.name)
        if a.kind == 'flags' and not a.attr('enum'):
            return '%s uint32' % goname(a.name)
        t = enum_type(a.attr('enum'), names) if a.attr('enum') else GO_SCALAR[a.ctype]
        return '%s %s' % (goname(a.name), t)
    for p in ps:
        if p.status != 'generated' or not p.callback:
            continue
        if p.callback == 'events':
            header = api.header(p.fn.header)
            em.event_registrations(p.fn, list(header.event_callbacks.items()), p.name)
        else:
            em.plain_registration(p.fn, p.recv, p.name, go_param)
    return em


def emit_callbacks_go(em) -> str:
    code = em.go + em.exports
    imports = ['\t"runtime/cgo"'] + (['\t"unsafe"'] if any('unsafe.' in line for line in code) else [])
    return '\n'.join(['// Generated by generator/vhgen/emit_go.py from the API description (api/); do not edit.',
                      '// Callbacks: registrations, and the exported functions C trampolines call.', '',
                      'package libvirt', '', '/*', '#include <stdlib.h>', '#include "libvirt_wrappers.h"', '*/', 'import "C"', '',
                      'import (', *imports, ')', '', emit_go_callbacks.GO_PRELUDE] + code)


def lower(s):
    return s[0].lower() + s[1:]


def _go_function(api, p: Plan, names):
    fn = p.fn
    counts = _counts(fn)
    params, pre, call, results = [], [], [], []
    recv = ''
    fixed = p.fixed
    filled = next((names.params[a.attr('group')] for a in fn.args if a.kind in TYPED_PARAMS - {'typed_params_in'}), None)
    extras = {}     # Go field of the filled struct -> the expression of the output filling it
    for i, a in enumerate(fn.args):
        n, k = goname(a.name), a.kind
        gn = 'c' + camel(a.name)
        if a.name in counts:
            sized = next((x for x in fn.args if x.kind == 'struct_out' and x.attr('size') == a.name), None)
            sliced = next((x for x in fn.args if x.kind in ('string_array_in', 'buffer_in')
                           and a.name in (x.attr('count'), x.attr('size'))), None)
            typed = next((x for x in fn.args if x.kind in TYPED_PARAMS and x.attr('count') == a.name), None)
            if typed:
                n = 'c%sN' % camel(typed.name)
                call.append('%s(%s)' % (C_GO[a.ctype], n) if typed.kind == 'typed_params_in' else '&' + n)
            elif sized:
                call.append('C.size_t(unsafe.Sizeof(c%s))' % camel(sized.name))
            elif sliced:
                call.append('%s(len(%s))' % (C_GO.get(a.ctype, 'C.int'), goname(sliced.name)))
            else:
                call.append('C.int(max)')
            continue
        if a.name in fixed:
            # libvirt-go-module passes a fixed value here
            call.append('%s(%s)' % (C_GO.get(a.ctype, 'C.uint'), fixed[a.name]))
            continue
        if k == 'object':
            t = TYPES[a.ctype]
            if i == 0 and p.recv == t:
                recv = '(o *%s) ' % t
                call.append('o.cptr()')
            else:
                params.append('%s *%s' % (n, t))
                call.append('%s.cptr()' % n)
        elif k == 'flags':
            params.append('%s %s' % (n, enum_type(a.attr('enum'), names) if a.attr('enum') else 'uint32'))
            call.append('C.uint(%s)' % n)
        elif k == 'in' and a.name in BOOLEANS:
            params.append('%s bool' % n)
            pre += ['var %s C.int' % gn, 'if %s {' % n, '\t%s = 1' % gn, '}']
            call.append(gn)
        elif k == 'in':
            params.append('%s %s' % (n, enum_type(a.attr('enum'), names) if a.attr('enum') else GO_SCALAR[a.ctype]))
            call.append('%s(%s)' % (C_GO[a.ctype], n))
        elif k in ('string', 'uuid_string') and nullable_string(a):
            # "" is NULL where C takes NULL, as in libvirt-go-module
            params.append('%s string' % n)
            pre += ['var %s *C.char' % gn, 'if %s != "" {' % n, '\t%s = C.CString(%s)' % (gn, n),
                    '\tdefer C.free(unsafe.Pointer(%s))' % gn, '}']
            call.append(gn)
        elif k in ('string', 'uuid_string'):
            params.append('%s string' % n)
            pre += ['%s := C.CString(%s)' % (gn, n), 'defer C.free(unsafe.Pointer(%s))' % gn]
            call.append(gn)
        elif k == 'string_array_in':
            params.append('%s []string' % n)
            # C strings in Go memory: a slice holding C pointers may be passed to C
            pre += ['%s := make([]*C.char, len(%s), len(%s)+1)' % (gn, n, n), 'for i, s := range %s {' % n,
                    '\t%s[i] = C.CString(s)' % gn, '\tdefer C.free(unsafe.Pointer(%s[i]))' % gn, '}']
            if not a.attr('count'):
                pre.append('%s = append(%s, nil)    // NULL-terminated' % (gn, gn))
            pre += ['var %sPtr **C.char' % gn, 'if len(%s) > 0 {' % gn, '\t%sPtr = &%s[0]' % (gn, gn), '}']
            call.append('%sPtr' % gn)
        elif k == 'buffer_in':
            params.append('%s []byte' % n)
            ctype = a.ctype.replace('const ', '').replace(' *', '')
            pre += ['var %s *C.%s' % (gn, {'unsigned char': 'uchar'}.get(ctype, ctype)), 'if len(%s) > 0 {' % n,
                    '\t%s = (*C.%s)(unsafe.Pointer(&%s[0]))' % (gn, {'unsigned char': 'uchar'}.get(ctype, ctype), n), '}']
            call.append(gn)
        elif k == 'array_out':
            elem = pointee(a.ctype)
            count = goname(a.attr('count'))
            # never empty, whatever the count: C gets a pointer and judges the count itself
            pre += ['%s := make([]%s, max(%s, 0)+1)' % (gn, C_GO[elem], count)]
            call.append('&%s[0]' % gn)
            results.append(('[]%s' % GO_SCALAR[elem], 'ARR:%s:%s' % (gn, GO_SCALAR[elem]), a.name))
        elif k == 'buffer_out':
            size = goname(a.attr('size'))
            # a size Go cannot allocate is refused before C is called (libvirt's own limit is lower)
            pre += ['if uint64(%s) >= 1<<31 {' % size, '\treturn @ZERO@invalidArg("%s")' % size, '}',
                    '%s := make([]byte, %s+1)' % (gn, size)]
            call.append('unsafe.Pointer(&%s[0])' % gn if a.ctype == 'void *' else '(*C.%s)(unsafe.Pointer(&%s[0]))' % (
                {'unsigned char *': 'uchar', 'char *': 'char'}[a.ctype], gn))
            results.append(('[]byte', '%s[:%s]' % (gn, size), a.name))
        elif k == 'uuid_in':
            params.append('%s []byte' % n)
            pre += ['if len(%s) != C.VIR_UUID_BUFLEN {' % n,
                    '\treturn @ZERO@invalidArg("%s")' % n, '}',
                    '%s := (*C.uchar)(C.CBytes(%s))' % (gn, n), 'defer C.free(unsafe.Pointer(%s))' % gn]
            call.append(gn)
        elif k == 'out':
            t = pointee(a.ctype)
            pre.append('var %s %s' % (gn, C_GO[t]))
            call.append('&' + gn)
            if filled and camel(a.name) in filled.extra:
                extras[camel(a.name)] = '%s(%s)' % (filled.extra[camel(a.name)], gn)
            elif a.name in BOOLEANS:
                results.append(('bool', '%s != 0' % gn, a.name))
            else:
                gt = enum_type(a.attr('enum'), names) if a.attr('enum') else GO_SCALAR[t]
                results.append((gt, '%s(%s)' % (gt, gn), a.name))
        elif k == 'struct_out':
            st = api.struct_of(a.ctype)
            pre.append('var %s C.%s' % (gn, st))
            call.append('&' + gn)
            fields = []
            # a C struct libvirt-go-module gives as a typed-parameter struct: every field is Set,
            # except a signed one at -1 (libvirt's "not available")
            pstruct = names.param_struct(_struct_go(api, st))
            for fname, ftype, enum in api.struct_fields(st):
                gt = struct_field_type(names, st, fname, ftype, enum)
                gf, cf = struct_field_go(names, st, fname), '%s.%s' % (gn, cfield(fname))
                if gt == 'string':
                    fields.append('%s: C.GoString(&%s[0])' % (gf, cf) if '[' in ftype else '%s: C.GoString(%s)' % (gf, cf))
                elif gt == 'bool':
                    fields.append('%s: %s != 0' % (gf, cf))
                else:
                    fields.append('%s: %s(%s)' % (gf, gt, cf))
                if st in names.set_flags or pstruct and gf not in pstruct.extra:
                    fields.append('%sSet: %s' % (gf, '%s != -1' % cf if gt in ('int', 'int64') else 'true'))
            results.append(('*' + _struct_go(api, st), '&%s{%s}' % (_struct_go(api, st), ', '.join(fields)), a.name))
        elif k == 'typed_params_in':
            st = names.params[a.attr('group')]
            if a.attr('group') in names.by_value:
                params.append('%s %s' % (n, st.name))
                pre.append('%s, %sN := typedParamsToC(%s.typedParams())' % (gn, gn, n))
            else:
                params.append('%s *%s' % (n, st.name))
                pre += ['var %sFields []typedParam' % gn, 'if %s != nil {' % n, '	%sFields = %s.typedParams()' % (gn, n),
                        '}', '%s, %sN := typedParamsToC(%sFields)' % (gn, gn, gn)]
            pre.append('defer C.virTypedParamsFree(%s, %sN)' % (gn, gn))
            call.append(gn)
        elif k == 'typed_params_alloc':
            pre += ['var %s C.virTypedParameterPtr' % gn, 'var %sN C.int' % gn,
                    'defer func() { C.virTypedParamsFree(%s, %sN) }()' % (gn, gn)]
            call.append('&' + gn)
            results.append(('*' + filled.name, 'PARAMS:%s:%s' % (gn, filled.name), a.name))
        elif k == 'typed_params_fill':
            # libvirt's protocol: a first call with no array tells how many parameters there are
            pre += ['var %sN C.int' % gn, '@FILL:%s@' % gn, '%s := typedParamsAlloc(%sN)' % (gn, gn),
                    'defer func() { C.virTypedParamsFree(%s, %sN) }()' % (gn, gn)]
            call.append(gn)
            results.append(('*' + filled.name, 'PARAMS:%s:%s' % (gn, filled.name), a.name))
        elif k == 'uuid_out':
            pre.append('%s := make([]byte, C.VIR_UUID_BUFLEN)' % gn)
            call.append('(*C.uchar)(unsafe.Pointer(&%s[0]))' % gn)
            results.append(('[]byte', gn, a.name))
        elif k == 'uuid_string_out':
            pre.append('var %s [C.VIR_UUID_STRING_BUFLEN]C.char' % gn)
            call.append('&%s[0]' % gn)
            results.append(('string', 'C.GoString(&%s[0])' % gn, a.name))
        elif k in ('names_out', 'ids_out'):
            elem = 'C.int' if k == 'ids_out' else '*C.char'
            pre.append('var %s []%s' % (gn, elem))
            call.append('&%s[0]' % gn)
            results.append(('[]string' if k == 'names_out' else '[]uint32', 'LIST:%s:%s' % (gn, k), a.name))
        elif k == 'object_list_out':
            t = TYPES[a.ctype.replace('*', '').strip()]
            pre.append('var %s *C.%s' % (gn, a.ctype.replace('*', '').strip()))
            call.append('&' + gn)
            results.append(('[]%s' % t, 'OBJS:%s:%s' % (gn, t), a.name))
        elif k == 'string_list_out':
            pre.append('var %s **C.char' % gn)
            call.append('&' + gn)
            results.append(('[]string', 'STRS:%s' % gn, a.name))
        elif k == 'string_out':
            pre.append('var %s *C.char' % gn)
            call.append('&' + gn)
            results.append(('string', 'STR:%s' % gn, a.name))
        else:
            raise BindingError('%s: %s' % (fn.name, k))
    ret = fn.ret
    has_list = any(r[1].startswith(('LIST:', 'OBJS:', 'STRS:', 'ARR:')) for r in results)
    rk = ret.kind
    if rk in ('count', 'int') and not has_list and not results:
        results.insert(0, ('int', 'int(ret)', 'ret'))
    elif rk == 'bool':
        results.insert(0, ('bool', 'ret == 1', 'ret'))
    elif rk == 'id':
        results.insert(0, ('uint', 'uint(ret)', 'ret'))
    elif rk in ('ulong', 'ullong'):
        results.insert(0, ('uint64', 'uint64(ret)', 'ret'))
    elif rk in ('string', 'borrowed_string'):
        results.insert(0, ('string', 'RETSTR', 'ret'))
    elif rk == 'object':
        results.insert(0, ('*%s' % TYPES[ret.ctype], 'new%s(ret)' % TYPES[ret.ctype], 'ret'))
    wrapper = 'C.%sWrapper(%s)' % (fn.name, ', '.join(call + ['&err']))
    zero = _zero_results(results)
    for i, line in enumerate(pre):
        if line.startswith('@FILL:'):
            gn = line[len('@FILL:'):-1]
            first = 'C.%sWrapper(%s)' % (fn.name, ', '.join(['nil' if c == gn else c for c in call] + ['&err']))
            pre[i:i + 1] = ['if ret := %s; %s {' % (first, _failed(fn)), '	return %s' % ', '.join(zero + ['makeError(&err)']), '}']
            break
    body = ['var err C.virError'] + pre
    names_list = next((r for r in results if r[1].startswith('LIST:')), None)
    if names_list:
        gn, k = names_list[1].split(':')[1:]
        elem = 'C.int' if k == 'ids_out' else '*C.char'
        body += ['var ret C.int', 'for max := 64; ; max *= 8 {',
                 '\t%s = make([]%s, max)' % (gn, elem),
                 '\tret = %s' % wrapper,
                 '\tif ret < 0 {', '\t\treturn %s' % ', '.join(zero + ['makeError(&err)']), '\t}',
                 '\tif int(ret) < max || max > 1<<22 {', '\t\tbreak', '\t}']
        if k == 'names_out':
            body += ['\tfor _, s := range %s[:ret] {' % gn, '\t\tC.free(unsafe.Pointer(s))', '\t}']
        body.append('}')
    elif ret.kind == 'void':
        body += [wrapper]      # libvirt-go-module's void functions return nothing
    else:
        body += ['ret := %s' % wrapper]
        if ret.kind in ('id', 'ulong', 'ullong'):
            body.append('if err.code != C.VIR_ERR_OK {')
        else:
            body.append('if %s {' % _failed(fn).replace('NULL', 'nil'))
        body += ['\treturn %s' % ', '.join(zero + ['makeError(&err)']), '}']
    values = []
    for gt, expr, _ in results:
        if expr == 'RETSTR':
            body.append('s := C.GoString(ret)')
            if ret.kind == 'string':
                body.append('C.free(unsafe.Pointer(ret))')
            values.append('s')
        elif expr.startswith('LIST:'):
            gn, k = expr.split(':')[1:]
            v = 'v' + gn
            if k == 'names_out':
                body += ['%s := make([]string, 0, int(ret))' % v, 'for _, s := range %s[:ret] {' % gn,
                         '\t%s = append(%s, C.GoString(s))' % (v, v), '\tC.free(unsafe.Pointer(s))', '}']
            else:
                body += ['%s := make([]uint32, 0, int(ret))' % v, 'for _, id := range %s[:ret] {' % gn,
                         '\t%s = append(%s, uint32(id))' % (v, v), '}']
            values.append(v)
        elif expr.startswith('OBJS:'):
            gn, t = expr.split(':')[1:]
            v = 'v' + gn
            body += ['%s := make([]%s, 0, int(ret))' % (v, t), 'if %s != nil {' % gn,
                     '\tfor _, p := range unsafe.Slice(%s, int(ret)) {' % gn,
                     '\t\t%s = append(%s, *new%s(p))' % (v, v, t), '\t}', '\tC.free(unsafe.Pointer(%s))' % gn, '}']
            values.append(v)
        elif expr.startswith('STRS:'):
            gn = expr.split(':')[1]
            v = 'v' + gn
            body += ['var %s []string' % v, 'if %s != nil {' % gn,
                     '\tfor _, s := range unsafe.Slice(%s, int(ret)) {' % gn,
                     '\t\t%s = append(%s, C.GoString(s))' % (v, v), '\t\tC.free(unsafe.Pointer(s))', '\t}',
                     '\tC.free(unsafe.Pointer(%s))' % gn, '}']
            values.append(v)
        elif expr.startswith('ARR:'):
            gn, gt = expr.split(':')[1:]
            v = 'v' + gn
            body += ['%s := make([]%s, 0, int(ret))' % (v, gt), 'for _, x := range %s[:ret] {' % gn,
                     '\t%s = append(%s, %s(x))' % (v, v, gt), '}']
            values.append(v)
        elif expr.startswith('PARAMS:'):
            gn, sname = expr.split(':')[1:]
            v = 'v' + gn
            body.append('%s := &%s{%s}' % (v, sname, ', '.join('%s: %s' % kv for kv in extras.items())))
            body += ['if e := typedParamsFromC(%s, %sN, %s.typedParams()); e != nil {' % (gn, gn, v),
                     '	return %s' % ', '.join(zero + ['e']), '}']
            values.append(v)
        elif expr.startswith('STR:'):
            gn = expr.split(':')[1]
            body += ['s%s := C.GoString(%s)' % (gn, gn), 'C.free(unsafe.Pointer(%s))' % gn]
            values.append('s' + gn)
        else:
            values.append(expr)
    if releases(p):
        body.append('o.released()')
    elif takes_ref(p):
        body.append('o.ref.extra.Add(1)')
    body = [line.replace('@ZERO@', ''.join(z + ', ' for z in zero)) for line in body]
    void = ret.kind == 'void' and not results
    rtypes = [r[0] for r in results] + ([] if void else ['error'])
    sig = 'func %s%s(%s)%s' % (recv, p.name, ', '.join(params),
                               '' if not rtypes else ' ' + (rtypes[0] if len(rtypes) == 1 else '(%s)' % ', '.join(rtypes)))
    lines = ['// %s calls %s.' % (p.name, fn.name), sig + ' {'] + ['\t' + x for x in body]
    if not void:
        lines.append('\treturn %s' % ', '.join(values + ['nil']))
    lines.append('}')
    return lines, [(name, gt) for gt, _, name in results]


def results(api, p: Plan, names):
    """The Go results of a generated function before its error, as (C output name or 'ret', Go type)."""
    return _go_function(api, p, names)[1]


def nullable_string(a):
    """A string argument C accepts as NULL: the entry point does not refuse NULL for it."""
    return a.kind == 'string' and 'nonnull' not in a.checks


def releases(p):
    """Close and the frees give the object's reference back."""
    s = p.fn.subject
    return bool(s and s.kind == 'object' and p.fn.name in ('virConnectClose', 'vir%sFree' % TYPES[s.ctype]))


def takes_ref(p):
    """Ref takes one more reference, which a later Free or Close gives back."""
    s = p.fn.subject
    return bool(s and s.kind == 'object' and p.fn.name == 'vir%sRef' % TYPES[s.ctype])


def _zero_results(results):
    zeros = []
    for gt, _, _ in results:
        if gt.startswith(('*', '[]')):
            zeros.append('nil')
        elif gt == 'string':
            zeros.append('""')
        elif gt == 'bool':
            zeros.append('false')
        else:
            zeros.append('0')
    return zeros


def missing_handwritten(ps, module_dir):
    """The hand-written functions (api/bindings.yaml) that no hand-written Go file of the module defines."""
    code = ''.join(open(f).read() for f in glob.glob(os.path.join(module_dir, '*.go'))
                   if os.path.basename(f) not in MODULE_FILES and not f.endswith('_test.go'))
    return ['%s (%s%s)' % (p.fn.name, p.recv + '.' if p.recv else '', p.name) for p in ps if p.status == 'handwritten'
            and not re.search(r'^func %s%s\(' % (r'\(\w+ \*%s\) ' % p.recv if p.recv else '', p.name), code, re.M)]


# The generated files of the committed module.
MODULE_FILES = ('libvirt_generated.go', 'libvirt_callbacks_generated.go', 'libvirt_wrappers.h', 'libvirt_wrappers.c')


def module_files(api: Api, api_dir):
    """{file name: text} of the generated part of bindings/go."""
    rules = load_rules(api_dir)
    ps = plans(api, rules)
    callbacks = emit_callbacks(api, ps, rules)
    h, c = emit_c(ps, callbacks)
    return {'libvirt_generated.go': emit_go(api, ps, GoNames(api, rules)),
            'libvirt_callbacks_generated.go': emit_callbacks_go(callbacks),
            'libvirt_wrappers.h': h, 'libvirt_wrappers.c': c}, ps


def emit(api: Api, api_dir, write):
    """Writes the generated files of bindings/go into the build tree, where a test compares
    them with the committed ones."""
    files, ps = module_files(api, api_dir)
    for name, text in files.items():
        write('go/' + name, text)
    write('go/exposure.txt', ''.join('%s\t%s\t%s\t%s\t%s\n' % (p.fn.name, p.status, p.recv or '', p.name, p.reason)
                                     for p in ps))
