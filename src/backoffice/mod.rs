//! The contract with the back office (`back-office-api.md`).

pub mod signing;
