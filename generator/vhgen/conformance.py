"""The shared conformance suite: scenarios (tests/conformance/*.yaml) -> golden transcript and
the C runner. Each binding's emitter adds its own runner; all must print the golden transcript.

A scenario is a list of steps. A call step names a public function, gives its binding-visible
inputs (outputs, collections and the counts folded into them are not inputs) and says what to
expect:

    - {call: virDomainGetState, args: [$dom, 0], expect: {state: 1, reason: 0}}
    - {call: virDomainSuspend, args: [$dom], error: VIR_ERR_INTERNAL_ERROR}
    - {call: virDomainLookupByName, args: [$conn, test], as: dom}

Expected values: the return value is `ret`, an output argument by its name, a struct field as
`info.state`, a list (names, objects by name, ids) sorted, typed parameters as a mapping, the
bytes a buffer received as a string of hex digits.
"*" accepts any value; {contains: s} a string holding s. Event steps record delivered domain
events: {events: register, conn: $c, dom: null, as: id} and {events: run, expect: [...]}.

The transcript has one line per step: "<n> <call>(<args>) ok <field>=<value> ..." or
"<n> <call>(<args>) error <VIR_ERR_...>".
"""
from __future__ import annotations

import glob
import json
import os
import re

import yaml

from .model import Api, HANDLES
from .vocabulary import RECORD_LISTS, c_decl, pointee

INPUT_KINDS = {'object', 'string', 'in', 'flags', 'uuid_string', 'uuid_in', 'auth',
               # a typed-parameter list is named by a scenario variable ($name)
               'typed_params_list', 'typed_params_in', 'typed_params_free', 'string_array_in',
               # a callback is given as `record` (a recorder that logs its type's name, shown by
               # the next `events: run`) or null; opaque data is always null
               'callback', 'free_callback', 'opaque', 'struct_free', 'struct_in', 'struct_list_in',
               # domains given as a list of variables: [$a, $b]
               'object_array_in'}
OUTPUT_KINDS = {'out', 'struct_out', 'array_out', 'uuid_out', 'uuid_string_out', 'names_out', 'ids_out',
                'object_list_out', 'string_list_out', 'typed_params_fill', 'typed_params_alloc', 'borrowed_string_out',
                'error_out', 'buffer_out',
                # statistics records, shown as {domain name: {parameter: value}}
                'struct_list_out'}
EVENT_IDS = {'lifecycle': 'VIR_DOMAIN_EVENT_ID_LIFECYCLE', 'reboot': 'VIR_DOMAIN_EVENT_ID_REBOOT',
             'metadata_change': 'VIR_DOMAIN_EVENT_ID_METADATA_CHANGE'}


class ScenarioError(Exception):
    pass


BUFFER_MAX = 4096      # the largest buffer a scenario may ask a call to fill


def consumed_counts(fn):
    used = set()
    for a in fn.args:
        if a.kind in ('names_out', 'ids_out'):
            used.add(a.attr('max'))
        if a.kind in ('typed_params_fill', 'typed_params_alloc', 'typed_params_in', 'typed_params_free'):
            used.add(a.attr('count'))
        if a.kind == 'typed_params_list':
            used.update((a.attr('count'), a.attr('max')))
        if a.kind == 'struct_out' and a.attr('size'):
            used.add(a.attr('size'))
    return used


def inputs(fn):
    """The arguments a scenario gives, in order."""
    consumed = consumed_counts(fn)
    return [a for a in fn.args if a.name not in consumed and a.kind in INPUT_KINDS]


def load(scenario_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(scenario_dir, '*.yaml'))):
        data = yaml.safe_load(open(path))
        for sc in data.get('scenarios', []):
            sc['file'] = os.path.basename(path)
            out.append(sc)
    return out


# ---------------------------------------------------------------- transcript text
def render(value):
    """An expected value as the transcript prints it."""
    if value == '*':
        return '*'
    if isinstance(value, dict) and 'contains' in value:
        return 'contains(%s)' % json.dumps(value['contains'])
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return '%g' % value     # as the runners print doubles (C's %g)
    if value is None:
        return 'NULL'
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        items = sorted(render(v) for v in value)
        return '[' + ','.join(items) + ']'
    if isinstance(value, dict):
        return '{' + ','.join('%s=%s' % (k, render(v)) for k, v in sorted(value.items())) + '}'
    raise ScenarioError('cannot render %r' % (value,))


