//! Long-running work on a tokio runtime of its own, beside the UI thread.

pub mod devices;
pub mod upgrade;
pub mod uplink;
pub mod watchdog;
