#!/usr/bin/env bash
# Card-face OCR accuracy and speed: `caora selftest card` vs plain Tesseract on
# about 1100 generated cards (clean, each perturbation at moderate and strong,
# the placement failures), fixed seed. Takes a while on 2 cores; not for CI.
#   bench/card.sh [--quick] [--per-set N] [--baseline plain,osd|none] [--results FILE] ...
# Uses $CAORA_BIN, else build/caora. See bench/card_bench.py --help.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/card_bench.py" "$@"
