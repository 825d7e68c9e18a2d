#!/usr/bin/env bash
# Installs everything ConvLab needs on a fresh Debian bookworm machine (as root) and fetches the
# third-party sources the web build compiles (SDL2, Dear ImGui) from Debian's source packages.
# Idempotent: every step checks first, so a second run takes seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
deps="$root/build/deps"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: the toolchains, the test references (OpenCV, PyTorch, SciPy) and the browser.
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates xz-utils
  emscripten
  libgtest-dev libgmock-dev libbenchmark-dev
  libopencv-dev python3-opencv python3-numpy python3-scipy python3-torch
  clang-14 libclang-rt-14-dev
  chromium fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Source packages need a deb-src entry; copy the binary entry's mirrors.
src_list=/etc/apt/sources.list.d/convlab-debian-src.sources
if [ ! -f "$src_list" ] && ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding a deb-src entry for Debian's source packages"
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | as_root tee "$src_list" >/dev/null
  as_root apt-get update -qq
fi

mkdir -p "$deps"
fetch_source() { # $1 = source package, $2 = folder glob it unpacks to
  local pkg="$1" glob="$2"
  if ! compgen -G "$deps/$glob" >/dev/null; then
    log "fetching $pkg sources from Debian"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && apt-get source --download-only -qq "$pkg")
    tar -xf "$tmp"/*.orig.tar.* -C "$deps"
    rm -rf "$tmp"
  fi
}
fetch_source libsdl2 'SDL2-*'
fetch_source imgui 'imgui-*'

# SDL2 for wasm: built once with its own CMake under emcmake, installed into build/deps/sdl2-wasm.
export NODE_PATH=/usr/share/nodejs   # emcc's JS optimiser needs Debian's acorn (Node 20 is first on PATH)
if [ ! -f "$deps/sdl2-wasm/lib/libSDL2.a" ]; then
  log "building SDL2 for wasm (about 2 minutes, once)"
  sdl_src="$(compgen -G "$deps/SDL2-*" | head -1)"
  emcmake cmake -S "$sdl_src" -B "$deps/sdl2-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DSDL_PTHREADS=OFF \
    -DCMAKE_INSTALL_PREFIX="$deps/sdl2-wasm" >/dev/null
  cmake --build "$deps/sdl2-build" -j"$(nproc)" >/dev/null
  cmake --install "$deps/sdl2-build" >/dev/null
fi

# Test tools from npm, pinned by package-lock.json. Never let them download a browser.
if [ -f "$root/package.json" ] && [ ! -d "$root/node_modules/playwright-core" ]; then
  log "installing npm test tools"
  (cd "$root" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready"
