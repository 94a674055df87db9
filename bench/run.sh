#!/usr/bin/env bash
# virthub vs Debian's libvirt 9.0.0, side by side in one run. See bench/README.md.
#   bash bench/run.sh
# Env: BENCH_REPS (default 5) repetitions of each in-process measurement;
#      BENCH_SHELL_RUNS (default 30) runs of each shell command;
#      VIRTHUB_BUILD_DIR (default <repo>/build); VIRTHUB_SHELL (default
#      $VIRTHUB_BUILD_DIR/tools/virthub) only to try a stand-in shell;
#      VIRTHUB_PYTHONPATH (default $VIRTHUB_BUILD_DIR/bindings/python) where the
#      `virthub` Python package is; BENCH_PY_LOOKUP_N (200000), BENCH_PY_LOOP_N (5000);
#      BENCH_PY_DRYRUN=1 runs python3-libvirt in the virthub Python column (harness check);
#      BENCH_GO_LOOKUP_N (200000), BENCH_GO_LOOP_N (5000) iterations of the Go benchmarks;
#      BENCH_GO_DRYRUN=1 runs libvirt-go-module in the virthub Go column (harness check).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BUILD=${VIRTHUB_BUILD_DIR:-$ROOT/build}
WORK=$BENCH/.build
RESULTS=$BENCH/results
REPS=${BENCH_REPS:-5}
SHELL_RUNS=${BENCH_SHELL_RUNS:-30}
VH_LIBDIR=$BUILD/capi
VH_SHELL=${VIRTHUB_SHELL:-$BUILD/tools/virthub}
URI=test:///default
RUN_TIMEOUT=120   # seconds, per benchmark process
PY=/usr/bin/python3   # Debian's, the one python3-libvirt is for: runs BOTH Python modules
VH_PYPATH=${VIRTHUB_PYTHONPATH:-$BUILD/bindings/python}
PY_LOOKUP_N=${BENCH_PY_LOOKUP_N:-200000}
PY_LOOP_N=${BENCH_PY_LOOP_N:-5000}
PY_DRYRUN=${BENCH_PY_DRYRUN:-0}
GO_DIR=$BENCH/go   # libvirtgo/ (libvirt.org/go/libvirt) and virthub/ (virthub.org/go/libvirt)
GO_LOOKUP_N=${BENCH_GO_LOOKUP_N:-200000}
GO_LOOP_N=${BENCH_GO_LOOP_N:-5000}
GO_DRYRUN=${BENCH_GO_DRYRUN:-0}
GO_BUILD_TIMEOUT=600   # seconds, per `go test -c`

