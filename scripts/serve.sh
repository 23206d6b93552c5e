#!/usr/bin/env bash
# Install, build, and serve the app on http://localhost:8080 (the bundled
# example is one click away on the page).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
echo "LocalSurv: open http://localhost:8080 (Ctrl-C stops the server)"
exec npx vite preview --port 8080 --strictPort --host 127.0.0.1
