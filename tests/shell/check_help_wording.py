#!/usr/bin/env python3
"""Checks that no help text of the virthub shell is copied from virsh.

The shell must behave like virsh, but its help wording must be its own.
This script runs both shells and collects every human-readable help
phrase:

  * `help CMD` for every command virthub lists: the summary (NAME line),
    each line and each sentence of the DESCRIPTION, the whole description,
    and the help text of each option (OPTIONS);
  * `help`: the group titles and the one-line command summaries;
  * `--help`: the help text of each global option, the prose lines and
    again the group titles and summaries.

Structural parts are not compared: section headings (NAME, SYNOPSIS,
DESCRIPTION, OPTIONS, "options:"), SYNOPSIS lines, command names, option
spellings, the "(help keyword '...')" suffix of group headers.

A virthub phrase fails the check when it equals, after normalising case,
blanks and trailing punctuation, any phrase virsh prints in the outputs
above (its own command's or any other).  Phrases that are merely very
similar are reported as warnings (errors with --strict).

Exit status: 0 when nothing is copied (or virsh is not installed), 1 when
a phrase is copied, 2 on a usage or run error.

    python3 tests/shell/check_help_wording.py --virthub build/tools/virthub
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 20  # seconds per shell invocation
SIMILAR = 0.9  # difflib ratio above which a phrase counts as a near copy
SKIPPED = 77          # what ctest counts as a skip, never as a pass
STRUCTURAL = {"name", "synopsis", "description", "options", "options:"}


class RunError(Exception):
    pass


def run(binary, args, home):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LIBVIRT_DEFAULT_URI", "VIRSH_DEFAULT_CONNECT_URI",
                        "LIBVIRT_DEBUG", "LIBVIRT_LOG_OUTPUTS", "LANGUAGE")}
    env.update({"LC_ALL": "C", "LANG": "C", "HOME": home, "XDG_CACHE_HOME": home,
                "XDG_CONFIG_HOME": home, "TERM": "dumb"})
    try:
        proc = subprocess.run([binary] + args, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, cwd=home, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RunError("%s %s: timed out after %ss" % (binary, " ".join(args), TIMEOUT))
    except OSError as e:
        raise RunError("%s: %s" % (binary, e))
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def norm(text):
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.rstrip(" .:;,")


def sentences(paragraph):
    return [s for s in re.split(r"(?<=[.;!?])\s+", paragraph) if s.strip()]


# ---------------------------------------------------------------------------
# Parsers.  Each returns a list of (where, phrase).

OPTION_LINE = re.compile(r"^    ((?:\[--[\w-]+\]|--[\w-]+|<\w+>)(?: <\w+>)?(?:\.\.\.)?)(?:\s{2,}(.*))?$")


def parse_command_help(cmd, text):
    """Phrases of `help CMD`."""
    out = []
    section = None
    desc = []
    for line in text.split("\n"):
        m = re.match(r"^  ([A-Z]+)$", line)
        if m:
            section = m.group(1)
            continue
        if not line.strip():
            continue
        if section == "NAME":
            name, sep, summary = line.strip().partition(" - ")
            if sep and summary.strip():
                out.append(("%s: summary" % cmd, summary))
        elif section == "DESCRIPTION":
            desc.append(line.strip())
            out.append(("%s: description" % cmd, line))
        elif section == "OPTIONS":
            m = OPTION_LINE.match(line)
            if not m:
                out.append(("%s: option line" % cmd, line))
            elif m.group(2) and m.group(2).strip():
                out.append(("%s: option %s" % (cmd, m.group(1)), m.group(2)))
    if desc:
        para = " ".join(desc)
        out.append(("%s: description" % cmd, para))
        for s in sentences(para):
            out.append(("%s: description" % cmd, s))
    return out


def parse_group_listing(text, where):
    """Group titles and command summaries of `help` or of the usage text.
    Returns (phrases, command names)."""
    out = []
    names = []
    for line in text.split("\n"):
        m = re.match(r"^ (\S.*?) \(help keyword '[\w-]+'\):?$", line)
        if m:
            out.append(("%s: group title" % where, m.group(1)))
            continue
        m = re.match(r"^    (\S+)\s+(\S.*)$", line)
        if m:
            names.append(m.group(1))
            out.append(("%s: summary of %s" % (where, m.group(1)), m.group(2)))
            continue
        if line.strip():
            out.append(("%s: text" % where, line))
    return out, names


def parse_usage(text):
    """Phrases of `--help`: option help, prose lines, then the listing."""
    out = []
    lines = text.split("\n")
    i = 0
    # header and global options, up to the first group header
    while i < len(lines) and not re.match(r"^ \S.*\(help keyword ", lines[i]):
        line = lines[i]
        i += 1
        s = line.strip()
        if not s or s.lower() in STRUCTURAL:
            continue
        if re.match(r"^\S+ \[options\]\.\.\. ", s):
            continue  # synopsis
        if s.startswith("-"):
            spelling, helptext = split_usage_option(s)
            if helptext.strip():
                out.append(("--help: option %s" % spelling, helptext))
            continue
        out.append(("--help: text", s))
    listing, _ = parse_group_listing("\n".join(lines[i:]), "--help")
    out.extend(listing)
    return out


def split_usage_option(s):
    parts = re.split(r"\s{2,}", s, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--virthub", required=True, help="the virthub shell binary")
    ap.add_argument("--virsh", default="/usr/bin/virsh", help="reference virsh binary")
    ap.add_argument("--strict", action="store_true",
                    help="also fail on near copies (similarity >= %.2f)" % SIMILAR)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every phrase checked")
    opts = ap.parse_args()

    if not os.path.exists(opts.virsh):
        print("virsh not installed: skipped")
        return SKIPPED
    virthub = os.path.abspath(opts.virthub)
    if not os.access(virthub, os.X_OK):
        print("error: %s is not an executable" % opts.virthub)
        return 2

    with tempfile.TemporaryDirectory(prefix="helpwording-") as home:
        try:
            return check(virthub, opts, home)
        except RunError as e:
            print("error: %s" % e)
            return 2


def check(virthub, opts, home):
    # virthub side
    rc, listing = run(virthub, ["help"], home)
    if rc != 0:
        raise RunError("virthub help exited with %d" % rc)
    vh_phrases, commands = parse_group_listing(listing, "help")
    if not commands:
        raise RunError("virthub help lists no commands")
    rc, usage = run(virthub, ["--help"], home)
    if rc != 0:
        raise RunError("virthub --help exited with %d" % rc)
    vh_phrases += parse_usage(usage)
    for cmd in commands:
        rc, text = run(virthub, ["help", cmd], home)
        if rc != 0 or " - " not in text:
            raise RunError("virthub help %s failed (exit %d)" % (cmd, rc))
        vh_phrases += parse_command_help(cmd, text)

    # virsh side: everything it prints for the same requests, plus the
    # summaries of all its commands.
    ref = {}

    def add_ref(where, phrase):
        key = norm(phrase)
        if key and key not in STRUCTURAL:
            ref.setdefault(key, (where, phrase.strip()))

    rc, listing = run(opts.virsh, ["help"], home)
    if rc != 0:
        raise RunError("virsh help exited with %d" % rc)
    for where, phrase in parse_group_listing(listing, "virsh help")[0]:
        add_ref(where, phrase)
    rc, usage = run(opts.virsh, ["--help"], home)
    for where, phrase in parse_usage(usage):
        add_ref("virsh " + where, phrase)
    missing = []
    for cmd in commands:
        rc, text = run(opts.virsh, ["help", cmd], home)
        if rc != 0:
            missing.append(cmd)
            continue
        for where, phrase in parse_command_help(cmd, text):
            add_ref("virsh help " + where, phrase)

    copied = []
    similar = []
    ref_keys = list(ref)
    seen = set()
    for where, phrase in vh_phrases:
        key = norm(phrase)
        if not key or key in STRUCTURAL or (where, key) in seen:
            continue
        seen.add((where, key))
        if opts.verbose:
            print("checking %s: %s" % (where, phrase.strip()))
        if key in ref:
            copied.append((where, phrase.strip(), ref[key]))
            continue
        if len(key) < 12:
            continue
        best, best_key = 0.0, None
        for rk in difflib.get_close_matches(key, ref_keys, n=1, cutoff=SIMILAR):
            best, best_key = difflib.SequenceMatcher(None, key, rk).ratio(), rk
        if best_key:
            similar.append((where, phrase.strip(), ref[best_key], best))

    for where, phrase, (rwhere, rphrase) in copied:
        print("COPIED  %s: %r\n        equals %s: %r" % (where, phrase, rwhere, rphrase))
    for where, phrase, (rwhere, rphrase), ratio in similar:
        print("%s %s: %r\n        is %.0f%% like %s: %r"
              % ("SIMILAR" if opts.strict else "warning", where, phrase, ratio * 100,
                 rwhere, rphrase))
    if missing:
        print("note: virsh does not know %s" % ", ".join(missing))
    checked = len(seen)
    if copied or (opts.strict and similar):
        print("%d help phrase(s) checked, %d copied from virsh, %d near copies"
              % (checked, len(copied), len(similar)))
        return 1
    print("%d help phrase(s) of %d commands checked: none copied from virsh%s"
          % (checked, len(commands),
             ", %d near copies (warnings)" % len(similar) if similar else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
