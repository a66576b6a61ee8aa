#!/usr/bin/python3
"""Synthetic slot-camera images of My Number Cards, with ground truth.

  cardgen.py --out DIR --count N --seed S [--perturb NAME[:LEVEL] ...]
             [--placement NAME] [--kind KIND] [--start K]

writes DIR/NNNN.png (DIR/NNNN.jpg under --perturb jpeg:…) and DIR/NNNN.json,
the same bytes for the same arguments. The frame is the slot camera's portrait
view (1200 x 1600); a correctly placed card is turned 90 degrees
counter-clockwise in it (its top edge along the frame's left side).
"rotation" in the ground truth is the card's counter-clockwise turn in the
frame: 90 correct, 270 upside down, 0 or 180 horizontal.
"""
import argparse
import json
import os
import random
import sys

import numpy as np

# No __pycache__ left in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import camera  # noqa: E402
import eras  # noqa: E402
import faces  # noqa: E402
import people  # noqa: E402

SCHEMA = "caora.cardgen/1"
PERTURBATIONS = ["rotation", "perspective", "scale", "blur", "noise", "jpeg",
                 "light", "glare", "shadow", "font"]
LEVELS = ["moderate", "strong"]
PLACEMENTS = ["correct", "upside_down", "horizontal", "back_side", "sleeve", "hand"]
KINDS = ["my_number_front", "other_card", "blank"]


class UsageError(Exception):
    pass


def parse_perturbations(names):
    out = {}
    for raw in names:
        for item in raw.split(","):
            item = item.strip()
            if not item or item == "clean":
                continue
            name, _, level = item.partition(":")
            level = level or "moderate"
            if name not in PERTURBATIONS:
                raise UsageError(f"unknown perturbation {name!r}; known: {', '.join(PERTURBATIONS)}")
            if level not in LEVELS:
                raise UsageError(f"unknown level {level!r} for {name}; known: {', '.join(LEVELS)}")
            out[name] = level
    return out


def my_number(rng):
    """12 digits whose last is the check digit of the 個人番号 rule."""
    body = [rng.randrange(10) for _ in range(11)]
    total = 0
    for n in range(1, 12):
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    check = 0 if r <= 1 else 11 - r
    return "".join(map(str, body)) + str(check)


def identity(seed, index):
    rng = random.Random(f"cardgen-id/{seed}/{index}")
    birth = eras.draw_birth(rng)
    era, year = eras.era_of(birth)
    issue, expiry = eras.draw_expiry(rng, birth)
    code = f"{rng.randrange(10000):04d}"
    person = people.draw_person(rng)
    yy, mm, dd = f"{year:02d}", f"{birth.month:02d}", f"{birth.day:02d}"
    return {
        "birth_date": {"era": era, "yy": yy, "mm": mm, "dd": dd, "gregorian": birth.isoformat()},
        "issue_date": issue.isoformat(),
        "expiry_date": expiry.isoformat(),
        "expiry_year": f"{expiry.year:04d}",
        "security_code": code,
        "verification_number_b": f"{yy}{mm}{dd}{expiry.year:04d}{code}",
        "my_number": my_number(rng),
        **person,
    }


def choose_font(rng, level):
    if level is None:
        return "noto_sans", 0.0
    if level == "moderate":
        return rng.choice(["ipa_gothic", "ipa_mincho", "noto_serif"]), 0.0
    return rng.choice(["noto_serif_bold", "ipa_pmincho", "ipa_pgothic"]), rng.choice([-0.04, 0.2])


def geometry(rng, perturb, placement):
    """Card size in the frame, its turn, skew, centre and corner jitter."""
    params = {}
    level = perturb.get("scale")
    if placement == "horizontal":
        long_px = rng.uniform(1000, 1120)
    elif level == "moderate":
        long_px = rng.choice([rng.uniform(1000, 1070), rng.uniform(1330, 1380)])
    elif level == "strong":
        long_px = rng.choice([rng.uniform(840, 900), rng.uniform(1420, 1470)])
    else:
        long_px = rng.uniform(1100, 1300)
    if level:
        params["scale"] = {"long_side_px": round(long_px, 1)}

    level = perturb.get("rotation")
    mag = {"moderate": (1.5, 3.5), "strong": (5.0, 8.0)}.get(level, (0.0, 0.6))
    skew = rng.uniform(*mag) * rng.choice([-1, 1])
    if level:
        params["rotation"] = {"skew_deg": round(skew, 2)}

    level = perturb.get("perspective")
    frac = {"moderate": 0.025, "strong": 0.06}.get(level, 0.004)
    jitter = [(rng.uniform(-1, 1) * frac * long_px, rng.uniform(-1, 1) * frac * long_px) for _ in range(4)]
    if level:
        params["perspective"] = {"corner_jitter_px": [[round(x, 1), round(y, 1)] for x, y in jitter]}

    if placement == "upside_down":
        rotation = 270
    elif placement == "horizontal":
        rotation = rng.choice([0, 180])
    else:
        rotation = 90
    centre = (camera.FRAME_W / 2 + rng.uniform(-40, 40), camera.FRAME_H / 2 + rng.uniform(-60, 60))
    return long_px, rotation, skew, centre, jitter, params


