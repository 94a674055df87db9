"""The shared conformance suite through the Go binding: a Go program generated from the
scenarios, calling each function as a libvirt-go-module user would (conn.LookupDomainByName,
dom.GetInfo(), ...), that prints the transcript the C runner prints.

A step Go cannot take prints "<step> not-in-go: <why>" (a function the binding does not expose
yet, a NULL where Go has no NULL, events); check_transcript.py --binding accepts such a line for
its own step only.
"""
from __future__ import annotations

import json
import re

from . import emit_go, emit_go_callbacks
from .conformance import inputs, step_head
from .model import Api

GO_NUMERIC_UNSIGNED = {'uint', 'uint32', 'uint64', 'uint8'}


class Skip(Exception):
    """A step Go cannot express; the message says why."""


def go_string(s):
    return json.dumps(s)      # a JSON string literal is a Go string literal for our inputs


class GoRunner:
    def __init__(self, api: Api, plans, names):
        self.api = api
        self.plans = plans           # C function -> emit_go.Plan
        self.names = names           # emit_go.GoNames
        self.out = []

    # ------------------------------------------------------------ values
    def param_type(self, p, a):
        if a.kind == 'flags':
            return emit_go.enum_type(a.attr('enum'), self.names) if a.attr('enum') else 'uint32'
        if a.kind == 'in' and a.name in emit_go.BOOLEANS:
            return 'bool'
        if a.kind == 'in':
            return emit_go.enum_type(a.attr('enum'), self.names) if a.attr('enum') else emit_go.GO_SCALAR[a.ctype]
        return None

    def qualified(self, t):
        return t if t in emit_go.GO_SCALAR.values() or t in ('bool', 'uint32', 'int32') else 'libvirt.' + t

    def number(self, v, t, variables):
        """A scalar input: a literal or a flag expression of VIR_* names, in Go type t."""
        qt = self.qualified(t)
        if isinstance(v, str) and v.startswith('$'):
            return '%s(v_%s)' % (qt, v[1:])
        if t == 'bool':
            return 'true' if v else 'false'
        if isinstance(v, int):
            if v < 0 and t in GO_NUMERIC_UNSIGNED:
                return '%s(allBits(%d))' % (qt, v)
            return '%s(%d)' % (qt, v)
        if isinstance(v, str):
            # each name converted: Go does not OR constants of different enum types
            return re.sub(r'VIR_\w+', lambda m: '%s(libvirt.%s)' % (qt, emit_go.const_name(m.group(0))), v)
        raise Skip('%r is not a number' % (v,))

    def recorder(self, cb_type):
        """A Go func of the callback's type that records the C type's name, as the C runner's do."""
        enum = lambda e: 'libvirt.' + emit_go.enum_type(e, self.names)
        params = []
        for t in emit_go_callbacks.plain_params(self.api, cb_type, enum):
            params.append('_ ' + ('*libvirt.' + t[1:] if t.startswith('*') else t))
        return 'func(%s) { record(%s) }' % (', '.join(params), go_string(cb_type))

    def argument(self, p, a, v, variables):
        if isinstance(v, str) and v.startswith('$') and v[1:] not in variables:
            raise Skip('uses %s, which an earlier step could not make in Go' % v)
        k = a.kind
        if k == 'callback':
            if p.fn.unregisters:
                return None         # Go names no callback to unregister
            if v is None:
                raise Skip('a NULL callback has no Go value')
            return self.recorder(a.ctype)
        if k == 'free_callback':
            if v is not None:
                raise Skip('Go takes no free callback: the binding releases its handle itself')
            return None
        if k == 'opaque':
            return None
        if k == 'object':
            if v is None:
                return '(*libvirt.%s)(nil)' % emit_go.TYPES[a.ctype]
            return 'v_' + v[1:]
        if k in ('flags', 'in'):
            return self.number(v, self.param_type(p, a), variables)
        if k in ('string', 'uuid_string'):
            if v is None and emit_go.nullable_string(a):
                return '""'     # Go's empty string is C's NULL there
            if v is None:
                raise Skip('a NULL string has no Go value')
            return 'v_' + v[1:] if v.startswith('$') else go_string(v)
        if k == 'uuid_in':
            if v is None:
                raise Skip('a NULL UUID has no Go value')
            raw = bytes.fromhex(v.replace('-', ''))
            return '[]byte{%s}' % ', '.join(str(b) for b in raw)
        raise Skip('argument kind %s' % k)

    # ------------------------------------------------------------ steps
    def call_step(self, n, step, variables):
        fn = self.api.function(step['call'])
        p = self.plans[fn.name]
        head = step_head(n, step, self.api)
        try:
            if fn.name in HANDWRITTEN:
                return HANDWRITTEN[fn.name](self, head, step, variables)
            if p.status != 'generated':
                raise Skip(p.reason)
            if fn.name == 'virEventRunDefaultImpl' and self.skipped:
                # it would wait for a timer or handle an earlier step could not add
                raise Skip('an earlier step of this scenario was not in Go')
            return self.call_code(p, head, step, variables)
        except Skip as e:
            self.skipped = True
            return ['out(%s)' % go_string(head + ' not-in-go: ' + str(e) + '\n')]

    def call_code(self, p, head, step, variables):
        fn = p.fn
        given = dict(zip([a.name for a in inputs(fn)], step.get('args', [])))
        receiver, args = None, []
        for i, a in enumerate(fn.args):
            if a.name not in given:
                continue
            v = given[a.name]
            if a.name in p.fixed:
                if v != p.fixed[a.name]:
                    raise Skip('libvirt-go-module passes %s=%s here' % (a.name, p.fixed[a.name]))
                continue
            expr = self.argument(p, a, v, variables)
            if expr is None:
                continue
            if i == 0 and a.kind == 'object' and p.recv == emit_go.TYPES[a.ctype]:
                receiver = expr
            else:
                args.append(expr)
        if p.callback:
            results = [('ret', 'int')] if fn.ret.kind == 'int' else []
        else:
            results = emit_go.results(self.api, p, self.names)
        void = fn.ret.kind == 'void' and not results
        call = '%s%s(%s)' % ('%s.' % receiver if receiver else 'libvirt.', p.name, ', '.join(args))
        names = ['r%d' % i for i in range(len(results))]
        expect = step.get('expect') or {}
        objects = [i for i, (_, gt) in enumerate(results)
                   if gt in {'*' + t for t in emit_go.TYPES.values()} or gt in self.object_lists()]
        want_names = 'as' in step or bool(expect) or bool(objects)
        lhs = [nm if want_names else '_' for nm in names] + ([] if void else ['err'])
        lines = ['{']
        if void:
            lines.append('\t%s' % call)
            lines.append('\tvar err error')
        else:
            lines.append('\t%s := %s' % (', '.join(lhs), call))
            lines += ['\t_ = %s' % nm for nm in lhs if nm.startswith('r')]
        lines.append('\tif err != nil {')
        lines.append('\t\tout(%s + errTail(err, %s) + "\\n")' % (go_string(head), 'true' if 'message' in step else 'false'))
        lines.append('\t} else {')
        fields = self.fields(p, results, names)
        tail = []
        for key in sorted(expect):
            if key not in fields:
                raise Skip('no Go result gives %s' % key)
            want = expect[key]
            if want == '*':
                tail.append('" %s=*"' % key)
            elif isinstance(want, dict) and 'contains' in want:
                rendered = 'contains(%s)' % json.dumps(want['contains'])
                tail.append('" %s=" + containsOr(%s, %s, %s)' % (key, fields[key], go_string(want['contains']),
                                                               go_string(rendered)))
            else:
                tail.append('" %s=" + render(%s)' % (key, fields[key]))
        lines.append('\t\tout(%s)' % ' + '.join([go_string(head + ' ok')] + tail + ['"\\n"']))
        kept = None
        if 'as' in step:
            var = step['as']
            if not results:
                raise Skip('no Go result to keep as %s' % var)
            gt = results[0][1]
            variables[var] = gt
            lines.append('\t\tv_%s = %s' % (var, names[0]))
            kept = 0
        # objects nobody keeps are given back now, as the C runner does: the test driver's state
        # lives while a connection is referenced
        for i in objects:
            if i == kept:
                continue
            if results[i][1].startswith('*'):
                lines.append('\t\t%s.%s()' % (names[i], 'Close' if results[i][1] == '*Connect' else 'Free'))
            else:
                lines.append('\t\tfor i := range %s {' % names[i])
                lines.append('\t\t\t%s[i].Free()' % names[i])
                lines.append('\t\t}')
        lines.append('\t}')
        lines.append('}')
        return lines

    @staticmethod
    def object_lists():
        return {'[]%s' % t for t in emit_go.TYPES.values()}

    def fields(self, p, results, names):
        """Transcript field name -> Go expression of its value."""
        fn = p.fn
        out = {}
        for (cname, gt), var in zip(results, names):
            arg = next((a for a in fn.args if a.name == cname), None)
            if arg is not None and arg.kind == 'struct_out':
                st = self.api.struct_of(arg.ctype)
                for fname, ftype, _ in self.api.struct_fields(st):
                    out['%s.%s' % (cname, fname)] = '%s.%s' % (var, emit_go.struct_field_go(self.names, st, fname))
            elif arg is not None and arg.kind == 'object_list_out':
                out[cname] = 'namesOf(%s)' % var
            elif cname == 'ret' and fn.ret.kind == 'object':
                continue
            else:
                out[cname] = var
        if 'ret' not in out:
            lists = [var for (cname, gt), var in zip(results, names) if gt.startswith('[]') and gt != '[]byte']
            if fn.ret.kind == 'count' and lists:
                out['ret'] = 'len(%s)' % lists[0]
            elif fn.ret.kind == 'status':
                out['ret'] = '0'
        return out

    def event_step(self, n, step, variables):
        head = step_head(n, step, self.api)
        kind = step['events']
        if kind == 'run':
            if self.skipped:
                return ['out(%s)' % go_string(head + ' not-in-go: an earlier step of this scenario was not in Go\n')]
            return ['out(%s + " " + runEvents(%d) + "\\n")' % (go_string(head), len(step.get('expect', [])))]
        if kind != 'register':
            self.skipped = True
            return ['out(%s)' % go_string(head + ' not-in-go: libvirt-go-module has no legacy lifecycle registration\n')]
        event = step.get('event', 'lifecycle')
        method, cb = {'lifecycle': ('DomainEventLifecycleRegister', 'onLifecycle'),
                      'metadata_change': ('DomainEventMetadataChangeRegister', 'onMetadata'),
                      'reboot': ('DomainEventRebootRegister', 'onGeneric')}[event]
        dom = '(*libvirt.Domain)(nil)' if step.get('dom') is None else 'v_' + step['dom'][1:]
        lines = ['{', '\tid, err := v_%s.%s(%s, %s)' % (step['conn'][1:], method, dom, cb), '\t_ = id']
        if step.get('as'):
            variables[step['as']] = 'int'
            lines.append('\tv_%s = id' % step['as'])
        lines += ['\tif err != nil {', '\t\tout(%s + errTail(err, false) + "\\n")' % go_string(head),
                  '\t} else {', '\t\tout(%s)' % go_string(head + ' ok\n'), '\t}', '}']
        return lines

    def scenario(self, idx, sc):
        variables = {}
        self.skipped = False
        body = []
        for n, step in enumerate(sc['steps'], 1):
            body += self.call_step(n, step, variables) if 'call' in step else self.event_step(n, step, variables)
        lines = ['func scenario%d() {' % idx, '\tout(%s)' % go_string('# %s: %s\n' % (sc['file'], sc['name']))]
        for var, gt in variables.items():
            lines.append('\tvar v_%s %s' % (var, self.qualified_result(gt)))
            lines.append('\t_ = v_%s' % var)
        lines += ['\t' + x for x in body]
        # give back what the scenario kept, as the C runner does
        for var, gt in reversed(list(variables.items())):
            if gt.startswith('*'):
                free = 'Close' if gt == '*Connect' else 'Free'
                lines.append('\tif v_%s != nil {' % var)
                lines.append('\t\tv_%s.%s()' % (var, free))
                lines.append('\t}')
        lines.append('}')
        self.out += lines + ['']

    def qualified_result(self, gt):
        if gt.startswith('*'):
            return '*libvirt.' + gt[1:]
        if gt.startswith('[]'):
            return '[]' + self.qualified_result(gt[2:])
        return self.qualified(gt)


