#!/usr/bin/env bash
# The project's own Python environments, in the ignored folder .venv/:
#   lab    .venv/lab    JupyterLab 4 (npm run test:lab, npm run lab), Gymnasium 1.4.0 + seals 0.2.1
#                       (npm run test:gymnasium); from requirements/lab.txt
#   peers  .venv/peers  Gymnasium 0.29.1, stable-baselines3 2.2.1, imitation 1.0.1 on Debian's torch
#                       (npm run bench -- peers); from requirements/peers.txt, --system-site-packages
# Every package is pinned (transitive ones too) and installed with --no-deps, so the venv holds
# exactly the listed versions. A stamp file holds a hash of the requirement file, this script and
# the Python version: when it matches, the script returns at once; otherwise it rebuilds the venv.
# Needs Debian's python3 and python3-venv (and python3-torch for peers); see .ci/run.
#
# Usage: bash scripts/python-env.sh [lab|peers]   (default lab)
# Prints the venv's python on stdout (progress goes to stderr): py=$(bash scripts/python-env.sh lab)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:-lab}"
base=/usr/bin/python3
req="$repo/requirements/$name.txt"
venv="$repo/.venv/$name"

fail() {
  echo "python-env: $*" >&2
  exit 2
}
case "$name" in
  lab) site=() ;;
  peers) site=(--system-site-packages) ;;
  *) fail "unknown environment '$name'; valid: lab, peers" ;;
esac
[ -x "$base" ] || fail "$base not found; install Debian's python3 (apt-get install python3 python3-venv)"
[ -f "$req" ] || fail "$req is missing"

stamp_of() {
  { cat "$req" "${BASH_SOURCE[0]}"; "$base" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}
want="$(stamp_of)"
if [ -f "$venv/ganrl-stamp" ] && [ "$(cat "$venv/ganrl-stamp")" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi

mkdir -p "$repo/.venv"
exec 9>"$repo/.venv/.$name.lock"
flock 9
# Another run may have finished the venv while this one waited for the lock.
if [ -f "$venv/ganrl-stamp" ] && [ "$(cat "$venv/ganrl-stamp")" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi

"$base" -c 'import ensurepip, venv' 2>/dev/null || fail "$base has no venv module; install it with: apt-get install python3-venv"
if [ "$name" = peers ]; then
  "$base" -c 'import torch, sys; sys.exit(0 if torch.__version__.startswith("1.13.") else 1)' 2>/dev/null ||
    fail "the peers venv uses Debian's torch 1.13 (CPU only); install it with: apt-get install python3-torch"
fi

t0=$(date +%s)
echo "python-env: creating $venv from requirements/$name.txt" >&2
rm -rf "$venv"
"$base" -m venv "${site[@]}" "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_CACHE_DIR="$repo/.venv/.pip-cache"
"$venv/bin/python" -m pip install -q --no-deps -r "$req" >&2
if [ "$name" = lab ]; then
  "$venv/bin/python" -m pip check >&2
else
  # Debian's torch calls itself 1.13.0a0, which pip does not count as >=1.13 (stable-baselines3's
  # requirement), and Debian's own packages (seen through --system-site-packages) may lack
  # optional parts; every requirement of the pinned packages must hold otherwise.
  problems="$("$venv/bin/python" - "$req" <<'PY'
import re, subprocess, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
ours = {norm(l.split("==")[0]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")}
out = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True).stdout
for line in out.splitlines():
    if line.split(" ")[0] and norm(line.split(" ")[0]) in ours and not re.search(r"requirement torch[<>=!~]", line):
        print(line)
PY
)"
  [ -z "$problems" ] || fail "pip check in $venv: $problems"
  "$venv/bin/python" -c 'import torch, stable_baselines3, imitation, gymnasium' >&2
fi
echo "$want" >"$venv/ganrl-stamp"
echo "python-env: $venv ready in $(( $(date +%s) - t0 )) s" >&2
echo "$venv/bin/python"
