#!/usr/bin/env bash
# Cross-builds static caora.exe, caora-selftest.exe and caora_unit_tests.exe for
# 64-bit Windows with mingw-w64, into build-win/ (BUILD_DIR overrides). The
# libraries come from the cached prefixes of scripts/windows-deps.sh and
# scripts/windows-selftest-deps.sh. build-win/dist holds what goes onto a terminal:
#   caora.exe, caora-selftest.exe  stripped; caora starts the helper for `selftest`
#   models/    the face models, checked against data/face-models.sha256
#   tessdata/  Debian's Tesseract data, checked against data/tessdata.sha256
#   dependencies.tsv  the Debian source packages it was built from (also in --version)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-win}
base=$("$top/scripts/windows-deps.sh" | tail -1)
selftest=$("$top/scripts/windows-selftest-deps.sh" | tail -1)
mkdir -p "$build"
cat "$base/share/caora/dependencies.tsv" "$selftest/share/caora/dependencies.tsv" >"$build/dependencies.tsv"
# A build folder configured against other prefixes (rebuilt under a new key) keeps
# pkg-config's answers about them in its cache: it is configured anew.
if [ "$(cat "$build/.caora-prefixes" 2>/dev/null)" != "$base;$selftest" ]; then rm -f "$build/CMakeCache.txt"; fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" -DCAORA_WIN_PREFIX="$base;$selftest" \
  -DCAORA_DEPENDENCIES_TSV="$build/dependencies.tsv" -DCAORA_FACE=ON -DCAORA_CARD_OCR=ON "${launcher[@]}" >/dev/null
echo "$base;$selftest" >"$build/.caora-prefixes"
cmake --build "$build" -j "$(nproc)" --target caora caora-selftest caora_unit_tests

# What goes onto a terminal: the programs without their debug information, and
# the data the self-test reads, each file checked against its recorded SHA-256.
dist=$build/dist
rm -rf "$dist"
mkdir -p "$dist/models" "$dist/tessdata"
for exe in caora caora-selftest; do x86_64-w64-mingw32-strip -o "$dist/$exe.exe" "$build/$exe.exe"; done
cp "$build/dependencies.tsv" "$dist/dependencies.tsv"
models=${CAORA_MODELS_DIR:-/usr/local/share/caora/models}
[ -f "$models/face_recognition_model.bin" ] || "$top/scripts/face-models.sh" --dest "$models" >&2
ship() {  # sums-file from-dir to-dir
  local name
  for name in $(awk '!/^#/ && NF == 2 {print $2}' "$1"); do cp -L "$2/$name" "$3/$name"; done
  (cd "$3" && grep -v '^#' "$1" | sha256sum --quiet -c -) || {
    echo "windows-build: $3 does not match $1" >&2
    exit 1
  }
}
ship "$top/data/face-models.sha256" "$models" "$dist/models"
cp "$models/face-api.LICENSE" "$dist/models/"
ship "$top/data/tessdata.sha256" "${CAORA_TESSDATA_DIR:-/usr/share/tesseract-ocr/5/tessdata}" "$dist/tessdata"
