# Sourced by every entry point: puts the in-tree Node (when set-up brought one) and the
# project's virtual environment first, so native modules load under the Node they were built for.
PLATEAU_ROOT="${PLATEAU_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PLATEAU_ROOT
_in_tree_node="$PLATEAU_ROOT/.tools/node_modules/node-linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
if [ -x "$_in_tree_node/bin/node" ]; then
  export PATH="$_in_tree_node/bin:$PATH"
  export npm_config_nodedir="$_in_tree_node"
fi
if [ -x "$PLATEAU_ROOT/.venv/bin/python" ]; then
  export PLATEAU_PYTHON="${PLATEAU_PYTHON:-$PLATEAU_ROOT/.venv/bin/python}"
fi
unset _in_tree_node
