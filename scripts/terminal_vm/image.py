"""The virtual terminal's disk: Debian 12 from Debian's packages (mmdebstrap, cached as a tarball), the pieces a
center's installer would add (fstab, DHCP, the camera module), and the project's .deb copied in for `apt install`."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

SUITE = "bookworm"
MIRROR = os.environ.get("KIOSK_VM_MIRROR", "http://deb.debian.org/debian")
# What a terminal's base system has before the kiosk's package: the kernel, systemd and udev, the guest agent the
# test drives it through, and the libraries the .deb depends on (so `apt install ./kiosk_*.deb` needs no network).
PACKAGES = [
    "linux-image-amd64",
    "systemd-sysv",
    "udev",
    "qemu-guest-agent",
    "iproute2",
    "libinput10",
    "libudev1",
    "libxkbcommon0",
    "adduser",
    "fontconfig",
    "libfontconfig1",
    "libgbm1",
    "libdrm2",
    "kmod",
    "ca-certificates",
]


def rootfs_tarball(cache: Path, log) -> Path:
    """The base system as a tarball, made once per package list and kept in `cache`."""
    key = hashlib.sha256(" ".join([SUITE, MIRROR] + PACKAGES).encode()).hexdigest()[:12]
    tarball = cache / f"rootfs-{SUITE}-{key}.tar"
    if tarball.exists():
        log(f"base system: {tarball} (cached)")
        return tarball
    cache.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".partial.tar")
    log(f"base system: mmdebstrap {SUITE} ({len(PACKAGES)} packages) -> {tarball}")
    subprocess.run(
        [
            "mmdebstrap",
            "--quiet",
            "--variant=apt",
            "--include=" + ",".join(PACKAGES),
            SUITE,
            str(partial),
            MIRROR,
        ],
        check=True,
    )
    partial.rename(tarball)
    return tarball


def _write(root: Path, path: str, text: str, mode=0o644):
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.chmod(mode)


def build_disk(tarball: Path, work: Path, debs, extra_files) -> dict:
    """Unpacks the base system, adds the installer's files and the packages, and makes an ext4 disk of it.
    Returns the disk, kernel and initrd paths."""
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(root), "--numeric-owner", "-xf", str(tarball)], check=True)
    _write(root, "/etc/fstab", "/dev/vda / ext4 rw,errors=remount-ro 0 1\n")
    _write(root, "/etc/hostname", "terminal\n")
    _write(root, "/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 terminal\n")
    _write(root, "/etc/systemd/network/20-wired.network", "[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n")
    # vivid, the kernel's virtual video driver, as the document camera: one capture node.
    _write(root, "/etc/modules-load.d/vivid.conf", "vivid\n")
    _write(root, "/etc/modprobe.d/vivid.conf", "options vivid n_devs=1 node_types=0x1\n")
    subprocess.run(["systemctl", f"--root={root}", "enable", "systemd-networkd.service"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Nothing in the background competing with the test for the guest's one slow CPU.
    for timer in ("apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer", "fstrim.timer"):
        subprocess.run(["systemctl", f"--root={root}", "mask", timer], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (root / "root" / "install").mkdir(parents=True, exist_ok=True)
    for deb in debs:
        shutil.copy(deb, root / "root" / "install" / Path(deb).name)
    for path, data in extra_files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    boot = root / "boot"
    kernel = sorted(boot.glob("vmlinuz-*"))[-1]
    initrd = sorted(boot.glob("initrd.img-*"))[-1]
    shutil.copy(kernel, work / "vmlinuz")
    shutil.copy(initrd, work / "initrd.img")
    disk = work / "disk.raw"
    if disk.exists():
        disk.unlink()
    subprocess.run(
        ["mke2fs", "-q", "-F", "-t", "ext4", "-L", "terminal", "-d", str(root), str(disk), "4G"], check=True
    )
    shutil.rmtree(root)
    return {"disk": disk, "kernel": work / "vmlinuz", "initrd": work / "initrd.img"}
