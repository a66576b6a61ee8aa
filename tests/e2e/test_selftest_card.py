#!/usr/bin/env python3
"""`caora selftest card IMAGE`: the whole binary on generated slot-camera frames.

Cards come from tests/tools/cardgen/cardgen.py (fixed seeds, ground truth beside
each image): correctly placed cards must give exit 0 and exactly the 照合番号B of
the ground truth; each placement failure of error 001 must be reported as such
(exit 1, the finding, the recipe); bad input must give a clear error (exit 2) and
never a crash: not an image, an empty file, a truncated PNG, a 40-megapixel frame
(refused from its header, with bounded memory), a blank card, another kind of card.

Run: python3 tests/e2e/test_selftest_card.py
Environment: CAORA_BIN (default ./build/caora), CAORA_SOURCE_DIR.
Needs python3-pil and python3-numpy (the generator's); skips with the reason without them.
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
SOURCE_DIR = Path(os.environ.get("CAORA_SOURCE_DIR") or HERE.parent.parent).resolve()
CAORA_BIN = os.environ.get("CAORA_BIN") or str(SOURCE_DIR / "build" / "caora")
CARDGEN = SOURCE_DIR / "tests" / "tools" / "cardgen" / "cardgen.py"
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

WORK = None


def run(*args, env=None):
    e = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    e.update(env or {})
    return subprocess.run([CAORA_BIN, *args], capture_output=True, text=True, timeout=120, env=e)


def card_json(*args):
    res = run("--json", "selftest", "card", *args)
    try:
        doc = json.loads(res.stdout)
    except json.JSONDecodeError:
        raise AssertionError("not one JSON document (exit %d):\n%s\n%s" % (res.returncode, res.stdout, res.stderr))
    return res.returncode, doc


def max_rss_kb(image):
    """The peak memory of one `caora selftest card` run, from the kernel's accounting."""
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    proc = subprocess.Popen([CAORA_BIN, "--json", "selftest", "card", str(image)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss


def generate(name, count, seed, *extra):
    out = WORK / name
    res = subprocess.run([PYTHON, str(CARDGEN), "--out", str(out), "--count", str(count), "--seed", str(seed), *extra],
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError("cardgen failed: %s" % res.stderr)
    images = sorted(p for p in out.iterdir() if p.suffix in (".png", ".jpg"))
    return [(p, json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))) for p in images]


def setUpModule():
    global WORK
    if not Path(CAORA_BIN).exists():
        raise unittest.SkipTest("caora binary not found at %s" % CAORA_BIN)
    if subprocess.run([PYTHON, "-c", "import PIL, numpy"], capture_output=True).returncode != 0:
        raise unittest.SkipTest("the card generator needs python3-pil and python3-numpy")
    res = run("--json", "selftest", "card", "/nonexistent.png")
    if "without the card-face OCR" in res.stdout + res.stderr:
        raise unittest.SkipTest("this caora was built without the card-face OCR")
    WORK = Path(tempfile.mkdtemp(prefix="caora-selftest-card-"))


def tearDownModule():
    if WORK is not None:
        shutil.rmtree(WORK, ignore_errors=True)


class CleanCards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cards = generate("clean", 3, 4242)

    def test_exact_verification_number_and_exit_0(self):
        for image, truth in self.cards:
            with self.subTest(image=image.name):
                code, doc = card_json(str(image))
                self.assertEqual(doc["schema"], "caora.selftest.card/1")
                self.assertEqual(doc["verification_number_b"], truth["verification_number_b"], doc["fields"])
                for key in ("era", "yy", "mm", "dd"):
                    self.assertEqual(doc["birth_date"][key], truth["birth_date"][key])
                self.assertEqual(doc["expiry_year"], truth["expiry_year"])
                self.assertEqual(doc["security_code"], truth["security_code"])
                self.assertEqual(doc["rotation"], 90)
                self.assertEqual(doc["findings"], [])
                self.assertEqual(code, 0)
                for key in ("vertical", "face_up", "my_number_card"):
                    self.assertIs(doc["placement"][key], True)
                for key in ("upside_down", "sleeve", "hand"):
                    self.assertIs(doc["placement"][key], False)
                for field in ("birth_date", "expiry_year", "security_code"):
                    self.assertEqual(doc["fields"][field]["status"], "read")
                    self.assertGreaterEqual(doc["confidence"][field], 85)
                for stage in ("decode", "find", "rectify", "orientation", "placement", "ocr_birth_date",
                              "ocr_expiry_year", "ocr_security_code", "total", "load_ocr"):
                    self.assertIn(stage, doc["timings_ms"])
                # The card's corners match the generator's within a few pixels.
                got = doc["card_quad"]
                want = truth["card_quad"]
                worst = max(((g[0] - w[0]) ** 2 + (g[1] - w[1]) ** 2) ** 0.5 for g, w in zip(got, want))
                self.assertLess(worst, 8.0, (got, want))

    def test_the_digit_model_reads_every_date(self):
        # Its reading of a date line's numbers, cut out between 年, 月 and 日, is among
        # the votes and gives the date (on 元年 cards, the month and day; bench/card.sh's
        # clean card 15 is 大正元年 9月18日).
        for image, truth in self.cards + generate("gannen", 1, 2024, "--start", "15"):
            with self.subTest(image=image.name):
                code, doc = card_json(str(image))
                for field in ("birth_date", "expiry_year"):
                    digits = [v["text"] for v in doc["fields"][field]["votes"] if v["model"] == "digits"]
                    self.assertTrue(digits, doc["fields"][field])
                birth = truth["birth_date"]
                self.assertIn("%s年%d月%d日" % ("元" if birth["yy"] == "01" else str(int(birth["yy"])), int(birth["mm"]),
                                               int(birth["dd"])),
                              [v["text"] for v in doc["fields"]["birth_date"]["votes"] if v["model"] == "digits"][0])

    def test_text_output_in_both_languages(self):
        image, truth = self.cards[0]
        for lang, word in (("ja", "照合番号B"), ("en", "verification number B")):
            res = run("--lang", lang, "selftest", "card", str(image))
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertIn(word + ": " + truth["verification_number_b"], res.stdout)

    def test_the_card_turned_round_or_flat_still_reads(self):
        for placement, rotations in (("upside_down", {270}), ("horizontal", {0, 180})):
            for image, truth in generate(placement, 1, 77, "--placement", placement):
                with self.subTest(placement=placement):
                    code, doc = card_json(str(image))
                    self.assertEqual(code, 1)
                    self.assertIn(doc["rotation"], rotations)
                    self.assertEqual(doc["rotation"], truth["rotation"])
                    self.assertEqual(doc["verification_number_b"], truth["verification_number_b"])
                    ids = {f["id"] for f in doc["findings"]}
                    self.assertIn("card-turned-round" if placement == "upside_down" else "card-not-vertical", ids)
                    for f in doc["findings"]:
                        self.assertEqual((f["code"], f["recipe"]), ("001", "error-001"))


class PlacementFailures(unittest.TestCase):
    def check(self, placement, finding, cause, extra=()):
        for image, truth in generate(placement, 1, 91, *extra):
            code, doc = card_json(str(image))
            self.assertEqual(code, 1, doc["findings"])
            found = [f for f in doc["findings"] if f["id"] == finding]
            self.assertTrue(found, "%s: want %s in %s" % (placement, finding, [f["id"] for f in doc["findings"]]))
            self.assertEqual(found[0]["code"], "001")
            self.assertEqual(found[0]["recipe"], "error-001")
            self.assertEqual(found[0]["cause"], cause)
            self.assertTrue(found[0]["what"]["ja"] and found[0]["what"]["en"])
            return doc

    def test_back_side_up(self):
        doc = self.check("back_side", "card-face-down", "card-face-down", ("--placement", "back_side"))
        self.assertIs(doc["placement"]["face_up"], False)
        self.assertIsNone(doc["verification_number_b"])
        self.assertEqual(doc["fields"]["birth_date"]["status"], "not_read")

    def test_in_a_sleeve(self):
        doc = self.check("sleeve", "card-in-sleeve", "card-in-sleeve", ("--placement", "sleeve"))
        self.assertIs(doc["placement"]["sleeve"], True)

    def test_hand_over_the_card(self):
        doc = self.check("hand", "hand-in-frame", "hand-over-card", ("--placement", "hand"))
        self.assertIs(doc["placement"]["hand"], True)

    def test_blank_card(self):
        doc = self.check("blank", "card-face-down", "card-face-down", ("--kind", "blank"))
        self.assertIsNone(doc["verification_number_b"])

    def test_another_kind_of_card_gives_no_number(self):
        for image, truth in generate("other", 2, 3, "--kind", "other_card"):
            code, doc = card_json(str(image))
            self.assertEqual(code, 1)
            self.assertIsNone(doc["verification_number_b"], image)
            self.assertTrue({f["id"] for f in doc["findings"]} & {"card-face-down", "not-my-number-card"})


def findings_001(doc):
    return [f for f in doc["findings"] if f["code"] == "001"]


class Misreadings(unittest.TestCase):
    """Cards of bench/card.sh's sets on which a recognition model read a wrong value,
    and repeated it on every rendering: one model alone, or both Japanese models alike
    (the digit model, reading the date's numbers cut out of the line, is then the
    witness), or the card's background pattern across a digit. Each reads right now,
    or is at worst left unread (101), never wrong (a wrong 照合番号B would spend one of
    the card's ten tries)."""

    def reads_right(self, name, index, field, *how, seed=2024):
        for image, truth in generate(name, 1, seed, "--start", str(index), *how):
            code, doc = card_json(str(image))
            want = {k: truth["birth_date"][k] for k in ("era", "yy", "mm", "dd")} if field == "birth_date" else truth[field]
            got = doc.get(field)
            if field == "birth_date" and got is not None:
                got = {k: got[k] for k in ("era", "yy", "mm", "dd")}
            self.assertEqual(got, want, doc["fields"][field])
            self.assertEqual(doc["fields"][field]["status"], "read")
            self.assertGreaterEqual(doc["fields"][field]["agreeing"], 2)
            self.assertEqual(doc["verification_number_b"], truth["verification_number_b"])

    def test_second_font_expiry_year(self):
        # jpn read 2039 for 2030 on four renderings; the script and digit models read 2030.
        self.reads_right("font-expiry", 190041, "expiry_year", "--perturb", "font:moderate")

    def test_sevens_of_the_security_code(self):
        # The digit model read 7167 for 7767 on every rendering while the glyphs stood
        # close; set apart, it reads 7767, as jpn and script do.
        self.reads_right("sevens", 50035, "security_code", "--perturb", "scale:moderate")

    def test_mincho_birth_line_found(self):
        # jpn made nothing of the Mincho line (央正13年-5胡下母邊); the script model found it.
        self.reads_right("mincho", 190046, "birth_date", "--perturb", "font:moderate")

    def test_condensed_ten_both_japanese_models_misread(self):
        # A condensed 10月: jpn read 19月 and the script model 1月, on every rendering and
        # on both date lines; the digit model, on the numbers alone, read 10.
        self.reads_right("condensed-ten", 190006, "birth_date", "--perturb", "font:moderate")

    def test_digit_model_drops_a_digit(self):
        # The digit model read 37 as 3 on a number cut out alone; with the line's other
        # numbers beside it, it reads 37 (and a reading one digit short is no reading).
        self.reads_right("thirty-seven", 170027, "birth_date", "--perturb", "shadow:moderate")

    def test_background_line_across_a_month(self):
        # A line of the background pattern across a 5 made the digit model read 9 on
        # two renderings, which stood against the Japanese models' right 5.
        self.reads_right("background-month", 220011, "birth_date", "--placement", "horizontal")

    def test_background_line_across_the_code(self):
        # Under strong perspective, an arc of the background over a 3 made both Japanese
        # models read 8137 for 3137 (seed 7's set); the pattern is taken out first.
        self.reads_right("background-code", 40019, "security_code", "--perturb", "perspective:strong", seed=7)

    def not_read(self, name, index, field, *how, seed=2024):
        for image, truth in generate(name, 1, seed, "--start", str(index), *how):
            code, doc = card_json(str(image))
            self.assertIsNone(doc.get("verification_number_b"))
            self.assertNotEqual(doc["fields"][field]["status"], "read", doc["fields"][field])
            self.assertIn("101", [f["code"] for f in doc["findings"]])
            self.assertEqual(code, 1)
            return doc

    def test_day_cut_off_by_glare_is_not_read(self):
        # Glare took 7日生 off 昭和32年10月27日生: 10月2 must not become the 2nd.
        self.not_read("glare-day", 160025, "birth_date", "--perturb", "glare:strong")

    def test_code_both_japanese_models_misread_is_not_read(self):
        # Strong blur (seed 7's set): jpn and script read 3711 as 5711 on every rendering;
        # the digit model never read four digits there, so no code rather than a wrong one.
        doc = self.not_read("blurred-three", 80006, "security_code", "--perturb", "blur:strong", seed=7)
        self.assertIn("digit model", doc["fields"]["security_code"]["error"]["en"])


class PlacementUnderHardLight(unittest.TestCase):
    """Correctly placed fronts that the placement verdicts once called wrong. Each card is
    the generator's card of that index in bench/card.sh's set (seed 2024), so the figures
    in man caora-selftest can be traced to it."""

    def placed_right(self, name, index, *extra):
        for image, truth in generate(name, 1, 2024, "--start", str(index), *extra):
            code, doc = card_json(str(image))
            self.assertEqual(findings_001(doc), [], (name, doc["placement_measures"]))
            self.assertIs(doc["placement"]["my_number_card"], True)
            self.assertEqual(doc["rotation"], truth["rotation"])
            return doc

    def test_strongly_lit_front_is_a_my_number_card(self):
        # The title's print washed out to a pale pink (its old colour share: 0).
        self.placed_right("light-strong", 140002, "--perturb", "light:strong")

    def test_shadowed_front_is_a_my_number_card(self):
        # A shadow's edge across the title (its old colour share: 0.21).
        self.placed_right("shadow-moderate", 170007, "--perturb", "shadow:moderate")

    def test_sharp_shadow_does_not_turn_the_card_sideways(self):
        # Only the lit part was taken for the card: rotation 180, face down, sideways.
        doc = self.placed_right("shadow-strong", 180004, "--perturb", "shadow:strong")
        self.assertIs(doc["placement"]["vertical"], True)
        self.assertIs(doc["placement"]["face_up"], True)


class HandAtTheEdge(unittest.TestCase):
    def test_fingers_from_the_edge_are_caught(self):
        # Fingers reaching in over the card's edge (skin 1.3 % and 2.4 % of the card, below
        # the old 2.5 % share), one over the photo's place.
        for index in (250005, 250013):
            for image, truth in generate("hand-%d" % index, 1, 2024, "--start", str(index), "--placement", "hand"):
                with self.subTest(index=index, edge=truth["hand"]["edge"]):
                    code, doc = card_json(str(image))
                    self.assertEqual(code, 1)
                    self.assertIs(doc["placement"]["hand"], True, doc["placement_measures"])
                    hand = [f for f in doc["findings"] if f["id"] == "hand-in-frame"]
                    self.assertEqual([f["cause"] for f in hand], ["hand-over-card"])
                    # Skin joined to the outside is what is judged, not every warm pixel.
                    verdict = [v for v in doc["placement"]["verdicts"] if v["id"] == "no_hand"][0]
                    self.assertGreaterEqual(verdict["measured"], verdict["threshold"])

    def test_warm_pixels_on_a_card_without_a_hand_are_not_a_hand(self):
        for image, truth in generate("nohand", 3, 2024, "--start", "0"):
            code, doc = card_json(str(image))
            self.assertIs(doc["placement"]["hand"], False, doc["placement_measures"])
            self.assertNotIn("hand-in-frame", [f["id"] for f in doc["findings"]])


class PlacementCauses(unittest.TestCase):
    """Every placement finding of 001 names a cause of recipe 001, the one the card has."""

    @classmethod
    def setUpClass(cls):
        recipe = json.loads((SOURCE_DIR / "recipes" / "errors" / "001.json").read_text(encoding="utf-8"))
        cls.causes = {c["id"] for c in recipe["causes"]}

    def test_each_finding_carries_its_cause(self):
        cases = [(("--placement", "horizontal"), "card-not-vertical", "card-sideways"),
                 (("--placement", "upside_down"), "card-turned-round", "card-turned-round"),
                 (("--placement", "back_side"), "card-face-down", "card-face-down"),
                 (("--placement", "sleeve"), "card-in-sleeve", "card-in-sleeve"),
                 (("--placement", "hand"), "hand-in-frame", "hand-over-card"),
                 (("--kind", "other_card"), None, None)]
        for extra, finding, cause in cases:
            for image, truth in generate("cause-" + extra[1], 1, 13, *extra):
                with self.subTest(card=extra[1]):
                    code, doc = card_json(str(image))
                    ours = findings_001(doc)
                    self.assertTrue(ours)
                    for f in ours:
                        self.assertIn(f["cause"], self.causes, f)
                    if finding:
                        self.assertIn((finding, cause), [(f["id"], f["cause"]) for f in ours])

    def test_no_card_has_no_cause(self):
        p = WORK / "empty-slot.png"
        script = "from PIL import Image; Image.new('RGB', (1200, 1600), (28, 28, 30)).save(%r)" % str(p)
        subprocess.run([PYTHON, "-c", script], check=True, timeout=60)
        code, doc = card_json(str(p))
        self.assertEqual(code, 1)
        self.assertEqual([(f["id"], f["cause"]) for f in doc["findings"]], [("card-not-found", None)])


class BadInput(unittest.TestCase):
    def usage_error(self, path, word):
        code, doc = card_json(str(path))
        self.assertEqual(code, 2, doc)
        self.assertEqual(doc["schema"], "caora.error/1")
        self.assertIn(word, doc["error"]["en"])
        self.assertTrue(doc["error"]["ja"])
        res = run("--lang", "ja", "selftest", "card", str(path))
        self.assertEqual(res.returncode, 2)
        self.assertIn("caora:", res.stderr)

    def test_not_an_image(self):
        p = WORK / "notes.png"
        p.write_text("not an image at all\n")
        self.usage_error(p, "image")

    def test_empty_file(self):
        p = WORK / "empty.png"
        p.write_bytes(b"")
        self.usage_error(p, "empty")

    def test_missing_file(self):
        self.usage_error(WORK / "no-such-frame.png", "no-such-frame.png")

    def test_truncated_png(self):
        image, _ = generate("trunc", 1, 5)[0]
        data = image.read_bytes()
        p = WORK / "truncated.png"
        p.write_bytes(data[: len(data) // 2])
        self.usage_error(p, "image")

    def test_forty_megapixels_refused_with_bounded_memory(self):
        p = WORK / "huge.png"
        script = ("from PIL import Image; Image.new('L', (7300, 5480), 20).save(%r, optimize=False)" % str(p))
        subprocess.run([PYTHON, "-c", script], check=True, timeout=120)
        self.usage_error(p, "too large")
        # 40 megapixels decoded would take 120 MB more; refused from the header it takes
        # no more than refusing a file that is not an image at all.
        small = WORK / "not-an-image.png"
        small.write_text("x")
        self.assertLess(max_rss_kb(p), max_rss_kb(small) + 30 * 1024)

    def test_usage(self):
        image, _ = generate("usage", 1, 6)[0]
        res = run("selftest", "card", str(image), str(image))
        self.assertEqual(res.returncode, 2)
        res = run("selftest", "card", "--threshold", "0.5", str(image))
        self.assertEqual(res.returncode, 2)
        self.assertIn("selftest face", res.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
