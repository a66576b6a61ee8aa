#!/usr/bin/env python3
"""The README's detection figures are what scripts/detection-coverage.py counts
in recipes/ now (so they are regenerated, not remembered), every probe a
recipe's detect names is one the vocabulary declares (lib/host/vocabulary.cc),
and every cause no probe or detail code decides says why, in a word of the one
vocabulary that diag/recipe.cc, the schema and the script share.

Environment: CAORA_SOURCE_DIR (default: the repository holding this script).
Standard library only.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_DIR = os.environ.get("CAORA_SOURCE_DIR") or REPO
SCRIPT = os.path.join(SOURCE_DIR, "scripts", "detection-coverage.py")


def run(*args):
    return subprocess.run([sys.executable, SCRIPT] + list(args), stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")


class DetectionCoverage(unittest.TestCase):
    def test_readme_states_the_current_counts(self):
        lines = run().strip().splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[1].startswith("why no probe decides the "), lines)
        with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for line in lines:
            self.assertIn(line, readme, "README.md must state: %s (python3 scripts/detection-coverage.py)" % line)

    def vocabulary(self):
        with open(os.path.join(SOURCE_DIR, "diag", "recipe.cc"), encoding="utf-8") as f:
            src = f.read()
        body = src[src.index("no_probe_reasons() {"):]
        body = body[:body.index("};")]
        return re.findall(r'^\s*"([a-z-]+)",', body, re.M)

    def test_the_reason_vocabulary_is_one(self):
        words = self.vocabulary()
        self.assertGreaterEqual(len(words), 5)
        with open(os.path.join(SOURCE_DIR, "recipes", "recipe.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        self.assertEqual(schema["$defs"]["cause"]["properties"]["no_probe"]["properties"]["reason"]["enum"], words)
        with open(SCRIPT, encoding="utf-8") as f:
            script = f.read()
        self.assertIn("REASONS = (%s)" % ", ".join('"%s"' % w for w in words), script)
        with open(os.path.join(SOURCE_DIR, "man", "caora-recipes.5"), encoding="utf-8") as f:
            man = f.read().replace("\\-", "-")
        for w in words:
            self.assertIn(".B " + w, man)

    def test_every_cause_no_probe_decides_says_why(self):
        words = set(self.vocabulary())
        for path in glob.glob(os.path.join(SOURCE_DIR, "recipes", "*", "*.json")):
            with open(path, encoding="utf-8") as f:
                recipe = json.load(f)
            for cause in recipe.get("causes", []):
                detect = cause.get("detect") or {}
                where = "%s %s" % (recipe["id"], cause["id"])
                if detect.get("checks") or detect.get("from_detail"):
                    self.assertNotIn("no_probe", cause, where)
                    continue
                self.assertIn("no_probe", cause, where)
                self.assertIn(cause["no_probe"]["reason"], words, where)

    def test_list_groups_the_question_only_causes_by_reason(self):
        out = run("--list").splitlines()
        doc = json.loads(run("--json"))
        groups, current = {}, None
        for line in out[2:]:
            if not line.startswith("  "):
                current = line.rstrip(":")
                groups[current] = []
            else:
                groups[current].append(line.split(":")[0].strip())
        self.assertEqual(list(groups), list(doc["no_probe_reasons"]["question"]))
        for q in doc["question_only"]:
            self.assertIn("%s %s" % (q["recipe"], q["cause"]), groups[q["reason"]])
        self.assertEqual(sum(len(v) for v in groups.values()), doc["counts"]["question"])

    def test_a_cause_without_a_reason_fails_the_script(self):
        tmp = tempfile.mkdtemp(prefix="caora-coverage-")
        try:
            shutil.copytree(os.path.join(SOURCE_DIR, "recipes"), os.path.join(tmp, "recipes"))
            path = os.path.join(tmp, "recipes", "qa", "qa-09.json")
            with open(path, encoding="utf-8") as f:
                recipe = json.load(f)
            for cause in recipe["causes"]:
                cause.pop("no_probe", None)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(recipe, f, ensure_ascii=False)
            proc = subprocess.run([sys.executable, SCRIPT, "--recipes", os.path.join(tmp, "recipes")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(proc.returncode, 1)
            self.assertIn("(no reason)", proc.stderr.decode("utf-8"))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_the_certificate_cause_is_probed_and_still_asks(self):
        for name in ("905", "906"):
            with open(os.path.join(SOURCE_DIR, "recipes", "errors", name + ".json"), encoding="utf-8") as f:
                recipe = json.load(f)
            cause = next(c for c in recipe["causes"] if c["id"] == "multiple-institution-certificates")
            checks = cause["detect"]["checks"]
            self.assertEqual([c["probe"] for c in checks], ["host.client_certs.max_per_issuer"])
            # Several from one issuer are not proof: the vendor does not say what identifies one.
            self.assertEqual(checks[0]["unknown_if"], {"ge": 2})
            self.assertIn("question", cause["detect"])

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
