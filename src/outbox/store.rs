//! The outbox: packages waiting for the back office, in SQLite (WAL) with their files in a spool folder, written
//! so that a crash or power loss at any instant leaves either no package or a whole one: the files are written
//! and synced under a temporary name, renamed into place, and the database row comes last. Everything personal
//! on disk is encrypted with the device key. A delivered package's files are deleted.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::crypto::{CryptoError, DeviceKey};
use crate::package::{Manifest, Package, PackageFile};

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("申报材料存储出错：{0}")]
    Db(#[from] rusqlite::Error),
    #[error("申报材料无法写入磁盘：{0}")]
    Io(#[from] std::io::Error),
    #[error("磁盘空间不足，暂停受理新的申请（需要 {needed} 字节，剩余 {free} 字节）")]
    DiskFull { needed: u64, free: u64 },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("申报材料包内容无法读取：{0}")]
    Format(String),
    #[error("没有这个申报材料包")]
    NotFound,
}

/// Where a package stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Waiting for (another) upload attempt.
    Queued,
    /// The back office has it (its manifest was answered 200 or 201); the kiosk's copy is gone.
    Delivered,
    /// The back office refused the kiosk (401): kept, not retried in a loop, shown to technicians.
    Refused,
}

impl State {
    fn code(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Delivered => "delivered",
            State::Refused => "refused",
        }
    }

    fn from_code(code: &str) -> State {
        match code {
            "delivered" => State::Delivered,
            "refused" => State::Refused,
            _ => State::Queued,
        }
    }
}

/// One package as technicians see it: no personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub package_id: String,
    pub receipt_no: String,
    pub created_at: String,
    pub state: State,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Unix seconds of the next attempt.
    pub next_try_at: i64,
    pub files: u32,
    pub bytes: u64,
    pub test: bool,
}

#[derive(Serialize, Deserialize)]
struct Index {
    files: Vec<IndexFile>,
}

#[derive(Serialize, Deserialize)]
struct IndexFile {
    sha256: String,
    content_type: String,
}

const MIGRATIONS: &[&str] = &[
    // 1: packages and the daily receipt sequence.
    "CREATE TABLE packages (
        package_id TEXT PRIMARY KEY,
        receipt_no TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'refused')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_try_at INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        test INTEGER NOT NULL
     );
     CREATE INDEX packages_due ON packages (state, next_try_at);
     CREATE TABLE receipt_sequence (day TEXT PRIMARY KEY, last INTEGER NOT NULL);",
    // 2: when a package was delivered, in Unix seconds, for the grace period before its files are deleted.
    "ALTER TABLE packages ADD COLUMN delivered_unix INTEGER;
     CREATE INDEX packages_delivered ON packages (state, delivered_unix);",
];

/// Room kept free on the disk beyond a package's own size, so the system itself never runs out.
const RESERVE_BYTES: u64 = 64 * 1024 * 1024;

pub struct Outbox {
    db: Connection,
    spool: PathBuf,
    key: DeviceKey,
    /// How long a delivered package's files stay on the kiosk (default none).
    grace: std::time::Duration,
}

pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    fs::File::open(path)?.sync_all()
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

