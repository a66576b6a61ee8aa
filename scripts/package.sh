#!/usr/bin/env bash
# Builds caora's packages and prints their paths, one a line:
#   scripts/package.sh deb   the Debian package, made by CPack from the Linux
#                            build (BUILD_DIR, default build/; configured here
#                            when it is not yet): build/packages/caora_*.deb
#   scripts/package.sh msi   the Windows installer, made by wixl from the cross
#                            build (scripts/windows-build.sh; WIN_BUILD_DIR,
#                            default build-win/): build-win/packages/caora-*-x64.msi
#   scripts/package.sh       both
# Needs dpkg-dev (dpkg-shlibdeps) for the .deb, wixl for the .msi (scripts/deps.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
case $what in deb | msi | all) ;; *) echo "usage: $0 [deb|msi|all]" >&2; exit 2 ;; esac

deb() {
  local build=${BUILD_DIR:-$top/build}
  if [ ! -f "$build/CMakeCache.txt" ]; then
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >&2
  fi
  # Only what the package holds (caora builds caora-selftest too).
  cmake --build "$build" -j 2 --target caora caora_man_gz >&2
  rm -rf "$build/packages"
  (cd "$build" && cpack -G DEB -B "$build/packages" >&2)
  rm -rf "$build/packages/_CPack_Packages"
  ls "$build"/packages/caora_*.deb
}

msi() {
  local build=${WIN_BUILD_DIR:-$top/build-win}
  BUILD_DIR=$build "$top/scripts/windows-build.sh" >&2
  "$top/scripts/msi.sh" "$build"
}

case $what in
  deb) deb ;;
  msi) msi ;;
  all) deb; msi ;;
esac
