#!/usr/bin/python3
"""Card-face OCR accuracy: `caora selftest card` against plain Tesseract on
the same generated cards, in the same run.

Generates a fixed-seed set with tests/tools/cardgen (clean, every perturbation
at moderate and strong, the placement failures), runs `caora --json selftest
card IMAGE` on each card and, as the baseline, `tesseract IMAGE stdout -l
jpn+eng` over the whole frame (plain, and with --psm 1 so Tesseract may turn
the page itself), read with regular expressions. Prints exact-match rates per
field and per set, times, and every miss of ours; missed images are copied to a
folder named at the end. Figures only: nothing here is a pass/fail test.
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CARDGEN = os.path.join(SOURCE, "tests", "tools", "cardgen", "cardgen.py")
# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(CARDGEN))
import cardgen  # noqa: E402

FIELDS = ["birth_date", "expiry_year", "security_code", "verification_number_b"]
SHORT = {"birth_date": "birth", "expiry_year": "expiry", "security_code": "code", "verification_number_b": "照合番号B"}
# Sets whose fields are scored (a front that OCR should read, at whatever turn).
PLACEMENTS_SCORED = ["upside_down", "horizontal"]
# Sets where only the verdict matters.
PLACEMENTS_VERDICT = ["back_side", "sleeve", "hand"]
KINDS_VERDICT = ["other_card", "blank"]


def card_sets(per_set, per_verdict_set, moderate_only=False):
    """(name, cardgen arguments, count, scored) for every set, in print order.
    moderate_only: the clean and moderate sets alone, the ones the 99.9 % goal is about."""
    sets = [("clean", [], per_set, True)]
    for name in cardgen.PERTURBATIONS:
        for level in cardgen.LEVELS:
            if moderate_only and level != "moderate":
                continue
            sets.append((f"{name}:{level}", ["--perturb", f"{name}:{level}"], per_set, True))
    if moderate_only:
        return sets
    for p in PLACEMENTS_SCORED:
        sets.append((f"placement:{p}", ["--placement", p], per_verdict_set, True))
    for p in PLACEMENTS_VERDICT:
        sets.append((f"placement:{p}", ["--placement", p], per_verdict_set, False))
    for k in KINDS_VERDICT:
        sets.append((f"kind:{k}", ["--kind", k], per_verdict_set, False))
    return sets


def find_caora():
    explicit = os.environ.get("CAORA_BIN")
    if explicit:
        return explicit
    return os.path.join(SOURCE, "build", "caora")


def has_selftest_card(caora):
    if not os.path.isfile(caora) or not os.access(caora, os.X_OK):
        return False, f"{caora} does not exist or is not executable (set CAORA_BIN or build into build/)"
    res = subprocess.run([caora, "selftest", "card", "--help"], capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        return False, f"{caora} has no `selftest card` yet (exit {res.returncode}): {res.stderr.strip()[:300]}"
    return True, ""


def generate(work, sets, seed, jobs):
    """Each set in its own folder; set k numbers its cards from k*10000 so that
    no two sets share a card holder."""
    tasks = []
    for k, (name, args, count, _) in enumerate(sets):
        # A kept --work folder is reused: cards already there are not drawn again.
        out = os.path.join(work, name.replace(":", "-"))
        start = k * 10000
        half = (count + 1) // 2
        for first, n in ((start, half), (start + half, count - half)):
            if n > 0 and not os.path.exists(os.path.join(out, f"{first + n - 1:04d}.json")):
                tasks.append([sys.executable, CARDGEN, "--out", out, "--seed", str(seed), "--start", str(first),
                              "--count", str(n), *args])
    with cf.ThreadPoolExecutor(jobs) as pool:
        for res in pool.map(lambda cmd: subprocess.run(cmd, capture_output=True, text=True), tasks):
            if res.returncode != 0:
                raise SystemExit(f"cardgen failed: {res.stderr}")
    cards = []
    for k, (name, _, count, scored) in enumerate(sets):
        folder = os.path.join(work, name.replace(":", "-"))
        for index in range(k * 10000, k * 10000 + count):
            with open(os.path.join(folder, f"{index:04d}.json"), encoding="utf-8") as fh:
                truth = json.load(fh)
            cards.append({"set": name, "scored": scored, "image": os.path.join(folder, truth["image"]),
                          "truth": truth})
    return cards


def child_env(jobs):
    """With several cards at a time on a small machine, one OpenMP thread per
    process (Tesseract's, ours and the baseline's alike) keeps the cores from
    being oversubscribed and the comparison even."""
    env = dict(os.environ)
    if jobs > 1:
        env["OMP_THREAD_LIMIT"] = "1"
    return env


def run_ours(caora, image, timeout, env):
    start = time.monotonic()
    try:
        res = subprocess.run([caora, "--json", "selftest", "card", image], capture_output=True, text=True,
                             timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s", "wall_ms": timeout * 1000}
    wall = (time.monotonic() - start) * 1000
    try:
        doc = json.loads(res.stdout)
    except json.JSONDecodeError:
        return {"error": f"exit {res.returncode}, no JSON: {res.stderr.strip()[:200]}", "wall_ms": wall}
    doc["_exit"] = res.returncode
    return {"doc": doc, "wall_ms": wall}


def run_ours_batch(caora, cards, work, timeout):
    """Every card as a case of one `caora selftest batch` (Tesseract loaded once):
    the same card stage as `selftest card`, without a process start per card. Each
    card's answer is the batch case's card document; its time, the case's
    placement and OCR medians."""
    manifest = os.path.join(work, "batch.json")
    with open(manifest, "w", encoding="utf-8") as fh:
        json.dump({"schema": "caora.selftest-batch/1",
                   "cases": [{"id": "k%d" % i, "card": c["image"]} for i, c in enumerate(cards)]}, fh)
    start = time.monotonic()
    res = subprocess.run([caora, "--json", "--state-dir", os.path.join(work, "state"), "selftest", "batch", manifest],
                         capture_output=True, text=True, timeout=timeout * max(1, len(cards)))
    try:
        doc = json.loads(res.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"selftest batch gave no JSON (exit {res.returncode}): {res.stderr.strip()[:500]}")
    wall = (time.monotonic() - start) * 1000 / max(1, len(cards))
    out = []
    for case in doc["cases"]:
        card = dict(((case.get("run") or {}).get("card")) or {})
        ms = case.get("median_ms") or {}
        card["timings_ms"] = {"total": sum(ms.get(k, 0) for k in ("placement", "ocr"))}
        out.append({"doc": card, "wall_ms": wall})
    return out


def normalise(text):
    """Full-width digits and letters to ASCII (NFKC), spaces of any width out."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[ \t\u3000]+", "", text)


