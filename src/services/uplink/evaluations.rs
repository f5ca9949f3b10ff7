//! The upload worker's second queue: 好差评, each sent under its own id until the back office has it (201, or 200
//! for one it already had), retried like packages, never sent as two.

use super::worker::{lock, Round, Uploader, BATCH};
use crate::outbox::{EvaluationEntry, OutboxError, State};

impl Uploader {
    /// Sends every evaluation due at `started`, each once.
    pub(super) async fn send_due_evaluations(&self, started: i64) -> Result<Round, OutboxError> {
        let mut round = Round::default();
        loop {
            let due = lock(&self.outbox).due_evaluations(started, BATCH)?;
            if due.is_empty() {
                return Ok(round);
            }
            for entry in due {
                if self.send_evaluation(&entry).await? {
                    round.delivered += 1;
                } else {
                    round.failed += 1;
                }
            }
        }
    }

    async fn send_evaluation(&self, entry: &EvaluationEntry) -> Result<bool, OutboxError> {
        let loaded = lock(&self.outbox).load_evaluation(&entry.evaluation_id);
        let evaluation = match loaded {
            Ok(evaluation) => evaluation,
            Err(e @ (OutboxError::KeyLost(_) | OutboxError::Db(_))) => return Err(e),
            Err(e) => {
                tracing::error!(receipt_no = %entry.receipt_no, error = %e, "stored evaluation damaged");
                lock(&self.outbox).evaluation_failed(
                    &entry.evaluation_id,
                    &e.to_string(),
                    0,
                    State::Damaged,
                )?;
                return Ok(false);
            }
        };
        match self.link.post_evaluation(&evaluation).await {
            Ok(first_time) => {
                lock(&self.outbox).evaluation_delivered(&entry.evaluation_id)?;
                tracing::info!(
                    receipt_no = %entry.receipt_no,
                    attempts = entry.attempts + 1,
                    first_time,
                    "evaluation delivered"
                );
                self.status.send_modify(|s| {
                    s.last_error = None;
                    s.refused = None;
                });
                Ok(true)
            }
            Err(error) => {
                let next = self.next_try(entry.attempts + 1, &error);
                if next.is_some() {
                    tracing::warn!(receipt_no = %entry.receipt_no, error = %error, "evaluation not sent, will retry");
                } else {
                    tracing::error!(receipt_no = %entry.receipt_no, error = %error, "evaluation refused, kept for a technician");
                }
                let state = if next.is_some() {
                    State::Queued
                } else {
                    State::Refused
                };
                lock(&self.outbox).evaluation_failed(
                    &entry.evaluation_id,
                    &error.to_string(),
                    next.unwrap_or(0),
                    state,
                )?;
                self.report(&error);
                Ok(false)
            }
        }
    }
}
