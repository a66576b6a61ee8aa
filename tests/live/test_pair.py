#!/usr/bin/env python3
"""`caora pair` on the live Linux backend: the real libusb code under umockdev
(tests/data/umockdev), sysfs fixtures for the adapters, the inventory in the
state folder across runs, and PC/SC readers from a private pcscd with vpcd
readers (live parts in pcsc_parts.py; that class skips when they cannot run).

Exits 77 (CTest: skipped) with the reason when umockdev is missing.
"""
import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcsc_parts  # noqa: E402
from live_parts import Terminal  # noqa: E402


def ids(doc, severity=None):
    return [f["id"] for f in doc["findings"] if severity is None or f["severity"] == severity]


class PairTest(unittest.TestCase):
    def setUp(self):
        self.t = Terminal("rndis-ok")

    def tearDown(self):
        self.t.cleanup()

    def test_one_unit_on_a_root_port(self):
        rc, d, err = self.t.caora("root-port", "--json", "pair")
        self.assertEqual(d["schema"], "caora.pair/1")
        u = d["units"]
        self.assertEqual(len(u), 1)
        self.assertEqual(u[0]["serial"], "2113001")
        self.assertEqual(u[0]["port_path"], "1-2")
        self.assertFalse(u[0]["behind_hub"])
        self.assertEqual(u[0]["speed"], "high")
        self.assertEqual(u[0]["rndis"]["interface"], "usb0")
        self.assertEqual(u[0]["rndis"]["ipv4"], ["192.168.250.2/24"])
        self.assertEqual(u[0]["rndis"]["overlaps"], [])
        # No pcscd here: the readers are a warning with the reason, not a problem, and not "none".
        self.assertIsNone(u[0]["reader"])
        self.assertIsNone(d["readers"])
        self.assertIn("readers-unknown", ids(d, "warning"))
        self.assertEqual(ids(d, "problem"), [])
        self.assertIn("power-on-order", ids(d, "info"))
        self.assertIn("new-unit", ids(d, "info"))
        self.assertEqual(d["licences"], {"needed": 0, "bought": None})
        self.assertEqual(rc, 0, err)
        with open(os.path.join(self.t.state, "inventory.json")) as f:
            inv = json.load(f)
        self.assertEqual(inv["units"][0]["serial"], "2113001")
        self.assertEqual(inv["units"][0]["port_path"], "1-2")
        self.assertEqual(inv["units"][0]["first_seen"], u[0]["first_seen"])

    def test_no_unit_is_exit_5(self):
        rc, d, err = self.t.caora("no-device", "--json", "pair")
        self.assertEqual(rc, 5, err)
        self.assertEqual(d["status"], "no-unit")
        self.assertEqual(d["units"], [])
        self.assertIn("no-unit", ids(d, "problem"))
        rc, d, err = self.t.caora("unknown-device", "--json", "pair")
        self.assertEqual(rc, 5, err)

    def test_a_unit_that_moved_port(self):
        rc, d, err = self.t.caora("root-port", "--json", "pair")
        first = d["units"][0]["first_seen"]
        rc, d, err = self.t.caora("moved-port", "--json", "pair")
        u = d["units"][0]
        self.assertEqual(u["port_path"], "1-3")
        self.assertEqual(u["moved_from"], "1-2")
        self.assertEqual(u["first_seen"], first)
        moved = next(f for f in d["findings"] if f["id"] == "moved-port")
        self.assertEqual(moved["severity"], "info")
        self.assertIn("tens of seconds", moved["text"]["en"])
        self.assertNotIn("new-unit", ids(d))
        # The adapter fixture has it on 1-2, so on 1-3 it has none: that is the problem here, not the move.
        self.assertEqual(ids(d, "problem"), ["no-adapter"])
        self.assertEqual(rc, 1)
        with open(os.path.join(self.t.state, "inventory.json")) as f:
            self.assertEqual(json.load(f)["units"][0]["port_path"], "1-3")

    def test_hub_and_low_speed(self):
        rc, d, err = self.t.caora("behind-hub", "--json", "pair")
        self.assertEqual(rc, 1, err)
        u = d["units"][0]
        self.assertTrue(u["behind_hub"])
        self.assertEqual(u["speed"], "full")
        self.assertIn("behind-hub", ids(d, "problem"))
        self.assertIn("low-speed", ids(d, "problem"))

    def test_five_units_and_licences(self):
        rc, d, err = self.t.caora("five-units", "--json", "pair", "--licences", "3")
        self.assertEqual(rc, 1, err)
        self.assertEqual([u["port_path"] for u in d["units"]], ["1-1", "1-2", "1-3", "1-4", "2-1"])
        self.assertIn("too-many-units", ids(d, "problem"))
        self.assertEqual(d["licences"], {"needed": 4, "bought": 3})
        self.assertIn("licences-short", ids(d, "problem"))
        # The licences bought are kept: the next run knows them without the option.
        rc, d, err = self.t.caora("root-port", "--json", "pair")
        self.assertEqual(d["licences"], {"needed": 0, "bought": 3})

    def test_two_units_text_table(self):
        t = Terminal("two-units")
        try:
            rc, out, err = t.caora("two-units", "pair")
            self.assertIn("2113001  1-2   direct  high   usb0 192.168.250.2/24", out)
            self.assertIn("?        2-1   direct  super  usb1 192.168.251.2/24", out)
            self.assertIn("! the unit on 2-1: the serial number cannot be read", out)
            self.assertIn("i 1 multi-unit licence(s) needed", out)
            rc, out, err = t.caora("two-units", "pair", lang="ja")
            self.assertIn("シリアル  ポート  接続  速度", out)
            self.assertIn("電源はCaoraを先に入れ", out)
        finally:
            t.cleanup()

    def test_overlap_and_disabled(self):
        t = Terminal("overlap")
        try:
            rc, d, err = t.caora("root-port", "--json", "pair")
            self.assertEqual(d["units"][0]["rndis"]["overlaps"], ["eth0:192.168.0.20/16"])
            self.assertIn("subnet-overlap", ids(d, "problem"))
            self.assertEqual(rc, 1)
        finally:
            t.cleanup()
        t = Terminal("disabled")
        try:
            rc, d, err = t.caora("root-port", "--json", "pair")
            self.assertFalse(d["units"][0]["rndis"]["enabled"])
            self.assertIn("adapter-disabled", ids(d, "problem"))
            self.assertIn("no-address", ids(d, "problem"))
        finally:
            t.cleanup()

    def test_recorded_site_leaves_the_inventory_alone(self):
        snap = os.path.join(self.t.dir, "site.json")
        rc, out, err = self.t.caora("root-port", "snapshot", "-o", snap)
        self.assertEqual(rc, 0, err)
        rc, d, err = self.t.caora("no-device", "--site", snap, "--json", "pair")
        self.assertEqual(d["units"][0]["serial"], "2113001")
        self.assertFalse(os.path.exists(os.path.join(self.t.state, "inventory.json")))

    def test_dry_run_reads_but_does_not_write_the_inventory(self):
        rc, d, err = self.t.caora("root-port", "--json", "pair")
        rc, d, err = self.t.caora("moved-port", "--dry-run", "--json", "pair", "--licences", "2")
        self.assertEqual(d["units"][0]["moved_from"], "1-2")
        with open(os.path.join(self.t.state, "inventory.json")) as f:
            inv = json.load(f)
        self.assertEqual(inv["units"][0]["port_path"], "1-2")
        self.assertIsNone(inv["licences"])

    def test_damaged_inventory_is_a_clear_error(self):
        os.makedirs(self.t.state)
        with open(os.path.join(self.t.state, "inventory.json"), "w") as f:
            f.write('{"schema": "caora.inventory/1", "units": [{"serial": 5}]}')
        rc, d, err = self.t.caora("root-port", "--json", "pair")
        self.assertEqual(rc, 1)
        self.assertEqual(d["schema"], "caora.error/1")
        self.assertIn("/units/0/serial: not a string", d["error"]["en"])


