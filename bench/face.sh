#!/usr/bin/env bash
# The face embedding, ours against face-api.js's (Node, wasm backend), in one run on
# the same 150x150 inputs (dlib's johns chips and synthetic patterns). Each input is
# embedded REPEAT times after one warm-up call; prints the median per embedding
# over all inputs for both, and the ratio. Needs what scripts/face-models.sh --golden installs.
# Usage: bench/face.sh [repeat]   (default 5)   BUILD=dir picks the build folder (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-5}
build=${BUILD:-build}
cache=${CAORA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/caora}
node_modules=$cache/golden-node/node_modules
johns=${CAORA_JOHNS_DIR:-/usr/share/doc/libdlib19.1/examples/johns}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target face_golden >/dev/null
tool=$build/tests/face/face_golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tool" prepare "$johns" "$work/in" >/dev/null
"$tool" embed "$work/in" "$work/caora.json" "$repeat"
node tests/face/face_api_embed.js "$node_modules" "$("$tool" models-dir)" "$work/in" "$work/face-api.json" wasm "$repeat" >/dev/null
python3 - "$work/caora.json" "$work/face-api.json" "$repeat" <<'PY'
import json, math, statistics, sys
ours, theirs, repeat = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
names = sorted(ours["ms"])
a = statistics.median(ours["ms"][n] for n in names)
b = statistics.median(theirs["ms"][n] for n in names)
worst = max(math.dist(ours["descriptors"][n], theirs["descriptors"][n]) for n in names)
print(f"embedding, {len(names)} inputs x {repeat} runs (median of per-input medians):")
print(f"  caora (im2col + BLAS)        {a:8.2f} ms")
print(f"  face-api.js (tfjs {theirs['tfjs']}, {theirs['backend']})  {b:8.2f} ms")
print(f"  ratio face-api.js / caora    {b / a:8.2f}x   (largest descriptor difference {worst:.2g})")
PY