def _open_auth(runner, head, step, variables):
    uri, auth, flags = step['args']
    if auth is not None:
        raise Skip('credentials are given as a Go ConnectAuth')
    var = step.get('as', '_unused')
    variables[var] = '*Connect'
    return ['{', '\tr0, err := libvirt.NewConnectWithAuth(%s, nil, libvirt.ConnectFlags(%d))' % (go_string(uri), flags),
            '\tif err != nil {', '\t\tout(%s + errTail(err, %s) + "\\n")' % (go_string(head), 'true' if 'message' in step else 'false'),
            '\t} else {', '\t\tv_%s = r0' % var, '\t\tout(%s)' % go_string(head + ' ok\n'), '\t}', '}']


def _stream_recv(runner, head, step, variables):
    st, nbytes = step['args']
    if not (isinstance(st, str) and st[1:] in variables):
        raise Skip('uses %s, which an earlier step could not make in Go' % st)
    expect = step.get('expect') or {}
    # Go's Recv gives the count and fills the slice; its end is io.EOF where C returns 0
    shown = {'ret': '" ret=" + strconv.Itoa(n)', 'data': '" data=" + hexOf(buf[:n])'}
    if set(expect) - set(shown) or any(v == '*' or isinstance(v, dict) for v in expect.values()):
        raise Skip('the Go runner shows only ret and data of Recv')
    tail = [shown[k] for k in sorted(expect)]
    return ['{', '\tbuf := make([]byte, %d)' % nbytes, '\tn, err := v_%s.Recv(buf)' % st[1:],
            '\tif err != nil && !isEOF(err) {',
            '\t\tout(%s + errTail(err, %s) + "\\n")' % (go_string(head), 'true' if 'message' in step else 'false'),
            '\t} else {', '\t\tout(%s)' % ' + '.join([go_string(head + ' ok')] + tail + ['"\\n"']), '\t}', '}']


