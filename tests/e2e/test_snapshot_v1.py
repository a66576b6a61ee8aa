#!/usr/bin/env python3
"""Old snapshots still replay: every site recorded as caora.snapshot/1
(tests/data/sites/v1, the fixtures as they were before /2 made the per-unit
probes record lists) gives the same diagnose, doctor and pair results as its
/2 copy in tests/data/sites.

Environment: CAORA_BIN, CAORA_SOURCE_DIR (as test_codes.py). Standard library only.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_codes as codes  # noqa: E402  (the scenario table and how to run caora)

V1 = os.path.join(codes.SITES, "v1")
DEMO = os.path.join(codes.SOURCE_DIR, "data", "demo", "snapshot.json")


def v2_of(name):
    return DEMO if name == "demo-snapshot.json" else os.path.join(codes.SITES, name)


def run_json(args):
    rc, out, err = codes.run_caora(args)
    try:
        return rc, json.loads(out)
    except ValueError:
        raise AssertionError("not one JSON document from %s (exit %d): %s" % (args, rc, err))


# Probes declared after /1: a /1 file cannot hold them, so a cause probed by one is
# compared by its status alone (the /2 copy's evidence names the probe, the /1's the answer).
NEWER_PROBES = ("net.wifi.signal_weak", "net.uplink.settings_missing", "host.dotnet4.missing",
                "host.client_certs.max_per_issuer")


def outcome(doc):
    """What a diagnose run decided (leaving out the time a ticket was made)."""
    def evidence(c):
        ev = c.get("evidence") or []
        return None if any(p in line for p in NEWER_PROBES for line in ev) else ev
    return {"status": doc.get("status"),
            "causes": [(c.get("id"), c.get("status"), evidence(c)) for c in doc.get("causes", [])],
            "actions": doc.get("actions")}


def rests_on_newer_probe(sc):
    """A scenario whose fault only a probe declared after /1 shows: a /1 file cannot
    record that probe, so the same site written as /1 could not hold the fault, and
    no /1 copy of its site exists to compare with."""
    return any(how in NEWER_PROBES for how in sc.present.values())


def without_newer_probes(doc):
    """A doctor document less the findings a newer probe decides (unknown from a /1 file,
    decided from its /2 copy), with the summary counted again over the rest."""
    if not isinstance(doc, dict) or "findings" not in doc:
        return doc
    doc = dict(doc)
    doc["findings"] = [f for f in doc["findings"]
                       if not any(p in line for p in NEWER_PROBES for line in f.get("evidence") or [])]
    if "summary" in doc:
        doc["summary"] = {k: sum(1 for f in doc["findings"] if f.get("status") == k) for k in doc["summary"]}
    # When each run happened is not what the two snapshots are compared on.
    if isinstance(doc.get("terminal"), dict):
        doc["terminal"] = {k: v for k, v in doc["terminal"].items() if k != "run_at"}
    return doc


class OldSnapshotsReplay(unittest.TestCase):
    maxDiff = None

    def test_every_v1_fixture_has_its_v2_copy(self):
        names = sorted(n for n in os.listdir(V1) if n.endswith(".json"))
        self.assertGreaterEqual(len(names), 45)
        for name in names:
            with self.subTest(site=name):
                with open(os.path.join(V1, name), encoding="utf-8") as f:
                    self.assertEqual(json.load(f)["schema"], "caora.snapshot/1")
                with open(v2_of(name), encoding="utf-8") as f:
                    self.assertEqual(json.load(f)["schema"], "caora.snapshot/2")

    def test_scenarios_left_out_are_only_those_of_newer_probes(self):
        """Every scenario replays from /1 except those whose fault a newer probe decides,
        and those sites were never recorded as /1 (so none is left out by mistake)."""
        for sc in codes.FAULTS + codes.CLEAN + codes.UNDECIDABLE + codes.DETAIL_NAMED:
            with self.subTest(scenario=codes.label(sc)):
                has_v1 = os.path.exists(os.path.join(V1, sc.site))
                self.assertEqual(has_v1, not rests_on_newer_probe(sc),
                                 "a /1 copy exists exactly for the sites whose fault a /1 file can hold")

    def test_diagnose_scenarios_decide_the_same(self):
        for sc in codes.FAULTS + codes.CLEAN + codes.UNDECIDABLE + codes.DETAIL_NAMED:
            if rests_on_newer_probe(sc):
                continue  # see test_scenarios_left_out_are_only_those_of_newer_probes
            with self.subTest(scenario=codes.label(sc)):
                base = ["diagnose", sc.code] + ([sc.detail] if sc.detail else []) + ["--json"]
                for a in sc.answers:
                    base += ["--answer", a]
                rc1, old = run_json(base + ["--site", os.path.join(V1, sc.site)])
                rc2, new = run_json(base + ["--site", codes.site_path(sc.site)])
                self.assertEqual(rc1, rc2)
                self.assertEqual(outcome(old), outcome(new))

    def test_doctor_and_pair_say_the_same(self):
        for name in sorted(n for n in os.listdir(V1) if n.endswith(".json")):
            for command in (["doctor"], ["pair"]):
                with self.subTest(site=name, command=command[0]):
                    rc1, old = run_json(["--json", "--site", os.path.join(V1, name)] + command)
                    rc2, new = run_json(["--json", "--site", v2_of(name)] + command)
                    self.assertEqual(rc1, rc2)
                    self.assertEqual(without_newer_probes(old), without_newer_probes(new))


if __name__ == "__main__":
    unittest.main()
