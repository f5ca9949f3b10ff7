//! 好差评 waiting to be sent: each a row whose body is sealed with the device key, uploaded like a package, never
//! lost and never sent as two (the evaluation's id is made once, here, and sent again as it is). The body is
//! dropped from the row once the back office has it; the row itself goes with the packages' record period.

use rusqlite::{params, OptionalExtension};

use super::queue::State;
use super::store::{unix_now, Outbox, OutboxError};
use crate::evaluation::Evaluation;

/// One waiting evaluation as the uploader and technicians see it: nothing the applicant said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationEntry {
    pub evaluation_id: String,
    pub receipt_no: String,
    pub state: State,
    pub attempts: u32,
    pub last_error: Option<String>,
}

const WAITING: &str =
    "SELECT evaluation_id, receipt_no, state, attempts, last_error FROM evaluations
     WHERE state != 'delivered' ORDER BY created_at, evaluation_id";

/// A row of `evaluation_id, receipt_no, state, attempts, last_error`.
fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<EvaluationEntry> {
    Ok(EvaluationEntry {
        evaluation_id: r.get(0)?,
        receipt_no: r.get(1)?,
        state: State::from_code(&r.get::<_, String>(2)?),
        attempts: r.get(3)?,
        last_error: r.get(4)?,
    })
}

fn entries(db: &rusqlite::Connection) -> Result<Vec<EvaluationEntry>, OutboxError> {
    let mut stmt = db.prepare(WAITING)?;
    let rows = stmt.query_map([], entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The evaluations of the outbox in `data_dir` not yet delivered, read without taking the outbox over (the
/// kiosk may be running); none when the database predates them.
pub fn waiting_evaluations_read_only(
    data_dir: &std::path::Path,
) -> Result<Vec<EvaluationEntry>, OutboxError> {
    let path = data_dir.join("outbox.db");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let db = rusqlite::Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    db.busy_timeout(std::time::Duration::from_secs(5))?;
    let has_table = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evaluations'")?
        .exists([])?;
    if !has_table {
        return Ok(Vec::new());
    }
    entries(&db)
}

fn context(evaluation_id: &str) -> Vec<u8> {
    format!("evaluation/{evaluation_id}").into_bytes()
}

impl Outbox {
    /// Keeps an evaluation for upload. When this returns it survives any crash. A second evaluation of the same
    /// application or pickup is [`OutboxError::Duplicate`] (一次一评).
    pub fn enqueue_evaluation(&mut self, evaluation: &Evaluation) -> Result<(), OutboxError> {
        let key = self.key()?;
        let body = zeroize::Zeroizing::new(
            serde_json::to_vec(evaluation).map_err(|e| OutboxError::Format(e.to_string()))?,
        );
        let sealed = key.seal(&context(&evaluation.evaluation_id), &body);
        let inserted = self.db.execute(
            "INSERT INTO evaluations (evaluation_id, receipt_no, kind, created_at, sealed, state)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued')
             ON CONFLICT DO NOTHING",
            params![
                evaluation.evaluation_id,
                evaluation.receipt_no,
                evaluation.kind.code(),
                evaluation.at,
                sealed
            ],
        )?;
        if inserted == 0 {
            return Err(OutboxError::Duplicate(evaluation.receipt_no.clone()));
        }
        Ok(())
    }

    /// Whether the application or pickup of `receipt_no` has been rated on this kiosk.
    pub fn evaluated(
        &self,
        receipt_no: &str,
        kind: crate::evaluation::EvaluationKind,
    ) -> Result<bool, OutboxError> {
        Ok(self
            .db
            .query_row(
                "SELECT 1 FROM evaluations WHERE receipt_no = ?1 AND kind = ?2",
                params![receipt_no, kind.code()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Up to `limit` queued evaluations due at `now` (Unix seconds), oldest first.
    pub fn due_evaluations(
        &self,
        now: i64,
        limit: usize,
    ) -> Result<Vec<EvaluationEntry>, OutboxError> {
        let mut stmt = self.db.prepare(
            "SELECT evaluation_id, receipt_no, state, attempts, last_error FROM evaluations
             WHERE state = 'queued' AND next_try_at <= ?1 ORDER BY created_at, evaluation_id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now, limit as i64], entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A waiting evaluation, opened for upload.
    pub fn load_evaluation(&self, evaluation_id: &str) -> Result<Evaluation, OutboxError> {
        let key = self.key()?;
        let sealed: Option<Vec<u8>> = self
            .db
            .query_row(
                "SELECT sealed FROM evaluations WHERE evaluation_id = ?1",
                [evaluation_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(OutboxError::NotFound)?;
        let sealed = sealed.ok_or(OutboxError::NotFound)?;
        let body = zeroize::Zeroizing::new(key.open(&context(evaluation_id), &sealed)?);
        serde_json::from_slice(&body).map_err(|e| OutboxError::Format(e.to_string()))
    }

    /// The back office has it: recorded, and its body dropped.
    pub fn evaluation_delivered(&mut self, evaluation_id: &str) -> Result<(), OutboxError> {
        let changed = self.db.execute(
            "UPDATE evaluations SET state = 'delivered', sealed = NULL, last_error = NULL, delivered_unix = ?2
             WHERE evaluation_id = ?1",
            params![evaluation_id, unix_now()],
        )?;
        if changed == 0 {
            return Err(OutboxError::NotFound);
        }
        Ok(())
    }

    /// An attempt failed: kept, with why, due again at `next_try_at` (or refused, or damaged when its body cannot
    /// be read here).
    pub fn evaluation_failed(
        &mut self,
        evaluation_id: &str,
        error: &str,
        next_try_at: i64,
        state: State,
    ) -> Result<(), OutboxError> {
        let changed = self.db.execute(
            "UPDATE evaluations SET attempts = attempts + 1, last_error = ?2, next_try_at = ?3, state = ?4
             WHERE evaluation_id = ?1 AND state != 'delivered'",
            params![evaluation_id, error, next_try_at, state.code()],
        )?;
        if changed == 0 {
            return Err(OutboxError::NotFound);
        }
        Ok(())
    }

    /// Every evaluation not yet delivered, oldest first, for technicians.
    pub fn waiting_evaluations(&self) -> Result<Vec<EvaluationEntry>, OutboxError> {
        entries(&self.db)
    }
}
