#!/usr/bin/env python3
"""Whole-binary scenarios for every error-code recipe (recipes/errors/*.json).

Each fault scenario replays a recorded site (tests/data/sites/*.json) through
`caora diagnose CODE [DETAIL] --site FILE --json` and expects one documented
cause to be found with evidence that names its probe (or the technician's
answer). The shared clean site (tests/data/sites/clean.json) must give exit 0
for every code whose causes in scope can all be decided. The rest covers code
lookup, ambiguous and foreign detail codes, unknown codes, free text and
malformed snapshots.

Environment: CAORA_BIN (default ./build/caora in the repository),
CAORA_SOURCE_DIR (default: the repository holding this script).
Standard library only.
"""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from collections import namedtuple

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_DIR = os.environ.get("CAORA_SOURCE_DIR") or REPO
CAORA_BIN = os.environ.get("CAORA_BIN") or os.path.join(REPO, "build", "caora")
SITES = os.path.join(SOURCE_DIR, "tests", "data", "sites")
RECIPES = os.path.join(SOURCE_DIR, "recipes", "errors")

# The recipe each official code belongs to (explain/diagnose "recipe" field).
RECIPE_OF = {
    "001": "error-001", "008": "error-008", "010": "error-010", "011": "error-011",
    "015": "error-015", "101": "error-101", "102": "error-102", "901": "error-901",
    "905": "error-905", "906": "error-906", "FUJ008": "error-fuj008", "FUJ905": "error-fuj905",
    "FUJ906": "error-fuj906", "FUJP55": "error-fujp55", "FUJJP60": "error-fujjp60",
    "FUJJP70": "error-fujjp70",
}


