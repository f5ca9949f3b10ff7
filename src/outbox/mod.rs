//! Packages that are never lost: stored whole or not at all, encrypted at rest, kept until the back office has them.

pub mod crypto;
mod store;
#[cfg(test)]
mod tests;

pub use store::{Entry, Outbox, OutboxError, State};
