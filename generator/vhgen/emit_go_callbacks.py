"""Callbacks in the Go binding: event registrations per event ID (conn.DomainEventLifecycleRegister
and the like), the event loop's timeouts and handles, close and stream callbacks.

A Go callback travels as a cgo.Handle in C-allocated memory (never a Go pointer): a C trampoline
of the callback's C type hands its arguments and the handle to an exported Go function, which
calls the Go callback; libvirt's free function deletes the handle.
"""
from __future__ import annotations

import re

from .model import HANDLES

TYPES = {t: short for t, (short, _, _) in HANDLES.items()}
C_ARG_GO = {'int': 'C.int', 'unsigned int': 'C.uint', 'long long': 'C.longlong',
            'unsigned long long': 'C.ulonglong', 'const char *': '*C.char'}
GO_OF_C = {'int': 'int', 'unsigned int': 'uint', 'long long': 'int64', 'unsigned long long': 'uint64',
           'const char *': 'string'}
ACRONYMS = {'RTC', 'IO'}


class Unsupported(Exception):
    pass


def id_name(event_id):
    """VIR_DOMAIN_EVENT_ID_RTC_CHANGE -> RTCChange, VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK -> PMSuspendDisk."""
    words = event_id.split('_ID_', 1)[1].split('_')
    out = ''
    for w in words:
        if w in ACRONYMS:
            out += w
        elif w.startswith('PM'):
            out += 'PM' + w[2:].capitalize()
        else:
            out += w.capitalize()
    return out


def cb_args(api, cb_type):
    """(name, C type, enum) of a callback's arguments, its opaque left out."""
    cb = api.callbacks[cb_type]
    enums = cb.get('enums', {})
    out = []
    for a in cb['args']:
        (n, t), = a.items()
        if t == 'void *':
            continue
        out.append((n, t, enums.get(n)))
    return out


def go_callback_type(cb_type, rules):
    override = rules.get('callback_names', {}).get(cb_type)
    if override:
        return override
    m = re.match(r'virConnect(\w+)Callback$', cb_type)
    if m:
        name = m.group(1)
        return ('DomainEventLifecycle' if name == 'DomainEvent' else name) + 'Callback'
    return cb_type[3:]


def event_struct(cb_type):
    """The Go struct an event callback receives (None for a generic event)."""
    m = re.match(r'virConnect(\w+)Callback$', cb_type)
    name = m.group(1)
    if name == 'DomainEvent':
        return 'DomainEventLifecycle'
    return None if name.endswith('Generic') else name


def is_event(api, cb_type):
    args = cb_args(api, cb_type)
    return (cb_type.startswith('virConnect') and len(args) >= 2 and args[0][1] == 'virConnectPtr'
            and args[1][1] in HANDLES)


def plain_params(api, cb_type, enum_type):
    """The Go parameter types of a plain callback (one that is not an event), in order."""
    out = []
    for n, t, e in cb_args(api, cb_type):
        if t in HANDLES:
            out.append('*' + TYPES[t])
        elif e:
            out.append(enum_type(e))
        else:
            out.append(GO_OF_C[t])
    return out


def _field(n):
    return {'nsuri': 'NSURI'}.get(n, n[0].upper() + n[1:])


def check(api, cb_type, rules=None):
    """Raises Unsupported when a callback passes an argument Go does not convert yet (an event
    whose payload is converted by hand, api/bindings.yaml's go.event_payloads, passes anything)."""
    if rules and cb_type in rules.get('event_payloads', {}):
        return
    for n, t, e in cb_args(api, cb_type):
        if t not in HANDLES and t not in C_ARG_GO:
            raise Unsupported('callback %s passes %s' % (cb_type, t))


