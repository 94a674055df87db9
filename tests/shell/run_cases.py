#!/usr/bin/env python3
"""Golden-case runner for the virthub shell.

Each file cases/*.case describes one invocation of the shell and what it
must print.  Format (sections start with a line beginning with '@'):

    # free comment lines
    @args -c test:///default dominfo test     (shell-quoted argv)
    @env NAME=value                           (optional, repeatable)
    @only virthub                             (optional: skip for virsh)
    @stdin                                    (optional: text fed to stdin)
    ...
    @stdout [noeol]                           (expected stdout)
    ...
    @stderr [noeol]                           (expected stderr)
    ...
    @exit N

Placeholders, substituted in @args, @env, @stdin and expectations:
    @DATA@  absolute path of the data/ directory next to cases/
    @TMP@   a fresh scratch directory (also the working directory)
    @PROG@  "virthub", or "virsh" when running the reference binary
    @EVSHIM@  the event-injection helper library built from evshim.c
              (--evshim PATH, else built with cc; cases needing it are
              skipped when neither works)

In expectations, {{regex}} matches a part of a line that legitimately
varies (CPU time, hostname, generated UUIDs, timestamps).  Each line must
match in full.  'noeol' means the text does not end with a newline.

The same cases run against Debian's virsh (--virthub /usr/bin/virsh, or
--reference) to prove the goldens; cases marked '@only virthub' are then
skipped.  cases/KNOWN_FAILURES lists cases virthub does not pass yet.
--record rewrites the expectations of the selected cases from
the binary's actual output (used to derive goldens from virsh).
"""

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SECTIONS = ("stdin", "stdout", "stderr")


class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.comments = []
        self.args = None
        self.env = []
        self.only = None
        self.text = {}
        self.noeol = {}
        self.exit = None
        self._parse()

    def _parse(self):
        with open(self.path, encoding="utf-8", newline="") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        current = None
        buf = []

        def flush():
            if current is not None:
                self.text[current] = "\n".join(buf) + ("\n" if buf else "")
                if self.noeol.get(current) and self.text[current].endswith("\n"):
                    self.text[current] = self.text[current][:-1]

        for line in lines:
            m = re.match(r"^@(args|env|only|stdin|stdout|stderr|exit)\b ?(.*)$", line)
            if m:
                flush()
                current = None
                buf = []
                key, rest = m.group(1), m.group(2)
                if key == "args":
                    self.args = rest
                elif key == "env":
                    self.env.append(rest)
                elif key == "only":
                    self.only = rest.strip()
                elif key == "exit":
                    self.exit = int(rest.strip())
                else:
                    current = key
                    self.noeol[key] = rest.strip() == "noeol"
                continue
            if current is None:
                if line.startswith("#") or not line.strip():
                    if self.args is None:
                        self.comments.append(line)
                    continue
                raise ValueError("%s: stray line %r" % (self.path, line))
            buf.append(line)
        flush()
        if self.args is None:
            raise ValueError("%s: missing @args" % self.path)

    def write(self):
        out = list(self.comments)
        out.append("@args " + self.args)
        for e in self.env:
            out.append("@env " + e)
        if self.only:
            out.append("@only " + self.only)
        for sec in SECTIONS:
            if sec not in self.text:
                continue
            t = self.text[sec]
            if sec != "stdin" and t == "":
                continue
            noeol = t != "" and not t.endswith("\n")
            out.append("@" + sec + (" noeol" if noeol else ""))
            body = t if noeol else t[:-1] if t else ""
            if body != "" or t != "":
                out.extend(body.split("\n"))
        out.append("@exit %d" % (self.exit or 0))
        with open(self.path, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(out) + "\n")


def subst(text, mapping):
    for k, v in mapping.items():
        text = text.replace(k, v)
    return text


def line_regex(expected_line):
    parts = re.split(r"(\{\{.*?\}\}(?!\}))", expected_line)
    rx = ""
    for p in parts:
        if p.startswith("{{") and p.endswith("}}"):
            rx += "(?:" + p[2:-2] + ")"
        else:
            rx += re.escape(p)
    return re.compile(rx + r"\Z", re.S)


def matches(expected, actual):
    if "{{" not in expected:
        return expected == actual
    exp_lines = expected.split("\n")
    act_lines = actual.split("\n")
    if len(exp_lines) != len(act_lines):
        return False
    for e, a in zip(exp_lines, act_lines):
        if "{{" in e:
            if not line_regex(e).match(a):
                return False
        elif e != a:
            return False
    return True


# Recording: replace the parts that legitimately vary by patterns.
RECORD_RULES = [
    (re.compile(r"^(CPU time: +)[0-9]+\.[0-9]s$"), r"\1{{[0-9]+\\.[0-9]s}}"),
    (re.compile(r"(already exists with uuid )[0-9a-f-]{36}"), r"\1{{[0-9a-f-]+}}"),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+\+0000: "),
     r"{{[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}\\+0000}}: "),
]


def apply_record_rules(text):
    out = []
    for line in text.split("\n"):
        for rx, rep in RECORD_RULES:
            line = rx.sub(rep, line)
        out.append(line)
    return "\n".join(out)


def unmap(text, mapping):
    for k, v in mapping.items():
        if v:
            text = text.replace(v, k)
    return text


