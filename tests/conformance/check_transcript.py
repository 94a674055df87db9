#!/usr/bin/env python3
"""Runs a conformance runner and compares its transcript with the golden one.

    check_transcript.py --golden golden.txt -- RUNNER [ARGS...]

Prints a unified diff and fails on any difference; prints a summary line either way.
"""
import argparse
import difflib
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--golden', required=True)
    ap.add_argument('--timeout', type=float, default=300)
    ap.add_argument('runner', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.runner[1:] if args.runner and args.runner[0] == '--' else args.runner
    golden = open(args.golden).read().splitlines(keepends=True)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    actual = run.stdout.splitlines(keepends=True)
    diff = list(difflib.unified_diff(golden, actual, 'golden', 'actual'))
    steps = sum(1 for line in golden if not line.startswith('#'))
    if run.returncode != 0 or diff:
        sys.stdout.writelines(diff)
        if run.stderr:
            print(run.stderr, file=sys.stderr)
        bad = sum(1 for line in diff if line.startswith('-') and not line.startswith('---'))
        print('conformance: %d of %d steps differ (runner exit %d)' % (bad, steps, run.returncode))
        sys.exit(1)
    print('conformance: %d steps, transcript equals the golden transcript' % steps)


if __name__ == '__main__':
    main()
