"""The C side of the ABI: entry points, driver tables and the linker version scripts.

Every public function gets one generated entry point, in libvirt's order: reset the last
error, check the object, refuse writes on a read-only connection, check the arguments,
dispatch to the driver (or report VIR_ERR_NO_SUPPORT), dispatch the error. The C++ core is
called inside Entry::run, so no exception ever leaves an extern "C" function.
"""
from __future__ import annotations

import re

from .model import Api, Function, HANDLES, NODE_PREFIX, TABLES, slot_owner, version_key
from .vocabulary import COLLECTIONS, RECORD_LISTS, c_decl, is_collection, pointee

GENERATED = 'generated from api/ by generator/vhgen/emit_capi.py. Do not edit.'


def _handle_struct(ctype):
    return '_' + ctype[:-3]


def _consumed(fn: Function):
    """Count arguments folded into a collection or a span: the driver does not see them."""
    used = set()
    for a in fn.args:
        if a.kind in ('names_out', 'ids_out'):
            used.add(a.attr('max'))
        if a.kind in ('typed_params_in', 'typed_params_fill', 'typed_params_alloc'):
            used.add(a.attr('count'))
    return used


def collection(fn: Function):
    return next((a for a in fn.args if is_collection(a)), None)


def driver_result_type(fn: Function) -> str:
    c = collection(fn)
    if c:
        if c.kind == 'object_list_out':
            return 'std::vector<vh::Ref<%s>>' % _handle_struct(c.ctype.split()[0])
        if c.kind == 'struct_list_out':
            return RECORD_LISTS[c.ctype]
        return COLLECTIONS[c.kind]
    r = fn.ret
    return {
        'status': 'void', 'void': 'void', 'count': 'int', 'bool': 'int', 'int': 'int',
        'string': 'std::string', 'borrowed_string': 'const char *', 'id': 'unsigned int',
        'ulong': 'unsigned long', 'ullong': 'unsigned long long', 'buffer': 'unsigned char *',
    }.get(r.kind) or ('vh::Ref<%s>' % r.handle if r.kind == 'object' else r.ctype)


def driver_params(fn: Function):
    """(C++ type, name) of each parameter of fn's driver slot (fn must own the slot)."""
    consumed = _consumed(fn)
    out = []
    for a in fn.args:
        if a.name in consumed or is_collection(a):
            continue
        if a.kind == 'out' or (a.kind == 'struct_out' and not a.attr('size')):
            out.append((pointee(a.ctype) + ' &', a.name))
        elif a.kind == 'typed_params_in':
            out.append(('vh::TypedParamSpan ', a.name))
        elif a.kind == 'uuid_string':
            out.append(('const unsigned char *', a.attr('as')))
        else:
            out.append((a.ctype if a.ctype.endswith('*') else a.ctype + ' ', a.name))
    return out


def driver_tables(api: Api):
    decls = {t: [] for t in TABLES}
    defs = []
    for f in api.functions:
        if f.impl != 'driver' or f is not slot_owner(api, f):
            continue
        params = driver_params(f)
        rtype = 'vh::Result<%s>' % driver_result_type(f)
        decls[f.table].append('    virtual %s %s(%s);' % (rtype, f.slot, ', '.join(t + n for t, n in params)))
        cls = f.table.capitalize() + 'Driver'
        defs.append('%s %s::%s(%s)\n{\n    return vh::Error::unsupported();\n}\n'
                    % (rtype, cls, f.slot, ', '.join(t.strip() for t, _ in params)))
    classes = []
    for t in TABLES:
        cls = t.capitalize() + 'Driver'
        classes.append('class %s {\npublic:\n    virtual ~%s() = default;\n%s\n};\n' % (cls, cls, '\n'.join(decls[t])))
    header = f'''// driver_tables.h: {GENERATED}
// One class per libvirt driver table; every slot answers VIR_ERR_NO_SUPPORT until a driver
// overrides it.
#pragma once

#include <string>
#include <vector>

#include <libvirt/libvirt-lxc.h>
#include <libvirt/libvirt-qemu.h>

#include "drivers/domain_stats.h"
#include "drivers/handles.h"
#include "util/result.h"
#include "util/typed_params.h"

namespace vh::drv {{

{chr(10).join(classes)}
}} // namespace vh::drv
'''
    source = f'''// driver_tables.cc: {GENERATED}
#include "drivers/driver_tables.h"

namespace vh::drv {{

{chr(10).join(defs)}
}} // namespace vh::drv
'''
    return header, source


