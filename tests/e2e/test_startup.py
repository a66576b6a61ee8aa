#!/usr/bin/env python3
"""What every start of caora loads, and the helper that runs `caora selftest`.

Support desks run caora thousands of times, so caora itself links none of the
self-test's libraries (dlib, BLAS/LAPACK, Tesseract, Leptonica, the image codecs):
`caora selftest face|card` hands its command line to caora-selftest, found beside
caora (the build tree), at ../libexec/caora/caora-selftest from it (installed) or
at $CAORA_SELFTEST_HELPER. Without one, the stage says it is not available (exit 1).
bench/startup.sh measures what this saves.

Environment: CAORA_BIN (default ./build/caora). Standard library only.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.path.abspath(os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora")))
HELPER = os.path.join(os.path.dirname(CAORA), "caora-selftest")
# The self-test's libraries, by the names their sonames start with.
HEAVY = re.compile(r"^\s*(libdlib|libopenblas|libblas|liblapack|libgfortran|libtesseract|liblept|libjpeg|libpng|"
                   r"libopenjp2|libtiff|libwebp|libgif|libarchive|libcurl)", re.M)


def run(argv, env=None):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def ldd(path):
    res = run(["ldd", path])
    if res.returncode != 0:
        raise AssertionError("ldd %s failed: %s" % (path, res.stderr))
    return res.stdout


class Libraries(unittest.TestCase):
    def test_caora_loads_no_selftest_library(self):
        found = HEAVY.findall(ldd(CAORA))
        self.assertEqual(found, [], "caora loads the self-test's libraries at every start:\n" + ldd(CAORA))

    def test_the_check_sees_them_in_the_helper(self):
        if not os.path.exists(HELPER):
            self.skipTest("this build has no face pipeline (CAORA_FACE=OFF): no caora-selftest")
        libs = HEAVY.findall(ldd(HELPER))
        self.assertIn("libdlib", libs)
        self.assertIn("libtesseract", libs)


class Helper(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="caora-startup-", dir=os.path.dirname(CAORA))
        self.addCleanup(shutil.rmtree, self.tmp)

    def place(self, src, dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    def test_missing_helper_says_not_available(self):
        for stage, images in (("face", ["a.jpg", "b.jpg"]), ("card", ["frame.png"])):
            res = run([CAORA, "--lang", "en", "selftest", stage] + images, {"CAORA_SELFTEST_HELPER": "/nonexistent/helper"})
            self.assertEqual(res.returncode, 1, res.stderr)
            self.assertEqual(res.stdout, "")
            self.assertIn("selftest %s is not available" % stage, res.stderr)
            self.assertIn("/nonexistent/helper", res.stderr)
            res = run([CAORA, "--lang", "ja", "selftest", stage] + images, {"CAORA_SELFTEST_HELPER": "/nonexistent/helper"})
            self.assertEqual(res.returncode, 1, res.stderr)
            self.assertIn("selftest %s は使えません" % stage, res.stderr)

    def test_missing_helper_in_json(self):
        res = run([CAORA, "--json", "selftest", "face", "a.jpg", "b.jpg"], {"CAORA_SELFTEST_HELPER": "/nonexistent/helper"})
        self.assertEqual(res.returncode, 1, res.stderr)
        doc = json.loads(res.stdout)
        self.assertEqual(doc["schema"], "caora.error/1")
        self.assertEqual(doc["exit_code"], 1)
        self.assertIn("not available", doc["error"]["en"])

    def test_usage_errors_need_no_helper(self):
        # caora checks the command line itself: the same table as the helper's.
        res = run([CAORA, "selftest", "eyes", "a.jpg"], {"CAORA_SELFTEST_HELPER": "/nonexistent/helper"})
        self.assertEqual(res.returncode, 2, res.stderr)
        res = run([CAORA, "--lang", "en", "selftest", "card", "a.png", "b.png"], {"CAORA_SELFTEST_HELPER": "/nonexistent/helper"})
        self.assertEqual(res.returncode, 2, res.stderr)
        self.assertIn("takes one image", res.stderr)

    def test_caora_as_its_own_helper_does_not_loop(self):
        res = run([CAORA, "--lang", "en", "selftest", "face", "a.jpg", "b.jpg"], {"CAORA_SELFTEST_HELPER": CAORA})
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("not available", res.stderr)

    def test_installed_layout(self):
        if not os.path.exists(HELPER):
            self.skipTest("this build has no face pipeline (CAORA_FACE=OFF): no caora-selftest")
        caora = os.path.join(self.tmp, "bin", "caora")
        self.place(CAORA, caora)
        # Alone, caora finds no helper.
        res = run([caora, "--lang", "en", "selftest", "face", "/nonexistent/a.jpg", "b.jpg"])
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("not available", res.stderr)
        self.assertIn(os.path.join(self.tmp, "libexec", "caora", "caora-selftest"), res.stderr)
        # With the helper in libexec/caora, the helper runs: it reads the images (a usage error here).
        self.place(HELPER, os.path.join(self.tmp, "libexec", "caora", "caora-selftest"))
        res = run([caora, "--lang", "en", "selftest", "face", "/nonexistent/a.jpg", "b.jpg"])
        self.assertEqual(res.returncode, 2, res.stderr)
        self.assertIn("/nonexistent/a.jpg", res.stderr)
        self.assertNotIn("not available", res.stderr)
        # The variable names another helper.
        res = run([caora, "--lang", "en", "selftest", "face", "/nonexistent/a.jpg", "b.jpg"],
                  {"CAORA_SELFTEST_HELPER": os.path.join(self.tmp, "nowhere")})
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn("not available", res.stderr)


if __name__ == "__main__":
    unittest.main()
