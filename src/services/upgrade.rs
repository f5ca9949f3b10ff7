//! A newer build installed under the running kiosk. `apt install` of a newer package replaces `/usr/bin/kiosk`,
//! and the package's scripts deliberately do not restart the unit: an applicant may be halfway through the form.
//! The kiosk notices that the file it was started from is no longer the one at that path, and restarts itself
//! into the new one at the next idle Home (systemd's `Restart=always` starts it again).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the file is looked at: a `stat` every few seconds costs nothing.
const EVERY: Duration = Duration::from_secs(5);

/// The program file this process was started from, as it was then.
pub struct InstalledBinary {
    path: PathBuf,
    started_as: Option<Identity>,
    next_look: Instant,
}

impl InstalledBinary {
    /// The running program's file (`/proc/self/exe` as it was at start).
    pub fn of_this_process() -> Option<InstalledBinary> {
        std::env::current_exe()
            .ok()
            .map(|path| InstalledBinary::at(&path))
    }

    pub fn at(path: &Path) -> InstalledBinary {
        InstalledBinary {
            path: path.to_path_buf(),
            started_as: identity(path),
            next_look: Instant::now(),
        }
    }

    /// Whether another file now stands at the path (a new inode, or the same one rewritten). A missing file is
    /// not a replacement: the package manager may be between removing and placing it.
    pub fn replaced(&self) -> bool {
        match (self.started_as, identity(&self.path)) {
            (Some(then), Some(now)) => then != now,
            _ => false,
        }
    }

    /// `replaced`, looked at no more often than every few seconds.
    pub fn replaced_by_now(&mut self, now: Instant) -> bool {
        if now < self.next_look {
            return false;
        }
        self.next_look = now + EVERY;
        self.replaced()
    }
}

/// The file's device, inode and change time: an inode number may be reused by the next file made, its change
/// time to the nanosecond hardly.
fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()))
}

type Identity = (u64, u64, i64, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_manager_s_replacement_is_noticed_and_a_missing_file_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk");
        std::fs::write(&path, b"old build").unwrap();
        let mut binary = InstalledBinary::at(&path);
        assert!(!binary.replaced(), "the same file");
        // dpkg unpacks the new file beside the old and renames it over (a new inode).
        std::fs::remove_file(&path).unwrap();
        assert!(!binary.replaced(), "nothing there yet");
        let new = dir.path().join("kiosk.dpkg-new");
        std::fs::write(&new, b"new build").unwrap();
        std::fs::rename(&new, &path).unwrap();
        assert!(binary.replaced());
        // Looked at once, then not again until the interval has passed.
        let now = Instant::now();
        assert!(binary.replaced_by_now(now));
        assert!(!binary.replaced_by_now(now + Duration::from_secs(1)));
        assert!(binary.replaced_by_now(now + EVERY));
    }
}