class _Body:
    """Builds the statements of one entry point."""

    def __init__(self, api: Api, fn: Function):
        self.api, self.fn = api, fn
        self.checks = []     # conditions that must all hold before the call
        self.temps = []      # declarations inside the lambda
        self.lines = []

    # -- argument checks, in libvirt's order: object, read-only, then arguments
    def object_checks(self):
        fn = self.fn
        subj = fn.subject
        if subj and subj.kind == 'object_array_in':
            self.checks.append('e_.checkList(%s)' % subj.name)
        elif subj:
            self.checks.append('e_.check(%s)' % subj.name)
            if fn.write:
                self.checks.append('e_.writable()')
            if fn.denied_flags:
                self.checks.append('(!(flags & (%s)) || e_.writable("%s with secure flag"))' % (fn.denied_flags, fn.name))
        for a in fn.args[1 if subj else 0:]:
            if a.kind == 'object':
                if a.nullable:
                    self.checks.append('(!%s || e_.checkArg(%s))' % (a.name, a.name))
                else:
                    self.checks.append('e_.checkArg(%s)' % a.name)

    def arg_checks(self):
        for rule in self.fn.flag_rules:
            (how, (a, b)), = rule.items()
            method = {'exclusive': 'exclusiveFlags', 'requires': 'requireFlag'}[how]
            self.checks.append('e_.%s(flags, %s, %s, "%s", "%s")' % (method, a, b, a, b))
        for a in self.fn.args:
            for c in a.checks:
                if c == 'nonnull':
                    self.checks.append('e_.nonNull(%s, "%s")' % (a.name, a.name))
                elif c == 'nonzero':
                    self.checks.append('e_.nonZero(%s, "%s")' % (a.name, a.name))
                elif c == 'positive':
                    self.checks.append('e_.positive(%s, "%s")' % (a.name, a.name))
                elif c == 'deref_positive':
                    self.checks.append('e_.positive(*%s, "*%s")' % (a.name, a.name))
                elif c == 'nonempty':
                    self.checks.append('e_.nonEmpty(%s, "%s")' % (a.name, a.name))
                elif c == 'kib_limit':
                    self.checks.append('e_.kibLimit(%s)' % a.name)
                elif c == 'nonnegative':
                    self.checks.append('e_.nonNegative(%s, "%s")' % (a.name, a.name))
                elif c == 'event_id':
                    last = {'network': 'VIR_NETWORK_EVENT_ID_LAST', 'storage': 'VIR_STORAGE_POOL_EVENT_ID_LAST',
                            'nodedev': 'VIR_NODE_DEVICE_EVENT_ID_LAST', 'secret': 'VIR_SECRET_EVENT_ID_LAST'}
                    self.checks.append('e_.below(%s, %s, "%s")' % (a.name, last.get(self.fn.table, 'VIR_DOMAIN_EVENT_ID_LAST'), a.name))
            if a.kind == 'uuid_string':
                terse = 'uuid_terse' in a.checks
                self.temps.append('unsigned char %s_[VIR_UUID_BUFLEN];' % a.attr('as'))
                self.checks.append('e_.uuid(%s, %s_, "%s", %s)' % (a.name, a.attr('as'), a.name, 'true' if terse else 'false'))
            if a.kind in ('names_out', 'ids_out'):
                self.checks.append('e_.outArray(%s, %s, "%s", "%s")' % (a.name, a.attr('max'), a.name, a.attr('max')))
            if a.attr('path') == 'absolute':    # libvirt resolves relative paths against the caller's cwd
                self.temps.append('std::string %s_abs_ = vh::capi::absolutePath(%s);' % (a.name, a.name))
        # a caller-allocated parameter array: a count of 0 asks how many; otherwise the array
        # must be there (after the count's own checks, as libvirt orders them)
        for a in self.fn.args:
            if a.kind == 'typed_params_fill':
                n = a.attr('count')
                self.checks.append('(!%s || e_.nonNegative(*%s, "*%s"))' % (n, n, n))
                self.checks.append('(!%s || *%s == 0 || e_.nonNull(%s, "%s"))' % (n, n, a.name, a.name))

    # -- the driver call
    def call(self) -> str:
        fn, api = self.fn, self.api
        owner = slot_owner(api, fn)
        mine = {(a.attr('as') or a.name): a for a in fn.args}
        consumed = _consumed(owner)
        args = []
        for oa in owner.args:
            if oa.name in consumed or is_collection(oa):
                continue
            if oa.name in fn.fixed:
                value = fn.fixed[oa.name]
                args.append('nullptr' if value is None else str(value))   # YAML reads NULL as null
                continue
            a = mine[oa.name]
            if a.kind == 'out':
                if 'nonnull' in a.checks:
                    args.append('*%s' % a.name)
                else:
                    self.temps.append('%s %s_tmp_{};' % (pointee(a.ctype), a.name))
                    args.append('(%s ? *%s : %s_tmp_)' % (a.name, a.name, a.name))
            elif a.kind == 'struct_out' and not a.attr('size'):
                args.append('*%s' % a.name)
            elif a.kind == 'typed_params_in':
                args.append('vh::TypedParamSpan(%s, %s)' % (a.name, a.attr('count')))
            elif a.kind == 'uuid_string':
                args.append('%s_' % a.attr('as'))
            elif a.attr('path') == 'absolute':
                args.append('%s_abs_.c_str()' % a.name)
            else:
                args.append(a.name)
        subj = fn.subject
        if fn.table == 'stream':
            target = '%s->driver' % subj.name
        else:
            target = 'e_.conn()->drivers.%s' % fn.table
        return '%s->%s(%s)' % (target, fn.slot, ', '.join(args))

    def result(self, call: str):
        fn = self.fn
        c = collection(fn)
        kind = fn.ret.kind
        if c is None and kind in ('count', 'bool', 'int', 'id', 'ulong', 'ullong', 'borrowed_string', 'buffer'):
            self.lines.append('return %s;' % call)
            return
        self.lines.append('auto r_ = %s;' % call)
        self.lines.append('if (!r_)')
        self.lines.append('    return std::move(r_).error();')
        if c is not None:
            if c.kind in ('names_out', 'ids_out'):
                self.lines.append('return vh::capi::exportArray(*r_, %s, %s);' % (c.name, c.attr('max')))
            elif c.kind in ('object_list_out', 'string_list_out'):
                self.lines.append('return vh::capi::exportList(std::move(*r_), %s);' % c.name)
            elif c.kind == 'typed_params_fill':
                self.lines.append('return vh::capi::fillTypedParams(*r_, %s, %s);' % (c.name, c.attr('count')))
            elif c.kind == 'typed_params_alloc':
                self.lines.append('return vh::capi::exportTypedParams(std::move(*r_), %s, %s);' % (c.name, c.attr('count')))
            elif c.kind == 'struct_list_out':
                self.lines.append('return vh::capi::exportRecords(std::move(*r_), %s);' % c.name)
        elif kind == 'status':
            self.lines.append('return 0;')
        elif kind == 'string':
            self.lines.append('return vh::capi::exportString(*r_);')
        elif kind == 'object':
            self.lines.append('return r_->release();')
        else:
            raise ValueError('%s: no rule to return %s' % (fn.name, kind))


