#!/usr/bin/env python3
"""Whole-binary scenarios for `caora selftest face PROBE REFERENCE`.

The faces are dlib's labelled example chips from Debian (libdlib19.1's
examples/johns: 5 people x 11 photos) and its dogs.jpg (no human face); the
models are the ones scripts/face-models.sh installs. Checks the exit codes and
the caora.selftest.face/1 document of DESIGN.md.
"""
import json
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))
EXAMPLES = "/usr/share/doc/libdlib19.1/examples"
SALLEY_A = EXAMPLES + "/johns/John_Salley/000179_02159509.jpg"
SALLEY_B = EXAMPLES + "/johns/John_Salley/000183_02159543.jpg"
SIMM = EXAMPLES + "/johns/John_Simm/000306_00470222.jpg"
DOGS = EXAMPLES + "/faces/dogs.jpg"
QUALITY_KEYS = {"face_found", "too_small", "too_large", "off_center", "tilted", "eyes_occluded", "backlit", "dark",
                "masked"}


def caora(*args):
    return subprocess.run([CAORA] + list(args), capture_output=True, text=True, timeout=120)


def selftest_json(*images):
    res = caora("--json", "selftest", "face", *images)
    return res, json.loads(res.stdout)


class SelftestFace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Never a silent skip: without dlib's examples the test cannot say anything.
        for path in (SALLEY_A, SALLEY_B, SIMM, DOGS):
            if not os.path.exists(path):
                raise AssertionError("%s is missing: run scripts/deps.sh (Debian libdlib-dev)" % path)

    def test_same_person_matches(self):
        res, doc = selftest_json(SALLEY_A, SALLEY_B)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(doc["schema"], "caora.selftest.face/1")
        self.assertTrue(doc["match"])
        self.assertLess(doc["distance"], doc["threshold"])
        self.assertEqual(doc["threshold"], 0.6)
        self.assertEqual(set(doc["quality"]), QUALITY_KEYS)
        self.assertTrue(doc["quality"]["face_found"])
        for key in QUALITY_KEYS:
            self.assertIs(type(doc["quality"][key]), bool, key)
        # With a face found every field is judged: nothing is left in not_judged.
        self.assertEqual(doc["not_judged"], [])
        for stage in ("load_models", "detect_probe", "embed_probe", "embed_reference", "total"):
            self.assertGreaterEqual(doc["timings_ms"][stage], 0, stage)

    def test_another_person_does_not_match(self):
        res, doc = selftest_json(SALLEY_A, SIMM)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertFalse(doc["match"])
        self.assertGreaterEqual(doc["distance"], 0.6)

    def test_a_stricter_threshold_can_reject_the_same_person(self):
        res, doc = selftest_json("--threshold", "0.05", SALLEY_A, SALLEY_B)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertEqual(doc["threshold"], 0.05)
        self.assertFalse(doc["match"])

    def test_no_face_in_the_probe(self):
        res, doc = selftest_json(DOGS, SALLEY_A)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertFalse(doc["quality"]["face_found"])
        self.assertIsNone(doc["distance"])
        self.assertEqual(doc["findings"][0]["id"], "face_found")
        self.assertTrue(doc["findings"][0]["advice"]["ja"])

    def test_human_output_in_both_languages(self):
        en = caora("--lang", "en", "selftest", "face", SALLEY_A, SALLEY_B)
        self.assertEqual(en.returncode, 0, en.stderr)
        self.assertIn("the same person", en.stdout)
        ja = caora("--lang", "ja", "selftest", "face", SALLEY_A, SIMM)
        self.assertEqual(ja.returncode, 1, ja.stderr)
        self.assertIn("別人", ja.stdout)

    def test_annotate_writes_a_png(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "seen.png")
            res = caora("--json", "selftest", "face", "--annotate", out, SALLEY_A, SIMM)
            self.assertEqual(res.returncode, 1, res.stderr)
            with open(out, "rb") as f:
                data = f.read()
            self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
            self.assertIn("annotate", json.loads(res.stdout)["timings_ms"])
            # The picture reads back as an image (caora decodes its own PNG).
            again = caora("--json", "selftest", "face", out, SIMM)
            self.assertIn(again.returncode, (0, 1), again.stderr)

    def test_bad_files_are_usage_errors(self):
        with tempfile.TemporaryDirectory() as d:
            junk = os.path.join(d, "junk.jpg")
            with open(junk, "wb") as f:
                f.write(b"\xff\xd8\xff\xe0 this is not really a JPEG")
            truncated = os.path.join(d, "truncated.jpg")
            with open(SALLEY_A, "rb") as f:
                data = f.read()
            with open(truncated, "wb") as f:
                f.write(data[: len(data) // 2])
            empty = os.path.join(d, "empty.png")
            open(empty, "wb").close()
            for bad in (junk, truncated, empty, os.path.join(d, "missing.jpg")):
                res = caora("--json", "selftest", "face", bad, SALLEY_A)
                self.assertEqual(res.returncode, 2, "%s: %s" % (bad, res.stderr))
                self.assertEqual(json.loads(res.stdout)["schema"], "caora.error/1")
        self.assertEqual(caora("selftest", "face", SALLEY_A).returncode, 2)
        self.assertEqual(caora("selftest", "card", SALLEY_A, SALLEY_B).returncode, 2)

    def test_wrong_models_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("face_recognition_model.bin", "face_recognition_model-weights_manifest.json"):
                with open(os.path.join(d, name), "wb") as f:
                    f.write(b"[]")
            res = caora("--json", "selftest", "face", "--models", d, SALLEY_A, SALLEY_B)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("SHA-256", json.loads(res.stdout)["error"]["en"])


if __name__ == "__main__":
    unittest.main()
