//! Packages that are never lost: stored whole or not at all, encrypted at rest, kept until the back office has them,
//! and owned by one process at a time.

pub mod crypto;
mod evaluations;
pub mod lock;
mod queue;
mod schema;
mod store;
#[cfg(test)]
pub(crate) mod tests;
pub mod transfer;

pub use evaluations::{waiting_evaluations_read_only, EvaluationEntry};
pub use lock::LockError;
pub use queue::{list_read_only, next_receipt_no_beside_owner, Counts, Entry, State};
pub use store::{Outbox, OutboxError, OutboxErrorKind, Retention, DEFAULT_RECORD_DAYS};
