#!/usr/bin/env python3
"""Runs a conformance runner and compares its transcript with the golden one.

    check_transcript.py --golden golden.txt [--binding] -- RUNNER [ARGS...]

Prints a unified diff and fails on any difference; prints a summary line either way. A binding's
runner (--binding) may print "<step> not-in-<language>: <why>" for a step the language cannot take
(a function it does not expose, a NULL object); such a line stands in for the golden line with
the same step, and the summary counts them.
"""
import argparse
import difflib
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--golden', required=True)
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('--binding', action='store_true', help='accept not-in-<language> lines for their steps')
    ap.add_argument('--expected', help='a binding\'s known differences: "<its line>\\t<why>" per line')
    ap.add_argument('runner', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.runner[1:] if args.runner and args.runner[0] == '--' else args.runner
    golden = open(args.golden).read().splitlines(keepends=True)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    actual = run.stdout.splitlines(keepends=True)
    skipped = 0
    if args.binding:
        # a step the binding cannot take stands in for the golden line of the same step
        for i, line in enumerate(actual):
            m = re.match(r'(.*?) not-in-\w+: ', line)
            if m and i < len(golden) and golden[i].startswith(m.group(1) + ' '):
                actual[i] = golden[i]
                skipped += 1
    known = 0
    if args.expected:
        # each known difference is the binding's exact line, with the reason it differs
        expected = {line.split('\t')[0] for line in open(args.expected)
                    if line.strip() and not line.startswith('#')}
        used = set()
        for i, line in enumerate(actual):
            if line.rstrip('\n') in expected and i < len(golden) and golden[i] != line:
                actual[i] = golden[i]
                known += 1
                used.add(line.rstrip('\n'))
        # a difference that is gone must leave the list, so the list stays true
        stale = sorted(expected - used)
        if stale:
            print('conformance: known differences that no longer occur (remove them from %s):\n  %s'
                  % (args.expected, '\n  '.join(stale)))
            sys.exit(1)
    diff = list(difflib.unified_diff(golden, actual, 'golden', 'actual'))
    steps = sum(1 for line in golden if not line.startswith('#'))
    if run.returncode != 0 or diff:
        sys.stdout.writelines(diff)
        if run.stderr:
            print(run.stderr, file=sys.stderr)
        bad = sum(1 for line in diff if line.startswith('-') and not line.startswith('---'))
        print('conformance: %d of %d steps differ (runner exit %d)' % (bad, steps, run.returncode))
        sys.exit(1)
    if skipped or known:
        print('conformance: %d steps, transcript equals the golden transcript; %d steps not in the binding '
              '(its runner says why for each), %d known differences (%s)' % (steps, skipped, known, args.expected))
    else:
        print('conformance: %d steps, transcript equals the golden transcript' % steps)


if __name__ == '__main__':
    main()
