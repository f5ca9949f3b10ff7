//! The simulated back office's records in SQLite: uploaded files, stored manifests, each item's status, the last
//! heartbeat of each kiosk, and a log of every manifest answer (so tests can count deliveries).

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::backoffice::wire::{Application, ItemStatus, Received, ITEM_STATES};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

pub struct SimStore {
    pub(super) db: Connection,
}

/// A manifest that could not be stored as it is.
pub enum ManifestOutcome {
    Stored { created: bool, received: Received },
    Conflict,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    package_id TEXT NOT NULL, sha256 TEXT NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL,
    PRIMARY KEY (package_id, sha256));
CREATE TABLE IF NOT EXISTS packages (
    package_id TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL, manifest TEXT NOT NULL,
    id_number TEXT NOT NULL, test INTEGER NOT NULL, received_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    receipt_no TEXT NOT NULL, position INTEGER NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    department TEXT NOT NULL, status TEXT NOT NULL, note TEXT, window TEXT, pickup_code TEXT,
    PRIMARY KEY (receipt_no, code));
CREATE TABLE IF NOT EXISTS heartbeats (kiosk_id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS manifest_answers (
    id INTEGER PRIMARY KEY, package_id TEXT NOT NULL, status INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff (
    staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, pin_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS staff_sessions (token TEXT PRIMARY KEY, staff_id TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_log (
    id INTEGER PRIMARY KEY, staff_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, receipt_no TEXT NOT NULL, at TEXT NOT NULL);
";

pub(super) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

impl SimStore {
    pub fn open(dir: &Path) -> Result<SimStore, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", dir.display())))?;
        let db = Connection::open(dir.join("backoffice.db"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        db.execute_batch(SCHEMA)?;
        super::evaluations::create(&db)?;
        // Contract 1.1: the check code's hash, kept beside each package (added to databases made before it).
        let has_hash: bool = db
            .prepare(
                "SELECT 1 FROM pragma_table_info('packages') WHERE name = 'check_code_sha256'",
            )?
            .exists([])?;
        if !has_hash {
            db.execute_batch(
                "ALTER TABLE packages ADD COLUMN check_code_sha256 TEXT NOT NULL DEFAULT ''",
            )?;
        }
        Ok(SimStore { db })
    }

    /// Stores a file; `true` when it was new.
    pub fn put_file(
        &self,
        package_id: &str,
        sha256: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        Ok(self.db.execute(
            "INSERT OR IGNORE INTO files (package_id, sha256, content_type, bytes) VALUES (?1, ?2, ?3, ?4)",
            params![package_id, sha256, content_type, bytes],
        )? == 1)
    }

    /// The hashes among `wanted` not uploaded for `package_id`.
    pub fn missing_files(
        &self,
        package_id: &str,
        wanted: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .db
            .prepare_cached("SELECT 1 FROM files WHERE package_id = ?1 AND sha256 = ?2")?;
        let mut missing = Vec::new();
        for hash in wanted {
            if !stmt.exists(params![package_id, hash])? {
                missing.push(hash.clone());
            }
        }
        Ok(missing)
    }

    /// One stored file's content type and bytes.
    pub fn file(
        &self,
        package_id: &str,
        sha256: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT content_type, bytes FROM files WHERE package_id = ?1 AND sha256 = ?2",
                params![package_id, sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Stores a checked manifest; an identical one stored before is answered as it was then.
    pub fn put_manifest(
        &mut self,
        package_id: &str,
        kiosk_id: &str,
        manifest: &Value,
    ) -> Result<ManifestOutcome, StoreError> {
        let tx = self.db.transaction()?;
        let existing: Option<(String, String, String)> = tx
            .query_row(
                "SELECT manifest, receipt_no, received_at FROM packages WHERE package_id = ?1",
                [package_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let receipt_no = manifest["receipt_no"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let outcome = match existing {
            Some((stored, receipt, received_at)) => {
                let same = serde_json::from_str::<Value>(&stored).ok().as_ref() == Some(manifest);
                if same {
                    ManifestOutcome::Stored {
                        created: false,
                        received: Received {
                            package_id: package_id.to_string(),
                            receipt_no: receipt,
                            status: "received".into(),
                            received_at,
                        },
                    }
                } else {
                    ManifestOutcome::Conflict
                }
            }
            None => {
                let taken: bool = tx
                    .prepare("SELECT 1 FROM packages WHERE receipt_no = ?1")?
                    .exists([&receipt_no])?;
                if taken {
                    ManifestOutcome::Conflict
                } else {
                    let at = now();
                    tx.execute(
                        "INSERT INTO packages (package_id, receipt_no, kiosk_id, manifest, id_number, test,
                         received_at, updated_at, check_code_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                        params![
                            package_id,
                            receipt_no,
                            kiosk_id,
                            manifest.to_string(),
                            manifest["applicant"]["id_number"].as_str().unwrap_or_default(),
                            manifest["test"].as_bool().unwrap_or(false),
                            at,
                            manifest["check_code_sha256"].as_str().unwrap_or_default()
                        ],
                    )?;
                    let items = manifest["items"].as_array().cloned().unwrap_or_default();
                    for (position, item) in items.iter().enumerate() {
                        tx.execute(
                            "INSERT OR IGNORE INTO items (receipt_no, position, code, name, department, status)
                             VALUES (?1, ?2, ?3, ?4, ?5, 'received')",
                            params![
                                receipt_no,
                                position as i64,
                                item["code"].as_str().unwrap_or_default(),
                                item["name"].as_str().unwrap_or_default(),
                                item["department"].as_str().unwrap_or_default()
                            ],
                        )?;
                    }
                    ManifestOutcome::Stored {
                        created: true,
                        received: Received {
                            package_id: package_id.to_string(),
                            receipt_no: receipt_no.clone(),
                            status: "received".into(),
                            received_at: at,
                        },
                    }
                }
            }
        };
        let status = match &outcome {
            ManifestOutcome::Stored { created: true, .. } => 201,
            ManifestOutcome::Stored { created: false, .. } => 200,
            ManifestOutcome::Conflict => 409,
        };
        tx.execute(
            "INSERT INTO manifest_answers (package_id, status, at) VALUES (?1, ?2, ?3)",
            params![package_id, status, now()],
        )?;
        tx.commit()?;
        Ok(outcome)
    }

    fn application_of(
        &self,
        receipt_no: &str,
        package_id: String,
        updated_at: String,
    ) -> Result<Application, StoreError> {
        let mut stmt = self.db.prepare_cached(
            "SELECT code, name, department, status, note, window, pickup_code FROM items
             WHERE receipt_no = ?1 ORDER BY position",
        )?;
        let items = stmt
            .query_map([receipt_no], |r| {
                Ok(ItemStatus {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    department: r.get(2)?,
                    status: r.get(3)?,
                    note: r.get(4)?,
                    window: r.get(5)?,
                    pickup_code: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let status = overall_status(&items);
        Ok(Application {
            receipt_no: receipt_no.to_string(),
            package_id,
            status,
            updated_at,
            items,
        })
    }

    /// One application by its receipt number, as window staff see it (no check).
    pub fn application(&self, receipt_no: &str) -> Result<Option<Application>, StoreError> {
        let row: Option<(String, String)> = self
            .db
            .query_row(
                "SELECT package_id, updated_at FROM packages WHERE receipt_no = ?1",
                [receipt_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(id, at)| self.application_of(receipt_no, id, at))
            .transpose()
    }

    /// One application when `check_code` is the one printed on its receipt; `None` for an unknown number and for
    /// a wrong code alike.
    pub fn application_checked(
        &self,
        receipt_no: &str,
        check_code: &str,
    ) -> Result<Option<Application>, StoreError> {
        let row: Option<(String, String, String)> = self
            .db
            .query_row(
                "SELECT package_id, updated_at, check_code_sha256 FROM packages WHERE receipt_no = ?1",
                [receipt_no],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let given = crate::package::sha256_hex(check_code.as_bytes());
        row.filter(|(_, _, stored)| !stored.is_empty() && *stored == given)
            .map(|(id, at, _)| self.application_of(receipt_no, id, at))
            .transpose()
    }

    pub fn lookup(&self, id_number: &str) -> Result<Vec<Application>, StoreError> {
        let rows: Vec<(String, String, String)> = self
            .db
            .prepare(
                "SELECT receipt_no, package_id, updated_at FROM packages WHERE id_number = ?1
                 ORDER BY received_at DESC",
            )?
            .query_map([id_number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(receipt, id, at)| self.application_of(&receipt, id, at))
            .collect()
    }

    /// Moves one item (by code, or `*` for all) of an application to `status`, as window staff would.
    pub fn set_status(
        &self,
        receipt_no: &str,
        item: &str,
        status: &str,
        window: Option<&str>,
        note: Option<&str>,
    ) -> Result<usize, StoreError> {
        if !ITEM_STATES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown status `{status}` (one of {})",
                ITEM_STATES.join(", ")
            )));
        }
        if status == "ready_for_pickup" && window.is_none() {
            return Err(StoreError::Invalid(
                "ready_for_pickup needs --window".into(),
            ));
        }
        let pickup_code = (status == "ready_for_pickup")
            .then(|| format!("{:06}", rand::random_range(0..1_000_000u32)));
        let changed = self.db.execute(
            "UPDATE items SET status = ?3, window = ?4, note = ?5, pickup_code = ?6
             WHERE receipt_no = ?1 AND (code = ?2 OR ?2 = '*')",
            params![receipt_no, item, status, window, note, pickup_code],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!(
                "no item `{item}` in application {receipt_no}"
            )));
        }
        self.db.execute(
            "UPDATE packages SET updated_at = ?2 WHERE receipt_no = ?1",
            params![receipt_no, now()],
        )?;
        Ok(changed)
    }

    pub fn heartbeat(&self, kiosk_id: &str, body: &Value) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO heartbeats (kiosk_id, body, received_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (kiosk_id) DO UPDATE SET body = ?2, received_at = ?3",
            params![kiosk_id, body.to_string(), now()],
        )?;
        Ok(())
    }

    pub fn last_heartbeat(&self, kiosk_id: &str) -> Result<Option<Value>, StoreError> {
        let body: Option<String> = self
            .db
            .query_row(
                "SELECT body FROM heartbeats WHERE kiosk_id = ?1",
                [kiosk_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// Every stored manifest, by receipt number.
    pub fn manifests(&self) -> Result<Vec<(String, Value)>, StoreError> {
        let rows: Vec<(String, String)> = self
            .db
            .prepare("SELECT receipt_no, manifest FROM packages ORDER BY receipt_no")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(r, m)| serde_json::from_str(&m).ok().map(|v| (r, v)))
            .collect())
    }

    /// How many times each package's manifest was answered 201 (stored for the first time).
    pub fn first_time_answers(&self) -> Result<Vec<(String, u32)>, StoreError> {
        Ok(self
            .db
            .prepare(
                "SELECT package_id, COUNT(*) FROM manifest_answers WHERE status = 201 GROUP BY package_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }
}

/// An application's status is its least advanced item's, except that any rejected item shows first.
fn overall_status(items: &[ItemStatus]) -> String {
    if items.iter().any(|i| i.status == "rejected") {
        return "rejected".into();
    }
    items
        .iter()
        .filter_map(|i| ITEM_STATES.iter().position(|s| *s == i.status))
        .min()
        .map(|p| ITEM_STATES[p].to_string())
        .unwrap_or_else(|| "received".into())
}