def render(seed, index, perturb, placement, kind):
    truth = {"schema": SCHEMA, "seed": seed, "index": index}
    who = identity(seed, index)
    rng = random.Random(f"cardgen-cam/{seed}/{index}")
    nrng = np.random.default_rng([seed, index])

    face, spacing = choose_font(rng, perturb.get("font"))
    long_px, rotation, skew, centre, jitter, params = geometry(rng, perturb, placement)
    scale = long_px / faces.CARD_W_MM
    layout = {"padded_digits": rng.random() < 0.7,
              "shift_mm": [round(rng.uniform(-1.0, 1.0), 2), round(rng.uniform(-1.0, 1.0), 2)],
              "letter_spacing": spacing, "px_per_mm": round(scale, 3)}
    if perturb.get("font"):
        params["font"] = {"font": face, "letter_spacing": spacing}

    card_truth = dict(who, layout=layout)
    if kind == "my_number_front" and placement == "back_side":
        kind = "my_number_back"
        card = faces.back(rng, card_truth, scale, face)
    elif kind == "my_number_front":
        card = faces.front(rng, card_truth, scale, face)
    elif kind == "other_card":
        card = faces.other_card(rng, card_truth, scale, face)
    else:
        card = faces.blank(rng, card_truth, scale, face)

    truth["kind"] = kind
    if kind in ("my_number_front", "my_number_back"):
        for k in ("birth_date", "expiry_year", "expiry_date", "issue_date", "security_code",
                  "verification_number_b"):
            truth[k] = who[k]
    else:
        for k in ("birth_date", "expiry_year", "security_code", "verification_number_b"):
            truth[k] = None
    if kind != "blank":
        truth.update(name=who["name"], address=who["address"], sex=who["sex"])
    if kind == "my_number_back":
        truth["my_number"] = who["my_number"]
    if "other_kind" in card_truth:
        truth["other_kind"] = card_truth["other_kind"]
    if "photo" in card_truth:
        truth["photo"] = card_truth["photo"]

    frame = camera.slot_background(rng, nrng, camera.FRAME_W, camera.FRAME_H)
    quad = camera.card_quad(card.width, card.height, rotation, skew, centre, jitter)
    quad = camera.fit_inside(quad, camera.FRAME_W, camera.FRAME_H)
    img = camera.place(frame, card, quad)

    if placement == "sleeve":
        img, truth["sleeve"] = camera.sleeve(img, rng, quad, long_px)
    if placement == "hand":
        img, truth["hand"] = camera.hand(img, rng, nrng, quad, long_px)
    for name, step in (("glare", camera.glare), ("shadow", camera.shadow)):
        if perturb.get(name):
            img, params[name] = step(img, rng, quad, long_px, perturb[name])
    if perturb.get("light"):
        img, params["light"] = camera.light(img, rng, perturb["light"])
    if perturb.get("blur"):
        img, params["blur"] = camera.blur(img, rng, perturb["blur"])
    # Every camera has some sensor noise; the perturbation adds much more.
    if perturb.get("noise"):
        img, params["noise"] = camera.noise(img, nrng, rng, perturb["noise"])
    else:
        img, _ = camera.to_image(camera.as_float(img) + nrng.normal(0, 1.5, (img.height, img.width, 1)).astype(np.float32)), None

    data = None
    if perturb.get("jpeg"):
        quality = rng.randint(35, 45) if perturb["jpeg"] == "moderate" else rng.randint(12, 18)
        params["jpeg"] = {"quality": quality}
        data = camera.jpeg_bytes(img, quality)

    truth["placement"] = {
        "name": placement,
        "vertical": placement != "horizontal",
        "face_up": placement != "back_side",
        "upside_down": rotation in (180, 270),
        "sleeve": placement == "sleeve",
        "hand": placement == "hand",
    }
    truth["rotation"] = rotation
    truth["skew_deg"] = round(skew, 2)
    truth["perturbations"] = {name: dict(level=perturb[name], **params.get(name, {})) for name in perturb}
    truth["font"] = face
    truth["layout"] = layout
    truth["card_quad"] = [[round(x, 1), round(y, 1)] for x, y in quad]
    truth["frame"] = {"width": camera.FRAME_W, "height": camera.FRAME_H}
    return img, data, truth


def write_atomically(path, payload):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(payload)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="index of the first card (for splitting a set)")
    ap.add_argument("--perturb", action="append", default=[], metavar="NAME[:LEVEL]",
                    help=f"one of {', '.join(PERTURBATIONS)}; level moderate (default) or strong; repeatable")
    ap.add_argument("--placement", default="correct", choices=PLACEMENTS)
    ap.add_argument("--kind", default="my_number_front", choices=KINDS)
    args = ap.parse_args(argv)
    try:
        perturb = parse_perturbations(args.perturb)
    except UsageError as e:
        ap.error(str(e))
    if args.count < 0 or args.start < 0:
        ap.error("--count and --start must not be negative")
    try:
        write_set(args, perturb)
    except OSError as e:
        # A missing font or photo, an unwritable folder: say which, no traceback.
        print(f"cardgen: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 1
    return 0


def write_set(args, perturb):
    os.makedirs(args.out, exist_ok=True)
    for index in range(args.start, args.start + args.count):
        img, data, truth = render(args.seed, index, perturb, args.placement, args.kind)
        stem = os.path.join(args.out, f"{index:04d}")
        if data is None:
            import io
            buf = io.BytesIO()
            img.save(buf, "PNG", compress_level=1)
            data, ext = buf.getvalue(), ".png"
        else:
            ext = ".jpg"
        truth["image"] = os.path.basename(stem + ext)
        write_atomically(stem + ext, data)
        write_atomically(stem + ".json", (json.dumps(truth, ensure_ascii=False, indent=1) + "\n").encode())


if __name__ == "__main__":
    sys.exit(main())
