"""The shipped terminal in a virtual machine, walked from outside. Run through scripts/terminal-vm.sh."""

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import image
import screen
from hostsims import BackOffice, Sim, make_test_ca, wait_for
from vm import Vm, kvm_works

KIOSK_ID = "XIXIA-KIOSK-07"
SECRET = "vm-test-secret-0123456789"
# The sample identity the host's card simulator serves: none of it may reach the guest's journal.
PERSONAL = ["张三", "11010519491231002X", "白羽路100号", "13800138000"]


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Results:
    """The measurement table printed at the end and kept as results.txt."""

    def __init__(self):
        self.rows = []
        self.steps = []

    def measure(self, name, value):
        self.rows.append((name, value))
        log(f"measured: {name} = {value}")

    def step(self, name):
        self.steps.append(name)
        log(f"PASS: {name}")

    def table(self):
        width = max(len(n) for n, _ in self.rows) if self.rows else 10
        lines = [f"{'measurement'.ljust(width)} | value", f"{'-' * width}-|-{'-' * 20}"]
        lines += [f"{n.ljust(width)} | {v}" for n, v in self.rows]
        lines += ["", "steps that held:"] + [f"  ok  {s}" for s in self.steps]
        return "\n".join(lines) + "\n"


class Terminal:
    """The guest as a technician and an applicant see it, through the agent, QMP and the host simulators."""

    def __init__(self, vm, taps, results, work):
        self.vm, self.taps, self.results, self.work = vm, taps, results, work

    @property
    def qga(self):
        return self.vm.qga

    def show(self, prop):
        return self.qga.sh(f"systemctl show kiosk -p {prop} --value").strip()

    def wait_active(self, timeout=300):
        def active():
            state = self.show("ActiveState")
            if state == "failed":
                raise RuntimeError("kiosk.service failed:\n" + self.journal_tail())
            return state == "active"

        wait_for("kiosk.service active (READY=1)", active, timeout, interval=1)

    def journal_tail(self, lines=60):
        return self.qga.sh(f"journalctl -u kiosk -n {lines} --no-pager -o cat", check=False)

    def screen(self):
        """The screen the running kiosk last said it shows (its journal's `screen shown` lines)."""
        pid = self.main_pid()
        if pid == 0:
            return None
        line = self.qga.sh(f"journalctl _PID={pid} -o cat --no-pager | grep 'screen shown' | tail -n1",
                           check=False).strip()
        found = re.search(r"screen=(\w+)", line)
        # The kiosk starts at Home and logs only changes.
        return found.group(1) if found else "Home"

    def wait_screen(self, name, timeout=120):
        wait_for(f"the {name} screen", lambda: self.screen() == name, timeout, interval=0.5)

    def main_pid(self):
        return int(self.show("MainPID"))

    def memory(self):
        current = int(self.show("MemoryCurrent") or 0)
        pid = self.main_pid()
        rss = self.qga.sh(f"awk '/^VmRSS/ {{print $2}}' /proc/{pid}/status", check=False).strip()
        return f"{current / 2**20:.1f} MiB cgroup, {int(rss or 0) / 1024:.1f} MiB RSS"

    def screendump(self, name):
        path = self.work / f"{name}.png"
        self.vm.qmp.execute("screendump", filename=str(path), format="png")
        return path

    def tap(self, label):
        """A finger on the centre of the button the headless run found at `label` (window coordinates)."""
        x, y = self.taps[label]
        width, height = self.vm.panel
        px, py = screen.window_to_panel(x, y, self.vm.panel, self.rotation)
        self.vm.qmp.tap(px, py, width, height)

    rotation = 0


