"""The devices and the back office on the host side: the project's own simulators (`kiosk sim …`), speaking the
real bytes over pseudo-terminals (wired to the guest's serial ports), TCP (the printer) and HTTPS (the back office,
with a test CA whose certificate names 10.0.2.2, the host as QEMU's user networking shows it to the guest)."""

import sqlite3
import subprocess
import time
from pathlib import Path

GUEST_SEES_HOST_AS = "10.0.2.2"


class Sim:
    """A `kiosk sim …` process: its first line says where to connect; commands go to its standard input."""

    def __init__(self, kiosk, args, log_path: Path):
        self.log_path = log_path
        self.stderr = open(log_path, "w")
        self.process = subprocess.Popen(
            [str(kiosk), "sim", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        self.address = self.process.stdout.readline().strip()
        if not self.address:
            raise RuntimeError(f"kiosk sim {' '.join(args)} said nothing; see {log_path}")

    def command(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"sim {line!r}: {answer}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.stderr.close()


def make_test_ca(folder: Path):
    """A CA and a server certificate for 10.0.2.2 (and 127.0.0.1 for the host's own checks)."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(folder / "ca.key"), "-out", str(folder / "ca.pem"), "-days", "30",
            "-subj", "/CN=Kiosk VM test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(folder / "server.key"), "-out", str(folder / "server.csr"),
            "-subj", f"/CN={GUEST_SEES_HOST_AS}")
    (folder / "ext.cnf").write_text(
        f"subjectAltName=IP:{GUEST_SEES_HOST_AS},IP:127.0.0.1\n"
        "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
    )
    openssl("x509", "-req", "-in", str(folder / "server.csr"), "-CA", str(folder / "ca.pem"),
            "-CAkey", str(folder / "ca.key"), "-CAcreateserial", "-out", str(folder / "server.pem"),
            "-days", "30", "-extfile", str(folder / "ext.cnf"))
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


class BackOffice:
    """`kiosk sim backoffice` over HTTPS, its SQLite store read directly for what arrived."""

    def __init__(self, kiosk, work: Path, kiosk_id, secret, catalog, tls, port=0):
        self.kiosk, self.work, self.kiosk_id, self.secret, self.catalog, self.tls = (
            kiosk, work, kiosk_id, secret, catalog, tls)
        self.data = work / "backoffice"
        self.port = port
        self.sim = None

    def start(self):
        cert, key = self.tls
        self.sim = Sim(self.kiosk, [
            "backoffice", "--listen", f"127.0.0.1:{self.port}", "--data", str(self.data),
            "--kiosk", f"{self.kiosk_id}={self.secret}", "--catalog", str(self.catalog),
            "--tls-cert", str(cert), "--tls-key", str(key),
        ], self.work / "backoffice.log")
        # https://127.0.0.1:PORT; the same port again after a stop, so the guest's URL stays true.
        self.port = int(self.sim.address.rsplit(":", 1)[1])

    def stop(self):
        if self.sim:
            self.sim.stop()
            self.sim = None

    @property
    def guest_url(self):
        return f"https://{GUEST_SEES_HOST_AS}:{self.port}"

    def query(self, sql, *args):
        database = self.data / "backoffice.db"
        if not database.exists():
            return []
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql, args).fetchall()


def wait_for(what, condition, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for: {what}")
        time.sleep(interval)
