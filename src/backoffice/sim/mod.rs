//! A back office for tests and demonstrations (`kiosk sim backoffice`): the whole contract on SQLite, with faults
//! on demand.

mod answer;
pub mod evaluations;
pub mod faults;
pub mod platform;
mod platform_routes;
pub mod server;
pub mod staff;
pub mod store;

pub use faults::Fault;
pub use platform::Platform;
pub use server::{catalog_document, serve, SimSettings};
pub use store::SimStore;
