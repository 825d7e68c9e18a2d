#!/usr/bin/env bash
# Runs the libFuzzer targets: first every saved regression input (tests/fuzz/regressions/<target>/),
# then a fresh fuzzing run of SECONDS (default 20) per target. CI runs the short version; for a long
# run: bash tools/fuzz.sh 3600. A crash leaves its input in build/fuzz/crashes/: copy it into
# tests/fuzz/regressions/<target>/ so it is replayed forever.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-20}"
# Every allocation starts as 0xff bytes (NaN floats): an output element an op leaves unset shows.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_fill_byte=255:max_malloc_fill_size=1073741824}"
[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
mkdir -p build/fuzz/crashes
status=0
for target in fuzz_ops fuzz_state; do
  corpus="build/fuzz/corpus-$target"
  mkdir -p "$corpus"
  regressions="tests/fuzz/regressions/$target"
  if compgen -G "$regressions/*" >/dev/null; then
    echo "== $target: replaying $(ls "$regressions" | wc -l) regression inputs"
    "build/fuzz/$target" "$regressions"/* >/dev/null 2>&1 || { echo "$target: a regression input fails again"; status=1; }
  fi
  echo "== $target: fuzzing for $seconds s"
  if ! "build/fuzz/$target" -max_total_time="$seconds" -max_len=512 -rss_limit_mb=2048 \
      -artifact_prefix=build/fuzz/crashes/ "$corpus" 2> "build/fuzz/$target.log"; then
    tail -40 "build/fuzz/$target.log"
    status=1
  else
    grep -E '^Done|stat::number_of_executed_units' "build/fuzz/$target.log" | tail -1 || true
  fi
done
exit $status
