#!/usr/bin/env python3
"""`caora discharge-guide` on the live Linux backend, with the unit really
leaving and coming back while the guide waits: the real libusb code under
umockdev (the unit's device taken out of the umockdev testbed and put back,
possibly with another serial number), a writable sysfs copy for its RNDIS
adapter, and a private pcscd with a vpcd reader named after the unit that is
stopped while the unit is unplugged.

The guide is driven the way a person would: each "▶ N." instruction on its
stderr is answered by an act on the parts. CAORA_CLOCK_SCALE=60 makes each
of the vendor's minutes last one second through the same waiting code.

Exits 77 (CTest: skipped) with the reason when umockdev is missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcsc_parts  # noqa: E402
from live_parts import CAORA, DATA, Terminal  # noqa: E402

SCALE = 60.0
UNIT_READER = "PFU Caora 2113001"


class Unit:
    """The unit's three faces on the terminal: USB device, RNDIS adapter, PC/SC reader."""

    def __init__(self, terminal, pcscd):
        self.t = terminal
        self.pcscd = pcscd
        self.umockdev_dir = None
        self.stash = os.path.join(terminal.dir, "unit-stash")
        # The adapter in the sysfs copy (as live_parts.RndisKernel takes it away).
        self.link = os.path.join(terminal.sys, "class", "net", "usb0")
        self.link_target = os.readlink(self.link)
        self.netdir = os.path.realpath(self.link)
        self.usb_if = os.path.dirname(os.path.dirname(self.netdir))
        self.driver_target = os.readlink(os.path.join(self.usb_if, "driver"))
        self.ipv4_file = os.path.join(terminal.case, "ipv4")
        with open(self.ipv4_file) as f:
            self.addresses = [l for l in f.read().splitlines() if l.split()[:1] == ["usb0"]]
        self.events = []

    def _usb(self):
        link = os.path.join(self.umockdev_dir, "sys", "bus", "usb", "devices", "1-2")
        return link

    def unplug(self):
        link = self._usb()
        self.usb_link = os.readlink(link)  # relative: umockdev's libudev needs it so
        self.usb_dir = os.path.realpath(link)
        shutil.move(self.usb_dir, self.stash + "-usb")
        os.remove(link)
        shutil.copytree(self.netdir, self.stash + "-net", symlinks=True)
        os.remove(self.link)
        shutil.rmtree(self.netdir)
        os.remove(os.path.join(self.usb_if, "driver"))
        with open(self.ipv4_file) as f:
            keep = [l for l in f.read().splitlines() if l.split()[:1] != ["usb0"]]
        with open(self.ipv4_file, "w") as f:
            f.write("".join(l + "\n" for l in keep))
        self.pcscd.stop()
        self.events.append(("unplug", time.monotonic()))

    def plug(self, serial="2113001", adapter=True):
        shutil.move(self.stash + "-usb", self.usb_dir)
        os.symlink(self.usb_link, self._usb())
        with open(os.path.join(self.usb_dir, "serial"), "w") as f:
            f.write(serial + "\n")
        self.events.append(("plug", time.monotonic()))
        if adapter:
            time.sleep(0.2)
            shutil.copytree(self.stash + "-net", self.netdir, symlinks=True)
            shutil.rmtree(self.stash + "-net")
            os.symlink(self.driver_target, os.path.join(self.usb_if, "driver"))
            os.symlink(self.link_target, self.link)
            with open(self.ipv4_file, "a") as f:
                f.write("".join(a + "\n" for a in self.addresses))
            self.pcscd.start()
            self.events.append(("adapter", time.monotonic()))


class RestartablePcscd(pcsc_parts.Pcscd):
    """pcscd that can be stopped and started again on the same socket (the
    client's PCSCLITE_CSOCK_NAME is fixed when it starts)."""

    def start(self):
        self.log = open(os.path.join(self.dir, "pcscd.log"), "a")
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount --bind "$1" /run/pcscd && exec "$2" -f -c "$3"', "sh", self.run_dir, pcsc_parts.PCSCD, self.conf],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("pcscd did not start again")
            time.sleep(0.02)

    def stop(self):
        # Pcscd.stop() also removes its folder: keep it (the config and the socket's folder).
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if os.path.exists(self.socket):
            os.remove(self.socket)

    def cleanup(self):
        super().stop()


