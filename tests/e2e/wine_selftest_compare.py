#!/usr/bin/env python3
"""The Windows self-test against the Linux one, on the same inputs.

Runs `selftest card`, `face`, `run` and `batch` with the Linux build's caora and
with caora.exe under Wine, on generated cards (tests/tools/cardgen) and real faces
(dlib's johns, one of them rolled 40 degrees so the second look of lib/face/redetect
runs too), and compares the JSON documents. Everything must be equal except what
names the platform or the moment: timings, the build's own description, and input
paths (which Windows prints its own way). Floating-point figures (distances,
quality measurements) must agree to 1e-6: both builds run the same code with the
same compiler version. Tesseract's confidences (0-100) are allowed 3 points: the
text read and every verdict must be equal, but the confidences were measured to
differ by 1-2 points on some fields between Debian's libtesseract and the
cross-built one (not from the legacy engine being left out, nor from the
optimisation level: a build with both as Debian's differed the same way).

Usage: wine_selftest_compare.py LINUX_CAORA WINDOWS_CAORA_EXE WINE WORKDIR
Prints one line per comparison and exits 1 if any differs.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE.parent.parent
CARDGEN = SOURCE_DIR / "tests" / "tools" / "cardgen" / "cardgen.py"
JOHNS = Path("/usr/share/doc/libdlib19.1/examples/johns")
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
# What differs by platform or by run, not by result.
VOLATILE = {"timings_ms", "median_ms", "spread_ms", "ms", "versions", "build", "duration_ms", "started", "finished", "history",
            "state_dir", "baseline_path", "report"}
TOLERANCE = 1e-6
CONFIDENCE_TOLERANCE = 3.0


def normalise(value, work):
    if isinstance(value, dict):
        return {k: normalise(v, work) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [normalise(v, work) for v in value]
    if isinstance(value, str):
        # An input path as either platform prints it: the part below the work folder.
        s = value.replace("\\", "/")
        if s[:2] in ("Z:", "z:"):
            s = s[2:]
        return s.replace(str(work) + "/", "")
    return value


def differences(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield "%s/%s: only in %s" % (where, k, "linux" if k in a else "windows")
            else:
                yield from differences(a[k], b[k], where + "/" + k)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield "%s: %d items on linux, %d on windows" % (where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, "%s/%d" % (where, i))
    elif isinstance(a, float) or isinstance(b, float):
        tolerance = CONFIDENCE_TOLERANCE if "/confidence" in where else TOLERANCE
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))) or abs(a - b) > tolerance:
            yield "%s: linux %r, windows %r" % (where, a, b)
    elif a != b:
        yield "%s: linux %r, windows %r" % (where, a, b)


def main():
    linux, windows, wine, work = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]).resolve()
    work.mkdir(parents=True, exist_ok=True)
    res = subprocess.run([PYTHON, str(CARDGEN), "--out", str(work / "cards"), "--count", "3", "--seed", "6060"],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print("cardgen failed:", res.stderr)
        return 1
    cards = sorted(p.name for p in (work / "cards").iterdir() if p.suffix == ".png")
    simm = sorted((JOHNS / "John_Simm").iterdir())
    savage = sorted((JOHNS / "John_Savage").iterdir())
    faces = work / "faces"
    faces.mkdir(exist_ok=True)
    subprocess.run([PYTHON, "-c", "import sys; from PIL import Image\n"
                    "im = Image.open(sys.argv[1]).convert('RGB'); w, h = im.size\n"
                    "canvas = Image.new('RGB', (w * 2, h * 2), (128, 128, 128)); canvas.paste(im, (w // 2, h // 2))\n"
                    "canvas.rotate(40, resample=Image.BILINEAR, fillcolor=(128, 128, 128)).save(sys.argv[2])",
                    str(simm[0]), str(faces / "rolled.png")], check=True)
    manifest = work / "batch.json"
    manifest.write_text(json.dumps({"schema": "caora.selftest-batch/1", "cases": [
        {"id": "c1", "card": "cards/" + cards[0]},
        {"id": "f1", "capture": str(simm[0]), "reference": str(simm[1])},
        {"id": "f2", "capture": str(savage[0]), "reference": str(simm[1])},
        {"id": "p1", "card": "cards/" + cards[1], "capture": str(simm[2]), "reference": str(simm[0])},
    ]}), encoding="utf-8")
    runs = {
        "card %s" % cards[0]: ["card", str(work / "cards" / cards[0])],
        "card %s" % cards[2]: ["card", str(work / "cards" / cards[2])],
        "face same person": ["face", str(simm[0]), str(simm[1])],
        "face another person": ["face", str(savage[0]), str(simm[1])],
        "face rolled 40 degrees": ["face", str(faces / "rolled.png"), str(simm[1])],
        "run card, capture, reference": ["run", "--card", str(work / "cards" / cards[1]), "--capture", str(simm[2]),
                                         "--reference", str(simm[0])],
        "batch (2 repeats)": ["batch", str(manifest), "--repeat", "2"],
    }
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    failed = 0
    for name, args in runs.items():
        docs, codes = {}, {}
        for side, cmd in (("linux", [linux]), ("windows", [wine, windows])):
            state = str(work / ("state-" + side))
            # Windows reads an argument starting with '/' as an option: paths go as Z:/...
            as_given = [("Z:" + a if side == "windows" and a.startswith("/") else a) for a in [state, *args]]
            res = subprocess.run(cmd + ["--json", "--lang", "en", "--state-dir", as_given[0], "selftest", *as_given[1:]],
                                 capture_output=True, text=True, env=env, timeout=900)
            codes[side] = res.returncode
            # Leptonica's own complaints (a codec missing from a build) are not for a technician's screen.
            noise = [l for l in res.stderr.splitlines() if l.startswith(("Error in ", "Warning in "))]
            if noise:
                print("%s: %s wrote library messages on stderr: %s" % (name, side, noise[:3]))
                codes[side] = -1
            try:
                docs[side] = normalise(json.loads(res.stdout), work)
            except json.JSONDecodeError:
                docs[side] = None
                print("%s: %s printed no JSON (exit %d): %s" % (name, side, res.returncode, res.stderr[-2000:]))
        diff = [] if None not in docs.values() else ["no document"]
        if codes["linux"] != codes["windows"]:
            diff.append("exit code: linux %d, windows %d" % (codes["linux"], codes["windows"]))
        if not diff:
            diff = list(differences(docs["linux"], docs["windows"]))
        if diff:
            failed += 1
            print("DIFFERS %s:\n  %s" % (name, "\n  ".join(diff[:20])))
        else:
            print("same    %s (exit %d)" % (name, codes["linux"]))
    print("%d of %d self-test runs the same on Linux and under Wine" % (len(runs) - failed, len(runs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
