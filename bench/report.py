#!/usr/bin/env python3
"""Turn bench/run.sh's raw measurements into the side-by-side table and latest.json.

Fails (exit 1) if the two sides did not run on the libraries they claim to: the
libvirt runs must have loaded a libvirt.so.0 outside the virthub build, the
virthub runs the one in --vh-libdir.

With --py-status, adds the Python binding table (python3-libvirt vs virthub's
`virthub` package, both under one interpreter). Its own check: the libvirt side
must have imported nothing from --vh-pypath or --vh-libdir, the virthub side its
package from --vh-pypath (status "dry run": the same python3-libvirt as the
libvirt side). A failed check blanks that table and makes the exit status 1,
after the C table and latest.json are written.

With --go-status, adds the Go binding table (libvirt-go-module, libvirt.org/go/libvirt on
Debian's libvirt, vs virthub's virthub.org/go/libvirt on --vh-libdir): medians of ns/op,
printed as ops/s. Its own check: the libvirt side must be libvirt.org/go/libvirt with no
libvirt*.so* from --vh-libdir, the virthub side virthub.org/go/libvirt with every libvirt*.so*
from --vh-libdir (status "dry run": exactly what the libvirt side ran). A failed check blanks
that table and makes the exit status 1, like the Python one.
"""
import argparse
import json
import os
import statistics
import sys

IMPLS = ("libvirt", "virthub")


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


def under(path, d):
    return os.path.realpath(path).startswith(os.path.realpath(d) + os.sep)


def python_section(a, summary_of):
    """-> (dict for latest.json, workloads to print, error or None)."""
    status = a.py_status
    sec = {"status": status, "pythonpath": a.vh_pypath, "modules": None, "workloads": []}
    if status not in ("ok", "dry run") and not status.startswith("failed"):
        return sec, [], None
    rows = load_jsonl(a.py_inproc) if a.py_inproc and os.path.exists(a.py_inproc) else []
    by = {}
    for r in rows:
        by.setdefault((r["impl"], r["result"]["mode"]), []).append(r["result"])
    shell = {}
    if a.py_shell and os.path.exists(a.py_shell):
        with open(a.py_shell) as f:
            shell = {r["command"]: r for r in json.load(f)["results"]}

    # Which module (and libvirt*.so*) each side really imported.
    mods = {}
    for impl in IMPLS:
        seen = {(r["module"], r["module_file"], tuple(r["libs"]))
                for (i, _), lst in by.items() if i == impl for r in lst}
        if len(seen) > 1:
            return sec, [], f"{impl} Python runs imported different things: {sorted(seen)}"
        if seen:
            m, f, libs = seen.pop()
            mods[impl] = {"module": m, "file": f, "libs": list(libs)}
    sec["modules"] = mods
    lv, vh = mods.get("libvirt"), mods.get("virthub")
    if lv and (under(lv["file"], a.vh_pypath) or
               any(under(l, a.vh_libdir) or under(l, a.vh_pypath) for l in lv["libs"])):
        return sec, [], f"python3-libvirt side loaded virthub files: {lv}"
    if vh and status == "dry run" and vh != lv:
        return sec, [], f"dry run, yet the virthub column imported {vh}, not {lv}"
    if vh and status != "dry run" and (vh["module"] != "virthub" or
                                       not under(vh["file"], a.vh_pypath)):
        return sec, [], f"virthub side imported {vh}, not virthub from {a.vh_pypath}"

    workloads = []

    def add(wid, name, unit, higher_better, values, note=None):
        w = {"id": wid, "name": name, "unit": unit, "higher_is_better": higher_better}
        for impl in IMPLS:
            w[impl] = summary_of(values[impl]) if values.get(impl) else None
        if w["libvirt"] and w["virthub"] and w["libvirt"]["median"] > 0 and w["virthub"]["median"] > 0:
            l, v = w["libvirt"]["median"], w["virthub"]["median"]
            w["ratio"] = (v / l) if higher_better else (l / v)
        else:
            w["ratio"] = None
        w["target"] = None
        w["target_met"] = None
        w["note"] = note
        workloads.append(w)

    def vals(mode):
        return {impl: [r["per_sec"] for r in by.get((impl, mode), [])] for impl in IMPLS}

    def note(mode):
        capped = [r for lst in (by.get((i, mode), []) for i in IMPLS) for r in lst
                  if r["time_limited"]]
        return "some runs hit the time limit (fewer calls)" if capped else None

    def count(mode):
        n = next((r["n_requested"] for i in IMPLS for r in by.get((i, mode), [])), None)
        return f"{n:,}" if n else "?"

    add("py_lookup_by_name", f"conn.lookupByName('test') ({count('py_lookup')} calls)", "calls/s", True,
        vals("py_lookup"), note("py_lookup"))
    add("py_define_sequence", f"defineXML+lookupByName+XMLDesc+undefine ({count('py_loop')})",
        "seq/s", True, vals("py_loop"), note("py_loop"))
    ms = {impl: [t * 1000 for t in shell[impl]["times"]] for impl in IMPLS if impl in shell}
    add("py_process", "import+open+listAllDomains, whole process", "ms", False, ms)
    if "floor" in shell:
        floor = summary_of([t * 1000 for t in shell["floor"]["times"]])
        above = {impl: [ms_w["median"] - floor["median"]]
                 for impl in IMPLS for ms_w in [workloads[-1][impl]] if ms_w}
        add("py_process_above_floor", "  same, ms above the interpreter floor", "ms", False, above)
        workloads.append({"id": "py_floor", "name": "interpreter floor: `python3 -c pass`",
                          "unit": "ms", "higher_is_better": False, "libvirt": floor,
                          "virthub": floor, "ratio": None, "target": None,
                          "target_met": None, "note": "one measurement, shown in both columns"})
    sec["workloads"] = workloads
    return sec, workloads, None


