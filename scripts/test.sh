#!/usr/bin/env bash
# Every test: type check, schema drift, TypeScript (vitest), Python (pytest).
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
cd "$PLATEAU_ROOT"
echo "== typecheck"; node node_modules/typescript/bin/tsc --noEmit -p .
echo "== vitest"; node node_modules/vitest/vitest.mjs run "$@"
echo "== pytest"; "$PLATEAU_PYTHON" -m pytest -q test/py
