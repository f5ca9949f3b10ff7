//! Where the printer is: `serial:/dev/ttyS1?baud=115200`, `tcp://10.0.0.5:9100` or `file:/dev/usb/lp0`.

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterUri {
    Serial { path: PathBuf, baud: u32 },
    Tcp { address: String },
    File { path: PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("printer URI `{uri}`: {reason}")]
pub struct UriError {
    pub uri: String,
    pub reason: &'static str,
}

impl std::str::FromStr for PrinterUri {
    type Err = UriError;

    fn from_str(uri: &str) -> Result<PrinterUri, UriError> {
        let fail = |reason| UriError {
            uri: uri.to_string(),
            reason,
        };
        if let Some(rest) = uri.strip_prefix("serial:") {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            if path.is_empty() {
                return Err(fail("no device path"));
            }
            let mut baud = 115_200;
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("baud", value)) => {
                        baud = value.parse().map_err(|_| fail("baud is not a number"))?
                    }
                    _ => return Err(fail("unknown option (only baud=N)")),
                }
            }
            Ok(PrinterUri::Serial {
                path: path.into(),
                baud,
            })
        } else if let Some(address) = uri.strip_prefix("tcp://") {
            let (host, port) = address.rsplit_once(':').ok_or(fail("needs host:port"))?;
            if host.is_empty() || port.parse::<u16>().is_err() {
                return Err(fail("needs host:port"));
            }
            Ok(PrinterUri::Tcp {
                address: address.to_string(),
            })
        } else if let Some(path) = uri.strip_prefix("file:") {
            if path.is_empty() {
                return Err(fail("no device path"));
            }
            Ok(PrinterUri::File { path: path.into() })
        } else {
            Err(fail("use serial:PATH?baud=N, tcp://HOST:PORT or file:PATH"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_kinds() {
        assert_eq!(
            "serial:/dev/ttyS1?baud=9600".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyS1".into(),
                baud: 9600
            })
        );
        assert_eq!(
            "serial:/dev/ttyS1".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyS1".into(),
                baud: 115_200
            })
        );
        assert_eq!(
            "tcp://10.0.0.5:9100".parse(),
            Ok(PrinterUri::Tcp {
                address: "10.0.0.5:9100".into()
            })
        );
        assert_eq!(
            "file:/dev/usb/lp0".parse(),
            Ok(PrinterUri::File {
                path: "/dev/usb/lp0".into()
            })
        );
        assert!("tcp://10.0.0.5".parse::<PrinterUri>().is_err());
        assert!("serial:/dev/ttyS1?speed=9600"
            .parse::<PrinterUri>()
            .is_err());
        assert!("lpt1".parse::<PrinterUri>().is_err());
    }
}
