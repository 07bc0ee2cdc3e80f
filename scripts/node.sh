#!/usr/bin/env bash
# Runs the project's Node (>= 22, in-tree when the system's is older) from the repo root.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
cd "$PLATEAU_ROOT"
exec node "$@"