ERA_RE = re.compile(r"(大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日生")
EXPIRY_RE = re.compile(r"(\d{4})年[^\n]{0,12}?まで")
CODE_LINE_RE = re.compile(r"^(\d{4})$", re.M)
CODE_ANY_RE = re.compile(r"(?<!\d)(\d{4})(?![\d年号番月日])")


def parse_baseline(raw):
    text = normalise(raw)
    out = {"birth_date": None, "expiry_year": None, "security_code": None, "verification_number_b": None}
    m = ERA_RE.search(text)
    if m:
        yy = "01" if m.group(2) == "元" else f"{int(m.group(2)):02d}"
        out["birth_date"] = {"era": m.group(1), "yy": yy, "mm": f"{int(m.group(3)):02d}",
                             "dd": f"{int(m.group(4)):02d}"}
    m = EXPIRY_RE.search(text)
    if m:
        out["expiry_year"] = m.group(1)
    # A line holding only four digits is the code; else the last lone 4-digit
    # group that is not a year, a room or block number.
    lines = CODE_LINE_RE.findall(text)
    others = [g for g in CODE_ANY_RE.findall(text) if g != out["expiry_year"]]
    code = lines[-1] if lines else (others[-1] if others else None)
    out["security_code"] = code
    b = out["birth_date"]
    if b and out["expiry_year"] and code:
        out["verification_number_b"] = b["yy"] + b["mm"] + b["dd"] + out["expiry_year"] + code
    return out


