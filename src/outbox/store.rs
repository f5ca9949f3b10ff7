//! The outbox: packages waiting for the back office, in SQLite (WAL) with their files in a spool folder, written
//! so that a crash or power loss at any instant leaves either no package or a whole one: the files are written
//! and synced under a temporary name, renamed into place, and the database row comes last. Everything personal
//! on disk is encrypted with the device key. A delivered package's files are deleted.
//!
//! It always opens: whatever a power cut left half-written is cleared at start, and a key that went missing is an
//! alarm (no new application is taken) rather than a reason not to start or a reason to make a new key over the
//! packages the old one sealed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::crypto::{CryptoError, CryptoErrorKind, DeviceKey};
use super::lock::{DataLock, LockError, LockErrorKind};
use crate::durable::{remove_any, sync_dir, write_new};
use crate::package::{Manifest, Package, PackageFile};

/// Why the outbox could not do what was asked. The Display is technical English (logs, the heartbeat, a
/// technician's detail) and names no personal data; the app words it for people by [`OutboxError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("outbox disk error: {0}")]
    Io(#[from] std::io::Error),
    #[error("disk full: {needed} bytes needed, {free} free; no new application is taken")]
    DiskFull { needed: u64, free: u64 },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("device key lost ({0}): no new application is taken and the waiting ones cannot be decrypted; restore the key file and restart, or have a technician replace it")]
    KeyLost(String),
    #[error("stored package unreadable: {0}")]
    Format(String),
    #[error("no such package")]
    NotFound,
    #[error("the package is already here ({0})")]
    Duplicate(String),
    #[error(transparent)]
    Busy(#[from] LockError),
    #[error("the data folder {0} belongs to user {1}: run as that user (e.g. sudo -u kiosk kiosk …) so as not to leave files it cannot read")]
    ForeignOwner(String, u32),
}

/// What went wrong in the outbox, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxErrorKind {
    Database,
    Disk,
    DiskFull,
    Crypto(CryptoErrorKind),
    KeyLost,
    /// A stored package cannot be read back (its files or their index).
    Unreadable,
    NotFound,
    Duplicate,
    Lock(LockErrorKind),
    ForeignOwner,
}

impl OutboxError {
    pub fn kind(&self) -> OutboxErrorKind {
        match self {
            OutboxError::Db(_) => OutboxErrorKind::Database,
            OutboxError::Io(_) => OutboxErrorKind::Disk,
            OutboxError::DiskFull { .. } => OutboxErrorKind::DiskFull,
            OutboxError::Crypto(e) => OutboxErrorKind::Crypto(e.kind()),
            OutboxError::KeyLost(_) => OutboxErrorKind::KeyLost,
            OutboxError::Format(_) => OutboxErrorKind::Unreadable,
            OutboxError::NotFound => OutboxErrorKind::NotFound,
            OutboxError::Duplicate(_) => OutboxErrorKind::Duplicate,
            OutboxError::Busy(e) => OutboxErrorKind::Lock(e.kind()),
            OutboxError::ForeignOwner(..) => OutboxErrorKind::ForeignOwner,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct Index {
    pub files: Vec<IndexFile>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct IndexFile {
    pub sha256: String,
    pub content_type: String,
}

/// Why a package a lost key sealed was given up: the state says damaged; this tells technicians what to do.
const KEY_ABANDONED: &str =
    "sealed with the lost device key, it can no longer be decrypted: ask the applicant to apply again";

/// Room kept free on the disk beyond a package's own size, so the system itself never runs out.
const RESERVE_BYTES: u64 = 64 * 1024 * 1024;
/// How long the row of a delivered package is kept (for technicians' lists) unless configured otherwise.
pub const DEFAULT_RECORD_DAYS: u32 = 30;

pub struct Outbox {
    pub(super) db: Connection,
    spool: PathBuf,
    key_path: PathBuf,
    key: Option<DeviceKey>,
    /// Why there is no key although packages wait for one (shown to technicians, sent in the heartbeat).
    key_problem: Option<String>,
    /// How long a delivered package's files stay on the kiosk (default none).
    grace: Duration,
    /// How long a delivered package's row stays, in days.
    record_days: u32,
    _lock: DataLock,
}

pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Free bytes for an unprivileged writer on the file system holding `path`.
fn free_bytes(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path =
        std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a statvfs struct to fill, as statvfs(3) asks.
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// The outbox database of `data_dir`, in WAL mode with full syncs.
pub(super) fn open_db(data_dir: &Path) -> rusqlite::Result<Connection> {
    let db = Connection::open(data_dir.join("outbox.db"))?;
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "FULL")?;
    db.busy_timeout(Duration::from_secs(5))?;
    Ok(db)
}

/// How long a delivered package leaves traces on the kiosk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Its files (default: deleted at once).
    pub grace: Duration,
    /// Its row: receipt number and state, nothing personal, for technicians' lists.
    pub record_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            grace: Duration::ZERO,
            record_days: DEFAULT_RECORD_DAYS,
        }
    }
}

impl Outbox {
    /// [`Outbox::open_with`] the default retention.
    pub fn open(data_dir: &Path) -> Result<Outbox, OutboxError> {
        Outbox::open_with(data_dir, Retention::default())
    }

