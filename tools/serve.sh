#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build the site, serve it on 127.0.0.1 and print its URL.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/setup.sh"
bash "$root/tools/build.sh" wasm
exec node "$root/tools/static-server.mjs" "$root/build/site" "${PORT:-8000}"
