# Shared by scripts/windows-deps.sh and scripts/windows-selftest-deps.sh (sourced,
# not run): the build machine's packages, deb-src, fetching one Debian source
# package, building one CMake project into the prefix. The caller sets toolchain,
# prefix (where things install), work (a scratch folder), jobs and deps_tsv (the
# record of what was fetched), and may set win_prefixes (the prefixes a build finds
# libraries in, ';'-separated; default: the prefix).
cross=x86_64-w64-mingw32
log() { echo "$(basename "$0" .sh): $*" >&2; }

# Debian packages of the build machine, installed when missing.
ensure_packages() {  # package...
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# deb-src: the same Debian archives as the configured deb lines.
ensure_deb_src() {
  apt-cache showsrc zlib 2>/dev/null | grep -q . && return 0
  local src=/etc/apt/sources.list.d/caora-deb-src.sources f
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
}

# Which version of a source package to build. The installed binaries' own
# source version is preferred (the Windows build then carries the same code as the
# Linux build), but the registry may list a version whose files it does not
# serve: a security suite's sources answer 404 here while the main suite's
# download at once. So each version apt-cache showsrc lists is tried, the
# installed one first and then the newest first, and the first that downloads
# is taken. What was taken, and why, goes to $deps_tsv; windows-build.sh ships
# it beside caora.exe and compiles it into --version.
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
# Downloads and unpacks NAME=VERSION into DIR. With a SKIP part, the source's files
# whose names contain it are not downloaded (dlib's 200 MB of example models): the
# rest are fetched one by one through apt (checked against the .dsc's SHA-256), the
# upstream tarball unpacked, and Debian's patches applied in their series order.
download_source() {  # name version dir [skip]
  local name=$1 v=$2 dir=$3 skip=${4:-} uri file size hash tree upstream
  if [ -z "$skip" ]; then
    (cd "$dir" && apt-get source -qq "$name=$v")
    return
  fi
  apt-get source --print-uris -qq "$name=$v" >"$dir/uris" || return 1
  while read -r uri file size hash; do
    case $file in *"$skip"*) continue ;; esac
    /usr/lib/apt/apt-helper download-file "${uri//\'/}" "$dir/$file" "$hash" || return 1
  done <"$dir/uris"
  upstream=${v#*:}
  tree="$dir/$name-${upstream%-*}"
  mkdir -p "$tree"
  tar -xf "$(ls "$dir"/*.orig.tar.* | grep -v -- "-$skip" | sed -n 1p)" -C "$tree" --strip-components=1 &&
    tar -xf "$(ls "$dir"/*.debian.tar.* | sed -n 1p)" -C "$tree" || return 1
  [ -f "$tree/debian/patches/series" ] || return 0
  while read -r file _; do
    case $file in '' | '#'*) continue ;; esac
    patch -d "$tree" -p1 -s <"$tree/debian/patches/$file" || return 1
  done <"$tree/debian/patches/series"
}
# Pipelines here end in `sed -n 1p`, not `head -1`: head exits after one line, and the
# writer before it then dies of SIGPIPE, which pipefail turns into a silent exit of the
# whole script whenever two binaries share a source (libfmt9 and libfmt-dev).
fetch_source() {  # source-package-name [skip]
  local name=$1 skip=${2:-} installed listed v why_not=""
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
    if download_source "$name" "$v" "$work/src-$name" "$skip" >"$work/source-$name.log" 2>&1; then
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

cmake_dep() {  # name source-dir cmake-args...
  local name=$1 dir=$2
  shift 2
  log "building $name"
  cmake -S "$dir" -B "$work/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCAORA_WIN_PREFIX="${win_prefixes:-$prefix}" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF "$@" >"$work/$name.log" 2>&1 &&
    cmake --build "$work/build-$name" -j "$jobs" >>"$work/$name.log" 2>&1 &&
    cmake --install "$work/build-$name" >>"$work/$name.log" 2>&1 || {
    tail -40 "$work/$name.log" >&2
    exit 1
  }
}
