# Shared by lab.sh and run-notebooks.sh: find a Python with Jupyter and register tslab for this project.
# Override the Python with GANRL_PYTHON=/path/to/python. Without it, the project's own lab venv
# (.venv/lab, made by `bash scripts/python-env.sh lab`: JupyterLab 4) comes first.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/node_modules/.bin:$PATH"

find_python() {
  local c
  for c in "${GANRL_PYTHON:-}" "$repo/.venv/lab/bin/python" /usr/bin/python3 python3 python; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import nbformat, jupyter_client' >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  echo "ganrl: no Python with Jupyter found. Make the project's JupyterLab with 'bash scripts/python-env.sh lab' (or 'pip install jupyterlab'; on Debian/Ubuntu: 'apt-get install jupyter-notebook python3-nbconvert python3-nbclient'), or point GANRL_PYTHON at its python." >&2
  return 1
}

register_kernel() {
  # The kernel runs this project's own tslab (and tslab prefers the local node_modules anyway).
  # Into the project's venv when that is the Python, else the user's kernel registry.
  local where=--user
  case "$1" in "$repo"/.venv/*) where=--sys-prefix ;; esac
  tslab install --python="$1" --binary="$repo/node_modules/.bin/tslab" "$where" >/dev/null
}