    /// Opens (or makes) the outbox in `data_dir`, taking the data folder's lock (another process holding it is
    /// [`OutboxError::Busy`]), and clears away what a crash left half-written and what `retention` lets go.
    pub fn open_with(data_dir: &Path, retention: Retention) -> Result<Outbox, OutboxError> {
        fs::create_dir_all(data_dir)?;
        // Root working in the kiosk user's folder would leave files (the lock, the key, the database's journal)
        // that the kiosk then cannot open.
        {
            use std::os::unix::fs::MetadataExt;
            let owner = fs::metadata(data_dir)?.uid();
            // SAFETY: geteuid has no preconditions and cannot fail.
            if unsafe { libc::geteuid() } == 0 && owner != 0 {
                return Err(OutboxError::ForeignOwner(
                    data_dir.display().to_string(),
                    owner,
                ));
            }
        }
        let lock = DataLock::acquire(data_dir)?;
        let spool = data_dir.join("spool");
        fs::create_dir_all(&spool)?;
        let db = open_db(data_dir)?;
        super::schema::migrate(&db)?;
        let mut outbox = Outbox {
            db,
            spool,
            key_path: data_dir.join("device.key"),
            key: None,
            key_problem: None,
            grace: retention.grace,
            record_days: retention.record_days,
            _lock: lock,
        };
        outbox.recover()?;
        outbox.open_key()?;
        Ok(outbox)
    }

    /// The device key: read; made on a first start (no key, nothing waiting); otherwise, when it is missing,
    /// empty or unusable while packages wait for it, kept as a problem and never replaced by a new one.
    fn open_key(&mut self) -> Result<(), OutboxError> {
        match DeviceKey::load(&self.key_path) {
            Ok(key) => self.key = Some(key),
            Err(CryptoError::NoKey(..)) if self.waiting()? == 0 => {
                self.key = Some(DeviceKey::create(&self.key_path)?)
            }
            Err(e) => {
                tracing::error!(error = %e, "device key unusable while packages wait for it");
                self.key_problem = Some(e.to_string());
            }
        }
        Ok(())
    }

    /// Why the packages cannot be opened, if the device key is lost.
    pub fn key_problem(&self) -> Option<&str> {
        self.key_problem.as_deref()
    }

    pub(super) fn key(&self) -> Result<&DeviceKey, OutboxError> {
        self.key
            .as_ref()
            .ok_or_else(|| OutboxError::KeyLost(self.key_problem.clone().unwrap_or_default()))
    }

    /// A technician gives up the packages a lost key sealed: each is marked damaged (its receipt number stays
    /// listed, so the applicants can be called), the unusable key file is kept aside, and a new key is made.
    pub fn replace_lost_key(&mut self) -> Result<usize, OutboxError> {
        if self.key.is_some() {
            return Ok(0);
        }
        let abandoned = self.db.execute(
            "UPDATE packages SET state = 'damaged', last_error = ?1 WHERE state != 'delivered'",
            [KEY_ABANDONED],
        )? + self.db.execute(
            "UPDATE evaluations SET state = 'damaged', last_error = ?1 WHERE state != 'delivered'",
            [KEY_ABANDONED],
        )?;
        if self.key_path.exists() {
            let aside = self.key_path.with_extension(format!("lost-{}", unix_now()));
            fs::rename(&self.key_path, aside)?;
        }
        self.key = Some(DeviceKey::create(&self.key_path)?);
        self.key_problem = None;
        tracing::warn!(abandoned, "lost device key replaced by a technician");
        Ok(abandoned)
    }

