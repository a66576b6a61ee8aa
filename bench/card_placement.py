#!/usr/bin/python3
"""Error 001's placement verdicts of `caora selftest card` against the generator's
ground truth: per set, how many cards were flagged, how many of those flags are
false alarms (a finding the card does not deserve), how many wanted findings were
missed, and the spread of each measured value. Figures only, no pass/fail.

The cards come from tests/tools/cardgen (a folder of sets, NNNN.png/.jpg with
NNNN.json beside each), as bench/card.sh generates them, or made here with
--generate.

Usage:
  bench/card_placement.py --cards DIR [--bin build/caora] [--sets clean,shadow-strong] [-j 2]
  bench/card_placement.py --generate DIR --count 16 --seed 7   # make a fresh set first
"""
import argparse
import concurrent.futures as cf
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CARDGEN = os.path.join(SOURCE, "tests", "tools", "cardgen", "cardgen.py")

DEFAULT_SETS = ["clean", "light-strong", "shadow-moderate", "shadow-strong", "blur-strong", "jpeg-strong",
                "glare-strong", "placement-back_side", "placement-sleeve", "placement-hand",
                "placement-horizontal", "placement-upside_down", "kind-other_card", "kind-blank"]
MEASURES = ["skin_share", "skin_share_any", "sleeve_rim", "title_colour", "paper_chroma"]


def wanted(truth):
    """The findings of 001 the card deserves, and those it may have without being wrong."""
    p = truth["placement"]
    want, may = set(), set()
    if not p["vertical"]:
        want.add("card-not-vertical")
    if truth["kind"] == "blank" or not p["face_up"]:
        want.add("card-face-down")
    if truth["kind"] == "other_card":
        # Another card has no photo where the front has it: either finding names it.
        want.add("not-my-number-card")
        may.add("card-face-down")
    if p["upside_down"]:
        want.add("card-turned-round")
    if p["sleeve"]:
        want.add("card-in-sleeve")
    if p["hand"]:
        want.add("hand-in-frame")
    return want, may


def run_one(binary, image):
    res = subprocess.run([binary, "--json", "selftest", "card", image], capture_output=True, text=True,
                         env=dict(os.environ, LANG="C.UTF-8"))
    doc = json.loads(res.stdout)
    return res.returncode, doc


def generate(out, count, seed):
    for s in DEFAULT_SETS:
        group, _, name = s.partition("-")
        if group == "clean":
            args = []
        elif group == "placement":
            args = ["--placement", name]
        elif group == "kind":
            args = ["--kind", name]
        else:
            args = ["--perturb", "%s:%s" % (group, name)]
        subprocess.run(["/usr/bin/python3", CARDGEN, "--out", os.path.join(out, s), "--count", str(count), "--seed",
                        str(seed), *args], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cards", help="folder of generated sets")
    ap.add_argument("--bin", default=os.path.join(SOURCE, "build", "caora"))
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--generate", help="generate the default sets into this folder first")
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--misses", action="store_true", help="list every false alarm and miss")
    args = ap.parse_args()
    if args.generate:
        generate(args.generate, args.count, args.seed)
        args.cards = args.cards or args.generate
    if not args.cards:
        ap.error("--cards or --generate is needed")

    print("%-22s %5s %7s %6s %6s %6s  %s" % ("set", "cards", "flagged", "false", "missed", "rot!", "measures (min..max)"))
    total_false = total_missed = 0
    for s in args.sets.split(","):
        folder = os.path.join(args.cards, s)
        if not os.path.isdir(folder):
            print("%-22s (missing)" % s)
            continue
        images = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".png", ".jpg")))
        with cf.ThreadPoolExecutor(args.j) as pool:
            docs = list(pool.map(lambda i: run_one(args.bin, i), images))
        flagged = false = missed = rot_wrong = 0
        values = {m: [] for m in MEASURES}
        notes = []
        for image, (code, doc) in zip(images, docs):
            truth = json.load(open(os.path.splitext(image)[0] + ".json", encoding="utf-8"))
            want, may = wanted(truth)
            got = {f["id"] for f in doc.get("findings", []) if f["code"] == "001"}
            flagged += bool(got)
            extra, lacking = got - want - may, want - got
            if truth["kind"] == "other_card" and got & {"not-my-number-card", "card-face-down"}:
                lacking.discard("not-my-number-card")
            false += bool(extra)
            missed += bool(lacking)
            if doc.get("rotation") is not None and truth["kind"] == "my_number_front" and doc["rotation"] != truth["rotation"]:
                rot_wrong += 1
            for m in MEASURES:
                if doc.get("placement_measures"):
                    values[m].append(doc["placement_measures"][m])
            if extra or lacking:
                notes.append("  %s: false %s missed %s %s" % (os.path.basename(image), sorted(extra), sorted(lacking),
                                                             doc.get("placement_measures")))
        spread = " ".join("%s %.3g..%.3g" % (m, min(v), max(v)) for m, v in values.items() if v)
        print("%-22s %5d %7d %6d %6d %6d  %s" % (s, len(images), flagged, false, missed, rot_wrong, spread))
        if args.misses:
            print("\n".join(notes))
        total_false += false
        total_missed += missed
    print("total: %d cards with a false alarm, %d with a missed finding" % (total_false, total_missed))


if __name__ == "__main__":
    main()
