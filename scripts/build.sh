#!/usr/bin/env bash
# Builds the native core, CLI and C++ tests (build/), the wasm engine
# (build-wasm/, copied to public/), the web page (dist/, with its service
# worker) and the same page as one offline file (dist-single/localsurv.html).
# Incremental. --serve builds only what serving needs: the wasm engine and
# the page (no native build, so no g++ or doctest).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
source scripts/node_env.sh
localsurv_use_node || { echo "build: $LOCALSURV_NODE_WHY; run scripts/setup.sh" >&2; exit 1; }

if [ "${1:-}" != --serve ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$jobs"
fi

# Debian's emscripten needs Debian's acorn for its optimizer.
export NODE_PATH=/usr/share/nodejs
[ -f build-wasm/build.ninja ] || emcmake cmake -S . -B build-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-wasm -j "$jobs"
for f in localsurv.js localsurv.wasm; do
  cmp -s "build-wasm/$f" "public/$f" || cp "build-wasm/$f" "public/$f"
done

# The landing page's thumbnail: the example's KM curves from this engine (scripts/thumbnail.mjs).
node scripts/thumbnail.mjs
npx vite build --logLevel warn
npx vite build --config vite.single.config.js --logLevel warn