def build_evshim(source, outdir):
    """Builds the event helper with the system compiler; None on failure."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or not os.path.exists(source):
        return None
    out = os.path.join(outdir, "evshim.so")
    try:
        subprocess.run([cc, "-shared", "-fPIC", "-o", out, source, "-lvirt", "-lpthread"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
    except (subprocess.SubprocessError, OSError):
        return None
    return out


def run_case(case, binary, prog, data_dir, timeout, record, evshim=""):
    tmp = tempfile.mkdtemp(prefix="vhcase-")
    try:
        mapping = {"@DATA@": data_dir, "@TMP@": tmp, "@PROG@": prog, "@EVSHIM@": evshim}
        args = shlex.split(subst(case.args, mapping))
        env = {k: v for k, v in os.environ.items()
               if k not in ("LIBVIRT_DEFAULT_URI", "VIRSH_DEFAULT_CONNECT_URI",
                            "LIBVIRT_DEBUG", "LIBVIRT_LOG_OUTPUTS")}
        env.update({"LC_ALL": "C", "LANG": "C", "HOME": tmp, "XDG_CACHE_HOME": tmp,
                    "TERM": "dumb"})
        for e in case.env:
            k, _, v = subst(e, mapping).partition("=")
            env[k] = v
        if "LD_PRELOAD" in env:
            # A preloaded helper comes before the sanitizer runtime in
            # sanitizer builds; tell ASan that this is fine.
            asan = env.get("ASAN_OPTIONS", "")
            env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        stdin_text = subst(case.text.get("stdin", ""), mapping)
        try:
            proc = subprocess.run([binary] + args, input=stdin_text.encode(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  cwd=tmp, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, "timed out after %ss" % timeout
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if record:
            case.text["stdout"] = apply_record_rules(unmap(out, {"@TMP@": tmp,
                                                                 "@DATA@": data_dir}))
            case.text["stderr"] = apply_record_rules(unmap(err, {"@TMP@": tmp,
                                                                 "@DATA@": data_dir}))
            case.exit = proc.returncode
            case.write()
            return True, ""
        report = []
        for sec, actual in (("stdout", out), ("stderr", err)):
            expected = subst(case.text.get(sec, ""), mapping)
            if not matches(expected, actual):
                diff = difflib.unified_diff(
                    expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                    fromfile="%s expected %s" % (case.name, sec),
                    tofile="%s actual %s" % (case.name, sec))
                report.append("".join(d if d.endswith("\n") else d + "\\ no newline\n"
                                      for d in diff))
        expected_exit = case.exit if case.exit is not None else 0
        if proc.returncode != expected_exit:
            report.append("exit code: expected %d, got %d\n" % (expected_exit,
                                                                proc.returncode))
        return not report, "".join(report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--virthub", required=True, help="shell binary to test")
    ap.add_argument("--cases", default=os.path.join(here, "cases"))
    ap.add_argument("--data", default=None, help="data directory (default: ../data)")
    ap.add_argument("--reference", action="store_true",
                    help="the binary is the reference virsh (skip virthub-only cases)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--record", action="store_true",
                    help="rewrite expectations from the actual output")
    ap.add_argument("--evshim", default=None,
                    help="event helper library (default: build evshim.c with cc)")
    ap.add_argument("-k", "--filter", default=None, help="only cases whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()

    binary = os.path.abspath(opts.virthub) if os.sep in opts.virthub else opts.virthub
    reference = opts.reference or os.path.basename(binary) == "virsh"
    prog = "virsh" if reference else "virthub"
    cases_dir = os.path.abspath(opts.cases)
    data_dir = os.path.abspath(opts.data or os.path.join(os.path.dirname(cases_dir), "data"))

    files = sorted(f for f in os.listdir(cases_dir) if f.endswith(".case"))
    # Cases that virthub's library does not pass yet (name, then a reason).
    # They still run; a failure is reported but not counted, a pass is
    # reported so that the entry can be removed.  Not used for virsh.
    known = {}
    known_path = os.path.join(cases_dir, "KNOWN_FAILURES")
    if not reference and not opts.record and os.path.exists(known_path):
        with open(known_path, encoding="utf-8") as kf:
            for line in kf:
                line = line.split("#", 1)[0].strip()
                if line:
                    name, _, why = line.partition(" ")
                    known[name] = why.strip()
    known_failed = []
    passed = failed = skipped = 0
    evshim = os.path.abspath(opts.evshim) if opts.evshim else None
    evshim_tried = evshim is not None
    scratch = tempfile.mkdtemp(prefix="vhshim-")
    for f in files:
        if opts.filter and opts.filter not in f:
            continue
        try:
            case = Case(os.path.join(cases_dir, f))
        except ValueError as e:
            print("FAIL %s: %s" % (f, e))
            failed += 1
            continue
        if reference and case.only == "virthub":
            skipped += 1
            if opts.verbose:
                print("SKIP %s (virthub-specific)" % case.name)
            continue
        if "@EVSHIM@" in case.args + "".join(case.env):
            if not evshim_tried:
                evshim_tried = True
                evshim = build_evshim(os.path.join(here, "evshim.c"), scratch)
            if not evshim:
                skipped += 1
                print("SKIP %s (no event helper library)" % case.name)
                continue
        ok, report = run_case(case, binary, prog, data_dir, opts.timeout, opts.record,
                              evshim or "")
        if case.name in known:
            if ok:
                passed += 1
                print("XPASS %s (listed in KNOWN_FAILURES: remove it)" % case.name)
            else:
                skipped += 1
                known_failed.append(case.name)
                print("XFAIL %s (%s)" % (case.name, known[case.name]))
                if opts.verbose:
                    sys.stdout.write(report)
            continue
        if ok:
            passed += 1
            if opts.verbose:
                print("PASS %s" % case.name)
        else:
            failed += 1
            print("FAIL %s" % case.name)
            sys.stdout.write(report)
    shutil.rmtree(scratch, ignore_errors=True)
    if known_failed:
        print("%d known failure(s) counted as skipped (cases/KNOWN_FAILURES)" % len(known_failed))
    summary = "%d passed, %d failed" % (passed, failed)
    if skipped:
        summary += ", %d skipped" % skipped
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
