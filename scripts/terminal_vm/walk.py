"""What the virtual terminal's test walks, step by step, each asserted from outside the guest."""

import json
import re
import time

import screen
from hostsims import wait_for
from terminal import log

KIOSK_ID = "XIXIA-KIOSK-07"
SECRET = "vm-test-secret-0123456789"
UPGRADE_TAG = "vm-upgrade"


def install_and_configure(terminal, backoffice, printer_port, deb_name):
    qga = terminal.qga
    log(f"apt install ./{deb_name}, as the README tells a center")
    qga.sh(f"cd /root/install && DEBIAN_FRONTEND=noninteractive apt-get install -y ./{deb_name}", timeout=600)
    # A technician's edits: the kiosk's id, its devices, the back office and its CA; retries and heartbeats
    # closer together than a center's defaults, so the test need not wait half an hour.
    keyboard = qga.sh("ls /dev/input/by-id/ | grep -i 'QEMU_USB_Keyboard.*-event-kbd' | head -n1").strip()
    if not keyboard:
        raise RuntimeError("no USB keyboard in /dev/input/by-id:\n" + qga.sh("ls -l /dev/input/by-id/", check=False))
    qga.sh("install -o kiosk -g kiosk -m 0640 /root/install/backoffice-ca.pem /etc/kiosk/backoffice-ca.pem")
    edit_config(qga, [
        f's|^id = "XX-KIOSK-01"|id = "{KIOSK_ID}"|',
        's|^id_reader = "sim"|id_reader = "serial:/dev/ttyS1?baud=115200"|',
        f's|^printer = "sim"|printer = "tcp://10.0.2.2:{printer_port}"|',
        's|^camera = "sim"|camera = "v4l2:/dev/video0"|',
        f's|^scanner = "sim"|scanner = "evdev:/dev/input/by-id/{keyboard}"|',
        # This terminal has no camera facing the applicant: no face check.
        's|^face_camera = "sim"|face_camera = ""|',
        's|^# \\[backoffice\\]|[backoffice]|',
        f's|^# url = .*|url = "{backoffice.guest_url}"|',
        f's|^# secret = .*|secret = "{SECRET}"|',
        's|^# ca_file = .*|ca_file = "backoffice-ca.pem"|',
        's|^# retry_base_seconds = .*|retry_base_seconds = 2|',
        's|^# retry_max_seconds = .*|retry_max_seconds = 10|',
        's|^# heartbeat_seconds = .*|heartbeat_seconds = 10|',
    ], expect=[KIOSK_ID, "serial:/dev/ttyS1", "v4l2:/dev/video0", 'face_camera = ""', backoffice.guest_url,
               "retry_max_seconds = 10"])
    qga.sh("kiosk --config /etc/kiosk/kiosk.toml catalog check /etc/kiosk/catalog")
    # The technician's PIN, set as root: the file stays the kiosk's to read and rewrite.
    qga.run(["kiosk", "--config", "/etc/kiosk/kiosk.toml", "technician", "set-pin"], stdin="24681357\n")
    owner = qga.sh("stat -c '%U:%G %a' /etc/kiosk /etc/kiosk/kiosk.toml").split("\n")
    if owner[:2] != ["kiosk:kiosk 750", "kiosk:kiosk 640"]:
        raise RuntimeError(f"/etc/kiosk after the technician's edits: {owner}")


def edit_config(qga, edits, expect):
    qga.run(["sed", "-i", *sum((["-e", e] for e in edits), []), "/etc/kiosk/kiosk.toml"])
    text = qga.read_file("/etc/kiosk/kiosk.toml").decode()
    for expected in expect:
        if expected not in text:
            raise RuntimeError(f"the edited kiosk.toml lacks {expected}")


def start(terminal, results, reference):
    started = time.monotonic()
    terminal.qga.sh("systemctl start --no-block kiosk")
    terminal.wait_active()
    results.measure("systemctl start to READY=1", f"{time.monotonic() - started:.1f} s")
    results.step("kiosk.service active with READY=1")
    home(terminal, results, reference, "home")
    results.measure("memory at Home", terminal.memory())


def home(terminal, results, reference, name):
    started = time.monotonic()
    wait_for("Home on the virtual panel",
             lambda: screen.similar(terminal.screendump(name), reference), 180, interval=2)
    results.measure(f"READY to Home on the panel ({name})", f"{time.monotonic() - started:.1f} s")
    ready = re.search(r"since_start_ms=(\d+)", "\n".join(terminal.own_log("ready: ")))
    if not ready:
        raise RuntimeError("the kiosk never logged that its UI loop runs")
    results.measure(f"process start to UI loop running, READY ({name})", f"{int(ready.group(1))} ms")
    results.step(f"Home on the virtual panel ({name}), matching the headless screenshot")


