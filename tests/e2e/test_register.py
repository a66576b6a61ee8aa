#!/usr/bin/env python3
"""Whole-binary scenarios for `caora register`.

`check`: every case of error 906 0x81000001's table (① - ④) and 0x81000003, in
both environments, found from this terminal's connection info and from the
desk's ledger, with the exit codes 0 / 1 / 2 and caora.register/1. `remove`:
the connection info backed up, journaled and restored by `caora undo` byte for
byte. `status` and `cert-change` (QA 32 / 33) on a temporary install root.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))

# The site profile's "registration" section (an assumed location).
CONN = "OnlineAuthApp/App/Execute/bin/Connection"
FOLDER = {"verification": "Verification", "production": "Production"}
ACTIVE = CONN + "/Environment.txt"
FACE_DLL = "OnlineAuthApp/App/Execute/bin/FaceAuth/version.txt"
ENVS = ("verification", "production")
HEADER = "account,reader,serial,environment,registered_at\r\n"


def conn_rel(env, serial):
    return "{}/{}/CJKA{}.conn".format(CONN, FOLDER[env], serial)


def conn_bytes(account, reader):
    # As a Japanese Windows tool writes it: CP932 with CRLF, a Japanese comment.
    return ("; Caora 接続情報\r\nLoginId={}\r\nReaderName={}\r\nPassword=secret-in-file\r\n"
            .format(account, reader).encode("cp932"))


def other(env):
    return "production" if env == "verification" else "verification"


class Site:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="caora-register-")
        self.root = os.path.join(self.dir, "PFU-Caora")
        self.state = os.path.join(self.dir, "state")
        os.makedirs(self.root)

    def put(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def ledger(self, rows):
        path = os.path.join(self.dir, "ledger.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(HEADER + "".join(",".join(r) + "\r\n" for r in rows))
        return path

    def tree(self):
        out = {}
        for base, _, files in os.walk(self.root):
            for name in files:
                p = os.path.join(base, name)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, self.root)] = f.read()
        return out

    def run(self, *args, root=True):
        cmd = [CAORA, "--state-dir", self.state, "--lang", "en"] + (["--root", self.root] if root else []) + list(args)
        env = dict(os.environ)
        env.pop("CAORA_ROOT", None)
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=120)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def check(self, *args, root=True):
        code, out, err = self.run("--json", "register", "check", *args, root=root)
        doc = json.loads(out)
        return code, doc, err

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class CheckTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def expect(self, code, doc, exit_code, findings):
        self.assertEqual(doc["schema"], "caora.register/1")
        self.assertEqual(doc["action"], "check")
        self.assertEqual(code, exit_code, doc)
        self.assertEqual(doc["would_succeed"], exit_code == 0)
        got = [(f["case"], f["error"], f["detail"], f["severity"]) for f in doc["findings"]]
        self.assertEqual(got, findings)
        for f in doc["findings"]:
            self.assertTrue(f["fix"]["en"] and f["fix"]["ja"])

    def test_every_case_from_the_terminal_in_both_environments(self):
        for env in ENVS:
            with self.subTest(env=env):
                shutil.rmtree(os.path.join(self.site.root, CONN), ignore_errors=True)
                self.site.put(conn_rel(env, "2113001"), conn_bytes("F0000001", "CaoraA"))
                self.site.put(conn_rel(env, "2113002"), conn_bytes("F0000002", "CaoraB"))
                a = ("--env", env)
                # A fresh pair goes through.
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraZ", *a)[:2], 0, [])
                # ① the account is registered to another reader.
                code, doc, _ = self.site.check("--account", "F0000001", "--reader", "CaoraZ", *a)
                self.expect(code, doc, 1, [(1, "906", "0x81000001", "fail")])
                src = doc["findings"][0]["conflicts"][0]["source"]
                self.assertTrue(src.startswith("terminal: ") and src.endswith("CJKA2113001.conn"), src)
                self.assertTrue(doc["sources"]["terminal"]["assumed"])
                # ② the reader name is registered to another account.
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraB", *a)[:2],
                            1, [(2, "906", "0x81000001", "fail")])
                # ③ an update moving a reader name to another account.
                self.expect(*self.site.check("--account", "F0000001", "--reader", "CaoraB", "--update", *a)[:2],
                            1, [(3, "906", "0x81000001", "fail")])
                # ④ an update of an account not registered.
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraZ", "--update", *a)[:2],
                            1, [(4, "906", "0x81000001", "fail")])
                # 0x81000003: registered in the other environment only.
                code, doc, _ = self.site.check("--account", "F0000001", "--reader", "CaoraA", "--env", other(env))
                self.expect(code, doc, 0, [(None, "906", "0x81000003", "note")])
                self.assertIn("needs its own registration", doc["findings"][0]["message"]["en"])
                # ... and an update there is ④ with the reason.
                self.expect(*self.site.check("--account", "F0000001", "--reader", "CaoraA", "--update",
                                             "--env", other(env))[:2],
                            1, [(4, "906", "0x81000001", "fail"), (None, "906", "0x81000003", "note")])

    def test_every_case_from_the_ledger_in_both_environments(self):
        for env in ENVS:
            with self.subTest(env=env):
                ledger = self.site.ledger([("F0000001", "CaoraA", "2113001", env, "2026-11-01"),
                                           ("F0000002", "CaoraB", "", env, "2026-11-02")])
                a = ("--env", env, "--ledger", ledger)
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraZ", *a, root=False)[:2], 0, [])
                code, doc, _ = self.site.check("--account", "F0000001", "--reader", "CaoraZ", *a, root=False)
                self.expect(code, doc, 1, [(1, "906", "0x81000001", "fail")])
                self.assertEqual(doc["findings"][0]["conflicts"][0]["source"], ledger + ":2")
                self.assertFalse(doc["sources"]["terminal"]["read"])
                self.assertEqual(doc["sources"]["ledger"]["registrations"], 2)
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraB", *a, root=False)[:2],
                            1, [(2, "906", "0x81000001", "fail")])
                self.expect(*self.site.check("--account", "F0000001", "--reader", "CaoraB", "--update", *a,
                                             root=False)[:2],
                            1, [(3, "906", "0x81000001", "fail")])
                self.expect(*self.site.check("--account", "F0000009", "--reader", "CaoraZ", "--update", *a,
                                             root=False)[:2],
                            1, [(4, "906", "0x81000001", "fail")])
                self.expect(*self.site.check("--account", "F0000002", "--reader", "CaoraB", "--env", other(env),
                                             "--ledger", ledger, root=False)[:2],
                            0, [(None, "906", "0x81000003", "note")])

    def test_terminal_and_ledger_together(self):
        # The terminal holds the verification registration; the ledger knows a
        # production one made on another terminal of the same institution.
        self.site.put(conn_rel("verification", "2113001"), conn_bytes("F0000001", "CaoraA"))
        ledger = self.site.ledger([("F0000005", "CaoraA", "2113005", "production", "2026-11-03")])
        code, doc, _ = self.site.check("--account", "F0000001", "--reader", "CaoraA", "--env", "production",
                                       "--ledger", ledger)
        self.expect(code, doc, 1, [(2, "906", "0x81000001", "fail"), (None, "906", "0x81000003", "note")])

    def test_text_names_the_code_and_the_fix(self):
        self.site.put(conn_rel("production", "2113001"), conn_bytes("F0000001", "CaoraA"))
        code, out, _ = self.site.run("register", "check", "--account", "F0000001", "--reader", "CaoraZ",
                                     "--env", "production")
        self.assertEqual(code, 1)
        self.assertIn("[906 0x81000001 ①]", out)
        self.assertIn("new, unused face-auth account", out)
        self.assertIn("caora register remove --device SERIAL --env production", out)
        self.assertIn("would fail", out)
        self.assertIn("caora's assumption", out)

    def test_usage_errors_exit_2(self):
        for args in (["--account", "X0000001", "--reader", "R", "--env", "production"],
                     ["--account", "f0000001", "--reader", "R", "--env", "production"],
                     ["--account", "F0000001", "--reader", "R", "--env", "staging"],
                     ["--account", "F0000001", "--reader", "R"],
                     ["--account", "F0000001", "--reader", "", "--env", "production"]):
            with self.subTest(args=args):
                code, out, err = self.site.run("--json", "register", "check", *args)
                self.assertEqual(code, 2, err)
                self.assertEqual(json.loads(out)["schema"], "caora.error/1")
        code, _, err = self.site.run("register", "check", "--account", "X1", "--reader", "R", "--env", "production")
        self.assertIn("starts with F0", err)
        # Nothing to check against at all.
        code, _, err = self.site.run("register", "check", "--account", "F01", "--reader", "R",
                                     "--env", "production", root=False)
        self.assertEqual(code, 2, err)

    def test_a_bad_ledger_is_named_by_line(self):
        path = os.path.join(self.site.dir, "bad.csv")
        with open(path, "wb") as f:
            f.write(HEADER.encode() + b"F0000001,CaoraA,1,staging,x\r\n")
        code, _, err = self.site.run("register", "check", "--account", "F01", "--reader", "R", "--env",
                                     "production", "--ledger", path)
        self.assertEqual(code, 1)
        self.assertIn("bad.csv:2:", err)
        self.assertIn("verification or production", err)


class RemoveTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()
        for env in ENVS:
            self.site.put(conn_rel(env, "2113001"), conn_bytes("F000000" + env[0], "Caora" + env[0]))
        self.site.put(conn_rel("production", "2113002"), conn_bytes("F0000002", "CaoraB"))

    def tearDown(self):
        self.site.cleanup()

    def test_remove_one_environment_then_undo_byte_for_byte(self):
        before = self.site.tree()
        code, out, err = self.site.run("--yes", "--json", "register", "remove", "--device", "2113001",
                                       "--env", "production")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["schema"], "caora.register/1")
        self.assertEqual(len(doc["removed"]), 1)
        after = self.site.tree()
        self.assertNotIn(conn_rel("production", "2113001"), after)
        self.assertEqual(after[conn_rel("verification", "2113001")], before[conn_rel("verification", "2113001")])
        self.assertEqual(after[conn_rel("production", "2113002")], before[conn_rel("production", "2113002")])
        # The journal names the change and carries no secret from the file.
        with open(os.path.join(self.site.state, "journal.jsonl"), encoding="utf-8") as f:
            journal = f.read()
        self.assertIn("register.remove", journal)
        self.assertNotIn("secret-in-file", journal)
        code, _, err = self.site.run("--yes", "undo", doc["journal"])
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.tree(), before)

    def test_remove_both_environments_then_undo(self):
        before = self.site.tree()
        code, out, err = self.site.run("--yes", "--json", "register", "remove", "--device", "2113001", "--env", "both")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertEqual(len(doc["removed"]), 2)
        code, out, _ = self.site.run("--json", "register", "check", "--account", "F000000v", "--reader", "Caorav",
                                     "--env", "verification")
        self.assertEqual(code, 0, "removed: registering again goes through")
        code, _, err = self.site.run("--yes", "undo", doc["journal"])
        self.assertEqual(code, 0, err)
        self.assertEqual(self.site.tree(), before)

    def test_without_terminal_or_yes_nothing_changes(self):
        before = self.site.tree()
        code, _, err = self.site.run("register", "remove", "--device", "2113001", "--env", "both")
        self.assertEqual(code, 3, err)
        self.assertEqual(self.site.tree(), before)

    def test_dry_run_and_bad_input(self):
        before = self.site.tree()
        code, out, _ = self.site.run("--dry-run", "--json", "register", "remove", "--device", "2113001", "--env", "both")
        self.assertEqual(code, 0)
        self.assertEqual(len(json.loads(out)["changes"]), 2)
        self.assertEqual(self.site.tree(), before)
        self.assertEqual(self.site.run("register", "remove", "--device", "../x", "--env", "both")[0], 2)
        self.assertEqual(self.site.run("register", "remove", "--device", "2113001")[0], 2)
        code, _, err = self.site.run("--yes", "register", "remove", "--device", "2119999", "--env", "both")
        self.assertEqual(code, 1)
        self.assertIn("no connection info for serial 2119999", err)
        self.assertEqual(self.site.tree(), before)


class StatusTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def test_status_per_unit_and_environment(self):
        self.site.put(conn_rel("verification", "2113001"), conn_bytes("F0000001", "CaoraA"))
        self.site.put(conn_rel("production", "2113001"), conn_bytes("F0000011", "CaoraA"))
        self.site.put(conn_rel("verification", "2113002"), conn_bytes("F0000002", "CaoraB"))
        self.site.put(ACTIVE, b"verification\r\n")
        self.site.put(FACE_DLL, b"2.1.0J\r\n")
        code, out, err = self.site.run("--json", "register", "status")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["schema"], "caora.register/1")
        self.assertEqual(doc["active_environment"], "verification")
        self.assertEqual(doc["face_dll"]["version"], "2.1.0J")
        self.assertTrue(doc["face_dll"]["assumed"])
        units = {u["serial"]: u["environments"] for u in doc["units"]}
        self.assertEqual(units["2113001"]["production"]["account"], "F0000011")
        self.assertIsNone(units["2113002"]["production"])
        self.assertEqual(doc["findings"], [])
        # Switched to production: unit 2113002 has no registration there.
        self.site.put(ACTIVE, b"production\r\n")
        code, out, _ = self.site.run("--json", "register", "status")
        self.assertEqual(code, 1)
        f = json.loads(out)["findings"]
        self.assertEqual([(x["serial"], x["detail"]) for x in f], [("2113002", "0x81000003")])
        code, out, _ = self.site.run("register", "status")
        self.assertIn("0x81000003", out)
        self.assertIn("caora's assumption", out)

    def test_status_of_a_missing_root(self):
        shutil.rmtree(self.site.root)
        self.assertEqual(self.site.run("register", "status")[0], 1)


class CertChangeTest(unittest.TestCase):
    def setUp(self):
        self.site = Site()

    def tearDown(self):
        self.site.cleanup()

    def decide(self, *args):
        code, out, err = self.site.run("--json", "register", "cert-change", *args)
        doc = json.loads(out)
        self.assertEqual(doc["schema"], "caora.register/1", err)
        return code, doc

    def test_the_decision_from_the_face_dll_version(self):
        self.site.put(FACE_DLL, b"2.0.9J\r\n")
        code, doc = self.decide()
        self.assertEqual((code, doc["decision"]), (3, "reregister"))
        self.assertEqual(doc["face_dll"]["source"], "site")
        self.site.put(FACE_DLL, b"2.1.1J\r\n")
        code, doc = self.decide()
        self.assertEqual((code, doc["decision"], doc["plan"]), (0, "not-needed", []))
        # Exactly 2.1.0J: the documents contradict themselves, so it asks.
        self.site.put(FACE_DLL, b"2.1.0J\r\n")
        code, doc = self.decide()
        self.assertEqual((code, doc["decision"]), (3, "ask"))
        self.assertIn("both include 2.1.0J", doc["reason"]["en"])
        self.assertEqual(doc["question"], "face-dll-2-1-0j-needs-reregistration")
        code, doc = self.decide("--answer", "face-dll-2-1-0j-needs-reregistration=no")
        self.assertEqual((code, doc["decision"], doc["answer"]), (0, "not-needed", False))
        code, doc = self.decide("--answer", "face-dll-2-1-0j-needs-reregistration=yes")
        self.assertEqual((code, doc["decision"]), (3, "reregister"))
        # A code change always needs removal and registration, the old certificate deleted first.
        code, doc = self.decide("--institution-code-changed")
        self.assertEqual((code, doc["decision"]), (3, "reregister"))
        self.assertEqual(len(doc["plan"]), 4)
        self.assertIn("old institution certificate", doc["plan"][0]["en"])

    def test_unknown_version_and_the_version_given(self):
        code, doc = self.decide()
        self.assertEqual((code, doc["decision"]), (3, "unknown"))
        code, doc = self.decide("--face-dll", "2.0.0J")
        self.assertEqual((code, doc["decision"], doc["face_dll"]["source"]), (3, "reregister", "--face-dll"))
        code, out, _ = self.site.run("register", "cert-change", "--answer", "other=yes")
        self.assertEqual(code, 2)


# ---- the guided registration (`register add`) on the live Linux backend ----
# The unit on USB is the real libusb code under umockdev, its adapter a sysfs
# copy, its reader a vpcd reader of a private pcscd (tests/live); the
# application is a real process; the connection info is written by a helper
# thread after a delay, as the login-name tool would.

sys.path.insert(0, os.path.join(SOURCE, "tests", "live"))
try:
    import pcsc_parts  # noqa: E402
    from live_parts import DATA, Terminal  # noqa: E402
except ImportError as e:  # pragma: no cover - the live helpers are part of the tree
    pcsc_parts = None
    LIVE_IMPORT_ERROR = str(e)

UNIT_SERIAL = "2113001"
UNIT_READER = "PFU Caora " + UNIT_SERIAL
APP = "OnlineAuthApp.exe"  # the site profile's "application" list (assumed)
PASSWORD = "Pw-7c1e!x-guided"


def tool_writes(account, reader, password=PASSWORD):
    return ("; Caora 接続情報\r\nLoginId={}\r\nReaderName={}\r\nPassword={}\r\n"
            .format(account, reader, password).encode("cp932"))


class GuidedRun:
    """caora register add under umockdev-run; `on_step(n)` runs when "▶ n." shows on stderr."""

    def __init__(self, site, terminal, pcscd, args, on_step=lambda n: None, stdin=None, extra_env=None):
        env = terminal.env(PCSCLITE_CSOCK_NAME=pcscd.socket, CAORA_PROC_ROOT="/proc", **(extra_env or {}))
        env.pop("CAORA_FACE_PASSWORD", None)
        # umockdev-run converts its arguments (a Japanese reader name) from GLib's charset, which
        # without a setlocale() is ASCII unless CHARSET says otherwise.
        env["CHARSET"] = "UTF-8"
        env.update(extra_env or {})
        cmd = ["umockdev-run", "-d", os.path.join(DATA, "umockdev", "root-port.umockdev"), "--",
               CAORA, "--state-dir", site.state, "--lang", "en", "--root", site.root] + list(args)
        self.steps = []
        self.stderr = []
        self.p = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if stdin is not None:
            self.p.stdin.write(stdin.encode())
            self.p.stdin.close()
        self.on_step = on_step
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.p.stderr:
            line = raw.decode(errors="replace")
            self.stderr.append(line)
            m = re.match(r"▶ (\d+)\. ", line)
            if m:
                self.steps.append(int(m.group(1)))
                self.on_step(int(m.group(1)))

    def wait(self, timeout=90):
        timer = threading.Timer(timeout, self.p.kill)
        timer.start()
        out = self.p.stdout.read()
        self.p.wait()
        timer.cancel()
        self.reader.join(5)
        self.p.stdout.close()
        self.p.stderr.close()
        return self.p.returncode, out.decode("utf-8", "replace")


class GuideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if pcsc_parts is None:
            raise unittest.SkipTest("tests/live helpers: " + LIVE_IMPORT_ERROR)
        why = pcsc_parts.missing_parts()
        if why:
            raise unittest.SkipTest(why)
        if not shutil.which("umockdev-run"):
            raise unittest.SkipTest("umockdev-run not found (Debian package umockdev)")

    def setUp(self):
        self.site = Site()
        self.t = Terminal("rndis-ok")
        self.pcscd = pcsc_parts.Pcscd({UNIT_READER: pcsc_parts.free_port_pair()})
        self.apps = []
        self.timers = []

    def tearDown(self):
        for t in self.timers:
            t.cancel()
        for a in self.apps:
            a.kill()
            a.wait()
        self.pcscd.stop()
        self.t.cleanup()
        self.site.cleanup()

    def start_app(self):
        # A real process whose program name (argv[0]) is the application's.
        self.apps.append(subprocess.Popen([APP, "60"], executable=shutil.which("sleep")))

    def later(self, seconds, fn):
        t = threading.Timer(seconds, fn)
        self.timers.append(t)
        t.start()

    def tool(self, env, account, reader, password=PASSWORD, delay=0.5):
        """What the person does at each step: the tool writes after a delay, the batch starts the application."""
        def act(n):
            if n == 2:
                self.later(delay, lambda: self.site.put(conn_rel(env, UNIT_SERIAL), tool_writes(account, reader, password)))
            elif n == 3:
                self.later(delay, self.start_app)
        return act

    def add(self, env, account="F0000101", reader="受付1", *more, opts=(), act=None, stdin=None, extra_env=None):
        """`more`: global options; `opts`: register's own (after the action)."""
        args = (["--json"] + list(more) + ["register", "add", "--account", account, "--reader", reader, "--env", env]
                + list(opts) + (["--password-stdin"] if stdin is not None else []))
        run = GuidedRun(self.site, self.t, self.pcscd, args, act or (lambda n: None), stdin=stdin, extra_env=extra_env)
        code, out = run.wait()
        try:
            doc = json.loads(out)
        except ValueError:
            raise AssertionError("not one JSON document: %r\nstderr: %s" % (out, "".join(run.stderr)))
        return code, doc, run

    def test_success_in_both_environments_with_the_ledger(self):
        ledger = self.site.ledger([])
        for n, env in enumerate(ENVS):
            code, doc, run = self.add(env, "F0000101", "受付1", "--yes", opts=("--ledger", ledger, "--timeout", "30"),
                                      act=self.tool(env, "F0000101", "受付1"), stdin=PASSWORD + "\n")
            self.assertEqual(code, 0, (doc, "".join(run.stderr)))
            self.assertEqual(doc["schema"], "caora.register/1")
            self.assertEqual(doc["action"], "add")
            self.assertEqual(doc["status"], "done")
            self.assertEqual(doc["device"]["serial"], UNIT_SERIAL)
            self.assertEqual([s["status"] for s in doc["steps"]], ["done"] * 5)
            self.assertEqual([s["check"] for s in doc["steps"]],
                             ["unit-visible", "connection-info", "application-running", "adapter-and-reader", "person"])
            self.assertEqual(run.steps, [1, 2, 3, 4, 5])
            self.assertIn("reader: " + UNIT_READER + " 00 00", doc["seen"])
            self.assertEqual(doc["password"], {"given": True, "source": "stdin"})
            # The second environment is a note (0x81000003), not a refusal.
            self.assertEqual([f["detail"] for f in doc["findings"]], [] if n == 0 else ["0x81000003"])
            self.assertTrue(doc["ledger"]["journal"])
            self.assertEqual(doc["ledger"]["row"]["environment"], env)
            for a in self.apps:
                a.kill()
                a.wait()
            self.apps = []
        with open(ledger, encoding="utf-8", newline="") as f:
            rows = f.read().split("\r\n")
        self.assertEqual(rows[0] + "\r\n", HEADER)
        self.assertEqual([r.split(",")[:4] for r in rows[1:3]],
                         [["F0000101", "受付1", UNIT_SERIAL, "verification"], ["F0000101", "受付1", UNIT_SERIAL, "production"]])
        # Registered now: a third run is refused by the check before any step.
        code, doc, run = self.add("production", "F0000101", "受付1", "--yes")
        self.assertEqual(code, 1)
        self.assertEqual(doc["status"], "refused")
        self.assertEqual([f["id"] for f in doc["findings"]], ["already-registered"])
        self.assertEqual(run.steps, [])

    def test_a_step_not_seen_in_time_exits_6_with_what_was_seen(self):
        code, doc, run = self.add("verification", "F0000102", "Caora-B", "--yes", opts=("--timeout", "2"))
        self.assertEqual(code, 6, (doc, "".join(run.stderr)))
        self.assertEqual(doc["status"], "timed-out")
        self.assertEqual([s["status"] for s in doc["steps"]], ["done", "timed-out", "pending", "pending", "pending"])
        self.assertEqual(doc["seen"], ["connection info: none for 2113001 in the verification environment"])
        self.assertIn("no connection info was written (waited 0:02)", doc["message"]["en"])
        # Written with another reader name: seen, and said.
        code, doc, run = self.add("verification", "F0000102", "Caora-B", "--yes", opts=("--timeout", "3"),
                                  act=self.tool("verification", "F0000102", "Caora-C", delay=0.2))
        self.assertEqual(code, 6)
        self.assertIn("other values (F0000102 / Caora-C", doc["message"]["en"])
        # The application that never starts.
        code, doc, run = self.add("production", "F0000103", "Caora-D", "--yes", opts=("--timeout", "3"),
                                  act=lambda n: n == 2 and self.site.put(conn_rel("production", UNIT_SERIAL),
                                                                          tool_writes("F0000103", "Caora-D")))
        self.assertEqual(code, 6, (doc, "".join(run.stderr)))
        self.assertEqual(doc["steps"][2]["status"], "timed-out")
        self.assertEqual(doc["seen"], ["running: none of OnlineAuthApp.exe, CaoraManager.exe"])

    def test_the_check_refuses_first(self):
        self.site.put(conn_rel("production", "2113009"), conn_bytes("F0000104", "Caora-Other"))
        for account, reader, finding in (("F0000104", "Caora-New", "account-has-other-reader"),
                                         ("F0000105", "Caora-Other", "reader-has-other-account")):
            code, doc, run = self.add("production", account, reader, "--yes")
            self.assertEqual(code, 1, doc)
            self.assertEqual(doc["status"], "refused")
            self.assertEqual([f["id"] for f in doc["findings"]], [finding])
            self.assertEqual([f["detail"] for f in doc["findings"]], ["0x81000001"])
            self.assertEqual(run.steps, [])
        # The same account and reader in the other environment are fine.
        code, doc, run = self.add("verification", "F0000104", "Caora-Other", "--dry-run")
        self.assertEqual(code, 0, doc)
        self.assertEqual(doc["status"], "planned")
        self.assertEqual(run.steps, [])
        self.assertEqual(len(doc["steps"]), 5)
        # Usage errors before anything else.
        for account, env, opts in (("X0000104", "production", ()), ("F0000106", "staging", ()),
                                   ("F0000106", "production", ("--device", "../2113001")),
                                   ("F0000106", "production", ("--update",))):
            code, doc, run = self.add(env, account, "Caora-New", "--yes", opts=opts)
            self.assertEqual(code, 2, doc)
            self.assertEqual(doc["schema"], "caora.error/1")

    def test_ledger_updated_then_undone_byte_for_byte(self):
        # A BOM, LF line ends and no newline at the end: everything else stays as it was.
        path = os.path.join(self.site.dir, "desk-ledger.csv")
        original = ("\ufeff" + HEADER.replace("\r\n", "\n") + "F0000001,Caora-Z,2113777,production,2026-01-05").encode()
        with open(path, "wb") as f:
            f.write(original)
        code, doc, run = self.add("verification", "F0000107", "Caora-E", "--yes", opts=("--ledger", path),
                                  act=self.tool("verification", "F0000107", "Caora-E"))
        self.assertEqual(code, 0, (doc, "".join(run.stderr)))
        with open(path, "rb") as f:
            after = f.read()
        self.assertTrue(after.startswith(original + b"\n"))
        self.assertTrue(after.endswith(b"\n"))
        self.assertNotIn(b"\r", after)
        self.assertIn(b"F0000107,Caora-E,2113001,verification,", after)
        code, _, err = self.site.run("--yes", "undo", doc["ledger"]["journal"])
        self.assertEqual(code, 0, err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), original)
        # A ledger that did not exist is created with its header, and undo takes it away again.
        fresh = os.path.join(self.site.dir, "new-ledger.csv")
        code, doc, run = self.add("production", "F0000108", "Caora-F", "--yes", opts=("--ledger", fresh),
                                  act=self.tool("production", "F0000108", "Caora-F"))
        self.assertEqual(code, 0, (doc, "".join(run.stderr)))
        with open(fresh, "rb") as f:
            self.assertTrue(f.read().startswith(HEADER.encode()))
        code, _, err = self.site.run("--yes", "undo", doc["ledger"]["journal"])
        self.assertEqual(code, 0, err)
        self.assertFalse(os.path.exists(fresh))

    def test_without_a_terminal_or_yes_it_refuses_and_changes_nothing(self):
        ledger = self.site.ledger([])
        with open(ledger, "rb") as f:
            before = f.read()
        code, doc, run = self.add("production", "F0000109", "Caora-G", opts=("--ledger", ledger))
        self.assertEqual(code, 3, doc)
        self.assertEqual(doc["status"], "refused")
        self.assertEqual(run.steps, [])
        self.assertEqual(len(doc["steps"]), 5)  # the plan is still there
        with open(ledger, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertFalse(os.path.exists(os.path.join(self.site.state, "journal.jsonl")))

    def test_the_password_is_checked_and_never_logged(self):
        log = os.path.join(self.site.dir, "caora.log")
        ledger = self.site.ledger([])
        # From the environment, checked against what the tool wrote: a mismatch is 905's wrong password.
        code, doc, run = self.add("verification", "F0000110", "Caora-H", "--yes", "-v", "--log-file", log,
                                  opts=("--ledger", ledger), act=self.tool("verification", "F0000110", "Caora-H", "other-pw"),
                                  extra_env={"CAORA_FACE_PASSWORD": PASSWORD})
        self.assertEqual(code, 1, (doc, "".join(run.stderr)))
        self.assertEqual(doc["status"], "problem")
        self.assertIn("905", doc["message"]["en"])
        self.assertEqual(doc["password"], {"given": True, "source": "environment"})
        os.remove(os.path.join(self.site.root, conn_rel("verification", UNIT_SERIAL)))
        # From stdin, matching: done, the ledger journaled.
        code, doc, run = self.add("verification", "F0000110", "Caora-H", "--yes", "-v", "--log-file", log,
                                  opts=("--ledger", ledger), act=self.tool("verification", "F0000110", "Caora-H"),
                                  stdin=PASSWORD + "\n")
        self.assertEqual(code, 0, (doc, "".join(run.stderr)))
        self.assertEqual(doc["password"], {"given": True, "source": "stdin"})
        texts = {"stdout": json.dumps(doc, ensure_ascii=False), "stderr": "".join(run.stderr)}
        with open(log, encoding="utf-8", errors="replace") as f:
            texts["log"] = f.read()
        with open(os.path.join(self.site.state, "journal.jsonl"), encoding="utf-8") as f:
            texts["journal"] = f.read()
        self.assertIn("register.ledger", texts["journal"])
        self.assertTrue(texts["log"])
        for name, text in texts.items():
            self.assertNotIn(PASSWORD, text, name)
        for base, _, files in os.walk(self.site.state):
            for f in files:
                with open(os.path.join(base, f), "rb") as fh:
                    self.assertNotIn(PASSWORD.encode(), fh.read(), f)


if __name__ == "__main__":
    unittest.main()
