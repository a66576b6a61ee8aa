#!/usr/bin/env python3
"""caora collect-logs end to end: the planted redaction set (every kind in
every encoding, a zip and a zip inside it, decoys that must survive), the
bundle's manifest, checksum and private map, refusals, a collector that hangs
or fails, links out of an included folder, unreadable files, replay with
--site BUNDLE.zip, --redact of an existing zip, kill -9 at random points and
a full disk.

Environment: CAORA_BIN, CAORA_SOURCE_DIR (as test_codes.py). Standard library
only; the disk-full case mounts a 1 MiB tmpfs (root) or is skipped saying why.
"""
import hashlib
import io
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_codes as codes  # noqa: E402

PLANTED = os.path.join(codes.SOURCE_DIR, "tests", "data", "redact", "make_planted.py")
DECODE = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "cp932": "cp932", "utf-16le": "utf-16", "utf-16be": "utf-16"}


def caora(args, env=None, timeout=120, cwd=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([codes.CAORA_BIN] + args, capture_output=True, timeout=timeout, env=e, cwd=cwd)


def members(zip_bytes, prefix=""):
    """Every member of a zip, zips inside it opened: {"a.zip!b.txt": bytes}."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        for info in z.infolist():
            data = z.read(info)
            name = prefix + info.filename
            out[name] = data
            if info.filename.lower().endswith(".zip"):
                out.update(members(data, name + "!"))
    return out


class CollectLogs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="caora-collect-")
        self.state = os.path.join(self.tmp, "state")
        os.makedirs(self.state)
        self.planted = os.path.join(self.tmp, "planted")
        subprocess.run([sys.executable, PLANTED, self.planted], check=True)
        with open(os.path.join(self.planted, "truth.json"), encoding="utf-8") as f:
            self.truth = json.load(f)
        os.remove(os.path.join(self.planted, "truth.json"))
        # An install root with the application's logs and the vendor's zip where QA 29 puts it.
        self.root = os.path.join(self.tmp, "PFU-Caora")
        logs = os.path.join(self.root, "OnlineAuthApp", "App", "Execute", "log")
        vendor = os.path.join(self.root, "OnlineAuthApp", "App", "Execute", "logManualCollect")
        os.makedirs(logs)
        os.makedirs(vendor)
        for name in os.listdir(self.planted):
            src = os.path.join(self.planted, name)
            shutil.copy(src, os.path.join(vendor if name.endswith(".zip") else logs, name))
        old = os.path.join(logs, "old.log")
        with open(old, "w") as f:
            f.write("from last year\n")
        t = time.time() - 400 * 86400
        os.utime(old, (t, t))
        self.out = os.path.join(self.tmp, "out", "bundle.zip")
        os.makedirs(os.path.dirname(self.out))
        # No system collectors unless a test asks: the machine's journal is not the subject here.
        self.no_system = os.path.join(self.tmp, "no-system.json")
        with open(self.no_system, "w") as f:
            f.write("[]")

    def tearDown(self):
        subprocess.run(["chmod", "-R", "u+rwX", self.tmp])
        shutil.rmtree(self.tmp, ignore_errors=True)

    def collect(self, extra=(), env=None, out=None, timeout=120):
        env = dict(env or {})
        env.setdefault("CAORA_SYSTEM_LOGS", self.no_system)
        return caora(["--state-dir", self.state, "--root", self.root, "--json", "collect-logs",
                      "-o", out or self.out] + list(extra), env=env, timeout=timeout)

    def bundle_texts(self, path):
        with open(path, "rb") as f:
            every = members(f.read())
        return every

    def check_planted(self, every):
        """Fraction of planted values gone and decoys kept, over the truth's files."""
        planted = found = decoys = kept = 0
        missing = []
        for name, spec in self.truth["files"].items():
            if "!" in name:
                key = "vendor/" + name
            else:
                key = "app-logs/OnlineAuthApp/App/Execute/log/" + name
            self.assertIn(key, every, "bundle lacks " + key)
            text = every[key].decode(DECODE[spec["encoding"]])
            for v in spec["planted"]:
                planted += 1
                if v in text:
                    found += 1
                    missing.append("%s: %s" % (key, v))
            for d in spec["decoys"]:
                decoys += 1
                if d in text:
                    kept += 1
                else:
                    missing.append("%s lost decoy %s" % (key, d))
        return planted, found, decoys, kept, missing

    def test_planted_set_redacted_and_decoys_kept(self):
        r = self.collect()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        doc = json.loads(r.stdout)
        self.assertEqual(doc["schema"], "caora.collect-logs/1")
        every = self.bundle_texts(self.out)
        planted, found, decoys, kept, problems = self.check_planted(every)
        self.assertGreater(planted, 100)
        self.assertEqual(found, 0, "planted values left:\n" + "\n".join(problems))
        self.assertEqual(kept, decoys, "decoys lost:\n" + "\n".join(problems))
        # Nothing planted anywhere in the raw bytes either (every encoding of every value).
        raw = open(self.out, "rb").read()
        for spec in self.truth["files"].values():
            for v in spec["planted"]:
                for enc in ("utf-8", "cp932", "utf-16-le", "utf-16-be"):
                    try:
                        b = v.encode(enc)
                    except UnicodeEncodeError:
                        continue
                    for name, data in every.items():
                        self.assertNotIn(b, data, "%r (%s) in %s" % (v, enc, name))
        # Same value, same token, across files and encodings.
        m = json.load(open(doc["map"], encoding="utf-8"))
        tokens_for = {}
        for token, e in m["tokens"].items():
            tokens_for.setdefault(e["original"].replace(" ", ""), set()).add(token)
        self.assertEqual(len(tokens_for["山田太郎"]), 1, tokens_for["山田太郎"])
        # The map is private, beside the bundle and not in it.
        self.assertEqual(stat.S_IMODE(os.stat(doc["map"]).st_mode), 0o600)
        self.assertFalse(any(n.endswith(".map.json") for n in every))
        self.assertNotIn(b"S3cr3t!pass", raw)
        # Face images stay out unless asked for; old logs are past --since.
        self.assertFalse(any(n.endswith(".jpg") for n in every), sorted(every))
        self.assertFalse(any(n.endswith("old.log") for n in every))
        # Checksum file and manifest agree with the bytes.
        digest = hashlib.sha256(raw).hexdigest()
        self.assertEqual(doc["sha256"], digest)
        self.assertEqual(open(self.out + ".sha256").read().split()[0], digest)
        manifest = json.loads(every["manifest.json"])
        self.assertEqual(manifest["schema"], "caora.bundle/1")
        for f in manifest["files"]:
            self.assertEqual(hashlib.sha256(every[f["path"]]).hexdigest(), f["sha256"], f["path"])
            self.assertEqual(len(every[f["path"]]), f["size"])
        self.assertGreater(manifest["redactions"]["my_number"], 0)
        self.assertEqual(doc["redactions"], manifest["redactions"])
        for kind in ("my_number", "verification_number_b", "birth_date", "name", "insurer_number",
                     "insured_number", "secret"):
            self.assertGreater(manifest["redactions"].get(kind, 0), 0, kind)
        vendor = [c for c in manifest["collectors"] if c["name"] == "vendor-log-collect"][0]
        self.assertIn("age_hours", vendor)
        for name in ("snapshot.json", "ticket.txt", "ticket.json"):
            self.assertIn(name, every)
        self.assertEqual(subprocess.run(["unzip", "-tq", self.out], capture_output=True).returncode, 0)

    def test_no_redact_keeps_everything(self):
        r = self.collect(["--no-redact"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        every = self.bundle_texts(self.out)
        planted, found, _, _, _ = self.check_planted(every)
        self.assertEqual(found, planted)
        self.assertIsNone(json.loads(r.stdout)["map"])

    def test_ticket_fields(self):
        r = self.collect(["--ticket", "institution_code=1312345678", "--ticket", "error_code=FUJ008"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        every = self.bundle_texts(self.out)
        t = json.loads(every["ticket.json"])
        fields = {f["id"]: f for f in t["fields"]}
        self.assertEqual(fields["institution_code"]["value"], "1312345678")
        self.assertEqual(fields["error_code"]["source"], "--ticket")
        self.assertFalse(fields["contact"]["filled"])
        self.assertIn("（記入）", every["ticket.txt"].decode())
        bad = self.collect(["--ticket", "colour=blue"], out=self.out + "2")
        self.assertEqual(bad.returncode, 2)
        self.assertIn(b"colour", bad.stderr)
        self.assertFalse(os.path.exists(self.out + "2"))

    def test_refusals(self):
        missing = os.path.join(self.tmp, "nowhere", "b.zip")
        r = self.collect(out=missing)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"does not exist", r.stderr)
        inside = os.path.join(self.root, "b.zip")
        r = self.collect(out=inside)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"install root", r.stderr)
        self.assertFalse(os.path.exists(inside))
        with open(self.out, "w") as f:
            f.write("keep me")
        r = self.collect()
        self.assertEqual(r.returncode, 2)
        self.assertEqual(open(self.out).read(), "keep me")
        r = self.collect(["--force"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertTrue(zipfile.is_zipfile(self.out))

    def test_hung_and_failing_collectors_make_a_partial_bundle(self):
        listed = os.path.join(self.tmp, "system.json")
        with open(listed, "w") as f:
            json.dump([
                {"name": "hangs", "path": "system/hangs.txt", "commands": [["sleep", "60"]]},
                {"name": "fails", "path": "system/fails.txt", "commands": [["sh", "-c", "echo broken >&2; exit 3"]]},
                {"name": "works", "path": "system/works.txt", "commands": [["echo", "name: Jiro Sato"]]},
            ], f)
        t0 = time.time()
        r = self.collect(["--timeout", "1"], env={"CAORA_SYSTEM_LOGS": listed})
        took = time.time() - t0
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        self.assertLess(took, 20)
        doc = json.loads(r.stdout)
        self.assertEqual(sorted(doc["partial"]), ["fails", "hangs"])
        every = self.bundle_texts(self.out)
        manifest = json.loads(every["manifest.json"])
        by = {c["name"]: c for c in manifest["collectors"]}
        self.assertTrue(by["hangs"]["timed_out"])
        self.assertEqual(by["fails"]["status"], "failed")
        self.assertIn("broken", by["fails"]["error"])
        self.assertEqual(by["works"]["status"], "ok")
        self.assertNotIn(b"Jiro Sato", every["system/works.txt"])

    def test_links_out_are_not_followed_and_unreadable_files_recorded(self):
        inc = os.path.join(self.tmp, "inc")
        os.makedirs(inc)
        secret = os.path.join(self.tmp, "outside.txt")
        with open(secret, "w") as f:
            f.write("outside the folder\n")
        os.symlink(secret, os.path.join(inc, "link.txt"))
        with open(os.path.join(inc, "inside.txt"), "w") as f:
            f.write("fine\n")
        os.symlink(os.path.join(inc, "inside.txt"), os.path.join(inc, "inner-link.txt"))
        locked = os.path.join(inc, "locked.txt")
        with open(locked, "w") as f:
            f.write("no entry\n")
        os.chmod(locked, 0)
        args = ["--include", inc]
        if os.geteuid() == 0:
            # Root reads everything; run as nobody so the permission is real.
            if shutil.which("setpriv") is None:
                self.skipTest("running as root without setpriv")
            subprocess.run(["chmod", "-R", "a+rwX", self.tmp])
            os.chmod(locked, 0)
            os.chmod(secret, 0o644)
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", codes.CAORA_BIN]
        else:
            cmd = [codes.CAORA_BIN]
        env = dict(os.environ, CAORA_SYSTEM_LOGS=self.no_system)
        r = subprocess.run(cmd + ["--state-dir", self.state, "--root", self.root, "--json", "collect-logs",
                                  "-o", self.out] + args, capture_output=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        every = self.bundle_texts(self.out)
        manifest = json.loads(every["manifest.json"])
        self.assertIn("include/inc/inside.txt", every)
        self.assertIn("include/inc/inner-link.txt", every)
        self.assertNotIn("include/inc/link.txt", every)
        self.assertTrue(any(n["source"].endswith("link.txt") for n in manifest["not_followed"]))
        un = [u for u in manifest["unreadable"] if u["source"].endswith("locked.txt")]
        self.assertEqual(len(un), 1, manifest["unreadable"])
        self.assertIn("ermission", un[0]["reason"])

    def test_bundle_replays_with_site(self):
        r = self.collect()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        d = caora(["--site", self.out, "--json", "doctor"])
        self.assertIn(d.returncode, (0, 1, 3, 4, 5), d.stderr.decode())
        doc = json.loads(d.stdout)
        self.assertTrue(doc["schema"].startswith("caora.doctor"), doc["schema"])
        g = caora(["--site", self.out, "--json", "diagnose", "008"])
        self.assertEqual(json.loads(g.stdout)["schema"], "caora.diagnose/1", g.stderr.decode())
        bad = os.path.join(self.tmp, "not-a-bundle.zip")
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("x.txt", "x")
        b = caora(["--site", bad, "doctor"])
        self.assertNotEqual(b.returncode, 0)
        self.assertIn(b"snapshot.json", b.stderr)

    def test_redact_an_existing_zip(self):
        vendor = os.path.join(self.planted, "CaoraLogCollect.zip")
        out = os.path.join(self.tmp, "out", "clean.zip")
        r = caora(["--state-dir", self.state, "--json", "collect-logs", "--redact", vendor, "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        every = self.bundle_texts(out)
        for name, spec in self.truth["files"].items():
            if not name.startswith("CaoraLogCollect.zip!"):
                continue
            text = every[name.split("!", 1)[1]].decode(DECODE[spec["encoding"]])
            for v in spec["planted"]:
                self.assertNotIn(v, text, name)
            for d in spec["decoys"]:
                self.assertIn(d, text, name)
        self.assertTrue(os.path.exists(out + ".map.json"))

    def test_kill_at_random_points(self):
        # Enough data that a run takes a while: 40 MiB of text in 40 files.
        big = os.path.join(self.tmp, "big")
        os.makedirs(big)
        line = ("2026-12-01 10:00:00 INFO reader 2113001 state ok name=Taro Yamada %s\n" % ("x" * 40)).encode()
        for i in range(40):
            with open(os.path.join(big, "f%02d.log" % i), "wb") as f:
                f.write(line * (1024 * 1024 // len(line)))
        t0 = time.time()
        r = self.collect(["--include", big], out=os.path.join(self.tmp, "out", "timing.zip"))
        full = time.time() - t0
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        rng = random.Random(14)
        outcomes = {"absent": 0, "complete": 0}
        for trial in range(20):
            target = os.path.join(self.tmp, "out", "k%02d.zip" % trial)
            env = dict(os.environ, CAORA_SYSTEM_LOGS=self.no_system)
            p = subprocess.Popen([codes.CAORA_BIN, "--state-dir", self.state, "--root", self.root, "collect-logs",
                                  "--include", big, "-o", target], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, full * 1.1))
            p.send_signal(signal.SIGKILL)
            p.wait()
            if not os.path.exists(target):
                outcomes["absent"] += 1
                continue
            t = subprocess.run(["unzip", "-tq", target], capture_output=True)
            self.assertEqual(t.returncode, 0, "trial %d: %s" % (trial, t.stdout))
            digest = hashlib.sha256(open(target, "rb").read()).hexdigest()
            self.assertEqual(open(target + ".sha256").read().split()[0], digest, "trial %d" % trial)
            outcomes["complete"] += 1
        self.assertEqual(sum(outcomes.values()), 20)
        print("kill -9 trials:", outcomes, "full run %.2f s" % full, file=sys.stderr)

    def test_disk_full(self):
        mnt = os.path.join(self.tmp, "small")
        os.makedirs(mnt)
        m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt], capture_output=True)
        if m.returncode != 0:
            self.skipTest("cannot mount a 1 MiB tmpfs: " + m.stderr.decode().strip())
        try:
            noise = os.path.join(self.tmp, "noise")
            os.makedirs(noise)
            with open(os.path.join(noise, "random.bin"), "wb") as f:
                f.write(random.Random(1).randbytes(3 * 1024 * 1024))
            target = os.path.join(mnt, "bundle.zip")
            r = self.collect(["--include", noise], out=target)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(b"space", r.stderr.lower())
            self.assertEqual(os.listdir(mnt), [], "left behind: %s" % os.listdir(mnt))
        finally:
            subprocess.run(["umount", mnt])

    # --vendor (non-error QA 29). The shortcut's target is a stand-in program named by an
    # override profile, the way firmware install's live test runs a stand-in installer.
    STAND_IN = r"""#!/usr/bin/env python3
import io, os, sys, time, zipfile
out, mode = sys.argv[1], sys.argv[2]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Caora/collect.log", "serial 2113001 error 906 " + "x" * 200000 + "\\n")
    z.writestr("Caora/random.bin", os.urandom(300000))
data = buf.getvalue()
os.makedirs(os.path.dirname(out), exist_ok=True)
pieces = 4 if mode == "whole" else 2
step = len(data) // 4 + 1
with open(out, "wb") as f:
    for i in range(pieces):
        f.write(data[i * step:(i + 1) * step])
        f.flush()
        time.sleep(0.8)
with open(out + ".expected", "wb") as f:
    f.write(data)
"""

    def vendor_setup(self, version, mode="whole", shortcut=True):
        execute = os.path.join(self.root, "OnlineAuthApp", "App", "Execute")
        os.makedirs(os.path.join(execute, "bin"), exist_ok=True)
        if version is not None:
            with open(os.path.join(execute, "bin", "version.txt"), "w") as f:
                f.write(version + "\r\n")
        # The zip from an earlier collection is two days old: only a new one counts.
        old = os.path.join(execute, "logManualCollect", "CaoraLogCollect.zip")
        t = time.time() - 2 * 86400
        os.utime(old, (t, t))
        self.vendor_zip = os.path.join(execute, "LogManualCollect", "CaoraLogCollect.zip")
        with open(os.path.join(codes.SOURCE_DIR, "data", "site-profile.json"), encoding="utf-8") as f:
            profile = json.load(f)
        if shortcut:
            stand_in = os.path.join(self.tmp, "log-collect-stand-in.sh")
            with open(stand_in + ".py", "w") as f:
                f.write(self.STAND_IN)
            with open(stand_in, "w") as f:
                f.write("#!/bin/sh\nexec %s %s %s %s\n" % (sys.executable, stand_in + ".py", self.vendor_zip, mode))
            os.chmod(stand_in, 0o755)
            profile["vendor_log_collect"]["shortcut"] = stand_in
        self.profile = os.path.join(self.tmp, "profile.json")
        with open(self.profile, "w", encoding="utf-8") as f:
            json.dump(profile, f, ensure_ascii=False)

    def vendor_collect(self, extra=(), lang="en"):
        return caora(["--lang", lang, "--state-dir", self.state, "--root", self.root, "--profile", self.profile, "--json",
                      "collect-logs", "--vendor", "-o", self.out] + list(extra),
                     env={"CAORA_SYSTEM_LOGS": self.no_system, "CAORA_CLOCK_SCALE": "60"}, timeout=120)

    def manifest_of(self, path):
        with open(path, "rb") as f:
            z = zipfile.ZipFile(io.BytesIO(f.read()))
        return json.loads(z.read("manifest.json")), z.read

    def test_vendor_runs_the_shortcut_and_waits_for_the_whole_zip(self):
        self.vendor_setup("1.5.2.0")
        r = self.vendor_collect()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn(b"waiting for CaoraLogCollect.zip", r.stderr)
        manifest, read = self.manifest_of(self.out)
        run = [c for c in manifest["collectors"] if c["name"] == "vendor-run"][0]
        self.assertEqual(run["status"], "ok")
        self.assertEqual(run["mode"], "run")
        self.assertEqual(run["reader_version"], "1.5.2.0")
        self.assertTrue(run["zip"].endswith("LogManualCollect/CaoraLogCollect.zip"), run)
        self.assertTrue(manifest["options"]["vendor"])
        # The complete zip, every member of it, not the two-day-old one nor a half-written one.
        inner = zipfile.ZipFile(io.BytesIO(read("vendor/CaoraLogCollect.zip")))
        self.assertIsNone(inner.testzip())
        with open(self.vendor_zip + ".expected", "rb") as f:
            expected = zipfile.ZipFile(io.BytesIO(f.read()))
        self.assertEqual(sorted(inner.namelist()), sorted(expected.namelist()))
        self.assertEqual(inner.read("Caora/random.bin"), expected.read("Caora/random.bin"))
        entry = [f for f in manifest["files"] if f["path"] == "vendor/CaoraLogCollect.zip"][0]
        self.assertIn("LogManualCollect", entry["source"])

    def test_vendor_timeout_is_a_partial_collector(self):
        self.vendor_setup("1.5.2.0", mode="half")
        t0 = time.time()
        r = self.vendor_collect(lang="ja")
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        self.assertLess(time.time() - t0, 60)
        # Progress speaks the person's language too.
        self.assertIn("CaoraLogCollect.zip を待っています", r.stderr.decode())
        doc = json.loads(r.stdout)
        self.assertEqual(doc["status"], "partial")
        self.assertIn("vendor-run", doc["partial"])
        manifest, read = self.manifest_of(self.out)
        run = [c for c in manifest["collectors"] if c["name"] == "vendor-run"][0]
        self.assertEqual(run["status"], "timed_out")
        self.assertTrue(run["timed_out"])
        self.assertIn("still being written", run["error"])
        # The half-written zip stays out; the earlier complete one is there, with its age.
        vendor = [c for c in manifest["collectors"] if c["name"] == "vendor-log-collect"][0]
        self.assertGreater(vendor["age_hours"], 47)
        self.assertIsNone(zipfile.ZipFile(io.BytesIO(read("vendor/CaoraLogCollect.zip"))).testzip())

    def test_vendor_guides_the_management_tool_from_1_6(self):
        self.vendor_setup("1.6.0.0", shortcut=False)
        target = os.path.join(self.root, "OnlineAuthApp", "App", "Execute", "logManualCollect", "CaoraLogCollect.zip")

        def person_presses_log_collect():
            time.sleep(1.5)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("Caora/manager.log", "collected by the management tool\n")
            with open(target + ".tmp", "wb") as f:
                f.write(buf.getvalue())
            os.replace(target + ".tmp", target)

        import threading
        person = threading.Thread(target=person_presses_log_collect)
        person.start()
        r = self.vendor_collect()
        person.join()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        err = r.stderr.decode()
        self.assertIn("ログ収集", err)
        self.assertIn("停止中", err)
        manifest, read = self.manifest_of(self.out)
        run = [c for c in manifest["collectors"] if c["name"] == "vendor-run"][0]
        self.assertEqual(run["mode"], "guide")
        inner = zipfile.ZipFile(io.BytesIO(read("vendor/CaoraLogCollect.zip")))
        self.assertIn(b"management tool", inner.read("Caora/manager.log"))

    def test_vendor_unknown_version(self):
        # No version to read: the shortcut is run when it is there ...
        self.vendor_setup(None)
        r = self.vendor_collect()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        manifest, _ = self.manifest_of(self.out)
        run = [c for c in manifest["collectors"] if c["name"] == "vendor-run"][0]
        self.assertEqual((run["mode"], run["reader_version"]), ("run", None))
        # ... and the management tool's steps are given when it is not; nothing comes: timed out.
        os.remove(self.out)
        os.remove(self.vendor_zip)
        self.vendor_setup("not a version", shortcut=False)
        r = self.vendor_collect()
        self.assertEqual(r.returncode, 1, r.stderr.decode())
        manifest, _ = self.manifest_of(self.out)
        run = [c for c in manifest["collectors"] if c["name"] == "vendor-run"][0]
        self.assertEqual((run["mode"], run["status"]), ("guide", "timed_out"))
        self.assertIn("did not appear", run["error"])

    def test_files_growing_and_rotated_while_read(self):
        # One log appended to (large enough to be streamed) and one rotated over
        # and over while collect-logs reads them: each member must be a prefix of
        # the file as it was at some point, and the manifest must say what the zip holds.
        logs = os.path.join(self.root, "OnlineAuthApp", "App", "Execute", "log")
        growing = os.path.join(logs, "growing.log")
        line = "2026-12-04 12:00:00.123 INFO serial 2113001 state 稼働中 detail 0x81000003 %08d\n"
        with open(growing, "w", encoding="utf-8") as f:
            for i in range(260000):
                f.write(line % i)
        rotating = os.path.join(logs, "rotating.log")
        with open(rotating, "w", encoding="utf-8") as f:
            f.write(line % 0)
        stop = [False]

        def append():
            i = 10 ** 7
            with open(growing, "a", encoding="utf-8") as f:
                while not stop[0]:
                    f.write(line % i)
                    f.flush()
                    i += 1
                    if i % 100 == 0:
                        time.sleep(0.001)

        def rotate():
            n = 0
            while not stop[0]:
                n += 1
                with open(rotating, "a", encoding="utf-8") as f:
                    for i in range(2000):
                        f.write(line % i)
                os.rename(rotating, "%s.%d" % (rotating, n))
                with open(rotating, "w", encoding="utf-8") as f:
                    f.write(line % n)

        import threading
        writers = [threading.Thread(target=append), threading.Thread(target=rotate)]
        for w in writers:
            w.start()
        try:
            r = self.collect()
        finally:
            stop[0] = True
            for w in writers:
                w.join()
        self.assertIn(r.returncode, (0, 1), r.stderr.decode())
        t = subprocess.run(["unzip", "-t", self.out], capture_output=True)
        self.assertEqual(t.returncode, 0, t.stdout.decode() + t.stderr.decode())
        manifest, read = self.manifest_of(self.out)
        with zipfile.ZipFile(self.out) as z:
            self.assertIsNone(z.testzip())
            sizes = {i.filename: i.file_size for i in z.infolist()}
        for entry in manifest["files"]:
            data = read(entry["path"])
            self.assertEqual(entry["size"], len(data), entry["path"])
            self.assertEqual(entry["size"], sizes[entry["path"]], entry["path"])
            self.assertEqual(entry["sha256"], hashlib.sha256(data).hexdigest(), entry["path"])
        prefix = "app-logs/OnlineAuthApp/App/Execute/log/"
        with open(growing, "rb") as f:
            final = f.read()
        member = read(prefix + "growing.log")
        self.assertGreaterEqual(len(member), 260000 * len((line % 0).encode()))
        self.assertTrue(final.startswith(member), "growing.log in the bundle is not a prefix of the file")
        generations = []
        for n in os.listdir(logs):
            if n.startswith("rotating.log"):
                with open(os.path.join(logs, n), "rb") as f:
                    generations.append(f.read())
        for name in manifest["files"]:
            if name["path"].startswith(prefix + "rotating.log"):
                member = read(name["path"])
                self.assertTrue(any(g.startswith(member) for g in generations), name["path"] + " is no file's prefix")


if __name__ == "__main__":
    unittest.main(verbosity=2)
