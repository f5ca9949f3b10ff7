//! A printer at the end of a serial line, a TCP socket or a device file: status queries and printing.

use std::fs::OpenOptions;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::fs::OpenOptionsExt;
use std::time::{Duration, Instant};

use super::status::{self, PrinterState};
use super::uri::PrinterUri;
use crate::port::read_some;

/// Anything bytes go through to a printer.
pub trait PrinterPort: Read + Write + Send {}
impl<T: Read + Write + Send> PrinterPort for T {}

/// Why the printer did not answer or print. The Display is technical English (logs, the heartbeat, a
/// technician's detail); the app words it for people by [`PrinterError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum PrinterError {
    #[error("cannot connect to the printer: {0}")]
    Connect(io::Error),
    #[error("the printer did not answer the status query")]
    NoStatus,
    #[error("the printer cannot print: {}", status::codes(.0))]
    NotReady(Vec<PrinterState>),
    #[error("printer connection lost: {0}")]
    Io(#[from] io::Error),
}

/// What happened to the printer, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrinterErrorKind {
    Connect,
    NoStatus,
    /// The printer reports states that stop printing (paper out, cover open, offline, ...).
    NotReady,
    Io,
}

impl PrinterError {
    pub fn kind(&self) -> PrinterErrorKind {
        match self {
            PrinterError::Connect(_) => PrinterErrorKind::Connect,
            PrinterError::NoStatus => PrinterErrorKind::NoStatus,
            PrinterError::NotReady(_) => PrinterErrorKind::NotReady,
            PrinterError::Io(_) => PrinterErrorKind::Io,
        }
    }
}

/// A printer device file (`/dev/usb/lp0`): writes block until the printer has taken every byte (a non-blocking
/// write would stop half-way through a receipt), while status reads must not block, so two descriptors.
struct FilePort {
    writer: std::fs::File,
    reader: std::fs::File,
}

impl FilePort {
    fn open(path: &std::path::Path) -> io::Result<FilePort> {
        Ok(FilePort {
            writer: OpenOptions::new().write(true).open(path)?,
            reader: OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)?,
        })
    }
}

impl Read for FilePort {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

impl Write for FilePort {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

pub struct PrinterConnection {
    port: Box<dyn PrinterPort>,
    timeout: Duration,
}

impl PrinterConnection {
    /// Opens the printer the URI names.
    pub fn open(uri: &PrinterUri, timeout: Duration) -> Result<PrinterConnection, PrinterError> {
        let port: Box<dyn PrinterPort> = match uri {
            PrinterUri::Serial { path, baud } => Box::new(
                serialport::new(path.to_string_lossy(), *baud)
                    .timeout(Duration::from_millis(50))
                    .open_native()
                    .map_err(|e| PrinterError::Connect(e.into()))?,
            ),
            PrinterUri::Tcp { address } => {
                let addr = address
                    .to_socket_addrs()
                    .map_err(PrinterError::Connect)?
                    .next()
                    .ok_or_else(|| {
                        PrinterError::Connect(io::Error::other("the address resolves to nothing"))
                    })?;
                let stream =
                    TcpStream::connect_timeout(&addr, timeout).map_err(PrinterError::Connect)?;
                stream
                    .set_read_timeout(Some(Duration::from_millis(50)))
                    .map_err(PrinterError::Connect)?;
                stream
                    .set_write_timeout(Some(timeout * 20))
                    .map_err(PrinterError::Connect)?;
                stream.set_nodelay(true).map_err(PrinterError::Connect)?;
                Box::new(stream)
            }
            PrinterUri::File { path } => {
                Box::new(FilePort::open(path).map_err(PrinterError::Connect)?)
            }
        };
        Ok(PrinterConnection::with_port(port, timeout))
    }

    /// A connection over an open port (a PTY in tests).
    pub fn with_port(port: Box<dyn PrinterPort>, timeout: Duration) -> PrinterConnection {
        PrinterConnection { port, timeout }
    }

    /// Asks DLE EOT 1 to 4 and reads the printer's state. A printer that does not answer is an error, never "ok".
    pub fn status(&mut self) -> Result<Vec<PrinterState>, PrinterError> {
        self.drain();
        let mut bytes = [0u8; 4];
        for (n, byte) in (1..=4).zip(bytes.iter_mut()) {
            self.port.write_all(&status::request(n))?;
            self.port.flush()?;
            *byte = self.read_status_byte()?;
        }
        Ok(status::states(bytes))
    }

    fn read_status_byte(&mut self) -> Result<u8, PrinterError> {
        let deadline = Instant::now() + self.timeout;
        let mut buf = [0u8; 1];
        while Instant::now() < deadline {
            match read_some(&mut self.port, &mut buf)? {
                Some(1) if status::is_status_byte(buf[0]) => return Ok(buf[0]),
                Some(1) => continue, // not a status reply: skip it
                Some(_) | None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        Err(PrinterError::NoStatus)
    }

    /// Drops anything the printer sent unasked (a late status byte from an earlier query). Bounded in bytes and
    /// time: a line that is never quiet (noise at the wrong baud rate) must not hold the printer task for ever;
    /// the status query after it then fails as "no status", which is what such a printer is.
    fn drain(&mut self) {
        const MOST: usize = 4096;
        let deadline = Instant::now() + self.timeout;
        let mut buf = [0u8; 64];
        let mut dropped = 0;
        while dropped < MOST && Instant::now() < deadline {
            match self.port.read(&mut buf) {
                Ok(n) if n > 0 => dropped += n,
                _ => break,
            }
        }
    }

    /// Asks the status, and prints only when the printer can: returns the states seen (paper near end prints,
    /// and the caller tells technicians).
    pub fn print(&mut self, bytes: &[u8]) -> Result<Vec<PrinterState>, PrinterError> {
        let states = self.status()?;
        if !states.iter().all(|s| s.allows_printing()) {
            return Err(PrinterError::NotReady(states));
        }
        self.port.write_all(bytes)?;
        self.port.flush()?;
        Ok(states)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A printer that never stops sending (a jammed status line, a wrong baud rate seen as noise).
    struct Chatty;

    impl Read for Chatty {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(0x55);
            Ok(buf.len())
        }
    }

    impl Write for Chatty {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Review finding: the drain before each status query read until the line was quiet, so a printer that never
    /// is quiet hung the printer task for ever.
    #[test]
    fn the_drain_loop_is_bounded() {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut printer =
                PrinterConnection::with_port(Box::new(Chatty), Duration::from_millis(300));
            let _ = done.send(printer.status().is_err());
        });
        let answer = wait.recv_timeout(Duration::from_secs(10));
        assert_eq!(answer, Ok(true), "the query gives up with an error");
    }
}
