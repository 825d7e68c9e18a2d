#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run every test:
#   native  GoogleTest via ctest (incl. the OpenCV and PyTorch reference checks)
#   js      the JS API under Node's test runner
#   browser the page in headless Chromium (SwiftShader WebGL2); screenshots land in build/screenshots
#   asan    the native suite again under AddressSanitizer + UndefinedBehaviorSanitizer, with every allocation
#           filled with 0xff bytes (NaN floats): an op that leaves an output element unset fails its checks
#   fuzz    saved fuzz regressions, then a short libFuzzer run per target (tools/fuzz.sh)
# Every stage runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash tools/setup.sh || { echo "setup failed"; exit 1; }
export NODE_PATH=/usr/share/nodejs

passed=0 failed=0 failures=()
stage() {  # stage NAME COMMAND...
  local name="$1"; shift
  printf '\n\033[1m==== %s ====\033[0m\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}
native() { bash tools/build.sh native && ctest --preset native -j2; }
wasm_js() { bash tools/build.sh wasm && node --test tests/js/; }
browser() { node --test --test-concurrency=1 tests/browser/; }
asan() { bash tools/build.sh asan && ctest --preset asan -j2 -E torch_reference; }
fuzz() { bash tools/fuzz.sh "${FUZZ_SECONDS:-20}"; }

only="${1:-all}"
[[ "$only" == all || "$only" == native ]] && stage native native
[[ "$only" == all || "$only" == js ]] && stage js wasm_js
[[ "$only" == all || "$only" == browser ]] && stage browser browser
[[ "$only" == all || "$only" == asan ]] && stage asan asan
[[ "$only" == all || "$only" == fuzz ]] && stage fuzz fuzz

printf '\n'
[ ${#failures[@]} -eq 0 ] || echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
