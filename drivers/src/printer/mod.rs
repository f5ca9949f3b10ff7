//! The ESC/POS receipt printer: receipts, status, the connection over serial, TCP or a device file, a simulator.

pub mod connection;
pub mod decode;
pub mod receipt;
pub mod sim;
pub mod status;
pub mod uri;

pub use connection::{PrinterConnection, PrinterError, PrinterErrorKind};
pub use receipt::{Align, PaperWidth, ReceiptWriter};
pub use sim::SimPrinter;
pub use status::PrinterState;
pub use uri::PrinterUri;
