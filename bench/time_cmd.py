#!/usr/bin/env python3
"""Fallback when hyperfine is missing: time whole commands with perf_counter.

Usage: time_cmd.py --runs 30 --warmup 3 --out f.json -n NAME "CMD ..." [-n NAME "CMD ..."]
Writes hyperfine-like JSON: {"results": [{"command": NAME, "median": s, "mean": s, "times": [...]}]}
"""
import argparse
import json
import shlex
import statistics
import subprocess
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", dest="names", action="append", default=[])
    ap.add_argument("commands", nargs="+")
    a = ap.parse_intermixed_args()
    if len(a.names) != len(a.commands):
        ap.error("one -n NAME per command")
    results = []
    for name, cmd in zip(a.names, a.commands):
        argv = shlex.split(cmd)
        times = []
        for i in range(a.warmup + a.runs):
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, timeout=30)
            t1 = time.perf_counter()
            if i >= a.warmup:
                times.append(t1 - t0)
        results.append({"command": name, "median": statistics.median(times),
                        "mean": statistics.fmean(times), "min": min(times),
                        "max": max(times), "times": times})
    with open(a.out, "w") as f:
        json.dump({"results": results}, f, indent=1)


if __name__ == "__main__":
    main()
