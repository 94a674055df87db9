#!/usr/bin/env python3
"""In-process Python binding benchmark against test:///default.

Runs the same loop on python3-libvirt (`libvirt`) and on virthub's binding
(`virthub`, shaped like libvirt-python), so bench/run.sh can compare the two
under one interpreter (/usr/bin/python3).

Usage: workload.py MODULE WORKLOAD [--n N] [--time-limit S]
  lookup  N  conn.lookupByName("test") calls                          (200000)
  loop    N  defineXML + lookupByName + XMLDesc(0) + undefine sequences (5000)

Every loop is bounded by N; --time-limit (default 60 s) stops it early, checked
after each chunk, and the output then says "time_limited": true with the count
actually done. Output: one JSON object on stdout. Exit 1 on any error.
"""
import argparse
import importlib
import json
import os
import resource
import sys
import time

URI = "test:///default"
DEFAULT_N = {"lookup": 200_000, "loop": 5_000}
CHUNK = {"lookup": 1000, "loop": 50}
WARMUP = {"lookup": 1000, "loop": 50}


def domain_xml(name):
    return (f"<domain type='test'><name>{name}</name><memory>1024</memory>"
            "<os><type>hvm</type></os></domain>")


def loaded_libvirt_libs():
    """Every libvirt*.so* mapped into this process (realpath'd), from /proc/self/maps."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6:
                    path = parts[5].strip()
                    if os.path.basename(path).startswith("libvirt") and ".so" in path:
                        libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def run_lookup(conn, n):
    for _ in range(n):
        conn.lookupByName("test")


def run_loop(conn, start, n, prefix="bench-"):
    for i in range(start, start + n):
        name = f"{prefix}{i}"
        conn.defineXML(domain_xml(name))
        dom = conn.lookupByName(name)
        desc = dom.XMLDesc(0)
        if name not in desc:
            raise RuntimeError(f"XMLDesc of {name} does not name it: {desc[:200]!r}")
        dom.undefine()


def timed(fn, conn, n, chunk, limit):
    """Run fn(conn, start, count) in chunks until n done or `limit` seconds passed."""
    done = 0
    t0 = time.perf_counter()
    t1 = t0
    while done < n:
        k = min(chunk, n - done)
        fn(conn, done, k)
        done += k
        t1 = time.perf_counter()
        if t1 - t0 > limit:
            break
    return done, t1 - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module", help="libvirt or virthub (anything shaped like libvirt-python)")
    ap.add_argument("workload", choices=sorted(DEFAULT_N))
    ap.add_argument("--n", type=int)
    ap.add_argument("--time-limit", type=float, default=60.0)
    a = ap.parse_args()
    n = a.n if a.n is not None else DEFAULT_N[a.workload]
    if not 0 < n <= 100_000_000:
        ap.error("bad --n")

    mod = importlib.import_module(a.module)
    conn = mod.open(URI)
    if conn is None:
        sys.exit(f"workload: {a.module}.open({URI!r}) returned None")
    n_domains = len(conn.listAllDomains(0))

    if a.workload == "lookup":
        desc = conn.lookupByName("test").XMLDesc(0)
        if "<name>test</name>" not in desc:
            sys.exit(f"workload: lookupByName('test') gave {desc[:200]!r}")
        run_lookup(conn, WARMUP["lookup"])
        done, secs = timed(lambda c, _start, k: run_lookup(c, k), conn, n,
                           CHUNK["lookup"], a.time_limit)
    else:
        run_loop(conn, 0, WARMUP["loop"], prefix="bench-warm-")
        done, secs = timed(run_loop, conn, n, CHUNK["loop"], a.time_limit)

    after = len(conn.listAllDomains(0))
    if after != n_domains:
        sys.exit(f"workload: {after} domains at the end, {n_domains} at the start")
    if hasattr(conn, "close"):
        conn.close()

    libver = None
    try:
        libver = mod.getVersion()
    except Exception:  # a binding may not have it; the report does not need it
        pass
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "mode": "py_" + a.workload, "module": a.module,
        "module_file": os.path.realpath(getattr(mod, "__file__", "") or "?"),
        "libs": loaded_libvirt_libs(), "libver": libver,
        "python": sys.executable, "python_version": sys.version.split()[0],
        "n": done, "n_requested": n, "time_limited": done < n,
        "seconds": round(secs, 6), "per_sec": round(done / secs, 1),
        "ms_per_op": round(secs * 1000.0 / done, 6), "maxrss_kb": ru.ru_maxrss,
    }))


if __name__ == "__main__":
    main()