def _all_domain_stats(runner, head, step, variables):
    """GetAllDomainStats(doms, stats, flags): nil doms for virConnectGetAllDomainStats."""
    if step['call'] == 'virConnectGetAllDomainStats':
        conn, stats, flags = step['args']
        doms = 'nil'
    else:
        listed, stats, flags = step['args']
        if not listed:
            raise Skip('libvirt-go-module calls virConnectGetAllDomainStats for an empty list')
        missing = [v for v in listed if v[1:] not in variables]
        if missing:
            raise Skip('uses %s, which an earlier step could not make in Go' % missing[0])
        doms = '[]*libvirt.Domain{%s}' % ', '.join('v_' + v[1:] for v in listed)
        # libvirt-go-module asks the domains, not the connection, for a non-empty list
        conn = '$' + next(v for v, t in variables.items() if t == '*Connect')
    if conn[1:] not in variables:
        raise Skip('uses %s, which an earlier step could not make in Go' % conn)
    shown = {'ret': '" ret=" + strconv.Itoa(len(r0))', 'retStats': '" retStats=" + renderStats(r0)'}
    expect = step.get('expect') or {}
    if set(expect) - set(shown) or any(v == '*' or isinstance(v, dict) and 'contains' in v for v in expect.values()):
        raise Skip('the Go runner shows only ret and retStats of GetAllDomainStats')
    tail = [shown[k] for k in sorted(expect)]
    call = 'v_%s.GetAllDomainStats(%s, %s, %s)' % (conn[1:], doms, runner.number(stats, 'DomainStatsTypes', variables),
                                                   runner.number(flags, 'ConnectGetAllDomainStatsFlags', variables))
    return ['{', '\tr0, err := ' + call,
            '\tif err != nil {',
            '\t\tout(%s + errTail(err, %s) + "\\n")' % (go_string(head), 'true' if 'message' in step else 'false'),
            '\t} else {', '\t\tout(%s)' % ' + '.join([go_string(head + ' ok')] + tail + ['"\\n"']),
            '\t\tfor _, s := range r0 {', '\t\t\ts.Domain.Free()', '\t\t}', '\t}', '}']


