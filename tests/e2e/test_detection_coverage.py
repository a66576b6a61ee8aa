#!/usr/bin/env python3
"""The README's detection figures are what scripts/detection-coverage.py counts
in recipes/ now (so they are regenerated, not remembered), and every probe a
recipe's detect names is one the vocabulary declares (lib/host/vocabulary.cc).

Environment: CAORA_SOURCE_DIR (default: the repository holding this script).
Standard library only.
"""

import glob
import json
import os
import re
import subprocess
import sys
import unittest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_DIR = os.environ.get("CAORA_SOURCE_DIR") or REPO
SCRIPT = os.path.join(SOURCE_DIR, "scripts", "detection-coverage.py")


def run(*args):
    return subprocess.run([sys.executable, SCRIPT] + list(args), stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")


class DetectionCoverage(unittest.TestCase):
    def test_readme_states_the_current_counts(self):
        line = run().strip()
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn(line, readme, "README.md must state: %s (python3 scripts/detection-coverage.py)" % line)

    def test_counts_add_up_and_list_the_question_only_causes(self):
        doc = json.loads(run("--json"))
        self.assertEqual(doc["schema"], "caora.detection-coverage/1")
        self.assertEqual(sum(doc["counts"].values()), doc["causes"])
        self.assertEqual(len(doc["question_only"]), doc["counts"]["question"])
        causes = 0
        for path in glob.glob(os.path.join(SOURCE_DIR, "recipes", "*", "*.json")):
            with open(path, encoding="utf-8") as f:
                causes += len(json.load(f).get("causes", []))
        self.assertEqual(causes, doc["causes"])

    def test_the_wifi_cause_is_probed_and_still_asks(self):
        for name in ("011", "FUJ905", "FUJP55"):
            with open(os.path.join(SOURCE_DIR, "recipes", "errors", name + ".json"), encoding="utf-8") as f:
                recipe = json.load(f)
            cause = next(c for c in recipe["causes"] if c["id"] == "wifi-signal-weak")
            self.assertEqual([c["probe"] for c in cause["detect"]["checks"]], ["net.wifi.signal_weak"])
            self.assertIn("question", cause["detect"])

    def test_the_settings_causes_are_probed_and_still_ask(self):
        for name, cause_id, probe in (("011", "ip-dns-misconfigured", "net.uplink.settings_missing"),
                                      ("FUJ905", "ip-dns-misconfigured", "net.uplink.settings_missing"),
                                      ("FUJP55", "ip-dns-misconfigured", "net.uplink.settings_missing"),
                                      ("FUJ906", "os-or-dotnet-damaged", "host.dotnet4.missing")):
            with open(os.path.join(SOURCE_DIR, "recipes", "errors", name + ".json"), encoding="utf-8") as f:
                recipe = json.load(f)
            cause = next(c for c in recipe["causes"] if c["id"] == cause_id)
            checks = cause["detect"]["checks"]
            self.assertEqual([c["probe"] for c in checks], [probe])
            # Present only when something is missing; "all set" proves nothing, so it asks.
            self.assertEqual(checks[0]["present_if"], {"eq": True})
            self.assertEqual(checks[0]["unknown_if"], {"eq": False})
            self.assertIn("question", cause["detect"])

    def test_every_probe_named_in_a_detect_is_declared(self):
        with open(os.path.join(SOURCE_DIR, "lib", "host", "vocabulary.cc"), encoding="utf-8") as f:
            declared = set(re.findall(r'\{"([a-z_]+(?:\.[a-z_0-9]+)+)", V::', f.read()))
        for path in glob.glob(os.path.join(SOURCE_DIR, "recipes", "*", "*.json")):
            with open(path, encoding="utf-8") as f:
                recipe = json.load(f)
            for cause in recipe.get("causes", []):
                for check in (cause.get("detect") or {}).get("checks", []):
                    self.assertIn(check["probe"], declared, "%s %s" % (recipe["id"], cause["id"]))


if __name__ == "__main__":
    unittest.main()
