#!/usr/bin/env bash
# Installs the native TF.js backend (@tensorflow/tfjs-node 4.22.0, ganrl's `node` backend) where
# its own installer cannot run: that installer downloads libtensorflow 2.9.1 and a prebuilt
# binding from storage.googleapis.com. Instead this script
#   1. downloads TensorFlow 2.9.1's CPU wheel from PyPI (tensorflow-cpu, cp310, manylinux2014,
#      sha256 pinned) into the ignored folder .venv/wheels/ (pip's cache: .venv/.pip-cache);
#   2. installs the npm package with --ignore-scripts (npm install --no-save; package.json and
#      package-lock.json are left as they were);
#   3. copies the wheel's libtensorflow_framework.so.2 and _pywrap_tensorflow_internal.so (which
#      exports the whole TF C and eager C API) and the C API headers into the package's deps/;
#   4. builds a tiny stand-in library for the CPython symbols _pywrap_tensorflow_internal.so
#      references (data symbols are zeroed storage, functions abort with their name; the C API
#      never calls them), and
#   5. builds the binding (tfjs_binding.node) from the package's own sources with node-gyp,
#      offline, against the Node headers in /usr/include/node (else node-gyp fetches them),
#      linked to those three libraries,
# then checks that TF.js runs a matMul on the `tensorflow` backend. Idempotent: a stamp in the
# package records what was built; a second run with the same inputs only re-checks.
#
# CAUTION: once installed, ganrl prefers `node` over `wasm` (lib/core/backend.ts), and the backend
# is part of every run's identity: pin GANRL_BACKEND=wasm to continue or reproduce the stored runs.
# Measured on this machine kind (README, "TF.js backends"): faster for large batches (the paper's
# TRPO presets), slower for the modern PPO presets and BC, whose many small kernel calls cost
# more through tfjs-node. About 490 MB in node_modules; `npm ci` removes it (run this again).
#
# Needs: Linux x86-64, Node >= 18 with npm (its bundled node-gyp), g++, make, nm (binutils),
# a Python with pip (GANRL_PYTHON, .venv/lab, or python3), access to PyPI and the npm registry.
# Usage: bash scripts/tfjs-node-from-pypi.sh   (remove: rm -rf node_modules/@tensorflow/tfjs-node)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TFJS_NODE_VERSION=4.22.0
TF_VERSION=2.9.1
WHEEL=tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e
pkg="$repo/node_modules/@tensorflow/tfjs-node"
wheels="$repo/.venv/wheels"

fail() {
  echo "tfjs-node-from-pypi: $*" >&2
  exit 2
}
say() { echo "tfjs-node-from-pypi: $*" >&2; }

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "TensorFlow's PyPI wheel is for Linux x86-64; this is $(uname -s)-$(uname -m)"
[ -d "$repo/node_modules/@tensorflow/tfjs" ] || fail "node_modules/@tensorflow/tfjs is missing; run npm ci first"
for t in node npm g++ make nm; do command -v "$t" >/dev/null || fail "'$t' not found; install it (Debian: apt-get install nodejs g++ make binutils)"; done

# The check that the backend really runs: a 2x2 matMul on TF.js's `tensorflow` backend.
check() {
  (cd "$repo" && TF_CPP_MIN_LOG_LEVEL=2 node -e '
    const meta = require("@tensorflow/tfjs-node/package.json");
    if (meta.name !== "@tensorflow/tfjs-node" || meta.version !== process.argv[1]) throw new Error(`found ${meta.name}@${meta.version}`);
    const tf = require("@tensorflow/tfjs-node");
    if (tf.getBackend() !== "tensorflow") throw new Error(`backend is ${tf.getBackend()}`);
    const y = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync());
    if (y.join() !== "19,22,43,50") throw new Error(`matMul gave ${y}`);
    console.log(`tfjs-node-from-pypi: @tensorflow/tfjs-node ${meta.version} runs on TensorFlow ${tf.backend().binding.TF_Version}`);
  ' "$TFJS_NODE_VERSION")
}

want="$(cat "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1) node $(node -p process.version) wheel $WHEEL_SHA256"
if [ -f "$pkg/ganrl-from-pypi.stamp" ] && [ "$(cat "$pkg/ganrl-from-pypi.stamp")" = "$want" ] && check; then
  exit 0