def _driver_entry(api: Api, fn: Function) -> str:
    b = _Body(api, fn)
    b.object_checks()
    b.arg_checks()
    call = b.call()
    b.result(call)
    ret = fn.ret.ctype
    err = fn.ret.error_value
    pre = ''
    if b.checks:
        pre = '    if (!(%s))\n        return %s;\n' % ('\n          && '.join(b.checks), err)
    inner = ('_tmp_', '_abs_')    # locals of the call itself; parsed UUIDs are needed by the checks
    temps = ''.join('        %s\n' % t for t in b.temps if any(m in t for m in inner))
    outer = ''.join('    %s\n' % t for t in b.temps if not any(m in t for m in inner))
    pre = outer + pre
    body = ''.join('        %s\n' % l for l in b.lines)
    return f'''{ret} {fn.name}({", ".join(c_decl(a.ctype, a.name) for a in fn.args) or "void"})
{{
    vh::capi::Entry e_("{fn.name}", {fn.error_domain});
{pre}    return e_.run<{ret}>({err}, [&]() -> vh::Result<{ret}> {{
{temps}{body}    }});
}}
'''


# Accessors on handle fields, shared by every object type.
ACCESSORS = {
    'Free': ('int', 'h->unref();\n        return 0;'),
    'Ref': ('int', 'h->ref();\n        return 0;'),
    'GetName': (None, 'return h->name.c_str();'),
    'GetID': (None, 'return h->id < 0 ? (unsigned int)-1 : (unsigned int)h->id;'),
    'GetMACString': (None, 'return h->mac.c_str();'),
    'GetKey': (None, 'return h->key.c_str();'),
    'GetUsageType': (None, 'return h->usageType;'),
    'GetUsageID': (None, 'return h->usageID.c_str();'),
    'GetPortDev': (None, 'return h->portdev.c_str();'),
    'GetFilterName': (None, 'return h->filtername.c_str();'),
    'GetConnect': (None, 'return h->connect();'),
    'GetDomain': (None, 'return h->domain.get();'),
    'GetNetwork': (None, 'return h->net.get();'),
    'GetUUID': (None, 'memcpy(uuid, h->uuid, VIR_UUID_BUFLEN);\n        return 0;'),
    'GetUUIDString': (None, 'vh::uuidFormat(h->uuid, buf);\n        return 0;'),
}


