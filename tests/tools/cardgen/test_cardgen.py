#!/usr/bin/env python3
"""Checks the synthetic card generator: the same arguments give the same
bytes, the ground truth agrees with CARD.md's rules and with the picture
(the card is where card_quad says, Tesseract reads the printed expiry year and
security code off a rectified clean card), and every perturbation, placement
and kind renders and leaves its mark."""
import datetime as dt
import filecmp
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CARDGEN = os.path.join(HERE, "cardgen.py")
# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import cardgen  # noqa: E402

# CARD.md's era table, written out again here so the test does not trust the
# generator's own copy.
ERA_TABLE = {
    "大正": (dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    "昭和": (dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    "平成": (dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "令和": (dt.date(2019, 5, 1), dt.date(9999, 12, 31)),
}


def run(*args):
    return subprocess.run([sys.executable, CARDGEN, *args], capture_output=True, text=True, timeout=300)


def render_set(out, *args, count=1, seed=3):
    res = run("--out", out, "--count", str(count), "--seed", str(seed), *args)
    if res.returncode != 0:
        raise AssertionError(f"cardgen {args} failed: {res.stderr}")
    truths = []
    for name in sorted(os.listdir(out)):
        if name.endswith(".json"):
            with open(os.path.join(out, name), encoding="utf-8") as f:
                truths.append(json.load(f))
    return truths


def inside_mean(img, quad, shrink):
    """Mean luminance near the quad's centre (shrink 0..1 of the way to it)."""
    a = np.asarray(img.convert("L"), np.float32)
    cx = sum(p[0] for p in quad) / 4
    cy = sum(p[1] for p in quad) / 4
    vals = []
    for x, y in quad:
        px, py = cx + (x - cx) * shrink, cy + (y - cy) * shrink
        vals.append(a[int(py) - 3:int(py) + 4, int(px) - 3:int(px) + 4].mean())
    return float(np.mean(vals))


def rectify(img, quad, px_per_mm=12):
    w, h = int(85.6 * px_per_mm), int(54.0 * px_per_mm)
    # PIL's QUAD takes the source corners in the order TL, BL, BR, TR.
    tl, tr, br, bl = quad
    data = [*tl, *bl, *br, *tr]
    return img.transform((w, h), Image.QUAD, data, Image.BICUBIC)


class Determinism(unittest.TestCase):
    def test_same_arguments_same_bytes(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b, c = (os.path.join(tmp, n) for n in "abc")
            for out in (a, b):
                render_set(out, "--perturb", "noise:moderate", "--perturb", "glare:strong", count=2)
            render_set(c, "--perturb", "noise:moderate", "--perturb", "glare:strong", count=2, seed=4)
            names = sorted(os.listdir(a))
            self.assertEqual(names, ["0000.json", "0000.png", "0001.json", "0001.png"])
            match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
            self.assertEqual((mismatch, errors), ([], []))
            self.assertFalse(filecmp.cmp(os.path.join(a, "0000.png"), os.path.join(c, "0000.png"), shallow=False))

    def test_start_continues_a_set(self):
        # Splitting a set over workers with --start gives the same cards.
        with tempfile.TemporaryDirectory() as tmp:
            whole, part = os.path.join(tmp, "whole"), os.path.join(tmp, "part")
            render_set(whole, count=2)
            res = run("--out", part, "--count", "1", "--start", "1", "--seed", "3")
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertTrue(filecmp.cmp(os.path.join(whole, "0001.png"), os.path.join(part, "0001.png"), shallow=False))


class GroundTruth(unittest.TestCase):
    def test_identities_follow_card_rules(self):
        eras_seen, gannen, boundary = set(), 0, 0
        for index in range(3000):
            who = cardgen.identity(11, index)
            b = who["birth_date"]
            born = dt.date.fromisoformat(b["gregorian"])
            first, last = ERA_TABLE[b["era"]]
            self.assertTrue(first <= born <= last, f"{b} outside {b['era']}")
            self.assertEqual(int(b["yy"]), born.year - first.year + 1, b)
            self.assertEqual((b["mm"], b["dd"]), (f"{born.month:02d}", f"{born.day:02d}"))
            expiry = dt.date.fromisoformat(who["expiry_date"])
            self.assertGreater(expiry.year, born.year, who)
            self.assertEqual(who["expiry_year"], f"{expiry.year:04d}")
            self.assertRegex(who["security_code"], r"^[0-9]{4}$")
            self.assertEqual(who["verification_number_b"],
                             b["yy"] + b["mm"] + b["dd"] + who["expiry_year"] + who["security_code"])
            self.assertRegex(who["verification_number_b"], r"^[0-9]{14}$")
            eras_seen.add(b["era"])
            gannen += b["yy"] == "01"
            boundary += born in (first, last)
        self.assertEqual(eras_seen, set(ERA_TABLE))
        self.assertGreater(gannen, 100)
        self.assertGreater(boundary, 50)

    def test_my_number_check_digit(self):
        # The published example of the check-digit rule: 12345678901 → 8.
        class Fixed:
            def __init__(self):
                self.digits = iter([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])

            def randrange(self, _):
                return next(self.digits)
        self.assertEqual(cardgen.my_number(Fixed()), "123456789018")


class Rendering(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cardgen-test-")
        cls.clean = render_set(os.path.join(cls.tmp, "clean"), count=3)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def image(self, folder, truth):
        return Image.open(os.path.join(self.tmp, folder, truth["image"]))

    def check_frame(self, folder, truth):
        img = self.image(folder, truth)
        self.assertEqual(img.size, (1200, 1600))
        for x, y in truth["card_quad"]:
            self.assertTrue(0 <= x < 1200 and 0 <= y < 1600, truth["card_quad"])
        # The card's top edge runs at the card's turn (counter-clockwise, y down).
        (x0, y0), (x1, y1) = truth["card_quad"][0], truth["card_quad"][1]
        angle = math.degrees(math.atan2(-(y1 - y0), x1 - x0)) % 360
        diff = (angle - truth["rotation"] - truth["skew_deg"] + 180) % 360 - 180
        self.assertLess(abs(diff), 10, (angle, truth["rotation"], truth["skew_deg"]))
        return img

    def test_clean_front(self):
        for t in self.clean:
            self.assertEqual(t["schema"], "caora.cardgen/1")
            self.assertEqual(t["kind"], "my_number_front")
            self.assertEqual(t["rotation"], 90)
            self.assertEqual(t["placement"], {"name": "correct", "vertical": True, "face_up": True,
                                              "upside_down": False, "sleeve": False, "hand": False})
            img = self.check_frame("clean", t)
            # The light card is where the quad says, the dark slot outside it.
            self.assertGreater(inside_mean(img, t["card_quad"], 0.9), 150)
            self.assertLess(inside_mean(img, t["card_quad"], 1.15), 90)

    def test_printed_fields_match_truth(self):
        # Tesseract, an independent reader, on the upright card: the expiry
        # year and the security code printed are the ones in the truth.
        if not shutil.which("tesseract"):
            self.fail("tesseract is missing: scripts/deps.sh installs tesseract-ocr")
        for t in self.clean:
            card = rectify(self.image("clean", t), t["card_quad"])
            path = os.path.join(self.tmp, f"rect-{t['index']}.png")
            card.save(path)
            res = subprocess.run(["tesseract", path, "stdout", "-l", "jpn", "--psm", "6"],
                                 capture_output=True, text=True, timeout=120)
            text = res.stdout.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(" ", "")
            self.assertIn(t["expiry_year"] + "年", text, text)
            self.assertIn(t["security_code"], text, text)
            self.assertIn("まで有効", text, text)

    def test_each_perturbation_renders_and_changes_the_picture(self):
        base = np.asarray(self.image("clean", self.clean[0]).convert("L"), np.float32)
        for name in cardgen.PERTURBATIONS:
            for level in cardgen.LEVELS:
                with self.subTest(perturbation=name, level=level):
                    folder = f"{name}-{level}"
                    (t,) = render_set(os.path.join(self.tmp, folder), "--perturb", f"{name}:{level}")
                    self.assertEqual(t["perturbations"][name]["level"], level)
                    self.assertGreater(len(t["perturbations"][name]), 1, t["perturbations"])
                    self.assertTrue(t["image"].endswith(".jpg" if name == "jpeg" else ".png"))
                    img = self.check_frame(folder, t)
                    # Local effects (a glare spot) show in the tail of the difference.
                    diff = np.abs(np.asarray(img.convert("L"), np.float32) - base)
                    self.assertGreater(np.percentile(diff, 99.9), 15, f"{name}:{level} left the picture as it was")
                    self.assertEqual(t["verification_number_b"], self.clean[0]["verification_number_b"])

    def test_strong_is_stronger_than_moderate(self):
        def level(name, lvl, key):
            with open(os.path.join(self.tmp, f"{name}-{lvl}", "0000.json"), encoding="utf-8") as f:
                return abs(json.load(f)["perturbations"][name][key])
        if not os.path.exists(os.path.join(self.tmp, "blur-strong")):
            self.test_each_perturbation_renders_and_changes_the_picture()
        for name, key in (("blur", "radius_px"), ("noise", "sigma"), ("rotation", "skew_deg"), ("glare", "peak")):
            self.assertGreater(level(name, "strong", key), level(name, "moderate", key), name)
        self.assertLess(level("jpeg", "strong", "quality"), level("jpeg", "moderate", "quality"))

    def test_placements(self):
        expect = {
            "upside_down": dict(rotation={270}, vertical=True, face_up=True, upside_down=True),
            "horizontal": dict(rotation={0, 180}, vertical=False, face_up=True),
            "back_side": dict(rotation={90}, vertical=True, face_up=False, kind="my_number_back"),
            "sleeve": dict(rotation={90}, sleeve=True),
            "hand": dict(rotation={90}, hand=True),
        }
        for placement, want in expect.items():
            with self.subTest(placement=placement):
                truths = render_set(os.path.join(self.tmp, placement), "--placement", placement, count=2)
                for t in truths:
                    self.check_frame(placement, t)
                    self.assertIn(t["rotation"], want["rotation"])
                    self.assertEqual(t["placement"]["name"], placement)
                    for key in ("vertical", "face_up", "upside_down", "sleeve", "hand"):
                        if key in want:
                            self.assertEqual(t["placement"][key], want[key], (placement, key))
                    self.assertEqual(t["kind"], want.get("kind", "my_number_front"))
                if placement == "back_side":
                    self.assertRegex(truths[0]["my_number"], r"^[0-9]{12}$")
        horizontal = render_set(os.path.join(self.tmp, "horizontal-long"), "--placement", "horizontal", count=6)
        # Landscape in a portrait frame: wider than tall.
        for t in horizontal:
            xs = [p[0] for p in t["card_quad"]]
            ys = [p[1] for p in t["card_quad"]]
            self.assertGreater(max(xs) - min(xs), max(ys) - min(ys))
        self.assertEqual({t["rotation"] for t in horizontal}, {0, 180})

    def test_other_kinds(self):
        for kind in ("other_card", "blank"):
            with self.subTest(kind=kind):
                (t,) = render_set(os.path.join(self.tmp, kind), "--kind", kind)
                self.assertEqual(t["kind"], kind)
                self.assertIsNone(t["verification_number_b"])
                img = self.check_frame(kind, t)
                lum = np.asarray(rectify(img, t["card_quad"]).convert("L"), np.float32)
                if kind == "blank":
                    self.assertLess(lum[20:-20, 20:-20].std(), 8)
                else:
                    self.assertIn(t["other_kind"], ("licence_like", "point_card"))


class Usage(unittest.TestCase):
    def test_bad_arguments_are_usage_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            for args in (["--perturb", "wobble"], ["--perturb", "blur:extreme"], ["--placement", "sideways"],
                         ["--count", "-1"]):
                res = run("--out", os.path.join(tmp, "x"), *args)
                self.assertEqual(res.returncode, 2, args)
                self.assertIn("error", res.stderr)
                self.assertFalse(os.path.exists(os.path.join(tmp, "x", "0000.png")))

    def test_unwritable_output_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            blocker = os.path.join(tmp, "file")
            open(blocker, "w").close()
            res = run("--out", blocker, "--count", "1")
            self.assertEqual(res.returncode, 1)
            self.assertIn("cardgen:", res.stderr)
            self.assertIn(blocker, res.stderr)
            self.assertNotIn("Traceback", res.stderr)


if __name__ == "__main__":
    unittest.main()
