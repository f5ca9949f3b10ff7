//! Technician mode's logic, without Slint: the hidden entry, the PIN and its lockout, and the configuration
//! edited in place and saved atomically, and where a USB stick is mounted.

pub mod config_file;
pub mod entry;
pub mod pin;
pub mod usb;
