#!/usr/bin/env python3
"""`caora selftest batch MANIFEST`: cases from generated cards and Debian's dlib
example photos, run in one process, with a baseline saved in the state folder and
compared: the same inputs → exit 0; an input changed → "not comparable", exit 3;
a stored baseline holding another result for a case → regression, exit 1. The
--report page is rendered in headless Chromium (tests/e2e/browser.py), its
screenshot kept beside the test's files, and its DOM checked.

Run: python3 tests/e2e/test_selftest_batch.py
Environment: CAORA_BIN (default ./build/caora), CAORA_SOURCE_DIR, CAORA_TEST_OUT (where the screenshot is kept).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SOURCE_DIR = Path(os.environ.get("CAORA_SOURCE_DIR") or HERE.parent.parent).resolve()
CAORA_BIN = os.environ.get("CAORA_BIN") or str(SOURCE_DIR / "build" / "caora")
CARDGEN = SOURCE_DIR / "tests" / "tools" / "cardgen" / "cardgen.py"
# A recorded terminal: its reader software, firmware and face DLL versions.
SITE = SOURCE_DIR / "tests" / "data" / "sites" / "clean.json"
JOHNS = Path("/usr/share/doc/libdlib19.1/examples/johns")
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

WORK = None


def caora(*args, site=None):
    e = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    where = ["--site", str(site)] if site else []
    res = subprocess.run([CAORA_BIN, "--json", "--state-dir", str(WORK / "state")] + where + ["selftest", *args],
                         capture_output=True, text=True, timeout=600, env=e)
    try:
        return res.returncode, json.loads(res.stdout)
    except json.JSONDecodeError:
        raise AssertionError("not one JSON document (exit %d):\n%s\n%s" % (res.returncode, res.stdout, res.stderr))


def setUpModule():
    global WORK
    if not Path(CAORA_BIN).exists():
        raise unittest.SkipTest("caora binary not found at %s" % CAORA_BIN)
    res = subprocess.run([CAORA_BIN, "selftest", "--help"], capture_output=True, text=True)
    if "--save-baseline" not in res.stdout:
        raise unittest.SkipTest("this caora has no selftest batch")
    if subprocess.run([PYTHON, "-c", "import PIL, numpy"], capture_output=True).returncode != 0:
        raise unittest.SkipTest("the card generator needs python3-pil and python3-numpy")
    WORK = Path(tempfile.mkdtemp(prefix="caora-selftest-batch-"))
    res = subprocess.run([PYTHON, str(CARDGEN), "--out", str(WORK / "cards"), "--count", "2", "--seed", "4242"],
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError("cardgen failed: %s" % res.stderr)


def tearDownModule():
    if WORK is not None:
        shutil.rmtree(WORK, ignore_errors=True)


class Batch(unittest.TestCase):
    def manifest(self, name, card):
        cases = [{"id": "c1", "card": "cards/" + card,
                  "expect": {"verification_number_b": json.loads((WORK / "cards" / card).with_suffix(".json")
                                                                 .read_text(encoding="utf-8"))["verification_number_b"]}}]
        if JOHNS.is_dir():
            cases.append({"id": "f1", "capture": str(JOHNS / "John_Simm" / "000300_00470148.jpg"),
                          "reference": str(JOHNS / "John_Simm" / "000288_00470387.jpg")})
        path = WORK / name
        path.write_text(json.dumps({"schema": "caora.selftest-batch/1", "cases": cases}), encoding="utf-8")
        return path

    def test_baseline_same_changed_and_regressed(self):
        cards = sorted(p.name for p in (WORK / "cards").iterdir() if p.suffix == ".png")
        shutil.copy(WORK / "cards" / cards[0], WORK / "cards" / "live.png")
        shutil.copy((WORK / "cards" / cards[0]).with_suffix(".json"), WORK / "cards" / "live.json")
        manifest = self.manifest("m.json", "live.png")
        code, doc = caora("batch", str(manifest), "--repeat", "3", "--save-baseline", "before")
        self.assertEqual(doc["schema"], "caora.selftest-batch/1")
        self.assertEqual(code, 0, doc["summary"])
        self.assertEqual(doc["summary"]["cases"], len(doc["cases"]))
        c1 = doc["cases"][0]
        self.assertEqual(c1["id"], "c1")
        self.assertEqual(len(c1["inputs_sha256"]["card"]), 64)
        for stage in ("placement", "ocr", "verification_number_b"):
            self.assertIn(stage, c1["median_ms"])
        stored = json.loads((WORK / "state" / "selftest" / "baselines" / "before.json").read_text(encoding="utf-8"))
        self.assertEqual(stored["versions"]["caora"], doc["versions"]["caora"])

        # The same inputs: nothing to report.
        code, doc = caora("batch", str(manifest), "--repeat", "3", "--baseline", "before", "--report", str(WORK / "report"))
        self.assertEqual(code, 0, doc.get("comparison"))
        self.assertEqual(doc["comparison"]["regressions"], [])
        self.assertEqual(doc["comparison"]["not_comparable"], [])

        # Another card under the same name: not comparable, named, exit 3.
        shutil.copy(WORK / "cards" / cards[1], WORK / "cards" / "live.png")
        shutil.copy((WORK / "cards" / cards[1]).with_suffix(".json"), WORK / "cards" / "live.json")
        manifest = self.manifest("m.json", "live.png")
        code, doc = caora("batch", str(manifest), "--baseline", "before")
        self.assertEqual(doc["comparison"]["not_comparable"], ["c1"])
        self.assertEqual(code, 3, doc["comparison"])

        # A stored baseline that read another number for the same input: regression, exit 1.
        shutil.copy(WORK / "cards" / cards[0], WORK / "cards" / "live.png")
        shutil.copy((WORK / "cards" / cards[0]).with_suffix(".json"), WORK / "cards" / "live.json")
        manifest = self.manifest("m.json", "live.png")
        stored["cases"][0]["verification_number_b"] = "55021720359999"
        (WORK / "state" / "selftest" / "baselines" / "tampered.json").write_text(json.dumps(stored), encoding="utf-8")
        code, doc = caora("batch", str(manifest), "--baseline", "tampered")
        self.assertEqual(code, 1, doc["comparison"])
        self.assertTrue(any(r.startswith("c1: verification_number_b") for r in doc["comparison"]["regressions"]))

        history = json.loads((WORK / "state" / "selftest" / "history.json").read_text(encoding="utf-8"))
        self.assertEqual(len(history["runs"]), 4)

    def test_run_loads_face_models_beside_the_card(self):
        if not JOHNS.is_dir():
            self.skipTest("no dlib example photos at %s" % JOHNS)
        card = sorted(p for p in (WORK / "cards").iterdir() if p.suffix == ".png" and p.name != "live.png")[0]
        capture = str(JOHNS / "John_Simm" / "000300_00470148.jpg")
        reference = str(JOHNS / "John_Simm" / "000288_00470387.jpg")
        code, doc = caora("run", "--card", str(card), "--capture", capture, "--reference", reference)
        self.assertEqual(doc["schema"], "caora.selftest/1")
        self.assertTrue(doc["decision"]["passed"], doc["stages"])
        t = doc["timings_ms"]
        for name in ("load_ocr", "load_models", "load_models_own", "ocr", "match", "total"):
            self.assertIn(name, t)
        # The load went on while the card was read: the face stage waited at most the
        # load's own time (rounded to 0.1 ms each), and the load took some time of its own.
        self.assertLessEqual(t["load_models"], t["load_models_own"] + 0.2, t)
        self.assertGreater(t["load_models_own"], 0, t)
        # The face alone: loaded on the spot, the wait is the load.
        code, doc = caora("run", "--capture", capture, "--reference", reference)
        self.assertEqual(abs(doc["timings_ms"]["load_models"] - doc["timings_ms"]["load_models_own"]) <= 0.2, True,
                         doc["timings_ms"])
        # A load that fails in the background is told as one on the spot is.
        bad = str(WORK / "no-models")
        code_bg, doc_bg = caora("run", "--card", str(card), "--capture", capture, "--reference", reference,
                                "--models", bad)
        code_here, doc_here = caora("run", "--capture", capture, "--reference", reference, "--models", bad)
        self.assertEqual(doc_bg["schema"], "caora.error/1")
        self.assertEqual((code_bg, doc_bg), (code_here, doc_here))

    def test_report_in_chromium(self):
        import browser
        cards = sorted(p.name for p in (WORK / "cards").iterdir() if p.suffix == ".png" and p.name != "live.png")
        manifest = self.manifest("r.json", cards[0])
        # The baseline taken on a recorded terminal, the run on this machine: the
        # page shows both sides' versions (what an update would have changed).
        code, doc = caora("batch", str(manifest), "--save-baseline", "r", site=SITE)
        recorded = json.loads(SITE.read_text(encoding="utf-8"))["probes"]["site.reader_software.version"]["value"]
        self.assertEqual(doc["versions"]["reader_software"], recorded)
        for key in ("firmware", "face_dll"):
            self.assertIn(key, doc["versions"])
        code, doc = caora("batch", str(manifest), "--baseline", "r", "--report", str(WORK / "r-report"))
        page = WORK / "r-report" / "index.html"
        html = page.read_text(encoding="utf-8")
        self.assertNotIn("http://", html)
        self.assertNotIn("https://", html)
        out = Path(os.environ.get("CAORA_TEST_OUT") or WORK)
        shot = out / "selftest-batch-report.png"
        dom = browser.render(str(page), str(shot))
        self.assertGreater(shot.stat().st_size, 1000)
        self.assertIn('id="case-c1"', dom)
        self.assertIn('class="now"', dom)
        self.assertIn('class="base"', dom)
        self.assertIn("data:image/png;base64,", dom)
        self.assertIn(doc["cases"][0]["verification_number_b"], dom)
        self.assertIn("reader_software", dom)
        self.assertIn(recorded, dom)

    def test_bad_manifests(self):
        for body, word in (("{", "manifest"), ('{"schema":"caora.selftest-batch/1","cases":[{"id":"x"}]}', "x"),
                           ('{"schema":"caora.selftest-batch/1","cases":[{"id":"x","card":"a.png","what":1}]}', "what")):
            path = WORK / "bad.json"
            path.write_text(body, encoding="utf-8")
            code, doc = caora("batch", str(path))
            self.assertEqual(code, 2, doc)
            self.assertIn(word, doc["error"]["en"])
            self.assertTrue(doc["error"]["ja"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
