#!/usr/bin/env bash
# Builds what is asked: `native` (core + tests + benchmarks), `wasm` (build/site), or both (default).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export NODE_PATH=/usr/share/nodejs   # emcc's JS optimiser needs Debian's acorn; Node 20 is first on PATH
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(native wasm)
for t in "${targets[@]}"; do
  [ -f "build/$t/CMakeCache.txt" ] || cmake --preset "$t" >/dev/null
  cmake --build --preset "$t" -j"$(nproc)"
done
