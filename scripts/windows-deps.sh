#!/usr/bin/env bash
# Cross-builds the libraries caora.exe links, as static mingw-w64 libraries,
# from Debian 12's own source packages (apt-get source): zlib, libusb-1.0,
# libzip, fmt, spdlog, curl (Schannel, no OpenSSL), libsodium and libdeflate. CLI11, nlohmann/json
# and Catch2 are header-only: the prefix gets links to their headers and
# copies of their CMake package files, and nothing else from /usr/include.
#
# The prefix is cached, keyed by this script, scripts/windows-lib.sh (what it
# shares with scripts/windows-selftest-deps.sh) and the toolchain file, so a
# second run only prints its path:
#   scripts/windows-deps.sh                 # build if needed; prints the prefix
#   scripts/windows-deps.sh --print-prefix  # the prefix, without building
# CAORA_WIN_PREFIX overrides where it goes. Run as root (apt-get).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
toolchain="$top/cmake/mingw-w64-x86_64.cmake"
key=$(cat "$0" "$top/scripts/windows-lib.sh" "$toolchain" | sha256sum | cut -c1-12)
prefix=${CAORA_WIN_PREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-win-prefix/$key}
if [ "${1:-}" = --print-prefix ]; then echo "$prefix"; exit 0; fi
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
jobs=$(nproc)
. "$top/scripts/windows-lib.sh"
start=$(date +%s)

# Build machine packages: the cross compilers, Wine for the tests, the
# header-only libraries, and dpkg-dev for apt-get source.
ensure_packages mingw-w64 g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine wine64 \
  dpkg-dev cmake ninja-build make pkg-config libcli11-dev nlohmann-json3-dev catch2 autoconf automake libtool
ensure_deb_src

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/cmake" "$prefix/lib/cmake" "$prefix/share/caora"

deps_tsv="$prefix/share/caora/dependencies.tsv"
printf 'source\tversion\tinstalled\treason\n' >"$deps_tsv"
for name in zlib libusb-1.0 libzip fmtlib spdlog curl libsodium; do fetch_source "$name"; done
cd "$work"

# zlib (for libzip). Debian's dfsg source drops win32/, so its library
# sources are compiled directly: zlib is plain C with no configuration.
log "building zlib"
z=$(srcdir zlib)
(cd "$z" && for c in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
  inftrees trees uncompr zutil; do $cross-gcc-posix -O2 -c $c.c -o $c.o || exit 1; done &&
  $cross-ar rcs libz.a ./*.o) >"$work/zlib.log" 2>&1 || {
  tail -20 "$work/zlib.log" >&2
  exit 1
}
cp "$z/libz.a" "$prefix/lib/"
cp "$z/zlib.h" "$z/zconf.h" "$prefix/include/"
cat >"$prefix/lib/pkgconfig/zlib.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: zlib
Description: zlib compression library
Version: $(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' "$z/zlib.h")
Libs: -L\${libdir} -lz
Cflags: -I\${includedir}
EOF

# libusb-1.0: autotools; the release tarball carries configure.
log "building libusb-1.0"
(cd "$(srcdir libusb-1.0)" && ./configure --host=$cross CC=$cross-gcc-posix --prefix="$prefix" \
  --disable-shared --enable-static --disable-examples-build --disable-tests-build >"$work/libusb.log" 2>&1 &&
  make -j "$jobs" >>"$work/libusb.log" 2>&1 && make install >>"$work/libusb.log" 2>&1) || {
  tail -40 "$work/libusb.log" >&2
  exit 1
}

cmake_dep fmt "$(srcdir fmtlib)" -DFMT_DOC=OFF -DFMT_TEST=OFF -DFMT_INSTALL=ON
# Debian's spdlog uses the external fmt (SPDLOG_FMT_EXTERNAL); so does this one,
# so caora compiles the same on both.
cmake_dep spdlog "$(srcdir spdlog)" -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF \
  -DSPDLOG_BUILD_TESTS=OFF -DSPDLOG_BUILD_BENCH=OFF -DSPDLOG_INSTALL=ON
cmake_dep libzip "$(srcdir libzip)" -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
  -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=ON -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF \
  -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF
# curl: HTTP(S) only, TLS through Schannel (Windows' own TLS and certificate store).
cmake_dep curl "$(srcdir curl)" -DBUILD_CURL_EXE=OFF -DCURL_USE_SCHANNEL=ON -DCURL_USE_OPENSSL=OFF \
  -DHTTP_ONLY=ON -DCURL_USE_LIBSSH2=OFF -DUSE_LIBIDN2=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
  -DUSE_NGHTTP2=OFF -DENABLE_MANUAL=OFF -DCURL_DISABLE_LDAP=ON -DCURL_USE_LIBPSL=OFF -DENABLE_UNICODE=ON

# libsodium (minisign signatures: Ed25519, BLAKE2b): autotools; Debian's
# source carries no configure (its build runs dh_autoreconf), so autoreconf
# makes it. Static, so its users define SODIUM_STATIC.
log "building libsodium"
(cd "$(srcdir libsodium)" && { [ -x configure ] || autoreconf -fi >"$work/libsodium.log" 2>&1; } && ./configure --host=$cross CC=$cross-gcc-posix --prefix="$prefix" \
  --disable-shared --enable-static --disable-pie >"$work/libsodium.log" 2>&1 &&
  make -j "$jobs" >>"$work/libsodium.log" 2>&1 && make install >>"$work/libsodium.log" 2>&1) || {
  tail -40 "$work/libsodium.log" >&2
  exit 1
}

# libdeflate (collect-logs' per-member deflate): plain C like zlib, so its
# library sources are compiled directly rather than through its Makefile.
fetch_source libdeflate
log "building libdeflate"
d=$(srcdir libdeflate)
(cd "$d" && for c in lib/*.c lib/x86/*.c; do $cross-gcc-posix -O2 -I. -c "$c" -o "${c%.c}.o" || exit 1; done &&
  $cross-ar rcs libdeflate.a lib/*.o lib/x86/*.o) >"$work/libdeflate.log" 2>&1 || {
  tail -20 "$work/libdeflate.log" >&2
  exit 1
}
cp "$d/libdeflate.a" "$prefix/lib/"
cp "$d/libdeflate.h" "$prefix/include/"
cat >"$prefix/lib/pkgconfig/libdeflate.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: libdeflate
Description: fast, whole-buffer DEFLATE-based compression and decompression
Version: $(sed -n 's/^#define LIBDEFLATE_VERSION_STRING[^"]*"\(.*\)"/\1/p' "$d/libdeflate.h")
Libs: -L\${libdir} -ldeflate
Cflags: -I\${includedir}
EOF

# Header-only libraries: their headers and CMake package files, nothing else.
ln -sfn /usr/include/CLI "$prefix/include/CLI"
ln -sfn /usr/include/nlohmann "$prefix/include/nlohmann"
ln -sfn /usr/include/catch2 "$prefix/include/catch2"
cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"
cp -r /usr/lib/cmake/Catch2 "$prefix/lib/cmake/"
# Catch2 2.x is header-only; its Catch2WithMain is a Linux library, not ours.
rm -f "$prefix/lib/cmake/Catch2/Catch2Targets-"*.cmake

touch "$prefix/.complete"
log "done in $(($(date +%s) - start)) s: $prefix"
echo "$prefix"
