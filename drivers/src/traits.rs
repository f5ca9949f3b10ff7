//! The small traits each kind of device implements. The device issue fills in real drivers and simulators.

use crate::Identity;

/// What went wrong talking to a device, in words a technician can act on.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("设备未连接：{0}")]
    Absent(String),
    #[error("设备通信超时")]
    Timeout,
    #[error("设备返回错误：{0}")]
    Device(String),
    #[error("输入输出错误：{0}")]
    Io(#[from] std::io::Error),
}

/// A reader of second-generation ID cards (and residence permits) over the SAM protocol.
pub trait IdCardReader: Send {
    /// Looks for a card; `Ok(None)` when none is on the reader.
    fn read_card(&mut self) -> Result<Option<Identity>, DeviceError>;
}

/// An ESC/POS receipt printer.
pub trait ReceiptPrinter: Send {
    /// Sends bytes to be printed.
    fn print(&mut self, bytes: &[u8]) -> Result<(), DeviceError>;
}

/// A document camera (高拍仪).
pub trait DocumentCamera: Send {
    /// Captures one full-resolution page as JPEG bytes.
    fn capture(&mut self) -> Result<Vec<u8>, DeviceError>;
}

/// A QR/barcode scanner.
pub trait CodeScanner: Send {
    /// The next scanned code, or `Ok(None)` when nothing was scanned before the driver's timeout.
    fn next_code(&mut self) -> Result<Option<String>, DeviceError>;
}
