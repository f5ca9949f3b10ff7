//! Where a USB stick is: the mounts under `/media` or `/run/media` whose block device is removable (its disk's
//! `removable` flag, or a disk on the USB bus). An empty folder in `/media` on the internal disk is not a stick,
//! and writing there would report an export that never left the kiosk.

use std::path::{Path, PathBuf};

/// The mount points of removable disks, as this process sees them.
pub fn removable_mounts() -> Vec<PathBuf> {
    let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    removable_mounts_in(&text, Path::new("/sys"))
}

/// [`removable_mounts`] for a given `mountinfo` text and sysfs root (tests give their own).
pub fn removable_mounts_in(mountinfo: &str, sys: &Path) -> Vec<PathBuf> {
    mountinfo
        .lines()
        .filter_map(|line| {
            // ID PARENT MAJOR:MINOR ROOT MOUNT_POINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPER_OPTIONS
            let mut fields = line.split(' ');
            let device = fields.nth(2)?;
            let mount_point = unescape(fields.nth(1)?);
            let under_media =
                mount_point.starts_with("/media/") || mount_point.starts_with("/run/media/");
            (under_media && is_removable(sys, device)).then(|| PathBuf::from(mount_point))
        })
        .collect()
}

/// Mount points escape space, tab, newline and backslash as octal (`\040`).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 4 <= bytes.len() {
            let digits = std::str::from_utf8(&bytes[i + 1..i + 4]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(digits, 8) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the block device `major:minor` is a removable disk or a partition of one.
fn is_removable(sys: &Path, device: &str) -> bool {
    let Ok(node) = std::fs::canonicalize(sys.join("dev/block").join(device)) else {
        return false;
    };
    let flag =
        |dir: &Path| std::fs::read_to_string(dir.join("removable")).is_ok_and(|v| v.trim() == "1");
    // A partition (sdb1) has no flag of its own; its disk (sdb) is the folder above.
    let disk_flag = flag(&node) || node.parent().is_some_and(flag);
    let on_usb = node
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with("usb"));
    disk_flag || on_usb
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sysfs tree with an internal SATA disk and a USB stick, each with one partition.
    fn sysfs(root: &Path) {
        let disks = [
            ("8:1", "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sda1", "0"),
            (
                "8:17",
                "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb",
                "sdb1",
                "1",
            ),
        ];
        std::fs::create_dir_all(root.join("dev/block")).unwrap();
        for (numbers, disk, partition, removable) in disks {
            let disk = root.join(disk);
            std::fs::create_dir_all(disk.join(partition)).unwrap();
            std::fs::write(disk.join("removable"), format!("{removable}\n")).unwrap();
            std::os::unix::fs::symlink(disk.join(partition), root.join("dev/block").join(numbers))
                .unwrap();
        }
    }

    #[test]
    fn only_removable_disks_under_media_count() {
        let dir = tempfile::tempdir().unwrap();
        sysfs(dir.path());
        let mountinfo = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 8:1 /srv/fake /media/kiosk/FAKE rw,relatime shared:2 - ext4 /dev/sda1 rw
41 22 8:17 / /media/kiosk/MY\\040STICK rw,nosuid,nodev shared:3 - vfat /dev/sdb1 rw
42 22 8:17 / /mnt/elsewhere rw shared:4 - vfat /dev/sdb1 rw
43 22 0:45 / /media/kiosk/tmp rw shared:5 - tmpfs tmpfs rw
";
        assert_eq!(
            removable_mounts_in(mountinfo, dir.path()),
            vec![PathBuf::from("/media/kiosk/MY STICK")]
        );
        assert!(removable_mounts_in("garbage\n\n1 2", dir.path()).is_empty());
    }
}
