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
import shutil
import subprocess
import tempfile
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


if __name__ == "__main__":
    unittest.main()