fi

# 1. the wheel
mkdir -p "$wheels"
if [ ! -f "$wheels/$WHEEL" ] || [ "$(sha256sum "$wheels/$WHEEL" | cut -d' ' -f1)" != "$WHEEL_SHA256" ]; then
  py=""
  for c in "${GANRL_PYTHON:-}" "$repo/.venv/lab/bin/python" python3 python; do
    [ -n "$c" ] && command -v "$c" >/dev/null && "$c" -m pip --version >/dev/null 2>&1 && { py="$c"; break; }
  done
  [ -n "$py" ] || fail "no Python with pip found (set GANRL_PYTHON, or apt-get install python3-pip)"
  say "downloading $WHEEL (207 MB) from PyPI into .venv/wheels/"
  rm -f "$wheels/$WHEEL"
  req="$(mktemp)"
  trap 'rm -f "$req"' EXIT
  echo "tensorflow-cpu==$TF_VERSION --hash=sha256:$WHEEL_SHA256" >"$req"
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_CACHE_DIR="$repo/.venv/.pip-cache" \
    "$py" -m pip download -q --no-deps --require-hashes --only-binary=:all: --implementation cp \
    --python-version 310 --abi cp310 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d "$wheels" -r "$req" >&2 || fail "pip could not download tensorflow-cpu==$TF_VERSION from PyPI (see above)"
  [ "$(sha256sum "$wheels/$WHEEL" | cut -d' ' -f1)" = "$WHEEL_SHA256" ] || fail "$wheels/$WHEEL does not have the pinned sha256"
fi

# 2. the npm package, without its install script (which would download from Google's storage)
if [ "$(node -p "try { const m = require('$pkg/package.json'); m.name + '@' + m.version } catch (e) { '' }" 2>/dev/null)" != "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" ]; then
  say "installing @tensorflow/tfjs-node@$TFJS_NODE_VERSION with --ignore-scripts"
  saved="$(mktemp -d)"
  cp "$repo/package.json" "$repo/package-lock.json" "$saved/"
  gpu="$repo/node_modules/@tensorflow/tfjs-node-gpu"
  had_gpu=no
  [ -e "$gpu" ] && had_gpu=yes
  (cd "$repo" && npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >&2) ||
    { cp "$saved/package.json" "$saved/package-lock.json" "$repo/"; fail "npm install @tensorflow/tfjs-node@$TFJS_NODE_VERSION failed (see above)"; }
  # critical: --no-save should leave both files alone; restore them if this npm touched them.
  cmp -s "$saved/package.json" "$repo/package.json" && cmp -s "$saved/package-lock.json" "$repo/package-lock.json" ||
    { say "npm changed package.json or package-lock.json; restored"; cp "$saved/package.json" "$saved/package-lock.json" "$repo/"; }
  rm -rf "$saved"
  # critical: with --ignore-scripts npm also unpacks the other optional package, tfjs-node-gpu,
  # without its binding; loading it (ganrl tries node-gpu first) would register its kernels and
  # then fail, and tfjs-node would re-register them all with a warning each. Remove that husk.
  if [ "$had_gpu" = no ] && [ -e "$gpu" ] && ! ls "$gpu"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then
    rm -rf "$gpu"
  fi
fi
[ -f "$pkg/binding.gyp" ] && [ -f "$pkg/binding/tfjs_binding.cc" ] || fail "$pkg has no binding sources (binding.gyp, binding/)"

# 3. the libraries and headers from the wheel
say "copying TensorFlow $TF_VERSION's libraries and C API headers from the wheel into the package's deps/"
rm -rf "$pkg/deps" "$pkg/build" "$pkg/lib"
mkdir -p "$pkg/deps/lib" "$pkg/deps/include"
python_for_zip="$(command -v python3 || command -v python)" || fail "python3 is needed to unpack the wheel"
"$python_for_zip" - "$wheels/$WHEEL" "$pkg/deps" <<'PY'
import os, shutil, sys, zipfile
whl, deps = sys.argv[1], sys.argv[2]
want = {"tensorflow/libtensorflow_framework.so.2": "lib/libtensorflow_framework.so.2",
        "tensorflow/python/_pywrap_tensorflow_internal.so": "lib/_pywrap_tensorflow_internal.so"}
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.startswith("tensorflow/include/tensorflow/c/") or n.startswith("tensorflow/include/tensorflow/core/platform/ctstring"):
            want[n] = "include/" + n[len("tensorflow/include/"):]
    for src, dst in want.items():
        if src.endswith("/"):
            continue
        out = os.path.join(deps, dst)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(src) as f, open(out + ".part", "wb") as g:
            shutil.copyfileobj(f, g)
        os.chmod(out + ".part", 0o755 if dst.startswith("lib/") else 0o644)
        os.replace(out + ".part", out)