def _handle_entry(api: Api, fn: Function) -> str:
    subj = fn.subject
    suffix = next(s for s in sorted(ACCESSORS, key=len, reverse=True) if fn.name.endswith(s))
    stmt = ACCESSORS[suffix][1]
    ret, err = fn.ret.ctype, fn.ret.error_value
    b = _Body(api, fn)
    b.object_checks()
    b.arg_checks()
    checks = '\n          && '.join(b.checks)
    return f'''{ret} {fn.name}({", ".join(c_decl(a.ctype, a.name) for a in fn.args)})
{{
    vh::capi::Entry e_("{fn.name}", {fn.error_domain});
    if (!({checks}))
        return {err};
    auto *h = {subj.name};
    return e_.run<{ret}>({err}, [&]() -> vh::Result<{ret}> {{
        {stmt}
    }});
}}
'''


def entry_points(api: Api, library: str) -> str:
    bodies = []
    for f in api.library_functions(library):
        if f.impl == 'driver':
            bodies.append(_driver_entry(api, f))
        elif f.impl == 'handle':
            bodies.append(_handle_entry(api, f))
    return f'''// {library} entry points: {GENERATED}
#include <cstring>

#include "capi/entry.h"
#include "capi/export.h"
#include "drivers/driver_tables.h"
#include "util/uuid.h"

extern "C" {{

{chr(10).join(bodies)}
}} // extern "C"
'''


def version_script(api: Api, library: str) -> str:
    prefix = NODE_PREFIX[library]
    nodes = {}
    for f in api.library_functions(library):
        nodes.setdefault(f.since, []).append(f.name)
    for h in api.headers:
        if h.library == library:
            for v in h.variables:
                nodes.setdefault(str(v['since']), []).append(v['name'])
    out = ['# %s.syms: %s' % (library, GENERATED)]
    prev = None
    for i, since in enumerate(sorted(nodes, key=version_key)):
        out.append('%s%s {' % (prefix, since))
        out.append('    global:')
        out += ['        %s;' % n for n in sorted(nodes[since])]
        if i == 0:
            out.append('    local:')
            out.append('        *;')
        out.append('}%s;' % (' ' + prev if prev else ''))
        prev = prefix + since
    if library == 'libvirt':
        # libvirt-qemu.so.0 and libvirt-lxc.so.0 are thin entry points over this library's
        # core, as libvirt's are over its LIBVIRT_PRIVATE_* symbols.
        out += ['LIBVIRT_PRIVATE_%s {' % prev[len(prefix):], '    global:', '        extern "C++" {',
                '            vh::capi::*;',
                '        };', '} %s;' % prev]
    return '\n'.join(out) + '\n'


