# Shared by lab.sh and run-notebooks.sh: find a Python with Jupyter and register tslab for this project.
# Override the Python with GANRL_PYTHON=/path/to/python.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/node_modules/.bin:$PATH"

find_python() {
  local c
  for c in "${GANRL_PYTHON:-}" /usr/bin/python3 python3 python; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import nbformat, jupyter_client' >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  echo "ganrl: no Python with Jupyter found. Install it with 'pip install jupyterlab' (or on Debian/Ubuntu: 'apt-get install jupyter-notebook python3-nbconvert python3-nbclient'), or point GANRL_PYTHON at its python." >&2
  return 1
}

register_kernel() {
  # The kernel runs this project's own tslab (and tslab prefers the local node_modules anyway).
  tslab install --python="$1" --binary="$repo/node_modules/.bin/tslab" --user >/dev/null
}
