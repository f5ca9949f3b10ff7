//! 好差评 on the kiosk's side of the link: one evaluation, sent under the id the kiosk made for it, so sending it
//! again after a lost answer is answered 200 and counted once.

use reqwest::StatusCode;

use super::client::{failure, Link, LinkError};
use crate::evaluation::Evaluation;

impl Link {
    /// Sends `evaluation`; `Ok(true)` when the back office took it just now (201), `Ok(false)` when it already had
    /// it (200). 409 (another body under this id) and 400 (a body it refuses) are [`LinkError::Rejected`]: kept
    /// for technicians, never retried in a loop.
    pub async fn post_evaluation(&self, evaluation: &Evaluation) -> Result<bool, LinkError> {
        let answer = self.post_json("v1/evaluations", evaluation).await?;
        match answer.status {
            StatusCode::CREATED => Ok(true),
            StatusCode::OK => Ok(false),
            _ => Err(failure(&answer)),
        }
    }
}
