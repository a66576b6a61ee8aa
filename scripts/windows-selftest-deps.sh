#!/usr/bin/env bash
# Cross-builds what caora-selftest.exe links on top of scripts/windows-deps.sh's
# prefix, as static mingw-w64 libraries from Debian 12's source packages: libjpeg
# (libjpeg-turbo), libpng, OpenJPEG, Leptonica, Tesseract and the two compiled
# parts of dlib the face stage uses (the rest of dlib is headers). No BLAS: the
# face net's own kernels stand in for it (lib/face/recognition_net.cc).
#
# Cut down to what the self-test calls, which keeps this to about four minutes on
# two cores: Leptonica with no image codec but PNG (caora hands Tesseract raw pixels),
# Tesseract with its LSTM engine only (caora asks for nothing else), no OpenMP
# (caora reads two lines at once on its own threads; see cmd/selftest_helper.cc),
# no training tools; libjpeg-turbo without its assembly (no nasm needed; its C
# decoder gives the same pixels).
#
# Cached apart from the base prefix, keyed by this script, windows-lib.sh, the
# toolchain and the base prefix's key:
#   scripts/windows-selftest-deps.sh                 # build if needed; prints the prefix
#   scripts/windows-selftest-deps.sh --print-prefix  # the prefix, without building
# CAORA_WIN_SELFTEST_PREFIX overrides where it goes. Run as root (apt-get).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
toolchain="$top/cmake/mingw-w64-x86_64.cmake"
base=$("$top/scripts/windows-deps.sh" --print-prefix)
key=$( (cat "$0" "$top/scripts/windows-lib.sh" "$toolchain"; echo "$base") | sha256sum | cut -c1-12)
prefix=${CAORA_WIN_SELFTEST_PREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-win-selftest-prefix/$key}
if [ "${1:-}" = --print-prefix ]; then echo "$prefix"; exit 0; fi
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
base=$("$top/scripts/windows-deps.sh" | tail -1)
jobs=$(nproc)
. "$top/scripts/windows-lib.sh"
start=$(date +%s)
ensure_deb_src

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/caora"
win_prefixes="$base;$prefix"
deps_tsv="$prefix/share/caora/dependencies.tsv"
: >"$deps_tsv"
for name in libjpeg-turbo libpng1.6 openjpeg2 leptonlib tesseract; do fetch_source "$name"; done
fetch_source dlib orig-dlib-models
cd "$work"

cmake_dep libjpeg "$(srcdir libjpeg-turbo)" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_SIMD=OFF \
  -DWITH_TURBOJPEG=OFF
cmake_dep libpng "$(srcdir libpng1.6)" -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_TESTS=OFF -DPNG_EXECUTABLES=OFF \
  -DZLIB_LIBRARY="$base/lib/libz.a" -DZLIB_INCLUDE_DIR="$base/include"
# Static OpenJPEG: its users must say so (OPJ_STATIC) or they look for DLL imports.
cmake_dep openjpeg "$(srcdir openjpeg2)" -DBUILD_CODEC=OFF -DBUILD_STATIC_LIBS=ON
sed -i 's/^Cflags: \(.*\)$/Cflags: \1 -DOPJ_STATIC/' "$prefix/lib/pkgconfig/libopenjp2.pc"
# Leptonica looks for every codec it knows. Only PNG (with zlib) is wanted: Tesseract
# keeps each text line's image as a PNG in memory and warns on stderr without it.
cmake_dep leptonica "$(srcdir leptonlib)" -DSW_BUILD=OFF -DBUILD_PROG=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GIF=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_JPEG=ON -DCMAKE_DISABLE_FIND_PACKAGE_TIFF=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON
# Tesseract links its own tesseract.exe against "Ws2_32", which only a
# case-insensitive file system finds as mingw's libws2_32.a.
mkdir -p "$work/winlibs"
ln -s "/usr/$cross/lib/libws2_32.a" "$work/winlibs/libWs2_32.a"
# Its generic dot product would be compiled for the build machine's CPU
# (-march=native): a terminal without that CPU's instructions would fault where
# it falls back to it. Left to the compiler's default target instead.
# Its debug-image helper builds Leptonica's bitmap fonts from TIFF data at every
# start, which a Leptonica without codecs reports on stderr: caora makes no debug
# images, so the fonts are left out (TESSERACT_DISABLE_DEBUG_FONTS).
CXXFLAGS=-DTESSERACT_DISABLE_DEBUG_FONTS cmake_dep tesseract "$(srcdir tesseract)" -DCOMPILER_SUPPORTS_MARCH_NATIVE=OFF -DSW_BUILD=OFF -DBUILD_TRAINING_TOOLS=OFF -DBUILD_TESTS=OFF \
  -DGRAPHICS_DISABLED=ON -DDISABLE_ARCHIVE=ON -DDISABLE_CURL=ON -DOPENMP_BUILD=OFF -DENABLE_LTO=OFF \
  -DDISABLED_LEGACY_ENGINE=ON -DLeptonica_DIR="$prefix/lib/cmake/leptonica" -DCMAKE_EXE_LINKER_FLAGS="-L$work/winlibs"
# Its static library needs Windows' sockets library too, which tesseract.pc leaves out.
sed -i 's/^Libs: \(.*\)$/Libs: \1 -lws2_32/' "$prefix/lib/pkgconfig/tesseract.pc"

# dlib: its headers, configured as caora uses them (no GUI, no BLAS, asserts off,
# like Debian's build), and the two compiled parts the built-in face detector's
# model needs (base64 and the entropy decoder it is stored with).
log "building dlib"
d=$(srcdir dlib)
cp -r "$d/dlib" "$prefix/include/dlib"
cat >"$prefix/include/dlib/config.h" <<'EOF'
// Written by scripts/windows-selftest-deps.sh: dlib as caora-selftest.exe uses it.
#define DLIB_DISABLE_ASSERTS
#define DLIB_NO_GUI_SUPPORT
EOF
# revision.h is made by dlib's CMake build from its version numbers.
version_of() { sed -n "s/^set(CPACK_PACKAGE_VERSION_$1 \"\([0-9]*\)\")/\1/p" "$d/dlib/CMakeLists.txt"; }
sed -e "s/@CPACK_PACKAGE_VERSION_MAJOR@/$(version_of MAJOR)/" -e "s/@CPACK_PACKAGE_VERSION_MINOR@/$(version_of MINOR)/" \
  -e "s/@CPACK_PACKAGE_VERSION_PATCH@/$(version_of PATCH)/" "$d/dlib/revision.h.in" >"$prefix/include/dlib/revision.h"
(cd "$d" && for c in dlib/base64/base64_kernel_1.cpp dlib/entropy_decoder/entropy_decoder_kernel_2.cpp; do
  $cross-g++-posix -O2 -std=c++17 -I"$prefix/include" -c "$c" -o "$(basename "$c" .cpp).o" || exit 1
done && $cross-ar rcs "$prefix/lib/libdlib.a" ./*.o) >"$work/dlib.log" 2>&1 || {
  tail -20 "$work/dlib.log" >&2
  exit 1
}
cat >"$prefix/lib/pkgconfig/dlib-1.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: dlib
Description: the parts of dlib caora-selftest.exe uses
Version: $(awk -F'\t' '$1 == "dlib" {print $2}' "$deps_tsv")
Libs: -L\${libdir} -ldlib
Cflags: -I\${includedir}
EOF

touch "$prefix/.complete"
log "done in $(($(date +%s) - start)) s: $prefix"
echo "$prefix"
