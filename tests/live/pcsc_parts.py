"""Real PC/SC parts for the live tests: a private pcscd with vsmartcard's vpcd
readers, a virtual card that plugs into a vpcd reader, and a process that holds
a reader exclusively. Nothing touches the machine's own pcscd: ours runs in a
private mount namespace whose /run/pcscd is a temporary folder, and clients
find it through PCSCLITE_CSOCK_NAME.
"""
import ctypes
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
PCSCD = shutil.which("pcscd") or "/usr/sbin/pcscd"
# A plain T=1 card: TS, T0 (TD1 follows), TD1 (T=0, TD2 follows), TD2 (T=1), TCK.
ATR = bytes.fromhex("3B80800101")


def missing_parts():
    """Why the PC/SC parts cannot run here, or None."""
    if not os.path.exists(PCSCD):
        return "pcscd not found (Debian package pcscd)"
    if not os.path.exists(VPCD_DRIVER):
        return "vpcd driver not found (Debian package vsmartcard-vpcd)"
    if not shutil.which("unshare"):
        return "unshare not found (util-linux)"
    try:
        os.makedirs("/run/pcscd", exist_ok=True)
    except OSError as e:
        return "cannot create /run/pcscd for the private pcscd: %s" % e
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    if p.returncode != 0:
        return "cannot make a private mount namespace for pcscd (needs root or CAP_SYS_ADMIN): " + \
            p.stderr.decode(errors="replace").strip()
    return None


def free_port_pair():
    """A port P with P and P+1 free: vpcd listens on one port per slot, two slots per reader."""
    for _ in range(50):
        p = random.randrange(20000, 60000, 2)
        socks = []
        try:
            for q in (p, p + 1):
                s = socket.socket()
                s.bind(("127.0.0.1", q))
                socks.append(s)
            for s in socks:
                s.close()
            return p
        except OSError:
            for s in socks:
                s.close()
    raise RuntimeError("no free port pair")


class Pcscd:
    """pcscd in the foreground with vpcd readers named as given: {name: port}."""

    def __init__(self, readers):
        self.dir = tempfile.mkdtemp(prefix="caora-pcscd-")
        self.run_dir = os.path.join(self.dir, "run")
        os.makedirs(self.run_dir)
        self.conf = os.path.join(self.dir, "reader.conf")
        with open(self.conf, "w") as f:
            for i, (name, port) in enumerate(readers.items()):
                # vpcd keeps its sockets in per-library globals indexed by slot, so two
                # readers on one copy of the driver overwrite each other's slots: give
                # each reader its own copy (pcscd loads each path separately).
                driver = os.path.join(self.dir, "libifdvpcd-%d.so" % i)
                shutil.copy(VPCD_DRIVER, driver)
                f.write('FRIENDLYNAME "%s"\nDEVICENAME /dev/null:%d\nLIBPATH %s\nCHANNELID %d\n\n'
                        % (name, port, driver, port))
        self.socket = os.path.join(self.run_dir, "pcscd.comm")
        self.log = open(os.path.join(self.dir, "pcscd.log"), "w")
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             'mount --bind "$1" /run/pcscd && exec "$2" -f -c "$3"', "sh", self.run_dir, PCSCD, self.conf],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("pcscd did not start: " + open(self.log.name).read())
            time.sleep(0.02)

    def env(self):
        e = dict(os.environ)
        e["PCSCLITE_CSOCK_NAME"] = self.socket
        return e

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class VirtualCard:
    """A card in a vpcd reader: connects to vpcd's port and answers it.

    vpcd frames every message as a 2-byte big-endian length, then the payload,
    in two writes; without TCP_NODELAY and TCP_QUICKACK each exchange waits for
    a delayed ACK (~40 ms)."""

    def __init__(self, port, answer=None, atr=ATR):
        self.answer = answer or (lambda apdu: b"\x90\x00")
        self.atr = atr
        self.sock = None
        deadline = time.time() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.fast = os.environ.get("CAORA_VICC_SLOW") is None  # set it to measure the difference
        if self.fast:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._quickack()
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _quickack(self):
        if self.fast and hasattr(socket, "TCP_QUICKACK"):
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
            self._quickack()  # Linux clears it after each ACK
        return data

    def _send(self, payload):
        self.sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self):
        try:
            while True:
                (n,) = struct.unpack(">H", self._recv(2))
                msg = self._recv(n)
                if n == 1:
                    if msg[0] == 0x04:  # get ATR
                        self._send(self.atr)
                    else:  # 0x00 power off, 0x01 power on, 0x02 reset: nothing to answer
                        self.power(msg[0])
                else:
                    self._send(self.answer(msg))
        except (EOFError, OSError):
            pass

    def power(self, event):
        """A card with state (a selected application, a verified key) forgets it here."""

    def remove(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


HOLDER = r'''
import ctypes, sys, time
lib = ctypes.CDLL("libpcsclite.so.1")
ctx = ctypes.c_long(); card = ctypes.c_long(); proto = ctypes.c_ulong()
rv = lib.SCardEstablishContext(ctypes.c_ulong(2), None, None, ctypes.byref(ctx))
if rv == 0:
    rv = lib.SCardConnect(ctx, sys.argv[1].encode(), ctypes.c_ulong(int(sys.argv[2])), ctypes.c_ulong(3),
                          ctypes.byref(card), ctypes.byref(proto))
print("held" if rv == 0 else "error 0x%08X" % (rv & 0xFFFFFFFF), flush=True)
sys.stdin.read()  # hold until the test closes our stdin
'''

SHARE_EXCLUSIVE, SHARE_SHARED = 1, 2


class Holder:
    """Another process holding a reader (exclusively by default) until stopped."""

    def __init__(self, env, reader, share=SHARE_EXCLUSIVE):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, reader, str(share)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.status = self.proc.stdout.readline().strip()

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(5)
        self.proc.stdout.close()
