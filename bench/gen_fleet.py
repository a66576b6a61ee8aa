#!/usr/bin/env python3
"""N results files for `caora fleet report`, made from real doctor/diagnose
documents (SEED_DIR/*.json, caora's own output): each copy gets its own host
name, time of the run, versions (some below QA 24's minimums) and unit serial.
  bench/gen_fleet.py SEED_DIR OUT_DIR N
"""
import json
import os
import random
import sys

seed_dir, out_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = [json.load(open(os.path.join(seed_dir, f))) for f in sorted(os.listdir(seed_dir)) if f.endswith(".json")]
rng = random.Random(18)
readers = ["1.5.3.0", "1.10.2.1", "1.4.9.0", "1.6.0.0", None]
firmwares = ["CAORA_MSN_P2.11.7_A16.5.4", "CAORA_MSN_P2.10.3_A16.4.1", "CAORA_MSN_P2.12.0_A16.6.0", None]
os.makedirs(out_dir, exist_ok=True)
for i in range(n):
    doc = dict(seeds[i % len(seeds)])
    doc["terminal"] = {
        "run_at": "2026-12-%02dT%02d:%02d:00Z" % (1 + i % 28, i % 24, i % 60),
        "versions": {"reader_software": rng.choice(readers), "firmware": rng.choice(firmwares), "face_dll": "2.1.0J"},
        "units": ["21%05d" % (i % 100000)],
    }
    with open(os.path.join(out_dir, "terminal-%05d.json" % i), "w") as f:
        json.dump(doc, f, ensure_ascii=False)
