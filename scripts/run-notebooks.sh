#!/usr/bin/env bash
# npm run notebooks [-- --save] [notebook ...]
# Executes every notebook and worked solution (notebooks/solutions/), or the ones named, through real Jupyter (nbclient via nbconvert,
# the tslab kernel), failing on the first cell error. Budgets: full, unless GANRL_QUICK=1.
# Executed copies go to $GANRL_NB_OUT (default: a temporary folder); with --save, the
# executed notebooks replace the ones in notebooks/, with interactive outputs stripped so
# that the committed files stay small and show their static figures on GitHub.
set -euo pipefail
source "$(dirname "$0")/jupyter-common.sh"
py="$(find_python)"
register_kernel "$py"
save=0
files=()
for a in "$@"; do
  case "$a" in
    --save) save=1 ;;
    *) files+=("$a") ;;
  esac
done
cd "$repo"
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(ls notebooks/*.ipynb notebooks/solutions/*.ipynb 2>/dev/null | sort)
fi
out="${GANRL_NB_OUT:-$(mktemp -d)}"
mkdir -p "$out"
echo "ganrl: executing ${#files[@]} notebook(s) with $py (GANRL_QUICK=${GANRL_QUICK:-0}); executed copies in $out"
failed=0
for nb in "${files[@]}"; do
  start=$(date +%s)
  if "$py" -m nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=tslab \
      --ExecutePreprocessor.timeout="${GANRL_NB_TIMEOUT:-3600}" \
      --output-dir "$out" "$nb" >"$out/$(basename "$nb").log" 2>&1; then
    echo "ok      $nb ($(( $(date +%s) - start )) s)"
    if [ "$save" = 1 ]; then
      tsx scripts/save-notebook.ts "$out/$(basename "$nb")" "$nb"
    fi
  else
    echo "FAILED  $nb ($(( $(date +%s) - start )) s); nbconvert said:"
    tail -n 40 "$out/$(basename "$nb").log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
echo "ganrl: $(( ${#files[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
