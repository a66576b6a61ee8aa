#!/usr/bin/env bash
# What durability costs per change: whole `caora set-startup-delay N --yes`
# runs on an install root and state folder on disk, with the journal's and the
# written files' fsyncs (and the folders' after each rename) as shipped, and
# with them turned off (CAORA_BENCH_NO_FSYNC=1, which only this benchmark
# sets). The kinds run interleaved, so a busy machine weighs on all alike.
# A third kind keeps the file writes' fsyncs and turns off only the journal's
# (its lines and its folder): CAORA_BENCH_NO_FSYNC=journal. Prints the median
# wall time of each, the differences per change and the ratios, and how many
# fsyncs one change makes (strace -c, where installed).
# Usage: bench/journal_fsync.sh [runs] [caora binary] [folder on the disk to measure]
#        (defaults: 100, build/caora, a new folder under /var/tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
caora=${2:-build/caora}
base=${3:-/var/tmp}
if [ ! -x "$caora" ]; then
  echo "bench/journal_fsync.sh: no caora at $caora (build it first)" >&2
  exit 2
fi
work=$(mktemp -d "$base/caora-fsync-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$runs" "$caora" "$work" <<'PY'
import os, re, shutil, statistics, subprocess, sys, time
runs, caora, work = int(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
bat = "@echo off\r\nset WAIT_TIME_SECOND=40\r\ntimeout /t %WAIT_TIME_SECOND% /nobreak > nul\r\n".encode("cp932")

def site(name):
    root = os.path.join(work, name, "PFU-Caora")
    for rel in ("OnlineAuthApp/App/Execute/bin", "OnlineAuthApp/App/AppStartUp/bin"):
        os.makedirs(os.path.join(root, rel))
        with open(os.path.join(root, rel, "StartUpEnv.bat"), "wb") as f:
            f.write(bat)
    return [caora, "--root", root, "--state-dir", os.path.join(work, name, "state"), "--yes", "set-startup-delay"]

kinds = {"with fsync (as shipped)": (site("durable"), {}),
         "without the journal's": (site("nojournal"), {"CAORA_BENCH_NO_FSYNC": "journal"}),
         "without any fsync": (site("volatile"), {"CAORA_BENCH_NO_FSYNC": "1"})}
times = {k: [] for k in kinds}
for i in range(runs):
    order = list(kinds)[i % 3:] + list(kinds)[:i % 3]
    for k in order:
        argv, extra = kinds[k]
        env = dict(os.environ, **extra)
        t = time.perf_counter()
        r = subprocess.run(argv + [str(60 + i % 500)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times[k].append((time.perf_counter() - t) * 1000)
        if r.returncode != 0:
            sys.exit("bench: %s failed: %s" % (k, r.stderr.decode()))
med = {k: statistics.median(v) for k, v in times.items()}
for k, v in times.items():
    print("%-26s median %7.2f ms a change  (min %.2f, max %.2f, %d runs)" % (k, med[k], min(v), max(v), runs))
a, j, b = med["with fsync (as shipped)"], med["without the journal's"], med["without any fsync"]
print("the journal's fsyncs cost per change: %.2f ms (%.2fx the run without them)" % (a - j, a / j))
print("all fsyncs cost per change: %.2f ms (%.2fx the run without any)" % (a - b, a / b))
if shutil.which("strace"):
    argv, _ = kinds["with fsync (as shipped)"]
    r = subprocess.run(["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", os.path.join(work, "count")] + argv + ["61"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(work, "count")) as f:
        calls = sum(int(m.group(1)) for m in re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?f(?:data)?sync$", f.read(), re.M))
    print("fsync calls in one change (two files): %d" % calls)
PY
