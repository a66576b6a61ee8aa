"""The slot camera: puts a flat card into a portrait frame at a rotation, skew
and perspective, then applies what a camera and a careless hand add (sleeve,
hand, glare, shadow, light, blur, noise, JPEG)."""
import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

FRAME_W, FRAME_H = 1200, 1600


def slot_background(rng, nrng, w, h):
    """Dark, uneven slot interior: low-frequency texture, vignetting, two rails."""
    base = 30 + rng.random() * 15
    coarse = nrng.normal(0, 1, (9, 12)).astype(np.float32)
    coarse_img = Image.fromarray(((coarse + 4) * 32).clip(0, 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    tex = (np.asarray(coarse_img, np.float32) / 32 - 4) * 6
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    vignette = 1.0 - 0.35 * r2 / 2
    lum = (base + tex) * vignette
    lum += nrng.normal(0, 2.0, (h, w)).astype(np.float32)
    rgb = np.stack([lum * 0.95, lum, lum * 1.08], axis=-1)
    img = Image.fromarray(rgb.clip(0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    for x in (int(w * (0.06 + 0.02 * rng.random())), int(w * (0.92 + 0.02 * rng.random()))):
        d.rectangle([x, 0, x + 6, h], fill=(58, 60, 66))
    return img


def perspective_coeffs(dst, src):
    """PIL's PERSPECTIVE data: maps output (frame) points to input (card) points."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    return np.linalg.solve(np.array(a, float), np.array(b, float)).tolist()


def card_quad(card_w, card_h, rotation, skew_deg, centre, jitter):
    """Frame positions of the card's TL, TR, BR, BL. rotation and skew turn the
    card counter-clockwise as seen in the frame (y down)."""
    t = math.radians(rotation + skew_deg)
    c, s = math.cos(t), math.sin(t)
    quad = []
    for (u, v), (jx, jy) in zip(((-card_w / 2, -card_h / 2), (card_w / 2, -card_h / 2),
                                 (card_w / 2, card_h / 2), (-card_w / 2, card_h / 2)), jitter):
        quad.append((centre[0] + u * c + v * s + jx, centre[1] - u * s + v * c + jy))
    return quad


def fit_inside(quad, w, h, margin=4):
    """Shift the quad into the frame (a card is never cut by the frame edge here)."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    dx = max(0, margin - min(xs)) - max(0, max(xs) - (w - 1 - margin))
    dy = max(0, margin - min(ys)) - max(0, max(ys) - (h - 1 - margin))
    return [(x + dx, y + dy) for x, y in quad]


def place(frame, card, quad):
    cw, ch = card.size
    coeffs = perspective_coeffs(quad, [(0, 0), (cw, 0), (cw, ch), (0, ch)])
    warped = card.transform(frame.size, Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    out = frame.convert("RGBA")
    out.alpha_composite(warped)
    return out.convert("RGB")


def as_float(img):
    return np.asarray(img, np.float32)


def to_image(a):
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))


def quad_point(quad, u, v):
    """A point of the card given in card fractions (u across, v down), bilinear."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    top = (x0 + (x1 - x0) * u, y0 + (y1 - y0) * u)
    bot = (x3 + (x2 - x3) * u, y3 + (y2 - y3) * u)
    return (top[0] + (bot[0] - top[0]) * v, top[1] + (bot[1] - top[1]) * v)


def grid(img):
    h, w = img.height, img.width
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return xx, yy


def sleeve(img, rng, quad, long_px):
    """A glossy sleeve: a haze over a slightly larger outline, its visible edge,
    and a specular band across a large part of the card."""
    grow = 0.035
    outer = [quad_point(quad, u, v) for u, v in ((-grow, -grow * 1.6), (1 + grow, -grow * 1.6),
                                                 (1 + grow, 1 + grow * 1.6), (-grow, 1 + grow * 1.6))]
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(outer, fill=255)
    m = as_float(mask.filter(ImageFilter.GaussianBlur(2)))[..., None] / 255
    haze = 0.16 + 0.10 * rng.random()
    a = as_float(img)
    a = a * (1 - m * haze) + m * haze * np.array([226, 232, 238], np.float32)
    # The band: a soft stripe at an angle, bright in its middle.
    xx, yy = grid(img)
    angle = math.radians(rng.uniform(20, 70) * rng.choice([-1, 1]))
    cx, cy = quad_point(quad, rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))
    dist = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle)
    width = long_px * rng.uniform(0.10, 0.16)
    peak = rng.uniform(0.70, 0.88)
    band = peak * np.exp(-(dist / width) ** 2)[..., None] * m
    a = a * (1 - band) + band * 252
    out = to_image(a)
    d = ImageDraw.Draw(out)
    d.line(outer + [outer[0]], fill=(200, 205, 212), width=3)
    return out, {"haze": round(haze, 3), "band_peak": round(peak, 3), "band_width_px": round(width, 1)}


def hand(img, rng, nrng, quad, long_px):
    """A skin-toned hand: fingers reaching over the card from one frame edge."""
    w, h = img.size
    edge = rng.choice(["left", "right", "bottom", "top"])
    cover = rng.uniform(0.18, 0.32)  # how far the fingertips reach into the card
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    finger_w = long_px * rng.uniform(0.07, 0.09)
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    n = rng.randint(2, 4)
    if edge in ("left", "right"):
        span = y1 - y0
        tip = x0 + (x1 - x0) * cover if edge == "left" else x1 - (x1 - x0) * cover
        start = rng.uniform(y0 + 0.1 * span, y1 - 0.1 * span - n * finger_w * 1.05)
        for k in range(n):
            fy = start + k * finger_w * 1.05
            t = tip + (rng.uniform(-0.4, 0.4) * finger_w) * (1 if edge == "left" else -1)
            a, b = (0, t) if edge == "left" else (t, w)
            d.rounded_rectangle([a, fy, b, fy + finger_w], radius=finger_w / 2, fill=255)
        palm = [0, start - finger_w, x0 - 0.02 * long_px, start + (n + 1) * finger_w] if edge == "left" else \
            [x1 + 0.02 * long_px, start - finger_w, w, start + (n + 1) * finger_w]
    else:
        span = x1 - x0
        tip = y0 + (y1 - y0) * cover if edge == "top" else y1 - (y1 - y0) * cover
        start = rng.uniform(x0 + 0.1 * span, x1 - 0.1 * span - n * finger_w * 1.05)
        for k in range(n):
            fx = start + k * finger_w * 1.05
            t = tip + (rng.uniform(-0.4, 0.4) * finger_w) * (1 if edge == "top" else -1)
            a, b = (0, t) if edge == "top" else (t, h)
            d.rounded_rectangle([fx, a, fx + finger_w, b], radius=finger_w / 2, fill=255)
        palm = [start - finger_w, 0, start + (n + 1) * finger_w, y0 - 0.02 * long_px] if edge == "top" else \
            [start - finger_w, y1 + 0.02 * long_px, start + (n + 1) * finger_w, h]
    if palm[2] > palm[0] and palm[3] > palm[1]:
        d.rounded_rectangle(palm, radius=finger_w, fill=255)
    m = as_float(mask.filter(ImageFilter.GaussianBlur(3)))[..., None] / 255
    skin = np.array(rng.choice([(226, 178, 148), (205, 150, 118), (240, 200, 170), (170, 120, 90)]), np.float32)
    shade_small = nrng.normal(0, 1, (h // 80 + 1, w // 80 + 1)).astype(np.float32)
    shade = as_float(Image.fromarray(((shade_small + 4) * 32).clip(0, 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)) / 32 - 4
    # Darker towards the mask's edge (the finger's roundness).
    depth = as_float(mask.filter(ImageFilter.GaussianBlur(finger_w / 4)))[..., None] / 255
    tone = skin * (0.7 + 0.3 * depth) + shade[..., None] * 6
    a = as_float(img) * (1 - m) + tone * m
    return to_image(a), {"edge": edge, "cover": round(cover, 3), "fingers": n}


def glare(img, rng, quad, long_px, level):
    xx, yy = grid(img)
    cx, cy = quad_point(quad, rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85))
    if level == "moderate":
        radius, peak = long_px * rng.uniform(0.08, 0.12), rng.uniform(0.45, 0.6)
    else:
        radius, peak = long_px * rng.uniform(0.12, 0.17), rng.uniform(0.8, 0.92)
    g = peak * np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / radius ** 2))[..., None]
    a = as_float(img) * (1 - g) + 255 * g
    return to_image(a), {"centre": [round(cx), round(cy)], "radius_px": round(radius, 1), "peak": round(peak, 3)}


def shadow(img, rng, quad, long_px, level):
    xx, yy = grid(img)
    angle = rng.uniform(0, math.tau)
    cx, cy = quad_point(quad, rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))
    dist = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle)
    if level == "moderate":
        depth, soft = rng.uniform(0.35, 0.45), long_px * 0.05
    else:
        depth, soft = rng.uniform(0.6, 0.7), long_px * 0.012
    s = depth / (1 + np.exp(-dist / soft))
    a = as_float(img) * (1 - s[..., None])
    return to_image(a), {"depth": round(depth, 3), "angle_deg": round(math.degrees(angle), 1)}


def light(img, rng, level):
    if level == "moderate":
        bright = rng.choice([rng.uniform(0.6, 0.7), rng.uniform(1.25, 1.35)])
        contrast = rng.uniform(0.65, 0.8)
    else:
        bright = rng.choice([rng.uniform(0.38, 0.45), rng.uniform(1.5, 1.65)])
        contrast = rng.uniform(0.45, 0.55)
    a = as_float(img)
    a = (a - 128) * contrast + 128
    a = a * bright
    return to_image(a), {"brightness": round(bright, 3), "contrast": round(contrast, 3)}


def blur(img, rng, level):
    r = rng.uniform(1.6, 2.2) if level == "moderate" else rng.uniform(3.0, 3.8)
    return img.filter(ImageFilter.GaussianBlur(r)), {"radius_px": round(r, 2)}


def noise(img, nrng, rng, level):
    sigma = rng.uniform(10, 14) if level == "moderate" else rng.uniform(24, 30)
    a = as_float(img) + nrng.normal(0, sigma, (img.height, img.width, 1)).astype(np.float32) \
        + nrng.normal(0, sigma * 0.3, (img.height, img.width, 3)).astype(np.float32)
    return to_image(a), {"sigma": round(sigma, 2)}


def jpeg_bytes(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()
