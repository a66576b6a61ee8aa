#!/usr/bin/env bash
# Start-up cost of whole caora processes against /bin/true: support desks run caora
# thousands of times across a fleet, so the everyday commands must stay close to the
# cost of starting any process. The commands run round-robin (each round in a rotated
# order), so that a busy or throttled machine weighs on all of them alike; prints each
# one's median wall time and its ratio to /bin/true's.
# Usage: bench/startup.sh [rounds] [caora binary]   (defaults: 200, build/caora)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
caora=${2:-build/caora}
if [ ! -x "$caora" ]; then
  echo "bench/startup.sh: no caora at $caora (build it first)" >&2
  exit 2
fi
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
python3 - "$rounds" "$caora" "$state" <<'PY'
import os, statistics, subprocess, sys, time
rounds, caora, state = int(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
env = dict(os.environ, CAORA_STATE_DIR=state)
commands = [
    ("caora diagnose 008 --site demo --json", [caora, "--state-dir", state, "diagnose", "008", "--site", "demo", "--json"]),
    ("caora --version", [caora, "--version"]),
    ("caora list", [caora, "--state-dir", state, "list"]),
    ("/bin/true", ["/bin/true"]),
]
for _, argv in commands:  # warm the page cache; a failing command is no benchmark
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if r.returncode not in (0, 1):
        sys.exit("bench/startup.sh: %s exited %d: %s" % (" ".join(argv), r.returncode, r.stderr.decode()))
times = {label: [] for label, _ in commands}
for i in range(rounds):
    for k in range(len(commands)):
        label, argv = commands[(i + k) % len(commands)]
        t = time.perf_counter_ns()
        # close_fds=False lets Python use posix_spawn: less of its own cost in each figure.
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, close_fds=False)
        times[label].append((time.perf_counter_ns() - t) / 1e6)
floor = statistics.median(times["/bin/true"])
print("%d rounds, round-robin; median wall time per process (p10..p90)" % rounds)
for label, _ in commands:
    t = sorted(times[label])
    med = statistics.median(t)
    print("%-40s %8.2f ms  (%.2f..%.2f)  %5.1fx /bin/true" % (label, med, t[len(t) // 10], t[len(t) * 9 // 10], med / floor))
PY
