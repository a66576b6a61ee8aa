#!/usr/bin/env python3
"""Whole-binary scenarios for the fixes caora makes to an install root.

Every scenario works on a temporary copy of a Caora install root written in
CP932 with CRLF line endings, as found on a Japanese Windows terminal, and
checks the files byte for byte: after the fix, and after `caora undo`.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))

EXEC = "OnlineAuthApp/App/Execute/bin/StartUpEnv.bat"
APPSTART = "OnlineAuthApp/App/AppStartUp/bin/StartUpEnv.bat"
INI_DIR = "OnlineAuthApp/App/Execute/bin"
VERSION = "OnlineAuthApp/App/Execute/bin/version.txt"

BAT = ("@echo off\r\nrem Caora アプリ起動前の待ち時間（秒）\r\nset WAIT_TIME_SECOND={}\r\n"
       "timeout /t %WAIT_TIME_SECOND% /nobreak > nul\r\nrem ソ表示\r\n")


def bat_bytes(seconds, encoding="cp932", bom=False):
    data = BAT.format(seconds).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


class Site:
    """A temporary install root and state folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="caora-e2e-")
        self.root = os.path.join(self.dir, "PFU-Caora")
        self.state = os.path.join(self.dir, "state")
        os.makedirs(os.path.join(self.root, INI_DIR))
        os.makedirs(os.path.join(self.root, os.path.dirname(APPSTART)))
        self.put(VERSION, b"1.6.0.0\r\n")

    def put(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def get(self, rel):
        with open(os.path.join(self.root, rel), "rb") as f:
            return f.read()

    def snapshot_tree(self):
        out = {}
        for base, _, files in os.walk(self.root):
            for name in files:
                p = os.path.join(base, name)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, self.root)] = f.read()
        return out

    def run(self, *args, stdin=subprocess.DEVNULL, env=None, prefix=()):
        cmd = list(prefix) + [CAORA, "--state-dir", self.state, "--root", self.root, "--lang", "en"] + list(args)
        e = dict(os.environ)
        e.update(env or {})
        p = subprocess.run(cmd, stdin=stdin, capture_output=True, env=e, timeout=120)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class StartupDelayTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.site.put(EXEC, bat_bytes(300))
        self.site.put(APPSTART, bat_bytes(40))

    def tearDown(self):
        self.site.cleanup()

    def test_show_reports_both_copies_and_disagreement(self):
        code, out, _ = self.site.run("--json", "set-startup-delay", "--show")
        self.assertEqual(code, 1, "copies differ: a problem")
        doc = json.loads(out)
        self.assertEqual(doc["schema"], "caora.startup-delay/1")
        self.assertEqual([f["seconds"] for f in doc["files"]], [300, 40])
        self.assertFalse(doc["consistent"])
        self.assertTrue(doc["files"][0]["path"].endswith("Execute/bin/StartUpEnv.bat"))

    def test_set_keeps_cp932_crlf_and_makes_copies_equal(self):
        code, out, err = self.site.run("--yes", "--json", "set-startup-delay", "120")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertTrue(doc["consistent"])
        self.assertEqual(doc["applies"], "next-restart")
        self.assertEqual(self.site.get(EXEC), bat_bytes(120))
        self.assertEqual(self.site.get(APPSTART), bat_bytes(120))

    def test_set_then_undo_restores_both_files_byte_for_byte(self):
        before = self.site.snapshot_tree()
        code, _, err = self.site.run("--yes", "set-startup-delay", "90")
        self.assertEqual(code, 0, err)
        code, out, _ = self.site.run("--json", "history")
        entries = json.loads(out)["entries"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["action"], "site.startup_delay.set")
        self.assertEqual(entries[0]["state"], "applied")
        changed = self.site.snapshot_tree()
        code, _, err = self.site.run("undo", entries[0]["id"])
        self.assertEqual(code, 3, "undo is a change too: without a terminal it needs --yes")
        self.assertEqual(self.site.snapshot_tree(), changed)
        code, out, _ = self.site.run("--json", "--dry-run", "undo", entries[0]["id"])
        self.assertEqual(code, 0)
        self.assertEqual(len(json.loads(out)["changes"]), 2)
        self.assertEqual(self.site.snapshot_tree(), changed)
        code, _, err = self.site.run("--yes", "undo", entries[0]["id"])
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.snapshot_tree(), before)
        code, out, _ = self.site.run("--json", "history")
        self.assertEqual(json.loads(out)["entries"][0]["state"], "undone")

    def test_utf8_with_bom_stays_utf8_with_bom(self):
        self.site.put(EXEC, bat_bytes(40, "utf-8", bom=True))
        self.site.put(APPSTART, bat_bytes(40, "utf-8", bom=True))
        code, _, err = self.site.run("--yes", "set-startup-delay", "75")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.get(EXEC), bat_bytes(75, "utf-8", bom=True))

    def test_without_terminal_or_yes_nothing_changes(self):
        before = self.site.snapshot_tree()
        code, _, err = self.site.run("set-startup-delay", "120")
        self.assertEqual(code, 3, "confirmation needed without a terminal")
        self.assertIn("--yes", err)
        self.assertEqual(self.site.snapshot_tree(), before)

    def test_dry_run_prints_the_plan_only(self):
        before = self.site.snapshot_tree()
        code, out, _ = self.site.run("--dry-run", "set-startup-delay", "120")
        self.assertEqual(code, 0)
        self.assertIn("WAIT_TIME_SECOND=120", out)
        self.assertEqual(self.site.snapshot_tree(), before)

    def test_out_of_range_and_bad_numbers_are_usage_errors(self):
        before = self.site.snapshot_tree()
        for bad in ("99999", "-5"):
            code, _, err = self.site.run("--yes", "set-startup-delay", "--", bad)
            self.assertEqual(code, 2, bad)
            self.assertTrue(err.strip(), bad)
        code, _, err = self.site.run("--yes", "set-startup-delay", "abc")
        self.assertEqual(code, 2)
        self.assertEqual(self.site.snapshot_tree(), before)

    def test_undecodable_file_is_a_clear_error_and_untouched(self):
        self.site.put(EXEC, b"set WAIT_TIME_SECOND=40\r\nrem \xff\xfe\x80\r\n")
        before = self.site.snapshot_tree()
        code, _, err = self.site.run("--yes", "set-startup-delay", "120")
        self.assertNotEqual(code, 0)
        self.assertLess(code, 10)
        self.assertIn("Shift_JIS", err)
        self.assertIn("StartUpEnv.bat", err)
        self.assertEqual(self.site.snapshot_tree(), before)

    def test_lock_held_by_another_run(self):
        # The lock is an flock held for the run; the pid in the file is for the message.
        os.makedirs(self.site.state, exist_ok=True)
        holder = subprocess.Popen(
            ["python3", "-c", "import fcntl, os, sys, time\n"
             "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
             "os.write(fd, b'%d 2026-11-21T00:00:00+09:00\\n' % os.getpid())\nprint('held', flush=True)\ntime.sleep(60)\n",
             os.path.join(self.site.state, "lock")], stdout=subprocess.PIPE)
        try:
            self.assertEqual(holder.stdout.readline().strip(), b"held")
            before = self.site.snapshot_tree()
            code, _, err = self.site.run("--yes", "set-startup-delay", "120")
            self.assertEqual(code, 3)
            self.assertIn(str(holder.pid), err)
            self.assertEqual(self.site.snapshot_tree(), before)
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
        # The holder is gone: the system dropped its lock.
        code, _, err = self.site.run("--yes", "set-startup-delay", "120")
        self.assertEqual(code, 0, err)

    def test_diagnose_qa13_syncs_the_copies_and_undo_restores(self):
        before = self.site.snapshot_tree()
        code, out, _ = self.site.run("--json", "diagnose", "qa-13")
        self.assertEqual(code, 1)
        doc = json.loads(out)
        present = [c["id"] for c in doc["causes"] if c["status"] == "present"]
        self.assertIn("startup-bat-differs", present)
        code, out, err = self.site.run("--json", "--yes", "diagnose", "qa-13", "--fix")
        self.assertEqual(code, 0, out + err)
        doc = json.loads(out)
        self.assertEqual(doc["status"], "resolved")
        applied = [a for a in doc["actions"] if a["applied"]]
        self.assertEqual([a["id"] for a in applied], ["site.startup_delay.sync"])
        self.assertEqual(self.site.get(APPSTART), self.site.get(EXEC))
        self.assertTrue(doc["restart_needed"])
        code, _, err = self.site.run("--yes", "undo", applied[0]["journal"])
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.snapshot_tree(), before)


class UnitIniTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.site.put(EXEC, bat_bytes(40))
        self.site.put(APPSTART, bat_bytes(40))
        self.good = "[Device]\r\nSerialNo=2113001\r\nReaderName=受付1\r\n".encode("cp932")
        self.site.put(INI_DIR + "/CJKA2113001.ini", self.good)

    def tearDown(self):
        self.site.cleanup()

    def test_clean_site_is_ok(self):
        code, out, err = self.site.run("--json", "diagnose", "FUJ906", "1234C02-4")
        self.assertEqual(code, 0, out + err)
        doc = json.loads(out)
        self.assertEqual(doc["detail"], "xxxxC02-4")
        self.assertEqual(doc["status"], "ok")

    def test_corrupt_ini_is_detected_removed_and_undone(self):
        corrupt = b"[Device]\r\nSerialNo=21130" + b"\0" * 32
        self.site.put(INI_DIR + "/CJKA2113002.ini", corrupt)
        code, out, _ = self.site.run("--json", "diagnose", "FUJ906", "xxxxC02-4")
        self.assertEqual(code, 1)
        cause = [c for c in json.loads(out)["causes"] if c["status"] == "present"][0]
        self.assertTrue(any("CJKA2113002.ini" in e and "NUL" in e for e in cause["evidence"]), cause["evidence"])
        code, out, err = self.site.run("--json", "--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix")
        self.assertEqual(code, 0, out + err)
        doc = json.loads(out)
        self.assertEqual(doc["status"], "resolved")
        self.assertFalse(os.path.exists(os.path.join(self.site.root, INI_DIR, "CJKA2113002.ini")))
        self.assertEqual(self.site.get(INI_DIR + "/CJKA2113001.ini"), self.good, "the healthy ini is kept")
        journal = [a["journal"] for a in doc["actions"] if a["applied"]][0]
        # The restart is a step for a person here: this backend cannot restart the terminal.
        self.assertTrue(any(p.get("action") == "host.restart.schedule" for p in doc["pending"]), doc["pending"])
        code, _, err = self.site.run("--yes", "undo", journal)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.get(INI_DIR + "/CJKA2113002.ini"), corrupt)

    def test_unreadable_ini_is_unknown_with_the_reason(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to run caora as another user")
        self.site.put(INI_DIR + "/CJKA2113002.ini", self.good)
        os.chmod(os.path.join(self.site.root, INI_DIR, "CJKA2113002.ini"), 0)
        os.chmod(self.site.dir, 0o777)
        for base, dirs, _ in os.walk(self.site.dir):
            for d in dirs:
                os.chmod(os.path.join(base, d), 0o777)
        code, out, err = self.site.run("--json", "diagnose", "FUJ906", "xxxxC02-4",
                                       prefix=("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"))
        doc = json.loads(out)
        cause = [c for c in doc["causes"] if c["id"] == "settings-file-corrupt"][0]
        self.assertEqual(cause["status"], "unknown", doc)
        self.assertIn("access denied", cause["reason"]["en"] + err)
        self.assertEqual(code, 3)


class LeftoverTest(unittest.TestCase):
    def test_leftover_folder_is_archived_removed_and_restored(self):
        site = Site()
        try:
            os.remove(os.path.join(site.root, VERSION))  # the reader software is gone, files remain
            # No sign of a working install: one edited copy and the logs, no AppStartUp, no unit ini.
            shutil.rmtree(os.path.join(site.root, "OnlineAuthApp/App/AppStartUp"))
            site.put(EXEC, bat_bytes(40))
            site.put("OnlineAuthApp/App/Execute/logManualCollect/CaoraLogCollect.zip", b"PK\x05\x06" + b"\0" * 18)
            before = site.snapshot_tree()
            code, out, _ = site.run("--json", "diagnose", "qa-06")
            self.assertEqual(code, 1)
            code, out, err = site.run("--json", "--yes", "diagnose", "qa-06", "--fix")
            doc = json.loads(out)
            self.assertFalse(os.path.exists(site.root))
            applied = [a for a in doc["actions"] if a["applied"]]
            self.assertEqual(applied[0]["id"], "site.install.archive_leftover")
            # The archive is a real zip another tool can read.
            zips = []
            for base, _, files in os.walk(site.state):
                zips += [os.path.join(base, f) for f in files if f.endswith(".zip")]
            self.assertEqual(len(zips), 1)
            if shutil.which("unzip"):
                listing = subprocess.run(["unzip", "-l", zips[0]], capture_output=True, text=True).stdout
                self.assertIn("StartUpEnv.bat", listing)
                self.assertEqual(subprocess.run(["unzip", "-tq", zips[0]], capture_output=True).returncode, 0)
            code, _, err = site.run("--yes", "undo", applied[0]["journal"])
            self.assertEqual(code, 0, err)
            self.assertEqual(site.snapshot_tree(), before)
        finally:
            site.cleanup()


class SiteInputTest(unittest.TestCase):
    def test_missing_root_is_reported(self):
        tmp = tempfile.mkdtemp()
        try:
            p = subprocess.run([CAORA, "--state-dir", tmp, "--root", os.path.join(tmp, "nope"), "--lang", "en",
                                "set-startup-delay", "--show"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            self.assertIn("does not exist", p.stderr)
        finally:
            shutil.rmtree(tmp)

    def test_snapshot_round_trip_replays_and_only_plans(self):
        site = Site()
        try:
            site.put(EXEC, bat_bytes(300))
            site.put(APPSTART, bat_bytes(40))
            snap = os.path.join(site.dir, "site.json")
            code, _, err = site.run("snapshot", "-o", snap)
            self.assertEqual(code, 0, err)
            with open(snap, encoding="utf-8") as f:
                doc = json.load(f)
            self.assertEqual(doc["probes"]["site.startup_delay.consistent"]["value"], False)
            before = site.snapshot_tree()
            p = subprocess.run([CAORA, "--state-dir", site.state, "--site", snap, "--json", "--yes", "diagnose", "qa-13", "--fix"],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 1, "a recorded site is only planned")
            out = json.loads(p.stdout)
            self.assertFalse(any(a["applied"] for a in out["actions"]))
            self.assertEqual(site.snapshot_tree(), before)
        finally:
            site.cleanup()

    def test_malformed_recipe_folder_names_file_and_position(self):
        tmp = tempfile.mkdtemp()
        try:
            shutil.copytree(os.path.join(SOURCE, "recipes"), os.path.join(tmp, "recipes"))
            with open(os.path.join(tmp, "recipes", "errors", "008.json"), "w") as f:
                f.write('{\n  "id": "error-008",\n  "kind": error\n}\n')
            p = subprocess.run([CAORA, "--state-dir", tmp, "--lang", "en", "--recipes", os.path.join(tmp, "recipes"),
                                "explain", "008"], capture_output=True, text=True)
            self.assertNotEqual(p.returncode, 0)
            self.assertLess(p.returncode, 10)
            self.assertIn("008.json:3:", p.stderr)
        finally:
            shutil.rmtree(tmp)


class DemoTest(unittest.TestCase):
    def test_demo_shows_real_findings(self):
        tmp = tempfile.mkdtemp()
        try:
            p = subprocess.run([CAORA, "--state-dir", tmp, "--site", "demo", "--json", "diagnose", "008"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            doc = json.loads(p.stdout)
            self.assertIn("remote-desktop-session", [c["id"] for c in doc["causes"] if c["status"] == "present"])
            p = subprocess.run([CAORA, "--state-dir", tmp, "--site", "demo", "--json", "doctor"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 1)
            doc = json.loads(p.stdout)
            found = {(f["recipe"], f["cause"]) for f in doc["findings"] if f["status"] == "present"}
            self.assertIn(("qa-13", "startup-bat-differs"), found)
            self.assertTrue(any(r == "error-fuj906" for r, _ in found))
        finally:
            shutil.rmtree(tmp)

    def test_japanese_by_default_on_a_japanese_locale(self):
        tmp = tempfile.mkdtemp()
        try:
            env = dict(os.environ, LANG="ja_JP.UTF-8", LC_ALL="")
            p = subprocess.run([CAORA, "--state-dir", tmp, "explain", "008"], capture_output=True, text=True, env=env)
            self.assertIn("端末接続不良", p.stdout)
            self.assertIn("原因", p.stdout)
            env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
            p = subprocess.run([CAORA, "--state-dir", tmp, "explain", "008"], capture_output=True, text=True, env=env)
            self.assertIn("Cause", p.stdout)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
