#!/usr/bin/env python3
"""`caora firmware install` on the live Linux backend: non-error QA 7 with the
unit really leaving USB and coming back (the real libusb code under umockdev,
a writable sysfs copy for its RNDIS adapter, a private pcscd; the parts of
test_discharge_guide.py), and a stand-in installer: a shell script, checked
against the manifest like the real one, that fails if the unit is still on USB
while it runs and otherwise writes the new version where the reader software
keeps it. Then --resume after the "restart" reads the version and compares.

Exits 77 (CTest: skipped) with the reason when umockdev or pcscd is missing.
"""
import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcsc_parts  # noqa: E402
from live_parts import Terminal  # noqa: E402
from test_discharge_guide import UNIT_READER, Guide, RestartablePcscd, Unit  # noqa: E402

VERSION_FILE = "OnlineAuthApp/App/Execute/bin/version.txt"


class FirmwareInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = pcsc_parts.missing_parts()
        if why:
            raise unittest.SkipTest(why)

    def setUp(self):
        self.t = Terminal("rndis-ok")
        self.pcscd = RestartablePcscd({UNIT_READER: pcsc_parts.free_port_pair()})
        self.unit = Unit(self.t, self.pcscd)
        self.root = os.path.join(self.t.dir, "PFU-Caora")
        os.makedirs(os.path.dirname(os.path.join(self.root, VERSION_FILE)))
        with open(os.path.join(self.root, VERSION_FILE), "w") as f:
            f.write("1.6.1.0\r\n")
        self.ran = os.path.join(self.t.dir, "installer.ran")
        self.installer = os.path.join(self.t.dir, "CaoraReaderSoftwareSetup.sh")
        with open(self.installer, "w") as f:
            f.write("#!/bin/sh\n"
                    "# QA 7: the cable is out while the installer runs.\n"
                    '[ -e "$UMOCKDEV_DIR/sys/bus/usb/devices/1-2" ] && exit 9\n'
                    "echo ran >> '%s'\n"
                    "printf '1.10.2.1\\r\\n' > '%s'\n"
                    "exit 0\n" % (self.ran, os.path.join(self.root, VERSION_FILE)))
        os.chmod(self.installer, 0o755)
        with open(self.installer, "rb") as f:
            data = f.read()
        # The cached manifest as refresh writes it (refresh itself: tests/e2e/test_firmware.py).
        os.makedirs(os.path.join(self.t.state, "firmware"))
        manifest = {"schema": "caora.firmware-manifest/1", "manifest_version": 7,
                    "issued_at": "2026-12-01T00:00:00Z", "expires": "2099-03-01T00:00:00Z",
                    "components": [{"component": "reader-software", "version": "1.10.2.1",
                                    "url": "https://example.invalid/CaoraReaderSoftwareSetup.sh",
                                    "sha256": hashlib.sha256(data).hexdigest(), "length": len(data),
                                    "min_safe": "1.5.3.0"}],
                    "revoked": []}
        with open(os.path.join(self.t.state, "firmware", "manifest.json"), "w") as f:
            json.dump(manifest, f)

    def tearDown(self):
        self.pcscd.cleanup()
        self.t.cleanup()

    def test_qa7_cable_out_installer_cable_back_restart_then_resume(self):
        def act(n):
            if n == 2:
                self.unit.unplug()
            elif n == 4:
                self.unit.plug()
        g = Guide(self.t, self.unit, ("--yes", "--json", "--root", self.root, "firmware", "install", self.installer), act)
        rc, d = g.wait()
        self.assertEqual(rc, 3, (d, "".join(g.stderr)))
        self.assertEqual(d["schema"], "caora.firmware-install/1")
        self.assertEqual(d["status"], "needs-restart")
        self.assertEqual(d["installer_exit"], 0)
        self.assertEqual(d["before"], "1.6.1.0")
        self.assertEqual([s["status"] for s in d["steps"]], ["done"] * 6 + ["pending"])
        with open(self.ran) as f:
            self.assertEqual(f.read(), "ran\n")
        # Journaled: the installer run is in caora history.
        rc, hist, _ = self.t.caora("root-port", "--json", "history")
        self.assertTrue(any(e.get("action") == "firmware.install" for e in hist["entries"]), hist)

        g = Guide(self.t, self.unit, ("--yes", "--json", "--root", self.root, "firmware", "install", "--resume"),
                  lambda n: None)
        rc, d = g.wait()
        self.assertEqual(rc, 0, (d, "".join(g.stderr)))
        self.assertEqual(d["status"], "done")
        self.assertEqual(d["installed_after"], "1.10.2.1")
        rc, hist, _ = self.t.caora("root-port", "--json", "firmware", "history")
        self.assertEqual([(e["action"], e["outcome"]) for e in hist["entries"]],
                         [("install", "needs-restart"), ("install", "done")])
        self.assertEqual((hist["entries"][1]["before"], hist["entries"][1]["after"]), ("1.6.1.0", "1.10.2.1"))


if __name__ == "__main__":
    unittest.main()
