#!/usr/bin/env python3
"""The fleet end to end: Ansible runs caora on the demo fleet, caora folds the
results into one report, and the report's page works in a real browser.

  * fleet/ansible/doctor.yml over fleet/ansible/demo.ini with forks=2: twenty
    local terminals replaying recorded sites, and one reached over SSH on
    127.0.0.1 through an sshd this test starts on a spare port with a host key
    and a client key made here (nothing outside a temporary folder changes,
    except /run/sshd, created for sshd when missing and removed afterwards);
    one <host>.json per host is left in results_dir;
  * fix.yml under --check runs caora with --dry-run, whatever apply says;
  * `caora fleet report DIR --json` (caora.fleet-report/1, checked against the
    schema below), a bad file listed with its reason while the rest are
    counted, and the exit code of the worst terminal;
  * `--html`: rendered in headless chromium; the table sorts on a #sort=
    fragment, the chart has a bar per common cause. The screenshots stay in
    CAORA_TEST_OUTPUT (default: ./test-output/fleet).

Needs ansible-playbook, sshd and chromium (scripts/deps.sh); exits 77 (skipped)
when one is missing. Environment: CAORA_BIN, CAORA_SOURCE_DIR.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import browser  # noqa: E402

SOURCE_DIR = Path(os.environ.get("CAORA_SOURCE_DIR") or HERE.parent.parent).resolve()
CAORA_BIN = os.path.abspath(os.environ.get("CAORA_BIN") or "build/caora")
OUTPUT = Path(os.environ.get("CAORA_TEST_OUTPUT") or Path.cwd() / "test-output" / "fleet")
ANSIBLE = SOURCE_DIR / "fleet" / "ansible"
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"

# caora.fleet-report/1 as man/caora-fleet.1 describes it.
TEXT = {"type": "object", "required": ["ja", "en"], "properties": {"ja": {"type": "string"}, "en": {"type": "string"}}}
FINDING = {"type": "object", "required": ["recipe", "code", "cause", "title"],
           "properties": {"recipe": {"type": "string"}, "code": {"type": ["string", "null"]},
                          "cause": {"type": "string"}, "title": TEXT}}
VERSION = {"type": "object", "required": ["version", "min_safe", "below_min_safe"],
           "properties": {"version": {"type": ["string", "null"]}, "min_safe": {"type": "string"},
                          "below_min_safe": {"type": ["boolean", "null"]}}}
HOSTS = {"type": "array", "items": {"type": "string"}}
SCHEMA = {
    "type": "object",
    "required": ["schema", "dir", "summary", "terminals", "common_causes", "below_min_safe",
                 "needs_technician", "escalate", "errors", "bad_files"],
    "properties": {
        "schema": {"const": "caora.fleet-report/1"},
        "summary": {"type": "object", "required": ["terminals", "bad_files", "worst_exit_class"]},
        "terminals": {"type": "array", "items": {
            "type": "object",
            "required": ["host", "file", "schema", "run_at", "status", "exit_class", "findings", "versions", "units"],
            "properties": {
                "status": {"enum": ["ok", "problem", "resolved", "needs-technician", "escalate", "error"]},
                "exit_class": {"type": "integer"},
                "run_at": {"type": ["string", "null"]},
                "findings": {"type": "array", "items": FINDING},
                "versions": {"type": "object", "required": ["reader-software", "firmware"],
                             "additionalProperties": VERSION},
                "units": HOSTS}}},
        "common_causes": {"type": "array", "items": {
            "allOf": [FINDING, {"type": "object", "required": ["count", "hosts"],
                                "properties": {"count": {"type": "integer"}, "hosts": HOSTS}}]}},
        "below_min_safe": HOSTS, "needs_technician": HOSTS, "escalate": HOSTS, "errors": HOSTS,
        "bad_files": {"type": "array", "items": {"type": "object", "required": ["file", "reason"],
                                                  "properties": {"file": {"type": "string"}, "reason": TEXT}}},
    },
}


def spare_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools():
    return [t for t in ("ansible-playbook", "ssh-keygen", "chromium") if not shutil.which(t)] + \
        ([] if os.path.exists(SSHD) else ["sshd"])


class Fleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="caora-fleet-"))
        cls.results = cls.tmp / "results"
        cls.results.mkdir()
        cls.made_run_sshd = False
        cls.sshd = cls.start_sshd()
        started = time.monotonic()
        cls.play = cls.ansible("doctor.yml", "-e", "results_dir=%s" % cls.results)
        cls.play_seconds = time.monotonic() - started
        print("ansible demo (21 hosts, forks=2): %.1f s" % cls.play_seconds, file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        if cls.sshd:
            cls.sshd.terminate()
            cls.sshd.wait(timeout=10)
            cls.sshd_log.close()
        if cls.made_run_sshd:
            shutil.rmtree("/run/sshd", ignore_errors=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def start_sshd(cls):
        ssh = cls.tmp / "ssh"
        ssh.mkdir(mode=0o700)
        for name in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / name)], check=True)
        (ssh / "authorized_keys").write_text((ssh / "client_key.pub").read_text())
        os.chmod(ssh / "authorized_keys", 0o600)
        cls.ssh_port = spare_port()
        config = ssh / "sshd_config"
        config.write_text("\n".join([
            "Port %d" % cls.ssh_port, "ListenAddress 127.0.0.1", "HostKey %s" % (ssh / "host_key"),
            "AuthorizedKeysFile %s" % (ssh / "authorized_keys"), "PidFile %s" % (ssh / "sshd.pid"),
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
            "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp", ""]))
        if not os.path.isdir("/run/sshd"):
            # sshd's privilege-separation folder; removed again in tearDownClass.
            os.makedirs("/run/sshd", mode=0o755)
            cls.made_run_sshd = True
        cls.sshd_log = open(ssh / "sshd.log", "wb")
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=cls.sshd_log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", cls.ssh_port), timeout=1).close()
                return proc
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError("sshd stopped: " + (ssh / "sshd.log").read_text())
                time.sleep(0.1)
        raise AssertionError("sshd did not listen")

    @classmethod
    def ansible(cls, playbook, *extra):
        env = dict(os.environ, ANSIBLE_FORKS="2", ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_PIPELINING="True", ANSIBLE_LOCAL_TEMP=str(cls.tmp / "ansible-local"),
                   ANSIBLE_REMOTE_TEMP=str(cls.tmp / "ansible-remote"), ANSIBLE_RETRY_FILES_ENABLED="False")
        cmd = ["ansible-playbook", "-f", "2", "-i", str(ANSIBLE / "demo.ini"), str(ANSIBLE / playbook),
               "-e", "caora_bin=%s" % CAORA_BIN, "-e", "demo_state_root=%s" % (cls.tmp / "state"),
               "-e", "demo_ssh_port=%d" % cls.ssh_port, "-e", "demo_ssh_key=%s" % (cls.tmp / "ssh" / "client_key"),
               "-e", "demo_ssh_user=%s" % os.environ.get("USER", "root"), *extra]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)

    def caora(self, *args):
        p = subprocess.run([CAORA_BIN, *args], capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, LANG="C.UTF-8", LC_ALL=""))
        return p.returncode, p.stdout, p.stderr

    def test_1_one_result_per_host(self):
        self.assertEqual(self.play.returncode, 0, self.play.stdout[-4000:] + self.play.stderr[-2000:])
        inventory = (ANSIBLE / "demo.ini").read_text()
        hosts = re.findall(r"^((?:clinic|ssh-clinic)[-\w]*) ", inventory, re.M)
        self.assertGreaterEqual(len(hosts), 21)
        self.assertEqual(sorted(p.name for p in self.results.iterdir()), sorted(h + ".json" for h in hosts))
        for h in hosts:
            doc = json.loads((self.results / (h + ".json")).read_text())
            self.assertIn(doc["schema"], ("caora.doctor/1", "caora.diagnose/1"), h)
            self.assertIn("terminal", doc, h)
        # The SSH host really ran over SSH: the test's sshd let the test's key in.
        self.assertIn("ssh-clinic", self.play.stdout)
        self.assertIn("Accepted publickey", (self.tmp / "ssh" / "sshd.log").read_text(errors="replace"))

    def test_2_report(self):
        shutil.copytree(self.results, self.tmp / "with-bad", dirs_exist_ok=True)
        (self.tmp / "with-bad" / "broken.json").write_text('{"schema": "caora.doctor/1", "status": ')
        page = self.tmp / "fleet.html"
        rc, out, err = self.caora("fleet", "report", str(self.tmp / "with-bad"), "--json", "--html", str(page))
        report = json.loads(out)
        try:
            import jsonschema
            jsonschema.validate(report, SCHEMA)
        except ImportError:
            pass
        self.assertEqual(report["summary"]["terminals"], 21)
        self.assertEqual([b["file"] for b in report["bad_files"]], ["broken.json"])
        self.assertIn("JSON", report["bad_files"][0]["reason"]["en"])
        by_host = {t["host"]: t for t in report["terminals"]}
        self.assertEqual(by_host["clinic-01"]["status"], "ok")
        self.assertEqual(by_host["clinic-02"]["status"], "problem")
        self.assertTrue(by_host["clinic-02"]["findings"])
        self.assertRegex(by_host["clinic-01"]["run_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("clinic-16", report["needs_technician"])
        self.assertIn("ssh-clinic", report["below_min_safe"])
        self.assertNotIn("clinic-01", report["below_min_safe"])
        counts = [c["count"] for c in report["common_causes"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        self.assertGreater(counts[0], 1)
        self.assertEqual(rc, 3, err)  # the worst terminal needs a technician
        self.assertTrue(page.is_file())
        # Text, in Japanese: the same folder, the bad file named with its reason.
        rc, out, err = self.caora("--lang", "ja", "fleet", "report", str(self.tmp / "with-bad"))
        self.assertIn("broken.json", out)
        self.assertIn("読めなかったファイル", out)

    def test_3_page_in_chromium(self):
        page = self.tmp / "page.html"
        rc, out, err = self.caora("--lang", "en", "fleet", "report", str(self.results), "--html", str(page))
        self.assertEqual(rc, 3, err)
        OUTPUT.mkdir(parents=True, exist_ok=True)
        rows = {}
        for sort in ("exit-desc", "host", "findings-desc"):
            dom = browser.render("%s#sort=%s" % (page, sort), str(OUTPUT / ("fleet-%s.png" % sort)))
            self.assertGreater(browser.png_size(str(OUTPUT / ("fleet-%s.png" % sort)))[0], 0)
            self.assertIn('data-sort="%s"' % sort, dom)
            body = dom[dom.index("<tbody>"):dom.index("</tbody>")]
            rows[sort] = re.findall(r'<tr class="x(\d+)" data-host="([^"]+)">.*?</tr>', body, re.S)
            cells = re.findall(r'<tr[^>]*>(.*?)</tr>', body, re.S)
            rows[sort + "/findings"] = [int(re.findall(r'data-v="([^"]*)"', c)[7]) for c in cells]
        exits = [int(x) for x, _ in rows["exit-desc"]]
        self.assertEqual(len(exits), 21)
        self.assertEqual(exits, sorted(exits, reverse=True))
        self.assertEqual(exits[0], 3)
        hosts = [h for _, h in rows["host"]]
        self.assertEqual(hosts, sorted(hosts))
        findings = rows["findings-desc/findings"]
        self.assertEqual(findings, sorted(findings, reverse=True))
        self.assertGreater(findings[0], 0)
        bars = re.findall(r'<g class="bar"[^>]*data-count="(\d+)"', dom)
        self.assertTrue(bars)
        self.assertEqual([int(b) for b in bars], sorted((int(b) for b in bars), reverse=True))

    def test_4_fix_honours_check_mode(self):
        out = self.tmp / "fix"
        out.mkdir()
        p = self.ansible("fix.yml", "--check", "-l", "clinic-06", "-e", "code=FUJ008", "-e", "apply=true",
                         "-e", "results_dir=%s" % out)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-2000:])
        doc = json.loads((out / "clinic-06.json").read_text())
        self.assertEqual(doc["schema"], "caora.diagnose/1")
        self.assertTrue(doc["actions"] or doc["pending"], doc)
        self.assertFalse(any(a["applied"] for a in doc["actions"]), doc["actions"])
        self.assertFalse((self.tmp / "state" / "clinic-06" / "journal").exists())


if __name__ == "__main__":
    missing = missing_tools()
    if missing:
        print("skipped: not installed: " + ", ".join(missing), file=sys.stderr)
        sys.exit(77)
    unittest.main()