def render_arg(v, kind):
    if kind == 'object_array_in' and isinstance(v, list):
        return '[%s]' % ', '.join(v)      # in the order given: the order is part of the call
    if isinstance(v, str) and (v.startswith('$') or kind not in ('string', 'uuid_string', 'uuid_in')):
        return v       # a variable, or an enum or flag expression
    return render(v)


def step_head(n, step, api):
    if 'call' in step:
        kinds = [a.kind for a in inputs(api.function(step['call']))]
        return '%d %s(%s)' % (n, step['call'], ', '.join(render_arg(a, k) for a, k in zip(step.get('args', []), kinds)))
    return '%d events %s' % (n, step['events'])


def golden(api: Api, scenarios) -> str:
    lines = []
    for sc in scenarios:
        lines.append('# %s: %s' % (sc['file'], sc['name']))
        for n, step in enumerate(sc['steps'], 1):
            head = step_head(n, step, api)
            if 'error' in step:
                tail = ' error ' + step['error']
                if 'message' in step:
                    tail += ' message=' + json.dumps(step['message'])
            elif step.get('events') == 'run':
                tail = ' ' + '[' + ','.join(json.dumps(e) for e in step.get('expect', [])) + ']'
            else:
                tail = ' ok' + ''.join(' %s=%s' % (k, render(v)) for k, v in sorted((step.get('expect') or {}).items()))
            lines.append(head + tail)
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------- checks
def check(api: Api, scenarios):
    names = {f.name for f in api.functions}
    for sc in scenarios:
        for n, step in enumerate(sc['steps'], 1):
            where = '%s / %s step %d' % (sc['file'], sc['name'], n)
            if 'call' in step:
                if step['call'] not in names:
                    raise ScenarioError('%s: no function %s' % (where, step['call']))
                fn = api.function(step['call'])
                want = inputs(fn)
                if len(step.get('args', [])) != len(want):
                    raise ScenarioError('%s: %s takes %d inputs (%s), got %d' % (
                        where, fn.name, len(want), ', '.join(a.name for a in want), len(step.get('args', []))))
                given = dict(zip([a.name for a in want], step.get('args', [])))
                for a in fn.args:
                    size = given.get(a.attr('size')) if a.kind == 'buffer_out' else None
                    if size is not None and not (isinstance(size, int) and 0 <= size <= BUFFER_MAX):
                        raise ScenarioError('%s: %s asks for %r bytes (at most %d)' % (where, a.name, size, BUFFER_MAX))
                    unknown = a.kind not in INPUT_KINDS | OUTPUT_KINDS or (
                        a.kind == 'struct_list_out' and a.ctype not in RECORD_LISTS)
                    if unknown and a.name not in consumed_counts(fn):
                        raise ScenarioError('%s: %s argument %s (%s) is not supported in scenarios' % (where, fn.name, a.name, a.kind))
            elif step.get('events') not in ('register', 'run', 'register_legacy', 'deregister_legacy'):
                raise ScenarioError('%s: a step is a call or an events step' % where)


EVENT_STEP_CALLS = {'register': 'virConnectDomainEventRegisterAny', 'register_legacy': 'virConnectDomainEventRegister',
                    'deregister_legacy': 'virConnectDomainEventDeregister', 'run': 'virEventRunDefaultImpl'}


def covered(scenarios):
    """The functions the suite calls."""
    return {s['call'] if 'call' in s else EVENT_STEP_CALLS[s['events']] for sc in scenarios for s in sc['steps']}


# ---------------------------------------------------------------- the C runner
def c_string(s):
    return json.dumps(s)    # a JSON string literal is a valid C string literal for our inputs


def name_getter(handle_ctype):
    short = HANDLES[handle_ctype][0]
    if short in ('Secret', 'NetworkPort'):
        return None
    return 'vir%sGetName' % short


def free_fn(handle_ctype):
    short = HANDLES[handle_ctype][0]
    return 'virConnectClose' if short == 'Connect' else 'vir%sFree' % short


