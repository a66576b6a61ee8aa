#!/usr/bin/env bash
# Cross-builds a static caora.exe and caora_unit_tests.exe for 64-bit Windows
# with mingw-w64, into build-win/ (BUILD_DIR overrides); build-win/dist holds
# caora.exe and dependencies.tsv, the Debian source packages it was built from.
# The libraries come from scripts/windows-deps.sh's cached prefix; the face
# pipeline is left out.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-win}
prefix=$("$top/scripts/windows-deps.sh" | tail -1)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$top/cmake/mingw-w64-x86_64.cmake" -DCAORA_WIN_PREFIX="$prefix" \
  -DCAORA_FACE=OFF -DCAORA_CARD_OCR=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" --target caora caora_unit_tests
# What goes onto a terminal: the same program without its debug information.
mkdir -p "$build/dist"
x86_64-w64-mingw32-strip -o "$build/dist/caora.exe" "$build/caora.exe"
# Beside it, the Debian source versions it was built from (also in --version).
cp "$prefix/share/caora/dependencies.tsv" "$build/dist/dependencies.tsv"
