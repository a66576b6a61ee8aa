#!/usr/bin/python3
"""The whole verification hot, with the chip read over PC/SC: a private pcscd with
a vpcd reader and the virtual My Number Card (tests/live), one generated card whose
照合番号B the virtual card holds, John Simm's capture against the chip's photo.
`caora selftest batch` runs CASES cases REPEAT times each; printed: the median per
stage over the cases' medians and their sum (the goal: 250 ms on 2 cores).
bench/selftest_pipeline.sh covers the rest (cold start, many cards) without a reader.
  CAORA_BIN=build/caora bench/selftest_chip.py [CASES] [REPEAT]
"""
import json
import os
import statistics
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "live"))
import test_selftest_chip as live  # noqa: E402

CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 3
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 5


class Bench(live.PipelineTest):
    def test_batch_with_the_chip(self):
        self.insert(number=self.truth)
        manifest = os.path.join(self.tmp, "manifest.json")
        with open(manifest, "w") as f:
            json.dump({"schema": "caora.selftest-batch/1",
                       "cases": [{"id": "p%d" % i, "card": self.image, "reader": live.READER, "capture": self.same}
                                 for i in range(CASES)]}, f)
        p = subprocess.run([live.CAORA, "--json", "--state-dir", self.tmp, "selftest", "batch", manifest,
                            "--repeat", str(REPEAT)], env=self.env, capture_output=True, text=True, timeout=900)
        doc = json.loads(p.stdout)
        for case in doc["cases"]:
            self.assertEqual(case["failing_stages"], [], case["id"])
        stages = doc["cases"][0]["median_ms"].keys()
        medians = {s: statistics.median(c["median_ms"][s] for c in doc["cases"]) for s in stages}
        print("\nhot, inside a batch, the chip over vpcd: %d cases x %d, %d cores" % (CASES, REPEAT, os.cpu_count()))
        for s, ms in medians.items():
            print("  %-24s %7.1f ms" % (s, ms))
        print("  whole verification       %7.1f ms (goal 250 ms)" % sum(medians.values()))


setUpModule, tearDownModule = live.setUpModule, live.tearDownModule  # the private pcscd

if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "Bench.test_batch_with_the_chip"], verbosity=0)  # not the inherited tests
