"""A virtual My Number Card for pcscd + vsmartcard-vpcd: the card-face
confirmation AP (券面事項確認AP) as /work/shared/CARD.md describes it, so the
real PC/SC client code can run the chip stage end to end.

What it does, like the card:
  SELECT the AP by AID (P2=0C, no FCI), SELECT EF by FID (P2=0C);
  VERIFY 照合番号B (14 ASCII digits) against EF 0012 with a 10-try counter:
  an empty VERIFY answers 63Cx without spending a try, a wrong number 63Cx
  with one try fewer (63C0 on the try that uses the last), 6984 from then on;
  READ BINARY of EF 0002 (15-bit offsets, short reads, extended Le too) only
  after a successful VERIFY (else 6982); a reset or power cycle forgets the
  selection and the verification.

Switches for the failure cases: another number, the tries left, blocked, and
pulled out of the reader after a number of bytes of EF 0002.

Run it by hand against a pcscd with vpcd on its default port:
  /usr/bin/python3 tests/live/mynumber_card.py --number 55021720352285
"""
import argparse
import os
import struct
import sys
import threading
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcsc_parts  # noqa: E402

AID = bytes.fromhex("D392100031000101 0402".replace(" ", ""))
# Contactless readers report a synthesized ATR: 3B 8n 80 01, historical bytes, TCK.
ATR_HISTORICAL = b"\x00\x31\xC0\x64\x00\x00\x00\x00"
EF_CARD_FACE, EF_AP_INFO, EF_CERTIFICATE = 0x0002, 0x0003, 0x0004
EF_BIRTH_KEY, EF_NUMBER_B_KEY, EF_NUMBER_A_KEY = 0x0011, 0x0012, 0x0013
TRIES = 10
FACE_JP2 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "card", "face.jp2")

OK = b"\x90\x00"
SECURITY_NOT_SATISFIED = b"\x69\x82"
BLOCKED = b"\x69\x84"
NOT_ALLOWED_NO_EF = b"\x69\x86"
NOT_FOUND = b"\x6A\x82"
WRONG_P1P2 = b"\x6A\x86"
WRONG_LENGTH = b"\x67\x00"
OFFSET_OUT_OF_RANGE = b"\x6B\x00"
INS_NOT_SUPPORTED = b"\x6D\x00"
CLA_NOT_SUPPORTED = b"\x6E\x00"


def contactless_atr(historical=ATR_HISTORICAL):
    body = bytes([0x3B, 0x80 | len(historical), 0x80, 0x01]) + historical
    tck = 0
    for b in body[1:]:
        tck ^= b
    return body + bytes([tck])


def ber(tag, value):
    """One BER-TLV; long lengths in the 81 xx / 82 hh ll forms."""
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return tag.to_bytes(2 if tag > 0xFF else 1, "big") + length + value