log() { printf '[bench] %s\n' "$*" >&2; }
fail() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$WORK" "$RESULTS"
rm -f "$WORK"/*.jsonl "$WORK"/*.json

# ---- 1. what the benchmark needs from Debian (never used by virthub's build)
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
apt_install() {
    local pkgs=("$@")
    [ "$(id -u)" = 0 ] || fail "need root to install: ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${pkgs[@]}" >"$WORK/apt.log" 2>&1; then
        log "apt-get install failed, running apt-get update first"
        apt-get update >>"$WORK/apt.log" 2>&1
        apt-get install -y --no-install-recommends "${pkgs[@]}" >>"$WORK/apt.log" 2>&1 ||
            return 1
    fi
}
missing=()
for p in libvirt0 libvirt-dev libvirt-clients python3-libvirt; do
    pkg_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}" || fail "could not install ${missing[*]} (see $WORK/apt.log)"
fi
if ! command -v hyperfine >/dev/null; then
    log "installing hyperfine"
    apt_install hyperfine || log "hyperfine unavailable, falling back to a Python timing loop"
fi
if ! command -v pkg-config >/dev/null; then  # libvirt-go-module finds Debian's libvirt with it
    log "installing pkg-config"
    apt_install pkg-config || log "pkg-config unavailable: the libvirt-go side will not build"
fi
command -v cc >/dev/null || fail "no C compiler (cc)"
command -v python3 >/dev/null || fail "no python3"
[ -x "$PY" ] || fail "no $PY (python3-libvirt's interpreter)"

# ---- 2. build virthub (library + shell)
if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$WORK/cmake.log" 2>&1 ||
        fail "cmake failed (see $WORK/cmake.log)"
fi
have_target() { ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q "^$1: "; }
if [ -f "$ROOT/tools/CMakeLists.txt" ] && ! have_target virthub; then
    log "tools/ appeared since configure: re-running cmake"
    cmake "$BUILD" >"$WORK/cmake.log" 2>&1 || fail "cmake failed (see $WORK/cmake.log)"
fi
if [ -f "$ROOT/bindings/python/CMakeLists.txt" ] && ! have_target bindings/python/all; then
    log "bindings/python/ appeared since configure: re-running cmake"
    cmake "$BUILD" >"$WORK/cmake.log" 2>&1 || fail "cmake failed (see $WORK/cmake.log)"
fi
targets=(virt)
have_target virthub && targets+=(virthub)
log "building ${targets[*]}"
ninja -C "$BUILD" "${targets[@]}" >"$WORK/ninja.log" 2>&1 || fail "ninja failed (see $WORK/ninja.log)"
[ -e "$VH_LIBDIR/libvirt.so.0" ] || fail "$VH_LIBDIR/libvirt.so.0 not built"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
sanitize=$(sed -n 's/^VIRTHUB_SANITIZE:BOOL=//p' "$BUILD/CMakeCache.txt")
[ "$sanitize" = ON ] && log "WARNING: $BUILD is built with sanitizers; numbers are not representative"
# The Python binding is built on its own: a broken one must not stop the C rows.
if [ -z "${VIRTHUB_PYTHONPATH:-}" ] && [ "$PY_DRYRUN" != 1 ] && have_target bindings/python/all; then
    log "building bindings/python/all"
    ninja -C "$BUILD" bindings/python/all >"$WORK/ninja.python.log" 2>&1 ||
        log "WARNING: the Python binding did not build (see $WORK/ninja.python.log)"
fi

# ---- 3. the in-process program: compiled ONCE against Debian's headers
[ -f /usr/include/libvirt/libvirt.h ] || fail "/usr/include/libvirt/libvirt.h missing"
cc -O2 -Wall -Wextra -I/usr/include -o "$WORK/define_loop" "$BENCH/define_loop.c" \
    -L/usr/lib/x86_64-linux-gnu -lvirt
log "ldd (libvirt):  $(env -u LD_LIBRARY_PATH ldd "$WORK/define_loop" | awk '/libvirt.so.0/ {print $3}')"
log "ldd (virthub):  $(LD_LIBRARY_PATH=$VH_LIBDIR ldd "$WORK/define_loop" | awk '/libvirt.so.0/ {print $3}')"

run_impl() {  # impl mode [file] -> appends one JSON line to $WORK/inproc.jsonl
    local impl=$1 mode=$2 out
    if [ "$impl" = virthub ]; then
        out=$(LD_LIBRARY_PATH=$VH_LIBDIR timeout "$RUN_TIMEOUT" "$WORK/define_loop" "${@:2}") ||
            fail "define_loop $mode on virthub failed"
    else
        out=$(env -u LD_LIBRARY_PATH timeout "$RUN_TIMEOUT" "$WORK/define_loop" "${@:2}") ||
            fail "define_loop $mode on libvirt failed"
    fi
    printf '{"impl": "%s", "result": %s}\n' "$impl" "$out" >>"$WORK/inproc.jsonl"
}
for args in define small lookup listall "parse $BENCH/rich-domain.xml" "format $BENCH/rich-domain.xml"; do
    read -ra argv <<<"$args"
    log "in-process: ${argv[0]} x $REPS (interleaved libvirt/virthub)"
    for ((rep = 1; rep <= REPS; rep++)); do
        run_impl libvirt "${argv[@]}"
        run_impl virthub "${argv[@]}"
    done
done

# ---- 4. `list --all` as a whole process
VIRSH=$(command -v virsh) || fail "virsh missing"
shell_status=ok
if [ ! -x "$VH_SHELL" ]; then
    log "WARNING: $VH_SHELL not built yet: the list --all row is virsh only"
    shell_status=missing
else
    "$VIRSH" -c "$URI" list --all >"$WORK/list.virsh.txt" || fail "virsh list --all failed"
    "$VH_SHELL" -c "$URI" list --all >"$WORK/list.virthub.txt" || fail "virthub list --all failed"
    if ! cmp -s "$WORK/list.virsh.txt" "$WORK/list.virthub.txt"; then
        log "WARNING: virthub list --all output differs from virsh's:"
        diff "$WORK/list.virsh.txt" "$WORK/list.virthub.txt" >&2 || true
        shell_status=differs
    fi
fi
shell_cmds=(-n libvirt "$VIRSH -c $URI list --all")
[ "$shell_status" != missing ] && shell_cmds+=(-n virthub "$VH_SHELL -c $URI list --all")
if command -v hyperfine >/dev/null; then
    log "shell: hyperfine --warmup 3 --runs $SHELL_RUNS"
    timeout 300 hyperfine -N --style none --warmup 3 --runs "$SHELL_RUNS" \
        --export-json "$WORK/shell.json" "${shell_cmds[@]}" >"$WORK/hyperfine.log" 2>&1 ||
        fail "hyperfine failed (see $WORK/hyperfine.log)"
    shell_tool="hyperfine $(hyperfine --version | awk '{print $2}')"
else
    log "shell: Python timing loop, $SHELL_RUNS runs"
    timeout 300 python3 "$BENCH/time_cmd.py" --runs "$SHELL_RUNS" --warmup 3 \
        --out "$WORK/shell.json" "${shell_cmds[@]}" || fail "timing loop failed"
    shell_tool="python perf_counter loop"
fi

# ---- 5. the Python binding: python3-libvirt vs virthub, both under $PY
# Both sides run with the same environment (PYTHONPATH=$VH_PYPATH, no LD_LIBRARY_PATH);
# any failure here is reported, and leaves the C rows above alone.
py_env=(env -u LD_LIBRARY_PATH "PYTHONPATH=$VH_PYPATH")
py_status=ok
VH_PYMOD=virthub
if [ "$PY_DRYRUN" = 1 ]; then
    VH_PYMOD=libvirt
    py_status="dry run"
    log "WARNING: BENCH_PY_DRYRUN=1: the virthub Python column runs python3-libvirt"
elif [ ! -f "$VH_PYPATH/virthub/__init__.py" ]; then
    py_status="not built"
    log "WARNING: Python binding not built ($VH_PYPATH/virthub/__init__.py missing): skipping the Python section"
elif ! py_err=$("${py_env[@]}" timeout 30 "$PY" -c 'import os, sys, virthub
d = os.path.realpath(sys.argv[1]) + os.sep
f = os.path.realpath(virthub.__file__)
sys.exit(0 if f.startswith(d) else "virthub imported from %s, not from %s" % (f, d))' "$VH_PYPATH" 2>&1); then
    py_status="not importable"
    log "WARNING: 'import virthub' with PYTHONPATH=$VH_PYPATH failed: skipping the Python section"
    printf '%s\n' "$py_err" | tail -n 3 | sed 's/^/[bench]   /' >&2
fi
py_fail() {  # what: marks the section failed, keeps going to the report
    log "ERROR: Python section: $1"
    py_status="failed: $1"
}
py_impl() {  # impl workload n -> appends one JSON line to $WORK/py.jsonl
    local impl=$1 wl=$2 n=$3 mod=libvirt out
    [ "$impl" = virthub ] && mod=$VH_PYMOD
    if ! out=$("${py_env[@]}" timeout "$RUN_TIMEOUT" "$PY" "$BENCH/python/workload.py" "$mod" "$wl" \
        --n "$n" --time-limit $((RUN_TIMEOUT / 2)) 2>"$WORK/py.$impl.$wl.err"); then
        tail -n 3 "$WORK/py.$impl.$wl.err" | sed 's/^/[bench]   /' >&2
        py_fail "workload.py $mod $wl ($impl) failed (see $WORK/py.$impl.$wl.err)"
        return 1
    fi
    printf '{"impl": "%s", "result": %s}\n' "$impl" "$out" >>"$WORK/py.jsonl"
}
py_cmd() { printf '%s -c "import %s; c = %s.open('"'%s'"'); c.listAllDomains()"' "$PY" "$1" "$1" "$URI"; }
if [ "$py_status" = ok ] || [ "$py_status" = "dry run" ]; then
    for wl in "lookup $PY_LOOKUP_N" "loop $PY_LOOP_N"; do
        read -ra argv <<<"$wl"
        log "python in-process: ${argv[0]} (${argv[1]}) x $REPS (interleaved libvirt/virthub)"
        for ((rep = 1; rep <= REPS; rep++)); do
            py_impl libvirt "${argv[@]}" && py_impl virthub "${argv[@]}" || break 2
        done
    done
    py_cmds=(-n floor "$PY -c pass")
    for impl in libvirt virthub; do
        mod=libvirt
        [ "$impl" = virthub ] && mod=$VH_PYMOD
        if "${py_env[@]}" timeout 30 "$PY" -c "import $mod; c = $mod.open('$URI'); c.listAllDomains()" \
            >"$WORK/py.$impl.import.log" 2>&1; then
            py_cmds+=(-n "$impl" "$(py_cmd "$mod")")
        else
            sed 's/^/[bench]   /' "$WORK/py.$impl.import.log" | tail -n 3 >&2
            py_fail "import+open+listAllDomains with $mod ($impl) failed"
        fi
    done
    if command -v hyperfine >/dev/null; then
        log "python process: hyperfine --warmup 3 --runs $SHELL_RUNS"
        "${py_env[@]}" timeout 300 hyperfine -N --style none --warmup 3 --runs "$SHELL_RUNS" \
            --export-json "$WORK/py_shell.json" "${py_cmds[@]}" >"$WORK/hyperfine.py.log" 2>&1 ||
            py_fail "hyperfine failed (see $WORK/hyperfine.py.log)"
    else
        log "python process: Python timing loop, $SHELL_RUNS runs"
        "${py_env[@]}" timeout 300 python3 "$BENCH/time_cmd.py" --runs "$SHELL_RUNS" --warmup 3 \
            --out "$WORK/py_shell.json" "${py_cmds[@]}" || py_fail "timing loop failed"
    fi
fi

# ---- 6. the Go binding: libvirt-go-module vs virthub's bindings/go, the same benchmark file
# libvirtgo/ builds libvirt.org/go/libvirt against Debian's libvirt (pkg-config, /usr/include);
# virthub/ builds virthub.org/go/libvirt (replace => bindings/go) against $BUILD's headers and
# $VH_LIBDIR (rpath). Each side is compiled once (`go test -c`, default -O2 -g for the cgo C
# code on both) and the test binary runs `-test.run '^$' -test.bench ^BenchmarkX$
# -test.benchtime=Nx`, REPS times, interleaved, with no LD_LIBRARY_PATH. A virthub binding that
# is missing or does not build only makes the virthub column "not built"; any other failure
# is reported and makes run.sh exit 1 after the report, the rows above untouched.
go_status=ok
go_version=none
go_env=(env -u LD_LIBRARY_PATH -u CGO_CFLAGS -u CGO_LDFLAGS -u CGO_CPPFLAGS CGO_ENABLED=1
    "GOFLAGS=${GOFLAGS:+$GOFLAGS }-buildvcs=false")
GO_LV_BIN=$WORK/go.libvirt.test
GO_VH_BIN=
go_fail() {  # what: marks the section failed, keeps going to the report
    log "ERROR: Go section: $1"
    go_status="failed: $1"
}
rm -f "$WORK"/go.*.test
if ! command -v go >/dev/null; then
    go_status="no go toolchain"
    log "WARNING: no go in PATH: skipping the Go section"
else
    go_version=$(go env GOVERSION 2>/dev/null || echo unknown)
    log "go: building the libvirt-go benchmark ($go_version, libvirt.org/go/libvirt on Debian's libvirt)"
    if ! (cd "$GO_DIR/libvirtgo" && "${go_env[@]}" timeout "$GO_BUILD_TIMEOUT" \
        go test -c -o "$GO_LV_BIN" .) >"$WORK/go.libvirt.build.log" 2>&1; then
        tail -n 5 "$WORK/go.libvirt.build.log" | sed 's/^/[bench]   /' >&2
        go_fail "the libvirt-go benchmark did not build (see $WORK/go.libvirt.build.log)"
    fi
    # The virthub copy of the benchmark: the same file, only the import path changed.
    sed 's#^\(\s*libvirt \)"libvirt.org/go/libvirt"$#\1"virthub.org/go/libvirt"#' \
        "$GO_DIR/libvirtgo/bench_test.go" >"$WORK/go.virthub.bench_test.go"
    changed=$(diff "$GO_DIR/libvirtgo/bench_test.go" "$WORK/go.virthub.bench_test.go" | grep -c '^>' || true)
    if [ "$changed" != 1 ]; then
        go_fail "writing the virthub Go benchmark changed $changed lines of libvirtgo/bench_test.go, not 1"
    elif ! cmp -s "$WORK/go.virthub.bench_test.go" "$GO_DIR/virthub/bench_test.go"; then
        cp "$WORK/go.virthub.bench_test.go" "$GO_DIR/virthub/bench_test.go"
    fi
    if [[ $go_status == failed* ]]; then
        :
    elif [ "$GO_DRYRUN" = 1 ]; then
        go_status="dry run"
        GO_VH_BIN=$GO_LV_BIN
        log "WARNING: BENCH_GO_DRYRUN=1: the virthub Go column runs libvirt-go-module"
    elif [ ! -f "$ROOT/bindings/go/go.mod" ]; then
        go_status="not built"
        log "WARNING: Go binding not built ($ROOT/bindings/go/go.mod missing): libvirt-go column only"
    else
        log "go: building the virthub benchmark (bindings/go on $VH_LIBDIR)"
        if (cd "$GO_DIR/virthub" && "${go_env[@]}" "CGO_CFLAGS=-O2 -g -I$BUILD/gen/include" \
            "CGO_LDFLAGS=-L$VH_LIBDIR -Wl,-rpath,$VH_LIBDIR" timeout "$GO_BUILD_TIMEOUT" \
            go test -c -o "$WORK/go.virthub.test" .) >"$WORK/go.virthub.build.log" 2>&1; then
            GO_VH_BIN=$WORK/go.virthub.test
        else
            go_status="not built"
            log "WARNING: the Go binding does not build (see $WORK/go.virthub.build.log): libvirt-go column only"
            tail -n 5 "$WORK/go.virthub.build.log" | sed 's/^/[bench]   /' >&2
        fi
    fi
fi
go_impl() {  # impl binary benchmark n -> appends one JSON line to $WORK/go.jsonl
    local impl=$1 bin=$2 name=$3 n=$4 out=$WORK/go.$1.$3.out ns info
    if ! (cd "$WORK" && "${go_env[@]}" timeout "$RUN_TIMEOUT" "$bin" -test.run '^$' \
        -test.bench "^Benchmark$name\$" -test.benchtime="${n}x" -test.count=1 \
        -test.timeout=$((RUN_TIMEOUT - 10))s) >"$out" 2>&1; then
        grep -v '^benchinfo ' "$out" | tail -n 5 | sed 's/^/[bench]   /' >&2
        go_fail "Benchmark$name ($impl) failed (see $out)"
        return 1
    fi
    ns=$(awk -v b="Benchmark$name" '$1 ~ "^" b "(-[0-9]+)?$" && $4 == "ns/op" {print $2 " " $3}' "$out")
    info=$(sed -n 's/^benchinfo //p' "$out")
    if ! [[ $ns =~ ^[0-9]+\ [0-9.]+$ ]] || [ -z "$info" ]; then
        go_fail "Benchmark$name ($impl): no result in its output (see $out)"
        return 1
    fi
    printf '{"impl": "%s", "result": {"mode": "go_%s", "n": %s, "n_requested": %s, "ns_per_op": %s, "info": %s}}\n' \
        "$impl" "$name" "${ns% *}" "$n" "${ns#* }" "$info" >>"$WORK/go.jsonl"
}
case $go_status in ok | "dry run" | "not built")
    if [ -x "$GO_LV_BIN" ]; then
        for wl in "LookupByName $GO_LOOKUP_N" "DefineLoop $GO_LOOP_N"; do
            read -ra argv <<<"$wl"
            log "go in-process: Benchmark${argv[0]} (${argv[1]}x) x $REPS (interleaved libvirt/virthub)"
            for ((rep = 1; rep <= REPS; rep++)); do
                go_impl libvirt "$GO_LV_BIN" "${argv[@]}" || break 2
                if [ -n "$GO_VH_BIN" ]; then go_impl virthub "$GO_VH_BIN" "${argv[@]}" || break 2; fi
            done
        done
    fi ;;
esac

# ---- 7. the QEMU driver: real guests started and destroyed, beside plain QEMU and libvirtd
if apt_install libvirt-daemon-system qemu-system-x86; then
    log "QEMU: createXML and destroy, plain QEMU vs virthub vs libvirtd (bench/qemu/start_destroy.py)"
    PYTHONPATH=$VH_PYPATH timeout 1800 "$PY" "$BENCH/qemu/start_destroy.py" --runs 5 > "$RESULTS/qemu.md" ||
        log "the QEMU section failed"
    cat "$RESULTS/qemu.md" >&2 || true
else
    log "libvirt-daemon-system unavailable: the QEMU section is skipped"
fi

# ---- 8. report
commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] && commit="$commit+dirty"
python3 "$BENCH/report.py" --vh-libdir "$VH_LIBDIR" \
    --inproc "$WORK/inproc.jsonl" --shell "$WORK/shell.json" --out "$RESULTS/latest.json" \
    --py-status "$py_status" --vh-pypath "$VH_PYPATH" \
    --py-inproc "$WORK/py.jsonl" --py-shell "$WORK/py_shell.json" \
    --go-status "$go_status" --go-inproc "$WORK/go.jsonl" --go-dry-run "$GO_DRYRUN" \
    --meta "nproc=$(nproc)" \
    --meta "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
    --meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --meta "virthub_commit=$commit" \
    --meta "virthub_build=$BUILD (type ${build_type:-RelWithDebInfo}, sanitize ${sanitize:-OFF})" \
    --meta "libvirt_version=$(dpkg-query -W -f='${Version}' libvirt0)" \
    --meta "virsh=$VIRSH" \
    --meta "virthub_shell=$VH_SHELL ($shell_status)" \
    --meta "shell_timer=$shell_tool" \
    --meta "reps=$REPS" \
    --meta "python=$PY $("$PY" -c 'import sys; print(sys.version.split()[0])')" \
    --meta "python_libvirt_version=$(dpkg-query -W -f='${Version}' python3-libvirt)" \
    --meta "go=$go_version" \
    --meta "go_libvirt_version=$(sed -n 's#^require libvirt.org/go/libvirt ##p' "$GO_DIR/libvirtgo/go.mod")"
case $py_status in failed*) fail "the Python section failed ($py_status)" ;; esac
case $go_status in failed*) fail "the Go section failed ($go_status)" ;; esac
