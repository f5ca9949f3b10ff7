//! One process owns the data folder at a time: an exclusive `flock` on `data_dir/owner.lock`, held as long as the
//! outbox is open. The kernel drops it when the process ends however it ends (a crash, SIGKILL, a power cut), so
//! a stale lock never stops the next start. Commands run beside a running kiosk find it taken and refuse, rather
//! than recover, retry or delete under the kiosk's feet.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

pub const LOCK_FILE: &str = "owner.lock";

/// The data folder's lock, released when dropped.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

/// Another process holds the lock, or the lock file cannot be opened. The Display is technical English; the
/// app words it by [`LockError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the data folder is in use by another process ({}): usually the running kiosk", .pid.map(|p| format!("pid {p}")).unwrap_or_else(|| "pid unknown".into()))]
    Busy { pid: Option<u32> },
    #[error("cannot open the data folder's lock file: {0}")]
    Io(#[from] io::Error),
}

/// What went wrong taking the lock, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockErrorKind {
    Busy,
    Io,
}

impl LockError {
    pub fn kind(&self) -> LockErrorKind {
        match self {
            LockError::Busy { .. } => LockErrorKind::Busy,
            LockError::Io(_) => LockErrorKind::Io,
        }
    }
}

impl DataLock {
    /// Takes the lock, waiting up to a second for it; [`LockError::Busy`] names the holder's process when it
    /// wrote one. (The short wait covers a lock just let go by a process whose child still held a copy of the
    /// descriptor between fork and exec.)
    pub fn acquire(data_dir: &Path) -> Result<DataLock, LockError> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            match DataLock::try_acquire(data_dir) {
                Err(LockError::Busy { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                other => return other,
            }
        }
    }

    /// Takes the lock if it is free now.
    pub fn try_acquire(data_dir: &Path) -> Result<DataLock, LockError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(data_dir.join(LOCK_FILE))?;
        // SAFETY: flock on a descriptor this function owns; it has no memory effects.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Busy {
                    pid: text.trim().parse().ok(),
                });
            }
            return Err(LockError::Io(e));
        }
        // The holder's pid, for the message another process shows; the lock itself is the flock.
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(DataLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_owner_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::acquire(dir.path()).unwrap();
        match DataLock::acquire(dir.path()) {
            Err(LockError::Busy { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(first);
        DataLock::acquire(dir.path()).expect("free once dropped");
    }
}
