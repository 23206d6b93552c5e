#!/usr/bin/env bash
# Install, build, and serve the app on http://localhost:8080 (the bundled
# example is one click away on the page). Installs and builds only what
# serving needs (setup.sh --serve, build.sh --serve). LOCALSURV_PORT picks
# another port.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${LOCALSURV_PORT:-8080}
bash scripts/setup.sh --serve
bash scripts/build.sh --serve
source scripts/node_env.sh
localsurv_use_node
echo "LocalSurv: open http://localhost:$port (Ctrl-C stops the server)"
exec npx vite preview --port "$port" --strictPort --host 127.0.0.1
