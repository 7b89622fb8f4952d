#!/usr/bin/env bash
# npm run lab: register the tslab kernel for this project and open the notebooks
# in JupyterLab if it is installed, else in the classic Notebook.
set -euo pipefail
source "$(dirname "$0")/jupyter-common.sh"
py="$(find_python)"
register_kernel "$py"
cd "$repo"
if "$py" -c 'import jupyterlab' >/dev/null 2>&1; then
  exec "$py" -m jupyterlab --notebook-dir="$repo" "$@" notebooks/
else
  exec "$py" -m notebook --notebook-dir="$repo" "$@"
fi
