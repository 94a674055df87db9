#!/usr/bin/env bash
# pip install ./bindings/python into a fresh virtual environment and run the conformance and
# pytest suites through the installed package, from outside the source tree.
#   pip_install_test.sh PYTHON VENV_DIR GOLDEN
set -euo pipefail
python=$1 venv=$2 golden=$3
root=$(pwd)
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q pytest pyyaml
# the build runs in bindings/python/build (kept between runs: a second install only relinks)
"$venv/bin/python" -m pip install -q "$root/bindings/python"
cd "$venv"
"$venv/bin/python" -c 'import virthub, sys; print("installed:", virthub.__file__); sys.exit(not virthub.__file__.startswith(sys.prefix))'
"$venv/bin/python" "$root/tests/conformance/check_transcript.py" --golden "$golden" --binding \
    --expected "$root/tests/python/known_differences.txt" -- "$venv/bin/python" "$root/tests/python/conformance_runner.py"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python" \
    --ignore="$root/tests/python/test_aio.py" --ignore="$root/tests/python/test_events.py"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python/test_events.py"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python/test_aio.py"
