"""The virtual terminal itself: QEMU with a portrait virtio-gpu panel (DRM/KMS), a USB tablet as the touch panel,
a USB keyboard as the HID code scanner, two serial ports wired to host pseudo-terminals (ID card reader, serial
scanner), user networking to the host's printer and back office, QMP and the guest agent on Unix sockets."""

import subprocess
import time
from pathlib import Path

from channels import Qga, Qmp


def kvm_works(kernel: Path, log) -> bool:
    """Nested KVM here was seen to hang at boot: give it 20 s to print the kernel's banner, else use TCG."""
    try:
        run = subprocess.run(
            ["qemu-system-x86_64", "-accel", "kvm", "-m", "256", "-kernel", str(kernel),
             "-append", "console=ttyS0 panic=-1", "-no-reboot", "-display", "none", "-serial", "stdio"],
            capture_output=True, timeout=20, text=True, errors="replace",
        )
        output = run.stdout + run.stderr
    except subprocess.TimeoutExpired as timeout:
        output = (timeout.stdout or b"").decode(errors="replace") if isinstance(timeout.stdout, bytes) else (
            timeout.stdout or "")
    works = "Kernel panic" in output
    log(f"KVM probe: {'works' if works else 'no kernel panic in 20 s; TCG it is'}")
    return works


class Vm:
    def __init__(self, work: Path, disk: dict, panel, serials, kvm: bool):
        self.work, self.disk, self.serials, self.kvm = work, disk, serials, kvm
        self.panel = panel
        self.process = None
        self.qmp = None
        self.qga = None
        self.boots = 0

    @property
    def accel(self):
        return "KVM" if self.kvm else "TCG"

    def start(self):
        width, height = self.panel
        self.boots += 1
        for socket in ("qmp.sock", "qga.sock"):
            (self.work / socket).unlink(missing_ok=True)
        machine = ["-accel", "kvm"] if self.kvm else ["-accel", "tcg,thread=multi", "-cpu", "max"]
        command = [
            "qemu-system-x86_64", *machine, "-machine", "q35", "-m", "2048", "-smp", "2",
            "-kernel", str(self.disk["kernel"]), "-initrd", str(self.disk["initrd"]),
            "-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet",
            "-drive", f"file={self.disk['disk']},format=raw,if=virtio,cache=unsafe",
            "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0",
            "-vga", "none", "-device", f"virtio-gpu-pci,id=panel,xres={width},yres={height}",
            "-device", "qemu-xhci,id=xhci",
            # Both bound to the panel's console, so QMP's events go to them and not to the machine's PS/2 ports.
            "-device", "usb-tablet,bus=xhci.0,id=touch,display=panel",
            "-device", "usb-kbd,bus=xhci.0,id=scanner,display=panel",
            "-serial", f"file:{self.work / f'console-{self.boots}.log'}",
            *[arg for path in self.serials for arg in ("-serial", path)],
            "-chardev", f"socket,id=qga0,path={self.work / 'qga.sock'},server=on,wait=off",
            "-device", "virtio-serial-pci",
            "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
            "-qmp", f"unix:{self.work / 'qmp.sock'},server=on,wait=off",
            "-display", "none",
        ]
        self.log = open(self.work / f"qemu-{self.boots}.log", "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.qmp = Qmp(str(self.work / "qmp.sock"))

    def agent(self, timeout=600):
        if self.process.poll() is not None:
            raise RuntimeError(f"QEMU exited {self.process.returncode}; see {self.log.name}")
        # QEMU's socket serves one client at a time: an old connection would keep the new one unanswered.
        if self.qga:
            self.qga.close()
            self.qga = None
        self.qga = Qga(str(self.work / "qga.sock"), timeout)
        return self.qga

    def reboot(self, timeout=600):
        """A reboot from inside, as a power button's press would do it; the same QEMU boots it again."""
        # Started, never waited for: the agent stops with the system. (The agent's guest-shutdown goes through
        # shutdown(8), which needs D-Bus, and a terminal's minimal system has none.) The caller waits for a new
        # boot id.
        self.qga.execute("guest-exec", path="/bin/systemctl", arg=["reboot"])
        self.qga.close()
        self.qga = None
        time.sleep(5)

    def stop(self):
        if self.process and self.process.poll() is None:
            try:
                if self.qga:
                    self.qga.execute("guest-exec", path="/bin/systemctl", arg=["poweroff"])
                    self.qga.close()
            except Exception:
                pass
            self.qga = None
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()
