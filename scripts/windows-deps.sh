#!/usr/bin/env bash
# Cross-builds the libraries caora.exe links, as static mingw-w64 libraries,
# from Debian 12's own source packages (apt-get source): zlib, libusb-1.0,
# libzip, fmt, spdlog, curl (Schannel, no OpenSSL) and libsodium. CLI11, nlohmann/json
# and Catch2 are header-only: the prefix gets links to their headers and
# copies of their CMake package files, and nothing else from /usr/include.
#
# The prefix is cached, keyed by this script and the toolchain file, so a
# second run only prints its path:
#   scripts/windows-deps.sh                 # build if needed; prints the prefix
#   scripts/windows-deps.sh --print-prefix  # the prefix, without building
# CAORA_WIN_PREFIX overrides where it goes. Run as root (apt-get).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
toolchain="$top/cmake/mingw-w64-x86_64.cmake"
key=$(cat "$0" "$toolchain" | sha256sum | cut -c1-12)
prefix=${CAORA_WIN_PREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-win-prefix/$key}
if [ "${1:-}" = --print-prefix ]; then echo "$prefix"; exit 0; fi
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
jobs=$(nproc)
log() { echo "windows-deps: $*" >&2; }
start=$(date +%s)

# Build machine packages: the cross compilers, Wine for the tests, the
# header-only libraries, and dpkg-dev for apt-get source.
packages=(
  mingw-w64 g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine wine64
  dpkg-dev cmake ninja-build make pkg-config libcli11-dev nlohmann-json3-dev catch2
  autoconf automake libtool
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# deb-src: the same Debian archives as the configured deb lines.
if ! apt-cache showsrc zlib >/dev/null 2>&1 || [ -z "$(apt-cache showsrc zlib 2>/dev/null)" ]; then
  src=/etc/apt/sources.list.d/caora-deb-src.sources
  : >"$src.new"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q 'debian.org/debian' "$f" || continue
    # deb822 stanzas: keep each one that carries binaries, as a source stanza.
    sed -e 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f" >>"$src.new"
    echo >>"$src.new"
  done
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb [^#]*debian' /etc/apt/sources.list | sed 's/^deb /deb-src /' >/etc/apt/sources.list.d/caora-deb-src.list || true
  fi
  if [ -s "$src.new" ]; then mv "$src.new" "$src"; else rm -f "$src.new"; fi
  log "enabled deb-src; apt-get update"
  apt-get update -qq
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/cmake" "$prefix/lib/cmake" "$prefix/share/caora"

# Which version of a source package to build. The installed binaries' own
# source version is preferred (caora.exe then carries the same code as the
# Linux build), but the registry may list a version whose files it does not
# serve: a security suite's sources answer 404 here while the main suite's
# download at once. So each version apt-cache showsrc lists is tried, the
# installed one first and then the newest first, and the first that downloads
# is taken. What was taken, and why, goes to dependencies.tsv in the prefix;
# windows-build.sh ships it beside caora.exe and compiles it into --version.
deps_tsv="$prefix/share/caora/dependencies.tsv"
printf 'source\tversion\tinstalled\treason\n' >"$deps_tsv"
newest_first() {  # versions on stdin, one a line; Debian's ordering, not sort -V's
  local -a vs=()
  local v i j t
  while read -r v; do [ -n "$v" ] && vs+=("$v"); done
  for ((i = 0; i < ${#vs[@]}; i++)); do
    for ((j = i + 1; j < ${#vs[@]}; j++)); do
      if dpkg --compare-versions "${vs[j]}" gt "${vs[i]}"; then t=${vs[i]}; vs[i]=${vs[j]}; vs[j]=$t; fi
    done
  done
  [ ${#vs[@]} -eq 0 ] || printf '%s\n' "${vs[@]}"
}
# Pipelines here end in `sed -n 1p`, not `head -1`: head exits after one line, and the
# writer before it then dies of SIGPIPE, which pipefail turns into a silent exit of the
# whole script whenever two binaries share a source (libfmt9 and libfmt-dev).
fetch_source() {  # source-package-name
  local name=$1 installed listed v why_not=""
  installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${source:Package} ${source:Version}\n' 2>/dev/null |
    awk -v n="$name" '$1 == "ii" && $2 == n {print $3}' | sort -u | newest_first | sed -n 1p)
  listed=$(apt-cache showsrc --only-source "$name" 2>/dev/null | sed -n 's/^Version: //p' | newest_first | uniq)
  if [ -z "$listed" ]; then
    log "FAIL: apt-cache showsrc lists no source package $name (no deb-src lines?)"
    exit 1
  fi
  if [ -n "$installed" ] && ! grep -Fxq -- "$installed" <<<"$listed"; then why_not="is not listed"; fi
  for v in $( (grep -Fx -- "$installed" <<<"$listed" || true; grep -Fvx -- "$installed" <<<"$listed" || true) | awk 'NF'); do
    rm -rf "$work/src-$name"
    mkdir -p "$work/src-$name"
    # apt-get source as root warns that _apt cannot drop privileges; the download is the same.
    if (cd "$work/src-$name" && apt-get source -qq "$name=$v" >"$work/source-$name.log" 2>&1); then
      local reason
      if [ "$v" = "$installed" ]; then reason="the installed binaries' version"
      elif [ -z "$installed" ]; then reason="no binary of it installed; the newest version served"
      else reason="the installed binaries' version $installed $why_not; the newest version served"
      fi
      log "source $name $v: $reason"
      printf '%s\t%s\t%s\t%s\n' "$name" "$v" "${installed:--}" "$reason" >>"$deps_tsv"
      return 0
    fi
    local err
    err=$(grep -m1 -oE ' [45][0-9]{2} +[A-Z][A-Za-z ]*[a-z]' "$work/source-$name.log" | tr -s ' ' | sed 's/^ /HTTP /') ||
      err="download failed"
    log "source $name $v: not served: $err"
    [ "$v" = "$installed" ] && why_not="is not served ($err)"
  done
  log "FAIL: no listed version of $name downloads: $(echo $listed)"
  exit 1
}
srcdir() { find "$work/src-$1" -mindepth 1 -maxdepth 1 -type d | sed -n 1p; }
for name in zlib libusb-1.0 libzip fmtlib spdlog curl libsodium; do fetch_source "$name"; done
cd "$work"

cross=x86_64-w64-mingw32
cmake_dep() {  # name source-dir cmake-args...
  local name=$1 dir=$2
  shift 2
  log "building $name"
  cmake -S "$dir" -B "$work/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCAORA_WIN_PREFIX="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF "$@" >"$work/$name.log" 2>&1 &&
    cmake --build "$work/build-$name" -j "$jobs" >>"$work/$name.log" 2>&1 &&
    cmake --install "$work/build-$name" >>"$work/$name.log" 2>&1 || {
    tail -40 "$work/$name.log" >&2
    exit 1
  }
}

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
