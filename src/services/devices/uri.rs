//! The device settings of `kiosk.toml` as typed addresses.

use std::path::PathBuf;

use drivers::camera::CameraUri;
use drivers::printer::PrinterUri;
use drivers::scanner::Suffix;

use crate::config::Devices;

/// A device on a serial line, or the built-in simulator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SerialDevice {
    Sim,
    Serial {
        path: PathBuf,
        baud: u32,
        suffix: Suffix,
    },
}

/// A code scanner: on a serial line, a USB HID keyboard (evdev), or simulated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScannerDevice {
    Line(SerialDevice),
    Evdev(PathBuf),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterDevice {
    Sim,
    Uri(PrinterUri),
}

#[derive(Clone, Debug)]
pub struct DeviceUris {
    pub id_reader: SerialDevice,
    pub printer: PrinterDevice,
    pub camera: CameraUri,
    pub scanner: ScannerDevice,
    /// None when the terminal has no camera facing the applicant.
    pub face_camera: Option<CameraUri>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("devices.{key}: {reason}")]
pub struct UriError {
    pub key: &'static str,
    pub reason: String,
}

/// `sim`, or `serial:PATH?baud=N&suffix=cr` (suffix only for scanners).
fn serial(key: &'static str, uri: &str, default_baud: u32) -> Result<SerialDevice, UriError> {
    let fail = |reason: String| UriError { key, reason };
    if uri == "sim" {
        return Ok(SerialDevice::Sim);
    }
    let rest = uri
        .strip_prefix("serial:")
        .ok_or_else(|| fail(format!("`{uri}`: use sim or serial:PATH?baud=N")))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(fail(format!("`{uri}`: no device path")));
    }
    let (mut baud, mut suffix) = (default_baud, Suffix::Cr);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("baud", v)) => {
                baud = v
                    .parse()
                    .map_err(|_| fail(format!("baud `{v}` is not a number")))?
            }
            Some(("suffix", v)) => suffix = v.parse().map_err(fail)?,
            _ => {
                return Err(fail(format!(
                    "`{pair}`: only baud=N and suffix=cr|lf|crlf|tab|none"
                )))
            }
        }
    }
    Ok(SerialDevice::Serial {
        path: path.into(),
        baud,
        suffix,
    })
}

impl DeviceUris {
    pub fn from_config(devices: &Devices) -> Result<DeviceUris, UriError> {
        let printer =
            match devices.printer.as_str() {
                "sim" => PrinterDevice::Sim,
                uri => PrinterDevice::Uri(uri.parse().map_err(
                    |e: drivers::printer::uri::UriError| UriError {
                        key: "printer",
                        reason: e.to_string(),
                    },
                )?),
            };
        Ok(DeviceUris {
            id_reader: serial("id_reader", &devices.id_reader, 115_200)?,
            printer,
            camera: devices.camera.parse().map_err(|reason| UriError {
                key: "camera",
                reason,
            })?,
            scanner: match devices.scanner.strip_prefix("evdev:") {
                Some(path) if !path.is_empty() => ScannerDevice::Evdev(path.into()),
                _ => ScannerDevice::Line(serial("scanner", &devices.scanner, 9600)?),
            },
            face_camera: match devices.face_camera.as_str() {
                "" => None,
                uri => Some(uri.parse().map_err(|reason| UriError {
                    key: "face_camera",
                    reason,
                })?),
            },
        })
    }

    /// Every device simulated.
    pub fn all_sim() -> DeviceUris {
        DeviceUris {
            id_reader: SerialDevice::Sim,
            printer: PrinterDevice::Sim,
            camera: CameraUri::Sim,
            scanner: ScannerDevice::Line(SerialDevice::Sim),
            face_camera: Some(CameraUri::Sim),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_uris() {
        assert_eq!(serial("id_reader", "sim", 115_200), Ok(SerialDevice::Sim));
        assert_eq!(
            serial(
                "scanner",
                "serial:/dev/ttyACM0?baud=9600&suffix=lf",
                115_200
            ),
            Ok(SerialDevice::Serial {
                path: "/dev/ttyACM0".into(),
                baud: 9600,
                suffix: Suffix::Lf
            })
        );
        assert!(serial("id_reader", "serial:", 115_200).is_err());
        assert!(serial("id_reader", "usb:1", 115_200).is_err());
        let err = serial("scanner", "serial:/dev/x?parity=odd", 9600).unwrap_err();
        assert_eq!(err.key, "scanner");
    }
}
