#!/usr/bin/env python3
"""Whole-binary scenarios for what caora guarantees when it writes a site:
the lock, absolute journal paths, interrupted changes, temp files, symbolic
links, modes and owners, and eight writers at once.

Each scenario works on a temporary install root and state folder (see
safety_site.py) and checks the files byte for byte."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safety_site import (APPSTART, CORRUPT, CORRUPT_INI, EXEC, GOOD_INI, INI_DIR, LockHolder, Site, bat,  # noqa: E402
                         fnv1a64, lock_is_free, mode)


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


class LockTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def test_a_holder_that_has_not_written_its_pid_keeps_others_out(self):
        holder = LockHolder(self.site.state)
        try:
            code, _, err = self.site.run("--yes", "set-startup-delay", "120")
            self.assertEqual(code, 3, err)
            self.assertIn("another caora", err)
            self.assertEqual(self.site.get(EXEC), bat(300))
            self.assertTrue(os.path.exists(os.path.join(self.site.state, "lock")), "the lock file is not removed")
        finally:
            holder.release()
        # The holder is gone: the system dropped its lock.
        code, _, err = self.site.run("--yes", "set-startup-delay", "120")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.get(EXEC), bat(120))

    def test_a_lock_file_naming_a_dead_process_does_not_block_and_is_released(self):
        os.makedirs(self.site.state)
        with open(os.path.join(self.site.state, "lock"), "w") as f:
            f.write("%d 2020-01-01T00:00:00+09:00\n" % dead_pid())
        code, _, err = self.site.run("--yes", "set-startup-delay", "120")
        self.assertEqual(code, 0, err)
        self.assertTrue(lock_is_free(self.site.state))


class JournalPathTest(unittest.TestCase):
    def test_undo_from_another_folder_restores_the_install_that_was_changed(self):
        base = tempfile.mkdtemp(prefix="caora-rel-")
        try:
            a, b = Site(base), Site(base)
            # cd A; caora --root PFU-Caora --state-dir ../S set-startup-delay 777
            shared = os.path.join(base, "S")
            code, out, err = a.run("--json", "--yes", "set-startup-delay", "777", cwd=a.dir, root="PFU-Caora",
                                   state=os.path.join("..", "S"))
            self.assertEqual(code, 0, err)
            code, out, err = a.run("--json", "history", state=shared)
            entry = json.loads(out)["entries"][-1]
            self.assertTrue(all(os.path.isabs(c["path"]) for c in entry["changes"]), entry)
            # From B, with a relative state folder that names the same S.
            code, _, err = b.run("--yes", "undo", entry["id"], cwd=b.dir, root="PFU-Caora",
                                 state=os.path.join("..", "S"))
            self.assertEqual(code, 0, err)
            self.assertEqual(a.get(EXEC), bat(300))
            self.assertEqual(a.get(APPSTART), bat(40))
            self.assertEqual(b.get(EXEC), bat(300), "the other install is untouched")
        finally:
            shutil.rmtree(base, ignore_errors=True)

    def test_an_old_entry_with_relative_paths_is_refused_with_the_reason(self):
        site = Site()
        try:
            os.makedirs(site.state)
            with open(os.path.join(site.state, "journal.jsonl"), "w") as f:
                f.write(json.dumps({"event": "begin", "id": "20250101-000000-abcd", "action": "site.startup_delay.set",
                                    "changes": [{"op": "modify", "path": "PFU-Caora/" + EXEC, "backup": "backups/x/0.bak",
                                                 "before": fnv1a64(bat(40)), "after": fnv1a64(bat(300))}]}) + "\n")
                f.write(json.dumps({"event": "applied", "id": "20250101-000000-abcd"}) + "\n")
            for extra in ([], ["--force"]):
                code, _, err = site.run("--yes", "undo", "20250101-000000-abcd", *extra, cwd=site.dir)
                self.assertEqual(code, 3, err)
                self.assertIn("relative to the folder caora ran in", err)
            self.assertEqual(site.get(EXEC), bat(300))
        finally:
            site.cleanup()


class InterruptedChangeTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def cut_journal(self, keep):
        path = os.path.join(self.site.state, "journal.jsonl")
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        with open(path, "wb") as f:
            f.write(b"\n".join(lines[:keep]) + b"\n")

    def test_history_shows_what_was_written_and_a_plain_undo_reverts(self):
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertEqual(code, 0, err)
        # As a run killed after its first file: begin, wrote 0; the second copy untouched.
        self.cut_journal(2)
        self.site.put(APPSTART, bat(40))
        entry = self.site.history()[-1]
        self.assertEqual(entry["state"], "begun")
        self.assertEqual([c.get("written", False) for c in entry["changes"]], [True, False])
        code, out, _ = self.site.run("history")
        self.assertIn("(written)", out)
        self.assertIn("caora undo " + entry["id"], out)
        code, out, err = self.site.run("--yes", "undo", entry["id"])
        self.assertEqual(code, 0, out + err)
        self.assertEqual(self.site.get(EXEC), bat(300))
        self.assertEqual(self.site.get(APPSTART), bat(40))
        self.assertEqual(self.site.history()[-1]["state"], "undone")

    def test_force_is_still_needed_for_a_file_someone_else_changed(self):
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertEqual(code, 0, err)
        entry = self.site.history()[-1]
        self.site.put(EXEC, bat(555))
        code, _, err = self.site.run("--yes", "undo", entry["id"])
        self.assertEqual(code, 2)
        self.assertIn("changed again", err)
        self.assertEqual(self.site.get(EXEC), bat(555))
        code, _, err = self.site.run("--yes", "undo", entry["id"], "--force")
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.get(EXEC), bat(300))


class TempFileTest(unittest.TestCase):
    def test_a_dead_writers_leftovers_are_removed_and_a_live_ones_kept(self):
        site = Site()
        try:
            dead = dead_pid()
            names = [os.path.dirname(EXEC) + "/.StartUpEnv.bat.caora-%d-9f8e7d.tmp" % dead,
                     os.path.dirname(APPSTART) + "/.StartUpEnv.bat.caora-%d-1a2b3c.tmp" % dead]
            live = os.path.dirname(EXEC) + "/.StartUpEnv.bat.caora-%d-4d5e6f.tmp" % os.getpid()
            for n in names + [live]:
                site.put(n, b"half")
            code, _, err = site.run("--yes", "set-startup-delay", "120")
            self.assertEqual(code, 0, err)
            self.assertEqual(site.temp_files(), [site.path(live)])
        finally:
            site.cleanup()


class SymlinkAndModeTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        self.outside = tempfile.mkdtemp(prefix="caora-outside-")

    def tearDown(self):
        self.site.cleanup()
        shutil.rmtree(self.outside, ignore_errors=True)

    def test_a_bin_folder_linked_out_of_the_root_is_not_written(self):
        bin_dir = self.site.path(os.path.dirname(APPSTART))
        outside_bat = os.path.join(self.outside, "StartUpEnv.bat")
        with open(outside_bat, "wb") as f:
            f.write(bat(40))
        os.remove(os.path.join(bin_dir, "StartUpEnv.bat"))
        os.rmdir(bin_dir)
        os.symlink(self.outside, bin_dir)
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertNotEqual(code, 0)
        self.assertIn("out of the install root", err)
        with open(outside_bat, "rb") as f:
            self.assertEqual(f.read(), bat(40))
        self.assertEqual(self.site.get(EXEC), bat(300), "nothing written: the refusal comes before any change")

    def test_a_fix_does_not_delete_an_ini_outside_the_root(self):
        ini_dir = self.site.path(INI_DIR)
        for name in os.listdir(ini_dir):
            os.rename(os.path.join(ini_dir, name), os.path.join(self.outside, name))
        os.rmdir(ini_dir)
        os.symlink(self.outside, ini_dir)
        with open(os.path.join(self.outside, "CJKA2113002.ini"), "wb") as f:
            f.write(CORRUPT)
        code, out, err = self.site.run("--json", "--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix")
        self.assertTrue(os.path.exists(os.path.join(self.outside, "CJKA2113002.ini")), out + err)
        self.assertIn("out of the install root", out + err)

    def test_a_startup_bat_linked_outside_is_refused_and_one_linked_inside_written_through(self):
        outside_bat = os.path.join(self.outside, "StartUpEnv.bat")
        with open(outside_bat, "wb") as f:
            f.write(bat(40))
        os.remove(self.site.path(APPSTART))
        os.symlink(outside_bat, self.site.path(APPSTART))
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertNotEqual(code, 0)
        self.assertIn("out of the install root", err)
        with open(outside_bat, "rb") as f:
            self.assertEqual(f.read(), bat(40))
        # Linked to a file inside the root: written through, still a link, and undo puts the target back.
        inside = self.site.path("OnlineAuthApp/App/shared/StartUpEnv.bat")
        self.site.put("OnlineAuthApp/App/shared/StartUpEnv.bat", bat(40))
        os.chmod(inside, 0o600)
        os.remove(self.site.path(APPSTART))
        os.symlink(inside, self.site.path(APPSTART))
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.islink(self.site.path(APPSTART)))
        self.assertEqual(self.site.get(APPSTART), bat(777))
        self.assertEqual(mode(inside), 0o600)
        code, _, err = self.site.run("--yes", "undo", self.site.history()[-1]["id"])
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.islink(self.site.path(APPSTART)))
        self.assertEqual(self.site.get(APPSTART), bat(40))
        self.assertEqual(mode(inside), 0o600)

    def test_mode_and_owner_are_kept_and_the_state_folder_is_owner_only(self):
        os.chmod(self.site.path(EXEC), 0o400)
        as_root = os.geteuid() == 0
        if as_root:
            os.chown(self.site.path(APPSTART), 65534, 65534)
        code, _, err = self.site.run("--yes", "set-startup-delay", "777")
        self.assertEqual(code, 0, err)
        self.assertEqual(mode(self.site.path(EXEC)), 0o400)
        if as_root:
            st = os.stat(self.site.path(APPSTART))
            self.assertEqual((st.st_uid, st.st_gid), (65534, 65534))
        self.assertEqual(mode(self.site.state), 0o700)
        self.assertEqual(mode(os.path.join(self.site.state, "journal.jsonl")), 0o600)
        entry = self.site.history()[-1]
        for c in entry["changes"]:
            self.assertEqual(mode(os.path.join(self.site.state, c["backup"])), 0o600)
        code, _, err = self.site.run("--yes", "undo", entry["id"])
        self.assertEqual(code, 0, err)
        self.assertEqual(mode(self.site.path(EXEC)), 0o400)
        self.assertEqual(self.site.get(EXEC), bat(300))


ROUNDS = int(os.environ.get("CAORA_CONCURRENCY_ROUNDS", "50"))


class ConcurrencyTest(unittest.TestCase):
    """Eight set-startup-delay runs at once, 50 rounds, with and without a stale
    lock file: never two writers, so the journal's before/after chain over
    StartUpEnv.bat is unbroken and both copies end equal."""

    def check_round(self, stale):
        site = Site()
        try:
            if stale:
                os.makedirs(site.state)
                with open(os.path.join(site.state, "lock"), "w") as f:
                    f.write("%d 2020-01-01T00:00:00+09:00\n" % dead_pid())
            procs = [subprocess.Popen(site.argv("--yes", "set-startup-delay", str(100 + i)), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=site.env())
                     for i in range(8)]
            codes = [(p.wait(), p.stderr.read().decode()) for p in procs]
            for p in procs:
                p.stderr.close()
            self.assertTrue(all(c in (0, 3) for c, _ in codes), codes)
            self.assertTrue(any(c == 0 for c, _ in codes), codes)
            entries = site.history()
            self.assertEqual(len(entries), sum(1 for c, _ in codes if c == 0))
            prev = fnv1a64(bat(300))
            for e in entries:
                self.assertEqual(e["state"], "applied")
                self.assertEqual(e["changes"][0]["before"], prev, "two writers overlapped")
                prev = e["changes"][0]["after"]
            self.assertEqual(prev, fnv1a64(site.get(EXEC)))
            self.assertEqual(site.get(EXEC), site.get(APPSTART))
            self.assertEqual(site.temp_files(), [])
        finally:
            site.cleanup()

    def test_eight_writers_without_a_stale_lock(self):
        for _ in range(ROUNDS):
            self.check_round(stale=False)

    def test_eight_writers_with_a_stale_lock(self):
        for _ in range(ROUNDS):
            self.check_round(stale=True)


if __name__ == "__main__":
    unittest.main()
