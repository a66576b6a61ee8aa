#!/usr/bin/env bash
# caora collect-logs (redaction included) against `zip -r -6` of the same
# folder, in the same run: 61 days of generated logs (bench/gen_logs.py,
# about MB megabytes in 305 files: UTF-8, CP932, UTF-16), each tool run RUNS
# times, interleaved; medians of wall time, the size ratio and each one's peak
# memory (/usr/bin/time -v). With --big, also one 2 GiB log streamed through
# collect-logs, to show that its memory stays bounded.
#   bench/collect_logs.sh [build/caora] [MB] [RUNS] [--big]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
caora=$(readlink -f "${1:-$top/build/caora}")
mb=${2:-200}
runs=${3:-3}
big=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/caora-bench-collect.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
logs=$root/OnlineAuthApp/App/Execute/log
mkdir -p "$logs" "$work/state" "$work/out"
python3 "$top/bench/gen_logs.py" "$logs" "$mb"
echo '[]' >"$work/no-system.json"  # the machine's own journal is not what is measured
export CAORA_SYSTEM_LOGS=$work/no-system.json
input=$(du -sb "$logs" | cut -f1)
echo "input: $(find "$logs" -type f | wc -l) files, $((input / 1048576)) MiB; $(nproc) cores"

measure() {  # label command... ; prints "seconds maxrss_kib"
  /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]}
              /Maximum resident/ {m = $2} END {printf "%.3f %d\n", s, m}' "$work/time.txt"
}
zt=() ct=()
for i in $(seq "$runs"); do
  rm -f "$work/out/"*
  read -r s m < <(cd "$logs/.." && measure zip -q -r -6 "$work/out/z.zip" log)
  zt+=("$s"); zm=$m; zs=$(stat -c %s "$work/out/z.zip")
  read -r s m < <(measure "$caora" --state-dir "$work/state" --root "$root" collect-logs -o "$work/out/c.zip")
  ct+=("$s"); cm=$m; cs=$(stat -c %s "$work/out/c.zip")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
zmed=$(median "${zt[@]}") cmed=$(median "${ct[@]}")
echo "zip -r -6:          ${zmed} s  $((zs / 1048576)) MiB  peak ${zm} KiB   (runs: ${zt[*]})"
echo "caora collect-logs: ${cmed} s  $((cs / 1048576)) MiB  peak ${cm} KiB   (runs: ${ct[*]})"
awk -v c="$cmed" -v z="$zmed" -v cs="$cs" -v zs="$zs" \
  'BEGIN {printf "time ratio (collect-logs / zip): %.2fx   size ratio: %.3f\n", c / z, cs / zs}'
"$caora" --state-dir "$work/state" --root "$root" --json collect-logs -o "$work/out/r.zip" --force |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("redactions:", d["redactions"])'

if [ "$big" = --big ]; then
  rm -rf "$logs"/* "$work/out/"*
  # 2 GiB of log lines, made by doubling a generated 64 MiB file.
  python3 "$top/bench/gen_logs.py" "$work/seed" 20 && cat "$work/seed"/*.log >"$work/piece" && rm -rf "$work/seed"
  while [ "$(stat -c %s "$work/piece")" -lt $((2 << 30)) ]; do cat "$work/piece" "$work/piece" >"$work/p2"; mv "$work/p2" "$work/piece"; done
  truncate -s $((2 << 30)) "$work/piece" && mv "$work/piece" "$logs/huge.log"
  read -r s m < <(measure "$caora" --state-dir "$work/state" --root "$root" collect-logs -o "$work/out/big.zip")
  echo "2 GiB log: ${s} s, peak ${m} KiB, bundle $(($(stat -c %s "$work/out/big.zip") / 1048576)) MiB"
fi
