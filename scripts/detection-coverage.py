#!/usr/bin/env python3
"""How the recipes' causes are decided: by a probe, by the detail code, only by
asking, or not at all. The README's figures come from here:

    python3 scripts/detection-coverage.py            # the counts, and the question-only ones by reason
    python3 scripts/detection-coverage.py --list     # plus every question-only cause, grouped by reason
    python3 scripts/detection-coverage.py --json     # caora.detection-coverage/1

A cause with probe checks counts as "probe" even when it keeps a question for the
case the probes answer unknown; "detail" is `from_detail` (the screen's detail code
names the cause); "question" is a question and nothing else; "none" has no detect.
A question-only or unchecked cause says why no probe can decide it (`no_probe`,
see caora-recipes(5)); the reasons are counted in the order of REASONS.
Standard library only.
"""

import argparse
import glob
import json
import os
import sys

KINDS = ("probe", "detail", "question", "none")
# The vocabulary of no_probe.reason, as diag/recipe.cc's no_probe_reasons().
REASONS = ("person-sees", "physical", "surroundings", "practice", "remote", "account", "no-reference", "unspecified")
MISSING = "(no reason)"


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
    by_reason = {"question": {}, "none": {}}
    for path in sorted(glob.glob(os.path.join(recipes_dir, "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            recipe = json.load(f)
        for cause in recipe.get("causes", []):
            kind = kind_of(cause)
            counts[kind] += 1
            if kind == "probe" and cause["detect"].get("question"):
                with_fallback += 1
            reason = (cause.get("no_probe") or {}).get("reason", MISSING)
            if kind in ("question", "none"):
                by_reason[kind][reason] = by_reason[kind].get(reason, 0) + 1
            if kind == "question":
                question_only.append({"recipe": recipe["id"], "cause": cause["id"], "title": cause["title"]["en"],
                                      "reason": reason, "note": (cause.get("no_probe") or {}).get("note")})
    return {"schema": "caora.detection-coverage/1", "causes": sum(counts.values()), "counts": counts,
            "probe_with_question_fallback": with_fallback, "question_only": question_only,
            "no_probe_reasons": {k: ordered(v) for k, v in by_reason.items()}}


def ordered(counts):
    keys = [r for r in REASONS if r in counts] + sorted(k for k in counts if k not in REASONS)
    return {k: counts[k] for k in keys}


def summary_line(c):
    n = c["counts"]
    return ("%d causes: %d decided by a probe (%d of them ask when the probe cannot tell), %d by the detail code, "
            "%d only by asking, %d not at all" % (c["causes"], n["probe"], c["probe_with_question_fallback"], n["detail"],
                                                   n["question"], n["none"]))


def reasons_line(c):
    parts = ["%d %s" % (n, r) for r, n in c["no_probe_reasons"]["question"].items()]
    return "why no probe decides the %d question-only causes: %s" % (c["counts"]["question"], ", ".join(parts))


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
    print(reasons_line(c))
    if args.list:
        for reason in c["no_probe_reasons"]["question"]:
            print("%s:" % reason)
            for q in c["question_only"]:
                if q["reason"] == reason:
                    note = " (%s)" % q["note"] if q["note"] else ""
                    print("  %s %s: %s%s" % (q["recipe"], q["cause"], q["title"], note))
    # A cause without a reason, or with a word outside the vocabulary, is an error in the recipes.
    unknown = [r for kind in c["no_probe_reasons"].values() for r in kind if r not in REASONS]
    if unknown:
        print("detection-coverage: causes without a known no_probe reason: %s" % ", ".join(unknown), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
