//! Technician mode's logic, without Slint: the hidden entry, the PIN and its lockout, and the configuration
//! edited in place and saved atomically.

pub mod config_file;
pub mod entry;
pub mod pin;