impl Outbox {
    /// Opens (or makes) the outbox in `data_dir`, and clears away what a crash left half-written.
    pub fn open(data_dir: &Path) -> Result<Outbox, OutboxError> {
        fs::create_dir_all(data_dir)?;
        let spool = data_dir.join("spool");
        fs::create_dir_all(&spool)?;
        let key = DeviceKey::load_or_create(&data_dir.join("device.key"))?;
        let db = Connection::open(data_dir.join("outbox.db"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = db.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = db.unchecked_transaction()?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        let outbox = Outbox {
            db,
            spool,
            key,
            grace: std::time::Duration::ZERO,
        };
        outbox.recover()?;
        Ok(outbox)
    }

    /// Keeps a delivered package's files this long before deleting them.
    pub fn set_grace(&mut self, grace: std::time::Duration) {
        self.grace = grace;
    }

    /// Whether a new application can be taken: the spool is writable and the disk has room. When not, the kiosk
    /// stops taking applications (with this error's message) rather than lose one.
    pub fn accepting(&self) -> Result<(), OutboxError> {
        let free = free_bytes(&self.spool)?;
        // Room for a large application (10 pages and signatures) beyond the reserve.
        let needed = RESERVE_BYTES + 16 * 1024 * 1024;
        if free < needed {
            return Err(OutboxError::DiskFull { needed, free });
        }
        let probe = self.spool.join(".tmp-probe");
        write_synced(&probe, b"probe")?;
        fs::remove_file(&probe)?;
        Ok(())
    }

    /// Spool folders without a row are packages whose enqueue never finished (no receipt was given for them);
    /// delivered packages whose files are still there past the grace period were interrupted while being deleted.
    fn recover(&self) -> Result<(), OutboxError> {
        for entry in fs::read_dir(&self.spool)? {
            let path = entry?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let keep = !name.starts_with(".tmp-")
                && self
                    .db
                    .query_row(
                        "SELECT state FROM packages WHERE package_id = ?1",
                        [&name],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .is_some();
            if !keep {
                fs::remove_dir_all(&path)?;
            }
        }
        self.purge(unix_now())?;
        Ok(())
    }

    /// Deletes the files of packages delivered more than the grace period before `now` (Unix seconds).
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
                fs::remove_dir_all(&folder)?;
                removed += 1;
            }
        }
        if removed > 0 {
            sync_dir(&self.spool)?;
        }
        Ok(removed)
    }

