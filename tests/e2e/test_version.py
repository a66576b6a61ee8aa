#!/usr/bin/env python3
"""`caora --version`: the version, the commit, the build options and the model files.

A desk compares terminals' installs from this one command, so the document is
checked field by field: the commit is the one git names for the source tree (or
"unknown" for a build outside git), the model files are those recorded in
data/face-models.sha256 with the installed copies' state checked against real
files in a folder of our own (CAORA_MODELS_DIR), and --lang ja gives Japanese.

Environment: CAORA_BIN (default ./build/caora), CAORA_SOURCE_DIR. Standard library only.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.path.abspath(os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora")))


def run(argv, env=None):
    return subprocess.run([CAORA] + argv, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})))


def recorded_sums():
    sums = {}
    with open(os.path.join(SOURCE, "data", "face-models.sha256"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            digest, name = line.split()
            sums[name.lstrip("*")] = digest
    return sums


def version_json(env=None):
    res = run(["--version", "--json"], env)
    if res.returncode != 0 or res.stderr:
        raise AssertionError("caora --version --json: exit %d, stderr %r" % (res.returncode, res.stderr))
    return json.loads(res.stdout)


class VersionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="caora-version-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_document(self):
        doc = version_json({"CAORA_MODELS_DIR": self.tmp})
        self.assertEqual(doc["schema"], "caora.version/1")
        self.assertRegex(doc["version"], r"^\d+\.\d+\.\d+")
        self.assertIsInstance(doc["dirty"], bool)
        self.assertIn(doc["build"]["platform"], ("linux", "windows"))
        self.assertIsInstance(doc["build"]["face"], bool)
        self.assertIsInstance(doc["build"]["card_ocr"], bool)
        self.assertTrue(doc["built_from"], "no packages named as built against")
        sums = recorded_sums()
        self.assertEqual({f["name"]: f["sha256"] for f in doc["models"]["files"]}, sums)
        for f in doc["models"]["files"]:
            self.assertTrue(f["source"].startswith("from "), f)

    def test_commit_is_the_source_trees(self):
        head = subprocess.run(["git", "-C", SOURCE, "rev-parse", "HEAD"], capture_output=True, text=True)
        if head.returncode != 0:
            self.assertEqual(version_json()["commit"], "unknown")
            return
        # The build may predate the last commit (the header is rewritten at each build),
        # but it must name a commit of this repository's history.
        commit = version_json()["commit"]
        self.assertRegex(commit, r"^[0-9a-f]{40}$")
        known = subprocess.run(["git", "-C", SOURCE, "cat-file", "-t", commit], capture_output=True, text=True)
        self.assertEqual(known.stdout.strip(), "commit")

    def test_commit_outside_git_is_unknown(self):
        # What the build does for a tree that is not a git checkout (a source tarball):
        # "unknown", unless -DCAORA_GIT_COMMIT names it; the build never fails on it.
        if not shutil.which("cmake"):
            self.skipTest("cmake not installed")
        script = os.path.join(SOURCE, "cmake", "git_commit.cmake")
        out = os.path.join(self.tmp, "git_commit.h")
        src = os.path.join(self.tmp, "src")
        os.mkdir(src)
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=self.tmp)
        subprocess.run(["cmake", "-DSRC=" + src, "-DOUT=" + out, "-P", script], check=True, env=env, capture_output=True)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('kGitCommit[] = "unknown"', text)
        self.assertIn("kGitDirty = false", text)
        subprocess.run(["cmake", "-DSRC=" + src, "-DOUT=" + out, "-DOVERRIDE=0123abc", "-P", script], check=True, env=env,
                       capture_output=True)
        with open(out, encoding="utf-8") as f:
            self.assertIn('kGitCommit[] = "0123abc"', f.read())

    def test_installed_models_checked(self):
        if not version_json()["build"]["face"]:
            doc = version_json({"CAORA_MODELS_DIR": self.tmp})
            self.assertEqual({f["installed"] for f in doc["models"]["files"]}, {"not-used"})
            return
        sums = recorded_sums()
        names = sorted(sums)
        # One file that matches its recorded sum cannot be made up, so: the small
        # manifest when it is installed on this machine, else only the mismatches.
        for place in (os.environ.get("CAORA_MODELS_DIR_REAL", ""), "/usr/local/share/caora/models", "/usr/share/caora/models"):
            src = os.path.join(place, "face_recognition_model-weights_manifest.json") if place else ""
            if src and os.path.exists(src):
                shutil.copy(src, self.tmp)
                break
        # The file lib/face looks for first, so that this folder is the one chosen.
        with open(os.path.join(self.tmp, "face_recognition_model.bin"), "wb") as f:
            f.write(b"not the weights")
        doc = version_json({"CAORA_MODELS_DIR": self.tmp})
        self.assertEqual(doc["models"]["dir"], self.tmp)
        state = {f["name"]: f["installed"] for f in doc["models"]["files"]}
        self.assertEqual(state["face_recognition_model.bin"], "differs")
        self.assertEqual(state["shape_predictor_68_face_landmarks.dat"], "missing")
        manifest = os.path.join(self.tmp, "face_recognition_model-weights_manifest.json")
        if os.path.exists(manifest):
            with open(manifest, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), sums["face_recognition_model-weights_manifest.json"])
            self.assertEqual(state["face_recognition_model-weights_manifest.json"], "ok")
        self.assertEqual(sorted(state), names)

    def test_text_en_and_ja(self):
        doc = version_json()
        en = run(["--version", "--lang", "en"])
        self.assertEqual(en.returncode, 0)
        self.assertEqual(en.stderr, "")
        first = en.stdout.splitlines()[0]
        self.assertTrue(first.startswith("caora %s (commit %s" % (doc["version"], doc["commit"])), first)
        self.assertIn("face self-test " + ("on" if doc["build"]["face"] else "off"), en.stdout)
        self.assertIn("card-face OCR " + ("on" if doc["build"]["card_ocr"] else "off"), en.stdout)
        for f in doc["models"]["files"]:
            self.assertIn("%s  %s" % (f["name"], f["sha256"][:12]), en.stdout)
        ja = run(["--version", "--lang", "ja"])
        self.assertEqual(ja.returncode, 0)
        self.assertIn("コミット " + doc["commit"], ja.stdout)
        self.assertIn("モデルファイル", ja.stdout)

    def test_version_with_a_command_is_still_the_version(self):
        # --version wins over a command, as CLI11's own flag did, and never runs it.
        res = run(["--version", "list"])
        self.assertEqual(res.returncode, 0)
        self.assertTrue(res.stdout.startswith("caora "), res.stdout[:80])


if __name__ == "__main__":
    unittest.main()