    pub(super) fn grace_is_zero(&self) -> bool {
        self.grace.is_zero()
    }

    /// Whether a new application can be taken: the device key is there, the spool is writable and the disk has
    /// room. When not, the kiosk stops taking applications (with this error's message) rather than lose one.
    pub fn accepting(&self) -> Result<(), OutboxError> {
        self.key()?;
        let free = free_bytes(&self.spool)?;
        // Room for a large application (10 pages and signatures) beyond the reserve.
        let needed = RESERVE_BYTES + 16 * 1024 * 1024;
        if free < needed {
            return Err(OutboxError::DiskFull { needed, free });
        }
        // A power cut between these two lines leaves the probe behind; the next start clears it.
        let probe = self.spool.join(".tmp-probe");
        remove_any(&probe)?;
        write_new(&probe, b"probe")?;
        fs::remove_file(&probe)?;
        Ok(())
    }

    /// Spool entries without a row (files or folders) are packages whose enqueue never finished (no receipt was
    /// given for them) or probes a power cut left behind; delivered packages whose files are still there past the
    /// grace period were interrupted while being deleted.
    fn recover(&self) -> Result<(), OutboxError> {
        let mut removed = false;
        for entry in fs::read_dir(&self.spool)? {
            let path = entry?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let keep = !name.starts_with(".tmp-") && self.knows(&name)?;
            if !keep {
                remove_any(&path)?;
                removed = true;
            }
        }
        if removed {
            sync_dir(&self.spool)?;
        }
        self.purge(unix_now())?;
        Ok(())
    }