UNIT = "PFU Caora 2113001"
FOREIGN = "SONY FeliCa Port"


class PairReadersTest(unittest.TestCase):
    """The readers through the real pcsc-lite client code and a private pcscd."""

    @classmethod
    def setUpClass(cls):
        why = pcsc_parts.missing_parts()
        if why:
            raise unittest.SkipTest(why)

    def setUp(self):
        self.t = Terminal("rndis-ok")

    def tearDown(self):
        self.t.cleanup()

    def test_unit_reader_and_a_foreign_reader(self):
        d = pcsc_parts.Pcscd({UNIT: pcsc_parts.free_port_pair(), FOREIGN: pcsc_parts.free_port_pair()})
        try:
            rc, doc, err = self.t.caora("root-port", "--json", "pair",
                                        env=self.t.env(PCSCLITE_CSOCK_NAME=d.socket))
        finally:
            d.stop()
        self.assertEqual(doc["units"][0]["reader"], UNIT + " 00 00")
        # vpcd gives each reader two slots (00 00 and 00 01).
        self.assertIn(FOREIGN + " 00 00", doc["foreign_readers"])
        self.assertFalse([r for r in doc["foreign_readers"] if "Caora" in r])
        self.assertIn("foreign-reader", ids(doc, "problem"))
        self.assertEqual(rc, 1)
        with open(os.path.join(self.t.state, "inventory.json")) as f:
            self.assertEqual(json.load(f)["units"][0]["reader"], UNIT + " 00 00")

    def test_unit_without_its_reader(self):
        d = pcsc_parts.Pcscd({"PFU Caora 2119999": pcsc_parts.free_port_pair()})
        try:
            rc, doc, err = self.t.caora("root-port", "--json", "pair",
                                        env=self.t.env(PCSCLITE_CSOCK_NAME=d.socket))
        finally:
            d.stop()
        # Unit readers whose names carry another serial (two vpcd slots): not guessed to be this unit's.
        self.assertIsNone(doc["units"][0]["reader"])
        self.assertIn("no-reader", ids(doc, "problem"))
        d = pcsc_parts.Pcscd({FOREIGN: pcsc_parts.free_port_pair()})
        try:
            rc, doc, err = self.t.caora("root-port", "--json", "pair",
                                        env=self.t.env(PCSCLITE_CSOCK_NAME=d.socket))
        finally:
            d.stop()
        self.assertIsNone(doc["units"][0]["reader"])
        self.assertIn("no-reader", ids(doc, "problem"))


if __name__ == "__main__":
    if not shutil.which("umockdev-run"):
        print("SKIPPED: umockdev-run not found (Debian package umockdev)")
        sys.exit(77)
    unittest.main(verbosity=2)