class CRunner:
    def __init__(self, api: Api):
        self.api = api
        self.out = []
        self.recorders = set()   # callback types the scenarios pass as `record`

    def recorder_functions(self):
        out = []
        for name in sorted(self.recorders):
            cb = next(h.callbacks[name] for h in self.api.headers if name in h.callbacks)
            args = [next(iter(a.items())) for a in cb['args']]
            out.append('static %s rec_%s(%s)' % (cb['ret'], name, ', '.join(c_decl(t, n) for n, t in args)))
            out.append('{')
            out += ['    (void)%s;' % n for n, _ in args]
            out.append('    record("%s");' % name)
            if cb['ret'] != 'void':
                out.append('    return 0;')
            out.append('}')
            out.append('')
        return out

    def w(self, line=''):
        self.out.append(line)

    def scenario(self, idx, sc):
        variables = {}       # name -> C type
        owned = []           # handles to free at the end, in creation order
        outer, self.out = self.out, []
        for n, step in enumerate(sc['steps'], 1):
            if 'call' in step:
                self.call_step(n, step, variables, owned)
            else:
                self.event_step(n, step, variables)
        body, self.out = self.out, outer
        self.w('static void scenario_%d(void)' % idx)
        self.w('{')
        for name, ctype in variables.items():
            if ctype == 'typed_params_list':
                self.w('    virTypedParameterPtr v_%s = NULL;' % name)
                self.w('    int v_%s_n = 0, v_%s_max = 0;' % (name, name))
                continue
            self.w('    %s v_%s = %s;' % (ctype, name, 'NULL' if ctype.endswith(('Ptr', '*')) else '0'))
        self.w('    out("# %s: %s\\n");' % (sc['file'], sc['name'].replace('"', '\\"')))
        self.out += body
        for name in reversed(owned):
            self.w('    if (v_%s) %s(v_%s);' % (name, free_fn(variables[name]), name))
        for name, ctype in variables.items():
            if ctype == 'typed_params_list':
                self.w('    virTypedParamsFree(v_%s, v_%s_n);' % (name, name))
        # each scenario starts as the first: quiet errors, no pending recordings
        self.w('    virSetErrorFunc(NULL, quiet);')
        self.w('    nevents = 0;')
        self.w('}')
        self.w('')

    def value(self, v, a, variables):
        if isinstance(v, str) and v.startswith('$'):
            return 'v_' + v[1:]
        if v is None:
            return 'NULL'
        if a.kind in ('string', 'uuid_string'):
            return c_string(v)
        if a.kind == 'uuid_in':         # given as a UUID string, passed as its 16 bytes
            hexdigits = v.replace('-', '')
            return '(const unsigned char *)"%s"' % ''.join('\\x' + hexdigits[i:i + 2] for i in range(0, 32, 2))
        if isinstance(v, str):          # an enum or flag name, or an expression of them
            return v
        return str(v) + ('U' if 'unsigned' in a.ctype else '')

    def call_step(self, n, step, variables, owned):
        fn = self.api.function(step['call'])
        args_in = iter(step.get('args', []))
        # counts folded into a collection: a fixed capacity, or the collection's own counter
        counts = {}
        for a in fn.args:
            if a.kind in ('names_out', 'ids_out'):
                counts[a.attr('max')] = '64'
            elif a.kind in ('typed_params_fill', 'typed_params_alloc'):
                counts[a.attr('count')] = '&o_%s_n' % a.name
            elif a.kind == 'struct_out' and a.attr('size'):
                counts[a.attr('size')] = 'sizeof(o_%s)' % a.name
        decls, call, printers, frees, frees_after = [], [], [], [], []
        expect = step.get('expect') or {}
        head = step_head(n, step, self.api)
        for a in fn.args:
            if a.name in counts:
                call.append(counts[a.name])
                continue
            k = a.kind
            if k in ('typed_params_list', 'typed_params_in', 'typed_params_free'):
                # a list variable: v_<name>, its count v_<name>_n and capacity v_<name>_max
                name = next(args_in)[1:]
                variables.setdefault(name, 'typed_params_list')
                if k == 'typed_params_list':
                    call.append('&v_' + name)
                    counts[a.attr('count')] = '&v_%s_n' % name
                    counts[a.attr('max')] = '&v_%s_max' % name
                else:
                    call.append('v_' + name)
                    counts[a.attr('count')] = 'v_%s_n' % name
                if k == 'typed_params_free':
                    frees_after.append('v_%s = NULL; v_%s_n = 0; v_%s_max = 0;' % (name, name, name))
            elif k in ('callback', 'free_callback'):
                v = next(args_in)
                if v is None:
                    call.append('NULL')
                elif v == 'record':
                    self.recorders.add(a.ctype)
                    call.append('rec_' + a.ctype)
                else:
                    raise ScenarioError('%s: callback %s is given as record or null' % (fn.name, a.name))
            elif k == 'opaque':
                if next(args_in) is not None:
                    raise ScenarioError('%s: %s is given as null in scenarios' % (fn.name, a.name))
                call.append('NULL')
            elif k == 'struct_in':
                v = next(args_in)          # null, or {field: value, ...}
                if v is None:
                    call.append('NULL')
                else:
                    st = pointee(a.ctype)
                    types = dict(self.struct_fields(st))
                    decls.append('%s i_%s; memset(&i_%s, 0, sizeof(i_%s));' % (st, a.name, a.name, a.name))
                    for field, fv in v.items():
                        if types[field] == 'char[]':
                            decls.append('snprintf(i_%s.%s, sizeof(i_%s.%s), "%%s", %s);' % (
                                a.name, field, a.name, field, c_string(fv)))
                        else:
                            decls.append('i_%s.%s = %s;' % (a.name, field, fv))
                    call.append('&i_' + a.name)
            elif k in ('struct_free', 'struct_list_in'):
                v = next(args_in)
                call.append(self.value(v, a, variables))
                if isinstance(v, str) and v.startswith('$'):
                    frees_after.append('v_%s = NULL;' % v[1:])    # freed by the call
            elif k == 'object_array_in':
                v = next(args_in)
                call.append('NULL' if v is None else '(%s[]){%s}' % (
                    pointee(a.ctype), ', '.join([self.value(x, a, variables) for x in v] + ['NULL'])))
            elif k == 'string_array_in':
                v = next(args_in)
                call.append('NULL' if v is None else
                            '(const char *[]){%s}' % ', '.join([c_string(x) for x in v] + ['NULL']))
            elif k in INPUT_KINDS:
                call.append(self.value(next(args_in), a, variables))
            elif k == 'error_out':
                decls.append('virError o_%s; memset(&o_%s, 0, sizeof(o_%s));' % (a.name, a.name, a.name))
                call.append('&o_' + a.name)
                printers += [('%s.code' % a.name, 'put_int(o_%s.code)' % a.name),
                             ('%s.domain' % a.name, 'put_int(o_%s.domain)' % a.name),
                             ('%s.message' % a.name, 'put_str(o_%s.message)' % a.name)]
                frees_after.append('virResetError(&o_%s);' % a.name)
            elif k == 'borrowed_string_out':
                decls.append('const char *o_%s = NULL;' % a.name)
                call.append('&o_' + a.name)
                printers.append((a.name, 'put_str(o_%s)' % a.name))
            elif k == 'out':
                decls.append('%s o_%s = 0;' % (pointee(a.ctype), a.name))
                call.append('&o_' + a.name)
                printers.append((a.name, self.scalar_printer(pointee(a.ctype), 'o_' + a.name)))
            elif k == 'struct_out':
                st = self.struct_named(pointee(a.ctype)) or pointee(a.ctype)
                decls.append('%s o_%s; memset(&o_%s, 0, sizeof(o_%s));' % (st, a.name, a.name, a.name))
                call.append('&o_' + a.name)
                for field in self.struct_fields(st):
                    fname, ftype = field
                    printers.append(('%s.%s' % (a.name, fname), self.scalar_printer(ftype, 'o_%s.%s' % (a.name, fname))))
            elif k == 'uuid_out':
                decls.append('unsigned char o_%s[VIR_UUID_BUFLEN];' % a.name)
                call.append('o_' + a.name)
                printers.append((a.name, 'put_uuid(o_%s)' % a.name))
            elif k == 'uuid_string_out':
                decls.append('char o_%s[VIR_UUID_STRING_BUFLEN];' % a.name)
                call.append('o_' + a.name)
                printers.append((a.name, 'put_str(o_%s)' % a.name))
            elif k == 'names_out':
                decls.append('char *o_%s[64];' % a.name)
                call.append('o_' + a.name)
                printers.append((a.name, 'put_strs(o_%s, r)' % a.name))
                frees.append('free_strs(o_%s, r);' % a.name)
            elif k == 'buffer_out':
                # a buffer the call fills, as large as the scenario's size input says
                decls.append('char o_%s[%d];' % (a.name, BUFFER_MAX))
                call.append('o_' + a.name)
                printers.append((a.name, 'put_hex(o_%s, r)' % a.name))
            elif k == 'array_out' and pointee(a.ctype) == 'unsigned long long':
                decls.append('unsigned long long o_%s[64];' % a.name)
                call.append('o_' + a.name)
                printers.append((a.name, 'put_ulls(o_%s, r)' % a.name))
            elif k == 'array_out' and self.struct_named(pointee(a.ctype)):
                # an array of structs: each element as field:field, elements separated by commas
                st = self.struct_named(pointee(a.ctype))
                decls.append('%s o_%s[64]; memset(o_%s, 0, sizeof(o_%s));' % (st, a.name, a.name, a.name))
                call.append('o_' + a.name)
                element = ' out(":"); '.join(self.scalar_printer(ftype, 'o_%s[i_].%s' % (a.name, fname)) + ';'
                                             for fname, ftype in self.struct_fields(st))
                printers.append((a.name, 'for (long long i_ = 0; i_ < (long long)r; i_++) { if (i_) out(","); %s }'
                                 % element))
            elif k == 'ids_out':
                decls.append('int o_%s[64];' % a.name)
                call.append('o_' + a.name)
                printers.append((a.name, 'put_ints(o_%s, r)' % a.name))
            elif k == 'string_list_out':
                decls.append('char **o_%s = NULL;' % a.name)
                call.append('&o_' + a.name)
                printers.append((a.name, 'put_strs(o_%s, r)' % a.name))
                frees.append('if (o_%s) { free_strs(o_%s, r); free(o_%s); }' % (a.name, a.name, a.name))
            elif k == 'object_list_out':
                h = a.ctype.split()[0]
                decls.append('%s *o_%s = NULL;' % (h, a.name))
                call.append('&o_' + a.name)
                getter = name_getter(h)
                printers.append((a.name, 'put_names((void **)o_%s, r, (const char *(*)(void *))%s)' % (a.name, getter)))
                frees.append('if (o_%s) { for (int i = 0; i < r; i++) %s(o_%s[i]); free(o_%s); }'
                             % (a.name, free_fn(h), a.name, a.name))
            elif k == 'struct_list_out':
                decls.append('%s o_%s = NULL;' % (a.ctype[:-1].strip(), a.name))
                call.append('&o_' + a.name)
                printers.append((a.name, 'put_records(o_%s, r)' % a.name))
                frees.append('virDomainStatsRecordListFree(o_%s);' % a.name)
            elif k == 'typed_params_fill':
                decls.append('virTypedParameter o_%s[64]; int o_%s_n = 64;' % (a.name, a.name))
                call.append('o_' + a.name)
                printers.append((a.name, 'put_params(o_%s, o_%s_n)' % (a.name, a.name)))
                frees.append('virTypedParamsClear(o_%s, o_%s_n);' % (a.name, a.name))
            elif k == 'typed_params_alloc':
                decls.append('virTypedParameterPtr o_%s = NULL; int o_%s_n = 0;' % (a.name, a.name))
                call.append('&o_' + a.name)
                printers.append((a.name, 'put_params(o_%s, o_%s_n)' % (a.name, a.name)))
                frees.append('virTypedParamsFree(o_%s, o_%s_n);' % (a.name, a.name))
            else:
                raise ScenarioError('%s: unsupported argument kind %s' % (fn.name, k))
        ret = fn.ret
        self.w('    {')
        for d in decls:
            self.w('        ' + d)
        self.w('        virResetLastError();')
        expr = '%s(%s)' % (fn.name, ', '.join(call))
        if ret.kind == 'void':
            self.w('        %s;' % expr)
            self.w('        int failed = 0;')
            self.w('        long long r = 0;')
            self.w('        (void)r;')
        else:
            rtype = ret.ctype
            self.w('        %s r = %s;' % (rtype, expr))
            self.w('        int failed = %s;' % self.failed(ret))
        self.w('        out("%s");' % head.replace('\\', '\\\\').replace('"', '\\"'))
        self.w('        if (failed) {')
        self.w('            put_error(%s);' % ('1' if 'message' in step else '0'))
        self.w('        } else {')
        self.w('            out(" ok");')
        fields = dict(printers)
        if ret.kind in ('status', 'count', 'bool', 'int', 'id', 'ulong', 'ullong'):
            fields['ret'] = self.scalar_printer(ret.ctype, 'r')
        elif ret.kind in ('string', 'borrowed_string'):
            fields['ret'] = 'put_str(r)'
        elif ret.kind == 'typed_param':
            fields['ret.field'] = 'put_str(r->field)'
            fields['ret.type'] = 'put_int(r->type)'
        for key in sorted(expect):
            if key not in fields:
                raise ScenarioError('%s: no output %s (has %s)' % (fn.name, key, ', '.join(sorted(fields))))
            want = expect[key]
            self.w('            out(" %s=");' % key)
            if want == '*':
                self.w('            out("*");')
            elif isinstance(want, dict) and 'contains' in want:
                self.w('            if (r_contains(%s, %s)) out("%s"); else %s;' % (
                    fields[key].replace('put_str(', '').rstrip(')'), c_string(want['contains']),
                    render(want).replace('\\', '\\\\').replace('"', '\\"'), fields[key]))
            else:
                self.w('            %s;' % fields[key])
        self.w('        }')
        self.w('        out("\\n");')
        for f in frees:
            self.w('        if (!failed) ' + f)
        for f in frees_after:
            self.w('        ' + f)
        if ret.kind == 'string':
            self.w('        free(r);')
        if ret.kind == 'error' and not ret.borrowed and 'as' not in step:
            self.w('        if (r) virFreeError(r);')
        if ret.kind == 'object' and not ret.borrowed:
            if 'as' in step:
                name = step['as']
                if name not in variables:
                    variables[name] = ret.ctype
                    owned.append(name)
                    self.w('        v_%s = r;' % name)
                else:
                    self.w('        if (v_%s) %s(v_%s);' % (name, free_fn(ret.ctype), name))
                    self.w('        v_%s = r;' % name)
            else:
                self.w('        if (r) %s(r);' % free_fn(ret.ctype))
        elif 'as' in step:
            variables.setdefault(step['as'], ret.ctype)
            self.w('        v_%s = r;' % step['as'])
        self.w('    }')

    def event_step(self, n, step, variables):
        head = step_head(n, step, self.api)
        if step['events'] in ('register_legacy', 'deregister_legacy'):
            conn = 'v_' + step['conn'][1:]
            fn = 'virConnectDomainEventRegister' if step['events'] == 'register_legacy' else 'virConnectDomainEventDeregister'
            extra = ', NULL, NULL' if step['events'] == 'register_legacy' else ''
            self.w('    {')
            self.w('        int r = %s(%s, on_legacy%s);' % (fn, conn, extra))
            self.w('        out("%s");' % head)
            self.w('        if (r < 0) put_error(0); else out(" ok");')
            self.w('        out("\\n");')
            self.w('    }')
        elif step['events'] == 'register':
            conn = 'v_' + step['conn'][1:]
            dom = 'NULL' if step.get('dom') is None else 'v_' + step['dom'][1:]
            eid = EVENT_IDS[step.get('event', 'lifecycle')]
            var = step.get('as')
            if var:
                variables.setdefault(var, 'int')
            self.w('    {')
            self.w('        int r = virConnectDomainEventRegisterAny(%s, %s, %s, event_callback(%s), NULL, NULL);' % (conn, dom, eid, eid))
            if var:
                self.w('        v_%s = r;' % var)
            self.w('        out("%s");' % head)
            self.w('        if (r < 0) put_error(0); else out(" ok");')
            self.w('        out("\\n");')
            self.w('    }')
        else:
            self.w('    out("%s ");' % head)
            self.w('    run_events(%d);' % len(step.get('expect', [])))

    def failed(self, ret):
        k = ret.kind
        if k in ('status', 'count', 'bool', 'int'):
            return 'r < 0'
        if k == 'id':
            return 'r == (unsigned int)-1 && virGetLastError() != NULL'
        if k in ('ulong', 'ullong'):
            return 'r == 0 && virGetLastError() != NULL'
        return 'r == NULL'

    def struct_named(self, name):
        """The struct a pointer's pointee names (virDomainMemoryStatPtr's is virDomainMemoryStatStruct)."""
        return next((n for n in (name, name + 'Struct') if n in self.api.structs), None)

    def struct_fields(self, struct):
        if struct not in self.api.structs:
            raise ScenarioError('no struct %s' % struct)
        return [(name, 'char[]' if re.match(r'char \w+\[', ctype) else ctype)
                for name, ctype, _ in self.api.struct_fields(struct)]

    def scalar_printer(self, ctype, expr):
        if ctype == 'char[]':
            return 'put_str(%s)' % expr
        if 'unsigned' in ctype or ctype == 'size_t':
            return 'put_uint((unsigned long long)%s)' % expr
        if ctype == 'double':
            return 'put_double(%s)' % expr
        return 'put_int((long long)%s)' % expr