def run_baseline(image, psm, timeout, env):
    cmd = ["tesseract", image, "stdout", "-l", "jpn+eng"]
    if psm is not None:
        cmd += ["--psm", str(psm)]
    start = time.monotonic()
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": "timed out", "wall_ms": timeout * 1000, "fields": parse_baseline("")}
    wall = (time.monotonic() - start) * 1000
    return {"fields": parse_baseline(res.stdout), "wall_ms": wall, "text": res.stdout}


def ours_fields(result):
    doc = result.get("doc") or {}
    out = {}
    b = doc.get("birth_date")
    out["birth_date"] = {k: b.get(k) for k in ("era", "yy", "mm", "dd")} if isinstance(b, dict) else None
    for k in ("expiry_year", "security_code", "verification_number_b"):
        out[k] = doc.get(k)
    return out


def truth_fields(truth):
    b = truth.get("birth_date")
    return {
        "birth_date": {k: b[k] for k in ("era", "yy", "mm", "dd")} if b else None,
        "expiry_year": truth.get("expiry_year"),
        "security_code": truth.get("security_code"),
        "verification_number_b": truth.get("verification_number_b"),
    }


def show(value):
    if isinstance(value, dict):
        return f"{value.get('era')}{value.get('yy')}{value.get('mm')}{value.get('dd')}"
    return "—" if value is None else str(value)


def pct(hits, n):
    return f"{100.0 * hits / n:6.1f}" if n else "     —"


def percentile(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def ours_time(doc, key):
    t = doc.get("timings_ms") or {}
    if key in t:
        return t[key]
    return None


def parallel(fn, items, jobs):
    with cf.ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(fn, items))


