#!/usr/bin/env python3
"""Whole-binary scenarios for `caora firmware` with real parts: an HTTPS server
on 127.0.0.1 behind a test CA made by openssl (passed with --cacert), manifests
signed in the test by Debian's minisign, payloads served with Range requests.

refresh: good, tampered bytes, foreign key, expired (also against the newest
issued_at seen), rollback, the same version with other content, plain http
(no connection made), an untrusted CA; every refusal leaves the cache byte for
byte as it was. download: good, sha256 mismatch (nothing left in DIR), a
truncated transfer resumed with a Range request, the server killed mid-download.
status: against QA 24's minimums and the cached manifest; the recipes' "out of
date" probe decided from the cache. install: a downgrade refused, the file
checked against the manifest. history: every run recorded.

Exits 77 (CTest: skipped) with the reason when openssl or minisign is missing.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import https_parts  # noqa: E402

SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))
VERSION_FILE = "OnlineAuthApp/App/Execute/bin/version.txt"
INI_DIR = "OnlineAuthApp/App/Execute/bin"


class Firmware(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="caora-firmware-")
        cls.pki = os.path.join(cls.dir, "pki")
        cls.ca, cls.cert, cls.key = https_parts.make_ca(cls.pki, "good")
        cls.other_ca, _, _ = https_parts.make_ca(cls.pki, "other")
        cls.pub, cls.sec = https_parts.make_key(cls.pki, "desk")
        cls.foreign_pub, cls.foreign_sec = https_parts.make_key(cls.pki, "foreign")
        cls.www = os.path.join(cls.dir, "www")
        os.makedirs(cls.www)
        cls.payload = os.urandom(300 * 1024)
        with open(os.path.join(cls.www, "CaoraReaderSoftware_1.10.2.1.zip"), "wb") as f:
            f.write(cls.payload)
        cls.server = https_parts.Server(cls.www, cls.cert, cls.key)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="state-", dir=self.dir)

    # ---- helpers ----
    def caora(self, *args, env=None, timeout=60):
        e = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
        e.pop("CAORA_ROOT", None)
        e.update(env or {})
        p = subprocess.run([CAORA, "--state-dir", self.state, "--lang", "en"] + list(args), capture_output=True,
                           env=e, timeout=timeout, stdin=subprocess.DEVNULL)
        out = p.stdout.decode(errors="replace")
        doc = json.loads(out) if "--json" in args and out.strip() else None
        return p.returncode, doc if doc is not None else out, p.stderr.decode(errors="replace")

    def manifest(self, version=7, issued="2026-12-01T00:00:00Z", expires="2099-03-01T00:00:00Z", payload=None,
                 url=None, revoked=("1.6.0.0",), reader_version="1.10.2.1", firmware_version="CAORA_MSN_P2.12.0_A16.6.0"):
        payload = self.payload if payload is None else payload
        return {"schema": "caora.firmware-manifest/1", "manifest_version": version, "issued_at": issued,
                "expires": expires,
                "components": [
                    {"component": "reader-software", "version": reader_version,
                     "url": url or self.server.url("CaoraReaderSoftware_1.10.2.1.zip"),
                     "sha256": hashlib.sha256(payload).hexdigest(), "length": len(payload), "min_safe": "1.5.3.0"},
                    {"component": "firmware", "version": firmware_version, "url": self.server.url("fw.bin"),
                     "sha256": "ab" * 32, "length": 4567, "min_safe": "CAORA_MSN_P2.11.7_A16.5.4"}],
                "revoked": list(revoked)}

    def publish(self, name, doc, sec=None, tamper=False):
        """Writes the manifest, signs it with minisign; `tamper` changes a byte after signing."""
        path = os.path.join(self.www, name)
        data = json.dumps(doc, indent=1).encode()
        with open(path, "wb") as f:
            f.write(data)
        https_parts.sign(sec or self.sec, path)
        if tamper:
            with open(path, "wb") as f:
                f.write(data.replace(b'"manifest_version": ', b'"manifest_version":  '))
        return self.server.url(name)

    def refresh(self, url, *extra, key=None, cacert=None):
        return self.caora("--json", "firmware", "refresh", "--manifest-url", url, "--trust-key", key or self.pub,
                          "--cacert", cacert or self.ca, *extra)

    def cache(self):
        files = {}
        fw = os.path.join(self.state, "firmware")
        for name in ("manifest.json", "manifest.json.minisig"):
            p = os.path.join(fw, name)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    files[name] = f.read()
            else:
                files[name] = None
        return files

    def accepted(self, doc=None, name="m.json"):
        url = self.publish(name, doc or self.manifest())
        code, out, err = self.refresh(url)
        self.assertEqual(code, 0, err)
        self.assertTrue(out["accepted"], out)
        return url

    def assert_refused(self, url, refusal, *extra, key=None, cacert=None, code=1):
        before = self.cache()
        rc, out, err = self.refresh(url, *extra, key=key, cacert=cacert)
        self.assertEqual(rc, code, (out, err))
        self.assertFalse(out["accepted"])
        self.assertEqual(out["refusal"], refusal, out)
        self.assertTrue(out["reason"]["en"] and out["reason"]["ja"])
        self.assertNotIn("\n", out["reason"]["en"])
        self.assertEqual(self.cache(), before, "the cache changed on a refusal")
        return out

    # ---- refresh ----
    def test_good_manifest_is_cached_and_reported(self):
        url = self.accepted()
        with open(os.path.join(self.www, "m.json"), "rb") as f:
            self.assertEqual(self.cache()["manifest.json"], f.read())
        code, out, _ = self.caora("--json", "firmware", "status")
        self.assertEqual(out["schema"], "caora.firmware-status/1")
        self.assertEqual(out["manifest_version"], 7)
        # The same manifest again: verified again, nothing rewritten.
        code, out, _ = self.refresh(url)
        self.assertEqual(code, 0)
        self.assertTrue(out["unchanged"])
        code, hist, _ = self.caora("--json", "firmware", "history")
        self.assertEqual([e["outcome"] for e in hist["entries"]], ["accepted", "unchanged"])
        self.assertEqual(hist["entries"][0]["after"], "7")

    def test_tampered_manifest_is_refused(self):
        self.accepted()
        url = self.publish("t.json", self.manifest(version=8), tamper=True)
        self.assert_refused(url, "bad-signature")

    def test_foreign_key_is_refused(self):
        self.accepted()
        url = self.publish("f.json", self.manifest(version=8), sec=self.foreign_sec)
        self.assert_refused(url, "untrusted-key")

    def test_trusted_keys_folder_is_used_without_trust_key(self):
        url = self.publish("k.json", self.manifest())
        rc, out, _ = self.caora("--json", "firmware", "refresh", "--manifest-url", url, "--cacert", self.ca)
        self.assertEqual((rc, out["refusal"]), (1, "no-trusted-key"))
        os.makedirs(os.path.join(self.state, "trusted-keys"))
        shutil.copy(self.pub, os.path.join(self.state, "trusted-keys", "desk.pub"))
        rc, out, _ = self.caora("--json", "firmware", "refresh", "--manifest-url", url, "--cacert", self.ca)
        self.assertEqual(rc, 0, out)

    def test_expired_manifest_is_refused(self):
        url = self.publish("e.json", self.manifest(issued="2020-01-01T00:00:00Z", expires="2020-02-01T00:00:00Z"))
        out = self.assert_refused(url, "expired")
        self.assertIn("2020-02-01T00:00:00Z", out["reason"]["en"])

    def test_expiry_is_judged_against_the_newest_issued_at_seen(self):
        # Accepted: issued in 2090. A later manifest valid by the clock (until 2080)
        # is expired for a terminal that has already seen 2090.
        self.accepted(self.manifest(version=7, issued="2090-01-01T00:00:00Z", expires="2095-01-01T00:00:00Z"))
        url = self.publish("e2.json", self.manifest(version=8, issued="2026-12-01T00:00:00Z", expires="2080-01-01T00:00:00Z"))
        out = self.assert_refused(url, "expired")
        self.assertIn("2090-01-01T00:00:00Z", out["reason"]["en"])

    def test_rollback_and_freeze_are_refused(self):
        self.accepted(self.manifest(version=7))
        url = self.publish("r.json", self.manifest(version=6))
        out = self.assert_refused(url, "rollback")
        self.assertEqual((out["cached_manifest_version"], out["manifest_version"]), (7, 6))
        url = self.publish("s.json", self.manifest(version=7, revoked=()))
        self.assert_refused(url, "frozen")

    def test_plain_http_is_refused_before_any_connection(self):
        self.accepted()
        seen = len(self.server.requests())
        url = self.server.url("m.json", scheme="http")
        self.assert_refused(url, "plain-http", code=2)
        self.assertEqual(len(self.server.requests()), seen, "a request reached the server")

    def test_untrusted_ca_is_refused(self):
        self.accepted()
        url = self.publish("c.json", self.manifest(version=8))
        out = self.assert_refused(url, "tls", cacert=self.other_ca)
        self.assertIn("certificate", out["reason"]["en"])

    def test_bad_manifest_reads_as_a_refusal_with_where(self):
        path = os.path.join(self.www, "bad.json")
        doc = self.manifest()
        doc["components"][0]["length"] = 0
        with open(path, "w") as f:
            json.dump(doc, f)
        https_parts.sign(self.sec, path)
        out = self.assert_refused(self.server.url("bad.json"), "manifest")
        self.assertIn("/components/0.length", out["reason"]["en"])

    # ---- download ----
    def test_download_checks_length_and_sha256(self):
        self.accepted()
        out_dir = os.path.join(self.state, "dl")
        rc, out, err = self.caora("--json", "firmware", "download", "-o", out_dir, "--cacert", self.ca)
        self.assertEqual(rc, 0, err)
        self.assertEqual(os.listdir(out_dir), ["CaoraReaderSoftware_1.10.2.1.zip"])
        with open(os.path.join(out_dir, "CaoraReaderSoftware_1.10.2.1.zip"), "rb") as f:
            self.assertEqual(f.read(), self.payload)
        self.assertIn("%", err)  # the progress on stderr

    def test_sha_mismatch_leaves_nothing(self):
        wrong = bytearray(self.payload)
        wrong[100] ^= 1
        self.accepted(self.manifest(payload=bytes(wrong)))
        out_dir = os.path.join(self.state, "dl")
        rc, out, err = self.caora("firmware", "download", "-o", out_dir, "--cacert", self.ca)
        self.assertEqual(rc, 1, err)
        self.assertIn("does not match the manifest", err)
        self.assertEqual(os.listdir(out_dir), [])

    def test_truncated_download_resumes_with_a_range_request(self):
        name = "CaoraReaderSoftware_1.10.2.1.zip"
        dropping = https_parts.Server(self.www, self.cert, self.key, drop_after=50000)
        try:
            doc = self.manifest(url=dropping.url(name))
            self.accepted(doc)
            out_dir = os.path.join(self.state, "dl")
            rc, out, err = self.caora("firmware", "download", "-o", out_dir, "--cacert", self.ca)
            self.assertEqual(rc, 1, err)
            self.assertIn("stopped at 50000 of %d bytes" % len(self.payload), err)
            self.assertFalse(os.path.exists(os.path.join(out_dir, name)))
            rc, out, err = self.caora("--json", "firmware", "download", "-o", out_dir, "--cacert", self.ca)
            self.assertEqual(rc, 0, err)
            self.assertTrue(out["resumed"])
            self.assertEqual(out["resumed_from"], 50000)
            self.assertEqual(dropping.requests()[-1], ["/" + name, "bytes=50000-"])
            with open(os.path.join(out_dir, name), "rb") as f:
                self.assertEqual(f.read(), self.payload)
            self.assertEqual(os.listdir(out_dir), [name])
        finally:
            dropping.stop()

    def test_server_killed_mid_download_fails_clearly_then_resumes(self):
        name = "CaoraReaderSoftware_1.10.2.1.zip"
        slow = https_parts.Server(self.www, self.cert, self.key, chunk_delay=0.05)
        self.accepted(self.manifest(url=slow.url(name)))
        out_dir = os.path.join(self.state, "dl")
        e = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
        proc = subprocess.Popen([CAORA, "--state-dir", self.state, "--lang", "en", "firmware", "download", "-o", out_dir,
                                 "--cacert", self.ca], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
        part = os.path.join(out_dir, "." + name + ".caora-part")
        deadline = time.time() + 20
        while time.time() < deadline and not (os.path.exists(part) and os.path.getsize(part) > 20000):
            time.sleep(0.05)
        slow.stop()
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, err)
        self.assertIn(b"run it again to resume", err)
        self.assertFalse(os.path.exists(os.path.join(out_dir, name)))
        # The same URL served again: the next run continues where it stopped.
        again = https_parts.Server(self.www, self.cert, self.key)
        try:
            doc = self.manifest(version=8, url=again.url(name))
            self.accepted(doc, name="m8.json")
            rc, out, err = self.caora("--json", "firmware", "download", "-o", out_dir, "--cacert", self.ca)
            self.assertEqual(rc, 0, err)
            self.assertTrue(out["resumed"])
            with open(os.path.join(out_dir, name), "rb") as f:
                self.assertEqual(f.read(), self.payload)
        finally:
            again.stop()

    # ---- status and the recipes ----
    def root_with(self, reader, firmware):
        root = os.path.join(self.state, "root")
        os.makedirs(os.path.join(root, INI_DIR), exist_ok=True)
        with open(os.path.join(root, VERSION_FILE), "w") as f:
            f.write(reader + "\r\n")
        for serial, fw in firmware.items():
            with open(os.path.join(root, INI_DIR, "CJKA%s.ini" % serial), "w") as f:
                f.write("[Device]\r\nSerialNo=%s\r\nFirmwareVersion=%s\r\n" % (serial, fw))
        return root

    def test_status_against_minimums_and_the_manifest(self):
        root = self.root_with("1.5.2.0", {"2113001": "CAORA_MSN_P2.11.7_A16.5.4", "2113002": "CAORA_MSN_P2.12.0_A16.6.0"})
        rc, out, _ = self.caora("--json", "--root", root, "firmware", "status")
        self.assertEqual(rc, 1)
        verdicts = {(c["component"], c["unit"]): c for c in out["components"]}
        self.assertEqual(verdicts[("reader-software", None)]["verdict"], "below-minimum")
        self.assertEqual(verdicts[("reader-software", None)]["min_safe"], "1.5.3.0")
        self.assertEqual(verdicts[("firmware", "2113001")]["verdict"], "ok")  # no manifest: the minimum only
        self.assertIsNone(out["manifest_version"])
        self.accepted()
        with open(os.path.join(root, VERSION_FILE), "w") as f:
            f.write("1.6.0.0\r\n")
        rc, out, _ = self.caora("--json", "--root", root, "firmware", "status")
        self.assertEqual(rc, 1)
        verdicts = {(c["component"], c["unit"]): c for c in out["components"]}
        self.assertEqual(verdicts[("reader-software", None)]["verdict"], "revoked")
        self.assertEqual(verdicts[("firmware", "2113001")]["verdict"], "outdated")
        self.assertEqual(verdicts[("firmware", "2113001")]["newest"], "CAORA_MSN_P2.12.0_A16.6.0")
        self.assertEqual(verdicts[("firmware", "2113002")]["verdict"], "ok")
        with open(os.path.join(root, VERSION_FILE), "w") as f:
            f.write("1.10.2.1\r\n")
        rc, out, _ = self.caora("--json", "--root", root, "firmware", "status")
        self.assertEqual(rc, 0, out)
        # A firmware string where the reader software version belongs is not compared.
        with open(os.path.join(root, VERSION_FILE), "w") as f:
            f.write("CAORA_MSN_P2.12.0_A16.6.0\r\n")
        rc, out, _ = self.caora("--json", "--root", root, "firmware", "status")
        verdicts = {(c["component"], c["unit"]): c for c in out["components"]}
        self.assertEqual(verdicts[("reader-software", None)]["verdict"], "not-comparable")

    def test_out_of_date_probe_uses_the_cached_manifest(self):
        # FUJJP70's "reader software out of date" cause: asked without a manifest,
        # decided from the cached one with it.
        root = self.root_with("1.6.1.0", {"2113001": "CAORA_MSN_P2.12.0_A16.6.0"})
        def cause():
            rc, out, err = self.caora("--json", "--root", root, "diagnose", "FUJJP70")
            return next(c for c in out["causes"] if c["id"] == "reader-software-outdated")
        before = cause()
        self.assertEqual(before["status"], "unknown")
        self.assertTrue(any("no verified firmware manifest is cached" in e for e in before["evidence"]))
        self.accepted()
        after = cause()
        self.assertEqual(after["status"], "present")
        self.assertIn("newest known: 1.10.2.1", [e.strip() for e in after["evidence"]])

    # ---- install ----
    def test_install_refuses_a_downgrade_and_a_foreign_file(self):
        self.accepted()
        root = self.root_with("2.0.0.0", {})
        installer = os.path.join(self.state, "CaoraReaderSoftware_1.10.2.1.zip")
        with open(installer, "wb") as f:
            f.write(self.payload)
        rc, out, err = self.caora("--json", "--yes", "--root", root, "firmware", "install", installer)
        self.assertEqual(rc, 1, err)
        self.assertEqual(out["status"], "refused")
        self.assertIn("--allow-downgrade", out["message"]["en"])
        other = os.path.join(self.state, "other.exe")
        with open(other, "wb") as f:
            f.write(b"not the manifest's file")
        rc, out, err = self.caora("--json", "--yes", "--root", root, "firmware", "install", other)
        self.assertEqual((rc, out["status"]), (1, "refused"))
        self.assertIn("is not the manifest's reader-software 1.10.2.1", out["message"]["en"])
        self.assertFalse(os.path.exists(os.path.join(self.state, "firmware", "install.json")))


if __name__ == "__main__":
    missing = https_parts.have_tools()
    if missing:
        print("SKIPPED: missing " + ", ".join(missing) + " (Debian packages openssl, minisign)")
        sys.exit(77)
    unittest.main()
