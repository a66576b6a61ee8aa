#!/usr/bin/env bash
# Installs what is needed, builds, and runs caora on the built-in demo site:
# a recorded clinic terminal with two units and a few faults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
run() { echo; echo "\$ caora $*"; ./build/caora --state-dir "$state" "$@" || echo "(exit $?)"; }
run --site demo diagnose 008
run --site demo doctor
run --site demo set-startup-delay --show
