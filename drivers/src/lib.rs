//! Device drivers for the kiosk: ID card reader, receipt printer, document camera and code scanner.
//!
//! This crate knows nothing of the application. Each device sits behind a small trait so the kiosk can run on
//! real hardware or on simulators that speak the same bytes.

pub mod id_number;
pub mod idcard;
pub mod identity;
pub mod printer;
pub mod scanner;
pub mod traits;

pub use identity::{Gender, IdType, Identity};
pub use traits::{CodeScanner, DeviceError, DocumentCamera, IdCardReader, ReceiptPrinter};

/// The serial port crate the drivers use, for callers that open ports themselves.
pub use serialport;