class Emitter:
    def __init__(self, api, rules, enum_type):
        self.api = api
        self.rules = rules
        self.enum_type = enum_type          # C enum -> Go type
        self.c = []                         # trampolines and registration helpers
        self.h = []
        self.go = []
        self.exports = []
        self.done = set()

    def go_type(self, t, enum):
        if enum:
            return self.enum_type(enum)
        if t in GO_OF_C:
            return GO_OF_C[t]
        raise Unsupported('callback argument of type %s' % t)

    def trampoline(self, cb_type):
        """The C trampoline, the exported Go function and the Go callback type, once per type."""
        if cb_type in self.done:
            return
        check(self.api, cb_type, self.rules)
        self.done.add(cb_type)
        payload = self.rules.get('event_payloads', {}).get(cb_type)
        cb = self.api.callbacks[cb_type]
        args = cb_args(self.api, cb_type)
        params = ', '.join(('%s%s' if t.endswith('*') else '%s %s') % (t, n) for n, t, _ in args)
        ret = cb['ret']
        export = 'vhGo_' + cb_type
        # the exported Go function's C prototype has no const
        call = ', '.join(['(%s)%s' % (t.replace('const ', ''), n) if t.startswith('const ') else n for n, t, _ in args] +
                         ['*(uintptr_t *)opaque'])
        self.c += ['static %s vh_on_%s(%s%svoid *opaque)' % (ret, cb_type, params, ', ' if params else ''), '{',
                   '    %s(%s);' % (export, call)] + (['    return 0;'] if ret != 'void' else []) + ['}', '']
        # the exported Go function
        gparams = ['%s %s' % (n + '_', 'C.' + t if t in HANDLES else C_ARG_GO.get(t) or _c_go(t)) for n, t, _ in args]
        gname = go_callback_type(cb_type, self.rules)
        body = ['rec := cgo.Handle(h).Value().(*callbackRecord)']
        values = []
        for n, t, e in args:
            v = n + '_'
            if t == 'virConnectPtr':
                values.append('rec.conn')
            elif t in HANDLES:
                short = TYPES[t]
                ref = 'vir%sRef' % short
                body.append('C.%s(%s)' % (ref, v))
                values.append('new%s(%s)' % (short, v))
            elif t == 'const char *':
                values.append('C.GoString(%s)' % v)
            elif payload:
                values.append(v)        # the hand-written payload converts it
            else:
                values.append('%s(%s)' % (self.go_type(t, e), v))
        if is_event(self.api, cb_type):
            struct = event_struct(cb_type)
            if struct and payload:
                invoke = 'rec.cb.(%s)(%s, %s, %s(%s))' % (gname, values[0], values[1], payload, ', '.join(values[2:]))
                self.go += ['type %s func(c *Connect, o *%s, event *%s)' % (gname, TYPES[args[1][1]], struct), '']
            elif struct:
                fields = ['%s: %s' % (_field(n), val) for (n, _, _), val in zip(args[2:], values[2:])]
                invoke = 'rec.cb.(%s)(%s, %s, &%s{%s})' % (gname, values[0], values[1], struct, ', '.join(fields))
                if struct not in self.done:
                    self.done.add(struct)
                    self.go += ['// %s is what a %s receives.' % (struct, gname), 'type %s struct {' % struct]
                    self.go += ['\t%s %s' % (_field(n), self.go_type(t, e)) for n, t, e in args[2:]] + ['}', '']
                self.go += ['type %s func(c *Connect, o *%s, event *%s)' % (gname, TYPES[args[1][1]], struct), '']
            else:
                invoke = 'rec.cb.(%s)(%s, %s)' % (gname, values[0], values[1])
                self.go += ['type %s func(c *Connect, o *%s)' % (gname, TYPES[args[1][1]]), '']
        else:
            invoke = 'rec.cb.(%s)(%s)' % (gname, ', '.join(values))
            sig = ', '.join('%s %s' % (n if n != 'fd' else 'file', '*' + TYPES[t] if t in HANDLES else self.go_type(t, e))
                            for n, t, e in args)
            self.go += ['type %s func(%s)' % (gname, sig), '']
        body.append(invoke)
        self.exports += ['//export %s' % export,
                         'func %s(%s) {' % (export, ', '.join(gparams + ['h C.uintptr_t']))] + [
            '\t' + x for x in body] + ['}', '']

    def plain_registration(self, fn, recv, name, go_param):
        """A call that takes a callback with its opaque and free function (virEventAddTimeout):
        the Go method takes the Go callback; an unregistration passes the trampoline back."""
        cb = next(a for a in fn.args if a.kind == 'callback')
        self.trampoline(cb.ctype)
        unregister = not any(a.kind == 'opaque' for a in fn.args)
        ins = [a for a in fn.args if a.kind not in ('callback', 'opaque', 'free_callback')]
        subject = ins[0] if recv and ins and ins[0].kind == 'object' else None
        rest = ins[1:] if subject else ins
        helper = 'vh_%s' % fn.name
        cparams = ['%s%s' % (a.ctype, a.name) if a.ctype.endswith('*') else '%s %s' % (a.ctype, a.name) for a in ins]
        proto = 'int %s(%s)' % (helper, ', '.join(cparams + ([] if unregister else ['uintptr_t h']) + ['virErrorPtr err']))
        self.h.append(proto + ';')
        call = []
        for a in fn.args:
            if a.kind == 'callback':
                call.append('(%s)vh_on_%s' % (a.ctype, cb.ctype))
            elif a.kind == 'opaque':
                call.append('opaque')
            elif a.kind == 'free_callback':
                call.append('vh_free_callback')
            else:
                call.append(a.name)
        if unregister:
            self.c += [proto, '{', '    return %sWrapper(%s, err);' % (fn.name, ', '.join(call)), '}', '']
        else:
            self.c += [proto, '{', '    void *opaque = vh_opaque(h);',
                       '    int ret = %sWrapper(%s, err);' % (fn.name, ', '.join(call)),
                       '    if (ret < 0)', '        free(opaque);', '    return ret;', '}', '']
        # the Go callback where C takes it
        gparams = [go_param(a) for a in rest if fn.args.index(a) < fn.args.index(cb)]
        gparams += [] if unregister else ['callback %s' % go_callback_type(cb.ctype, self.rules)]
        gparams += [go_param(a) for a in rest if fn.args.index(a) > fn.args.index(cb)]
        args, pre = [], []
        for a in ins:
            if a.kind == 'object':
                args.append('%s.cptr()' % ('o' if a is subject else a.name))
            elif a.kind == 'string':
                # "" is NULL (every event), as in libvirt-go-module
                pre += ['var c%s *C.char' % a.name, 'if %s != "" {' % a.name, '\tc%s = C.CString(%s)' % (a.name, a.name),
                        '\tdefer C.free(unsafe.Pointer(c%s))' % a.name, '}']
                args.append('c' + a.name)
            else:
                args.append('%s(%s)' % ({'int': 'C.int', 'unsigned int': 'C.uint'}[a.ctype], a.name))
        conn = 'o' if subject is not None and subject.ctype == 'virConnectPtr' else 'nil'
        returns_int = fn.ret.kind == 'int'
        sig = 'func %s%s(%s) %s' % ('(o *%s) ' % recv if recv else '', name, ', '.join(gparams),
                                   '(int, error)' if returns_int else 'error')
        zero = '0, ' if returns_int else ''
        body = ['var err C.virError'] + pre
        if not unregister:
            body.append('h := newCallback(%s, callback)' % conn)
        body.append('ret := C.%s(%s)' % (helper, ', '.join(args + ([] if unregister else ['h']) + ['&err'])))
        body += ['if ret < 0 {'] + ([] if unregister else ['\tcgo.Handle(h).Delete()']) + [
            '\treturn %smakeError(&err)' % zero, '}', 'return %snil' % ('int(ret), ' if returns_int else '')]
        self.go += ['// %s calls %s.' % (name, fn.name), sig + ' {'] + ['\t' + x for x in body] + ['}', '']

    # ------------------------------------------------------------ registrations
    def event_registrations(self, fn, table, plan_name):
        """One Go method per event ID for a registration dispatching on the event ID."""
        cb = next(a for a in fn.args if a.kind == 'callback')
        obj = fn.args[1]
        obj_go = TYPES[obj.ctype]
        made = []
        for event_id, cb_type in table:
            try:
                self.trampoline(cb_type)
            except Unsupported:
                continue
            helper = 'vh_register_%s_%s' % (fn.name, cb_type)
            if helper not in self.done:
                self.done.add(helper)
                proto = 'int %s(virConnectPtr conn, %s obj, int id, uintptr_t h, virErrorPtr err)' % (helper, obj.ctype)
                self.h.append(proto + ';')
                self.c += [proto, '{', '    void *opaque = vh_opaque(h);',
                           '    int ret = %sWrapper(conn, obj, id, (%s)vh_on_%s, opaque, vh_free_callback, err);'
                           % (fn.name, cb.ctype, cb_type),
                           '    if (ret < 0)', '        free(opaque);', '    return ret;', '}', '']
            name = '%sEvent%sRegister' % (obj_go, id_name(event_id))
            gname = go_callback_type(cb_type, self.rules)
            self.go += ['// %s calls %s for %s.' % (name, fn.name, event_id),
                        'func (c *Connect) %s(%s *%s, callback %s) (int, error) {' % (name, obj.name, obj_go, gname),
                        '\th := newCallback(c, callback)',
                        '\tvar err C.virError',
                        '\tret := C.%s(c.cptr(), %s.cptr(), C.int(%d), h, &err)' % (helper, obj.name,
                                                                                   self.api.resolve(event_id)),
                        '\tif ret < 0 {', '\t\tcgo.Handle(h).Delete()', '\t\treturn 0, makeError(&err)', '\t}',
                        '\treturn int(ret), nil', '}', '']
            made.append(name)
        return made


