"""include/libvirt/*.h: libvirt's public headers, declared from the description."""
from __future__ import annotations

from .model import Api, Header
from .vocabulary import c_decl, struct_ptr_name

UMBRELLA = {'libvirt': 'libvirt', 'libvirt-qemu': 'libvirt-qemu', 'libvirt-lxc': 'libvirt-lxc'}


def _enum_value(api: Api, value, flags: bool) -> str:
    v = api.resolve(value)
    if v >= 2 ** 31:
        return '0x%XU' % v    # as libvirt's 1U << 31 members: an unsigned enumerator (a GNU C extension)
    if flags and v > 0:
        return '0x%x' % v
    return str(v)


def sentinel(api: Api, enum: dict):
    """libvirt's VIR_*_LAST member counting an enum's values, hidden unless
    VIR_ENUM_SENTINELS is defined; None when the enum has none."""
    values = {n: api.resolve(v) for n, v in enum['values'].items()}
    top = max(values, key=lambda n: values[n])
    others = [v for n, v in values.items() if n != top]
    if top.endswith('_LAST') and all(v < values[top] for v in others):
        return top
    return None


def _callback_order(callbacks: dict) -> list:
    """Callback typedefs that take other callbacks come after them."""
    done, order = set(), []

    def visit(name, depth=0):
        if name in done or depth > len(callbacks):
            return
        for a in callbacks[name]['args']:
            (t,) = a.values()
            if t in callbacks:
                visit(t, depth + 1)
        done.add(name)
        order.append(name)
    for name in callbacks:
        visit(name)
    return order


def _header(api: Api, h: Header) -> str:
    out = []
    w = out.append
    for hd in h.handles:
        w('typedef struct _%s %s;' % (hd['name'], hd['name']))
        w('typedef %s *%sPtr;' % (hd['name'], hd['name']))
    for name, s in h.structs.items():
        if 'alias' in s:
            w('typedef %s %s;' % (s['alias'], name))
        else:
            w('typedef struct %s %s;' % (s.get('tag', '_' + name), name))
        w('typedef %s *%s;' % (name, struct_ptr_name(name)))
    for t in h.typedefs:
        w('typedef %s %s;' % (t['type'], t['name']))
    if out:
        w('')
    for name, e in h.enums.items():
        w('typedef enum {')
        last = sentinel(api, e)
        for vname, value in e['values'].items():
            if vname == last:
                w('#ifdef VIR_ENUM_SENTINELS')
            w('    %s = %s,' % (vname, _enum_value(api, value, e.get('flags'))))
            if vname == last:
                w('#endif')
        w('} %s;' % name)
        w('')
    for m in h.macros:
        head = m['name'] + ('(%s)' % ', '.join(m['params']) if 'params' in m else '')
        if 'string' in m:
            w('#define %s "%s"' % (head, m['string'].replace('\\', '\\\\').replace('"', '\\"')))
        else:
            w('#define %s %s' % (head, m['value']))
    if h.macros:
        w('')
    for name in _callback_order(h.callbacks):
        c = h.callbacks[name]
        args = ', '.join(c_decl(t, n) for a in c['args'] for n, t in a.items()) or 'void'
        w('typedef %s (*%s)(%s);' % (c['ret'], name, args))
    if h.callbacks:
        w('')
    for name, s in h.structs.items():
        if 'alias' in s:
            continue
        w('struct %s {' % s.get('tag', '_' + name))
        for field in s['fields']:
            (fname, ftype), = field.items()
            if isinstance(ftype, dict):
                w('    union {')
                for uname, utype in ftype['union']:
                    w('        %s;' % c_decl(utype, uname))
                w('    } %s;' % fname)
            else:
                w('    %s;' % c_decl(ftype, fname))
        w('};')
        w('')
    for v in h.variables:
        w('extern %s;' % c_decl(v['type'], v['name']))
    for f in h.functions:
        args = ', '.join(c_decl(a.ctype, a.name) for a in f.args) or 'void'
        w('%s %s(%s);' % (f.ret.ctype, f.name, args))
    return '\n'.join(out)


def emit(api: Api, write):
    for h in api.headers:
        body = _header(api, h)
        includes = ''
        if h.name == 'virterror' or h.library != 'libvirt':
            includes = '#include <libvirt/libvirt.h>\n'
        write('include/libvirt/%s.h' % h.name, f'''/* {h.name}.h: generated from api/ by generator/vhgen/emit_header.py. Do not edit. */
#ifndef {h.guard}
#define {h.guard}

{includes}#ifdef __cplusplus
extern "C" {{
#endif

{body}

#ifdef __cplusplus
}}
#endif

#endif /* {h.guard} */
''')
    parts = [h.name for h in api.headers if h.library == 'libvirt' and h.name != 'virterror']
    inc = '\n'.join('#include <libvirt/%s.h>' % p for p in parts)
    write('include/libvirt/libvirt.h', f'''/* libvirt.h: generated from api/ by generator/vhgen/emit_header.py. Do not edit.
 * virthub's libvirt public API, compatible with libvirt 9.0.0. */
#ifndef VIRTHUB_LIBVIRT_H
#define VIRTHUB_LIBVIRT_H

#include <sys/types.h>
#include <stddef.h>

{inc}
#include <libvirt/virterror.h>

#endif /* VIRTHUB_LIBVIRT_H */
''')
