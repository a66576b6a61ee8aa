#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit (Catch2) and
# whole-binary scenarios through CTest, the Windows cross build with its tests
# under Wine, then a short run of each fuzz target. Ends with CI's summary: the
# wall time of each phase, then one line of what passed, failed and was skipped
# across CTest, the Windows step and the fuzz run.
# FUZZ_SECONDS (default 15) sets the fuzzing time per target; 0 skips it.
# CAORA_WINDOWS=0 skips the Windows step.
set -uo pipefail
cd "$(dirname "$0")/.."
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
times=()
passed=0 failed=0 skipped=0
broken=()

phase() {  # name command...: runs it, timed, its output also kept for counting
  local name=$1 start rc
  shift
  start=$(date +%s)
  "$@" 2>&1 | tee "$log_dir/$name.log"
  rc=${PIPESTATUS[0]}
  times+=("$name $(($(date +%s) - start)) s")
  [ "$rc" = 0 ] || broken+=("$name")
  return "$rc"
}
# Adds the counts of a line "PREFIX: N passed, N failed[, N skipped]" in a phase's log.
count() {  # phase prefix
  local line
  line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$log_dir/$1.log" | tail -1)
  [ -n "$line" ] || return 0
  passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")))
  grep -q skipped <<<"$line" && skipped=$((skipped + $(sed -E 's/.*, ([0-9]+) skipped.*/\1/' <<<"$line")))
  return 0
}
summary() {
  local line="" t
  for t in "${times[@]}"; do line+="${line:+, }$t"; done
  echo "ci: phases: $line${broken:+; failed phases: ${broken[*]}}"
  # Alone on the last line, in the form test runners' summaries take.
  echo "ci: $passed passed, $failed failed, $skipped skipped"
}
fatal() { failed=$((failed + 1)); summary; exit 1; }

start=$(date +%s)
phase packages scripts/deps.sh || fatal
phase linux-build scripts/build.sh || fatal
# CTest: its totals, and the tests it did not run (skipped, or not run at all).
phase tests bash -c 'cd build && ctest --output-on-failure -j "$(nproc)"'
total=$(sed -nE 's/.* tests failed out of ([0-9]+)$/\1/p' "$log_dir/tests.log" | tail -1)
ctest_failed=$(sed -nE 's/.* ([0-9]+) tests failed out of [0-9]+$/\1/p' "$log_dir/tests.log" | tail -1)
ctest_skipped=$(grep -cE '^\s+[0-9]+ - .*\((Skipped|Disabled)\)$' "$log_dir/tests.log")
if [ -n "$total" ]; then
  passed=$((passed + total - ctest_failed - ctest_skipped))
  failed=$((failed + ctest_failed))
  skipped=$((skipped + ctest_skipped))
else
  failed=$((failed + 1))  # CTest itself did not finish
fi
if [ "${CAORA_WINDOWS:-1}" != 0 ]; then
  # Timed apart: the cross-built libraries (cached; the self-test's on their own),
  # caora.exe and caora-selftest.exe, and the runs under Wine.
  if phase windows-deps scripts/windows-deps.sh && phase windows-selftest-deps scripts/windows-selftest-deps.sh &&
    phase windows-build scripts/windows-build.sh; then
    phase wine-tests scripts/windows-test.sh --built
    count wine-tests windows
    grep -qE '^windows: [0-9]+ passed' "$log_dir/wine-tests.log" || failed=$((failed + 1))
  else
    failed=$((failed + 1))
  fi
fi
seconds=${FUZZ_SECONDS:-15}
if [ "$seconds" != 0 ]; then
  phase fuzz scripts/fuzz.sh "$seconds"
  count fuzz fuzz
  grep -qE '^fuzz: [0-9]+ passed' "$log_dir/fuzz.log" || failed=$((failed + 1))
fi
times+=("total $(($(date +%s) - start)) s")
summary
[ ${#broken[@]} = 0 ] && [ "$failed" = 0 ]