def _c_go(ctype):
    """How cgo spells a C pointer type: const virX * -> *C.virX."""
    m = re.fullmatch(r'(?:const )?(\w+) \*', ctype)
    return '*C.' + m.group(1) if m else 'C.' + ctype


def header_lines():
    return ['void vh_free_callback(void *opaque);', 'void *vh_opaque(uintptr_t h);']


def c_prelude():
    return ['#include <stdlib.h>', '#include "_cgo_export.h"', '',
            '/* A Go callback\'s handle, in C memory; libvirt frees it through vh_free_callback. */',
            'void *vh_opaque(uintptr_t h)', '{', '    uintptr_t *p = malloc(sizeof(*p));',
            '    if (p)', '        *p = h;', '    return p;', '}', '',
            'void vh_free_callback(void *opaque)', '{', '    vhGoFreeCallback(*(uintptr_t *)opaque);',
            '    free(opaque);', '}', '']


GO_PRELUDE = '''// callbackRecord is what a callback's cgo.Handle holds.
type callbackRecord struct {
	conn *Connect
	cb   interface{}
}

func newCallback(conn *Connect, cb interface{}) C.uintptr_t {
	return C.uintptr_t(cgo.NewHandle(&callbackRecord{conn: conn, cb: cb}))
}

//export vhGoFreeCallback
func vhGoFreeCallback(h C.uintptr_t) {
	cgo.Handle(h).Delete()
}
'''
