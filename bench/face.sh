#!/usr/bin/env bash
# The face stage, ours against face-api.js's (Node, wasm backend), in one run on the
# same inputs; each input runs REPEAT times after one warm-up call, and the medians
# (of per-input medians) and the ratios are printed.
#  1. The embedding alone, on 150x150 chips (dlib's johns chips and synthetic patterns).
#  2. The whole stage on 640x480 capture-like frames (a johns chip at 2x on a textured
#     background): ours is dlib HOG + 68 landmarks + chip + embedding + compare, face-api.js's
#     is its default SSD MobileNet v1 detector + 68 landmarks + descriptor.
# Our embedding's convolution kernel is the fastest this CPU runs (AVX-512, AVX2, else
# im2col + BLAS); CAORA_FACE_KERNEL=avx512|avx2|blas picks one, to compare them.
# Needs what scripts/face-models.sh --golden installs.
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
"$tool" prepare "$johns" "$work/chips" >/dev/null
"$tool" captures "$johns" "$work/frames" >/dev/null
"$tool" embed "$work/chips" "$work/caora.json" "$repeat"
node tests/face/face_api_embed.js "$node_modules" "$("$tool" models-dir)" "$work/chips" "$work/face-api.json" wasm "$repeat" >/dev/null
"$tool" full "$work/frames" "$work/caora-full.json" "$repeat"
node tests/face/face_api_full.js "$node_modules" "$work/frames" "$work/face-api-full.json" "$repeat" >/dev/null
python3 - "$work" "$repeat" <<'PY'
import json, math, statistics, sys
work, repeat = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{work}/{name}.json"))
ours, theirs = load("caora"), load("face-api")
names = sorted(ours["ms"])
a = statistics.median(ours["ms"][n] for n in names)
cpu = statistics.median(ours["cpu_ms"][n] for n in names)
b = statistics.median(theirs["ms"][n] for n in names)
worst = max(math.dist(ours["descriptors"][n], theirs["descriptors"][n]) for n in names)
print(f"embedding, {len(names)} chips of 150x150 x {repeat} runs (median of per-input medians):")
print(f"  caora ({ours['kernel']} kernel, 1 thread){' ' * max(0, 14 - len(ours['kernel']))}{a:8.2f} ms   (CPU time {cpu:.2f} ms)")
print(f"  face-api.js (tfjs {theirs['tfjs']}, {theirs['backend']})      {b:8.2f} ms")
print(f"  ratio face-api.js / caora              {b / a:8.2f}x   (largest descriptor difference {worst:.2g})")
ours, theirs = load("caora-full"), load("face-api-full")
names = sorted(ours["ms"])
a = statistics.median(ours["ms"][n] for n in names)
d = statistics.median(ours["stages"][n]["detect_landmarks_chip"] for n in names)
b = statistics.median(theirs["ms"][n] for n in names)
print(f"whole face stage, {len(names)} frames of 640x480 x {repeat} runs:")
print(f"  caora (HOG + landmarks + chip + embed + compare)  {a:8.2f} ms   (detect + landmarks + chip {d:.2f} ms)")
print(f"  face-api.js (SSD MobileNet v1 + landmarks + descriptor, {theirs['backend']})  {b:8.2f} ms")
print(f"  ratio face-api.js / caora              {b / a:8.2f}x   (faces found: caora {sum(ours['found'].values())}/{len(names)}, "
      f"face-api.js {sum(theirs['found'].values())}/{len(names)})")
PY