class Guide:
    """caora discharge-guide under umockdev-run, its stderr read as it comes."""

    def __init__(self, terminal, unit, args, on_step, env_extra=None, tree="root-port"):
        self.t = terminal
        self.unit = unit
        unit.umockdev_dir = None  # a new umockdev-run has a testbed of its own
        self.dir_file = os.path.join(terminal.dir, "umockdev-dir")
        if os.path.exists(self.dir_file):
            os.remove(self.dir_file)
        env = terminal.env(CAORA_CLOCK_SCALE=str(SCALE), PCSCLITE_CSOCK_NAME=unit.pcscd.socket, **(env_extra or {}))
        cmd = ["umockdev-run", "-d", os.path.join(DATA, "umockdev", tree + ".umockdev"), "--",
               "sh", "-c", 'echo "$UMOCKDEV_DIR" > "$0"; exec "$@"', self.dir_file,
               CAORA, "--state-dir", terminal.state, "--lang", "en"] + list(args)
        self.steps = {}
        self.stderr = []
        self.p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.on_step = on_step
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.p.stderr:
            line = raw.decode(errors="replace")
            self.stderr.append(line)
            m = re.match(r"▶ (\d+)\. ", line)
            if m:
                n = int(m.group(1))
                self.steps[n] = time.monotonic()
                if self.unit.umockdev_dir is None:
                    with open(self.dir_file) as f:
                        self.unit.umockdev_dir = f.read().strip()
                self.on_step(n)

    def wait(self, timeout=60):
        # stdout only: stderr belongs to the reader thread.
        timer = threading.Timer(timeout, self.p.kill)
        timer.start()
        out = self.p.stdout.read()
        self.p.wait()
        timer.cancel()
        self.reader.join(5)
        self.p.stdout.close()
        self.p.stderr.close()
        return self.p.returncode, json.loads(out.decode())


class DischargeGuideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = pcsc_parts.missing_parts()
        if why:
            raise unittest.SkipTest(why)

    def setUp(self):
        self.t = Terminal("rndis-ok")
        self.pcscd = RestartablePcscd({UNIT_READER: pcsc_parts.free_port_pair()})
        self.unit = Unit(self.t, self.pcscd)

    def tearDown(self):
        self.pcscd.cleanup()
        self.t.cleanup()

    def guide(self, on_step, *args):
        return Guide(self.t, self.unit, ("--yes", "--json", "discharge-guide") + args, on_step)

    def test_on_time(self):
        def act(n):
            if n == 1:
                self.unit.unplug()
            elif n == 7:
                self.unit.plug()
        g = self.guide(act)
        rc, d = g.wait()
        self.assertEqual(rc, 0, (d, "".join(g.stderr)))
        self.assertEqual(d["schema"], "caora.discharge-guide/1")
        self.assertEqual(d["status"], "done")
        self.assertEqual(d["device"], {"serial": "2113001", "port_path": "1-2"})
        self.assertEqual([s["status"] for s in d["steps"]], ["done"] * 9)
        self.assertEqual(d["warnings"], [])
        # Each minute lasted a (scaled) minute: from the unplug seen to step 3, from step 3 to step 5.
        unplugged = dict(self.unit.events)["unplug"]
        self.assertGreaterEqual(g.steps[3] - unplugged, 60 / SCALE)
        self.assertGreaterEqual(g.steps[5] - g.steps[3], 60 / SCALE)
        self.assertLess(g.steps[5] - g.steps[3], 60 / SCALE + 3.0)  # slack for a loaded machine
        # It ends with pair's findings for the unit, reader and address included.
        self.assertEqual(d["pair"]["schema"], "caora.pair/1")
        self.assertEqual(d["pair"]["units"][0]["reader"], UNIT_READER + " 00 00")
        self.assertEqual(d["pair"]["units"][0]["rndis"]["ipv4"], ["192.168.250.2/24"])
        self.assertIn("reader: " + UNIT_READER + " 00 00", d["seen"])
        self.assertFalse(os.path.exists(os.path.join(self.t.state, "discharge-guide.json")))
        # A countdown on stderr (no terminal: a line every ten seconds of the minute).
        self.assertTrue([l for l in g.stderr if l.startswith("time left 0:")], g.stderr)

    def test_back_early_restarts_the_minute(self):
        def act(n):
            if n == 1:
                self.unit.unplug()
            elif n == 2:
                time.sleep(0.3)
                self.unit.plug(adapter=False)  # the USB cable goes back too soon
                time.sleep(0.3)
                self.unit.events.append(("again", time.monotonic()))
                link = self.unit._usb()
                shutil.move(self.unit.usb_dir, self.unit.stash + "-usb")
                os.remove(link)
                self.unit.events.append(("gone-again", time.monotonic()))
            elif n == 7:
                self.unit.plug()
        g = self.guide(act)
        rc, d = g.wait()
        self.assertEqual(rc, 0, (d, "".join(g.stderr)))
        self.assertEqual(len(d["warnings"]), 1, d["warnings"])
        self.assertIn("came back early", d["warnings"][0])
        self.assertTrue([l for l in g.stderr if "came back early" in l])
        # The minute counts from when it was gone again, not from the first unplug.
        gone_again = dict(self.unit.events)["gone-again"]
        self.assertGreaterEqual(g.steps[3] - gone_again, 60 / SCALE - 0.05)

    def test_never_back_times_out_with_what_was_seen(self):
        def act(n):
            if n == 1:
                self.unit.unplug()
        g = self.guide(act, "--timeout", "120")
        rc, d = g.wait()
        self.assertEqual(rc, 6, (d, "".join(g.stderr)))
        self.assertEqual(d["status"], "timed-out")
        self.assertEqual(d["step"], "usb-in")
        self.assertEqual(d["steps"][6]["status"], "timed-out")
        self.assertEqual(d["seen"], ["usb: 2113001 not seen"])
        self.assertIn("did not come back on USB", d["message"]["en"])
        # The state stays for --resume and --status.
        rc, out, err = self.t.caora("root-port", "--json", "discharge-guide", "--status")
        self.assertEqual(rc, 3, err)
        self.assertEqual(out["status"], "in-progress")
        self.assertEqual(out["step"], "usb-in")

    def test_different_serial_back_is_a_problem(self):
        def act(n):
            if n == 1:
                self.unit.unplug()
            elif n == 7:
                self.unit.plug(serial="2119999", adapter=False)
        g = self.guide(act)
        rc, d = g.wait()
        self.assertEqual(rc, 1, (d, "".join(g.stderr)))
        self.assertEqual(d["status"], "problem")
        self.assertEqual(d["steps"][6]["status"], "problem")
        self.assertIn("2119999", d["message"]["en"])
        self.assertIn("usb: another unit, serial 2119999", d["seen"])

    def test_resume_after_a_restart_and_cancel_from_another_shell(self):
        # First run: the unit goes and comes back, but the adapter and reader only
        # return after the terminal restarts, and this run times out waiting.
        def act(n):
            if n == 1:
                self.unit.unplug()
            elif n == 7:
                self.unit.plug(adapter=False)
        g = self.guide(act, "--timeout", "60")
        rc, d = g.wait()
        self.assertEqual(rc, 6, (d, "".join(g.stderr)))
        self.assertEqual(d["step"], "ready")
        with open(os.path.join(self.t.state, "discharge-guide.json")) as f:
            saved = json.load(f)
        self.assertEqual(saved["step"], 8)
        self.assertEqual(saved["serial"], "2113001")
        # "After the restart": a new process with --resume; the adapter comes back meanwhile.
        def act2(n):
            if n == 9:
                # Put back only what plug(adapter=False) left out.
                shutil.copytree(self.unit.stash + "-net", self.unit.netdir, symlinks=True)
                shutil.rmtree(self.unit.stash + "-net")
                os.symlink(self.unit.driver_target, os.path.join(self.unit.usb_if, "driver"))
                os.symlink(self.unit.link_target, self.unit.link)
                with open(self.unit.ipv4_file, "a") as f:
                    f.write("".join(a + "\n" for a in self.unit.addresses))
                self.pcscd.start()
        g2 = self.guide(act2, "--resume")
        rc, d = g2.wait()
        self.assertEqual(rc, 0, (d, "".join(g2.stderr)))
        self.assertTrue(d["resumed"])
        self.assertEqual(sorted(g2.steps), [9])
        self.assertEqual(d["status"], "done")
        rc, out, err = self.t.caora("root-port", "--json", "discharge-guide", "--status")
        self.assertEqual((rc, out["status"]), (0, "none"))

    def test_cancel_stops_a_waiting_guide(self):
        def act(n):
            if n == 1:
                rc, out, err = self.t.caora("root-port", "--json", "discharge-guide", "--cancel")
                self.cancel = (rc, out)
        g = self.guide(act)
        rc, d = g.wait()
        self.assertEqual(self.cancel, (0, {"schema": "caora.discharge-guide/1", "status": "cancelled",
                                           "message": self.cancel[1]["message"]}))
        self.assertEqual(rc, 3, d)
        self.assertEqual(d["status"], "cancelled")
        self.assertFalse(os.path.exists(os.path.join(self.t.state, "discharge-guide.json")))


