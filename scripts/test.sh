#!/usr/bin/env bash
# Install, build, and run every test: C++ (ctest), Node (wasm engine vs the
# native CLI), browser (Chromium via playwright-core). Ends with one line
# "N passed, N failed" over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-r || exit 1
bash scripts/build.sh || exit 1
source scripts/node_env.sh && localsurv_use_node || exit 1

mkdir -p test-artifacts
passed=0
failed=0
status=0

# ctest in build dir $1, logged to test-artifacts/$2.log, counted into the totals.
run_ctest() {
  (cd "$1" && ctest --output-on-failure -j "$(nproc)") 2>&1 | tee "test-artifacts/$2.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "test-artifacts/$2.log" | tail -1)
  if [ -n "$line" ]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    nfail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  else
    failed=$((failed + 1))
  fi
}
run_ctest build ctest

# The C++ suite again under ASan + UBSan (clang), and each libFuzzer target
# for a bounded time from its seed corpus (tests/fuzz/; README "Fuzzing").
# Crashing inputs land in test-artifacts/fuzz/.
if CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DLOCALSURV_SANITIZE=ON >/dev/null && cmake --build build-asan -j "$(nproc)"; then
  # Reports name source lines with llvm-14's symbolizer (else addr2line).
  if command -v llvm-symbolizer-14 >/dev/null; then
    export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)
  fi
  UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan ctest-asan
else
  failed=$((failed + 1))
fi

for suite in node browser; do
  # TAP output and explicit files: the same summary lines on every Node version.
  node --test --test-reporter=tap --test-concurrency=1 tests/"$suite"/*.test.mjs 2>&1 | tee "test-artifacts/$suite.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  p=$(grep -E '^# pass [0-9]+' "test-artifacts/$suite.log" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "test-artifacts/$suite.log" | tail -1 | awk '{print $3}')
  [ -n "$p" ] || { p=0; f=1; }
  passed=$((passed + p))
  failed=$((failed + ${f:-0}))
done

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] || status=1
exit $status