# The functions the Go binding has by hand, and how a step calls them.
HANDWRITTEN = {'virConnectOpenAuth': _open_auth, 'virStreamRecv': _stream_recv,
               'virConnectGetAllDomainStats': _all_domain_stats, 'virDomainListGetStats': _all_domain_stats}


def go_runner(api: Api, scenarios, plans, names, error_names) -> str:
    runner = GoRunner(api, plans, names)
    for i, sc in enumerate(scenarios):
        runner.scenario(i, sc)
    codes = '\n'.join('\t%d: "%s",' % (v, k) for k, v in error_names)
    calls = '\n'.join('\tscenario%d()' % i for i in range(len(scenarios)))
    return (RUNNER_TEMPLATE.replace('@ERROR_NAMES@', codes).replace('@SCENARIOS@', '\n'.join(runner.out))
            .replace('@CALLS@', calls))


RUNNER_TEMPLATE = '''// Generated by generator/vhgen/conformance_go.py from tests/conformance/; do not edit.
// Runs the shared scenarios through the Go binding and prints the transcript.
package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	libvirt "virthub.org/go/libvirt"
)

var errorNames = map[int]string{
@ERROR_NAMES@
}

func out(s string) { os.Stdout.WriteString(s) }

func allBits(v int64) uint64 { return uint64(v) }

// hexOf shows a buffer's bytes as the C runner does: a string of hex digits.
func hexOf(b []byte) string { return putStr(hex.EncodeToString(b)) }

// isEOF: a stream's end, which Go's Recv reports as io.EOF.
func isEOF(err error) bool { return err == io.EOF }

// putStr quotes as the C runner does: JSON escapes for quotes, backslashes and control characters.
func putStr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\\"`)
		case c == '\\\\':
			b.WriteString(`\\\\`)
		case c == '\\n':
			b.WriteString(`\\n`)
		case c == '\\t':
			b.WriteString(`\\t`)
		case c < 0x20:
			fmt.Fprintf(&b, "\\\\u%04x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func errTail(err error, withMessage bool) string {
	e, ok := err.(libvirt.Error)
	if !ok {
		return " error " + err.Error()
	}
	name, known := errorNames[int(e.Code)]
	if !known {
		name = "VIR_ERR_UNKNOWN"
	}
	s := " error " + name
	if withMessage {
		s += " message=" + putStr(e.Message)
	}
	return s
}

func uuidString(u []byte) string {
	h := fmt.Sprintf("%x", u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// render prints a value as the golden transcript does; lists sorted.
func render(v interface{}) string {
	switch x := v.(type) {
	case string:
		return putStr(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case []byte:
		if len(x) == 16 {
			return putStr(uuidString(x))
		}
	case []string:
		items := make([]string, len(x))
		for i, s := range x {
			items[i] = putStr(s)
		}
		sort.Strings(items)
		return "[" + strings.Join(items, ",") + "]"
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(r.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(r.Uint(), 10)
	case reflect.Slice:
		items := make([]string, r.Len())
		for i := range items {
			items[i] = render(r.Index(i).Interface())
		}
		sort.Strings(items)
		return "[" + strings.Join(items, ",") + "]"
	}
	return fmt.Sprint(v)
}

var events []string

func record(line string) {
	if len(events) < 64 {
		events = append(events, line)
	}
}

func domName(d *libvirt.Domain) string {
	name, _ := d.GetName()
	d.Free()
	return name
}

func onLifecycle(c *libvirt.Connect, d *libvirt.Domain, e *libvirt.DomainEventLifecycle) {
	record(fmt.Sprintf("lifecycle %s %d %d", domName(d), e.Event, e.Detail))
}

func onMetadata(c *libvirt.Connect, d *libvirt.Domain, e *libvirt.DomainEventMetadataChange) {
	nsuri := e.NSURI
	if nsuri == "" {
		nsuri = "NULL"
	}
	record(fmt.Sprintf("metadata %s %d %s", domName(d), e.Type, nsuri))
}

func onGeneric(c *libvirt.Connect, d *libvirt.Domain) {
	record("event " + domName(d))
}

// runEvents runs the default event loop until want events arrived or three seconds passed,
// then a little longer, and prints what arrived (as the C runner does).
func runEvents(want int) string {
	timer, _ := libvirt.EventAddTimeout(20, func(int) {})
	start := time.Now()
	for i := 0; i < 200 && len(events) < want && time.Since(start) < 3*time.Second; i++ {
		libvirt.EventRunDefaultImpl()
	}
	for i := 0; i < 3; i++ {
		libvirt.EventRunDefaultImpl()
	}
	libvirt.EventRemoveTimeout(timer)
	items := make([]string, len(events))
	for i, e := range events {
		items[i] = putStr(e)
	}
	events = nil
	return "[" + strings.Join(items, ",") + "]"
}

func containsOr(got string, needle string, shown string) string {
	if strings.Contains(got, needle) {
		return shown
	}
	return render(got)
}

// statsFields lists the tagged fields of a statistics group as the C runner shows parameters:
// prefix + tag = value, for the fields whose Set flag is true.
func statsFields(group interface{}, prefix string) []string {
	v := reflect.ValueOf(group)
	if v.Kind() == reflect.Ptr {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	items := []string{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		tag := f.Tag.Get("stats")
		if tag == "" || !v.FieldByName(f.Name+"Set").Bool() {
			continue
		}
		items = append(items, prefix+tag+"="+render(v.Field(i).Interface()))
	}
	return items
}

// renderStats shows []DomainStats as the C runner shows the records: {name={field=value,...},...}.
// Go's structs keep no vCPU counts: vcpu.current and vcpu.maximum cannot be shown.
func renderStats(stats []libvirt.DomainStats) string {
	records := []string{}
	for _, s := range stats {
		name, _ := s.Domain.GetName()
		items := statsFields(s.State, "state.")
		items = append(items, statsFields(s.Cpu, "cpu.")...)
		items = append(items, statsFields(s.Balloon, "balloon.")...)
		items = append(items, statsFields(s.Perf, "perf.")...)
		items = append(items, statsFields(s.DirtyRate, "dirtyrate.")...)
		for i, v := range s.Vcpu {
			items = append(items, statsFields(v, fmt.Sprintf("vcpu.%d.", i))...)
		}
		if len(s.Net) > 0 {
			items = append(items, fmt.Sprintf("net.count=%d", len(s.Net)))
		}
		for i, n := range s.Net {
			items = append(items, statsFields(n, fmt.Sprintf("net.%d.", i))...)
		}
		if len(s.Block) > 0 {
			items = append(items, fmt.Sprintf("block.count=%d", len(s.Block)))
		}
		for i, b := range s.Block {
			items = append(items, statsFields(b, fmt.Sprintf("block.%d.", i))...)
		}
		sort.Strings(items)
		records = append(records, name+"={"+strings.Join(items, ",")+"}")
	}
	sort.Strings(records)
	return "{" + strings.Join(records, ",") + "}"
}

type named interface{ GetName() (string, error) }

func namesOf(v interface{}) []string {
	r := reflect.ValueOf(v)
	names := []string{}
	for i := 0; i < r.Len(); i++ {
		if o, ok := r.Index(i).Addr().Interface().(named); ok {
			name, _ := o.GetName()
			names = append(names, name)
		}
	}
	return names
}

@SCENARIOS@
func main() {
@CALLS@
}
'''
