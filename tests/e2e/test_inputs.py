#!/usr/bin/env python3
"""Whole-binary scenarios for what caora reads and reports: bounded input,
unreadable versus absent, assumed locations that never act alone, the restart
only with --reboot, text that is not UTF-8, how seconds are read, and the log.

Each scenario works on a temporary install root and state folder; the restart
is watched through a stand-in `shutdown` first in PATH, so nothing here can
restart the machine the tests run on.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))

EXEC = "OnlineAuthApp/App/Execute/bin/StartUpEnv.bat"
APPSTART = "OnlineAuthApp/App/AppStartUp/bin/StartUpEnv.bat"
INI_DIR = "OnlineAuthApp/App/Execute/bin"
VERSION = "OnlineAuthApp/App/Execute/bin/version.txt"
BAT = "@echo off\r\nset WAIT_TIME_SECOND={}\r\ntimeout /t %WAIT_TIME_SECOND% /nobreak > nul\r\n"
GOOD_INI = "[Device]\r\nSerialNo=2113001\r\nReaderName=受付1\r\n".encode("cp932")
CORRUPT_INI = b"[Device]\r\nSerialNo=21130" + b"\0" * 32

NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def can_drop_privileges():
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


class Site:
    """A temporary working install root (both StartUpEnv.bat, a unit ini, the
    App folders), a state folder, and a stand-in `shutdown` that only records."""

    def __init__(self, version="1.6.0.0"):
        self.dir = tempfile.mkdtemp(prefix="caora-inputs-")
        self.root = os.path.join(self.dir, "PFU-Caora")
        self.state = os.path.join(self.dir, "state")
        self.put(EXEC, BAT.format(40).encode())
        self.put(APPSTART, BAT.format(40).encode())
        self.put(INI_DIR + "/CJKA2113001.ini", GOOD_INI)
        if version:
            self.put(VERSION, (version + "\r\n").encode())
        self.bin = os.path.join(self.dir, "bin")
        os.makedirs(self.bin)
        self.shutdown_log = os.path.join(self.dir, "shutdown-called")
        with open(os.path.join(self.bin, "shutdown"), "w") as f:
            f.write("#!/bin/sh\necho \"$@\" >> '%s'\nexit 0\n" % self.shutdown_log)
        os.chmod(os.path.join(self.bin, "shutdown"), 0o755)

    def put(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def tree(self):
        out = {}
        for base, _, files in os.walk(self.root):
            for name in files:
                p = os.path.join(base, name)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, self.root)] = f.read()
        return out

    def run(self, *args, prefix=(), root=True, timeout=120):
        cmd = list(prefix) + [CAORA, "--state-dir", self.state, "--lang", "en"]
        if root:
            cmd += ["--root", self.root]
        cmd += list(args)
        env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ.get("PATH", ""))
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def shutdown_calls(self):
        if not os.path.exists(self.shutdown_log):
            return []
        with open(self.shutdown_log) as f:
            return f.read().splitlines()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class BoundedInputTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def test_site_from_an_endless_device_is_refused_quickly(self):
        start = time.monotonic()
        code, out, err = self.site.run("--json", "--site", "/dev/zero", "doctor", root=False, timeout=60)
        self.assertEqual(code, 2, err)
        self.assertIn("too large", err)
        self.assertEqual(json.loads(out)["schema"], "caora.error/1")
        self.assertLess(time.monotonic() - start, 10)

    def test_a_200_mb_snapshot_is_refused_before_it_is_read(self):
        big = os.path.join(self.site.dir, "big.json")
        with open(big, "wb") as f:
            f.truncate(200 << 20)
        start = time.monotonic()
        code, _, err = self.site.run("--site", big, "doctor", root=False, timeout=60)
        self.assertEqual(code, 2, err)
        self.assertIn("big.json", err)
        self.assertIn("16 MiB", err)
        self.assertLess(time.monotonic() - start, 5)

    def test_selftest_images_from_an_endless_device_are_refused(self):
        helper = os.path.join(os.path.dirname(CAORA), "caora-selftest")
        if not os.path.exists(helper):
            self.skipTest("caora-selftest is not built")
        for args in (("selftest", "card", "/dev/zero"), ("selftest", "face", "/dev/zero", "/dev/zero")):
            code, _, err = self.site.run(*args, root=False, timeout=60)
            self.assertEqual(code, 2, args)
            self.assertIn("too large", err, args)


class UnreadableTest(unittest.TestCase):
    """Cannot-read is unknown with the reason, never taken for absent."""

    def setUp(self):
        if not can_drop_privileges():
            self.skipTest("needs root and setpriv to run caora as another user")
        self.site = Site()
        self.site.put(INI_DIR + "/CJKA2113002.ini", CORRUPT_INI)
        os.chmod(self.site.dir, 0o755)
        os.makedirs(self.site.state)
        os.chmod(self.site.state, 0o777)
        os.chmod(self.site.root, 0o700)  # root's, unreadable to nobody

    def tearDown(self):
        self.site.cleanup()

    def test_unreadable_root_with_a_corrupt_ini_is_unknown_not_ok(self):
        before = self.site.tree()
        code, out, err = self.site.run("--json", "--yes", "diagnose", "FUJ906", "1234C02-4", "--fix", prefix=NOBODY)
        doc = json.loads(out)
        self.assertNotEqual(doc["status"], "ok", doc)
        self.assertNotEqual(code, 0)
        cause = [c for c in doc["causes"] if c["id"] == "settings-file-corrupt"][0]
        self.assertEqual(cause["status"], "unknown", cause)
        self.assertIn("permission denied", cause["reason"]["en"].lower())
        self.assertEqual(self.site.tree(), before)
        self.assertEqual(self.site.shutdown_calls(), [])

    def test_unreadable_root_is_never_a_leftover(self):
        code, out, _ = self.site.run("--json", "--yes", "diagnose", "qa-06", "--fix", prefix=NOBODY)
        doc = json.loads(out)
        cause = [c for c in doc["causes"] if c["id"] == "leftover-install"][0]
        self.assertEqual(cause["status"], "unknown", cause)
        self.assertIn("permission denied", cause["reason"]["en"].lower())
        self.assertTrue(os.path.isdir(self.site.root))


class AssumedLocationTest(unittest.TestCase):
    """A fact read from an assumed location (site-profile "assumed": true) never acts alone."""

    def test_working_root_without_version_txt_is_kept(self):
        site = Site(version=None)
        try:
            before = site.tree()
            code, out, err = site.run("--json", "--yes", "diagnose", "qa-06", "--fix")
            doc = json.loads(out)
            self.assertTrue(os.path.isdir(site.root), "the whole install root was removed")
            self.assertEqual(site.tree(), before)
            cause = [c for c in doc["causes"] if c["id"] == "leftover-install"][0]
            self.assertEqual(cause["status"], "absent", doc)
            self.assertFalse(any(a["applied"] for a in doc["actions"]))
            # The probe that reads the assumed file says why it cannot tell.
            snap = os.path.join(site.dir, "snap.json")
            code, _, err = site.run("snapshot", "-o", snap)
            self.assertEqual(code, 0, err)
            with open(snap, encoding="utf-8") as f:
                probes = json.load(f)["probes"]
            installed = probes["site.reader_software.installed"]
            self.assertFalse(installed["known"], installed)
            self.assertIn("assumption", json.dumps(installed))
        finally:
            site.cleanup()

    def test_a_root_with_no_sign_of_an_install_is_a_leftover(self):
        site = Site(version=None)
        try:
            shutil.rmtree(os.path.join(site.root, "OnlineAuthApp/App/AppStartUp"))
            os.remove(os.path.join(site.root, INI_DIR, "CJKA2113001.ini"))
            code, out, _ = site.run("--json", "diagnose", "qa-06")
            cause = [c for c in json.loads(out)["causes"] if c["id"] == "leftover-install"][0]
            self.assertEqual(cause["status"], "present")
        finally:
            site.cleanup()

    def test_an_action_on_an_assumed_version_waits_for_the_person(self):
        site = Site(version="1.4.0.0")  # below the minimum-safe 1.5.3.0, read from the assumed version.txt
        try:
            code, out, err = site.run("--json", "--yes", "diagnose", "qa-24", "--fix", "--reboot")
            doc = json.loads(out)
            restart = [a for a in doc["actions"] if a["id"] == "host.restart.schedule"]
            self.assertTrue(restart and not restart[0]["applied"], doc["actions"])
            self.assertIn("assumed-reader_software=yes", json.dumps(doc["actions"]))
            self.assertEqual(site.shutdown_calls(), [])
            code, out, err = site.run("--json", "--yes", "diagnose", "qa-24", "--fix", "--reboot",
                                      "--answer", "assumed-reader_software=yes")
            doc = json.loads(out)
            restart = [a for a in doc["actions"] if a["id"] == "host.restart.schedule"]
            self.assertTrue(restart[0]["applied"], doc["actions"])
            self.assertEqual(len(site.shutdown_calls()), 1)
            self.assertIn("-r", site.shutdown_calls()[0])
        finally:
            site.cleanup()


class RestartTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.site.put(INI_DIR + "/CJKA2113002.ini", CORRUPT_INI)

    def tearDown(self):
        self.site.cleanup()

    def test_yes_alone_never_restarts_the_terminal(self):
        code, out, err = self.site.run("--json", "--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix")
        doc = json.loads(out)
        self.assertEqual(self.site.shutdown_calls(), [], "a restart was scheduled without --reboot")
        self.assertTrue(doc["restart_needed"])
        self.assertFalse(os.path.exists(os.path.join(self.site.root, INI_DIR, "CJKA2113002.ini")), "the fix itself ran")
        self.assertTrue(any(p.get("action") == "host.restart.schedule" for p in doc["pending"]), doc["pending"])
        self.site.put(INI_DIR + "/CJKA2113002.ini", CORRUPT_INI)
        code, out, err = self.site.run("--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix")
        self.assertIn("--reboot", out)
        self.assertEqual(self.site.shutdown_calls(), [])

    def test_reboot_schedules_it(self):
        code, out, err = self.site.run("--json", "--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix", "--reboot")
        doc = json.loads(out)
        self.assertEqual(len(self.site.shutdown_calls()), 1, err)
        self.assertTrue(self.site.shutdown_calls()[0].startswith("-r +"))
        self.assertTrue(any(a["id"] == "host.restart.schedule" and a["applied"] for a in doc["actions"]))


class TextInputTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def run_bytes(self, *args):
        cmd = [CAORA.encode(), b"--state-dir", self.site.state.encode(), b"--root", self.site.root.encode(),
               b"--lang", b"en"] + list(args)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def test_invalid_utf8_is_a_usage_error_with_a_json_document(self):
        for args in ((b"diagnose", b"\xff"), (b"explain", b"\xff"), (b"diagnose", b"qa-06", b"--answer", b"x=\xff"),
                     (b"set-startup-delay", b"4\xff")):
            code, out, err = self.run_bytes(b"--json", *args)
            self.assertEqual(code, 2, (args, err))
            doc = json.loads(out.decode("utf-8"))
            self.assertEqual(doc["schema"], "caora.error/1")
            self.assertIn("UTF-8", doc["error"]["en"])

    def test_nothing_matches_echoes_a_bounded_query(self):
        # One argument may hold 128 KiB on Linux: ten words of 100 000 make a 1 MB query.
        words = ["q" * 100000] * 10
        for cmd in ("explain", "diagnose"):
            code, out, err = self.site.run(cmd, *words)
            self.assertEqual(code, 2)
            self.assertLess(len(err), 4000, cmd)
            self.assertIn("1000009 bytes", err)

    def test_root_naming_a_file_says_so(self):
        f = os.path.join(self.site.dir, "not-a-folder")
        open(f, "w").close()
        p = subprocess.run([CAORA, "--state-dir", self.site.state, "--root", f, "--lang", "en", "set-startup-delay", "--show"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is a file, not a folder", p.stderr)
        self.assertNotIn("does not exist", p.stderr)


class SecondsTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def test_seconds_are_decimal(self):
        for typed, want in (("040", 40), ("\uff14\uff15", 45), ("7", 7)):
            code, _, err = self.site.run("--yes", "set-startup-delay", typed)
            self.assertEqual(code, 0, (typed, err))
            with open(os.path.join(self.site.root, EXEC), "rb") as f:
                self.assertIn(b"WAIT_TIME_SECOND=%d\r\n" % want, f.read(), typed)

    def test_other_forms_are_refused_naming_the_form_wanted(self):
        before = self.site.tree()
        for typed in ("0x10", "+40", " 40", "-0", "4e1", "40s"):
            code, _, err = self.site.run("--yes", "set-startup-delay", "--", typed)
            self.assertEqual(code, 2, typed)
            self.assertIn("decimal digits", err, typed)
        self.assertEqual(self.site.tree(), before)


class LogTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.site.put(INI_DIR + "/CJKA2113002.ini", CORRUPT_INI)

    def tearDown(self):
        self.site.cleanup()

    def test_log_file_has_probes_actions_timings_and_no_ticket_values(self):
        log = os.path.join(self.site.dir, "caora.log")
        code, out, err = self.site.run("--json", "--yes", "--log-file", log, "diagnose", "FUJ906", "xxxxC02-4", "--fix",
                                       "--ticket", "contact=Yamada 090-1234-5678")
        json.loads(out)  # stdout is still exactly one document
        with open(log, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("probe site.ini.corrupt = true", text)
        self.assertIn("action site.ini.remove_corrupt [install-root] plan: remove", text)
        self.assertRegex(text, r"action site\.ini\.remove_corrupt done in [0-9.]+ ms, journal ")
        self.assertIn("settings-file-corrupt: present", text)
        self.assertIn("host.restart.schedule", text)
        self.assertRegex(text, r"\[info\] exit \d+ after [0-9.]+ ms")
        self.assertNotIn("090-1234-5678", text)
        self.assertNotIn("Yamada", text)
        self.assertRegex(text.splitlines()[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:?\d\d \[info\] caora ")

    def test_verbose_logs_on_stderr_and_errors_are_logged(self):
        code, out, err = self.site.run("-v", "--json", "diagnose", "FUJ906", "xxxxC02-4")
        json.loads(out)
        self.assertIn("probe site.ini.corrupt", err)
        log = os.path.join(self.site.dir, "err.log")
        code, _, _ = self.site.run("--log-file", log, "explain", "no-such-thing-at-all-zzz")
        with open(log, encoding="utf-8") as f:
            self.assertIn("[error] nothing matches", f.read())
        code, _, quiet = self.site.run("diagnose", "FUJ906", "xxxxC02-4")
        self.assertNotIn("probe site.ini.corrupt", quiet, "without -v stderr stays quiet")


if __name__ == "__main__":
    unittest.main()
