#!/usr/bin/env bash
# The golden test: the same 150x150 inputs (dlib's johns face chips and synthetic
# patterns) through our network and through face-api.js in Node; every descriptor
# must agree within L2 1e-3. Missing Node, its packages or the models fail the
# test (never a silent skip): scripts/deps.sh installs them all.
# Usage: golden.sh FACE_GOLDEN_BIN WORK_DIR [cpu|wasm]
set -euo pipefail
tool=$1 work=$2 backend=${3:-wasm}
here=$(cd "$(dirname "$0")" && pwd)
johns=${CAORA_JOHNS_DIR:-/usr/share/doc/libdlib19.1/examples/johns}
cache=${CAORA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/caora}
node_modules=$cache/golden-node/node_modules

if ! command -v node >/dev/null; then
  echo "golden: node is not installed; run scripts/deps.sh (Debian nodejs npm)" >&2
  exit 1
fi
if [ ! -f "$node_modules/@vladmandic/face-api/dist/face-api.node-wasm.js" ] ||
   [ ! -d "$node_modules/@tensorflow/tfjs-backend-wasm" ]; then
  echo "golden: face-api.js is not installed in $node_modules; run scripts/face-models.sh --golden" >&2
  exit 1
fi
models=$("$tool" models-dir)

rm -rf "$work"
mkdir -p "$work/in"
"$tool" prepare "$johns" "$work/in"
start=$(date +%s%N)
node "$here/face_api_embed.js" "$node_modules" "$models" "$work/in" "$work/face-api.json" "$backend" >/dev/null
echo "face-api.js ($backend): $(( ($(date +%s%N) - start) / 1000000 )) ms for all inputs, including start-up"
start=$(date +%s%N)
"$tool" compare "$work/in" "$work/face-api.json"
echo "caora: $(( ($(date +%s%N) - start) / 1000000 )) ms for all inputs, including loading the weights"
