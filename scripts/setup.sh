#!/usr/bin/env bash
# Idempotent set-up for a fresh clone: a Node >= 22 (in-tree when the system's is older),
# node_modules, and .venv with torch (installed first, pinned, only when missing), MONAI and the
# project's Python package. A second run checks stamps and returns in about a second.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
say() { echo "plateau setup: $*" >&2; }
die() { echo "plateau setup: $*" >&2; exit 3; }
mkdir -p .tools/stamps

# --- Node -----------------------------------------------------------------------------------
command -v npm >/dev/null || die "npm was not found; install Node.js (any version with npm) and run again."
node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
. scripts/env.sh
if [ "$(node_major)" -lt 22 ]; then
  arch=$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
  say "Node $(node --version 2>/dev/null || echo none) is older than 22; bringing Node 24 in-tree (.tools/)."
  npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@24" >/dev/null \
    || die "could not install node-linux-$arch@24 from the npm registry; install Node >= 22 yourself and run again."
  . scripts/env.sh
  [ "$(node_major)" -ge 22 ] || die "the in-tree Node did not start; install Node >= 22 yourself and run again."
fi

lock_hash=$( (cat package-lock.json; node --version) | sha256sum | cut -c1-16)
if [ ! -d node_modules ] || [ "$(cat .tools/stamps/node_modules 2>/dev/null)" != "$lock_hash" ]; then
  say "installing Node packages with $(node --version)"
  npm ci --no-audit --no-fund >/dev/null || die "npm ci failed (see above)."
  echo "$lock_hash" > .tools/stamps/node_modules
fi
# Native modules must load under the Node that runs them.
node -e "require('better-sqlite3')(':memory:').prepare('select 1').get(); require('zeromq')" \
  || die "native modules (better-sqlite3, zeromq) do not load under $(node --version); delete node_modules and run again."
# The CLI's bundle, so the first 'plateau' call starts at once (bin/plateau rebuilds it when ts/ changes
# and runs the sources through tsx if it cannot).
node scripts/build-cli.mjs || say "could not bundle the CLI (scripts/build-cli.mjs); bin/plateau will run it through tsx"

# --- Python ---------------------------------------------------------------------------------
# pip install, its exit status kept; a package mirror's "WARNING: Location … is ignored" lines are
# about the machine's pip config, not this install, and are dropped
pip_quiet() {
  local out rc=0
  out=$(.venv/bin/pip install -q --disable-pip-version-check "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | grep -v -e '^WARNING: Location' -e '^$' >&2 || true
  return $rc
}
py_hash=$(cat pyproject.toml py/constraints.txt | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat .tools/stamps/venv 2>/dev/null)" != "$py_hash" ]; then
  boot="${PLATEAU_BOOTSTRAP_PYTHON:-python3}"
  command -v "$boot" >/dev/null || die "no Python found ($boot); install Python >= 3.10 with venv and run again."
  "$boot" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null || die "$boot is older than 3.10; install Python >= 3.10 and run again."
  [ -x .venv/bin/python ] || "$boot" -m venv .venv || die "could not create .venv (on Debian: apt-get install python3-venv)."
  # torch first and pinned: an unpinned torch pulled by another package would fetch a CUDA build.
  # PLATEAU_TORCH_INDEX picks a build (e.g. https://download.pytorch.org/whl/cpu or …/cu128; the Dockerfile's TORCH_INDEX).
  if ! .venv/bin/python -c 'import torch' 2>/dev/null; then
    say "installing torch ${PLATEAU_TORCH:-2.13.0}${PLATEAU_TORCH_INDEX:+ from $PLATEAU_TORCH_INDEX}"
    pip_quiet ${PLATEAU_TORCH_INDEX:+--index-url "$PLATEAU_TORCH_INDEX"} "torch==${PLATEAU_TORCH:-2.13.0}" || die "pip could not install torch."
  fi
  # py/constraints.txt: the versions the tests passed with (scripts/pin-python.sh), as package-lock.json for Node
  say "installing monai, pyzmq, pyarrow and the plateau Python package (versions from py/constraints.txt)"
  pip_quiet -c py/constraints.txt -e '.[dev]' || true
  .venv/bin/python -c 'import plateau, torch, monai, zmq, pyarrow' || die "the Python packages did not install (see above)."
  echo "$py_hash" > .tools/stamps/venv
fi
