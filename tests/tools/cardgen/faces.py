"""Card faces, flat and upright, at a given scale (pixels per mm): the My
Number Card front per CARD.md's reference layout, its back, another kind of
card, a blank card. Returns an RGBA image whose alpha is the card's outline
(rounded corners)."""
import glob
import math

from PIL import Image, ImageDraw, ImageFont

CARD_W_MM = 85.6
CARD_H_MM = 54.0
CORNER_MM = 3.18  # ID-1 corner radius

FONTS = {
    "noto_sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    "noto_sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 0),
    "noto_serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
    "noto_serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 0),
    "ipa_gothic": ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", 0),
    "ipa_mincho": ("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf", 0),
    "ipa_pgothic": ("/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf", 0),
    "ipa_pmincho": ("/usr/share/fonts/opentype/ipafont-mincho/ipamp.ttf", 0),
}

PHOTO_GLOB = "/usr/share/doc/libdlib19.1/examples/johns/*/*.jpg"

_font_cache = {}


def font(name, px):
    key = (name, int(round(px)))
    if key not in _font_cache:
        path, index = FONTS[name]
        _font_cache[key] = ImageFont.truetype(path, key[1], index=index)
    return _font_cache[key]


def photos():
    found = sorted(glob.glob(PHOTO_GLOB))
    if not found:
        raise FileNotFoundError(
            f"no face photos at {PHOTO_GLOB}: install libdlib-data/libdlib-dev docs")
    return found


class Canvas:
    """Draws in mm on a card-sized image."""

    def __init__(self, scale, background):
        self.s = scale
        self.w = int(round(CARD_W_MM * scale))
        self.h = int(round(CARD_H_MM * scale))
        self.img = background(self.w, self.h, scale)
        self.spacing = 0.0
        self.draw = ImageDraw.Draw(self.img)

    def px(self, mm):
        return mm * self.s

    def text(self, x, y, s, height_mm, face, fill=(30, 30, 34), max_w_mm=None, spacing=None):
        """Text whose CJK glyphs are about height_mm tall, top-left at (x, y) mm.
        Shrinks to max_w_mm when given. Returns the right edge in mm."""
        if spacing is None:
            spacing = self.spacing
        size = self.px(height_mm) / 0.88
        f = font(face, size)
        width = self._width(s, f, spacing)
        if max_w_mm and width > self.px(max_w_mm):
            size *= self.px(max_w_mm) / width
            f = font(face, size)
            width = self._width(s, f, spacing)
        if spacing == 0.0:
            self.draw.text((self.px(x), self.px(y)), s, font=f, fill=fill, anchor="lt")
        else:
            cx = self.px(x)
            for ch in s:
                self.draw.text((cx, self.px(y)), ch, font=f, fill=fill, anchor="lt")
                cx += f.getlength(ch) + spacing * size
        return x + width / self.s

    @staticmethod
    def _width(s, f, spacing):
        if spacing == 0.0:
            return f.getlength(s)
        return sum(f.getlength(ch) for ch in s) + spacing * f.size * len(s)

    def measure(self, s, height_mm, face):
        f = font(face, self.px(height_mm) / 0.88)
        return self._width(s, f, self.spacing) / self.s

    def rect(self, x, y, w, h, **kw):
        self.draw.rounded_rectangle(
            [self.px(x), self.px(y), self.px(x + w), self.px(y + h)],
            radius=self.px(kw.pop("radius_mm", 0.6)), **kw)

    def finish(self):
        mask = Image.new("L", (self.w, self.h), 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            [0, 0, self.w - 1, self.h - 1], radius=self.px(CORNER_MM), fill=255)
        out = self.img.convert("RGBA")
        out.putalpha(mask)
        return out


