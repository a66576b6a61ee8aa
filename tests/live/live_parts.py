"""Parts for whole-binary runs on the live Linux backend: caora under umockdev
(the real libusb code on a described USB tree) with a copy of a sysfs fixture
it may write to, a terminal's /etc and /run of its own, a stand-in for the
kernel's RNDIS unbind/bind, and a stand-in for shutdown(8).

Nothing here touches the machine: every path caora writes is under a
temporary folder (CAORA_SYSFS_ROOT, CAORA_ETC_ROOT, CAORA_RUN_ROOT, CAORA_PROC_ROOT), and the
`shutdown` caora finds first in PATH only writes the schedule file.
"""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))
DATA = os.path.join(SOURCE, "tests", "data")

# What systemd-logind keeps for `shutdown -r +N` (and removes for `shutdown -c`).
SHUTDOWN = """#!/bin/sh
dir="$CAORA_RUN_ROOT/systemd/shutdown"
echo "$@" >> "$CAORA_RUN_ROOT/shutdown.calls"
if [ "$1" = "-c" ]; then rm -f "$dir/scheduled"; exit 0; fi
mkdir -p "$dir"
printf 'USEC=%s000000\\nWARN_WALL=1\\nMODE=reboot\\n' "$(( $(date +%s) + 120 ))" > "$dir/scheduled"
"""


ROUTE_HEAD = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"