def install_and_configure(terminal, backoffice, printer_port, deb_name):
    qga = terminal.qga
    log(f"apt install ./{deb_name}, as the README tells a center")
    qga.sh(f"cd /root/install && DEBIAN_FRONTEND=noninteractive apt-get install -y ./{deb_name}",
           timeout=600)
    # A technician's edits: the kiosk's id, its devices, the back office and its CA.
    keyboard = qga.sh("ls /dev/input/by-id/ | grep -i 'QEMU_USB_Keyboard.*-event-kbd' | head -n1").strip()
    if not keyboard:
        raise RuntimeError("no USB keyboard in /dev/input/by-id:\n" + qga.sh("ls -l /dev/input/by-id/", check=False))
    qga.sh("install -o kiosk -g kiosk -m 0640 /root/install/backoffice-ca.pem /etc/kiosk/backoffice-ca.pem")
    edits = [
        f's|^id = "XX-KIOSK-01"|id = "{KIOSK_ID}"|',
        's|^id_reader = "sim"|id_reader = "serial:/dev/ttyS1?baud=115200"|',
        f's|^printer = "sim"|printer = "tcp://10.0.2.2:{printer_port}"|',
        's|^camera = "sim"|camera = "v4l2:/dev/video0"|',
        f's|^scanner = "sim"|scanner = "evdev:/dev/input/by-id/{keyboard}"|',
        's|^# \\[backoffice\\]|[backoffice]|',
        f's|^# url = .*|url = "{backoffice.guest_url}"|',
        f's|^# secret = .*|secret = "{SECRET}"|',
        's|^# ca_file = .*|ca_file = "backoffice-ca.pem"|',
    ]
    qga.run(["sed", "-i", *sum((["-e", e] for e in edits), []), "/etc/kiosk/kiosk.toml"])
    text = qga.read_file("/etc/kiosk/kiosk.toml").decode()
    for expected in (KIOSK_ID, "serial:/dev/ttyS1", "v4l2:/dev/video0", backoffice.guest_url):
        if expected not in text:
            raise RuntimeError(f"the edited kiosk.toml lacks {expected}")
    qga.sh("kiosk --config /etc/kiosk/kiosk.toml catalog check /etc/kiosk/catalog")


def walk(args, work, results):
    kiosk = Path(args.kiosk).resolve()
    repo = Path(__file__).resolve().parents[2]
    taps = json.loads(Path(args.taps).read_text())
    tarball = image.rootfs_tarball(Path(args.cache), log)
    ca, cert, key = make_test_ca(work / "tls")
    backoffice = BackOffice(kiosk, work, KIOSK_ID, SECRET, repo / "config" / "catalog", (cert, key))
    backoffice.start()
    log(f"back office: {backoffice.sim.address}")
    printer = Sim(kiosk, ["printer", "--tcp", "127.0.0.1:0", "--record", str(work / "printer.bin")],
                  work / "printer.log")
    printer_port = int(printer.address.rsplit(":", 1)[1])
    idcard = Sim(kiosk, ["idcard", "--no-card"], work / "idcard.log")
    scanner = Sim(kiosk, ["scanner"], work / "scanner.log")
    log(f"printer {printer.address}, ID reader {idcard.address}, serial scanner {scanner.address}")
    sims = [printer, idcard, scanner]
    debs = [Path(d) for d in args.deb]
    disk = image.build_disk(tarball, work, debs, {"/root/install/backoffice-ca.pem": ca.read_bytes()})
    vm = Vm(work, disk, (1080, 1920), [idcard.address, scanner.address],
            kvm=(args.accel == "kvm") or (args.accel == "auto" and kvm_works(disk["kernel"], log)))
    results.measure("accelerator", vm.accel)
    terminal = Terminal(vm, taps, results, work)
    try:
        vm.start()
        booted = time.monotonic()
        vm.agent(timeout=900)
        results.measure("boot to guest agent (first boot)", f"{time.monotonic() - booted:.0f} s")
        install_and_configure(terminal, backoffice, printer_port, debs[0].name)
        results.step("apt install ./kiosk_*.deb and a technician's kiosk.toml")

        started = time.monotonic()
        vm.qga.sh("systemctl start --no-block kiosk")
        terminal.wait_active()
        results.measure("systemctl start to READY=1", f"{time.monotonic() - started:.1f} s")
        results.step("kiosk.service active with READY=1")
        walk_home(terminal, repo, results)
        walk_card(terminal, idcard, results)
        walk_watchdog(terminal, results)
    finally:
        try:
            journal = vm.qga.sh("journalctl -b --no-pager", check=False, timeout=120) if vm.qga else ""
            (work / "journal.txt").write_text(journal)
        except Exception as error:  # the journal is evidence, never the reason a run fails
            log(f"could not read the journal: {error}")
        vm.stop()
        backoffice.stop()
        for sim in sims:
            sim.stop()
    journal = (work / "journal.txt").read_text()
    leaked = [p for p in PERSONAL if p in journal]
    if leaked:
        raise RuntimeError(f"the guest's journal holds personal data: {len(leaked)} of the sample's fields")
    results.step("nothing of the sample identity in the guest's journal")


