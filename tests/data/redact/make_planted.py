#!/usr/bin/env python3
"""Writes the planted redaction set: personal data of every kind in every
encoding (UTF-8, UTF-8 with BOM, CP932, UTF-16 LE and BE with a BOM), inside
plain files, a zip and a zip inside that zip, next to decoys that are the
evidence a support desk needs and must survive redaction.

    python3 make_planted.py OUTDIR

OUTDIR/truth.json lists, per file (and per zip member, "outer.zip!member"),
its encoding, the planted values (as UTF-8 text) and the decoys.
Standard library only; deterministic.
"""
import io
import json
import os
import sys
import zipfile


def my_number(first11):
    """The 12-digit My Number for 11 digits: the check digit of the law's formula."""
    d = [int(c) for c in first11]
    s = 0
    for n in range(1, 12):
        p = d[11 - n]
        q = n + 1 if n <= 6 else n - 5
        s += p * q
    r = s % 11
    return first11 + str(0 if r <= 1 else 11 - r)


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def invalid_twelve(first11):
    good = my_number(first11)
    return good[:11] + str((int(good[11]) + 1) % 10)


MN = [my_number("12345678901"), my_number("98765432109"), my_number("31415926535"), my_number("27182818284")]

# (line template, planted values, decoys). Values in the line as written.
def lines(i):
    mn_a, mn_b, mn_c, mn_d = MN
    g_space = "%s %s %s" % (mn_b[:4], mn_b[4:8], mn_b[8:])
    g_fw = fullwidth("%s-%s-%s" % (mn_c[:4], mn_c[4:8], mn_c[8:])).replace("-", "\uff0d")
    name_sp = "山田 太郎"
    out = [
        ("2026-12-01 10:00:%02d INFO 個人番号: %s serial=2113001" % (i, mn_a), [mn_a], ["2026-12-01 10:00:%02d" % i, "serial=2113001"]),
        ("card read %s from 192.168.250.1" % g_space, [g_space], ["192.168.250.1"]),
        ("ref %s ok" % g_fw, [g_fw], []),
        ("plain mynumber in text %s end" % mn_d, [mn_d], []),
        ("照合番号B=55021720352285 status 63C9", ["55021720352285"], ["63C9"]),
        ("生年月日：昭和55年2月17日 error FUJ008 detail 22013C04-2", ["昭和55年2月17日"], ["FUJ008", "22013C04-2"]),
        ('{"birth_date": "1980-02-17", "detail": "0x81000023"}', ["1980-02-17"], ["0x81000023"]),
        ("氏名: %s version 1.6.0.0" % name_sp, [name_sp], ["version 1.6.0.0"]),
        ("受付 山田太郎 様 firmware CAORA_MSN_P2.11.7_A16.5.4", ["山田太郎"], ["CAORA_MSN_P2.11.7_A16.5.4"]),
        ("カナ=ヤマダ タロウ link 169.254.12.34", ["ヤマダ タロウ"], ["169.254.12.34"]),
        ('{"name": "Hanako Suzuki", "ReaderName": "Caora-01"}', ["Hanako Suzuki"], ['"ReaderName": "Caora-01"']),
        ("patient Hanako Suzuki again", ["Hanako Suzuki"], []),
        ("保険者番号: 06123456 path C:\\PFU-Caora\\OnlineAuthApp\\App\\Execute\\bin", ["06123456"],
         ["C:\\PFU-Caora\\OnlineAuthApp\\App\\Execute\\bin"]),
        ("被保険者番号：87654321 filename=app.log hostname=TERM01", ["87654321"], ["filename=app.log", "hostname=TERM01"]),
        ("記号・番号: 東京12・345 at 20261201100000", ["東京12・345"], ["20261201100000"]),
        ("password=S3cr3t!pass user=clerk", ["S3cr3t!pass"], ["user=clerk"]),
        ("パスワード：himitsu99", ["himitsu99"], []),
        ("api_key: sk_live_abc123xyz", ["sk_live_abc123xyz"], []),
        # Decoys only: numbers that look like a My Number but are not one.
        ("txn %s timestamp 202612011000 card 1234-5678-9012-3456 port 1-2" % invalid_twelve("11122233344"),
         [], [invalid_twelve("11122233344"), "202612011000", "1234-5678-9012-3456", "port 1-2"]),
    ]
    return out


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "cp932": lambda t: t.encode("cp932"),
    "utf-16le": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16be": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
}


def document(i, crlf):
    planted, decoys, text = [], [], []
    for line, p, d in lines(i):
        text.append(line)
        planted += p
        decoys += d
    nl = "\r\n" if crlf else "\n"
    return nl.join(text) + nl, sorted(set(planted)), sorted(set(decoys))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    truth = {"files": {}}
    for i, (enc, encode) in enumerate(ENCODINGS.items()):
        text, planted, decoys = document(i, crlf=enc in ("cp932", "utf-16le"))
        name = "app-%s.log" % enc
        with open(os.path.join(out, name), "wb") as f:
            f.write(encode(text))
        truth["files"][name] = {"encoding": enc, "planted": planted, "decoys": decoys}
    # A zip with a member per encoding and a zip inside it.
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for enc in ("utf-16le", "cp932"):
            text, planted, decoys = document(7, crlf=True)
            z.writestr("deep/%s.log" % enc, ENCODINGS[enc](text))
            truth["files"]["CaoraLogCollect.zip!inner.zip!deep/%s.log" % enc] = {
                "encoding": enc, "planted": planted, "decoys": decoys}
    with zipfile.ZipFile(os.path.join(out, "CaoraLogCollect.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for enc in ("utf-8", "cp932", "utf-16le"):
            text, planted, decoys = document(9, crlf=False)
            z.writestr("logs/%s.txt" % enc, ENCODINGS[enc](text))
            truth["files"]["CaoraLogCollect.zip!logs/%s.txt" % enc] = {
                "encoding": enc, "planted": planted, "decoys": decoys}
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("photos/face_0001.jpg", b"\xff\xd8\xff\xe0 not really a jpeg 123456789018")
    truth["left_out"] = ["CaoraLogCollect.zip!photos/face_0001.jpg"]
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
