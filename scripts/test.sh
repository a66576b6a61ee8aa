#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit (Catch2) and
# whole-binary scenarios through CTest, then a short run of each fuzz target.
# FUZZ_SECONDS (default 20) sets the fuzzing time per target; 0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
# The Windows build: caora.exe cross-built with mingw-w64, its tests run under
# Wine (scripts/windows-test.sh prints each result). CAORA_WINDOWS=0 skips it.
if [ "${CAORA_WINDOWS:-1}" != 0 ]; then
  scripts/windows-test.sh
fi
seconds=${FUZZ_SECONDS:-20}
if [ "$seconds" != 0 ]; then
  scripts/fuzz.sh "$seconds"
fi
