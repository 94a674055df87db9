#!/usr/bin/env python3
"""Generate virthub's C headers, entry points, version scripts and driver tables from api/.

    generate.py --api api --out build/gen            write what changed
    generate.py --api api --update-abi-lock          append new functions to api/abi.lock

The build runs the first form; the ABI lock check runs on every generation, so a changed or
removed signature fails the build.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vhgen import model, emit_header, emit_capi, emit_docs, emit_python, emit_go, abi_lock, conformance, conformance_go, drivers  # noqa: E402


def writer(out_dir, written):
    def write(rel, text):
        path = os.path.join(out_dir, rel)
        written.append(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path) as f:
                if f.read() == text:
                    return          # unchanged: keep the mtime so nothing rebuilds
        except FileNotFoundError:
            pass
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(text)
        os.replace(tmp, path)
    return write


def emit_conformance(api, args, write):
    scenarios = conformance.load(args.conformance)
    try:
        conformance.check(api, scenarios)
    except conformance.ScenarioError as e:
        sys.exit('conformance scenarios: %s' % e)
    if args.drivers:
        # every function a driver implements and every one the library implements needs a
        # scenario
        table = drivers.support(api, args.drivers)
        implemented = {f.name for f in api.functions if table[f.name]}
        missing = sorted(implemented - conformance.covered(scenarios))
        if missing:
            sys.exit('conformance scenarios: no scenario calls ' + ', '.join(missing))
    write('conformance/golden.txt', conformance.golden(api, scenarios))
    write('conformance/runner.c', conformance.c_runner(api, scenarios))
    # the Go runner: a module of its own that uses the committed Go module in the tree
    rules = emit_go.load_rules(args.api)
    plans = {p.fn.name: p for p in emit_go.plans(api, rules)}
    errors = [(n, v) for n, v in api.header('virterror').enums['virErrorNumber']['values'].items()
              if isinstance(v, int) and not n.endswith('_LAST')]
    module = os.path.abspath(os.path.join(args.api, '..', 'bindings', 'go'))
    write('go-conformance/main.go', conformance_go.go_runner(api, scenarios, plans, emit_go.GoNames(api, rules), errors))
    write('go-conformance/go.mod', 'module virthub.test/conformance\n\ngo 1.24\n\nrequire virthub.org/go/libvirt v0.0.0\n\n'
          'replace virthub.org/go/libvirt => %s\n' % module)


def support_docs(api, root, check):
    drivers_dir = os.path.join(root, 'core', 'drivers')
    readme_path = os.path.join(root, 'README.md')
    full_path = os.path.join(root, 'docs', 'SUPPORT.md')
    readme = open(readme_path).read()
    api_dir = os.path.join(root, 'api')
    python = {p.fn.name: p for p in emit_python.plans(api, emit_python.load_rules(api_dir))}
    go = {p.fn.name: p for p in emit_go.plans(api, emit_go.load_rules(api_dir))}
    want = {readme_path: emit_docs.splice(readme, emit_docs.summary(api, drivers_dir, python, go)),
            full_path: emit_docs.full(api, drivers_dir, python, go) + '\n'}
    stale = [p for p, text in want.items() if not os.path.exists(p) or open(p).read() != text]
    if check:
        if stale:
            sys.exit('stale support matrix in %s: run generator/generate.py --api api --docs .' % ', '.join(stale))
        print('support matrix up to date')
        return
    for p in stale:
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(want[p])


def go_module(api, api_dir, module_dir, check):
    try:
        files, plans = emit_go.module_files(api, api_dir)
    except emit_go.BindingError as e:
        sys.exit('go binding: %s' % e)
    missing = emit_go.missing_handwritten(plans, module_dir)
    if missing:
        sys.exit('go binding: api/bindings.yaml says these are written by hand, but %s has no such function: %s'
                 % (module_dir, ', '.join(missing)))
    stale = [n for n, text in files.items()
             if not os.path.exists(os.path.join(module_dir, n)) or open(os.path.join(module_dir, n)).read() != text]
    if check:
        if stale:
            sys.exit('stale generated files in %s: %s; run generator/generate.py --api api --go bindings/go'
                     % (module_dir, ', '.join(stale)))
        print('the Go module\'s generated files are up to date')
        return
    for name in stale:
        with open(os.path.join(module_dir, name), 'w') as f:
            f.write(files[name])
    print('%s: %d generated files rewritten' % (module_dir, len(stale)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--api', required=True)
    ap.add_argument('--out')
    ap.add_argument('--update-abi-lock', action='store_true')
    ap.add_argument('--stamp', help='file to touch after a successful run')
    ap.add_argument('--conformance', help='the scenario directory (tests/conformance)')
    ap.add_argument('--drivers', help='core/drivers, to check that the scenarios cover what drivers implement')
    ap.add_argument('--docs', help='the source tree: rewrite the support matrix in README.md and docs/SUPPORT.md')
    ap.add_argument('--check-docs', help='the source tree: fail when its support matrix is stale')
    ap.add_argument('--go', help='bindings/go: rewrite the Go module\'s generated files (it is committed)')
    ap.add_argument('--check-go', help='bindings/go: fail when its generated files are stale')
    args = ap.parse_args()
    try:
        api = model.load(args.api)
    except model.ApiError as e:
        sys.exit('api description: %s' % e)
    lock = os.path.join(args.api, 'abi.lock')
    if args.update_abi_lock:
        added = abi_lock.update(api, lock)
        print('abi.lock: %d functions added' % added)
        return
    problems = abi_lock.check(api, lock)
    if problems:
        sys.exit('ABI lock (api/abi.lock): the ABI is append-only\n  ' + '\n  '.join(problems))
    if args.go or args.check_go:
        return go_module(api, args.api, args.go or args.check_go, check=bool(args.check_go))
    if args.docs or args.check_docs:
        root = args.docs or args.check_docs
        return support_docs(api, root, check=bool(args.check_docs))
    if args.out:
        written = []
        write = writer(args.out, written)
        emit_header.emit(api, write)
        emit_capi.emit(api, write)
        try:
            emit_python.emit(api, args.api, write)
        except emit_python.BindingError as e:
            sys.exit('python binding: %s' % e)
        try:
            emit_go.emit(api, args.api, write)
        except emit_go.BindingError as e:
            sys.exit('go binding: %s' % e)
        if args.conformance:
            emit_conformance(api, args, write)
    if args.stamp:
        with open(args.stamp, 'w') as f:
            f.write('ok\n')


if __name__ == '__main__':
    main()
