//! The contract with the back office (`back-office-api.md`): signing, the client, TLS, the JSON bodies, the
//! manifest's contract check, and a simulator of the other side.

pub mod client;
pub mod contract;
mod evaluation_client;
pub mod platform_client;
pub mod platform_wire;
pub mod signing;
pub mod sim;
pub mod status_client;
pub mod tls;
pub mod wire;

pub use client::{CatalogAnswer, Link, LinkError, LinkErrorKind, LinkSettings, ManifestAnswer};
pub use status_client::{Credential, StaffLoginError, StaffLoginErrorKind, StaffSession};
