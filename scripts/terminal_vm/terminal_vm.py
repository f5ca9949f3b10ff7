"""The shipped terminal in a virtual machine, walked from outside. Run through scripts/terminal-vm.sh."""

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import image
import walk
from hostsims import BackOffice, Sim, make_test_ca
from terminal import Terminal, log
from vm import Vm, kvm_works

# The sample identity the host's card simulator serves, and the phone typed on the form: none of it may reach
# the guest's journal.
PERSONAL = ["张三", "11010519491231002X", "白羽路100号", "13800138000"]


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
        width = max([len(n) for n, _ in self.rows] + [11])
        lines = [f"{'measurement'.ljust(width)} | value", f"{'-' * width}-|-{'-' * 24}"]
        lines += [f"{n.ljust(width)} | {v}" for n, v in self.rows]
        lines += ["", "steps that held:"] + [f"  ok  {s}" for s in self.steps]
        return "\n".join(lines) + "\n"


def run(args, work, results):
    kiosk = Path(args.kiosk).resolve()
    repo = Path(__file__).resolve().parents[2]
    reference = repo / "target" / "screenshots" / "01-home.png"
    taps = json.loads(Path(args.taps).read_text())
    tarball = image.rootfs_tarball(Path(args.cache), log)
    ca, cert, key = make_test_ca(work / "tls")
    backoffice = BackOffice(kiosk, work, walk.KIOSK_ID, walk.SECRET, repo / "config" / "catalog", (cert, key))
    backoffice.start()
    printer_record = work / "printer.bin"
    printer = Sim(kiosk, ["printer", "--tcp", "127.0.0.1:0", "--record", str(printer_record)], work / "printer.log")
    printer_port = int(printer.address.rsplit(":", 1)[1])
    idcard = Sim(kiosk, ["idcard", "--no-card"], work / "idcard.log")
    scanner = Sim(kiosk, ["scanner"], work / "scanner.log")
    log(f"back office {backoffice.sim.address}, printer {printer.address}, ID reader {idcard.address}, "
        f"serial scanner {scanner.address}")
    sims = [printer, idcard, scanner]
    debs = [Path(d) for d in args.deb]
    disk = image.build_disk(tarball, work, debs, {"/root/install/backoffice-ca.pem": ca.read_bytes()})
    kvm = (args.accel == "kvm") or (args.accel == "auto" and kvm_works(disk["kernel"], log))
    vm = Vm(work, disk, (1080, 1920), [idcard.address, scanner.address], kvm=kvm)
    results.measure("accelerator", vm.accel)
    terminal = Terminal(vm, taps, work)
    try:
        vm.start()
        booted = time.monotonic()
        vm.agent(timeout=900)
        results.measure("boot to guest agent (first boot)", f"{time.monotonic() - booted:.0f} s")
        walk.install_and_configure(terminal, backoffice, printer_port, debs[0].name)
        results.step("apt install ./kiosk_*.deb and a technician's kiosk.toml")
        walk.start(terminal, results, reference)

        walk.to_the_form(terminal, idcard, results)
        pid_on_form = terminal.main_pid()
        walk.upgrade_on_the_form(terminal, debs[1].name, results)
        receipt_no, code = walk.submit_while_the_back_office_is_down(
            terminal, idcard, backoffice, printer_record, results)
        walk.restarts_into_the_new_build(terminal, pid_on_form, results)
        walk.reboot_keeps_the_package(terminal, vm, receipt_no, results)
        walk.delivered_over_https(backoffice, receipt_no, results)
        walk.scan_the_receipt(terminal, receipt_no, code, lambda code: vm.qmp.type_on_keyboard(code + "\n"), "USB keyboard (evdev)",
                              results)
        walk.watchdog(terminal, results, reference)
        PERSONAL.append(code)  # the receipt's check code, scanned twice: content no log may hold
        no_personal_data(terminal, work, results, "after the path")

        # The panel turned: landscape 1920×1080 with the picture at 90°, and the serial scanner.
        walk.prepare_rotation(terminal)
        vm.stop()
        vm.panel = (1920, 1080)
        terminal.rotation = 90
        vm.start()
        vm.agent(timeout=900)
        terminal.wait_active()
        walk.home(terminal, results, reference, "home-rotated")
        terminal.tap("Home/我要办事")
        terminal.wait_screen("Identify", 60)
        results.step("rotation 90 on a 1920×1080 panel: a tap on 我要办事 lands on it")
        terminal.tap("Status/首页")  # the shell's bar: the same place on every screen
        terminal.wait_screen("Home", 60)
        walk.scan_the_receipt(terminal, receipt_no, code, scanner.command, "serial scanner (guest ttyS2)",
                              results)
        no_personal_data(terminal, work, results, "at the end")
    finally:
        try:
            if vm.qga and vm.process and vm.process.poll() is None:
                (work / "journal.txt").write_text(vm.qga.sh("journalctl --no-pager", check=False, timeout=180))
        except Exception as error:  # the journal is evidence, never the reason a run fails
            log(f"could not read the journal: {error}")
        vm.stop()
        backoffice.stop()
        for sim in sims:
            sim.stop()


def no_personal_data(terminal, work, results, when):
    """The guest's whole journal (every boot) holds nothing of the sample identity nor the typed phone."""
    journal = terminal.qga.sh("journalctl --no-pager", timeout=180)
    (work / f"journal-{when.replace(' ', '-')}.txt").write_text(journal)
    leaked = [p for p in PERSONAL if p in journal]
    if leaked:
        raise RuntimeError(f"the guest's journal holds personal data: {len(leaked)} of the sample's fields")
    results.step(f"nothing of the sample identity in the guest's journal {when}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kiosk", required=True, help="the host's kiosk binary (for the simulators)")
    parser.add_argument("--deb", action="append", required=True, help="the package, then its newer build")
    parser.add_argument("--taps", required=True, help="the headless walk's finger movements (JSON)")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--keep", help="leave home.png, journal.txt, results.txt (and the rest) here")
    parser.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    args = parser.parse_args()
    if len(args.deb) != 2:
        parser.error("give --deb twice: the package and a newer build of it")
    if args.keep:
        work = Path(args.keep).resolve()
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="terminal-vm-"))
    results = Results()
    started = time.monotonic()
    failure = None
    try:
        run(args, work, results)
    except Exception as error:
        failure = error
        traceback.print_exc()
        journal = work / "journal.txt"
        if journal.exists():
            print("--- the kiosk's last journal lines ---")
            print("\n".join(l for l in journal.read_text().splitlines() if "kiosk" in l)[-6000:])
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
