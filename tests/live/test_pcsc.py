#!/usr/bin/env python3
"""The PC/SC probes through the real pcsc-lite client code, against a private
pcscd with vpcd readers: reader discovery, a foreign reader, a virtual card,
an exclusive holder in another process, and pcscd gone.

Exits 77 (CTest: skipped) with the reason when the parts cannot run here.
"""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcsc_parts  # noqa: E402

CAORA = os.environ.get("CAORA_BIN", "caora")
UNIT = "PFU Caora 2113001"
FOREIGN = "SONY FeliCa Port"


def snapshot(env):
    p = subprocess.run([CAORA, "--lang", "en", "--json", "snapshot"], env=env, capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["probes"]


def diagnose(env, *args):
    p = subprocess.run([CAORA, "--lang", "en", "--json", "diagnose"] + list(args), env=env, capture_output=True,
                       timeout=30)
    return json.loads(p.stdout)


def wait_for(env, probe, want, timeout=5.0):
    """pcscd notices a card within its polling interval: ask again until it does."""
    deadline = time.time() + timeout
    while True:
        probes = snapshot(env)
        if probes[probe].get("value") == want or time.time() > deadline:
            return probes
        time.sleep(0.1)


class PcscTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.unit_port = pcsc_parts.free_port_pair()
        cls.foreign_port = pcsc_parts.free_port_pair()
        cls.pcscd = pcsc_parts.Pcscd({UNIT: cls.unit_port, FOREIGN: cls.foreign_port})
        cls.env = cls.pcscd.env()
        cls.env.pop("CAORA_SYSFS_ROOT", None)

    @classmethod
    def tearDownClass(cls):
        cls.pcscd.stop()

    def test_readers_without_a_card(self):
        p = snapshot(self.env)
        readers = p["pcsc.foreign_readers.present"]["evidence"][0]
        self.assertIn(UNIT + " 00 00", readers)
        self.assertIn(FOREIGN + " 00 00", readers)
        self.assertTrue(p["pcsc.foreign_readers.present"]["value"])
        self.assertTrue(p["pcsc.units.visible"]["value"])
        held = p["pcsc.unit.held_exclusive"]
        self.assertTrue(held["known"])
        self.assertFalse(held["value"], held)
        self.assertTrue(any("SCARD_E_NO_SMARTCARD" in e and "no card" in e for e in held["evidence"]), held)

    def test_card_then_exclusive_holder(self):
        card = pcsc_parts.VirtualCard(self.unit_port)
        try:
            p = wait_for(self.env, "pcsc.unit.held_exclusive", False)
            # Wait until the shared connect succeeds: the card is in and nobody holds it.
            deadline = time.time() + 5
            while not any("SCARD_S_SUCCESS" in e for e in p["pcsc.unit.held_exclusive"]["evidence"]):
                self.assertLess(time.time(), deadline, p["pcsc.unit.held_exclusive"])
                time.sleep(0.1)
                p = snapshot(self.env)
            self.assertFalse(p["pcsc.unit.held_exclusive"]["value"])

            holder = pcsc_parts.Holder(self.env, UNIT + " 00 00")
            try:
                self.assertEqual(holder.status, "held")
                p = snapshot(self.env)
                held = p["pcsc.unit.held_exclusive"]
                self.assertTrue(held["value"], held)
                self.assertTrue(any("SCARD_E_SHARING_VIOLATION" in e for e in held["evidence"]), held)
                # The recipe sees it: 906 / 0x03000006, card access conflict.
                d = diagnose(self.env, "906", "0x03000006")
                c = next(c for c in d["causes"] if c["id"] == "card-access-conflict")
                self.assertEqual(c["status"], "present", c)
                self.assertTrue(any("SCARD_E_SHARING_VIOLATION" in e for e in c["evidence"]), c)
            finally:
                holder.stop()
            p = wait_for(self.env, "pcsc.unit.held_exclusive", False)
            self.assertFalse(p["pcsc.unit.held_exclusive"]["value"])

            # A shared holder is not an exclusive one.
            shared = pcsc_parts.Holder(self.env, UNIT + " 00 00", share=pcsc_parts.SHARE_SHARED)
            try:
                self.assertEqual(shared.status, "held")
                self.assertFalse(snapshot(self.env)["pcsc.unit.held_exclusive"]["value"])
            finally:
                shared.stop()
        finally:
            card.remove()

    def test_exchange_is_fast(self):
        """TCP_QUICKACK/NODELAY on the card socket: a connect + disconnect takes milliseconds, not 40 ms steps."""
        card = pcsc_parts.VirtualCard(self.unit_port)
        try:
            wait_for(self.env, "pcsc.unit.held_exclusive", False)
            deadline = time.time() + 5
            while True:
                holder = pcsc_parts.Holder(self.env, UNIT + " 00 00", share=pcsc_parts.SHARE_SHARED)
                holder.stop()
                if holder.status == "held" or time.time() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual(holder.status, "held")
            t = time.time()
            snapshot(self.env)
            took = time.time() - t
            print("snapshot with a card in the unit reader: %.0f ms" % (took * 1000))
            self.assertLess(took, 2.0)
        finally:
            card.remove()


class NoServiceTest(unittest.TestCase):
    def test_pcscd_gone_is_unknown_not_false(self):
        d = pcsc_parts.Pcscd({UNIT: pcsc_parts.free_port_pair()})
        env = d.env()
        d.stop()
        p = snapshot(env)
        for name in ("pcsc.units.visible", "pcsc.foreign_readers.present", "pcsc.unit.held_exclusive"):
            self.assertFalse(p[name]["known"], p[name])
            self.assertIn("pcscd", p[name]["reason"]["en"])


class ForeignOnlyTest(unittest.TestCase):
    def test_only_a_foreign_reader(self):
        d = pcsc_parts.Pcscd({FOREIGN: pcsc_parts.free_port_pair()})
        try:
            p = snapshot(d.env())
            self.assertFalse(p["pcsc.units.visible"]["value"])
            self.assertTrue(p["pcsc.foreign_readers.present"]["value"])
            self.assertFalse(p["pcsc.unit.held_exclusive"]["value"])
        finally:
            d.stop()


if __name__ == "__main__":
    why = pcsc_parts.missing_parts()
    if why:
        print("SKIPPED: " + why)
        sys.exit(77)
    unittest.main(verbosity=2)
