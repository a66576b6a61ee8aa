#!/usr/bin/env python3
"""Crash consistency: each writing command is killed (SIGKILL, injected by
strace) at each of its write, rename, unlink and fsync system calls in turn.
After every kill, every file is either as it was or as the command would have
left it, never torn; the journal's lines all parse; a plain `caora undo` (or,
on a copy, running the command again) brings the whole site to the old (or
the new) state; and no temp file survives that next run.

The commands: `set-startup-delay 777` (two files rewritten), a `diagnose
FUJ906 xxxxC02-4 --fix` that removes a corrupt unit ini, and `undo` of each."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safety_site import APPSTART, CORRUPT, CORRUPT_INI, EXEC, GOOD_INI, INI_DIR, Site, bat  # noqa: E402

# The system calls a kill is injected at, each counted on its own.
SYSCALLS = ["write", "pwrite64", "rename", "unlink", "unlinkat", "fsync"]
STRACE = shutil.which("strace")


def killed_at(site, syscall, n, args):
    """Runs caora under strace with a SIGKILL at the n-th call of `syscall`;
    True when the kill happened (the command had an n-th such call)."""
    prefix = [STRACE, "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
              "-e", "inject=%s:signal=KILL:when=%d" % (syscall, n)]
    code, out, err = site.run(*args, prefix=prefix)
    return code in (-9, 137) or "killed by SIGKILL" in err, code, out + err


class Scenario:
    """A command and the two states of the files it touches."""
    name = ""
    files = ()

    def prepare(self, site):
        pass

    def args(self, site):
        raise NotImplementedError

    def old(self):
        raise NotImplementedError

    def new(self):
        raise NotImplementedError

    def rerun(self, site):
        return site.run(*self.args(site))


class StartupDelay(Scenario):
    name = "set-startup-delay"
    files = (EXEC, APPSTART)

    def args(self, site):
        return ("--yes", "set-startup-delay", "777")

    def old(self):
        return {EXEC: bat(300), APPSTART: bat(40)}

    def new(self):
        return {EXEC: bat(777), APPSTART: bat(777)}


class RemoveCorruptIni(Scenario):
    name = "diagnose --fix (removes a corrupt ini)"
    files = (CORRUPT_INI, INI_DIR + "/CJKA2113001.ini")

    def prepare(self, site):
        site.put(EXEC, bat(40))
        site.put(APPSTART, bat(40))
        site.put(INI_DIR + "/CJKA2113001.ini", GOOD_INI)
        site.put(CORRUPT_INI, CORRUPT)

    def args(self, site):
        return ("--yes", "diagnose", "FUJ906", "xxxxC02-4", "--fix")

    def old(self):
        return {CORRUPT_INI: CORRUPT, INI_DIR + "/CJKA2113001.ini": GOOD_INI}

    def new(self):
        return {CORRUPT_INI: None, INI_DIR + "/CJKA2113001.ini": GOOD_INI}


class Undo(Scenario):
    """The undo of a finished change: its "old" is the changed site."""

    def __init__(self, change):
        self.change = change
        self.name = "undo of " + change.name
        self.files = change.files

    def prepare(self, site):
        self.change.prepare(site)
        code, out, err = site.run(*self.change.args(site))
        assert code == 0, out + err
        self.id = [e for e in site.history() if e["changes"]][-1]["id"]

    def args(self, site):
        return ("--yes", "undo", self.id)

    def old(self):
        return self.change.new()

    def new(self):
        return self.change.old()

    def rerun(self, site):
        # Killed after its last journal line (printing the result): nothing is left to finish.
        if [e for e in site.history() if e["id"] == self.id][0]["state"] == "undone":
            return 0, "", ""
        return site.run(*self.args(site))


@unittest.skipUnless(STRACE, "strace is not installed")
class CrashConsistencyTest(unittest.TestCase):
    def state_of(self, site, scenario):
        return {f: site.get(f) for f in scenario.files}

    def assert_whole(self, site, scenario, where):
        now, old, new = self.state_of(site, scenario), scenario.old(), scenario.new()
        for f in scenario.files:
            self.assertIn(now[f], (old[f], new[f]), "%s: %s is torn" % (where, f))
        for line in site.journal_lines():
            if line:
                json.loads(line)  # never a torn line

    def finish_by_undo(self, site, scenario, where):
        """A plain undo of every entry that is not undone brings the old state
        back (for the undo scenario: finishes the interrupted undo)."""
        ran = False
        for e in reversed(site.history()):
            if e["state"] in ("begun", "undoing", "applied") and e["changes"]:
                if isinstance(scenario, Undo) and e["id"] == scenario.id:
                    continue
                code, out, err = site.run("--yes", "undo", e["id"])
                self.assertEqual(code, 0, "%s: undo %s: %s" % (where, e["state"], out + err))
                ran = True
        if isinstance(scenario, Undo):
            code, out, err = scenario.rerun(site)
            self.assertEqual(code, 0, "%s: undo again: %s" % (where, out + err))
            ran = ran or bool(out + err)
            want = scenario.new()
        else:
            want = scenario.old()
        self.assertEqual(self.state_of(site, scenario), want, where + ": after a plain undo")
        # Killed before its journal entry began, a run has nothing to undo, and
        # no run follows here; running it again (the other copy) cleans up.
        if ran:
            self.assertEqual(site.temp_files(), [], where + ": temp files after the undo")

    def finish_by_rerun(self, site, scenario, where):
        code, out, err = scenario.rerun(site)
        self.assertIn(code, (0,), "%s: rerun: %s" % (where, out + err))
        self.assertEqual(self.state_of(site, scenario), scenario.new(), where + ": after running again")
        self.assertEqual(site.temp_files(), [], where + ": temp files after running again")

    def run_scenario(self, scenario):
        kills = 0
        per_call = {}
        for syscall in SYSCALLS:
            per_call[syscall] = 0
            n = 1
            while n < 200:
                site = Site()
                try:
                    scenario.prepare(site)
                    self.assertEqual(self.state_of(site, scenario), scenario.old())
                    killed, code, output = killed_at(site, syscall, n, scenario.args(site))
                    if not killed:
                        # Past the last such call: the command ran to its end.
                        self.assertEqual(self.state_of(site, scenario), scenario.new(), output)
                        break
                    kills += 1
                    per_call[syscall] += 1
                    where = "%s killed at %s #%d" % (scenario.name, syscall, n)
                    self.assert_whole(site, scenario, where)
                    copy = site.clone()
                    try:
                        self.finish_by_undo(site, scenario, where)
                        self.finish_by_rerun(copy, scenario, where)
                    finally:
                        copy.cleanup()
                finally:
                    site.cleanup()
                n += 1
        sys.stderr.write("%s: %d kills (%s)\n" % (scenario.name, kills, ", ".join("%s %d" % kv for kv in per_call.items())))
        self.assertGreater(kills, 5, "strace injected too few kills to mean anything")
        return kills

    def test_set_startup_delay(self):
        self.run_scenario(StartupDelay())

    def test_diagnose_fix_removing_a_file(self):
        self.run_scenario(RemoveCorruptIni())

    def test_undo_of_set_startup_delay(self):
        self.run_scenario(Undo(StartupDelay()))

    def test_undo_of_a_removal(self):
        self.run_scenario(Undo(RemoveCorruptIni()))


if __name__ == "__main__":
    unittest.main()
