//! The link to the back office: the upload worker, the heartbeat and the catalog sync.

pub mod retry;
pub mod upload;
pub mod worker;

pub use retry::RetryPolicy;
pub use worker::{SharedOutbox, UplinkStatus, Uploader};
