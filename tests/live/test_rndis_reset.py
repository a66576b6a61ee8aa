#!/usr/bin/env python3
"""`caora rndis-reset`, and the recipes that reset the adapter with --fix, on
the live Linux backend: the real libusb code under umockdev, a writable copy
of a sysfs fixture, and a stand-in for the kernel (live_parts.RndisKernel)
that takes the interface away on unbind and brings it back after bind, with
its address, without one, or never.

Exits 77 (CTest: skipped) with the reason when umockdev is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import live_parts  # noqa: E402
from live_parts import RndisKernel, Terminal  # noqa: E402


def cause(report, cause_id):
    return next(c for c in report["causes"] if c["id"] == cause_id)


class RndisResetTest(unittest.TestCase):
    def setUp(self):
        self.t = Terminal("rndis-ok")

    def tearDown(self):
        self.t.cleanup()

    def test_adapter_comes_back_with_its_address(self):
        k = RndisKernel(self.t, mode="back", delay=0.5)
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset", "--timeout", "20")
        self.assertEqual(rc, 0, (d, err))
        self.assertEqual(d["schema"], "caora.rndis-reset/1")
        self.assertEqual(d["status"], "done")
        self.assertEqual(d["units"], [{"port_path": "1-2", "serial": "2113001"}])
        self.assertEqual([(e[0], e[1]) for e in k.events[:2]], [("unbind", "1-2:1.0"), ("bind", "1-2:1.0")])
        self.assertIn("2113001 (1-2): usb0 192.168.250.2/24", d["seen"])
        # It waited for the kernel: the adapter was gone for half a second.
        self.assertGreaterEqual(d["waited_s"], 0.4)
        self.assertTrue(any(c.startswith("usb0 is back on 1-2 after ") for c in d["changes"]), d["changes"])
        rc, h, err = self.t.caora("root-port", "--json", "history")
        entry = next(e for e in h["entries"] if e["id"] == d["journal"])
        self.assertEqual(entry["action"], "rndis.reset")

    def test_never_back_times_out_with_what_was_seen(self):
        RndisKernel(self.t, mode="never")
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset", "--timeout", "2")
        self.assertEqual(rc, 6, (d, err))
        self.assertEqual(d["status"], "timed-out")
        self.assertEqual(d["seen"], ["2113001 (1-2): no adapter"])
        self.assertIn("no adapter on 1-2 yet after", d["changes"][-1])

    def test_back_without_an_address_is_not_success(self):
        RndisKernel(self.t, mode="no-address", delay=0.2)
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset", "--timeout", "3")
        self.assertEqual(rc, 6, (d, err))
        self.assertEqual(d["seen"], ["2113001 (1-2): usb0 without an IPv4 address"])

    def test_text_output(self):
        RndisKernel(self.t, mode="back", delay=0.1)
        rc, out, err = self.t.caora("root-port", "--yes", "rndis-reset", "--device", "2113001")
        self.assertEqual(rc, 0, (out, err))
        self.assertIn("units: 2113001 (1-2)", out)
        self.assertIn("✓ the RNDIS adapter is back and has its IPv4 address", out)
        rc, out, err = self.t.caora("root-port", "--yes", "--dry-run", "rndis-reset", lang="ja")
        self.assertIn("対象: 2113001 (1-2)", out)

    def test_refused_bind_needs_a_restart_and_reboot_schedules_it(self):
        k = RndisKernel(self.t, mode="refuse-bind")
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset", "--reboot", "--timeout", "2")
        self.assertEqual(rc, 3, (d, err))
        self.assertEqual(d["status"], "restart-scheduled")
        self.assertTrue(d["restart"]["scheduled"])
        self.assertEqual([e[0] for e in k.events], ["unbind"])
        calls = self.t.shutdown_calls()
        self.assertEqual(len(calls), 1, calls)
        self.assertTrue(calls[0].startswith("-r +2 "), calls)
        self.assertTrue(os.path.exists(os.path.join(self.t.run_dir, "systemd", "shutdown", "scheduled")))
        self.assertTrue(any(c.startswith("verified: ") and "MODE=reboot" in c for c in d["changes"]), d["changes"])

    def test_refused_bind_without_reboot_says_so(self):
        RndisKernel(self.t, mode="refuse-bind")
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset")
        self.assertEqual(rc, 3, (d, err))
        self.assertEqual(d["status"], "needs-restart")
        self.assertEqual(self.t.shutdown_calls(), [])

    def test_dry_run_changes_nothing(self):
        k = RndisKernel(self.t, mode="back")
        rc, d, err = self.t.caora("root-port", "--dry-run", "--json", "rndis-reset")
        self.assertEqual(rc, 0, (d, err))
        self.assertEqual(d["status"], "planned")
        self.assertIn("write 1-2:1.0 to ", d["plan"]["changes"][0])
        self.assertEqual(k.events, [])
        self.assertIsNone(d["journal"])

    def test_no_terminal_without_yes(self):
        k = RndisKernel(self.t, mode="back")
        rc, d, err = self.t.caora("root-port", "--json", "rndis-reset")
        self.assertEqual(rc, 3, (d, err))
        self.assertEqual(d["schema"], "caora.error/1")
        self.assertIn("--yes", d["error"]["en"])
        self.assertEqual(k.events, [])

    def test_no_unit_and_unknown_serial(self):
        rc, d, err = self.t.caora("no-device", "--yes", "--json", "rndis-reset")
        self.assertEqual(rc, 5, (d, err))
        self.assertEqual(d["status"], "no-unit")
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset", "--device", "9999999")
        self.assertEqual(rc, 5, (d, err))
        self.assertEqual(d["message"]["en"], "no unit with serial number 9999999 on USB")

    def test_kernel_without_bind_files_is_not_possible_here(self):
        # The fixture as committed has no bind/unbind: the plan says why and a person must act.
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "rndis-reset")
        self.assertEqual(rc, 3, (d, err))
        self.assertEqual(d["status"], "not-possible")
        self.assertIn("unbind does not exist", d["message"]["en"])
        self.assertIn("Unplug the unit's USB cable", d["message"]["en"])

    def test_recorded_site_only_plans(self):
        snap = os.path.join(self.t.dir, "site.json")
        rc, d, err = self.t.caora("root-port", "snapshot", "-o", snap)
        self.assertEqual(rc, 0, err)
        rc, d, err = self.t.caora("no-device", "--site", snap, "--yes", "--json", "rndis-reset")
        self.assertEqual(rc, 0, (d, err))
        self.assertEqual(d["status"], "planned")
        self.assertEqual(d["units"][0]["serial"], "2113001")


class RecipeResetTest(unittest.TestCase):
    """FUJ008 and FUJ906 xxxxC02-11: the adapter lost its address; --fix --yes resets it for real."""

    def setUp(self):
        self.t = Terminal("no-address")

    def tearDown(self):
        self.t.cleanup()

    def check_fixed(self, *query):
        k = RndisKernel(self.t, mode="back", delay=0.3)
        rc, d, err = self.t.caora("root-port", "--json", "diagnose", *query)
        self.assertEqual(cause(d, "rndis-driver-glitch")["status"], "present")
        self.assertEqual(k.events, [])
        # --yes alone never restarts the terminal: the restart step waits for --reboot.
        rc, d, err = self.t.caora("root-port", "--yes", "--json", "diagnose", *query, "--fix", "--reboot")
        c = cause(d, "rndis-driver-glitch")
        self.assertEqual(c["status"], "present", c)
        self.assertIn("verified: absent after the fix", c["evidence"])
        self.assertEqual([(e[0], e[1]) for e in k.events[:2]], [("unbind", "1-2:1.0"), ("bind", "1-2:1.0")])
        reset = next(a for a in d["actions"] if a["id"] == "rndis.reset")
        self.assertTrue(reset["applied"], reset)
        self.assertTrue(reset["journal"])
        # The recipe also restarts the terminal: through the shutdown stand-in, never the machine.
        restart = [a for a in d["actions"] if a["id"] == "host.restart.schedule" and a["cause"] == "rndis-driver-glitch"]
        self.assertTrue(restart and restart[0]["applied"], d["actions"])
        self.assertTrue(self.t.shutdown_calls())
        # Sleep was on (no masks under the terminal's /etc): masked now, and undo takes the masks away.
        sleep = next(a for a in d["actions"] if a["id"] == "host.sleep.disable")
        self.assertTrue(sleep["applied"], sleep)
        masks = os.path.join(self.t.etc, "systemd", "system")
        self.assertIn("suspend.target", os.listdir(masks))
        rc, u, err = self.t.caora("root-port", "--yes", "--json", "undo", sleep["journal"])
        self.assertEqual(rc, 0, (u, err))
        self.assertEqual(os.listdir(masks), [])
        return d

    def test_fuj008(self):
        self.check_fixed("FUJ008")

    def test_fuj906_c02_11(self):
        d = self.check_fixed("FUJ906", "xxxxC02-11")
        self.assertEqual(d["detail"], "xxxxC02-11")


if __name__ == "__main__":
    if not shutil.which("umockdev-run"):
        print("SKIPPED: umockdev-run not found (Debian package umockdev)")
        sys.exit(77)
    unittest.main(verbosity=2)
