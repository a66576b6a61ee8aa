#!/usr/bin/env python3
"""How the recipes' causes are decided: by a probe, by the detail code, only by
asking, or not at all. The README's figures come from here:

    python3 scripts/detection-coverage.py            # the counts, one line
    python3 scripts/detection-coverage.py --list     # plus every question-only cause
    python3 scripts/detection-coverage.py --json     # caora.detection-coverage/1

A cause with probe checks counts as "probe" even when it keeps a question for the
case the probes answer unknown; "detail" is `from_detail` (the screen's detail code
names the cause); "question" is a question and nothing else; "none" has no detect.
Standard library only.
"""

import argparse
import glob
import json
import os
import sys

KINDS = ("probe", "detail", "question", "none")


def kind_of(cause):
    detect = cause.get("detect")
    if not detect:
        return "none"
    if detect.get("checks"):
        return "probe"
    if detect.get("from_detail"):
        return "detail"
    if detect.get("question"):
        return "question"
    return "none"


def coverage(recipes_dir):
    counts = {k: 0 for k in KINDS}
    question_only, with_fallback = [], 0
    for path in sorted(glob.glob(os.path.join(recipes_dir, "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            recipe = json.load(f)
        for cause in recipe.get("causes", []):
            kind = kind_of(cause)
            counts[kind] += 1
            if kind == "probe" and cause["detect"].get("question"):
                with_fallback += 1
            if kind == "question":
                question_only.append({"recipe": recipe["id"], "cause": cause["id"], "title": cause["title"]["en"]})
    return {"schema": "caora.detection-coverage/1", "causes": sum(counts.values()), "counts": counts,
            "probe_with_question_fallback": with_fallback, "question_only": question_only}


def summary_line(c):
    n = c["counts"]
    return ("%d causes: %d decided by a probe (%d of them ask when the probe cannot tell), %d by the detail code, "
            "%d only by asking, %d not at all" % (c["causes"], n["probe"], c["probe_with_question_fallback"], n["detail"],
                                                   n["question"], n["none"]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", default=os.path.join(here, "..", "recipes"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    c = coverage(args.recipes)
    if args.json:
        json.dump(c, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(summary_line(c))
    if args.list:
        for q in c["question_only"]:
            print("  %s %s: %s" % (q["recipe"], q["cause"], q["title"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