class DischargeGuidePlanTest(unittest.TestCase):
    """What needs no unit to move: the plan, the refusal without a terminal, usage errors."""

    def setUp(self):
        self.t = Terminal("rndis-ok")

    def tearDown(self):
        self.t.cleanup()

    def test_no_terminal_without_yes_refuses_and_lists_every_step(self):
        rc, d, err = self.t.caora("root-port", "--json", "discharge-guide")
        self.assertEqual(rc, 3, (d, err))
        self.assertEqual(d["status"], "refused")
        self.assertEqual([s["id"] for s in d["steps"]],
                         ["unplug", "wait-unplugged", "power-only", "wait-powered", "power-button",
                          "waiting-screen", "usb-in", "restart", "ready"])
        self.assertEqual([s["wait_s"] for s in d["steps"]], [None, 60, None, 60, None, None, None, None, None])
        self.assertTrue(all(s["verified"]["ja"] and s["verified"]["en"] for s in d["steps"]))
        self.assertFalse(os.path.exists(os.path.join(self.t.state, "discharge-guide.json")))

    def test_dry_run_prints_the_plan(self):
        rc, out, err = self.t.caora("root-port", "--dry-run", "discharge-guide", lang="ja")
        self.assertEqual(rc, 0, err)
        self.assertIn("対象: 2113001 (1-2)", out)
        self.assertIn("接続を待っています", out)
        self.assertIn("［60 秒］", out)
        rc, d, err = self.t.caora("root-port", "--dry-run", "--json", "discharge-guide")
        self.assertEqual((rc, d["status"]), (0, "planned"))

    def test_usage_errors(self):
        rc, d, err = self.t.caora("root-port", "--json", "discharge-guide", "--resume")
        self.assertEqual(rc, 2, (d, err))
        self.assertIn("no discharge guide to resume", d["error"]["en"])
        rc, d, err = self.t.caora("root-port", "--json", "discharge-guide", "--status", "--cancel")
        self.assertEqual(rc, 2, (d, err))
        rc, d, err = self.t.caora("two-units", "--yes", "--json", "discharge-guide")
        self.assertEqual(rc, 2, (d, err))
        self.assertEqual(d["status"], "ambiguous")
        with open(os.path.join(self.t.dir, "bad.json"), "w"):
            pass
        os.makedirs(self.t.state, exist_ok=True)
        with open(os.path.join(self.t.state, "discharge-guide.json"), "w") as f:
            f.write("{not json")
        rc, d, err = self.t.caora("root-port", "--json", "discharge-guide", "--status")
        self.assertNotEqual(rc, 0)
        self.assertIn("--cancel", d["error"]["en"])
        rc, d, err = self.t.caora("root-port", "--json", "discharge-guide", "--cancel")
        self.assertEqual((rc, d["status"]), (0, "cancelled"))


if __name__ == "__main__":
    if not shutil.which("umockdev-run"):
        print("SKIPPED: umockdev-run not found (Debian package umockdev)")
        sys.exit(77)
    unittest.main(verbosity=2)
