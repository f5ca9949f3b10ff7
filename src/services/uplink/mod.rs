//! The link to the back office: the upload worker, the heartbeat and the catalog sync.

pub mod catalog_sync;
mod evaluations;
pub mod heartbeat;
pub mod intake_policy;
pub mod problem;
pub mod retry;
pub mod service;
pub mod upload;
pub mod worker;

pub use catalog_sync::CatalogCache;
pub use intake_policy::{IntakePolicy, Refusal, SharedPolicy};
pub use problem::{UplinkProblem, UplinkProblemKind};
pub use retry::RetryPolicy;
pub use service::UplinkService;
pub use worker::{SharedOutbox, UplinkStatus, Uploader};