PY
[ -f "$pkg/deps/include/tensorflow/c/eager/c_api.h" ] || fail "the wheel has no tensorflow/c/eager/c_api.h"
# The binding links -ltensorflow -ltensorflow_framework; the soname it records is the wheel's.
ln -sfn _pywrap_tensorflow_internal.so "$pkg/deps/lib/libtensorflow.so"
ln -sfn libtensorflow_framework.so.2 "$pkg/deps/lib/libtensorflow_framework.so"

# 4. the CPython stand-ins
nm -D --undefined-only "$pkg/deps/lib/_pywrap_tensorflow_internal.so" | awk '{print $NF}' | grep -E '^_?Py' |
  "$python_for_zip" -c '
import re, sys
syms = sorted({l.strip() for l in sys.stdin if l.strip()})
data = [s for s in syms if re.search(r"(_Type|Struct)$|^PyExc_", s)]
print("/* Generated by scripts/tfjs-node-from-pypi.sh: stand-ins for the CPython symbols that")
print(" * TensorFlow'"'"'s _pywrap_tensorflow_internal.so references; the TF C API never reaches them. */")
print("#include <stdio.h>\n#include <stdlib.h>")
print("static void called(const char *n) { fprintf(stderr, \"tfjs-node-from-pypi shim: CPython function %s called\\n\", n); abort(); }")
for s in data: print(f"__attribute__((visibility(\"default\"), aligned(64))) char {s}[512];")
for s in syms:
    if s not in data: print(f"__attribute__((visibility(\"default\"))) void {s}(void) {{ called(\"{s}\"); }}")
' >"$pkg/deps/ganrl_pyshim.c"
gcc -O2 -shared -fPIC -o "$pkg/deps/lib/libganrl_pyshim.so" "$pkg/deps/ganrl_pyshim.c" || fail "could not compile the CPython stand-in library"

# 5. the binding, built offline
[ -f "$pkg/binding.gyp.orig" ] || cp "$pkg/binding.gyp" "$pkg/binding.gyp.orig"
sed "s/'-ltensorflow_framework',/'-ltensorflow_framework', '-Wl,--no-as-needed', '-lganrl_pyshim',/" "$pkg/binding.gyp.orig" >"$pkg/binding.gyp"
grep -q ganrl_pyshim "$pkg/binding.gyp" || fail "could not add the stand-in library to binding.gyp"
gyp="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$gyp" ] || gyp="$(command -v node-gyp || true)"
[ -n "$gyp" ] && [ -e "$gyp" ] || fail "node-gyp not found (it ships with npm; or npm install -g node-gyp)"
napi="$(node -p "Math.max(...require('$pkg/package.json').binary.napi_versions.filter((v) => v <= +process.versions.napi))")"
nodedir=()
[ -f /usr/include/node/node_api.h ] && nodedir=(--nodedir=/usr)
say "building tfjs_binding.node (N-API $napi) with node-gyp"
(cd "$pkg" && node "$gyp" rebuild "${nodedir[@]}" --module_name=tfjs_binding --module_path="$pkg/lib/napi-v$napi" \
  --napi_build_version="$napi" -j "$(nproc)" >"$pkg/deps/build.log" 2>&1) || { tail -30 "$pkg/deps/build.log" >&2; fail "node-gyp could not build the binding (log: $pkg/deps/build.log)"; }
rm -rf "$pkg/build"

check || fail "the binding was built but TF.js cannot run on it (see above)"
echo "$want" >"$pkg/ganrl-from-pypi.stamp"
say "done; ganrl now prefers the 'node' backend: export GANRL_BACKEND=wasm to keep the stored runs' identity"