def pink_background(rng):
    """Light pink-to-white with a fine wave pattern, like the card's security print."""
    top = (252, 236 + rng.randint(0, 6), 240 + rng.randint(0, 6))
    bottom = (255, 249, 250)
    phase = rng.random() * math.tau

    def make(w, h, s):
        img = Image.new("RGB", (w, h))
        d = ImageDraw.Draw(img)
        for y in range(h):
            t = y / max(h - 1, 1)
            d.line([(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
        # Guilloche-like waves: faint enough not to compete with the text.
        step = max(int(s * 1.6), 4)
        for k in range(-h, h, step):
            pts = [(x, k + x * 0.35 + s * 1.2 * math.sin(x / (s * 4.0) + phase)) for x in range(0, w + 8, 8)]
            d.line(pts, fill=(243, 214, 222), width=1)
        # A large faint circle motif on the right half.
        r = int(s * 18)
        cx, cy = int(w * 0.55), int(h * 0.55)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(244, 222, 228), width=max(1, int(s * 0.3)))
        return img
    return make


def plain_background(color):
    def make(w, h, s):
        return Image.new("RGB", (w, h), color)
    return make


def face_photo(rng, width_px, height_px):
    path = rng.choice(photos())
    chip = Image.open(path).convert("RGB")
    # The chips are square and tight; a 4:5 crop of their middle fills the frame.
    cw = int(chip.height * 0.8)
    x0 = (chip.width - cw) // 2
    chip = chip.crop((x0, 0, x0 + cw, chip.height))
    colour = rng.random() < 0.5
    if not colour:
        chip = chip.convert("L").convert("RGB")
    return chip.resize((width_px, height_px), Image.BICUBIC), path, colour


def birth_text(truth, pad):
    b = truth["birth_date"]
    yy = "元" if b["yy"] == "01" else str(int(b["yy"]))
    mm, dd = str(int(b["mm"])), str(int(b["dd"]))
    if pad:
        yy, mm, dd = (v.rjust(2) if v != "元" else v for v in (yy, mm, dd))
    return f"{b['era']}{yy}年{mm}月{dd}日生"


def expiry_text(truth, pad):
    y, m, d = truth["expiry_date"].split("-")
    mm, dd = str(int(m)), str(int(d))
    if pad:
        mm, dd = mm.rjust(2), dd.rjust(2)
    return f"{y}年{mm}月{dd}日まで有効"


def front(rng, truth, scale, face):
    """The My Number Card front. face: the font for the printed fields."""
    c = Canvas(scale, pink_background(rng))
    c.spacing = truth["layout"].get("letter_spacing", 0.0)
    pad = truth["layout"]["padded_digits"]
    jit = truth["layout"]["shift_mm"]  # real cards vary by a few tenths of a mm
    dx, dy = jit
    label = (90, 70, 80)
    c.text(3 + dx, 4.6 + dy, "氏名", 2.2, face, fill=label)
    c.text(10 + dx, 3.6 + dy, truth["name"], 4.0, face, max_w_mm=48)
    c.text(3 + dx, 12 + dy, "住所", 2.2, face, fill=label)
    c.text(10 + dx, 11.6 + dy, truth["address"][0], 3.0, face, max_w_mm=50)
    c.text(10 + dx, 15.6 + dy, truth["address"][1], 3.0, face, max_w_mm=50)
    # Wide lettering shrinks to keep 性別 clear of the photo, as a printer would.
    right = c.text(12 + dx, 24 + dy, birth_text(truth, pad), 3.2, face, max_w_mm=38)
    sx = max(48.0 + dx, right + 1.5)
    c.text(sx, 24.6 + dy, "性別", 2.2, face, fill=label)
    c.text(sx + 5.2, 24 + dy, truth["sex"], 3.2, face)
    # The expiry sits in a tinted box on the real card.
    text = expiry_text(truth, pad)
    width = min(c.measure(text, 3.0, face), 52) + 1.6
    c.rect(2.2 + dx, 30.2 + dy, max(width, 44), 4.8, fill=(250, 226, 206), outline=(220, 170, 150),
           width=max(1, int(scale * 0.15)))
    c.text(3 + dx, 31 + dy, text, 3.0, face, max_w_mm=52)
    photo, path, colour = face_photo(rng, int(c.px(20)), int(c.px(25)))
    c.img.paste(photo, (int(c.px(62)), int(c.px(5))))
    truth["photo"] = {"source": path, "colour": colour}
    c.text(64 + dx * 0.5, 32 + dy * 0.5, truth["security_code"], 3.0, face)
    c.text(3 + dx, 47 + dy, "個人番号カード", 3.6, face, fill=(120, 40, 60))
    # The organ-donation note in small print: text that must not confuse the reader.
    c.text(48, 45.5, "臓器提供意思表示欄は裏面", 1.6, face, fill=(120, 110, 115))
    return c.finish()


def qr_block(c, rng, x, y, size_mm, modules=25):
    cell = size_mm / modules
    c.draw.rectangle([c.px(x), c.px(y), c.px(x + size_mm), c.px(y + size_mm)], fill=(255, 255, 255))
    for i in range(modules):
        for j in range(modules):
            in_finder = any(i0 <= i < i0 + 7 and j0 <= j < j0 + 7
                            for i0, j0 in ((0, 0), (0, modules - 7), (modules - 7, 0)))
            if in_finder:
                continue
            if rng.random() < 0.5:
                c.draw.rectangle([c.px(x + j * cell), c.px(y + i * cell),
                                  c.px(x + (j + 1) * cell) - 1, c.px(y + (i + 1) * cell) - 1], fill=(20, 20, 20))
    for i0, j0 in ((0, 0), (0, modules - 7), (modules - 7, 0)):
        fx, fy = x + j0 * cell, y + i0 * cell
        for k, colour in ((0, (20, 20, 20)), (1, (255, 255, 255)), (2, (20, 20, 20))):
            c.draw.rectangle([c.px(fx + k * cell), c.px(fy + k * cell),
                              c.px(fx + (7 - k) * cell) - 1, c.px(fy + (7 - k) * cell) - 1], fill=colour)


def back(rng, truth, scale, face):
    """The back: the 12-digit My Number, name, birth date and a QR-like block."""
    c = Canvas(scale, pink_background(rng))
    label = (90, 70, 80)
    c.text(3, 4, "個人番号", 2.4, face, fill=label)
    n = truth["my_number"]
    c.text(17, 3, f"{n[0:4]} {n[4:8]} {n[8:12]}", 4.4, face, max_w_mm=39)
    c.text(3, 14, "氏名", 2.2, face, fill=label)
    c.text(10, 13, truth["name"], 3.6, face, max_w_mm=40)
    c.text(3, 21, "生年月日", 2.2, face, fill=label)
    c.text(14, 20.4, birth_text(truth, False), 3.0, face)
    qr_block(c, rng, 58, 4, 24)
    c.rect(3, 30, 79, 12, outline=(170, 150, 160), width=max(1, int(scale * 0.15)))
    c.text(4, 31, "追記欄", 1.8, face, fill=label)
    for k in range(18):
        x = 50 + k * 1.6
        c.draw.rectangle([c.px(x), c.px(45), c.px(x + 0.4 + 0.6 * rng.random()), c.px(51)], fill=(40, 40, 40))
    c.text(3, 47, "臓器提供意思表示", 2.4, face, fill=(120, 40, 60))
    return c.finish()


def other_card(rng, truth, scale, face):
    """A card that is not a My Number Card. Half are licence-like (a birth date
    and まで有効 printed, which a careless reader would take), half point cards."""
    if rng.random() < 0.5:
        truth["other_kind"] = "licence_like"
        c = Canvas(scale, plain_background((236, 244, 236)))
        c.rect(0, 0, CARD_W_MM, 7, fill=(120, 170, 120), radius_mm=0.01)
        c.text(3, 1.5, "運転免許証（見本）", 3.6, face, fill=(255, 255, 255))
        c.text(3, 9, "氏名", 2.2, face)
        c.text(10, 8.4, truth["name"], 3.6, face, max_w_mm=40)
        c.text(52, 9, birth_text(truth, True), 2.6, face)
        c.text(3, 15, "住所", 2.2, face)
        c.text(10, 14.5, truth["address"][0], 2.8, face, max_w_mm=50)
        c.text(3, 22, "交付", 2.2, face)
        c.text(10, 21.6, f"令和{rng.randint(2, 7)}年{rng.randint(1, 12):2d}月{rng.randint(1, 28):2d}日", 2.8, face)
        c.rect(3, 27, 50, 5, fill=(120, 180, 230))
        c.text(4, 27.8, expiry_text(truth, True), 3.0, face)
        c.text(3, 40, f"第 {rng.randrange(10**11, 10**12)} 号", 3.6, face)
        photo, _, _ = face_photo(rng, int(c.px(22)), int(c.px(27.5)))
        c.img.paste(photo, (int(c.px(60)), int(c.px(20))))
        return c.finish()
    truth["other_kind"] = "point_card"
    hue = rng.choice([(40, 90, 170), (200, 60, 40), (30, 140, 90), (230, 150, 20)])
    c = Canvas(scale, plain_background(hue))
    c.draw.ellipse([c.px(40), c.px(-20), c.px(120), c.px(50)], fill=tuple(min(255, v + 50) for v in hue))
    c.text(5, 6, rng.choice(["ポイントカード", "メンバーズカード", "診察券"]), 6.0, face, fill=(255, 255, 255))
    c.text(5, 18, rng.choice(["さくら薬局", "みどり商店", "あおば内科クリニック"]), 4.0, face, fill=(255, 255, 255))
    c.rect(5, 32, 60, 14, fill=(255, 255, 255))
    for k in range(60):
        x = 7 + k * 0.9
        if rng.random() < 0.6:
            c.draw.rectangle([c.px(x), c.px(34), c.px(x + 0.45), c.px(41)], fill=(0, 0, 0))
    c.text(7, 42, " ".join(f"{rng.randrange(10000):04d}" for _ in range(4)), 2.6, face, fill=(0, 0, 0))
    return c.finish()


def blank(rng, truth, scale, face):
    tone = 246 + rng.randint(0, 8)
    return Canvas(scale, plain_background((tone, tone, tone - rng.randint(0, 4)))).finish()
