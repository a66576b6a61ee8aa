#!/usr/bin/env python3
"""The .deb (scripts/package.sh deb) installed into a clean Debian 12 root.

The package is made by CPack from the build that CAORA_BIN belongs to; its
contents are read with dpkg-deb (binary, gzipped man pages, the four completions
in their FHS places, data and model files under /usr/share/caora, dependencies
from dpkg-shlibdeps). Then a minbase bookworm root made by debootstrap
(scripts/debian-root.sh, cached for a week under /var/cache) gets it with
`apt-get install ./caora_*.deb` through chroot, which must pull every declared
dependency from the mirror, and the installed caora runs `--version --json` and
`list` there with no CAORA_* variable set. Downloaded .debs are kept between runs
(hard links in the cache folder), so a warm run fetches only the package lists.

Needs root, debootstrap, dpkg-dev and network access to the Debian mirror;
without root or debootstrap the test is skipped (exit 77) with the reason.
Environment: CAORA_BIN, CAORA_SOURCE_DIR.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.path.abspath(os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora")))
BUILD = os.path.dirname(CAORA)
CACHE = os.environ.get("CAORA_DEBROOT_CACHE", "/var/cache/caora-debian-root")


def sh(argv, timeout=1800, **kw):
    res = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if res.returncode != 0:
        raise AssertionError("%s: exit %d\n%s\n%s" % (" ".join(argv), res.returncode, res.stdout[-3000:], res.stderr[-3000:]))
    return res.stdout


def skip_reason():
    if os.geteuid() != 0:
        return "needs root (chroot, debootstrap)"
    for tool in ("debootstrap", "dpkg-shlibdeps", "cpack"):
        if not shutil.which(tool):
            return "%s not installed (scripts/deps.sh)" % tool
    return None


class DebPackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = sh(["bash", os.path.join(SOURCE, "scripts", "package.sh"), "deb"], env=dict(os.environ, BUILD_DIR=BUILD))
        cls.deb = out.strip().splitlines()[-1]
        cls.face = json.loads(sh([CAORA, "--version", "--json"]))["build"]["face"]

    def test_contents(self):
        listing = sh(["dpkg-deb", "-c", self.deb])
        paths = set(re.findall(r"\s\./(\S+)", listing))
        for want in ("usr/bin/caora", "usr/share/man/man1/caora.1.gz", "usr/share/man/man1/caora-doctor.1.gz",
                     "usr/share/man/man5/caora-recipes.5.gz", "usr/share/bash-completion/completions/caora",
                     "usr/share/zsh/vendor-completions/_caora", "usr/share/fish/vendor_completions.d/caora.fish",
                     "usr/share/caora/caora.ps1", "usr/share/caora/units.json", "usr/share/caora/NOTICE"):
            self.assertIn(want, paths)
        self.assertFalse([p for p in paths if p.startswith("usr/share/man/") and p.endswith((".1", ".5"))],
                         "man pages not gzipped")
        man_pages = sorted(f for f in os.listdir(os.path.join(SOURCE, "man")))
        self.assertEqual(len([p for p in paths if p.startswith("usr/share/man/man") and p.endswith(".gz")]), len(man_pages))
        self.assertTrue([p for p in paths if p.startswith("usr/share/caora/recipes/") and p.endswith(".json")])
        if self.face:
            self.assertIn("usr/libexec/caora/caora-selftest", paths)
            self.assertIn("usr/share/caora/models/face_recognition_model.bin", paths)
            self.assertRegex(listing, r"models/shape_predictor_68_face_landmarks\.dat -> /usr/share/dlib/")

    def test_dependencies_from_linked_libraries(self):
        control = sh(["dpkg-deb", "-f", self.deb, "Depends"])
        names = {d.strip().split()[0] for d in control.split(",")}
        # caora links these itself (ldd on the binary in the build).
        for lib in ("libc6", "libstdc++6", "libusb-1.0-0", "libsodium23", "libpcsclite1", "libdeflate0"):
            self.assertIn(lib, names, control)
        if self.face:
            for lib in ("libdlib-data", "libdlib19.1", "libtesseract5"):
                self.assertIn(lib, names, control)

    def test_installs_into_clean_bookworm(self):
        tarball = sh(["bash", os.path.join(SOURCE, "scripts", "debian-root.sh")], timeout=3600).strip().splitlines()[-1]
        archives = os.path.join(CACHE, "apt-archives")
        os.makedirs(archives, exist_ok=True)
        work = tempfile.mkdtemp(prefix="deb-test.", dir=CACHE)
        mounted = None
        try:
            root = os.path.join(work, "root")
            os.mkdir(root)
            sh(["tar", "-C", root, "-xf", tarball])
            shutil.copy("/etc/resolv.conf", os.path.join(root, "etc", "resolv.conf"))
            # As an installed Debian 12 has them: updates and security beside the release.
            sources = os.path.join(root, "etc", "apt", "sources.list")
            with open(sources, encoding="utf-8") as f:
                mirror = re.search(r"^deb (\S+) bookworm main", f.read(), re.M).group(1)
            with open(sources, "w", encoding="utf-8") as f:
                f.write("deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n"
                        % (mirror, mirror, mirror))
            shutil.copy(self.deb, os.path.join(root, "tmp"))
            # The .debs fetched by earlier runs, as hard links (same file system).
            cached = os.path.join(root, "var", "cache", "apt", "archives")
            for name in os.listdir(archives):
                os.link(os.path.join(archives, name), os.path.join(cached, name))
            env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
            # caora finds caora-selftest from its own path (/proc/self/exe), as on an installed system.
            proc = os.path.join(root, "proc")
            sh(["mount", "-t", "proc", "proc", proc])
            mounted = proc
            chroot = ["chroot", root]
            sh(chroot + ["apt-get", "update", "-qq"], env=env)
            sh(chroot + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "/tmp/" + os.path.basename(self.deb)], env=env)
            for name in os.listdir(cached):
                if name.endswith(".deb") and not os.path.exists(os.path.join(archives, name)):
                    os.link(os.path.join(cached, name), os.path.join(archives, name))
            status = sh(chroot + ["dpkg-query", "-W", "-f", "${Status} ${Version}", "caora"], env=env)
            self.assertTrue(status.startswith("install ok installed "), status)
            doc = json.loads(sh(chroot + ["/usr/bin/caora", "--version", "--json"], env=env))
            self.assertEqual(doc["schema"], "caora.version/1")
            if self.face:
                # The models the package installed, found without CAORA_MODELS_DIR.
                self.assertEqual(doc["models"]["dir"], "/usr/share/caora/models")
                self.assertEqual({f["installed"] for f in doc["models"]["files"]}, {"ok"}, doc["models"])
                self.assertEqual(doc["build"]["selftest_helper"], "/usr/libexec/caora/caora-selftest")
            listed = json.loads(sh(chroot + ["/usr/bin/caora", "list", "--json"], env=env))
            self.assertTrue(listed, "caora list gave nothing")
            text = sh(chroot + ["/usr/bin/caora", "--version", "--lang", "en"], env=env)
            self.assertIn("caora " + doc["version"], text)
        finally:
            if mounted:
                subprocess.run(["umount", mounted], check=True)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    reason = skip_reason()
    if reason:
        print("skipped: " + reason)
        sys.exit(77)
    unittest.main()