def to_the_form(terminal, idcard, results):
    """我要办事 with a finger, the card in the host's simulator, then the headless walk up to the form."""
    marks = {}

    def place():
        marks["placed"] = time.monotonic()
        idcard.command("place")

    def measure(screen_name):
        if screen_name == "Identify":
            # The journal says so as the screen is filled; the frame follows.
            wait_for("the panel to change after the tap",
                     lambda: screen.changed(terminal.screendump("after-tap"), terminal.work / "home.png"), 30)
            results.step("a tap through usb-tablet, evdev and libinput changes the screen")
        if screen_name == "Consent" and "placed" in marks:
            results.measure("card placed to read (guest's ttyS1)", f"{time.monotonic() - marks.pop('placed'):.1f} s")
            results.step("a card in the host simulator read through the guest's serial port")

    terminal.replay("form", {"place_card": place}, measure)
    results.step("a finger through the catalog, the question and the items to the form")


def upgrade_on_the_form(terminal, deb_name, results):
    """A newer package installed while the applicant is on the form: the visit goes on in the same process."""
    pid = terminal.main_pid()
    terminal.qga.sh(f"cd /root/install && DEBIAN_FRONTEND=noninteractive apt-get install -y ./{deb_name}",
                    timeout=600)
    version = terminal.qga.sh("dpkg-query -W -f '${Version}' kiosk").strip()
    if not version.endswith("-2"):
        raise RuntimeError(f"the upgrade did not install: kiosk {version}")
    time.sleep(12)  # longer than the kiosk's two looks at its own file: it must not restart mid-visit
    if terminal.main_pid() != pid or terminal.screen() != "Form":
        raise RuntimeError("the upgrade ended the applicant's visit")
    results.step(f"apt install of a newer build ({version}) on the form: same process, still on the form")


def submit_while_the_back_office_is_down(terminal, idcard, backoffice, printer_record, results):
    backoffice.stop()
    marks = {}

    def measure(screen_name):
        if screen_name == "Check":
            marks["submitted"] = time.monotonic()
        if screen_name == "Done" and "submitted" in marks:
            results.measure("check answers to the done page (10 pages)", f"{time.monotonic() - marks['submitted']:.1f} s")

    terminal.replay("done", {}, measure)
    results.step("10 pages captured from vivid (YUYV through V4L2)")
    receipt_no, code = wait_for("the receipt at the printer simulator", lambda: printed_receipt(printer_record), 60)
    results.step("the receipt reached the printer simulator over TCP")
    results.measure("memory after the path", terminal.memory())
    waiting = terminal.outbox()
    if not any(r == receipt_no for r, _ in waiting):
        raise RuntimeError(f"the outbox does not hold {receipt_no}: {waiting}")
    terminal.replay("home", {"remove_card": lambda: idcard.command("remove")})
    return receipt_no, code


def printed_receipt(record):
    """The receipt number and check code from the receipt's QR code, as the printer received them."""
    if not record.exists():
        return None
    data = record.read_bytes()
    found = re.search(rb"(" + KIOSK_ID.encode() + rb"[0-9A-Z-]+) ([0-9A-Z]{8})", data)
    return (found.group(1).decode(), found.group(2).decode()) if found else None


def restarts_into_the_new_build(terminal, pid_on_form, results):
    """Back at idle Home, the kiosk restarts itself into the version the upgrade installed."""
    wait_for("the kiosk restarted into the new build",
             lambda: terminal.main_pid() not in (0, pid_on_form) and terminal.show("ActiveState") == "active",
             120, interval=1)
    said = terminal.qga.sh(f"journalctl -b _PID={pid_on_form} -o cat --no-pager | tail -n 40", check=False)
    if "a newer build is installed: restarting into it at idle Home" not in said:
        raise RuntimeError("the kiosk on the form ended without restarting itself for the new build")
    started = terminal.own_log("kiosk starting")
    if not started or UPGRADE_TAG not in started[-1]:
        raise RuntimeError(f"the restarted kiosk is not the new build: {started}")
    results.step("at the next idle Home the kiosk restarted itself into the new build")


