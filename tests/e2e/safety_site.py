"""A temporary Caora install root and state folder for the write-safety
scenarios (test_write_safety.py, test_crash_consistency.py), and what they
check on it: the files, the journal, the temp files left behind."""
import fcntl
import glob
import json
import os
import shutil
import stat
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.path.abspath(os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora")))

EXEC = "OnlineAuthApp/App/Execute/bin/StartUpEnv.bat"
APPSTART = "OnlineAuthApp/App/AppStartUp/bin/StartUpEnv.bat"
INI_DIR = "OnlineAuthApp/App/Execute/bin"
VERSION = "OnlineAuthApp/App/Execute/bin/version.txt"
CORRUPT_INI = INI_DIR + "/CJKA2113002.ini"
CORRUPT = b"[Device]\r\nSerialNo=21130" + b"\0" * 32
GOOD_INI = "[Device]\r\nSerialNo=2113001\r\nReaderName=受付1\r\n".encode("cp932")

BAT = ("@echo off\r\nrem Caora アプリ起動前の待ち時間（秒）\r\nset WAIT_TIME_SECOND={}\r\n"
       "timeout /t %WAIT_TIME_SECOND% /nobreak > nul\r\n")


def bat(seconds):
    return BAT.format(seconds).encode("cp932")


def fnv1a64(data):
    """The journal's content hash (lib/core/journal.cc content_hash)."""
    h = 1469598103934665603
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "fnv1a64:%016x" % h


class Site:
    def __init__(self, base=None):
        self.dir = tempfile.mkdtemp(prefix="caora-safety-", dir=base)
        self.root = os.path.join(self.dir, "PFU-Caora")
        self.state = os.path.join(self.dir, "state")
        # A `shutdown` that only records it was asked: a fix must never restart this machine.
        self.bin = os.path.join(self.dir, "fakebin")
        os.makedirs(self.bin)
        with open(os.path.join(self.bin, "shutdown"), "w") as f:
            f.write("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/shutdown.log\"\n")
        os.chmod(os.path.join(self.bin, "shutdown"), 0o755)
        os.makedirs(os.path.join(self.root, INI_DIR))
        os.makedirs(os.path.join(self.root, os.path.dirname(APPSTART)))
        self.put(VERSION, b"1.6.0.0\r\n")
        self.put(EXEC, bat(300))
        self.put(APPSTART, bat(40))

    def path(self, rel):
        return os.path.join(self.root, rel)

    def put(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)

    def get(self, rel):
        try:
            with open(self.path(rel), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def env(self):
        e = dict(os.environ)
        e["PATH"] = self.bin + ":" + e.get("PATH", "/usr/bin:/bin")
        e["CAORA_RUN_ROOT"] = os.path.join(self.dir, "run")
        e["LANG"] = "C.UTF-8"
        return e

    def argv(self, *args, root=None, state=None):
        return [CAORA, "--state-dir", state or self.state, "--root", root or self.root, "--lang", "en"] + list(args)

    def run(self, *args, prefix=(), cwd=None, root=None, state=None):
        p = subprocess.run(list(prefix) + self.argv(*args, root=root, state=state), stdin=subprocess.DEVNULL,
                           capture_output=True, env=self.env(), cwd=cwd, timeout=120)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def history(self):
        code, out, err = self.run("--json", "history")
        assert code == 0, err
        return json.loads(out)["entries"]

    def journal_lines(self):
        path = os.path.join(self.state, "journal.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, "rb") as f:
            return f.read().split(b"\n")

    def temp_files(self):
        """Every writer's temp file under the root and the state folder."""
        found = []
        for top in (self.root, self.state):
            found += glob.glob(os.path.join(top, "**", ".*.caora-*.tmp"), recursive=True)
        return sorted(found)

    def clone(self):
        """A copy of the site (root and state) in a new folder: the journal's
        absolute paths are rewritten to the copy's."""
        other = Site.__new__(Site)
        other.dir = tempfile.mkdtemp(prefix="caora-safety-")
        os.rmdir(other.dir)
        shutil.copytree(self.dir, other.dir, symlinks=True)
        other.root = os.path.join(other.dir, "PFU-Caora")
        other.state = os.path.join(other.dir, "state")
        other.bin = os.path.join(other.dir, "fakebin")
        j = os.path.join(other.state, "journal.jsonl")
        if os.path.exists(j):
            with open(j, "rb") as f:
                data = f.read()
            with open(j, "wb") as f:
                f.write(data.replace(self.dir.encode(), other.dir.encode()))
        return other

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class LockHolder:
    """Another process holding the site lock (flock), with the lock file
    empty, as in the moment before a holder writes its pid."""

    def __init__(self, state):
        os.makedirs(state, exist_ok=True)
        self.proc = subprocess.Popen(
            ["python3", "-c",
             "import fcntl, os, sys, time\n"
             "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
             "fcntl.flock(fd, fcntl.LOCK_EX)\nos.ftruncate(fd, 0)\nprint('held', flush=True)\ntime.sleep(60)\n",
             os.path.join(state, "lock")], stdout=subprocess.PIPE)
        assert self.proc.stdout.readline().strip() == b"held"

    def release(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def lock_is_free(state):
    fd = os.open(os.path.join(state, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