def tiny_png(width, height, seed):
    """A real greyscale PNG (the card keeps name, address and code as images)."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 13 + seed) & 0xFF for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def card_face_record(birth="19800217", sex="2", expiry="20350217", photo=None):
    """EF 0002: FF20 (82 hh ll) holding DF21…DF2A, DF27 the greyscale JP2 photo."""
    if photo is None:
        with open(FACE_JP2, "rb") as f:
            photo = f.read()
    fields = [
        (0xDF22, birth.encode()),
        (0xDF23, sex.encode()),
        (0xDF24, bytes((i * 31 + 7) & 0xFF for i in range(270))),  # public key (placeholder bytes)
        (0xDF25, tiny_png(64, 16, 1)),  # name
        (0xDF26, tiny_png(96, 24, 2)),  # address
        (0xDF27, photo),
        (0xDF28, bytes((i * 17 + 3) & 0xFF for i in range(256))),  # signature (placeholder bytes)
        (0xDF29, expiry.encode()),
        (0xDF2A, tiny_png(32, 12, 3)),  # security code
    ]
    # DF21: where each of the others starts, 2 bytes each, counted from the first after DF21.
    offsets, pos = b"", 0
    encoded = [ber(tag, value) for tag, value in fields]
    for e in encoded:
        offsets += struct.pack(">H", pos)
        pos += len(e)
    inner = ber(0xDF21, offsets) + b"".join(encoded)
    # Always the 82 hh ll form for the outer length, as the card writes it.
    return b"\xFF\x20\x82" + struct.pack(">H", len(inner)) + inner


class MyNumberCard(pcsc_parts.VirtualCard):
    """The card in a vpcd reader. `number`: its 照合番号B; `tries`: tries left
    (0 = blocked); `remove_after`: vanish from the reader once a READ BINARY of
    EF 0002 would go past that many bytes."""

    def __init__(self, port, number="55021720352285", tries=TRIES, remove_after=None, record=None, photo=None):
        self.number = number.encode()
        self.tries = tries
        self.remove_after = remove_after
        self.record = record if record is not None else card_face_record(photo=photo)
        self.lock = threading.Lock()
        self.tries_spent = 0      # VERIFYs that used a try, for the tests to check
        self.verify_status_asked = 0
        self.bytes_read = 0       # of EF 0002
        self.removed = False
        self.apdus = []
        self._forget()
        super().__init__(port, answer=self._answer, atr=contactless_atr())

    def _forget(self):
        self.ap_selected = False
        self.ef = None
        self.verified = False

    def power(self, event):
        with self.lock:
            self._forget()

    def _answer(self, apdu):
        with self.lock:
            self.apdus.append(apdu.hex())
            reply = self._dispatch(apdu)
        if reply is None:  # pulled out of the reader: no answer at all
            self.removed = True
            self.remove()
            return b""
        return reply

    def _dispatch(self, a):
        if len(a) < 4:
            return WRONG_LENGTH
        cla, ins, p1, p2 = a[0], a[1], a[2], a[3]
        if cla != 0x00:
            return CLA_NOT_SUPPORTED
        body = a[4:]
        if ins == 0xA4:
            return self._select(p1, p2, body)
        if ins == 0x20:
            return self._verify(p1, p2, body)
        if ins == 0xB0:
            return self._read_binary(p1, p2, body)
        return INS_NOT_SUPPORTED

    def _select(self, p1, p2, body):
        if p2 != 0x0C or not body or body[0] != len(body) - 1:
            return WRONG_P1P2 if p2 != 0x0C else WRONG_LENGTH
        data = body[1:]
        if p1 == 0x04:  # by AID
            if data != AID:
                return NOT_FOUND
            self._forget()
            self.ap_selected = True
            return OK
        if p1 == 0x02 and len(data) == 2:  # EF under the current DF
            fid = struct.unpack(">H", data)[0]
            if not self.ap_selected or fid not in (EF_CARD_FACE, EF_AP_INFO, EF_CERTIFICATE, EF_BIRTH_KEY,
                                                   EF_NUMBER_B_KEY, EF_NUMBER_A_KEY):
                return NOT_FOUND
            self.ef = fid
            return OK
        return WRONG_P1P2

    def _verify(self, p1, p2, body):
        if p1 != 0x00 or p2 != 0x80:
            return WRONG_P1P2
        if self.ef != EF_NUMBER_B_KEY:
            return NOT_ALLOWED_NO_EF
        if self.tries <= 0:
            return BLOCKED
        if not body or body == b"\x00":  # no data: the counter, no try spent
            self.verify_status_asked += 1
            return bytes([0x63, 0xC0 | self.tries])
        if body[0] != len(body) - 1 or body[0] != 14:
            return WRONG_LENGTH
        self.tries_spent += 1
        if body[1:] == self.number:
            self.tries = TRIES
            self.verified = True
            return OK
        self.tries -= 1
        self.verified = False
        return bytes([0x63, 0xC0 | self.tries])

    def _read_binary(self, p1, p2, body):
        if p1 & 0x80:  # short EF identifier: the card-face AP is read by selected EF
            return WRONG_P1P2
        if self.ef != EF_CARD_FACE:
            return NOT_ALLOWED_NO_EF if self.ef is None else SECURITY_NOT_SATISFIED
        if not self.verified:
            return SECURITY_NOT_SATISFIED
        if len(body) == 1:
            le = body[0] or 256
        elif len(body) == 3 and body[0] == 0:  # extended Le
            le = struct.unpack(">H", body[1:])[0] or 65536
        else:
            return WRONG_LENGTH
        offset = (p1 << 8) | p2
        if offset >= len(self.record):
            return OFFSET_OUT_OF_RANGE
        chunk = self.record[offset:offset + le]
        if self.remove_after is not None and offset + len(chunk) > self.remove_after:
            return None
        self.bytes_read += len(chunk)
        return chunk + OK


def main():
    ap = argparse.ArgumentParser(description="A virtual My Number Card for vsmartcard-vpcd.")
    ap.add_argument("--port", type=int, default=35963, help="vpcd's port (default 35963)")
    ap.add_argument("--number", default="55021720352285", help="照合番号B, 14 digits")
    ap.add_argument("--tries", type=int, default=TRIES, help="tries left (0: blocked)")
    ap.add_argument("--remove-after", type=int, help="leave the reader after this many bytes of EF 0002")
    args = ap.parse_args()
    card = MyNumberCard(args.port, number=args.number, tries=args.tries, remove_after=args.remove_after)
    print("card in the reader on port %d; Ctrl-C removes it" % args.port, flush=True)
    try:
        card.thread.join()
    except KeyboardInterrupt:
        card.remove()


if __name__ == "__main__":
    main()
