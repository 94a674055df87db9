#!/usr/bin/env python3
"""The shared conformance suite through the Python binding.

Reads the scenarios (tests/conformance/*.yaml), calls each function through the virthub
package as a libvirt-python user would (conn.lookupByName, dom.info(), ...), and prints the
transcript the C runner prints. The method each C function maps to and the shape of its result
come from the generator's own plan (generator/vhgen/emit_python.py), so the runner follows the
binding rather than restating it.

A step Python cannot take prints "<step> not-in-python: <why>": its function is not exposed
(api/bindings.yaml says why), or it passes a NULL object to a hand-written accessor, which a
Python object cannot be. check_transcript.py --binding accepts such a line in place of the
golden one and counts them.
"""
import json
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'generator'))

from vhgen import conformance, emit_python, model  # noqa: E402

import virthub  # noqa: E402

API = model.load(os.path.join(ROOT, 'api'))
PLANS = {p.fn.name: p for p in emit_python.plans(API, emit_python.load_rules(os.path.join(ROOT, 'api')))}
ERROR_NAMES = {v: k for k, v in API.header('virterror').enums['virErrorNumber']['values'].items()
               if isinstance(v, int)}
EVENT_IDS = {'lifecycle': virthub.VIR_DOMAIN_EVENT_ID_LIFECYCLE, 'reboot': virthub.VIR_DOMAIN_EVENT_ID_REBOOT,
             'metadata_change': virthub.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE}

events = []          # what callbacks recorded since the last `events: run`


def record(line):
    if len(events) < 64:
        events.append(line)


class Recorder:
    """A callback given as `record`: logs its C type's name when called, and, standing for a
    free callback too, logs virFreeCallback when the library lets go of it."""

    def __init__(self, ctype, freed):
        self.ctype = ctype
        self.freed = freed

    def __call__(self, *args):
        record(self.ctype)
        # what a recording C callback answers: nothing to send, no hole
        if self.ctype == 'virStreamSourceHoleFunc':
            return (False, 0)
        if self.ctype in ('virStreamSourceFunc',):
            return b''
        return 0

    def __del__(self):
        if self.freed:
            record('virFreeCallback')


def domain_name(dom):
    return dom.name()


def on_lifecycle(conn, dom, event, detail, opaque):
    record('lifecycle %s %d %d' % (domain_name(dom), event, detail))


def on_metadata(conn, dom, mtype, nsuri, opaque):
    record('metadata %s %d %s' % (domain_name(dom), mtype, 'NULL' if nsuri is None else nsuri))


def on_generic(conn, dom, opaque):
    record('event %s' % domain_name(dom))


def on_legacy(conn, dom, event, detail, opaque):
    record('legacy %s %d %d' % (domain_name(dom), event, detail))


def run_events(want):
    timer = virthub.virEventAddTimeout(20, lambda *a: None, None)
    start = time.monotonic()
    for _ in range(200):
        if len(events) >= want or time.monotonic() - start > 3:
            break
        virthub.virEventRunDefaultImpl()
    for _ in range(3):       # a little longer, so that unexpected extra events show up too
        virthub.virEventRunDefaultImpl()
    virthub.virEventRemoveTimeout(timer)
    line = '[' + ','.join(json.dumps(e) for e in events) + ']'
    del events[:]
    return line


# ---------------------------------------------------------------- values
def argument(v, a, variables):
    if isinstance(v, str) and v.startswith('$'):
        return variables[v[1:]]
    if v is None:
        return None
    if a.kind == 'uuid_in':
        return bytes.fromhex(v.replace('-', ''))
    if a.kind == 'object_array_in':
        return [variables[x[1:]] for x in v]
    if a.kind in ('in', 'flags') and isinstance(v, str):
        return eval(v, {}, vars(virthub))      # an enum or flag expression of VIR_* names
    return v


