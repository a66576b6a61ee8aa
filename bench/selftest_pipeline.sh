#!/usr/bin/env bash
# The self-test pipeline as the unit runs it -- card-face placement and OCR,
# verification number B, (the chip, with a reader), the capture's quality, the
# embedding and the match -- timed two ways:
#  hot:  inside `caora selftest batch` (models loaded once), N cases each run
#        REPEAT times; the median per stage over the cases' medians, and of the
#        whole verification (the goal: 250 ms on 2 cores; the vendor allows 5 s);
#  cold: one `caora selftest run` in a new process with an empty cache, wall time
#        and the same split, model loading shown apart; then again in a new
#        process with the cache that run left (every start after the first).
# Cards come from tests/tools/cardgen (new seeds each run unless SEED is set),
# faces from dlib's johns pictures. With CAORA_BENCH_READER naming a PC/SC reader
# that holds the virtual card (pcscd + vpcd, as tests/e2e sets up), the chip
# stage is in the run too; without it the chip is left out and said so.
# A Windows build (a path ending in .exe: build-win/dist/caora.exe) runs under Wine
# on the same inputs, for its figures beside the Linux build's.
#   bench/selftest_pipeline.sh [build/caora] [CASES] [REPEAT]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
caora=$(readlink -f "${1:-$top/build/caora}")
cases=${2:-6}
repeat=${3:-5}
seed=${SEED:-$RANDOM}
johns=${CAORA_JOHNS_DIR:-/usr/share/doc/libdlib19.1/examples/johns}
# Debian's python3 has the card generator's numpy and PIL (python3-numpy, python3-pil).
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/caora-bench-pipeline.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$py" "$top/tests/tools/cardgen/cardgen.py" --out "$work/cards" --count "$cases" --seed "$seed" >/dev/null
python3 - "$work" "$johns" "$cases" "${CAORA_BENCH_READER:-}" <<'PY'
import json, pathlib, sys
work, johns, n, reader = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cards = sorted(p for p in (work / "cards").iterdir() if p.suffix == ".png")
people = [d for d in sorted(johns.iterdir()) if d.is_dir() and len(list(d.glob("*.jpg"))) >= 2]
cases = []
for i, card in enumerate(cards[:n]):
    face = sorted(people[i % len(people)].glob("*.jpg"))
    case = {"id": "p%d" % i, "card": str(card), "capture": str(face[0])}
    if reader:
        case["reader"] = reader
    else:
        case["reference"] = str(face[1])
    cases.append(case)
(work / "m.json").write_text(json.dumps({"schema": "caora.selftest-batch/1", "cases": cases}))
PY
# caora as built: a Windows build under Wine, its path arguments as Z:/... (Windows
# reads an argument starting with '/' as an option).
case $caora in
  *.exe)
    # The Windows test step's prefix, and one wineserver kept up for every run, so
    # that the cold figure does not include Wine's own start.
    export WINEPREFIX=${WINEPREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-wine} WINEDEBUG=-all
    wineserver -p
    trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT ;;
esac
run_caora() {
  case $caora in
    *.exe)
      local a args=()
      for a in "$@"; do case $a in /*) args+=("Z:$a") ;; *) args+=("$a") ;; esac; done
      "$(command -v wine64 || echo /usr/lib/wine/wine64)" "$caora" "${args[@]}" ;;
    *) "$caora" "$@" ;;
  esac
}
echo "pipeline: $cases cases (cardgen seed $seed, johns faces), repeat $repeat; $(nproc) cores; chip: ${CAORA_BENCH_READER:-not in this run (no CAORA_BENCH_READER)}"

# Hot: the batch's per-case stage medians, then their median across cases.
run_caora --json --state-dir "$work/state" selftest batch "$work/m.json" --repeat "$repeat" >"$work/hot.json" || true
# Cold: a new process, a new state folder (no decoded-model cache).
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cases"][0]["card"])' "$work/m.json")
capture=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cases"][0]["capture"])' "$work/m.json")
other=$(python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["cases"][0]; print(c.get("reference", ""))' "$work/m.json")
cold_args=(--card "$first" --capture "$capture")
if [ -n "${CAORA_BENCH_READER:-}" ]; then cold_args+=(--reader "$CAORA_BENCH_READER"); else cold_args+=(--reference "$other"); fi
start=$(date +%s.%N)
run_caora --json --state-dir "$work/cold-state" selftest run "${cold_args[@]}" >"$work/cold.json" || true
end=$(date +%s.%N)
# Cold again: a new process, the cache the first run left (every later start).
start2=$(date +%s.%N)
run_caora --json --state-dir "$work/cold-state" selftest run "${cold_args[@]}" >"$work/cold2.json" || true
end2=$(date +%s.%N)
python3 - "$work/hot.json" "$work/cold.json" "$start" "$end" "$work/cold2.json" "$start2" "$end2" <<'PY'
import json, statistics, sys
hot, cold = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
wall = (float(sys.argv[4]) - float(sys.argv[3])) * 1000
order = ["placement", "ocr", "verification_number_b", "chip", "capture_quality", "match", "total"]
per_stage = {}
for case in hot["cases"]:
    for stage, ms in case["median_ms"].items():
        per_stage.setdefault(stage, []).append(ms)
print("hot (inside a batch; median over cases of each case's median):")
for stage in order + sorted(set(per_stage) - set(order)):
    if stage in per_stage:
        print("  %-24s %8.1f ms" % (stage, statistics.median(per_stage[stage])))
# The whole verification of a case: its stages' medians added up (model loading,
# once per batch, is not part of any case).
stages = [s for s in order if s != "total"]
total = per_stage.get("total") or [sum(ms for k, ms in case["median_ms"].items() if k in stages) for case in hot["cases"]]
if total:
    print("  whole verification: %.1f ms median, %.1f ms worst case (goal 250 ms): %s"
          % (statistics.median(total), max(total), "met" if statistics.median(total) <= 250 else "NOT met"))
# load_models is what the face stage waited for the models; load_models_own the
# load's own time, most of it spent while the card was read.
for label, doc, ms in (("empty cache", cold, wall),
                       ("the cache the first run left", json.load(open(sys.argv[5])),
                        (float(sys.argv[7]) - float(sys.argv[6])) * 1000)):
    print("cold (a new process, %s): %.0f ms wall" % (label, ms))
    for stage, t in doc.get("timings_ms", {}).items():
        print("  %-24s %8.1f ms" % (stage, t))
PY
