#!/usr/bin/env bash
# caora fleet report over N generated results (default 10,000; the goal is
# 2 s): wall time and peak memory (/usr/bin/time -v), medians of RUNS runs,
# against jq reading the same files once (`jq -c .status`, the least a peer
# tool does with them), interleaved. The results are copies of caora's own
# doctor/diagnose documents on the recorded sites (bench/gen_fleet.py).
#   bench/fleet_report.sh [build/caora] [N] [RUNS]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
caora=$(readlink -f "${1:-$top/build/caora}")
n=${2:-10000}
runs=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/caora-bench-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/seeds" "$work/state"
i=0
for site in "$top"/tests/data/sites/*.json; do
  "$caora" --site "$site" --state-dir "$work/state" doctor --json >"$work/seeds/$i.json" </dev/null || true
  i=$((i + 1))
done
for q in "001" "905 0x81000004" "FUJ906 21200M23-F12"; do
  # shellcheck disable=SC2086
  "$caora" --site "$top/tests/data/sites/clean.json" --state-dir "$work/state" diagnose $q --json >"$work/seeds/$i.json" </dev/null || true
  i=$((i + 1))
done
python3 "$top/bench/gen_fleet.py" "$work/seeds" "$work/results" "$n"
input=$(du -sb "$work/results" | cut -f1)
echo "input: $n files, $((input / 1048576)) MiB; $(nproc) cores"

measure() {  # command... ; prints "seconds maxrss_kib"
  /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || [ $? -le 4 ] || { cat "$work/err.txt" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]}
              /Maximum resident/ {m = $2} END {printf "%.3f %d\n", s, m}' "$work/time.txt"
}
ct=() jt=()
for _ in $(seq "$runs"); do
  read -r s m < <(measure "$caora" fleet report "$work/results" --json)
  ct+=("$s"); cm=$m
  if command -v jq >/dev/null; then
    read -r s m < <(measure sh -c 'find "$1" -name "*.json" -exec jq -c .status {} +' _ "$work/results")
    jt+=("$s"); jm=$m
  fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
cmed=$(median "${ct[@]}")
echo "caora fleet report: ${cmed} s (goal 2 s), peak ${cm} KiB"
if [ ${#jt[@]} -gt 0 ]; then
  jmed=$(median "${jt[@]}")
  echo "jq -c .status:      ${jmed} s, peak ${jm} KiB"
  awk -v c="$cmed" -v j="$jmed" 'BEGIN {printf "ratio caora/jq: %.2f\n", c / j}'
fi
"$caora" fleet report "$work/results" --html "$work/page.html" >/dev/null || true
echo "page: $(stat -c %s "$work/page.html") bytes for $n terminals"