def reboot_keeps_the_package(terminal, vm, receipt_no, results):
    boot_id = terminal.qga.sh("cat /proc/sys/kernel/random/boot_id").strip()
    vm.reboot()
    wait_for("a new boot", lambda: fresh_boot(vm, boot_id), 600, interval=2)
    terminal.wait_active()
    ready_us = int(terminal.show("ActiveEnterTimestampMonotonic") or 0)
    results.measure("boot to READY (kernel start to kiosk.service active)", f"{ready_us / 1e6:.1f} s")
    if not any(r == receipt_no for r, _ in terminal.outbox()):
        raise RuntimeError(f"after the reboot the outbox lost {receipt_no}")
    results.step("a reboot with the back office down kept the queued package")


def fresh_boot(vm, old_boot_id):
    try:
        vm.agent(timeout=10)
        return vm.qga.sh("cat /proc/sys/kernel/random/boot_id").strip() != old_boot_id
    except Exception:
        return False


def delivered_over_https(backoffice, receipt_no, results):
    backoffice.start()
    started = time.monotonic()
    wait_for("the package at the back office",
             lambda: backoffice.query("SELECT 1 FROM packages WHERE receipt_no = ?", receipt_no), 180, interval=1)
    results.measure("back office up to the package stored there", f"{time.monotonic() - started:.1f} s")
    results.step("the queued package arrived at the back office over HTTPS once it was up")

    def upgraded_heartbeat():
        rows = backoffice.query("SELECT body FROM heartbeats WHERE kiosk_id = ?", KIOSK_ID)
        return rows and json.loads(rows[0][0]).get("version", "").endswith(UPGRADE_TAG)

    wait_for("a heartbeat from the new build", upgraded_heartbeat, 120, interval=1)
    results.step("the heartbeat's version is the new build's")


def scan_the_receipt(terminal, receipt_no, code, send_scan, scanner_name, results):
    """进度查询/领取 with a finger, then the receipt's QR code from a scanner: the application is found."""
    terminal.tap("Home/进度查询 / 领取")
    terminal.wait_screen("Status", 60)
    before = len(terminal.own_log("status look-up"))
    send_scan(f"{receipt_no} {code}")
    wait_for(f"a look-up by the code scanned on the {scanner_name}",
             lambda: len(terminal.own_log("status look-up.*found=1")) > before, 60, interval=0.5)
    results.step(f"the receipt's code scanned on the {scanner_name} found the application")
    terminal.tap("Status/首页")
    terminal.wait_screen("Home", 60)


def watchdog(terminal, results, reference):
    """A hung kiosk (SIGSTOP: no more watchdog pings) is killed by systemd and started again, back at Home."""
    pid = terminal.main_pid()
    stopped = time.monotonic()
    terminal.qga.sh(f"kill -STOP {pid}")
    wait_for("systemd to restart the stopped kiosk",
             lambda: terminal.main_pid() not in (0, pid) and terminal.show("ActiveState") == "active", 120,
             interval=1)
    results.measure("SIGSTOP to a new kiosk process, READY", f"{time.monotonic() - stopped:.0f} s")
    home(terminal, results, reference, "home-after-watchdog")
    reason = terminal.qga.sh("journalctl -u kiosk --no-pager -o cat | grep -i 'watchdog timeout' | tail -n1",
                             check=False).strip()
    if not reason:
        raise RuntimeError("systemd did not say it killed the kiosk for its watchdog")
    results.step("watchdog: the SIGSTOPped kiosk was killed by systemd, restarted, and Home came back")


TOUCH_RULE = "/etc/udev/rules.d/99-kiosk-touch.rules"


def prepare_rotation(terminal):
    """As a technician turning the panel: display.rotation = 90 and the touch calibration line for this
    panel's touch device (it shows as an absolute pointer, matched by name); the serial scanner instead of the
    HID one."""
    qga = terminal.qga
    rules = qga.read_file("/usr/lib/udev/rules.d/99-kiosk.rules").decode()
    line = next((l for l in rules.splitlines() if "ATTRS{name}" in l and "0 1 0 -1 0 1" in l), None)
    if line is None:
        raise RuntimeError("99-kiosk.rules has no calibration example for a pointer-mode touch panel at 90°")
    line = line.lstrip("# ").replace("YOUR PANEL NAME", "QEMU QEMU USB Tablet")
    qga.write_file(TOUCH_RULE, (line + "\n").encode())
    edit_config(qga, ['s|^rotation = 0|rotation = 90|', 's|^scanner = "evdev:.*|scanner = "serial:/dev/ttyS2?suffix=cr"|'],
                expect=["rotation = 90", "serial:/dev/ttyS2"])