class Terminal:
    """A temporary terminal: sysfs copied from tests/data/sysfs/<case>, an /etc
    with systemd's folder and a resolv.conf, a /proc with the route table and
    Wi-Fi signal, a /run, a state folder and a shutdown stand-in."""

    def __init__(self, sysfs_case):
        self.dir = tempfile.mkdtemp(prefix="caora-terminal-")
        self.case = os.path.join(self.dir, "case")
        shutil.copytree(os.path.join(DATA, "sysfs", sysfs_case), self.case, symlinks=True)
        self.sys = os.path.join(self.case, "sys")
        self.etc = os.path.join(self.dir, "etc")
        os.makedirs(os.path.join(self.etc, "systemd", "system"))
        self.run_dir = os.path.join(self.dir, "run")
        os.makedirs(self.run_dir)
        # The fixture's wlan0 (rndis-ok) with a good signal, as /proc/net/wireless shows it.
        self.proc = os.path.join(self.dir, "proc")
        os.makedirs(os.path.join(self.proc, "net"))
        with open(os.path.join(self.proc, "net", "wireless"), "w") as f:
            f.write("Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
                    " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n"
                    " wlan0: 0000   62.  -48.  -256        0      0      0      0      0        0\n")
        # What a real terminal has: the kernel's IPv4 route table (always, with IPv4) and
        # a resolver configuration (the vendor's IP/DNS settings cause assumes one). Here eth0 (the fixture's wired uplink, 192.168.1.10/24) has the
        # default route through 192.168.1.1, and that router is the DNS server.
        with open(os.path.join(self.proc, "net", "route"), "w") as f:
            f.write(ROUTE_HEAD + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                                 "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n")
        with open(os.path.join(self.etc, "resolv.conf"), "w") as f:
            f.write("nameserver 192.168.1.1\n")
        self.state = os.path.join(self.dir, "state")
        self.bin = os.path.join(self.dir, "bin")
        os.makedirs(self.bin)
        with open(os.path.join(self.bin, "shutdown"), "w") as f:
            f.write(SHUTDOWN)
        os.chmod(os.path.join(self.bin, "shutdown"), 0o755)

    def env(self, **extra):
        e = dict(os.environ)
        e["CAORA_SYSFS_ROOT"] = self.sys
        e["CAORA_ETC_ROOT"] = self.etc
        e["CAORA_RUN_ROOT"] = self.run_dir
        e["CAORA_PROC_ROOT"] = self.proc
        e["PATH"] = self.bin + os.pathsep + e.get("PATH", "/usr/bin:/bin")
        # Keep the machine's own pcscd out unless a test brings one.
        e.setdefault("PCSCLITE_CSOCK_NAME", os.path.join(self.dir, "no-pcscd.comm"))
        e.pop("CAORA_ROOT", None)
        e.pop("XRDP_SESSION", None)
        e.update(extra)
        return e

    def caora(self, usb_tree, *args, env=None, timeout=90, lang="en"):
        """Runs caora under umockdev-run; returns (exit code, parsed JSON or None, stderr)."""
        cmd = ["umockdev-run", "-d", os.path.join(DATA, "umockdev", usb_tree + ".umockdev"), "--",
               CAORA, "--state-dir", self.state, "--lang", lang] + list(args)
        p = subprocess.run(cmd, env=env or self.env(), capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        out = p.stdout.decode(errors="replace")
        try:
            doc = json.loads(out) if "--json" in args else None
        except ValueError:
            raise AssertionError("not one JSON document: %r\nstderr: %s" % (out, p.stderr.decode(errors="replace")))
        return p.returncode, (doc if doc is not None else out), p.stderr.decode(errors="replace")

    def shutdown_calls(self):
        path = os.path.join(self.run_dir, "shutdown.calls")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class RndisKernel:
    """The kernel's side of one unit's RNDIS interface in a sysfs copy.

    bind and unbind become FIFOs, so caora's write of "1-2:1.0" to unbind is
    read here and the interface (net/usb0, its class/net link, its driver link
    and its address) is taken away before caora can open bind, as the real
    unbind does before it returns. After the bind write the interface is put
    back `delay` seconds later: with its address ("back"), without one
    ("no-address"), or never ("never"). "refuse-bind" makes bind a folder, so
    the write fails as a kernel refusing the bind would.
    """

    def __init__(self, terminal, port="1-2", ifname="usb0", mode="back", delay=0.5):
        self.t = terminal
        self.mode = mode
        self.delay = delay
        self.events = []
        sysroot = terminal.sys
        self.drv = os.path.join(sysroot, "bus", "usb", "drivers", "rndis_host")
        self.link = os.path.join(sysroot, "class", "net", ifname)
        self.netdir = os.path.realpath(self.link)
        self.usb_if = os.path.dirname(os.path.dirname(self.netdir))  # .../1-2/1-2:1.0
        self.ifname = ifname
        self.stash = os.path.join(terminal.dir, "stash")
        self.link_target = os.readlink(self.link)
        self.driver_target = os.readlink(os.path.join(self.usb_if, "driver"))
        self.ipv4_file = os.path.join(terminal.case, "ipv4")
        with open(self.ipv4_file) as f:
            self.addresses = [l for l in f.read().splitlines() if l.split()[:1] == [ifname]]
        if not self.addresses:
            self.addresses = ["%s 192.168.250.2/24" % ifname]
        for name in ("unbind", "bind"):
            p = os.path.join(self.drv, name)
            if os.path.exists(p):
                os.remove(p)
        os.mkfifo(os.path.join(self.drv, "unbind"))
        if mode == "refuse-bind":
            os.makedirs(os.path.join(self.drv, "bind"))
        else:
            os.mkfifo(os.path.join(self.drv, "bind"))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, name):
        with open(os.path.join(self.drv, name)) as f:
            return f.read()

    def _remove(self):
        shutil.copytree(self.netdir, self.stash, symlinks=True)
        os.remove(self.link)
        shutil.rmtree(self.netdir)
        os.remove(os.path.join(self.usb_if, "driver"))
        with open(self.ipv4_file) as f:
            keep = [l for l in f.read().splitlines() if l.split()[:1] != [self.ifname]]
        with open(self.ipv4_file, "w") as f:
            f.write("".join(l + "\n" for l in keep))

    def _restore(self, with_address):
        shutil.copytree(self.stash, self.netdir, symlinks=True)
        shutil.rmtree(self.stash)
        os.symlink(self.driver_target, os.path.join(self.usb_if, "driver"))
        os.symlink(self.link_target, self.link)
        if with_address:
            with open(self.ipv4_file, "a") as f:
                f.write("".join(a + "\n" for a in self.addresses))

    def _serve(self):
        while True:
            what = self._read("unbind")
            self.events.append(("unbind", what, time.time()))
            self._remove()
            if self.mode == "refuse-bind":
                return
            what = self._read("bind")
            self.events.append(("bind", what, time.time()))
            if self.mode == "never":
                continue
            time.sleep(self.delay)
            self._restore(self.mode == "back")
            self.events.append(("back", self.mode, time.time()))
