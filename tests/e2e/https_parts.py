"""Real parts for `caora firmware`: a test CA and a server certificate made by
openssl, keys and signatures made by Debian's minisign, and an HTTPS server on
127.0.0.1 (Python's http.server + ssl, with Range requests) run as its own
process so a test can kill it mid-transfer.

Standard library only; openssl and minisign are the Debian packages.
"""
import os
import re
import shutil
import subprocess
import sys
import time

SERVER = r'''
import http.server, os, re, ssl, sys, time
root, certfile, keyfile, port_file, log_file = sys.argv[1:6]
drop_after = int(os.environ.get("DROP_AFTER", "0"))
delay = float(os.environ.get("CHUNK_DELAY", "0"))

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_request(self, *args):
        pass
    def log_message(self, fmt, *args):
        with open(log_file, "a") as f:
            f.write("%s %s\n" % (self.path, self.headers.get("Range") or "-"))
    def do_GET(self):
        self.log_message("")
        path = os.path.join(root, self.path.lstrip("/").split("?")[0])
        if not os.path.isfile(path):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        data = open(path, "rb").read()
        start = 0
        m = re.match(r"bytes=(\d+)-$", self.headers.get("Range") or "")
        if m and int(m.group(1)) < len(data):
            start = int(m.group(1))
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if drop_after and start == 0:
            self.wfile.write(body[:drop_after]); self.wfile.flush()
            self.close_connection = True
            return
        for i in range(0, len(body), 4096):
            self.wfile.write(body[i:i + 4096]); self.wfile.flush()
            if delay: time.sleep(delay)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(httpd.server_address[1]))
os.rename(port_file + ".tmp", port_file)
httpd.serve_forever()
'''


def have_tools():
    missing = [t for t in ("openssl", "minisign") if shutil.which(t) is None]
    return missing


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (cmd[0], p.stderr.decode(errors="replace")))
    return p


def make_ca(dir, name):
    """A CA (key + self-signed certificate) and a server certificate it signed for 127.0.0.1."""
    os.makedirs(dir, exist_ok=True)
    ca_key, ca_pem = os.path.join(dir, name + "-ca.key"), os.path.join(dir, name + "-ca.pem")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", ca_key, "-out", ca_pem, "-days", "2", "-subj", "/CN=caora test CA " + name,
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    key, csr, pem = (os.path.join(dir, name + "-server" + e) for e in (".key", ".csr", ".pem"))
    run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"])
    ext = os.path.join(dir, name + "-ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
         "-out", pem, "-days", "2", "-extfile", ext])
    return ca_pem, pem, key


def make_key(dir, name):
    pub, sec = os.path.join(dir, name + ".pub"), os.path.join(dir, name + ".key")
    run(["minisign", "-G", "-W", "-p", pub, "-s", sec])
    return pub, sec


def sign(sec, path, comment="caora test manifest"):
    run(["minisign", "-S", "-s", sec, "-m", path, "-t", comment])
    return path + ".minisig"


class Server:
    """The HTTPS server in its own process, serving `root`."""

    def __init__(self, root, cert, key, drop_after=0, chunk_delay=0.0):
        self.root = root
        self.dir = os.path.join(root, ".server")
        os.makedirs(self.dir, exist_ok=True)
        script = os.path.join(self.dir, "server.py")
        with open(script, "w") as f:
            f.write(SERVER)
        self.port_file = os.path.join(self.dir, "port-%d" % time.monotonic_ns())
        self.log = os.path.join(self.dir, "requests.log")
        env = dict(os.environ, DROP_AFTER=str(drop_after), CHUNK_DELAY=str(chunk_delay))
        self.proc = subprocess.Popen([sys.executable, script, root, cert, key, self.port_file, self.log],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the HTTPS server did not start")
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def url(self, name, scheme="https"):
        return "%s://127.0.0.1:%d/%s" % (scheme, self.port, name)

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [l.split() for l in f.read().splitlines() if l.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
