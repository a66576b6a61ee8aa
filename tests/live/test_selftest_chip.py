#!/usr/bin/env python3
"""The chip stage of the card self-test with real parts: the real PC/SC client
code (lib/pcsc/card_channel.cc) through a private pcscd and vsmartcard's vpcd
to the virtual My Number Card (mynumber_card.py), which keeps its own state so
the tests check the card's side too (tries spent, counter unchanged, nothing
left verified).

The stage runs through `caora selftest card IMAGE --reader NAME` when the
binary has the card self-test, else through the Catch2 driver
"[.pcsc-live]" of caora_unit_tests (the same library code). The card itself is
checked first with raw APDUs through pcsc-lite.

Exits 77 (CTest: skipped) with the reason when the parts cannot run here.
"""
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mynumber_card  # noqa: E402
import pcsc_parts  # noqa: E402

CAORA = os.environ.get("CAORA_BIN", "caora")
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
UNIT_TESTS = os.environ.get("CAORA_UNIT_TESTS") or os.path.join(os.path.dirname(CAORA), "tests", "caora_unit_tests")
PHOTO = os.path.join(SOURCE, "tests", "data", "card", "face.jp2")
READER = "PFU Caora 2113001"
SLOT = READER + " 00 00"  # vpcd's first slot: where the card goes
NUMBER = "55021720352285"  # 昭和55年2月17日, 2035, 2285
OTHER_NUMBER = "55021720359999"

SCARD_STATE_EMPTY, SCARD_STATE_PRESENT = 0x10, 0x20


class ReaderState(ctypes.Structure):
    _fields_ = [("szReader", ctypes.c_char_p), ("pvUserData", ctypes.c_void_p), ("dwCurrentState", ctypes.c_ulong),
                ("dwEventState", ctypes.c_ulong), ("cbAtr", ctypes.c_ulong), ("rgbAtr", ctypes.c_ubyte * 33)]


class IoRequest(ctypes.Structure):
    _fields_ = [("dwProtocol", ctypes.c_ulong), ("cbPciLength", ctypes.c_ulong)]


class Pcsc:
    """Just enough of pcsc-lite through ctypes to talk to the card directly."""

    def __init__(self, socket_path):
        os.environ["PCSCLITE_CSOCK_NAME"] = socket_path  # read when the library connects
        self.lib = ctypes.CDLL("libpcsclite.so.1")
        self.ctx = ctypes.c_long()
        rv = self.lib.SCardEstablishContext(ctypes.c_ulong(2), None, None, ctypes.byref(self.ctx))
        assert rv == 0, hex(rv & 0xFFFFFFFF)
        self.card = None

    def state(self, reader):
        st = ReaderState(reader.encode(), None, 0, 0, 0)
        rv = self.lib.SCardGetStatusChange(self.ctx, ctypes.c_ulong(0), ctypes.byref(st), ctypes.c_ulong(1))
        return st.dwEventState if rv == 0 else 0

    def wait(self, reader, flag, timeout=5.0):
        deadline = time.time() + timeout
        while not self.state(reader) & flag:
            if time.time() > deadline:
                raise AssertionError("reader state 0x%x never showed 0x%x" % (self.state(reader), flag))
            time.sleep(0.02)

    def connect(self, reader):
        self.card, proto = ctypes.c_long(), ctypes.c_ulong()
        rv = self.lib.SCardConnect(self.ctx, reader.encode(), ctypes.c_ulong(2), ctypes.c_ulong(3),
                                   ctypes.byref(self.card), ctypes.byref(proto))
        assert rv == 0, hex(rv & 0xFFFFFFFF)
        self.pci = IoRequest(proto.value, ctypes.sizeof(IoRequest))

    def transmit(self, apdu_hex):
        apdu = bytes.fromhex(apdu_hex.replace(" ", ""))
        out = (ctypes.c_ubyte * 65538)()
        n = ctypes.c_ulong(len(out))
        rv = self.lib.SCardTransmit(self.card, ctypes.byref(self.pci), apdu, ctypes.c_ulong(len(apdu)), None, out,
                                    ctypes.byref(n))
        assert rv == 0, hex(rv & 0xFFFFFFFF)
        return bytes(out[:n.value])

    def disconnect(self):
        self.lib.SCardDisconnect(self.card, ctypes.c_ulong(1))  # SCARD_RESET_CARD
        self.card = None

    def close(self):
        self.lib.SCardReleaseContext(self.ctx)


