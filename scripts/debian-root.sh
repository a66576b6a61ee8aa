#!/usr/bin/env bash
# Prints the path of a clean Debian 12 (bookworm) minbase root as a tarball,
# made by debootstrap from apt's own mirror and cached under
# ${CAORA_DEBROOT_CACHE:-/var/cache/caora-debian-root}, named by the day it was
# made. A tarball younger than CAORA_DEBROOT_MAX_AGE_DAYS (default 7) is reused,
# so CI pays for debootstrap (a few minutes) once a week at most.
# Needs root and debootstrap.
set -euo pipefail
cache=${CAORA_DEBROOT_CACHE:-/var/cache/caora-debian-root}
max_age=${CAORA_DEBROOT_MAX_AGE_DAYS:-7}
mkdir -p "$cache"
recent=$(find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar' -mtime "-$max_age" | sort | tail -1)
if [ -n "$recent" ]; then
  echo "$recent"
  exit 0
fi
# The mirror apt uses here (deb822 or one-line sources), else Debian's CDN.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p; s/^deb \(http[^ ]*debian\) bookworm .*/\1/p' \
  /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d "$cache/root.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "debian-root: debootstrap --variant=minbase bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# Nothing from the host's apt lists: the root's own sources, and no downloaded
# package files kept in the tarball.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*_Packages 2>/dev/null || true
out="$cache/bookworm-minbase-$(date -u +%Y%m%d).tar"
tar -C "$work/root" -cf "$out.tmp" .
mv -f "$out.tmp" "$out"
find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar' ! -path "$out" -delete
echo "$out"
