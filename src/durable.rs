//! Files that survive a power cut: written whole under a temporary name in the same folder, synced, renamed over
//! the old one, and the folder synced, so the path holds the old content or all of the new, never half of it. A
//! replaced file keeps its owner and mode (technicians edit the configuration as root; the kiosk's user must
//! still read it afterwards).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Writes `bytes` to `path` atomically; a new file gets `mode`, a replaced one keeps its mode and owner.
pub fn write_atomically_with_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.new"));
    let old = fs::metadata(path).ok();
    {
        let _ = fs::remove_file(&temp);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temp)?;
        if let Some(old) = &old {
            file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))?;
            if old.uid() != file.metadata()?.uid() || old.gid() != file.metadata()?.gid() {
                // Only root may give a file away; anyone else writes files that are theirs anyway.
                if let Err(e) = std::os::unix::fs::fchown(&file, Some(old.uid()), Some(old.gid())) {
                    if e.raw_os_error() != Some(libc::EPERM) {
                        return Err(e);
                    }
                }
            }
        }
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&temp, path)?;
    sync_dir(dir)
}

/// Writes `bytes` to `path` atomically, as [`write_atomically_with_mode`] with mode 0644 for a new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with_mode(path, bytes, 0o644)
}

/// Writes a new file (it must not exist) and syncs it: for files inside a folder that is itself renamed into place.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a folder's entries (files created, renamed or removed in it) durable.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// Removes whatever is at `path`, file or folder; nothing there is no error.
pub fn remove_any(path: &Path) -> io::Result<()> {
    let result = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_given_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        write_atomically_with_mode(&path, b"one", 0o600).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o640);
        assert!(!dir.path().join(".kiosk.toml.new").exists());
    }

    #[test]
    fn anything_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let folder = dir.path().join("d");
        fs::write(&file, b"x").unwrap();
        fs::create_dir_all(folder.join("inner")).unwrap();
        remove_any(&file).unwrap();
        remove_any(&folder).unwrap();
        remove_any(&dir.path().join("never-was")).unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
