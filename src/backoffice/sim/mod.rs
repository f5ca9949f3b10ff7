//! A back office for tests and demonstrations (`kiosk sim backoffice`): the whole contract on SQLite, with faults
//! on demand.

pub mod faults;
pub mod server;
pub mod staff;
pub mod store;

pub use faults::Fault;
pub use server::{catalog_document, serve, SimSettings};
pub use store::SimStore;
