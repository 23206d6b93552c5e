#!/usr/bin/env bash
# Times the C++ scale cases: every doctest case whose name says 200,000 (rows,
# patients, units...), one line each with its duration in seconds (doctest's
# --duration). A benchmark, not a test: nothing here passes or fails on time,
# and the test command never runs it; the same cases' results are asserted by
# ctest. Needs a native build (scripts/build.sh or cmake --build build).
#
#   bash bench/run.sh [build-dir]        (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/localsurv_tests
[ -x "$bin" ] || { echo "bench: $bin not found; build first (bash scripts/build.sh)" >&2; exit 1; }
"$bin" --test-case='*200?000*' --duration=true --no-version=true | grep -E '^[0-9.]+ s: '