def walk_home(terminal, repo, results):
    reference = repo / "target" / "screenshots" / "01-home.png"

    def home_shown():
        shot = terminal.screendump("home")
        return screen.similar(shot, reference)

    started = time.monotonic()
    wait_for("Home on the virtual panel", home_shown, 180, interval=2)
    results.measure("READY to Home on the panel (screendump match)", f"{time.monotonic() - started:.1f} s")
    results.measure("memory at Home", terminal.memory())
    ready = re.search(r"since_start_ms=(\d+)", terminal.journal_tail(200))
    if not ready:
        raise RuntimeError("the kiosk never logged that its UI loop runs")
    results.measure("process start to first frame on DRM (kiosk's log)", f"{int(ready.group(1))} ms")
    results.step("Home on the virtual panel, matching the headless screenshot")


def walk_card(terminal, idcard, results):
    terminal.wait_screen("Home")
    terminal.tap("home/我要办事")
    wait_for("the identify screen after a tap", lambda: screen.changed(terminal.screendump("after-tap"),
                                                                     terminal.work / "home.png"), 60, interval=1)
    terminal.wait_screen("Identify", 30)
    results.step("a tap through usb-tablet, evdev and libinput changes the screen")
    placed = time.monotonic()
    idcard.command("place")
    terminal.wait_screen("Catalog", 60)
    results.measure("card placed to read (through the guest's ttyS1)", f"{time.monotonic() - placed:.1f} s")
    results.step("a card in the host simulator read through the guest's serial port")


def walk_watchdog(terminal, results):
    """A hung kiosk (SIGSTOP: no more watchdog pings) is killed by systemd and started again, back at Home."""
    pid = terminal.main_pid()
    stopped = time.monotonic()
    terminal.qga.sh(f"kill -STOP {pid}")
    wait_for("systemd to restart the stopped kiosk",
             lambda: terminal.main_pid() not in (0, pid) and terminal.show("ActiveState") == "active", 120,
             interval=1)
    results.measure("SIGSTOP to a new kiosk process, READY", f"{time.monotonic() - stopped:.0f} s")
    terminal.wait_screen("Home", 60)
    reason = terminal.qga.sh(f"journalctl -u kiosk --no-pager -o cat | grep -i 'watchdog timeout' | tail -n1",
                             check=False).strip()
    if not reason:
        raise RuntimeError("systemd did not say it killed the kiosk for its watchdog")
    results.step("watchdog: the SIGSTOPped kiosk was killed by systemd, restarted, and Home came back")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kiosk", required=True, help="the host's kiosk binary (for the simulators)")
    parser.add_argument("--deb", action="append", required=True, help="the package; a second one is the upgrade")
    parser.add_argument("--taps", required=True, help="button centres from the headless run (JSON)")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--keep", help="leave home.png, journal.txt, results.txt (and the rest) here")
    parser.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    args = parser.parse_args()
    if args.keep:
        work = Path(args.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="terminal-vm-"))
    results = Results()
    started = time.monotonic()
    failure = None
    try:
        walk(args, work, results)
    except Exception as error:
        failure = error
        traceback.print_exc()
    results.measure("whole run", f"{time.monotonic() - started:.0f} s")
    table = results.table()
    (work / "results.txt").write_text(table)
    print("\n" + table)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if failure:
        print(f"terminal-vm: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    print("terminal-vm: every step held")


if __name__ == "__main__":
    main()