GO_BINDINGS = {"libvirt": "libvirt.org/go/libvirt", "virthub": "virthub.org/go/libvirt"}


def go_section(a):
    """-> (dict for latest.json, workloads to print, error or None)."""
    status = a.go_status
    dry = a.go_dry_run == "1" or status == "dry run"  # also when a dry run then failed
    sec = {"status": status, "dry_run": dry, "runs_on": None, "workloads": []}
    rows = load_jsonl(a.go_inproc) if a.go_inproc and os.path.exists(a.go_inproc) else []
    by = {}
    for r in rows:
        by.setdefault((r["impl"], r["result"]["mode"]), []).append(r["result"])

    # Which binding and libvirt*.so* each side really ran on.
    runs_on = {}
    for impl in IMPLS:
        seen = {(r["info"]["binding"], tuple(r["info"]["libs"]))
                for (i, _), lst in by.items() if i == impl for r in lst}
        if len(seen) > 1:
            return sec, [], f"{impl} Go runs ran on different things: {sorted(seen)}"
        if seen:
            b, libs = seen.pop()
            runs_on[impl] = {"binding": b, "libs": list(libs)}
    sec["runs_on"] = runs_on
    lv, vh = runs_on.get("libvirt"), runs_on.get("virthub")
    if lv and (lv["binding"] != GO_BINDINGS["libvirt"] or not lv["libs"] or
               any(under(l, a.vh_libdir) for l in lv["libs"])):
        return sec, [], f"libvirt-go side ran on {lv}"
    if vh and dry and vh != lv:
        return sec, [], f"dry run, yet the virthub column ran on {vh}, not {lv}"
    if vh and not dry and (
            vh["binding"] != GO_BINDINGS["virthub"] or not vh["libs"] or
            not all(under(l, a.vh_libdir) for l in vh["libs"])):
        return sec, [], f"virthub side ran on {vh}, not {GO_BINDINGS['virthub']} on {a.vh_libdir}"

    workloads = []

    def add(wid, name, mode, unit):
        w = {"id": wid, "name": name, "unit": unit, "higher_is_better": True}
        ns = {}
        for impl in IMPLS:
            values = [r["ns_per_op"] for r in by.get((impl, mode), [])]
            ns[impl] = summary(values) if values else None
            # ops/s from the median ns/op (and min/max the other way round)
            w[impl] = ({"median": 1e9 / ns[impl]["median"], "min": 1e9 / ns[impl]["max"],
                        "max": 1e9 / ns[impl]["min"]} if ns[impl] else None)
        w["ns_per_op"] = ns
        l, v = ns["libvirt"], ns["virthub"]
        w["ratio"] = (l["median"] / v["median"]) if (l and v and v["median"] > 0) else None
        w["target"] = None
        w["target_met"] = None
        w["note"] = "ns/op: " + " vs ".join(
            f"{x['median']:,.0f}" if x else "n/a" for x in (l, v))
        workloads.append(w)

    def count(mode):
        n = next((r["n_requested"] for i in IMPLS for r in by.get((i, mode), [])), None)
        return f"{n:,}" if n else "?"

    add("go_lookup_by_name", f"LookupDomainByName(\"test\")+Free ({count('go_LookupByName')})",
        "go_LookupByName", "calls/s")
    add("go_define_sequence", f"Define+Lookup+GetXMLDesc+Undefine ({count('go_DefineLoop')})",
        "go_DefineLoop", "seq/s")
    if not any(w["libvirt"] or w["virthub"] for w in workloads):
        workloads = []
    sec["workloads"] = workloads
    return sec, workloads, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inproc", required=True)
    ap.add_argument("--shell", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--vh-libdir", required=True)
    ap.add_argument("--meta", action="append", default=[], help="key=value for the header")
    ap.add_argument("--py-status", help="Python section: ok, dry run, not built, not importable, "
                    "failed: ...; without it, no Python section")
    ap.add_argument("--py-inproc")
    ap.add_argument("--py-shell")
    ap.add_argument("--vh-pypath", default="")
    ap.add_argument("--go-status", help="Go section: ok, dry run, not built, no go toolchain, "
                    "failed: ...; without it, no Go section")
    ap.add_argument("--go-inproc")
    ap.add_argument("--go-dry-run", default="0", help="1: the virthub Go column ran libvirt-go too")
    a = ap.parse_args()
    meta = dict(m.split("=", 1) for m in a.meta)

    rows = load_jsonl(a.inproc)
    by = {}  # (impl, mode) -> [result]
    for r in rows:
        by.setdefault((r["impl"], r["result"]["mode"]), []).append(r["result"])

    # Which library each side really loaded (dladdr on virConnectOpen, realpath'd).
    vh_dir = os.path.realpath(a.vh_libdir)
    libs = {}
    for impl in IMPLS:
        seen = {res["lib"] for (i, _), lst in by.items() if i == impl for res in lst}
        if len(seen) != 1:
            sys.exit(f"report: {impl} runs loaded {sorted(seen)}; expected exactly one library")
        libs[impl] = seen.pop()
    inside = {impl: os.path.dirname(libs[impl]) == vh_dir for impl in IMPLS}
    if inside["libvirt"] or not inside["virthub"] or libs["libvirt"] == libs["virthub"]:
        sys.exit(f"report: library check failed: libvirt side loaded {libs['libvirt']}, "
                 f"virthub side loaded {libs['virthub']} (virthub dir {vh_dir})")

    workloads = []

    def add(wid, name, unit, higher_better, values, target=None, target_fn=None, ratio_note=""):
        w = {"id": wid, "name": name, "unit": unit, "higher_is_better": higher_better}
        for impl in IMPLS:
            w[impl] = summary(values[impl]) if values.get(impl) else None
        if w["libvirt"] and w["virthub"]:
            lv, vh = w["libvirt"]["median"], w["virthub"]["median"]
            w["ratio"] = (vh / lv) if higher_better else (lv / vh)
        else:
            w["ratio"] = None
        w["target"] = target
        w["target_met"] = target_fn(w) if (target_fn and w["virthub"]) else None
        workloads.append(w)

    def vals(mode, key):
        return {impl: [r[key] for r in by.get((impl, mode), [])] for impl in IMPLS}

    n_def = by[("libvirt", "define")][0]["n"]
    add("define_sequence", f"define+lookup+XMLDesc+undefine ({n_def} domains)", "seq/s", True,
        vals("define", "per_sec"), ">= 2x libvirt", lambda w: w["ratio"] >= 2.0)

    with open(a.shell) as f:
        shell = {r["command"]: r for r in json.load(f)["results"]}
    shell_ms = {impl: [t * 1000 for t in shell[impl]["times"]] for impl in IMPLS if impl in shell}
    add("list_all_process", "`list --all` whole process (virsh vs virthub)", "ms", False,
        shell_ms, "virthub < 10 ms", lambda w: w["virthub"]["median"] < 10.0)

    n_small = by[("libvirt", "small")][0]["n"]
    add("define_small", f"defineXML of a small domain ({n_small} domains)", "calls/s", True,
        vals("small", "per_sec"), ">= 5x libvirt", lambda w: w["ratio"] >= 5.0)
    add("parse_rich", "parse the rich domain (re-define, 216 lines)", "calls/s", True,
        vals("parse", "per_sec"), ">= 5x libvirt", lambda w: w["ratio"] >= 5.0)
    add("format_rich", "format the rich domain (XMLDesc)", "calls/s", True,
        vals("format", "per_sec"), ">= 3x libvirt", lambda w: w["ratio"] >= 3.0)

    add("lookup_by_name", "lookupByName('test') + free", "calls/s", True,
        vals("lookup", "per_sec"))
    n_list = by[("libvirt", "listall")][0]["n"]
    add("list_all_domains", f"listAllDomains, 1001 domains ({n_list} calls)", "ms/call", False,
        vals("listall", "ms_per_op"))
    rss = {impl: [kb / 1024 for kb in v] for impl, v in vals("define", "maxrss_kb").items()}
    add("define_peak_rss", "peak RSS of the define loop process", "MiB", False, rss)

    # ---- print
    def fmt(v, unit):
        if v is None:
            return "n/a"
        if unit in ("seq/s", "calls/s"):
            return f"{v:,.0f}"
        if unit == "ms/call":
            return f"{v:.3f}"
        return f"{v:.1f}"

    print()
    print(f"virthub vs Debian libvirt {meta.get('libvirt_version', '?')}   {meta.get('date', '')}")
    print(f"machine:        {meta.get('nproc', '?')} x {meta.get('cpu', '?')}")
    print(f"virthub commit: {meta.get('virthub_commit', '?')}   build: {meta.get('virthub_build', '?')}")
    print(f"libvirt lib:    {libs['libvirt']}")
    print(f"virthub lib:    {libs['virthub']}")
    print(f"shell:          {meta.get('virsh', '?')} vs {meta.get('virthub_shell', '?')}"
          f" [{meta.get('shell_timer', '?')}]")
    print(f"medians of {meta.get('reps', '?')} runs (shell: of all hyperfine runs); "
          "ratio = virthub speed / libvirt speed, >1 = virthub faster (RSS: >1 = virthub smaller)")
    print()

    def table(workloads, first="workload", last="target"):
        hdr = f"{first:<48} {'unit':<8} {'libvirt':>11} {'virthub':>12} {'ratio':>8}  {last}"
        print(hdr)
        print("-" * len(hdr))
        for w in workloads:
            lv = w["libvirt"]["median"] if w["libvirt"] else None
            vh = w["virthub"]["median"] if w["virthub"] else None
            ratio = f"{w['ratio']:.2f}x" if w["ratio"] is not None else "n/a"
            if w["id"] == "py_floor":
                ratio = "-"
            if w.get("note"):
                tgt = w["note"]
            elif w["target"]:
                met = {True: "ok", False: "MISSED", None: "n/a"}[w["target_met"]]
                tgt = f"{w['target']}: {met}"
            else:
                tgt = "-"
            print(f"{w['name']:<48} {w['unit']:<8} {fmt(lv, w['unit']):>11} {fmt(vh, w['unit']):>12}"
                  f" {ratio:>8}  {tgt}")
        print()

    table(workloads)

    out = {"meta": meta, "libraries": libs, "workloads": workloads}
    py_error = None
    if a.py_status:
        py, py_workloads, py_error = python_section(a, summary)
        if py_error:
            py["status"] = f"library check failed: {py_error}"
        out["python"] = py
        print(f"Python binding: python3-libvirt {meta.get('python_libvirt_version', '?')} vs virthub"
              f" ({a.vh_pypath}), both on {meta.get('python', '?')}")
        print(f"status:         {py['status']}")
        if py["status"] == "dry run":
            print("DRY RUN (BENCH_PY_DRYRUN=1): the virthub column is python3-libvirt again")
        for impl, m in (py["modules"] or {}).items():
            print(f"{impl + ':':<16}import {m['module']}: {m['file']}")
            print(f"{'':<16}mapped: {', '.join(m['libs']) or '(no libvirt*.so*)'}")
        if py_workloads and not py_error:
            n_proc = max((len(w["libvirt"]["runs"]) for w in py_workloads
                          if w["id"] == "py_floor"), default="?")
            print(f"medians of {meta.get('reps', '?')} runs (whole process: of {n_proc} runs, "
                  f"{meta.get('shell_timer', '?')}); ratio = virthub speed / libvirt speed "
                  "(ms: libvirt ms / virthub ms), >1 = virthub faster")
            print()
            table(py_workloads, "Python workload", "note")
        else:
            print()
    go_error = None
    if a.go_status:
        go, go_workloads, go_error = go_section(a)
        if go_error:
            go["status"] = f"library check failed: {go_error}"
        out["go"] = go
        print(f"Go binding: libvirt.org/go/libvirt {meta.get('go_libvirt_version', '?')} vs virthub.org/go/libvirt"
              f" (bindings/go), both on {meta.get('go', '?')}")
        status = go["status"]
        if status == "not built":
            status += " (virthub column: bindings/go is missing or does not build)"
        print(f"status:         {status}")
        if go["dry_run"]:
            print("DRY RUN (BENCH_GO_DRYRUN=1): the virthub column is libvirt-go-module again")
        for impl, r in (go["runs_on"] or {}).items():
            print(f"{impl + ':':<16}{r['binding']} on {', '.join(r['libs']) or '(no libvirt*.so*)'}")
        if go_workloads and not go_error:
            print(f"medians of ns/op over {meta.get('reps', '?')} runs of `go test -bench` "
                  "(-benchtime=Nx), shown as ops/s; ratio = virthub speed / libvirt speed, >1 = virthub faster")
            print()
            table(go_workloads, "Go workload", "note")
        else:
            print()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"results: {a.out}")
    if py_error or go_error:
        sys.exit("report: " + "; ".join(
            f"{what} library check failed: {err}"
            for what, err in (("Python", py_error), ("Go", go_error)) if err))


if __name__ == "__main__":
    main()
