#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for LocalSurv (as root), a
# Node.js that package.json's engines accept (scripts/node_env.sh), then the
# npm packages. Idempotent: installed packages, the project-local Node and an
# up-to-date node_modules are left alone.
#
#   setup.sh --serve    only what serving the page needs (serve.sh)
#   setup.sh            + the native build, the C++ and browser tests
#   setup.sh --with-r   + R, to check the exported R script (test.sh)
#   --list              print the Debian packages of that set and stop
set -euo pipefail
cd "$(dirname "$0")/.."

set_name=test
list=0
for arg in "$@"; do
  case $arg in
    --serve) set_name=serve ;;
    --with-r) set_name=with-r ;;
    --list) list=1 ;;
    *) echo "setup: unknown option $arg (use --serve, --with-r, --list)" >&2; exit 2 ;;
  esac
done

# serve: cmake/ninja drive the wasm build; Eigen is the linear algebra and
# special functions; nlohmann-json the one JSON library; fast_float the CSV
# reader's number parser; emscripten compiles
# the core to wasm (and brings a nodejs); curl fetches a newer Node when the
# machine's is too old (scripts/node_env.sh).
packages=(cmake ninja-build libeigen3-dev nlohmann-json3-dev libfast-float-dev emscripten curl ca-certificates)
if [ "$set_name" != serve ]; then
  # g++ builds the native core and CLI; doctest is the C++ test framework;
  # chromium is the browser the browser tests drive (never a downloaded one);
  # fonts-noto-cjk lets it draw the Chinese page and figures (Noto Sans CJK SC,
  # which the figures' font stack names; Debian's chromium brings no CJK font).
  packages+=(g++ doctest-dev chromium fonts-noto-cjk)
fi
if [ "$set_name" = with-r ]; then
  # R with the packages LocalSurv is checked against, to run the R script
  # the page exports and compare its numbers.
  packages+=(r-base-core r-cran-survival r-cran-matchit r-cran-maxstat r-cran-jsonlite)
  # pROC and survminer: tests/r/cutpoint.R regenerates the cutpoint goldens
  # (ROC/Youden and surv_cutpoint) with them (tests/r/README.md).
  packages+=(r-cran-proc r-cran-survminer)
  # clang with its sanitizer and libFuzzer runtimes, and llvm's symbolizer:
  # the ASan + UBSan build and the fuzz targets (build-asan/, tests/fuzz/).
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
fi
if [ "$list" = 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

apt_install() {
  echo "setup: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

source scripts/node_env.sh
if ! localsurv_use_node; then
  echo "setup: $LOCALSURV_NODE_WHY; installing Node $LOCALSURV_NODE_VERSION and npm $LOCALSURV_NPM_VERSION from the npm registry into .tools/node"
  # The registry's address comes from npm's configuration: npm_config_registry
  # or what npm says; with no npm at all, Debian's npm provides it.
  if ! localsurv_registry >/dev/null; then
    if command -v npm >/dev/null; then
      echo "setup: $(command -v npm) does not run here; set npm_config_registry to the npm registry's address" >&2
      exit 1
    fi
    apt_install npm
  fi
  localsurv_install_node
  localsurv_use_node
elif [ -n "$LOCALSURV_NODE_WHY" ]; then
  echo "setup: $LOCALSURV_NODE_WHY; using the Node installed in .tools/node"
fi
echo "setup: using Node $(node --version) ($(command -v node)) and npm $(npm --version)"

# npm ci only when the lock file changed since the last install. Serving
# needs package.json's dependencies (the page's packages and the bundler);
# the tests also need its devDependencies.
stamp=node_modules/.localsurv-lock
have=$(cat node_modules/.localsurv-install 2>/dev/null || true)
kind=full
# serve never takes the test packages away from a checkout that has them.
[ "$set_name" != serve ] || [ "$have" = full ] || kind=serve
if ! cmp -s package-lock.json "$stamp" || [ "$kind" != "$have" ]; then
  if [ "$kind" = serve ]; then
    echo "setup: installing npm packages (dependencies only)"
    npm ci --no-audit --no-fund --loglevel=error --omit=dev
  else
    echo "setup: installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  cp package-lock.json "$stamp"
  echo "$kind" >node_modules/.localsurv-install
fi
