//! Reading from ports whose reads time out (serial lines and PTYs with a timeout, sockets with a read timeout,
//! non-blocking device files): a timeout is "nothing yet", not an error.

use std::io::{self, Read};

/// Reads what has arrived: `Ok(Some(n))` for `n` bytes (`Some(0)`: the other end closed), `Ok(None)` when the read
/// timed out, would block, or was interrupted.
pub fn read_some(port: &mut (impl Read + ?Sized), buf: &mut [u8]) -> io::Result<Option<usize>> {
    match port.read(buf) {
        Ok(n) => Ok(Some(n)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
