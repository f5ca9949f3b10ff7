//! A newer build installed under the running kiosk. `apt install` of a newer package replaces `/usr/bin/kiosk`,
//! and the package's scripts deliberately do not restart the unit: an applicant may be halfway through the form.
//! The kiosk notices that the file at its path is no longer the one it runs, and restarts itself into the new one
//! at the next idle Home (systemd's `Restart=always` starts it again).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the file is looked at: a `stat` every few seconds costs nothing.
const EVERY: Duration = Duration::from_secs(5);

/// The program file this process runs, and what its path holds.
pub struct InstalledBinary {
    path: PathBuf,
    started_as: Option<Identity>,
    next_look: Instant,
    /// What the path held at the previous look.
    seen: Option<Identity>,
}

impl InstalledBinary {
    /// The running program: its path, and the identity of the file actually running (`/proc/self/exe` follows
    /// the running inode, even when the path already holds a newer build).
    pub fn of_this_process() -> Option<InstalledBinary> {
        let path = std::env::current_exe().ok()?;
        let path = match path.to_str().and_then(|p| p.strip_suffix(" (deleted)")) {
            Some(original) => PathBuf::from(original),
            None => path,
        };
        Some(InstalledBinary {
            path,
            started_as: identity(Path::new("/proc/self/exe")),
            next_look: Instant::now(),
            seen: None,
        })
    }

    /// The file at `path`, as it is now, taken as the running one.
    pub fn at(path: &Path) -> InstalledBinary {
        InstalledBinary {
            path: path.to_path_buf(),
            started_as: identity(path),
            next_look: Instant::now(),
            seen: None,
        }
    }

    /// Whether another file now stands at the path (a new inode, or the same one changed). A missing file is
    /// not a replacement: the package manager may be between removing and placing it.
    pub fn replaced(&self) -> bool {
        match (self.started_as, identity(&self.path)) {
            (Some(then), Some(now)) => then != now,
            _ => false,
        }
    }

    /// Replaced, and the new file unchanged since the previous look a few seconds ago: the package manager has
    /// finished with it (dpkg changes the old file before it renames the new one over it, and configures the
    /// package after that). Looked at no more often than every few seconds.
    pub fn replaced_and_settled(&mut self, now: Instant) -> bool {
        if now < self.next_look {
            return false;
        }
        self.next_look = now + EVERY;
        let current = identity(&self.path);
        let previous = std::mem::replace(&mut self.seen, current);
        self.replaced() && current.is_some() && current == previous
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

    /// Replaces `path` as dpkg does: the old file kept under another name (a hard link), the new one written
    /// beside it and renamed over the path. The old inode stays alive, so the new file cannot reuse its number.
    fn dpkg_replace(path: &Path, content: &[u8]) {
        let backup = path.with_extension("dpkg-tmp");
        let _ = std::fs::remove_file(&backup);
        std::fs::hard_link(path, &backup).unwrap();
        let new = path.with_extension("dpkg-new");
        std::fs::write(&new, content).unwrap();
        std::fs::rename(&new, path).unwrap();
    }

    #[test]
    fn a_package_manager_s_replacement_is_taken_once_it_has_settled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk");
        std::fs::write(&path, b"old build").unwrap();
        let mut binary = InstalledBinary::at(&path);
        let start = Instant::now();
        assert!(!binary.replaced(), "the same file");
        assert!(!binary.replaced_and_settled(start));
        dpkg_replace(&path, b"new build");
        assert!(binary.replaced());
        // Seen replaced once: not yet, and not looked at again before the interval.
        assert!(!binary.replaced_and_settled(start + EVERY));
        assert!(!binary.replaced_and_settled(start + EVERY + Duration::from_secs(1)));
        // The same new file a look later: now.
        assert!(binary.replaced_and_settled(start + EVERY * 2));
    }

    #[test]
    fn a_file_still_changing_or_missing_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk");
        std::fs::write(&path, b"old build").unwrap();
        let mut binary = InstalledBinary::at(&path);
        let start = Instant::now();
        dpkg_replace(&path, b"new build");
        assert!(!binary.replaced_and_settled(start));
        // Replaced again before the next look (a second upgrade, or dpkg still at work): wait once more.
        dpkg_replace(&path, b"newer build");
        assert!(!binary.replaced_and_settled(start + EVERY));
        // Gone between removal and placement: not a replacement.
        std::fs::remove_file(&path).unwrap();
        assert!(!binary.replaced());
        assert!(!binary.replaced_and_settled(start + EVERY * 2));
    }
}
