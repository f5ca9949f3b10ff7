//! The simulated back office's 好差评 (contract 1.1, "Evaluation"): each evaluation kept once under its id, the
//! identical body again answered 200, another body under the same id 409, a body that breaks the rules 400; a bad
//! rating (level 2 or 1) opens a follow-up. Every answer is logged, so tests can count what arrived.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::answer::{answer, error, Answer};
use super::store::{now, SimStore, StoreError};
use hyper::StatusCode;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, receipt_no TEXT NOT NULL, kind TEXT NOT NULL,
    level INTEGER NOT NULL, body TEXT NOT NULL, follow_up INTEGER NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluation_answers (
    id INTEGER PRIMARY KEY, evaluation_id TEXT NOT NULL, status INTEGER NOT NULL, at TEXT NOT NULL);
";

/// One stored evaluation, as `kiosk sim backoffice evaluations` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoredEvaluation {
    pub evaluation_id: String,
    pub receipt_no: String,
    pub kind: String,
    pub level: u8,
    /// A 差评: the center follows it up.
    pub follow_up: bool,
    pub body: Value,
    pub received_at: String,
}

pub(super) fn create(db: &rusqlite::Connection) -> rusqlite::Result<()> {
    db.execute_batch(SCHEMA)
}

impl SimStore {
    /// Keeps an evaluation the kiosk `kiosk_id` sent: `Ok(Some(true))` the first time, `Ok(Some(false))` for the
    /// identical body again, `Ok(None)` for another body under the same id.
    fn put_evaluation(&self, kiosk_id: &str, body: &Value) -> Result<Option<bool>, StoreError> {
        let id = body["evaluation_id"].as_str().unwrap_or_default();
        let stored: Option<String> = self
            .db
            .query_row(
                "SELECT body FROM evaluations WHERE evaluation_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(stored) = stored {
            let same = serde_json::from_str::<Value>(&stored).is_ok_and(|s| s == *body);
            return Ok(same.then_some(false));
        }
        let level = body["level"].as_u64().unwrap_or(0);
        self.db.execute(
            "INSERT INTO evaluations (evaluation_id, kiosk_id, receipt_no, kind, level, body, follow_up, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                kiosk_id,
                body["receipt_no"].as_str().unwrap_or_default(),
                body["kind"].as_str().unwrap_or_default(),
                level as i64,
                body.to_string(),
                level <= 2,
                now()
            ],
        )?;
        Ok(Some(true))
    }

    fn log_evaluation_answer(&self, id: &str, status: StatusCode) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO evaluation_answers (evaluation_id, status, at) VALUES (?1, ?2, ?3)",
            params![id, status.as_u16(), now()],
        )?;
        Ok(())
    }

    /// Every evaluation received, in the order they came.
    pub fn evaluations(&self) -> Result<Vec<StoredEvaluation>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT evaluation_id, receipt_no, kind, level, follow_up, body, received_at FROM evaluations
             ORDER BY received_at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredEvaluation {
                evaluation_id: r.get(0)?,
                receipt_no: r.get(1)?,
                kind: r.get(2)?,
                level: r.get(3)?,
                follow_up: r.get(4)?,
                body: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                received_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How each evaluation was answered, in order (to count first arrivals and repeats).
    pub fn evaluation_answers(&self) -> Result<Vec<(String, u16)>, StoreError> {
        Ok(self
            .db
            .prepare("SELECT evaluation_id, status FROM evaluation_answers ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }
}

/// `POST /v1/evaluations`, once the request is authenticated.
pub(super) fn post(store: &SimStore, kiosk_id: &str, body: &[u8]) -> Answer {
    let evaluation = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    let mut invalid = crate::evaluation::invalid_fields(&evaluation);
    if invalid.is_empty() && evaluation["kiosk_id"].as_str() != Some(kiosk_id) {
        invalid.push("kiosk_id");
    }
    let id = evaluation["evaluation_id"].as_str().unwrap_or_default();
    let (status, result) = if !invalid.is_empty() {
        (
            StatusCode::BAD_REQUEST,
            answer(
                StatusCode::BAD_REQUEST,
                json!({ "error": "invalid", "fields": invalid }),
            ),
        )
    } else {
        match store.put_evaluation(kiosk_id, &evaluation) {
            Ok(Some(true)) => (StatusCode::CREATED, answer(StatusCode::CREATED, json!({}))),
            Ok(Some(false)) => (StatusCode::OK, answer(StatusCode::OK, json!({}))),
            Ok(None) => (
                StatusCode::CONFLICT,
                error(StatusCode::CONFLICT, "conflict"),
            ),
            Err(e) => {
                return answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": "internal", "detail": e.to_string() }),
                )
            }
        }
    };
    if let Err(e) = store.log_evaluation_answer(id, status) {
        return answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": "internal", "detail": e.to_string() }),
        );
    }
    result
}