    /// Deletes the files of packages delivered more than the grace period before `now` (Unix seconds), and the
    /// rows of those delivered more than the record period before it.
    pub fn purge(&self, now: i64) -> Result<usize, OutboxError> {
        let cutoff = now - self.grace.as_secs() as i64;
        let mut stmt = self.db.prepare(
            "SELECT package_id FROM packages WHERE state = 'delivered' AND COALESCE(delivered_unix, 0) <= ?1",
        )?;
        let ids = stmt
            .query_map([cutoff], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut removed = 0;
        for id in ids {
            let folder = self.folder(&id);
            if folder.exists() {
                remove_any(&folder)?;
                removed += 1;
            }
        }
        if removed > 0 {
            sync_dir(&self.spool)?;
        }
        let forget_before = now - i64::from(self.record_days) * 86_400;
        self.db.execute(
            "DELETE FROM packages WHERE state = 'delivered' AND COALESCE(delivered_unix, 0) < ?1",
            [forget_before],
        )?;
        self.db.execute(
            "DELETE FROM evaluations WHERE state = 'delivered' AND COALESCE(delivered_unix, 0) < ?1",
            [forget_before],
        )?;
        Ok(removed)
    }

    /// Whether the outbox has a row for `package_id`, whatever its state.
    pub fn knows(&self, package_id: &str) -> Result<bool, OutboxError> {
        Ok(self
            .db
            .query_row(
                "SELECT 1 FROM packages WHERE package_id = ?1",
                [package_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// How many packages and evaluations wait for delivery (queued, refused or damaged): all sealed by the key.
    fn waiting(&self) -> Result<u64, OutboxError> {
        Ok(self.db.query_row(
            "SELECT (SELECT COUNT(*) FROM packages WHERE state != 'delivered')
                  + (SELECT COUNT(*) FROM evaluations WHERE state != 'delivered')",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// The next receipt number of `day` (`YYYYMMDD`): `{kiosk_id}-{day}-{4-digit daily sequence}`.
    pub fn next_receipt_no(&mut self, kiosk_id: &str, day: &str) -> Result<String, OutboxError> {
        next_receipt_no(&mut self.db, kiosk_id, day)
    }

    pub(super) fn folder(&self, package_id: &str) -> PathBuf {
        self.spool.join(package_id)
    }

    fn context(package_id: &str, name: &str) -> Vec<u8> {
        format!("{package_id}/{name}").into_bytes()
    }

    /// Stores a package for upload. When this returns, the package survives any crash; before, none of it does.
    pub fn enqueue(&mut self, package: &Package) -> Result<(), OutboxError> {
        let key = self.key()?;
        let id = &package.manifest.package_id;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(OutboxError::Format("package id".into()));
        }
        if self.knows(id)? {
            return Err(OutboxError::Duplicate(package.manifest.receipt_no.clone()));
        }
        let bytes: u64 = package.files.iter().map(|f| f.bytes.len() as u64).sum();
        let free = free_bytes(&self.spool)?;
        let needed = bytes * 2 + RESERVE_BYTES;
        if free < needed {
            return Err(OutboxError::DiskFull { needed, free });
        }
        let temp = self.spool.join(format!(".tmp-{id}"));
        remove_any(&temp)?;
        fs::create_dir(&temp)?;
        let manifest = Zeroizing::new(
            serde_json::to_vec(&package.manifest)
                .map_err(|e| OutboxError::Format(e.to_string()))?,
        );
        write_new(
            &temp.join("manifest.enc"),
            &key.seal(&Self::context(id, "manifest"), &manifest),
        )?;
        let index = Index {
            files: package
                .files
                .iter()
                .map(|f| IndexFile {
                    sha256: f.sha256.clone(),
                    content_type: f.content_type.to_string(),
                })
                .collect(),
        };
        let index = serde_json::to_vec(&index).map_err(|e| OutboxError::Format(e.to_string()))?;
        write_new(
            &temp.join("index.enc"),
            &key.seal(&Self::context(id, "index"), &index),
        )?;
        for file in &package.files {
            let sealed = key.seal(&Self::context(id, &file.sha256), &file.bytes);
            write_new(&temp.join(format!("{}.enc", file.sha256)), &sealed)?;
        }
        sync_dir(&temp)?;
        fs::rename(&temp, self.folder(id))?;
        sync_dir(&self.spool)?;
        let m = &package.manifest;
        self.db.execute(
            "INSERT INTO packages (package_id, receipt_no, created_at, state, files, bytes, test)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6)",
            params![
                id,
                m.receipt_no,
                m.created_at,
                package.files.len() as i64,
                bytes as i64,
                m.test
            ],
        )?;
        Ok(())
    }

    /// A stored package, decrypted, for upload.
    pub fn load(&self, package_id: &str) -> Result<Package, OutboxError> {
        let key = self.key()?;
        let folder = self.folder(package_id);
        if !folder.is_dir() {
            return Err(OutboxError::NotFound);
        }
        let read = |name: &str, file: &str| -> Result<Zeroizing<Vec<u8>>, OutboxError> {
            Ok(Zeroizing::new(key.open(
                &Self::context(package_id, name),
                &fs::read(folder.join(file))?,
            )?))
        };
        let manifest: Manifest = serde_json::from_slice(&read("manifest", "manifest.enc")?)
            .map_err(|e| OutboxError::Format(e.to_string()))?;
        let index: Index = serde_json::from_slice(&read("index", "index.enc")?)
            .map_err(|e| OutboxError::Format(e.to_string()))?;
        let mut files = Vec::new();
        for f in index.files {
            let bytes = read(&f.sha256, &format!("{}.enc", f.sha256))?;
            files.push(PackageFile {
                content_type: crate::package::content_type(&f.content_type),
                sha256: f.sha256,
                bytes: bytes.to_vec(),
            });
        }
        Ok(Package { manifest, files })
    }
}

/// The next receipt number of `day` from the sequence in `db`, in one transaction: SQLite serialises it with any
/// other process doing the same (`kiosk selftest` beside the running kiosk).
pub fn next_receipt_no(
    db: &mut Connection,
    kiosk_id: &str,
    day: &str,
) -> Result<String, OutboxError> {
    let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO receipt_sequence (day, last) VALUES (?1, 1)
         ON CONFLICT (day) DO UPDATE SET last = last + 1",
        [day],
    )?;
    let n: i64 = tx.query_row(
        "SELECT last FROM receipt_sequence WHERE day = ?1",
        [day],
        |r| r.get(0),
    )?;
    tx.commit()?;
    Ok(format!("{kiosk_id}-{day}-{n:04}"))
}
