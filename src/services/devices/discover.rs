//! What devices this terminal has, from sysfs (no udev needed): serial ports with their USB ids, cameras, USB
//! printers and input devices. `kiosk device list` prints it; technician mode offers it as choices.

use std::path::Path;

use super::Fault;
use crate::config::Devices;

pub fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// Entries of a sysfs class with one attribute each, sorted.
pub fn sysfs_names(class: &str, attribute: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(class)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            (
                name,
                read_trimmed(&e.path().join(attribute)).unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsbId {
    pub vendor: String,
    pub product_id: String,
    pub product: String,
}

pub struct SerialPortInfo {
    pub path: String,
    pub usb: Option<UsbId>,
}

/// Serial ports backed by a real device (USB, PCI or platform), with the USB vendor:product id where there is one.
pub fn serial_ports() -> Vec<SerialPortInfo> {
    let mut ports = Vec::new();
    for (name, _) in sysfs_names("/sys/class/tty", "dev") {
        let device = Path::new("/sys/class/tty").join(&name).join("device");
        let Ok(real) = std::fs::canonicalize(&device) else {
            continue;
        };
        // Legacy 8250 ports with no hardware behind them show up too; keep the ones with a driver bound.
        if !device.join("driver").exists() {
            continue;
        }
        let usb = real
            .ancestors()
            .find(|a| a.join("idVendor").exists())
            .map(|usb| UsbId {
                vendor: read_trimmed(&usb.join("idVendor")).unwrap_or_default(),
                product_id: read_trimmed(&usb.join("idProduct")).unwrap_or_default(),
                product: read_trimmed(&usb.join("product")).unwrap_or_default(),
            });
        ports.push(SerialPortInfo {
            path: format!("/dev/{name}"),
            usb,
        });
    }
    ports
}

/// The device addresses a technician can pick for each device, the simulator first, then what was found.
pub struct Choices {
    pub id_reader: Vec<String>,
    pub printer: Vec<String>,
    pub camera: Vec<String>,
    pub scanner: Vec<String>,
    /// "" is none: a terminal may have no camera facing the applicant.
    pub face_camera: Vec<String>,
}

pub fn choices(current: &Devices) -> Choices {
    let serial: Vec<String> = serial_ports().into_iter().map(|p| p.path).collect();
    let mut choices = Choices {
        id_reader: vec!["sim".into()],
        printer: vec!["sim".into()],
        camera: vec!["sim".into()],
        scanner: vec!["sim".into()],
        face_camera: vec![String::new(), "sim".into()],
    };
    for path in &serial {
        choices.id_reader.push(format!("serial:{path}?baud=115200"));
        choices.printer.push(format!("serial:{path}?baud=115200"));
        choices.scanner.push(format!("serial:{path}?suffix=cr"));
    }
    for (name, _) in sysfs_names("/sys/class/usbmisc", "dev") {
        if name.starts_with("lp") {
            choices.printer.push(format!("file:/dev/usb/{name}"));
        }
    }
    for (name, _) in sysfs_names("/sys/class/video4linux", "name") {
        choices.camera.push(format!("v4l2:/dev/{name}"));
        choices.face_camera.push(format!("v4l2:/dev/{name}"));
    }
    if let Ok(entries) = std::fs::read_dir("/dev/input/by-id") {
        let mut keyboards: Vec<String> = entries
            .flatten()
            .map(|e| e.path().display().to_string())
            .filter(|p| p.ends_with("-event-kbd"))
            .collect();
        keyboards.sort();
        choices
            .scanner
            .extend(keyboards.into_iter().map(|p| format!("evdev:{p}")));
    }
    // What is configured now is always among the choices.
    for (list, now) in [
        (&mut choices.id_reader, &current.id_reader),
        (&mut choices.printer, &current.printer),
        (&mut choices.camera, &current.camera),
        (&mut choices.scanner, &current.scanner),
        (&mut choices.face_camera, &current.face_camera),
    ] {
        if !list.contains(now) {
            list.push(now.clone());
        }
    }
    choices
}

/// What this machine shows of the device at a URI, for technicians (words say it in Chinese).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Simulator,
    UsbSerial(UsbId),
    SerialNotUsb,
    NoSuchSerialPort,
    /// A camera's pixel formats (FourCC names); none when it offers none.
    CameraFormats(Vec<String>),
    /// A camera that could not be asked.
    CameraUnreadable(Fault),
    /// A USB printer's product name.
    UsbPrinter(String),
    NoSuchUsbPrinter,
    NetworkPrinter,
    /// A USB HID scanner in keyboard mode, read exclusively.
    HidScanner,
    /// Nothing to say about it.
    Unknown,
}

/// What is found for the device at `uri`: the USB id behind a serial port, a camera's formats, a USB printer's
/// name.
pub fn describe(uri: &str) -> Found {
    if uri == "sim" {
        return Found::Simulator;
    }
    if let Some(rest) = uri.strip_prefix("serial:") {
        let path = rest.split('?').next().unwrap_or(rest);
        let real = std::fs::canonicalize(path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.to_string());
        return match serial_ports()
            .into_iter()
            .find(|p| p.path == real || p.path == path)
        {
            Some(SerialPortInfo { usb: Some(usb), .. }) => Found::UsbSerial(usb),
            Some(_) => Found::SerialNotUsb,
            None => Found::NoSuchSerialPort,
        };
    }
    if let Some(path) = uri.strip_prefix("v4l2:") {
        return match drivers::camera::v4l2::formats(Path::new(path)) {
            Ok(formats) => Found::CameraFormats(formats),
            Err(e) => Found::CameraUnreadable(Fault::from(&e)),
        };
    }
    if let Some(path) = uri.strip_prefix("file:") {
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return read_trimmed(
            &Path::new("/sys/class/usbmisc")
                .join(&name)
                .join("device/../product"),
        )
        .map(Found::UsbPrinter)
        .unwrap_or(Found::NoSuchUsbPrinter);
    }
    if uri.starts_with("tcp://") {
        return Found::NetworkPrinter;
    }
    if uri.starts_with("evdev:") {
        return Found::HidScanner;
    }
    Found::Unknown
}