def main():
    ap = argparse.ArgumentParser(description="card-face OCR accuracy: caora vs plain Tesseract on generated cards")
    ap.add_argument("--quick", action="store_true", help="3 cards per set (about 70 in all), for development")
    ap.add_argument("--per-set", type=int, default=48, help="cards per clean/perturbation set (default 48: 1008)")
    ap.add_argument("--per-placement", type=int, default=16, help="cards per placement/kind set")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline", default="plain,osd",
                    help="baseline modes: plain (tesseract as is), osd (--psm 1), none; comma-separated")
    ap.add_argument("--time-key", default="total", help="timings_ms entry taken as OCR time per card")
    ap.add_argument("--work", help="folder for the generated cards (default: a temporary folder, removed)")
    ap.add_argument("--misses", help="folder for copies of missed images (default: named at the end)")
    ap.add_argument("--results", help="write every card's truth and readings as JSON lines here")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--moderate-only", action="store_true",
                    help="only the clean and moderate sets (what the 99.9 %% goal is about): no strong or placement sets")
    ap.add_argument("--batch", action="store_true",
                    help="read every card in one `caora selftest batch` (Tesseract loaded once) instead of a process "
                         "per card; wall times are then the batch's per card")
    args = ap.parse_args()
    if args.quick:
        args.per_set, args.per_placement = 3, 1

    caora = find_caora()
    ok, why = has_selftest_card(caora)
    if not ok:
        print(f"card bench: cannot run: {why}", file=sys.stderr)
        return 2
    modes = [m for m in args.baseline.split(",") if m and m != "none"]
    for m in modes:
        if m not in ("plain", "osd"):
            ap.error(f"unknown baseline mode {m!r}")
    if modes and not shutil.which("tesseract"):
        print("card bench: tesseract is missing (scripts/deps.sh installs it)", file=sys.stderr)
        return 2

    sets = card_sets(args.per_set, args.per_placement, args.moderate_only)
    work = args.work or tempfile.mkdtemp(prefix="caora-card-bench-")
    os.makedirs(work, exist_ok=True)
    t0 = time.monotonic()
    cards = generate(work, sets, args.seed, args.jobs)
    print(f"generated {len(cards)} cards in {work} ({time.monotonic() - t0:.0f} s, seed {args.seed})", flush=True)

    t0 = time.monotonic()
    env = child_env(args.jobs)
    if args.batch:
        ours = run_ours_batch(caora, cards, work, args.timeout)
    else:
        ours = parallel(lambda c: run_ours(caora, c["image"], args.timeout, env), cards, args.jobs)
    print(f"caora selftest card: {len(cards)} cards in {time.monotonic() - t0:.0f} s ({caora})", flush=True)
    base = {}
    for m in modes:
        t0 = time.monotonic()
        psm = 1 if m == "osd" else None
        base[m] = parallel(lambda c: run_baseline(c["image"], psm, args.timeout, env), cards, args.jobs)
        print(f"baseline tesseract ({m}): {time.monotonic() - t0:.0f} s", flush=True)

    report(args, sets, cards, ours, base, modes, work)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args, sets, cards, ours, base, modes, work):
    rows = []
    misses = []
    times, walls = [], []
    base_walls = {m: [] for m in modes}
    verdicts = {}
    agg = {"clean_to_moderate": [0, 0], "strong": [0, 0]}
    field_agg = {f: [0, 0] for f in FIELDS}
    results_out = open(args.results, "w", encoding="utf-8") if args.results else None
    for name, _, _, scored in sets:
        idx = [i for i, c in enumerate(cards) if c["set"] == name]
        hits = {f: 0 for f in FIELDS}
        turned = 0
        bhits = {m: {f: 0 for f in FIELDS} for m in modes}
        for i in idx:
            c, r = cards[i], ours[i]
            truth = truth_fields(c["truth"])
            got = ours_fields(r)
            doc = r.get("doc") or {}
            t = ours_time(doc, args.time_key)
            if t is not None:
                times.append(t)
            walls.append(r["wall_ms"])
            for m in modes:
                base_walls[m].append(base[m][i]["wall_ms"])
            if results_out:
                results_out.write(json.dumps({"set": name, "image": c["image"], "truth": truth, "ours": got,
                                              "ours_doc": doc, "error": r.get("error"),
                                              "baseline": {m: base[m][i]["fields"] for m in modes}},
                                             ensure_ascii=False) + "\n")
            if not scored:
                v = verdicts.setdefault(name, {"n": 0, "flagged": 0, "fields_null": 0, "errors": 0})
                v["n"] += 1
                v["errors"] += "error" in r
                got_p = doc.get("placement")
                if name.startswith("kind:"):
                    flagged = doc.get("verification_number_b") is None
                else:
                    key = {"placement:back_side": ("face_up", False), "placement:sleeve": ("sleeve", True),
                           "placement:hand": ("hand", True)}[name]
                    flagged = isinstance(got_p, dict) and got_p.get(key[0]) == key[1]
                v["flagged"] += bool(flagged)
                v["fields_null"] += doc.get("verification_number_b") is None
                continue
            turned += doc.get("rotation") == c["truth"]["rotation"]
            wrong = []
            for f in FIELDS:
                if got[f] == truth[f]:
                    hits[f] += 1
                else:
                    wrong.append(f)
                for m in modes:
                    bhits[m][f] += base[m][i]["fields"][f] == truth[f]
            strong = name.endswith(":strong")
            bucket = agg["strong" if strong else "clean_to_moderate"]
            bucket[0] += not wrong
            bucket[1] += 1
            if not strong:
                for f in FIELDS:
                    field_agg[f][0] += f not in wrong
                    field_agg[f][1] += 1
            if wrong:
                misses.append((name, c, r, got, truth, wrong))
        if scored:
            rows.append((name, len(idx), hits, bhits, turned))
    if results_out:
        results_out.close()

    print()
    print("Exact match, % (ours | baseline " + " / ".join(modes) + " | ratio ours / best baseline) per field;"
          " turn: % of cards whose rotation ours found right")
    head = f"{'set':28} {'n':>4} {'turn':>5}"
    for f in FIELDS:
        head += f" | {SHORT[f]:>26}"
    print(head)
    for name, n, hits, bhits, turned in rows:
        line = f"{name:28} {n:4d} {pct(turned, n).strip():>5}"
        for f in FIELDS:
            b = [bhits[m][f] for m in modes]
            best = max(b) if b else 0
            ratio = "  —" if not modes else ("  ∞" if best == 0 and hits[f] else
                                              ("  —" if best == 0 else f"{hits[f] / best:4.1f}"))
            line += f" | {pct(hits[f], n)} |" + "/".join(pct(x, n).strip().rjust(5) for x in b) + f" {ratio}"
        print(line)

    if verdicts:
        print()
        print("Placement failures and other cards: flagged by ours (placement verdict, or no 照合番号B for other kinds)")
        for name, v in verdicts.items():
            print(f"  {name:28} {v['flagged']:3d}/{v['n']:<3d} flagged, {v['fields_null']:3d} with no 照合番号B"
                  + (f", {v['errors']} without a JSON answer" if v["errors"] else ""))

    print()
    n, h = agg["clean_to_moderate"][1], agg["clean_to_moderate"][0]
    print(f"照合番号B exact, clean to moderate: {h}/{n} = {pct(h, n).strip()} % (goal 99.9 %)")
    n2, h2 = agg["strong"][1], agg["strong"][0]
    print(f"照合番号B exact, strong:            {h2}/{n2} = {pct(h2, n2).strip()} %")
    for f in FIELDS[:3]:
        hh, nn = field_agg[f]
        print(f"  {SHORT[f]:8} clean to moderate: {pct(hh, nn).strip()} % (vendor's bar 99.0 %)")
    if times:
        print(f"ours, timings_ms.{args.time_key}: median {statistics.median(times):.0f} ms, "
              f"p90 {percentile(times, 0.9):.0f} ms over {len(times)} cards (goal: median ≤ 300 ms)")
    else:
        print(f"ours: no timings_ms.{args.time_key} in the answers")
    print(f"ours, whole process wall time: median {statistics.median(walls):.0f} ms, p90 {percentile(walls, 0.9):.0f} ms"
          f" ({args.jobs} at a time)")
    for m in modes:
        w = base_walls[m]
        print(f"baseline ({m}) wall time: median {statistics.median(w):.0f} ms, p90 {percentile(w, 0.9):.0f} ms")

    folder = args.misses or os.path.join(tempfile.gettempdir(), f"caora-card-bench-misses-{args.seed}-{int(time.time())}")
    print()
    print(f"Misses of ours: {len(misses)}")
    if misses:
        os.makedirs(folder, exist_ok=True)
    for name, c, r, got, truth, wrong in misses:
        dest = os.path.join(folder, f"{name.replace(':', '-')}-{os.path.basename(c['image'])}")
        shutil.copyfile(c["image"], dest)
        with open(os.path.splitext(dest)[0] + ".json", "w", encoding="utf-8") as fh:
            json.dump({"truth": c["truth"], "ours": r.get("doc"), "error": r.get("error")}, fh, ensure_ascii=False,
                      indent=1)
        fields_doc = (r.get("doc") or {}).get("fields") or {}
        parts = []
        for f in wrong:
            if f == "verification_number_b":
                continue
            fd = fields_doc.get(f) if isinstance(fields_doc.get(f), dict) else {}
            seen = f" ({fd.get('status')}, text {fd.get('text')!r})" if fd else ""
            parts.append(f"{SHORT[f]} read {show(got[f])} want {show(truth[f])}{seen}")
        if not parts:
            parts.append(f"照合番号B read {show(got['verification_number_b'])} want {show(truth['verification_number_b'])}")
        if r.get("error"):
            parts.insert(0, r["error"])
        doc = r.get("doc") or {}
        findings = ",".join(sorted({str(x.get("code", "")) + (":" + x["cause"] if x.get("cause") else "")
                                    for x in doc.get("findings", []) if isinstance(x, dict)}))
        print(f"  {dest}: rotation {doc.get('rotation')} (want {c['truth']['rotation']}); " + "; ".join(parts)
              + (f" [findings {findings}]" if findings else ""))
    if misses:
        print()
        print("Misses by set and field: not read (no value) / misread (a wrong value)")
        patterns = {}
        for name, _, _, got, _, wrong in misses:
            for f in wrong:
                key = (name, f)
                unread, misread = patterns.get(key, (0, 0))
                patterns[key] = (unread + (got[f] is None), misread + (got[f] is not None))
        for (name, f), (unread, misread) in patterns.items():
            print(f"  {name:28} {SHORT[f]:10} {unread:3d} not read, {misread:3d} misread")
        print(f"missed images and their truth: {folder}")


if __name__ == "__main__":
    sys.exit(main())