def has_card_selftest():
    p = subprocess.run([CAORA, "selftest", "--help"], capture_output=True, text=True)
    return "card" in p.stdout and "--reader" in p.stdout


# One pcscd for the whole run: pcsc-lite (in this process, through ctypes) reads
# PCSCLITE_CSOCK_NAME once.
PARTS = {}


def setUpModule():
    PARTS["port"] = pcsc_parts.free_port_pair()
    PARTS["pcscd"] = pcsc_parts.Pcscd({READER: PARTS["port"]})
    PARTS["pcsc"] = Pcsc(PARTS["pcscd"].socket)


def tearDownModule():
    PARTS["pcsc"].close()
    PARTS["pcscd"].stop()


class LiveReader(unittest.TestCase):
    """A test with the private pcscd, its vpcd reader, and a card to put in."""

    @classmethod
    def setUpClass(cls):
        cls.port = PARTS["port"]
        cls.env = PARTS["pcscd"].env()
        cls.pcsc = PARTS["pcsc"]
        cls.tmp = tempfile.mkdtemp(prefix="caora-chip-")

    def insert(self, **kw):
        # vpcd takes a new card's connection when it next polls the slot; now and
        # then (right after another process let go of the reader) it drops it, and
        # the card is put in again, as a person would.
        for attempt in range(3):
            card = mynumber_card.MyNumberCard(self.port, **kw)
            try:
                self.pcsc.wait(SLOT, SCARD_STATE_PRESENT, timeout=3.0)
                break
            except AssertionError:
                card.remove()
                if attempt == 2:
                    raise
        self.addCleanup(self.take_out, card)
        return card

    def take_out(self, card):
        card.remove()
        self.pcsc.wait(SLOT, SCARD_STATE_EMPTY)


