#!/usr/bin/env bash
# Benchmarks: in-process recipe loading and lookup, then the wall time of whole
# `caora diagnose 008 --site demo` runs (process start to exit). Prints medians.
# Usage: bench/run.sh [runs]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target caora caora_bench >/dev/null
./build/caora_bench
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
python3 - "$runs" "$state" <<'PY'
import statistics, subprocess, sys, time
runs, state = int(sys.argv[1]), sys.argv[2]
def median_ms(args):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(["./build/caora", "--state-dir", state] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)
for label, args in [("caora diagnose 008 --site demo", ["--site", "demo", "diagnose", "008"]),
                    ("caora --json diagnose 008 --site demo", ["--json", "--site", "demo", "diagnose", "008"]),
                    ("caora doctor --site demo", ["--site", "demo", "doctor"]),
                    ("caora --version (process floor)", ["--version"])]:
    med, lo, hi = median_ms(args)
    print("%-40s median %7.2f ms  (min %.2f, max %.2f, %d runs)" % (label, med, lo, hi, runs))
PY
