#!/usr/bin/env bash
# Regenerates every expected value the C++ tests read from R, into a scratch
# folder, and compares it with the committed files: the goldens
# (tests/reference/goldens, by goldens.R) and the extra values
# (tests/reference/extra/<name>.json, one script each). Needs what
# `bash scripts/setup.sh --with-r` installs. Prints one line per file and
# "N identical, N differ"; exit status 1 if any file differs or any script
# fails. Numbers are compared bit for bit (compare_goldens.py --rtol 0),
# the `software` block (versions) left out.
#
#   bash tests/r/check.sh [script.R ...]     (default: every script)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d "${TMPDIR:-/tmp}/localsurv-r-check.XXXXXX")
mkdir -p "$out/extra" "$out/goldens" "$out/logs"
export LOCALSURV_R_OUT="$out/extra"

scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then
  for f in tests/r/*.R; do
    case $(basename "$f") in
      # common.R is sourced by the others; rscript_calls.R is a tool of the
      # Node tests, not a source of expected values.
      common.R | rscript_calls.R) ;;
      *) scripts+=("$f") ;;
    esac
  done
fi

identical=0
differ=0
for f in "${scripts[@]}"; do
  name=$(basename "$f" .R)
  log="$out/logs/$name.log"
  start=$SECONDS
  if [ "$name" = goldens ]; then
    Rscript "$f" "$out/goldens" >"$log" 2>&1
  else
    Rscript "$f" >"$log" 2>&1
  fi
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "$f: FAILED (exit $rc; $log):"
    tail -5 "$log" | sed 's/^/    /'
    differ=$((differ + 1))
    continue
  fi
  if [ "$name" = goldens ]; then
    ref=tests/reference/goldens
    new="$out/goldens"
    names=$(cd "$ref" && ls *.json | sed 's/\.json$//')
  else
    ref=tests/reference/extra
    new="$out/extra"
    names=$name
  fi
  for n in $names; do
    if cmp -s "$ref/$n.json" "$new/$n.json"; then
      echo "$ref/$n.json: byte-identical ($f, $((SECONDS - start)) s)"
      identical=$((identical + 1))
    elif python3 tests/r/compare_goldens.py "$new" "$n" --ref "$ref" --rtol 0 >"$out/logs/$n.diff"; then
      echo "$ref/$n.json: same values, other layout ($f, $((SECONDS - start)) s)"
      identical=$((identical + 1))
    else
      echo "$ref/$n.json: DIFFERS ($f; $out/logs/$n.diff):"
      head -5 "$out/logs/$n.diff" | sed 's/^/    /'
      differ=$((differ + 1))
    fi
  done
done
echo "$identical identical, $differ differ (output in $out)"
[ "$differ" -eq 0 ]