class ChipTest(LiveReader):
    def stage(self, reader=READER, number=NUMBER, force=False, ready=""):
        """The chip stage through the library's live driver; its caora.selftest.card/1 "chip" object.
        `ready`: a file the driver writes just before the stage starts."""
        out = os.path.join(self.tmp, "chip-%d.json" % time.monotonic_ns())
        env = dict(self.env, CAORA_LIVE_READER=reader, CAORA_LIVE_NUMBER=number, CAORA_LIVE_OUT=out,
                   CAORA_LIVE_FORCE="1" if force else "0", CAORA_LIVE_READY=ready)
        p = subprocess.run([UNIT_TESTS, "[.pcsc-live]"], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(out) as f:
            return json.load(f)

    def assert_code(self, chip, status, error, detail):
        self.assertEqual(chip["status"], status, chip)
        self.assertEqual(chip["error_code"], error, chip)
        self.assertEqual(chip["detail_code"], detail, chip)
        self.assertEqual(chip["recipe"], "error-" + error if error else None, chip)
        # The recipe named exists and knows the detail code.
        if error:
            with open(os.path.join(SOURCE, "recipes", "errors", error + ".json")) as f:
                recipe = json.load(f)
            self.assertEqual(recipe["id"], chip["recipe"])
            if detail:
                self.assertIn(detail, [d["code"] for d in recipe["details"]])

    # --- the virtual card on its own, through pcsc-lite ---

    def test_card_answers_like_the_card_face_ap(self):
        card = self.insert(tries=3)
        self.pcsc.connect(SLOT)
        try:
            t = self.pcsc.transmit
            self.assertEqual(t("00A4040C0AD3921000310001010402"), b"\x90\x00")
            self.assertEqual(t("00A4020C020002"), b"\x90\x00")
            self.assertEqual(t("00B0000010"), b"\x69\x82")  # nothing readable before VERIFY
            self.assertEqual(t("00A4020C020012"), b"\x90\x00")
            self.assertEqual(t("00200080"), b"\x63\xC3")  # the counter, no try spent
            self.assertEqual(t("00200080"), b"\x63\xC3")
            self.assertEqual(card.tries_spent, 0)
            wrong = "002000800E" + OTHER_NUMBER.encode().hex()
            self.assertEqual(t(wrong), b"\x63\xC2")
            self.assertEqual(t("002000800E" + NUMBER.encode().hex()), b"\x90\x00")
            self.assertEqual(t("00200080"), b"\x63\xCA")  # a correct number resets the counter
            self.assertEqual(t("00A4020C020002"), b"\x90\x00")
            head = t("00B0000005")
            self.assertEqual(head[:3], b"\xFF\x20\x82")  # outer length in the 82 hh ll form
            self.assertEqual(head[-2:], b"\x90\x00")
            total = 5 + int.from_bytes(head[3:5], "big")
            record = t("00B00000000000")  # extended Le: everything at once
            self.assertEqual(record[-2:], b"\x90\x00")
            record = record[:-2]
            self.assertEqual(len(record), total)
            with open(PHOTO, "rb") as f:
                self.assertIn(b"\xDF\x27\x82" + len(f.read()).to_bytes(2, "big"), record)
            self.assertEqual(t("00B07FFF01"), b"\x6B\x00")  # past the end
            self.assertEqual(t("00B0" + "%04X" % (len(record) - 3) + "00")[:-2], record[-3:])  # a short read
        finally:
            self.pcsc.disconnect()
        self.assertFalse(card.verified, "a reset must forget the verification")

    def test_card_locks_on_the_last_try(self):
        card = self.insert(tries=2)
        self.pcsc.connect(SLOT)
        try:
            t = self.pcsc.transmit
            t("00A4040C0AD3921000310001010402")
            t("00A4020C020012")
            wrong = "002000800E" + OTHER_NUMBER.encode().hex()
            self.assertEqual(t(wrong), b"\x63\xC1")
            self.assertEqual(t(wrong), b"\x63\xC0")  # the try that uses the last
            self.assertEqual(t(wrong), b"\x69\x84")
            self.assertEqual(t("002000800E" + NUMBER.encode().hex()), b"\x69\x84")  # even the right one
            self.assertEqual(t("00200080"), b"\x69\x84")
            self.assertEqual(card.tries, 0)
        finally:
            self.pcsc.disconnect()

    # --- the chip stage through the real client code ---

    def test_right_number_reads_the_photo(self):
        card = self.insert()
        chip = self.stage()
        self.assert_code(chip, "ok", None, None)
        self.assertEqual(chip["reader_found"], SLOT)
        self.assertTrue(chip["atr"].startswith("3B888001"), chip["atr"])
        self.assertEqual(chip["tries_left_before"], 10)
        self.assertEqual(card.tries_spent, 1)
        # The counter was asked (an empty VERIFY) before the VERIFY that spends a try.
        verifies = [a for a in card.apdus if a.startswith("00200080")]
        self.assertEqual(verifies, ["00200080", "002000800e" + NUMBER.encode().hex()])
        with open(PHOTO, "rb") as f:
            jp2 = f.read()
        self.assertEqual(chip["photo"]["bytes"], len(jp2))
        self.assertEqual(card.bytes_read, len(card.record))
        # Another decoder agrees: PIL opens the PNG, and its pixels are the JP2's.
        from PIL import Image
        with Image.open(chip["photo"]["written"]) as f:
            self.assertEqual(f.format, "PNG")
            png = f.copy()
        with Image.open(PHOTO) as f:
            ref = f.copy()
        self.assertEqual(png.size, ref.size)
        self.assertEqual((chip["photo"]["width"], chip["photo"]["height"]), ref.size)
        a, b = png.convert("L").tobytes(), ref.convert("L").tobytes()
        self.assertLessEqual(max(abs(x - y) for x, y in zip(a, b)), 1)
        for step in ("connect", "select", "read_counter", "verify", "read_record", "total"):
            self.assertIn(step, chip["timings_ms"])
        print("chip stage, right number: %s ms in all, %d APDUs" % (chip["timings_ms"]["total"], chip["apdus"]))
        self.assertFalse(card.verified, "the stage resets the card when it leaves")

    def test_wrong_number_spends_one_try(self):
        card = self.insert(number=OTHER_NUMBER, tries=10)
        chip = self.stage()
        self.assert_code(chip, "wrong_number", "015", "0x04000019")
        self.assertEqual(chip["tries_left"], 9)
        self.assertEqual(chip["sw"], "63C9")
        self.assertEqual(card.tries, 9)
        self.assertEqual(card.tries_spent, 1)
        self.assertIsNone(chip["photo"])
        self.assertEqual(card.bytes_read, 0)

    def test_one_try_left_is_refused_unless_forced(self):
        card = self.insert(tries=1)
        chip = self.stage(number=OTHER_NUMBER)
        self.assert_code(chip, "refused_last_try", "015", "0x04000011")
        self.assertEqual(chip["tries_left"], 1)
        self.assertFalse(chip["verify_sent"])
        self.assertEqual((card.tries, card.tries_spent), (1, 0))  # the card's counter untouched
        self.assertEqual(card.verify_status_asked, 1)

        chip = self.stage(force=True)
        self.assert_code(chip, "ok", None, None)
        self.assertEqual(chip["tries_left_before"], 1)
        self.assertEqual((card.tries, card.tries_spent), (10, 1))

    def test_blocked_card(self):
        card = self.insert(tries=0)
        chip = self.stage(force=True)
        self.assert_code(chip, "blocked", "015", None)
        self.assertEqual(chip["tries_left"], 0)
        self.assertFalse(chip["verify_sent"])
        self.assertEqual(card.tries_spent, 0)

    def test_card_pulled_mid_read(self):
        card = self.insert(remove_after=1000)
        chip = self.stage()
        self.assert_code(chip, "removed", "001", "0x03000002")
        self.assertTrue(card.removed)
        self.assertIsNone(chip["photo"])
        self.assertLess(card.bytes_read, 1000)

    def test_no_reader_by_that_name(self):
        chip = self.stage(reader="SONY FeliCa Port")
        self.assert_code(chip, "no_reader", "906", "0x02000001")
        self.assertIn(SLOT, chip["message"]["en"])  # says which readers there are

    def test_reader_held_exclusively_by_another_process(self):
        self.insert()
        holder = pcsc_parts.Holder(self.env, SLOT)
        try:
            self.assertEqual(holder.status, "held")
            chip = self.stage()
            self.assert_code(chip, "sharing_violation", "906", "0x03000006")
            self.assertEqual(chip["scard"], "SCARD_E_SHARING_VIOLATION")
        finally:
            holder.stop()

    def test_no_card_waits_three_seconds(self):
        chip = self.stage(reader=SLOT)
        self.assert_code(chip, "no_card", "001", "0x03000002")
        self.assertGreaterEqual(chip["timings_ms"]["connect"], 2900)
        self.assertLess(chip["timings_ms"]["connect"], 4500)

    def test_card_put_in_while_waiting(self):
        # The card goes in a second after the driver says it is about to wait, not a
        # second after this script starts the driver: under load the driver's own start
        # can take most of that second, and the wait measured would then be shorter.
        ready = os.path.join(self.tmp, "ready-%d" % time.monotonic_ns())
        cards = []

        def put_in_when_waiting():
            deadline = time.monotonic() + 30
            while not os.path.exists(ready) and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(1.0)
            cards.append(mynumber_card.MyNumberCard(self.port))

        later = threading.Thread(target=put_in_when_waiting)
        later.start()
        try:
            chip = self.stage(reader=SLOT, ready=ready)
        finally:
            later.join()
            for c in cards:
                self.take_out(c)
        self.assertTrue(cards, "the driver never said it was waiting")
        self.assert_code(chip, "ok", None, None)
        # A second from the driver's signal; 100 ms for the signal's own write.
        self.assertGreaterEqual(chip["timings_ms"]["connect"], 900)


@unittest.skipUnless(os.path.exists(CAORA) and has_card_selftest(),
                     "this caora has no card self-test with --reader (built without the card-face OCR)")
class WholeBinaryTest(LiveReader):
    """caora selftest card IMAGE --reader NAME: OCR of a generated card → its 照合番号B → the chip."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gen = os.path.join(SOURCE, "tests", "tools", "cardgen", "cardgen.py")
        subprocess.run(["/usr/bin/python3", gen, "--out", cls.tmp, "--count", "1", "--seed", "7"], check=True,
                       capture_output=True, timeout=120)
        cls.image = os.path.join(cls.tmp, "0000.png")
        with open(os.path.join(cls.tmp, "0000.json")) as f:
            cls.truth = json.load(f)["verification_number_b"]

    def caora(self, *args, json_out=True, lang="en"):
        cmd = [CAORA, "--lang", lang] + (["--json"] if json_out else []) + ["selftest", "card", self.image] + list(args)
        p = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=60)
        if json_out:
            self.assertTrue(p.stdout.strip(), p.stderr)
            return p.returncode, json.loads(p.stdout)
        return p.returncode, p.stdout

    def test_ocr_then_chip_then_photo(self):
        card = self.insert(number=self.truth)
        png = os.path.join(self.tmp, "photo.png")
        code, doc = self.caora("--reader", READER, "--photo", png)
        self.assertEqual(doc["schema"], "caora.selftest.card/1")
        self.assertEqual(doc["verification_number_b"], self.truth)
        chip = doc["chip"]
        self.assertEqual(code, 0, doc)
        self.assertEqual(chip["status"], "ok", chip)
        self.assertEqual(chip["tries_left_before"], 10)
        self.assertEqual(card.apdus[3], "002000800e" + self.truth.encode().hex())  # the number OCR read, as sent
        self.assertEqual(chip["photo"]["written"], png)
        from PIL import Image
        with Image.open(PHOTO) as jp2:
            ref = jp2.copy()
        with Image.open(png) as img:
            self.assertEqual(img.format, "PNG")
            self.assertEqual(img.size, ref.size)
        self.assertEqual((chip["photo"]["width"], chip["photo"]["height"]), ref.size)
        self.assertIn("photo", chip["timings_ms"])

    def test_wrong_number_is_015_exit_1(self):
        card = self.insert(number=OTHER_NUMBER, tries=5)
        code, doc = self.caora("--reader", READER)
        self.assertEqual(code, 1)
        self.assertEqual(doc["chip"]["status"], "wrong_number")
        self.assertEqual(doc["chip"]["detail_code"], "0x04000014")
        self.assertEqual(card.tries, 4)

    def test_last_try_refused_then_forced(self):
        card = self.insert(number=self.truth, tries=1)
        code, doc = self.caora("--reader", READER)
        self.assertEqual(code, 1)
        self.assertEqual(doc["chip"]["status"], "refused_last_try")
        self.assertEqual((card.tries, card.tries_spent), (1, 0))
        code, doc = self.caora("--reader", READER, "--force")
        self.assertEqual(code, 0, doc)
        self.assertEqual(doc["chip"]["status"], "ok")

    def test_no_reader_exit_5(self):
        code, doc = self.caora("--reader", "SONY FeliCa Port")
        self.assertEqual(code, 5)
        self.assertEqual((doc["chip"]["status"], doc["chip"]["error_code"], doc["chip"]["detail_code"]),
                         ("no_reader", "906", "0x02000001"))

    def test_human_output_in_japanese(self):
        self.insert(number=self.truth)
        code, out = self.caora("--reader", READER, json_out=False, lang="ja")
        self.assertEqual(code, 0, out)
        self.assertIn("✓ チップ（" + SLOT + "）: 照合番号Bが一致し", out)

    def test_chip_options_need_a_reader_and_a_folder(self):
        code, doc = self.caora("--photo", os.path.join(self.tmp, "x.png"))
        self.assertEqual(code, 2)
        self.assertIn("--reader", doc["error"]["en"])
        card = self.insert(number=self.truth)
        code, doc = self.caora("--reader", READER, "--photo", os.path.join(self.tmp, "no-such-folder", "x.png"))
        self.assertEqual(code, 2)
        self.assertEqual(card.apdus, [], "the card is not touched when the photo cannot be written")



JOHNS = "/usr/share/doc/libdlib19.1/examples/johns"


def has_selftest_run():
    p = subprocess.run([CAORA, "selftest", "--help"], capture_output=True, text=True)
    return "--capture" in p.stdout


@unittest.skipUnless(os.path.exists(CAORA) and has_selftest_run() and os.path.isdir(JOHNS),
                     "this caora has no selftest run, or Debian's dlib example photos (libdlib19.1) are missing")
class PipelineTest(LiveReader):
    """caora selftest run: the generated card's OCR → 照合番号B → the chip over vpcd → the capture's quality →
    the match against the photo read from the chip (the card keeps John Simm's photo, tests/data/card/README)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gen = os.path.join(SOURCE, "tests", "tools", "cardgen", "cardgen.py")
        subprocess.run(["/usr/bin/python3", gen, "--out", cls.tmp, "--count", "1", "--seed", "7"], check=True,
                       capture_output=True, timeout=120)
        cls.image = os.path.join(cls.tmp, "0000.png")
        with open(os.path.join(cls.tmp, "0000.json")) as f:
            cls.truth = json.load(f)["verification_number_b"]
        cls.same = os.path.join(JOHNS, "John_Simm", "000300_00470148.jpg")
        other = sorted(os.listdir(os.path.join(JOHNS, "John_Savage")))[0]
        cls.other = os.path.join(JOHNS, "John_Savage", other)

    def run_pipeline(self, *args):
        cmd = [CAORA, "--lang", "en", "--json", "selftest", "run", "--card", self.image] + list(args)
        p = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)
        self.assertTrue(p.stdout.strip(), p.stderr)
        return p.returncode, json.loads(p.stdout)

    def test_stages_in_the_units_order_with_the_chip_photo_as_reference(self):
        card = self.insert(number=self.truth)
        annotate = tempfile.mkdtemp(dir=self.tmp)
        code, doc = self.run_pipeline("--reader", READER, "--capture", self.same, "--annotate", annotate)
        self.assertEqual(doc["schema"], "caora.selftest/1")
        self.assertEqual([s["stage"] for s in doc["stages"]],
                         ["placement", "ocr", "verification_number_b", "chip", "capture_quality", "match"])
        self.assertEqual(doc["verification_number_b"], self.truth)
        self.assertEqual(card.apdus[3], "002000800e" + self.truth.encode().hex())
        self.assertEqual(doc["reference_source"], "chip")
        self.assertEqual(doc["chip"]["status"], "ok")
        for s in doc["stages"][:4]:
            self.assertEqual(s["verdict"], "pass", s)
        self.assertIsNotNone(doc["face"]["distance"])
        for name in ("placement", "ocr", "chip", "capture_quality", "match", "total", "load_ocr", "load_models"):
            self.assertIn(name, doc["timings_ms"])
        self.assertEqual(code, 0 if doc["decision"]["passed"] else 1)
        for png in ("card.png", "chip-photo.png", "face.png"):
            self.assertTrue(os.path.getsize(os.path.join(annotate, png)) > 100, png)
        same_distance = doc["face"]["distance"]
        # Another person against the same chip photo is further away, and a miss maps to qa-24.
        self.take_out(card)
        self.insert(number=self.truth)
        code, doc = self.run_pipeline("--reader", READER, "--capture", self.other)
        self.assertGreater(doc["face"]["distance"], same_distance)
        if not doc["face"]["match"]:
            self.assertEqual(code, 1)
            self.assertEqual(doc["stages"][-1]["recipe"], "qa-24")
            self.assertEqual(doc["decision"]["recipe"], doc["stages"][-1]["recipe"] if doc["stages"][-2]["verdict"] == "pass"
                             else "qa-24")

    def test_wrong_number_stops_at_the_chip_with_015(self):
        card = self.insert(number=OTHER_NUMBER, tries=5)
        code, doc = self.run_pipeline("--reader", READER, "--capture", self.same)
        self.assertEqual(code, 1)
        chip = [s for s in doc["stages"] if s["stage"] == "chip"][0]
        self.assertEqual((chip["verdict"], chip["code"], chip["recipe"]), ("fail", "015", "error-015"))
        self.assertEqual(doc["decision"]["code"], "015")
        # No photo: the face stages are skipped, not passed.
        self.assertEqual([s["verdict"] for s in doc["stages"][-2:]], ["skipped", "skipped"])
        self.assertEqual(card.tries, 4)

    def test_no_reader_is_906_exit_5(self):
        code, doc = self.run_pipeline("--reader", "SONY FeliCa Port", "--capture", self.same)
        self.assertEqual(code, 5)
        chip = [s for s in doc["stages"] if s["stage"] == "chip"][0]
        self.assertEqual(chip["code"], "906")

    def test_reference_file_instead_of_the_chip(self):
        code, doc = self.run_pipeline("--capture", self.same, "--reference",
                                      os.path.join(JOHNS, "John_Simm", "000288_00470387.jpg"))
        self.assertEqual(doc["reference_source"], "file")
        self.assertNotIn("chip", [s["stage"] for s in doc["stages"]])
        self.assertEqual(code, 0 if doc["decision"]["passed"] else 1)

    def test_usage_errors(self):
        for args, word in ((["--capture", "/nonexistent.png", "--reference", "/nonexistent.png"], "nonexistent"),
                           (["--capture", PHOTO], "--reference")):
            code, doc = self.run_pipeline(*args)
            self.assertEqual(code, 2, doc)
            self.assertIn(word, doc["error"]["en"])
            self.assertTrue(doc["error"]["ja"])

if __name__ == "__main__":
    why = pcsc_parts.missing_parts()
    if not why and not os.path.exists(UNIT_TESTS):
        why = "the unit-test binary is not built: " + UNIT_TESTS
    if why:
        print("SKIPPED: " + why)
        sys.exit(77)
    unittest.main(verbosity=2)