def every_function_test(api: Api) -> str:
    """A C program that takes the address of every described function and variable through
    the public headers (a missing declaration fails to compile, a missing export to link) and
    looks each up in its exact version node with dlvsym."""
    rows = []
    for library in ('libvirt', 'libvirt-qemu', 'libvirt-lxc'):
        for f in sorted(api.library_functions(library), key=lambda f: f.name):
            rows.append('    {"%s", "%s", "%s", (any_fn)%s, NULL},' % (library, f.name, f.version_node, f.name))
        prefix = NODE_PREFIX[library]
        for h in api.headers:
            if h.library == library:
                for v in h.variables:
                    rows.append('    {"%s", "%s", "%s%s", NULL, (const void *)&%s},' % (
                        library, v['name'], prefix, v['since'], v['name']))
    return f'''/* every_function.c: {GENERATED} */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt-lxc.h>

typedef void (*any_fn)(void);

static const struct {{
    const char *library;
    const char *name;
    const char *node;
    any_fn fn;          /* a function's address through its declaration */
    const void *var;    /* or a variable's */
}} kSymbols[] = {{
{chr(10).join(rows)}
}};

int main(void)
{{
    const char *sonames[] = {{"libvirt.so.0", "libvirt-qemu.so.0", "libvirt-lxc.so.0"}};
    const char *libraries[] = {{"libvirt", "libvirt-qemu", "libvirt-lxc"}};
    void *handles[3];
    size_t n = sizeof(kSymbols) / sizeof(kSymbols[0]), failures = 0, i;
    int l;
    for (l = 0; l < 3; l++) {{
        handles[l] = dlopen(sonames[l], RTLD_NOW | RTLD_NOLOAD);
        if (!handles[l]) {{
            fprintf(stderr, "FAIL %s is not loaded: %s\\n", sonames[l], dlerror());
            return 1;
        }}
    }}
    for (i = 0; i < n; i++) {{
        void *versioned = NULL;
        const void *direct = kSymbols[i].fn ? (const void *)(size_t)kSymbols[i].fn : kSymbols[i].var;
        for (l = 0; l < 3; l++)
            if (strcmp(kSymbols[i].library, libraries[l]) == 0)
                versioned = dlvsym(handles[l], kSymbols[i].name, kSymbols[i].node);
        if (!direct || !versioned || versioned != direct) {{
            fprintf(stderr, "FAIL %s: %s@%s %s\\n", kSymbols[i].library, kSymbols[i].name, kSymbols[i].node,
                    !versioned ? "is not exported in that node" : "differs from the declared symbol");
            failures++;
        }}
    }}
    printf("capi.every_function: %zu symbols, %zu wrong\\n", n, failures);
    return failures ? 1 : 0;
}}
'''


def layout_test(api: Api) -> str:
    """A C program printing the size of every described struct and the offset of each field:
    run against libvirt's headers it records the layout, against ours it must print the same."""
    lines = []
    for h in api.headers:
        for name, st in h.structs.items():
            if 'alias' in st:
                continue
            lines.append('    printf("%%s %%zu\\n", "%s", sizeof(%s));' % (name, name))
            for field in st['fields']:
                (fname, _), = field.items()
                lines.append('    printf("%%s %%zu\\n", "%s.%s", offsetof(%s, %s));' % (name, fname, name, fname))
    return f'''/* layout.c: {GENERATED} */
/* it reads the fields libvirt marks deprecated too (virError's conn, dom, net) */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <stddef.h>
#include <stdio.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt-lxc.h>

int main(void)
{{
{chr(10).join(lines)}
    return 0;
}}
'''


def error_tables(api: Api) -> str:
    msgs = []
    for code, (bare, info) in api.error_messages.items():
        msgs.append('    {%s, "%s", "%s"},' % (code, bare.replace('"', '\\"'), info.replace('"', '\\"')))
    doms = ['    {%s, "%s"},' % (d, n) for d, n in api.error_domain_names.items()]
    return f'''// error_tables.cc: {GENERATED}
#include "util/error.h"

#include <libvirt/virterror.h>

namespace vh {{

const ErrorMessage kErrorMessages[] = {{
{chr(10).join(msgs)}
    {{-1, nullptr, nullptr}},
}};

const ErrorDomainName kErrorDomainNames[] = {{
{chr(10).join(doms)}
    {{-1, nullptr}},
}};

}} // namespace vh
'''


def emit(api: Api, write):
    header, source = driver_tables(api)
    write('core/drivers/driver_tables.h', header)
    write('core/drivers/driver_tables.cc', source)
    for lib in ('libvirt', 'libvirt-qemu', 'libvirt-lxc'):
        write('capi/%s_entry.cc' % lib.replace('-', '_'), entry_points(api, lib))
        write('%s.syms' % lib, version_script(api, lib))
    write('core/util/error_tables.cc', error_tables(api))
    write('tests/every_function.c', every_function_test(api))
    write('tests/layout.c', layout_test(api))