def c_runner(api: Api, scenarios) -> str:
    runner = CRunner(api)
    for i, sc in enumerate(scenarios):
        runner.scenario(i, sc)
    codes = []
    for h in api.headers:
        if 'virErrorNumber' in h.enums:
            for name in h.enums['virErrorNumber']['values']:
                if not name.endswith('_LAST'):
                    codes.append('        case %s: return "%s";' % (name, name))
    calls = '\n'.join('    scenario_%d();' % i for i in range(len(scenarios)))
    return RUNNER_TEMPLATE.replace('@ERROR_NAMES@', '\n'.join(codes)).replace(
        '@SCENARIOS@', '\n'.join(runner.recorder_functions() + runner.out)).replace('@CALLS@', calls)


RUNNER_TEMPLATE = r'''/* conformance_runner.c: generated from tests/conformance/ by generator/vhgen/conformance.py.
 * Runs the shared scenarios through libvirt's C API and prints the transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/libvirt-lxc.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

/* printers a scenario set may not need (Clang warns on unused static inline functions) */
#define UNUSED_OK __attribute__((unused))

static void out(const char *s) { fputs(s, stdout); }

static const char *error_name(int code)
{
    switch (code) {
@ERROR_NAMES@
    }
    return "VIR_ERR_UNKNOWN";
}

static void put_str(const char *s)
{
    if (!s) { out("NULL"); return; }
    putchar('"');
    for (; *s; s++) {
        switch (*s) {
        case '"': out("\\\""); break;
        case '\\': out("\\\\"); break;
        case '\n': out("\\n"); break;
        case '\t': out("\\t"); break;
        default:
            if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned char)*s);
            else putchar(*s);
        }
    }
    putchar('"');
}

UNUSED_OK static inline int r_contains(const char *haystack, const char *needle) { return haystack && strstr(haystack, needle); }
static void put_int(long long v) { printf("%lld", v); }
static void put_uint(unsigned long long v) { printf("%llu", v); }
UNUSED_OK static inline void put_double(double v) { printf("%g", v); }

/* The first n bytes of a buffer as a string of hex digits. */
UNUSED_OK static inline void put_hex(const char *data, long long n)
{
    putchar('"');
    for (long long i = 0; i < n; i++) printf("%02x", (unsigned char)data[i]);
    putchar('"');
}

UNUSED_OK static inline void put_uuid(const unsigned char *u)
{
    printf("\"");
    for (int i = 0; i < VIR_UUID_BUFLEN; i++) {
        printf("%02x", u[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9) putchar('-');
    }
    printf("\"");
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* Lists print sorted, as JSON-ish arrays: drivers need not agree on order. */
static void put_sorted(char **items, int n)
{
    char **copy = malloc(sizeof(char *) * (n > 0 ? n : 1));
    memcpy(copy, items, sizeof(char *) * (n > 0 ? n : 0));
    qsort(copy, n, sizeof(char *), cmp_str);
    out("[");
    for (int i = 0; i < n; i++) { if (i) out(","); put_str(copy[i]); }
    out("]");
    free(copy);
}

static void put_strs(char **items, int n) { put_sorted(items, n); }
static void free_strs(char **items, int n) { for (int i = 0; i < n; i++) free(items[i]); }

UNUSED_OK static inline void put_ints(int *items, int n)
{
    qsort(items, n, sizeof(int), cmp_int);
    out("[");
    for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", items[i]);
    out("]");
}

static int cmp_ull(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

UNUSED_OK static inline void put_ulls(unsigned long long *items, int n)
{
    qsort(items, n, sizeof(items[0]), cmp_ull);
    out("[");
    for (int i = 0; i < n; i++) printf(i ? ",%llu" : "%llu", items[i]);
    out("]");
}

UNUSED_OK static inline void put_names(void **objs, int n, const char *(*name)(void *))
{
    char **names = malloc(sizeof(char *) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++) names[i] = (char *)name(objs[i]);
    put_sorted(names, n);
    free(names);
}

static int cmp_param(const void *a, const void *b)
{
    return strcmp(((const virTypedParameter *)a)->field, ((const virTypedParameter *)b)->field);
}

UNUSED_OK static inline void put_params(virTypedParameterPtr params, int n)
{
    virTypedParameterPtr copy = malloc(sizeof(virTypedParameter) * (n > 0 ? n : 1));
    memcpy(copy, params, sizeof(virTypedParameter) * (n > 0 ? n : 0));
    qsort(copy, n, sizeof(virTypedParameter), cmp_param);
    out("{");
    for (int i = 0; i < n; i++) {
        if (i) out(",");
        printf("%s=", copy[i].field);
        switch (copy[i].type) {
        case VIR_TYPED_PARAM_INT: put_int(copy[i].value.i); break;
        case VIR_TYPED_PARAM_UINT: put_uint(copy[i].value.ui); break;
        case VIR_TYPED_PARAM_LLONG: put_int(copy[i].value.l); break;
        case VIR_TYPED_PARAM_ULLONG: put_uint(copy[i].value.ul); break;
        case VIR_TYPED_PARAM_DOUBLE: put_double(copy[i].value.d); break;
        case VIR_TYPED_PARAM_BOOLEAN: put_int(copy[i].value.b); break;
        case VIR_TYPED_PARAM_STRING: put_str(copy[i].value.s); break;
        }
    }
    out("}");
    free(copy);
}

UNUSED_OK static int cmp_record(const void *a, const void *b)
{
    return strcmp(virDomainGetName((*(virDomainStatsRecordPtr const *)a)->dom),
                  virDomainGetName((*(virDomainStatsRecordPtr const *)b)->dom));
}

/* Statistics records as {name={field=value,...},...}, by domain name. */
UNUSED_OK static inline void put_records(virDomainStatsRecordPtr *recs, int n)
{
    virDomainStatsRecordPtr *copy = malloc(sizeof(*copy) * (n > 0 ? n : 1));
    memcpy(copy, recs, sizeof(*copy) * (n > 0 ? n : 0));
    qsort(copy, n, sizeof(*copy), cmp_record);
    out("{");
    for (int i = 0; i < n; i++) {
        printf(i ? ",%s=" : "%s=", virDomainGetName(copy[i]->dom));
        put_params(copy[i]->params, copy[i]->nparams);
    }
    out("}");
    free(copy);
}

static void put_error(int with_message)
{
    virErrorPtr e = virGetLastError();
    printf(" error %s", e ? error_name(e->code) : "VIR_ERR_OK");
    if (with_message) { out(" message="); put_str(e ? e->message : NULL); }
}

/* Domain events, recorded in delivery order. */
static char events[64][160];
static int nevents;

static void record(const char *line)
{
    if (nevents < 64)
        snprintf(events[nevents++], sizeof(events[0]), "%s", line);
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    char line[160];
    (void)conn; (void)opaque;
    snprintf(line, sizeof(line), "lifecycle %s %d %d", virDomainGetName(dom), event, detail);
    record(line);
}

static int on_legacy(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    char line[160];
    (void)conn; (void)opaque;
    snprintf(line, sizeof(line), "legacy %s %d %d", virDomainGetName(dom), event, detail);
    record(line);
    return 0;
}

static void on_generic(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    char line[160];
    (void)conn; (void)opaque;
    snprintf(line, sizeof(line), "event %s", virDomainGetName(dom));
    record(line);
}

static void on_metadata(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
    char line[160];
    (void)conn; (void)opaque;
    snprintf(line, sizeof(line), "metadata %s %d %s", virDomainGetName(dom), type, nsuri ? nsuri : "NULL");
    record(line);
}

static virConnectDomainEventGenericCallback event_callback(int id)
{
    if (id == VIR_DOMAIN_EVENT_ID_LIFECYCLE) return VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle);
    if (id == VIR_DOMAIN_EVENT_ID_METADATA_CHANGE) return VIR_DOMAIN_EVENT_CALLBACK(on_metadata);
    return on_generic;
}

static void tick(int timer, void *opaque) { (void)timer; (void)opaque; }

/* Runs the default event loop until `want` events arrived or two seconds passed; prints them. */
static void run_events(int want)
{
    int timer = virEventAddTimeout(20, tick, NULL, NULL);
    time_t start = time(NULL);
    for (int i = 0; i < 200 && nevents < want && time(NULL) - start < 3; i++)
        virEventRunDefaultImpl();
    /* a little longer, so that unexpected extra events show up too */
    for (int i = 0; i < 3; i++)
        virEventRunDefaultImpl();
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    out("[");
    for (int i = 0; i < nevents; i++) { if (i) out(","); put_str(events[i]); }
    out("]\n");
    nevents = 0;
}

static void quiet(void *data, virErrorPtr err) { (void)data; (void)err; }

@SCENARIOS@

int main(void)
{
    virInitialize();
    virSetErrorFunc(NULL, quiet);
@CALLS@
    return 0;
}
'''
