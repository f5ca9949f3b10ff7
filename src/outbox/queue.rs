//! Where each package stands: queued, delivered, refused by the back office, or damaged on this disk; what is due
//! and what technicians see. Nothing here holds personal data.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags};

use super::store::{open_db, unix_now, Outbox, OutboxError};
use crate::durable::{remove_any, sync_dir};

/// Where a package stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Waiting for (another) upload attempt.
    Queued,
    /// The back office has it (its manifest was answered 200 or 201); the kiosk's copy is gone.
    Delivered,
    /// The back office refused it or the kiosk (401, another 4xx, a redirect): kept, not retried in a loop, shown
    /// to technicians.
    Refused,
    /// Its files on this kiosk cannot be read (I/O error, damaged encryption, missing file): kept with the reason,
    /// never holding back the packages behind it.
    Damaged,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Delivered => "delivered",
            State::Refused => "refused",
            State::Damaged => "damaged",
        }
    }

    pub(super) fn from_code(code: &str) -> State {
        match code {
            "delivered" => State::Delivered,
            "refused" => State::Refused,
            "damaged" => State::Damaged,
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

/// How many packages stand where, for the heartbeat and the technician screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub queued: u64,
    pub refused: u64,
    pub damaged: u64,
    /// Evaluations (好差评) waiting for an attempt.
    pub evaluations_queued: u64,
    /// Evaluations the back office refused or that cannot be read here: kept for technicians.
    pub evaluations_stuck: u64,
    /// When the oldest package or evaluation not yet delivered was made.
    pub oldest_waiting: Option<String>,
}

impl Counts {
    /// Everything not delivered yet: packages and evaluations (the heartbeat's pending figure).
    pub fn waiting(&self) -> u64 {
        self.queued + self.refused + self.damaged + self.evaluations_queued + self.evaluations_stuck
    }
}

fn earliest(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn entries(
    db: &Connection,
    filter: &str,
    limit: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Entry>, OutboxError> {
    let sql = format!(
        "SELECT package_id, receipt_no, created_at, state, attempts, last_error, next_try_at, files, bytes, test
         FROM packages {filter} ORDER BY created_at, receipt_no {limit}"
    );
    let mut stmt = db.prepare(&sql)?;
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

/// Every package of the outbox in `data_dir`, read without taking it over (the kiosk may be running): the
/// database opened read-only, nothing recovered, nothing changed.
pub fn list_read_only(data_dir: &Path) -> Result<Vec<Entry>, OutboxError> {
    let path = data_dir.join("outbox.db");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let db = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    db.busy_timeout(std::time::Duration::from_secs(5))?;
    entries(&db, "", "", &[])
}

/// The next receipt number from the outbox's sequence in `data_dir`, taken beside the process that owns the
/// outbox (SQLite serialises the two): a self-test's number then never collides with an applicant's.
pub fn next_receipt_no_beside_owner(
    data_dir: &Path,
    kiosk_id: &str,
    day: &str,
) -> Result<String, OutboxError> {
    let mut db = open_db(data_dir)?;
    super::store::next_receipt_no(&mut db, kiosk_id, day)
}

impl Outbox {
    /// Every package the outbox knows, oldest first.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        entries(&self.db, "", "", &[])
    }

    /// The packages not yet delivered, oldest first.
    pub fn waiting_entries(&self) -> Result<Vec<Entry>, OutboxError> {
        entries(&self.db, "WHERE state != 'delivered'", "", &[])
    }

    /// Up to `limit` queued packages whose next attempt is due at `now` (Unix seconds), oldest first.
    pub fn due(&self, now: i64, limit: usize) -> Result<Vec<Entry>, OutboxError> {
        entries(
            &self.db,
            "WHERE state = 'queued' AND next_try_at <= ?1",
            "LIMIT ?2",
            &[&now, &(limit as i64)],
        )
    }

    /// When the next queued package or evaluation falls due (Unix seconds), if any is queued.
    pub fn next_due(&self) -> Result<Option<i64>, OutboxError> {
        Ok(self.db.query_row(
            "SELECT MIN(at) FROM (
                SELECT MIN(next_try_at) AS at FROM packages WHERE state = 'queued'
                UNION ALL SELECT MIN(next_try_at) FROM evaluations WHERE state = 'queued')",
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
        self.set_state(package_id, state, error, next_try_at)
    }

    /// The package's files cannot be read here: kept with the reason, no longer tried by itself.
    pub fn mark_damaged(&mut self, package_id: &str, reason: &str) -> Result<(), OutboxError> {
        self.set_state(package_id, State::Damaged, reason, 0)
    }

    fn set_state(
        &mut self,
        package_id: &str,
        state: State,
        error: &str,
        next_try_at: i64,
    ) -> Result<(), OutboxError> {
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
        let changed = self.db.execute(
            "UPDATE packages SET state = 'delivered', delivered_at = ?2, delivered_unix = ?3, last_error = NULL
             WHERE package_id = ?1",
            params![package_id, at, unix_now()],
        )?;
        if changed == 0 {
            return Err(OutboxError::NotFound);
        }
        if self.grace_is_zero() {
            let folder = self.folder(package_id);
            if folder.exists() {
                remove_any(&folder)?;
                sync_dir(folder.parent().unwrap_or(Path::new(".")))?;
            }
        }
        Ok(())
    }

    /// Makes every waiting, refused or damaged package due now (a technician's retry: a refusal fixed at the
    /// back office, a key put back).
    pub fn retry_all(&mut self) -> Result<usize, OutboxError> {
        let packages = self.db.execute(
            "UPDATE packages SET state = 'queued', next_try_at = 0 WHERE state != 'delivered'",
            [],
        )?;
        let evaluations = self.db.execute(
            "UPDATE evaluations SET state = 'queued', next_try_at = 0 WHERE state != 'delivered'",
            [],
        )?;
        Ok(packages + evaluations)
    }

    /// How many packages and evaluations are queued (waiting for an attempt, not refused or damaged).
    pub fn queued(&self) -> Result<u64, OutboxError> {
        let counts = self.counts()?;
        Ok(counts.queued + counts.evaluations_queued)
    }

    /// How many packages wait, and since when.
    pub fn pending(&self) -> Result<(u64, Option<String>), OutboxError> {
        let counts = self.counts()?;
        Ok((counts.waiting(), counts.oldest_waiting))
    }

    pub fn counts(&self) -> Result<Counts, OutboxError> {
        let mut counts = Counts::default();
        let mut stmt = self.db.prepare(
            "SELECT state, COUNT(*), MIN(created_at) FROM packages WHERE state != 'delivered' GROUP BY state",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for row in rows {
            let (state, n, oldest) = row?;
            match State::from_code(&state) {
                State::Queued => counts.queued = n,
                State::Refused => counts.refused = n,
                State::Damaged => counts.damaged = n,
                State::Delivered => {}
            }
            counts.oldest_waiting = earliest(counts.oldest_waiting.take(), oldest);
        }
        let (queued, stuck, oldest) = self.db.query_row(
            "SELECT COALESCE(SUM(state = 'queued'), 0), COALESCE(SUM(state != 'queued'), 0), MIN(created_at)
             FROM evaluations WHERE state != 'delivered'",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )?;
        counts.evaluations_queued = queued;
        counts.evaluations_stuck = stuck;
        counts.oldest_waiting = earliest(counts.oldest_waiting.take(), oldest);
        Ok(counts)
    }
}
