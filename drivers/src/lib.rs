//! Device drivers for the kiosk: ID card reader, receipt printer, document camera and code scanner.
//!
//! This crate knows nothing of the application. Each device speaks its real protocol over a port that can be a
//! serial line, a socket or a pseudo-terminal, so the simulators here are tested with the same bytes as hardware.

pub mod audio;
pub mod camera;
pub mod id_number;
pub mod idcard;
pub mod identity;
pub mod port;
pub mod printer;
pub mod scanner;

pub use identity::{Gender, IdType, Identity};

/// The serial port crate the drivers use, for callers that open ports themselves.
pub use serialport;
