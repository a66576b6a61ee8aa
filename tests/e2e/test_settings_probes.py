#!/usr/bin/env python3
"""Whole-binary scenarios for the probes that answer causes once only asked
(issue 13, detection coverage): the terminal's network settings (011, FUJ905,
FUJP55 "IPアドレスやDNSなどの設定が間違っている"), FUJ906's .NET Framework,
qa-26's USB hub, and 905/906's "機関用証明書が複数登録されている". A probe's "missing" decides the cause; a probe that sees the
settings present (or a hub-less unit) does not prove them right, so the question
is still asked, with the reason; an answer then decides.

Sites are copies of tests/data/sites/clean.json with the probe's value changed.

Environment: CAORA_BIN (default ./build/caora in the repository),
CAORA_SOURCE_DIR (default: the repository holding this script).
Standard library only.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_DIR = os.environ.get("CAORA_SOURCE_DIR") or REPO
CAORA_BIN = os.environ.get("CAORA_BIN") or os.path.join(REPO, "build", "caora")
CLEAN = os.path.join(SOURCE_DIR, "tests", "data", "sites", "clean.json")


def run_json(args):
    state = tempfile.mkdtemp(prefix="caora-e2e-state-")
    try:
        env = dict(os.environ)
        env.pop("CAORA_ROOT", None)
        env.pop("CAORA_SITE_PROFILE", None)
        env["LANG"] = "C.UTF-8"
        proc = subprocess.run([CAORA_BIN] + list(args) + ["--json", "--state-dir", state, "--lang", "en"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, timeout=120)
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        try:
            return proc.returncode, json.loads(out), err
        except ValueError:
            raise AssertionError("stdout is not one JSON document; exit %d; stderr: %s" % (proc.returncode, err))
    finally:
        shutil.rmtree(state, ignore_errors=True)


class Site:
    """clean.json with some probes recorded differently."""

    def __init__(self, probes):
        with open(CLEAN, encoding="utf-8") as f:
            doc = json.load(f)
        doc["probes"].update(probes)
        self.tmp = tempfile.mkdtemp(prefix="caora-e2e-site-")
        self.path = os.path.join(self.tmp, "site.json")
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.tmp, ignore_errors=True)


NO_GATEWAY = {"net.uplink.settings_missing": {
    "known": True, "value": True,
    "evidence": ["\"Ethernet\": IPv4 192.168.0.20/24, default gateway none, DNS servers none"]}}
NO_DOTNET = {"host.dotnet4.missing": {
    "known": True, "value": True,
    "evidence": ["HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full Release: absent"]}}


def cause(doc, cause_id):
    for c in doc.get("causes", []):
        if c["id"] == cause_id:
            return c
    raise AssertionError("cause %s not in %s" % (cause_id, [c["id"] for c in doc.get("causes", [])]))


def finding(doc, recipe, cause_id):
    for f in doc.get("findings", []):
        if f.get("recipe") == recipe and f.get("cause") == cause_id:
            return f
    raise AssertionError("finding %s/%s not in doctor's output" % (recipe, cause_id))


class NetworkSettings(unittest.TestCase):

    def test_missing_settings_decide_the_cause(self):
        with Site(NO_GATEWAY) as site:
            for code in ("011", "FUJ905", "FUJP55"):
                with self.subTest(code=code):
                    rc, doc, err = run_json(["diagnose", code, "--site", site])
                    c = cause(doc, "ip-dns-misconfigured")
                    self.assertEqual(c["status"], "present", c)
                    self.assertTrue(any("default gateway none" in e for e in c["evidence"]), c)

    def test_settings_present_still_ask_and_the_answer_decides(self):
        rc, doc, err = run_json(["diagnose", "011", "--site", CLEAN])
        c = cause(doc, "ip-dns-misconfigured")
        self.assertEqual(c["status"], "unknown", c)
        self.assertIn("whether the values are right cannot be read", c["reason"]["en"])
        self.assertIn("--answer ip-dns-misconfigured=yes|no", c["reason"]["en"])
        rc, doc, err = run_json(["diagnose", "011", "--site", CLEAN, "--answer", "ip-dns-misconfigured=no"])
        self.assertEqual(cause(doc, "ip-dns-misconfigured")["status"], "absent")

    def test_doctor_reports_missing_settings(self):
        with Site(NO_GATEWAY) as site:
            rc, doc, err = run_json(["doctor", "--site", site])
        text = json.dumps(doc)
        self.assertIn("ip-dns-misconfigured", text)
        self.assertIn("default gateway none", text)


class DotNetFramework(unittest.TestCase):

    def test_unregistered_framework_decides_fuj906s_cause(self):
        with Site(NO_DOTNET) as site:
            rc, doc, err = run_json(["diagnose", "FUJ906", "--site", site])
        c = cause(doc, "os-or-dotnet-damaged")
        self.assertEqual(c["status"], "present", c)
        self.assertTrue(any("Release: absent" in e for e in c["evidence"]), c)

    def test_registered_framework_still_asks(self):
        rc, doc, err = run_json(["diagnose", "FUJ906", "--site", CLEAN])
        c = cause(doc, "os-or-dotnet-damaged")
        self.assertEqual(c["status"], "unknown", c)
        self.assertIn("does not show whether it is damaged", c["reason"]["en"])


class UsbHub(unittest.TestCase):

    def test_a_unit_behind_a_hub_decides_qa26s_cause(self):
        with Site({"usb.units.behind_hub": {"known": True, "value": True,
                                            "evidence": ["libusb: unit at 1-2.1, 04c5:1526, high speed, behind a hub"]}}) as site:
            rc, doc, err = run_json(["diagnose", "qa-26", "--site", site])
        self.assertEqual(cause(doc, "via-usb-hub")["status"], "present")
        rc, doc, err = run_json(["diagnose", "qa-26", "--site", CLEAN])
        c = cause(doc, "via-usb-hub")
        self.assertEqual(c["status"], "unknown", c)
        self.assertIn("does not power on is not seen on USB", c["reason"]["en"])


def certs(most, evidence):
    return {"host.client_certs.max_per_issuer": {"known": True, "value": most, "evidence": evidence}}


class InstitutionCertificates(unittest.TestCase):
    # 905 without a detail code, and 906 on the detail code the cause belongs to.
    RUNS = (["diagnose", "905"], ["diagnose", "906", "0x81000001"])

    def test_one_client_certificate_per_issuer_rules_the_cause_out(self):
        for args in self.RUNS:
            with self.subTest(args=args):
                rc, doc, err = run_json(args + ["--site", CLEAN])
                c = cause(doc, "multiple-institution-certificates")
                self.assertEqual(c["status"], "absent", c)
                self.assertIn("host.client_certs.max_per_issuer = 1", " ".join(c["evidence"]))

    def test_two_from_one_issuer_ask_naming_them_and_the_answer_decides(self):
        two = certs(2, ["2 issued by \"Institution CA\": \"1312345678\" (CurrentUser\\My) \"1312345678\" (LocalMachine\\My)"])
        with Site(two) as site:
            for args in self.RUNS:
                with self.subTest(args=args):
                    rc, doc, err = run_json(args + ["--site", site])
                    c = cause(doc, "multiple-institution-certificates")
                    self.assertEqual(c["status"], "unknown", c)
                    self.assertIn("do not say what identifies one", c["reason"]["en"])
                    self.assertIn("--answer multiple-institution-certificates=yes|no", c["reason"]["en"])
                    rc, doc, err = run_json(args + ["--site", site, "--answer", "multiple-institution-certificates=yes"])
                    self.assertEqual(cause(doc, "multiple-institution-certificates")["status"], "present")

    def test_a_site_recorded_without_the_probe_asks(self):
        with open(CLEAN, encoding="utf-8") as f:
            doc = json.load(f)
        del doc["probes"]["host.client_certs.max_per_issuer"]
        tmp = tempfile.mkdtemp(prefix="caora-e2e-site-")
        try:
            path = os.path.join(tmp, "site.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
            rc, out, err = run_json(["diagnose", "905", "--site", path])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(cause(out, "multiple-institution-certificates")["status"], "unknown")


if __name__ == "__main__":
    unittest.main()
