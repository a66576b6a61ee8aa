#!/usr/bin/env python3
"""MeCab words against caora's character bigrams, on the lookup query set.

Ranks the recipes for every query of tests/data/lookup/queries.tsv with MeCab's
segmentation (ipadic; content words: nouns, verbs, adjectives, unknown words and
ASCII words), weighted like caora's ranking: each query word by its rarity across
the recipes (idf) times the weight of the heaviest recipe field holding it (screen
texts and keywords 1.0, title 0.9, detail titles 0.7, cause titles 0.6, summary 0.5),
with the same whole-phrase field match caora uses; then prints top-1 and top-3 rates
beside `caora_bench lookup`'s, which ranks the same queries with character bigrams.

    apt-get install mecab mecab-ipadic-utf8
    python3 bench/lookup_mecab.py [--bench build/caora_bench]

Rows whose expected item is not in recipes/ are skipped, as in the unit test, and so are
the bare detail codes (variant:code), which lookup resolves as codes before any ranking.
Standard library and the mecab command only.
"""

import argparse
import glob
import json
import math
import os
import subprocess
import sys
import time
import unicodedata

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CONTENT = ("名詞", "動詞", "形容詞", "副詞", "記号-アルファベット")


def fold(s):
    return unicodedata.normalize("NFKC", s).lower()


def mecab_words(texts):
    """One list of content words per text, from one mecab run."""
    joined = "\n".join(t.replace("\n", " ") for t in texts) + "\n"
    out = subprocess.run(["mecab"], input=joined.encode("utf-8"), stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    result, cur = [], []
    for line in out.split("\n"):
        if line == "EOS":
            result.append(cur)
            cur = []
            continue
        if "\t" not in line:
            continue
        surface, feat = line.split("\t", 1)
        f = feat.split(",")
        if f[0] == "記号" or f[0] in ("助詞", "助動詞") or f[1] in ("非自立", "接尾") and f[0] == "名詞" and len(surface) < 2:
            continue
        base = f[6] if len(f) > 6 and f[6] != "*" else surface
        cur.append(base)
    return result[: len(texts)]


def fields_of(r):
    out = [(s, 1.0) for s in r.get("screen_texts", [])]
    out += [(k, 1.0) for k in r.get("keywords", {}).get("ja", []) + r.get("keywords", {}).get("en", [])]
    out += [(r["title"]["ja"], 0.9), (r["title"]["en"], 0.9), (r["summary"]["ja"], 0.5), (r["summary"]["en"], 0.5)]
    for d in r.get("details", []):
        out += [(d["title"]["ja"], 0.7), (d["title"]["en"], 0.7)]
    for c in r.get("causes", []):
        out += [(c["title"]["ja"], 0.6), (c["title"]["en"], 0.6)]
    return [(fold(t), w) for t, w in out if t]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(REPO, "build", "caora_bench"))
    args = ap.parse_args()
    recipes = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(REPO, "recipes", "*", "*.json")))]
    ids = {r["id"] for r in recipes}
    rows = []
    for n, line in enumerate(open(os.path.join(REPO, "tests", "data", "lookup", "queries.tsv"), encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        q, want, origin = (line.split("\t") + [""])[:3]
        if want in ids and origin != "variant:code":  # codes go through code lookup, not ranking
            rows.append((q, want))
    fields = [fields_of(r) for r in recipes]
    flat = [t for fs in fields for t, _ in fs]
    words = mecab_words(flat)
    it = iter(words)
    held = []  # per recipe: word -> heaviest weight
    for fs in fields:
        h = {}
        for _, w in fs:
            for word in next(it):
                h[word] = max(h.get(word, 0), w)
        held.append(h)
    df = {}
    for h in held:
        for word in h:
            df[word] = df.get(word, 0) + 1
    t0 = time.perf_counter()
    qwords = mecab_words([fold(q) for q, _ in rows])
    top1 = top3 = 0
    for (q, want), qw in zip(rows, qwords):
        fq = fold(q).strip()
        qw = list(dict.fromkeys(qw))
        idf = [math.log((len(recipes) + 1) / (df.get(w, 0) + 0.5)) for w in qw]
        total = sum(idf) or 1
        scored = []
        for r, h, fs in zip(recipes, held, fields):
            rare = sum(i * h.get(w, 0) for w, i in zip(qw, idf)) / total
            best = max([(0.7 + 0.3 * len(fq) / len(t)) * wt for t, wt in fs if fq and fq in t] + [0])
            scored.append((0.5 * best + 0.5 * rare, r["id"]))
        scored.sort(key=lambda s: -s[0])
        ranked = [i for s, i in scored[:3] if s > 0]
        top1 += bool(ranked) and ranked[0] == want
        top3 += want in ranked
    ms = (time.perf_counter() - t0) * 1000 / max(len(rows), 1)
    n = len(rows)
    print("MeCab words (ipadic):  top-1 %5.1f %% (%d/%d)   top-3 %5.1f %% (%d/%d)   %.2f ms/query incl. mecab" %
          (100.0 * top1 / n, top1, n, 100.0 * top3 / n, top3, n, ms))
    if os.path.exists(args.bench):
        out = subprocess.run([args.bench, "lookup"], stdout=subprocess.PIPE).stdout.decode("utf-8")
        print("caora bigrams (caora_bench lookup):")
        sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