def render_value(v):
    if isinstance(v, bool):
        return '1' if v else '0'
    if isinstance(v, float):
        return '%g' % v
    if isinstance(v, dict):
        return '{' + ','.join('%s=%s' % (k, render_value(x)) for k, x in sorted(v.items())) + '}'
    if isinstance(v, list):
        return '[' + ','.join(sorted(render_value(x) for x in v)) + ']'
    if isinstance(v, bytes) and len(v) != 16:
        return json.dumps(v.hex())      # a buffer's bytes, as the C runner prints them
    if isinstance(v, bytes) and len(v) == 16:
        h = v.hex()
        return json.dumps('%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
    return conformance.render(v)


def object_name(obj):
    """What the C runner prints for an object in a list: its name (None for the unnamed)."""
    for getter in ('name', 'getName'):
        if hasattr(obj, getter):
            return getattr(obj, getter)()
    return None


def fields_of(p, result):
    """The named outputs of a call, as the C runner names them."""
    fn = p.fn
    records = next((a for a in fn.args if a.kind == 'struct_list_out'), None)
    if records is not None:
        # [(domain, stats dict)] as the C runner shows it: by domain name
        return {'ret': len(result), records.name: {dom.name(): stats for dom, stats in result}}
    parts = p.parts
    values = {parts[0]: result} if len(parts) == 1 else dict(zip(parts, result or []))
    out = {}
    for name, v in values.items():
        arg = next((a for a in fn.args if a.name == name), None)
        if arg is not None and arg.kind == 'struct_out':
            for (fname, _, _), fv in zip(API.struct_fields(API.struct_of(arg.ctype)), v):
                if p.units.get(fname) == 'MiB':
                    fv <<= 10
                out['%s.%s' % (name, fname)] = fv
        elif arg is not None and arg.kind == 'object_list_out':
            out[name] = [object_name(o) for o in v]
        elif name == 'ret' and fn.ret.kind == 'id':
            out[name] = v & 0xffffffff
        else:
            out[name] = v
    if 'ret' not in out:
        if fn.ret.kind == 'count':
            coll = next((out[a.name] for a in fn.args if a.name in out and isinstance(out[a.name], list)), [])
            out['ret'] = len(coll)
        elif fn.ret.kind == 'status':
            out['ret'] = 0
    return out


# ---------------------------------------------------------------- calls
def invoke(p, args, variables):
    """Calls the Python method or function for plan p with the scenario's inputs."""
    fn = p.fn
    ins = [a for a in conformance.inputs(fn)]
    values, callback = [], None
    for v, a in zip(args, ins):
        if a.kind in ('callback', 'free_callback', 'opaque'):
            if a.kind == 'callback':
                callback = None if v is None else a.ctype
            elif a.kind == 'free_callback' and v == 'record' and callback:
                callback = (callback, True)
            continue
        values.append(argument(v, a, variables))
    py_args = values
    cb = None
    if isinstance(callback, tuple):
        cb = Recorder(callback[0], True)
    elif callback:
        cb = Recorder(callback, False)
    cb_arg = next((a for a in fn.args if a.kind == 'callback'), None)
    if cb_arg is not None and not fn.unregisters:
        # the callable and its opaque take the callback's place
        pos = [a.name for a in p.inputs].index(cb_arg.name)
        py_args = values[:pos] + [cb] + ([None] if any(a.kind == 'opaque' for a in fn.args) else []) + values[pos:]
    del cb
    if p.owner == 'module':
        target = getattr(virthub, p.name)
        return target(*py_args)
    if p.owner != emit_python.CLASSES[fn.subject.ctype]:
        # a method of the subject's parent, as dom.revertToSnapshot(snap)
        return getattr(py_args[0].getDomain(), p.name)(*py_args)
    return getattr(getattr(virthub, p.owner), p.name)(*py_args)


HANDWRITTEN = {
    'virGetLastError': lambda args, v: virthub.virGetLastError(),
    'virConnGetLastError': lambda args, v: v[0].virConnGetLastError(),
    'virConnectOpenAuth': lambda args, v: virthub.openAuth(v[0], v[1], v[2]),
    'virEventRegisterImpl': lambda args, v: virthub.virEventRegisterImpl(*v),
    'virSetErrorFunc': lambda args, v: virthub.registerErrorHandler(
        None if args[1] is None else Recorder('virErrorFunc', False), None),
    'virGetVersion': lambda args, v: [virthub.getVersion()] if v[0] is None else list(virthub.getVersion(v[0])),
    'virStreamSendAll': lambda args, v: v[0].sendAll(Recorder('virStreamSourceFunc', False), None),
    'virStreamRecvAll': lambda args, v: v[0].recvAll(Recorder('virStreamSinkFunc', False), None),
    'virStreamSparseSendAll': lambda args, v: v[0].sparseSendAll(
        Recorder('virStreamSourceFunc', False), Recorder('virStreamSourceHoleFunc', False),
        Recorder('virStreamSourceSkipFunc', False), None),
    'virStreamSparseRecvAll': lambda args, v: v[0].sparseRecvAll(
        Recorder('virStreamSinkFunc', False), Recorder('virStreamSinkHoleFunc', False), None),
}


def list_get_stats(values, variables):
    """conn.domainListGetStats(doms, stats, flags) on the connection of the first domain (any
    open connection for an empty list: libvirt refuses it before looking at one)."""
    doms = values[0]
    conn = doms[0].connect() if doms else next(v for v in variables.values() if isinstance(v, virthub.virConnect))
    return conn.domainListGetStats(*values)


def call_step(n, step, variables):
    head = conformance.step_head(n, step, API)
    p = PLANS[step['call']]
    fn = p.fn
    if p.status == 'not exposed':
        return head + ' not-in-python: ' + p.reason
    args = step.get('args', [])
    if p.status == 'handwritten' and p.is_method and args and args[0] is None:
        return head + ' not-in-python: a NULL object has no Python method to call'

    for v, a in zip(args, conformance.inputs(fn)):
        if a.kind == 'typed_params_in' and isinstance(v, str) and v.startswith('$') and v[1:] not in variables:
            return head + ' not-in-python: its typed parameters come from virTypedParamsAdd*, which Python ' \
                'does not expose (it passes a dict)'

    expect = step.get('expect') or {}
    virthub.virResetLastError()
    try:
        if fn.name == 'virDomainListGetStats':
            result = list_get_stats([argument(v, a, variables) for v, a in zip(args, conformance.inputs(fn))], variables)
        elif fn.name in HANDWRITTEN:
            ins = conformance.inputs(fn)
            values = [argument(v, a, variables) for v, a in zip(args, ins)]
            result = HANDWRITTEN[fn.name](args, values)
        else:
            result = invoke(p, args, variables)
    except virthub.libvirtError as e:
        return error_line(head, step, e.get_error_code(), e.get_error_message())
    if fn.ret.kind == 'error' and result is None:
        return error_line(head, step, 0, None)
    if 'as' in step:
        variables[step['as']] = result
    out = fields_of(p, result) if fn.name not in HANDWRITTEN else {}
    if fn.name == 'virGetVersion':
        out = dict(zip([a.name for a in fn.args if a.kind == 'out'], result))
    line = head + ' ok'
    for key in sorted(expect):
        want = expect[key]
        got = out.get(key, '<missing>')
        if want == '*':
            shown = '*'
        elif isinstance(want, dict) and 'contains' in want:
            shown = conformance.render(want) if isinstance(got, str) and want['contains'] in got else render_value(got)
        else:
            shown = render_value(got) if got != '<missing>' else got
        line += ' %s=%s' % (key, shown)
    return line


def error_line(head, step, code, message):
    line = head + ' error ' + ERROR_NAMES.get(code or 0, 'VIR_ERR_UNKNOWN')
    if 'message' in step:
        line += ' message=' + (json.dumps(message) if message is not None else 'NULL')
    return line


def event_step(n, step, variables):
    head = conformance.step_head(n, step, API)
    kind = step['events']
    if kind == 'run':
        return head + ' ' + run_events(len(step.get('expect', [])))
    conn = variables[step['conn'][1:]]
    try:
        if kind == 'register':
            eid = EVENT_IDS[step.get('event', 'lifecycle')]
            cb = {virthub.VIR_DOMAIN_EVENT_ID_LIFECYCLE: on_lifecycle,
                  virthub.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: on_metadata}.get(eid, on_generic)
            dom = None if step.get('dom') is None else variables[step['dom'][1:]]
            ret = conn.domainEventRegisterAny(dom, eid, cb, None)
            if step.get('as'):
                variables[step['as']] = ret
        elif kind == 'register_legacy':
            conn.domainEventRegister(on_legacy, None)
        else:
            conn.domainEventDeregister(on_legacy)
    except virthub.libvirtError as e:
        return error_line(head, {}, e.get_error_code(), None)
    return head + ' ok'


def main():
    virthub.registerErrorHandler(lambda ctx, err: None, None)
    for sc in conformance.load(os.path.join(ROOT, 'tests', 'conformance')):
        print('# %s: %s' % (sc['file'], sc['name']))
        variables = {}
        for n, step in enumerate(sc['steps'], 1):
            line = call_step(n, step, variables) if 'call' in step else event_step(n, step, variables)
            print(line, flush=True)
        variables.clear()
        import gc
        gc.collect()
        # each scenario starts as the first: quiet errors, no pending recordings
        virthub.registerErrorHandler(lambda ctx, err: None, None)
        del events[:]


if __name__ == '__main__':
    main()