def run_caora(args, timeout=60):
    """Runs the binary without a terminal (stdin closed), in a fresh state folder."""
    state = tempfile.mkdtemp(prefix="caora-e2e-state-")
    try:
        env = dict(os.environ)
        env.pop("CAORA_ROOT", None)  # site.* probes must come from the snapshot
        env["LANG"] = "C.UTF-8"
        env.pop("LC_ALL", None)
        proc = subprocess.run([CAORA_BIN] + list(args) + ["--state-dir", state, "--lang", "en"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env, timeout=timeout)
        return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    finally:
        shutil.rmtree(state, ignore_errors=True)


def site_path(name):
    return os.path.join(SITES, name)


def load_site(name):
    with open(site_path(name), encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------
# The scenario table.
#   present:  {cause id: "probe.name" | "answer:question-id"} -- exactly the
#             causes expected "present", and what their evidence must name
#   unknown:  cause ids expected "unknown" (causes nothing can decide)
#   detail_out: the canonical detail code expected back (default: detail)
Scenario = namedtuple("Scenario", "code detail site answers exit status present unknown detail_out")


def S(code, detail, site, answers, exit, status, present=None, unknown=(), detail_out=None):
    return Scenario(code, detail, site, tuple(answers), exit, status, dict(present or {}), tuple(unknown),
                    detail_out if detail_out is not None else detail)


def yes(qid):
    return ["%s=yes" % qid]


def no(*qids):
    return ["%s=no" % q for q in qids]


# Every question of a code's causes in scope, answered "no" (for the clean site).
Q001 = no("payment-terminal-nearby", "card-in-sleeve", "card-face-down", "card-sideways", "card-turned-round",
          "hand-over-card", "camera-dirty", "not-my-number-card", "card-removed-early")
Q010 = no("insurance-record-not-linked", "mynaportal-error-returned")
Q_NET = no("ipsec-ike-down", "wifi-weak", "ip-dns-misconfigured", "ons-traffic-misrouted")  # 011, FUJ905, FUJP55
Q015 = no("card-face-dirty-or-worn", "camera-dirty", "other-cards-also-fail")
Q008 = no("008-error-persists-on-retry")
Q101 = no("card-face-dirty-or-worn", "camera-dirty", "other-cards-also-fail")
Q102 = no("face-covered", "camera-dirty", "capture-fails-after-cleaning")
Q905 = no("account-not-registered-for-environment", "face-auth-password-wrong", "face-auth-password-locked",
          "account-start-date-in-future", "multiple-institution-certificates")
Q906_81000001 = no("device-id-already-registered", "reader-name-already-registered",
                   "reader-name-bound-to-other-device-id", "update-of-unregistered-device-id",
                   "multiple-institution-certificates")
Q906_81000003 = no("account-not-registered-for-environment", "environment-switched-without-registration")
QFUJJP60 = no("ons-visual-check-mode")
QFUJJP70 = no("ons-traffic-misrouted")
QFUJ906_DAMAGED = no("reinstall-did-not-help")

FAULTS = [
    # 001 (questions only)
    S("001", None, "001-card-in-sleeve.json", yes("card-in-sleeve"), 1, "problem",
      {"card-in-sleeve": "answer:card-in-sleeve"}),
    S("001", "0x81000008", "001-0x81000008-payment-terminal.json", yes("payment-terminal-nearby"), 1, "problem",
      {"payment-terminal-nearby": "answer:payment-terminal-nearby"}),
    # 001's placement causes from the vendor's poster (横向き, 手を入れたまま) and remedy ① (180度反転)
    S("001", None, "clean.json", yes("card-sideways"), 1, "problem", {"card-sideways": "answer:card-sideways"}),
    S("001", None, "clean.json", yes("card-turned-round"), 1, "problem", {"card-turned-round": "answer:card-turned-round"}),
    S("001", None, "clean.json", yes("hand-over-card"), 1, "problem", {"hand-over-card": "answer:hand-over-card"}),
    S("001", None, "clean.json", yes("card-face-down"), 1, "problem", {"card-face-down": "answer:card-face-down"}),
    # 008
    S("008", None, "008-remote-desktop.json", [], 1, "problem",
      {"remote-desktop-session": "host.rdp.session_active"}),
    S("008", "0x02000003", "008-0x02000003-biometric.json", [], 1, "problem",
      {"biometric-driver": "host.biometric.present"}),
    S("008", "0x81000023", "008-0x81000023-unit-missing.json", [], 1, "problem",
      {"unit-not-on-usb": "usb.units.count"}),
    # 010 (questions only)
    S("010", "0x8100000B", "010-insurance-record-not-linked.json", yes("insurance-record-not-linked"), 1, "problem",
      {"insurance-record-not-linked": "answer:insurance-record-not-linked"}),
    # 011
    S("011", None, "011-lan-cable-unplugged.json", [], 1, "problem",
      {"lan-cable-unplugged": "net.uplink.connected"}),
    # ARP offload on is the vendor's remedy, a finding of its own beside the cause the detail code names
    S("011", "0x81000005", "011-0x81000005-arp-offload.json", [], 1, "problem",
      {"ons-link-not-connected": "detail:0x81000005", "nic-arp-offload": "host.nic.arp_offload.enabled"}),
    S("011", "0x81000008", "011-0x81000008-arp-offload.json", [], 1, "problem",
      {"ons-link-timeout": "detail:0x81000008", "nic-arp-offload": "host.nic.arp_offload.enabled"}),
    S("011", "0x81000008", "011-0x81000008-reader-software-old.json", [], 1, "problem",
      {"ons-link-timeout": "detail:0x81000008", "reader-software-outdated": "site.reader_software.version"}),
    # 015 (no probe-detectable cause: questions; the detail's own cause cannot be checked)
    S("015", "0x04000013", "015-0x04000013-card-face-worn.json", yes("card-face-dirty-or-worn"), 1, "problem",
      {"card-face-dirty-or-worn": "answer:card-face-dirty-or-worn",
       "verification-number-b-mismatch": "detail:0x04000013"}),
    # 101, 102 (questions only)
    S("101", None, "101-camera-dirty.json", yes("camera-dirty"), 1, "problem",
      {"camera-dirty": "answer:camera-dirty"}),
    S("102", None, "102-face-covered.json", yes("face-covered"), 1, "problem",
      {"face-covered": "answer:face-covered"}),
    # 901
    S("901", "0xF0301D1A", "901-0xF0301D1A-remote-desktop-enabled.json", [], 1, "problem",
      {"remote-desktop-enabled": "host.rdp.enabled"}),
    # 905 (questions only; typed with the vendor table's dropped zero)
    S("905", "0x8100004", "905-0x81000004-password-locked.json", yes("face-auth-password-locked"), 1, "problem",
      {"password-locked": "answer:face-auth-password-locked"}, detail_out="0x81000004"),
    # 906
    S("906", "0x02000001", "906-0x02000001-unit-unplugged.json", [], 1, "problem",
      {"reader-removed-after-init": "usb.units.count"}),
    S("906", "0x02000001", "906-0x02000001-remote-desktop.json", [], 1, "problem",
      {"remote-desktop-session": "host.rdp.session_active"}),
    S("906", "0x03000006", "906-0x03000006-certpropsvc.json", [], 1, "problem",
      {"certpropsvc-running": "host.certpropsvc.running"}),
    S("906", "0x03000006", "906-0x03000006-foreign-reader.json", [], 1, "problem",
      {"foreign-reader-software": "pcsc.foreign_readers.present"}),
    S("906", "0x03000006", "906-0x03000006-exclusive-holder.json", [], 1, "problem",
      {"card-access-conflict": "pcsc.unit.held_exclusive"}),
    S("906", "0x81000001", "906-0x81000001-multiple-certificates.json", yes("multiple-institution-certificates"), 1,
      "problem", {"multiple-institution-certificates": "answer:multiple-institution-certificates"}),
    S("906", "0x81000003", "906-0x81000003-environment-switched.json",
      yes("environment-switched-without-registration"), 1, "problem",
      {"environment-switched-without-registration": "answer:environment-switched-without-registration"}),
    # FUJ008
    S("FUJ008", "22013C04-2", "FUJ008-22013C04-2-rndis-missing.json", [], 1, "problem",
      {"usb-link-dropped": "net.rndis.present"}),
    S("FUJ008", None, "FUJ008-rndis-disabled.json", [], 1, "problem",
      {"rndis-driver-glitch": "net.rndis.disabled"}),
    S("FUJ008", None, "FUJ008-rndis-no-address.json", [], 1, "problem",
      {"rndis-driver-glitch": "net.rndis.has_address"}),
    S("FUJ008", "22013C04-2", "FUJ008-22013C04-2-sleep.json", [], 1, "problem",
      {"sleep-or-lock-enabled": "host.sleep.enabled"}),
    S("FUJ008", None, "FUJ008-screen-lock.json", [], 1, "problem",
      {"sleep-or-lock-enabled": "host.screen_lock.enabled"}),
    # FUJ905
    S("FUJ905", "0x81000008", "FUJ905-0x81000008-arp-offload.json", [], 1, "problem",
      {"ons-link-timeout": "detail:0x81000008", "nic-arp-offload": "host.nic.arp_offload.enabled"}),
    S("FUJ905", None, "FUJ905-reader-software-old.json", [], 1, "problem",
      {"reader-software-outdated": "site.reader_software.version"}, unknown=["ons-link-timeout"]),
    S("FUJ905", None, "FUJ905-lan-cable-unplugged.json", [], 1, "problem",
      {"lan-cable-unplugged": "net.uplink.connected"}, unknown=["ons-link-timeout"]),
    # FUJ906 (C02 details typed with a real serial prefix, as read off the screen)
    S("FUJ906", "2113C02-4", "FUJ906-xxxxC02-4-ini-corrupt.json", [], 1, "problem",
      {"settings-file-corrupt": "site.ini.corrupt"}, detail_out="xxxxC02-4"),
    S("FUJ906", "2113C02-11", "FUJ906-xxxxC02-11-unit-missing.json", [], 1, "problem",
      {"usb-link-dropped": "usb.units.count"}, detail_out="xxxxC02-11"),
    S("FUJ906", "xxxxC02-11", "FUJ906-xxxxC02-11-rndis-disabled.json", [], 1, "problem",
      {"rndis-driver-glitch": "net.rndis.disabled"}),
    S("FUJ906", "xxxxC02-11", "FUJ906-xxxxC02-11-sleep.json", [], 1, "problem",
      {"sleep-or-lock-enabled": "host.sleep.enabled"}),
    # 21700C26-2 itself means the reader software is old: the code decides it
    S("FUJ906", "21700C26-2", "FUJ906-21700C26-2-reader-software-old.json", [], 1, "problem",
      {"reader-software-outdated": "detail:21700C26-2"}),
    S("FUJ906", "21200M23-F12", "FUJ906-21200M23-F12-reinstall-did-not-help.json", yes("reinstall-did-not-help"), 1,
      "problem", {"os-or-dotnet-damaged": "answer:reinstall-did-not-help"}, unknown=["reader-app-damaged"]),
    # The .NET Framework 4 not registered: the probe decides the OS/.NET cause for each of its details
    *[S("FUJ906", d, "FUJ906-dotnet-missing.json", [], 1, "problem", {"os-or-dotnet-damaged": "host.dotnet4.missing"},
        unknown=["reader-app-damaged"])
      for d in ("21200M23-F12", "21200M24-F11", "21600M63-F12", "31150M24-F12")],
    # FUJP55
    S("FUJP55", None, "FUJP55-lan-cable-unplugged.json", [], 1, "problem",
      {"lan-cable-unplugged": "net.uplink.connected"}),
    S("FUJP55", None, "FUJP55-arp-offload.json", [], 1, "problem",
      {"nic-arp-offload": "host.nic.arp_offload.enabled"}),
    # the error table prints FUJP55's message on the 0x81000008 row
    S("FUJP55", "0x81000008", "FUJP55-arp-offload.json", [], 1, "problem",
      {"nic-arp-offload": "host.nic.arp_offload.enabled"}),
    S("FUJP55", None, "FUJP55-reader-software-old.json", [], 1, "problem",
      {"reader-software-outdated": "site.reader_software.version"}),
    S("FUJP55", None, "FUJP55-reader-version-unknown.json", yes("reader-software-not-latest") + Q_NET, 1, "problem",
      {"reader-software-outdated": "answer:reader-software-not-latest"}),
    # FUJJP60 (question only)
    S("FUJJP60", None, "FUJJP60-visual-check-mode.json", yes("ons-visual-check-mode"), 1, "problem",
      {"ons-visual-check-mode": "answer:ons-visual-check-mode"}),
    # FUJJP70
    S("FUJJP70", None, "FUJJP70-lan-cable-unplugged.json", [], 1, "problem",
      {"lan-cable-unplugged": "net.uplink.connected"}),
    S("FUJJP70", None, "FUJJP70-arp-offload.json", [], 1, "problem",
      {"nic-arp-offload": "host.nic.arp_offload.enabled"}),
    # A cached manifest names a newer reader software than the one installed.
    S("FUJJP70", None, "FUJJP70-reader-software-not-newest.json", [], 1, "problem",
      {"reader-software-outdated": "site.reader_software.outdated"}),
    # Old firmware is not a cause the vendor gives for FUJJP70; whether the reader
    # software is the newest is asked, never silently answered.
    S("FUJJP70", None, "FUJJP70-firmware-old.json", yes("reader-software-not-latest"), 1, "problem",
      {"reader-software-outdated": "answer:reader-software-not-latest"}),
]

C = "clean.json"
CLEAN = [
    S("001", None, C, Q001, 0, "ok"),
    S("001", "0x03000001", C, Q001, 0, "ok"),
    S("001", "0x03000002", C, Q001, 0, "ok"),
    S("001", "0x81000008", C, Q001, 0, "ok"),
    S("008", None, C, Q008, 0, "ok"),
    S("008", "0x81000023", C, [], 0, "ok"),
    S("008", "0x02000003", C, Q008, 0, "ok"),
    S("010", None, C, Q010, 0, "ok"),
    S("010", "0x8100000B", C, Q010, 0, "ok"),
    S("101", None, C, Q101, 0, "ok"),
    S("102", None, C, Q102, 0, "ok"),
    S("901", None, C, [], 0, "ok"),
    S("901", "0xF0301D1A", C, [], 0, "ok"),
    S("905", None, C, Q905, 0, "ok"),
    S("905", "0x81000004", C, Q905, 0, "ok"),
    S("906", "0x02000001", C, [], 0, "ok"),
    S("906", "0x81000001", C, Q906_81000001, 0, "ok"),
    S("906", "0x81000003", C, Q906_81000003, 0, "ok"),
    S("906", "0x03000006", C, [], 0, "ok"),
    S("FUJ008", None, C, [], 0, "ok"),
    S("FUJ008", "22013C04-2", C, [], 0, "ok"),
    S("FUJ906", "xxxxC02-4", C, [], 0, "ok"),
    S("FUJ906", "xxxxC02-11", C, [], 0, "ok"),
    S("FUJP55", None, C, Q_NET, 0, "ok"),
    S("FUJP55", "0x81000008", C, Q_NET, 0, "ok"),
    S("FUJJP60", None, C, QFUJJP60, 0, "ok"),
    S("FUJJP70", None, C, QFUJJP70, 0, "ok"),
]

# On the clean site, with every question answered "no", a cause nothing can
# check stays unknown: a technician (exit 3) or the vendor (exit 4) decides.
UNDECIDABLE = [
    S("015", None, C, Q015, 3, "needs-technician",
      unknown=["verification-number-b-mismatch", "verification-number-b-mismatch-retry"]),
    S("FUJ906", "21200M24-F11", C, QFUJ906_DAMAGED, 3, "needs-technician", unknown=["reader-app-damaged"]),
    # The vendor's generic network cause is what 011/FUJ905's detail codes name: without the
    # detail it cannot be decided (and ARP offload being off does not rule it out).
    S("011", None, C, Q_NET, 3, "needs-technician", unknown=["ons-link-not-connected", "ons-link-timeout"]),
    S("FUJ905", None, C, Q_NET, 3, "needs-technician", unknown=["ons-link-timeout"]),
]

# A detail code that names its cause by itself: on the clean site the code on
# the screen is the evidence. Causes whose only remedy is a call escalate (4).
DETAIL_NAMED = [
    S("015", "0x04000011", C, Q015, 1, "problem", present={"verification-number-b-mismatch": "detail:0x04000011"}),
    S("015", "0x04000020", C, Q015, 1, "problem", present={"verification-number-b-mismatch-retry": "detail:0x04000020"}),
    S("906", "0x81000013", C, [], 1, "problem", present={"mode-mismatch": "detail:0x81000013"}),
    S("906", "0x01000004", C, [], 4, "escalate", present={"monitoring-ended-without-start": "detail:0x01000004"}),
    S("906", "0x81000009", C, [], 4, "escalate", present={"wrong-insurance-id": "detail:0x81000009"}),
    S("906", "0x01000001", C, [], 4, "escalate", present={"bad-face-photo-request": "detail:0x01000001"}),
    S("011", "0x81000005", C, Q_NET, 1, "problem", present={"ons-link-not-connected": "detail:0x81000005"}),
    S("011", "0x81000008", C, Q_NET, 1, "problem", present={"ons-link-timeout": "detail:0x81000008"}),
    S("FUJ905", "0x81000008", C, Q_NET, 1, "problem", present={"ons-link-timeout": "detail:0x81000008"}),
    S("FUJ906", "21700C26-2", C, [], 1, "problem", present={"reader-software-outdated": "detail:21700C26-2"}),
]


def diagnose(sc, extra=()):
    args = ["diagnose", sc.code] + ([sc.detail] if sc.detail else []) + ["--site", site_path(sc.site), "--json"]
    for a in sc.answers:
        args += ["--answer", a]
    return run_caora(args + list(extra))


def label(sc):
    return "%s %s on %s%s" % (sc.code, sc.detail or "-", sc.site, (" " + " ".join(sc.answers)) if sc.answers else "")


class DiagnoseScenarios(unittest.TestCase):
    maxDiff = None

    def check_report(self, sc):
        rc, out, err = diagnose(sc)
        self.assertNotIn("internal error", err.lower())
        try:
            doc = json.loads(out)
        except ValueError as e:
            self.fail("stdout is not one JSON document (%s); exit %d; stderr: %s" % (e, rc, err))
        self.assertEqual(doc.get("schema"), "caora.diagnose/1")
        self.assertEqual(doc.get("code"), sc.code)
        self.assertEqual(doc.get("detail"), sc.detail_out)
        self.assertEqual(doc.get("recipe"), RECIPE_OF[sc.code])
        self.assertEqual(rc, sc.exit, "exit code; stderr: %s" % err)
        self.assertEqual(doc.get("status"), sc.status)
        causes = {c["id"]: c for c in doc.get("causes", [])}
        for c in doc.get("causes", []):
            self.assertIn(c.get("status"), ("present", "absent", "unknown"), c)
        for a in doc.get("actions", []):
            self.assertIs(a.get("applied"), False, "a recorded site must never be changed: %r" % a)
        return doc, causes

    def check_evidence(self, sc, cause, names):
        evidence = cause.get("evidence") or []
        self.assertTrue(evidence, "cause %s is present without evidence" % cause["id"])
        lines = [e.strip() for e in evidence]
        if names.startswith("detail:"):
            code = names[len("detail:"):]
            self.assertTrue(any(("detail code " + code) in l for l in lines),
                            "evidence of %s does not name the detail code %s: %r" % (cause["id"], code, evidence))
            return
        if names.startswith("answer:"):
            qid = names[len("answer:"):]
            self.assertTrue(any(qid in l and "yes" in l for l in lines),
                            "evidence of %s does not name the answer %s=yes: %r" % (cause["id"], qid, evidence))
            return
        probe = names
        self.assertTrue(any(l.startswith(probe) for l in lines),
                        "evidence of %s does not name the probe %s: %r" % (cause["id"], probe, evidence))
        # What the site recorded for that probe is passed on to the technician.
        recorded = load_site(sc.site)["probes"][probe].get("evidence", [])
        self.assertTrue(recorded, "fixture %s records no evidence for %s" % (sc.site, probe))
        for e in recorded:
            self.assertIn(e, lines, "recorded evidence of %s missing from cause %s" % (probe, cause["id"]))

    def test_fault_sites(self):
        for sc in FAULTS:
            with self.subTest(scenario=label(sc)):
                doc, causes = self.check_report(sc)
                present = sorted(i for i, c in causes.items() if c.get("status") == "present")
                self.assertEqual(present, sorted(sc.present), "causes found present")
                for cid, names in sc.present.items():
                    self.check_evidence(sc, causes[cid], names)
                for cid in sc.unknown:
                    self.assertIn(cid, causes)
                    self.assertEqual(causes[cid].get("status"), "unknown", cid)

    def test_clean_site(self):
        for sc in CLEAN:
            with self.subTest(scenario=label(sc)):
                doc, causes = self.check_report(sc)
                self.assertTrue(causes, "no cause was checked")
                for cid, c in causes.items():
                    self.assertEqual(c.get("status"), "absent", "cause %s on the clean site" % cid)
                    self.assertTrue(c.get("evidence"), "cause %s decided absent without evidence" % cid)
                self.assertEqual(doc.get("actions", []), [])

    def test_detail_named_causes(self):
        for sc in DETAIL_NAMED:
            with self.subTest(scenario=label(sc)):
                doc, causes = self.check_report(sc)
                present = sorted(i for i, c in causes.items() if c.get("status") == "present")
                self.assertEqual(present, sorted(sc.present), "causes found present")
                for cid, names in sc.present.items():
                    self.check_evidence(sc, causes[cid], names)
                if sc.status == "escalate":
                    self.assertIn("escalate", doc, "an escalation names whom to call")

    def test_undecidable_causes_on_clean_site(self):
        for sc in UNDECIDABLE:
            with self.subTest(scenario=label(sc)):
                doc, causes = self.check_report(sc)
                for cid, c in causes.items():
                    want = "unknown" if cid in sc.unknown else "absent"
                    self.assertEqual(c.get("status"), want, cid)

    def test_fix_on_recorded_site_only_plans(self):
        sc = S("FUJ008", "22013C04-2", "FUJ008-22013C04-2-sleep.json", [], 1, "problem",
               {"sleep-or-lock-enabled": "host.sleep.enabled"})
        with open(site_path(sc.site), "rb") as f:
            before = f.read()
        rc, out, err = diagnose(sc, ["--fix", "--yes"])
        doc = json.loads(out)
        self.assertEqual(rc, 1, err)
        self.assertEqual(doc.get("status"), "problem")
        ids = [a.get("id") for a in doc.get("actions", [])]
        self.assertIn("host.sleep.disable", ids)
        for a in doc["actions"]:
            self.assertIs(a.get("applied"), False, a)
            self.assertFalse(a.get("journal"), a)
        with open(site_path(sc.site), "rb") as f:
            self.assertEqual(f.read(), before, "the snapshot file was changed")


def load_recipes():
    out = []
    for path in sorted(glob.glob(os.path.join(RECIPES, "*.json"))):
        with open(path, encoding="utf-8") as f:
            out.append((os.path.basename(path), json.load(f)))
    return out


def in_scope(cause, detail):
    return detail is None or "details" not in cause or detail in cause["details"]


class TableCoverage(unittest.TestCase):
    """The tables above keep up with the recipes: a new code or detail needs a scenario."""

    def test_every_error_recipe_has_a_fault_scenario(self):
        recipes = load_recipes()
        self.assertGreaterEqual(len(recipes), 16)
        covered = {RECIPE_OF[sc.code] for sc in FAULTS if sc.exit == 1 and sc.present}
        for name, r in recipes:
            with self.subTest(recipe=name):
                self.assertIn(r["id"], covered)

    def test_every_probe_detectable_detail_has_its_own_fault_site(self):
        faults = {(RECIPE_OF[sc.code], sc.detail_out) for sc in FAULTS
                  if any(not v.startswith("answer:") for v in sc.present.values())}
        sites = {}
        for sc in FAULTS:
            sites.setdefault((RECIPE_OF[sc.code], sc.detail_out), set()).add(sc.site)
        for name, r in load_recipes():
            for d in r.get("details", []):
                # A check whose unknown_if covers its present_if never decides presence alone
                # (905/906's certificates: the probe rules the cause out or asks).
                probed = [c for c in r["causes"] if in_scope(c, d["code"]) and
                          any(ch.get("unknown_if") != ch["present_if"] for ch in (c.get("detect") or {}).get("checks", []))]
                if not probed:
                    continue
                with self.subTest(recipe=r["id"], detail=d["code"]):
                    self.assertIn((r["id"], d["code"]), faults)
                    self.assertNotIn(C, sites[(r["id"], d["code"])])

    def test_every_decidable_code_and_detail_has_a_clean_scenario(self):
        clean = {(RECIPE_OF[sc.code], sc.detail_out) for sc in CLEAN}
        for name, r in load_recipes():
            for detail in [None] + [d["code"] for d in r.get("details", [])]:
                scope = [c for c in r["causes"] if in_scope(c, detail)]
                if not scope or not all(c.get("detect") for c in scope):
                    continue
                # A cause named by its detail code cannot be absent while that code is shown.
                if any((c.get("detect") or {}).get("from_detail") for c in scope):
                    continue
                with self.subTest(recipe=r["id"], detail=detail):
                    self.assertIn((r["id"], detail), clean)

    def test_site_files(self):
        rc, out, err = run_caora(["list", "--probes", "--json"])
        self.assertEqual(rc, 0, err)
        items = [p for p in json.loads(out)["items"] if p.get("kind", "probe") == "probe"]
        types = {p["name"]: p["type"] for p in items}
        fields = {p["name"]: {f["name"]: f for f in p.get("fields", [])} for p in items}
        self.assertTrue(types)
        check = {"bool": lambda v: isinstance(v, bool),
                 "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
                 "string": lambda v: isinstance(v, str),
                 "version": lambda v: isinstance(v, str) and v != "",
                 "string_list": lambda v: isinstance(v, list) and all(isinstance(e, str) for e in v)}

        def record_list(probe, v):
            if not isinstance(v, list):
                return False
            for r in v:
                if not isinstance(r, dict):
                    return False
                for name, f in fields[probe].items():
                    if (name not in r and f.get("required")) or (name in r and not check[f["type"]](r[name])):
                        return False
            return True
        clean = load_site(C)["probes"]
        self.assertEqual(sorted(clean), sorted(types), "clean.json must record every probe")
        for name in sorted(os.listdir(SITES)):
            if not name.endswith(".json"):
                continue
            with self.subTest(site=name):
                doc = load_site(name)
                self.assertEqual(doc.get("schema"), "caora.snapshot/2")
                self.assertTrue(doc.get("meta", {}).get("about"), "meta.about missing")
                for probe, p in doc["probes"].items():
                    self.assertIn(probe, types, "unknown probe")
                    if name == C:
                        self.assertIs(p.get("known"), True, probe)
                    if p.get("known"):
                        ok = (record_list(probe, p.get("value")) if types[probe] == "record_list"
                              else check[types[probe]](p.get("value")))
                        self.assertTrue(ok, "%s: %r" % (probe, p.get("value")))
        used = {sc.site for sc in FAULTS + CLEAN + UNDECIDABLE + DETAIL_NAMED}
        on_disk = {n for n in os.listdir(SITES) if n.endswith(".json")}
        self.assertEqual(on_disk - used, set(), "site files no scenario uses")
        self.assertEqual(used - on_disk, set(), "scenarios without a site file")


Lookup = namedtuple("Lookup", "query code detail recipe")

LOOKUPS = [
    Lookup("FUJ008", "FUJ008", None, "error-fuj008"),
    Lookup("fuj008", "FUJ008", None, "error-fuj008"),
    Lookup("ＦＵＪ００８", "FUJ008", None, "error-fuj008"),
    Lookup("0x81000023", "008", "0x81000023", "error-008"),
    Lookup("81000023", "008", "0x81000023", "error-008"),
    Lookup("008 0x81000023", "008", "0x81000023", "error-008"),
    Lookup("008 81000023", "008", "0x81000023", "error-008"),
    Lookup("【008：端末接続不良】", "008", None, "error-008"),
    Lookup("008", "008", None, "error-008"),
    Lookup("0x8100004", "905", "0x81000004", "error-905"),
    Lookup("905 0x8100004", "905", "0x81000004", "error-905"),
    Lookup("1234C02-4", "FUJ906", "xxxxC02-4", "error-fuj906"),
    Lookup("FUJ906 1234C02-11", "FUJ906", "xxxxC02-11", "error-fuj906"),
    Lookup("FUJPS5", "FUJP55", None, "error-fujp55"),
    Lookup("【FUJPS5:94/97】", "FUJP55", None, "error-fujp55"),
    Lookup("22013c04-2", "FUJ008", "22013C04-2", "error-fuj008"),
    Lookup("906 0x0200001", "906", "0x02000001", "error-906"),
]


class LookupForms(unittest.TestCase):
    def explain(self, query):
        rc, out, err = run_caora(["explain", query, "--json"])
        self.assertEqual(rc, 0, "explain %r: %s" % (query, err))
        doc = json.loads(out)
        self.assertEqual(doc.get("schema"), "caora.explain/1")
        return doc

    def test_forms_resolve_to_the_same_recipe(self):
        for lk in LOOKUPS:
            with self.subTest(query=lk.query):
                doc = self.explain(lk.query)
                self.assertEqual((doc.get("code"), doc.get("detail"), doc.get("recipe")),
                                 (lk.code, lk.detail, lk.recipe))

    def test_shared_detail_lists_every_owner(self):
        doc = self.explain("0x81000008")
        self.assertEqual(doc.get("detail"), "0x81000008")
        owners = [c.get("recipe") for c in doc.get("candidates", [])]
        for r in ("error-001", "error-011", "error-fuj905"):
            self.assertIn(r, owners)
        self.assertIn(doc.get("recipe"), ("error-001", "error-011", "error-fuj905"))

    def test_shared_detail_without_a_terminal_is_a_usage_error(self):
        rc, out, err = run_caora(["diagnose", "0x81000008", "--site", site_path(C)])
        self.assertEqual(rc, 2, err)
        for code in ("001", "011", "FUJ905"):
            self.assertIn(code, err)

    def test_detail_of_another_code(self):
        rc, out, err = run_caora(["diagnose", "008", "0x04000011", "--site", site_path(C)])
        self.assertEqual(rc, 2, err)
        self.assertIn("0x04000011", err)

    def test_unknown_codes_get_nearest_matches(self):
        for query, nearest in (("999", ("901", "905", "906")), ("FUJ999", ("FUJ905", "FUJ906"))):
            with self.subTest(query=query):
                rc, out, err = run_caora(["diagnose", query, "--site", site_path(C)])
                self.assertEqual(rc, 2, err)
                self.assertIn(query, err)
                for code in nearest:
                    self.assertIn(code, err)

    def test_free_text_waiting_for_connection(self):
        doc = self.explain("接続を待っています")
        top = [c.get("recipe") for c in doc.get("candidates", [])[:3]]
        self.assertIn("qa-16", top)
        self.assertIn("qa-17", top)


class MalformedSnapshots(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="caora-e2e-sites-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assert_refused(self, path, must_name):
        for extra in ([], ["--json"]):
            with self.subTest(file=os.path.basename(path), mode=extra or "text"):
                rc, out, err = run_caora(["diagnose", "008", "--site", path] + extra)
                self.assertNotEqual(rc, 0, "a malformed snapshot was accepted")
                self.assertGreater(rc, 0, "killed by a signal: %d" % rc)
                self.assertLess(rc, 10, "internal error exit %d: %s" % (rc, err))
                self.assertNotIn("internal error", (err + out).lower())
                for s in must_name:
                    self.assertIn(s, err)
                if extra and out.strip():
                    self.assertIn("schema", json.loads(out))

    def test_bad_json(self):
        with open(site_path(C), encoding="utf-8") as f:
            text = f.read()
        path = self.write("truncated.json", text[: len(text) // 2])
        self.assert_refused(path, [path])

    def test_value_of_the_wrong_type(self):
        cases = [
            ("host.rdp.session_active", "yes"),
            ("usb.units.count", "1"),
            ("usb.units.count", 1.5),
            ("site.reader_software.version", 1.53),
            ("usb.units.serials", ["2113001", 2113002]),
            ("net.uplink.connected", None),
            # Record lists: objects with the declared fields, typed; a /2 file holds no /1 lines.
            ("usb.units.detail", [{"serial": "2113001", "hub": False}]),
            ("usb.units.detail", ["port=1-2 serial=2113001 speed=high hub=no"]),
            ("net.rndis.adapters", [{"port": "1-2", "name": "usb0", "enabled": "yes"}]),
            ("net.rndis.adapters", [{"port": "1-2", "ipv4": "192.168.250.2/24"}]),
        ]
        for i, (probe, value) in enumerate(cases):
            doc = load_site(C)
            doc["probes"][probe] = {"known": True, "value": value}
            path = self.write("wrong-type-%d.json" % i, json.dumps(doc, ensure_ascii=False))
            self.assert_refused(path, [path, probe])

    def test_missing_file(self):
        path = os.path.join(self.dir, "no-such-site.json")
        self.assert_refused(path, [path])


if __name__ == "__main__":
    unittest.main()