    /// The next receipt number of `day` (`YYYYMMDD`): `{kiosk_id}-{day}-{4-digit daily sequence}`.
    pub fn next_receipt_no(&mut self, kiosk_id: &str, day: &str) -> Result<String, OutboxError> {
        let tx = self.db.transaction()?;
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

    fn folder(&self, package_id: &str) -> PathBuf {
        self.spool.join(package_id)
    }

    fn context(package_id: &str, name: &str) -> Vec<u8> {
        format!("{package_id}/{name}").into_bytes()
    }

    /// Stores a package for upload. When this returns, the package survives any crash; before, none of it does.
    pub fn enqueue(&mut self, package: &Package) -> Result<(), OutboxError> {
        let id = &package.manifest.package_id;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(OutboxError::Format("package id".into()));
        }
        let bytes: u64 = package.files.iter().map(|f| f.bytes.len() as u64).sum();
        let free = free_bytes(&self.spool)?;
        let needed = bytes * 2 + RESERVE_BYTES;
        if free < needed {
            return Err(OutboxError::DiskFull { needed, free });
        }
        let temp = self.spool.join(format!(".tmp-{id}"));
        let _ = fs::remove_dir_all(&temp);
        fs::create_dir(&temp)?;
        let manifest = serde_json::to_vec(&package.manifest)
            .map_err(|e| OutboxError::Format(e.to_string()))?;
        write_synced(
            &temp.join("manifest.enc"),
            &self.key.seal(&Self::context(id, "manifest"), &manifest),
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
        write_synced(
            &temp.join("index.enc"),
            &self.key.seal(&Self::context(id, "index"), &index),
        )?;
        for file in &package.files {
            let sealed = self.key.seal(&Self::context(id, &file.sha256), &file.bytes);
            write_synced(&temp.join(format!("{}.enc", file.sha256)), &sealed)?;
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
        let folder = self.folder(package_id);
        if !folder.is_dir() {
            return Err(OutboxError::NotFound);
        }
        let read = |name: &str, file: &str| -> Result<Vec<u8>, OutboxError> {
            Ok(self.key.open(
                &Self::context(package_id, name),
                &fs::read(folder.join(file))?,
            )?)
        };
        let manifest: Manifest = serde_json::from_slice(&read("manifest", "manifest.enc")?)
            .map_err(|e| OutboxError::Format(e.to_string()))?;
        let index: Index = serde_json::from_slice(&read("index", "index.enc")?)
            .map_err(|e| OutboxError::Format(e.to_string()))?;
        let mut files = Vec::new();
        for f in index.files {
            let bytes = read(&f.sha256, &format!("{}.enc", f.sha256))?;
            let content_type = match f.content_type.as_str() {
                "image/png" => "image/png",
                "application/pdf" => "application/pdf",
                _ => "image/jpeg",
            };
            files.push(PackageFile {
                sha256: f.sha256,
                content_type,
                bytes,
            });
        }
        Ok(Package { manifest, files })
    }

    fn entries(
        &self,
        filter: &str,
        limit: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Entry>, OutboxError> {
        let sql = format!(
            "SELECT package_id, receipt_no, created_at, state, attempts, last_error, next_try_at, files, bytes, test
             FROM packages {filter} ORDER BY created_at, receipt_no {limit}"
        );
        let mut stmt = self.db.prepare(&sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok(Entry {
                package_id: r.get(0)?,
                receipt_no: r.get(1)?,
                created_at: r.get(2)?,
                state: State::from_code(&r.get::<_, String>(3)?),
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                next_try_at: r.get(6)?,
                files: r.get(7)?,
                bytes: r.get::<_, i64>(8)? as u64,
                test: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every package the outbox knows, oldest first.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        self.entries("", "", &[])
    }

    /// Up to `limit` queued packages whose next attempt is due at `now` (Unix seconds), oldest first.
    pub fn due(&self, now: i64, limit: usize) -> Result<Vec<Entry>, OutboxError> {
        self.entries(
            "WHERE state = 'queued' AND next_try_at <= ?1",
            "LIMIT ?2",
            &[&now, &(limit as i64)],
        )
    }

    /// When the next queued package falls due (Unix seconds), if any is queued.
    pub fn next_due(&self) -> Result<Option<i64>, OutboxError> {
        Ok(self.db.query_row(
            "SELECT MIN(next_try_at) FROM packages WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?)
    }

    /// An attempt failed: keep the package, note why, and when to try again (or mark it refused).
    pub fn record_failure(
        &mut self,
        package_id: &str,
        error: &str,
        next_try_at: i64,
        refused: bool,
    ) -> Result<(), OutboxError> {
        let state = if refused {
            State::Refused
        } else {
            State::Queued
        };
        let changed = self.db.execute(
            "UPDATE packages SET attempts = attempts + 1, last_error = ?2, next_try_at = ?3, state = ?4
             WHERE package_id = ?1 AND state != 'delivered'",
            params![package_id, error, next_try_at, state.code()],
        )?;
        if changed == 0 {
            return Err(OutboxError::NotFound);
        }
        Ok(())
    }

    /// The back office has the package: record it, then (after the grace period, by default at once) delete the
    /// kiosk's copy of its files.
    pub fn mark_delivered(&mut self, package_id: &str, at: &str) -> Result<(), OutboxError> {
        let now = unix_now();
        let changed = self.db.execute(
            "UPDATE packages SET state = 'delivered', delivered_at = ?2, delivered_unix = ?3, last_error = NULL
             WHERE package_id = ?1",
            params![package_id, at, now],
        )?;
        if changed == 0 {
            return Err(OutboxError::NotFound);
        }
        if self.grace.is_zero() {
            let folder = self.folder(package_id);
            if folder.exists() {
                fs::remove_dir_all(&folder)?;
                sync_dir(&self.spool)?;
            }
        }
        Ok(())
    }

    /// Makes every waiting or refused package due now (a technician's `kiosk outbox retry`).
    pub fn retry_all(&mut self) -> Result<usize, OutboxError> {
        Ok(self.db.execute(
            "UPDATE packages SET state = 'queued', next_try_at = 0 WHERE state != 'delivered'",
            [],
        )?)
    }

    /// How many packages are queued (waiting for an attempt, not refused).
    pub fn queued(&self) -> Result<u64, OutboxError> {
        Ok(self.db.query_row(
            "SELECT COUNT(*) FROM packages WHERE state = 'queued'",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// How many packages wait, and since when (for the heartbeat).
    pub fn pending(&self) -> Result<(u64, Option<String>), OutboxError> {
        Ok(self.db.query_row(
            "SELECT COUNT(*), MIN(created_at) FROM packages WHERE state != 'delivered'",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )?)
    }

    /// Copies every waiting package, still encrypted, into `dir` (for a technician to carry out on a USB stick).
    pub fn export(&self, dir: &Path) -> Result<usize, OutboxError> {
        let mut count = 0;
        for entry in self.entries("WHERE state != 'delivered'", "", &[])? {
            let from = self.folder(&entry.package_id);
            let to = dir.join(&entry.package_id);
            fs::create_dir_all(&to)?;
            for file in fs::read_dir(&from)? {
                let file = file?;
                fs::copy(file.path(), to.join(file.file_name()))?;
            }
            count += 1;
        }
        Ok(count)
    }
}
