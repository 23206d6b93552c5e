#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for LocalSurv (as root), then
# the npm packages. Idempotent: installed packages and an up-to-date
# node_modules are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# Why each is here: cmake/ninja/g++ build the native core and CLI; Eigen is the
# linear algebra and special functions; nlohmann-json the one JSON library;
# doctest the C++ test framework; emscripten compiles the same core to wasm;
# nodejs/npm run the bundler (vite), the Node tests and the browser driver;
# chromium is the browser the browser tests drive (never a downloaded one).
packages=(cmake ninja-build g++ libeigen3-dev nlohmann-json3-dev doctest-dev emscripten chromium)
# --with-r (the test command): R with the packages LocalSurv is checked
# against, to run the R script the page exports and compare its numbers.
if [ "${1:-}" = "--with-r" ]; then
  packages+=(r-base-core r-cran-survival r-cran-matchit r-cran-maxstat r-cran-jsonlite)
  # clang with its sanitizer and libFuzzer runtimes, and llvm's symbolizer:
  # the ASan + UBSan build and the fuzz targets (build-asan/, tests/fuzz/).
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm may come from elsewhere than Debian (a newer npm): any will do.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.localsurv-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
