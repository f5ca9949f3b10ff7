//! The simulators behind devices set to `sim`: each speaks its device's bytes on one end of a pseudo-terminal,
//! and the real driver talks to the other end, so a laptop runs the same protocol code as the terminal.

use std::io::{self, Write};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use drivers::idcard::SimIdReader;
use drivers::printer::SimPrinter;
use drivers::serialport::{SerialPort, TTYPort};

use super::uri::{DeviceUris, PrinterDevice, ScannerDevice, SerialDevice};

pub struct SimDevices {
    id_reader: Option<(SimIdReader, TTYPort)>,
    printer: Option<(SimPrinter, TTYPort)>,
    scanner: Option<(Mutex<TTYPort>, TTYPort)>,
}

/// A PTY pair: (device end, kiosk end), both with short read timeouts.
fn pair() -> io::Result<(TTYPort, TTYPort)> {
    let (mut device, mut kiosk) = TTYPort::pair().map_err(io::Error::other)?;
    device
        .set_timeout(Duration::from_millis(20))
        .map_err(io::Error::other)?;
    kiosk
        .set_timeout(Duration::from_millis(20))
        .map_err(io::Error::other)?;
    Ok((device, kiosk))
}

impl SimDevices {
    /// Starts the simulators the URIs ask for; `None` when every device is real.
    pub fn start_needed(uris: &DeviceUris) -> io::Result<Option<SimDevices>> {
        let id_reader = match uris.id_reader {
            SerialDevice::Sim => {
                let (device, kiosk) = pair()?;
                let sim = SimIdReader::default();
                let serving = sim.clone();
                thread::Builder::new()
                    .name("sim-idcard".into())
                    .spawn(move || serving.serve(device))?;
                Some((sim, kiosk))
            }
            SerialDevice::Serial { .. } => None,
        };
        let printer = match uris.printer {
            PrinterDevice::Sim => {
                let (device, kiosk) = pair()?;
                let sim = SimPrinter::default();
                let serving = sim.clone();
                thread::Builder::new()
                    .name("sim-printer".into())
                    .spawn(move || serving.serve(device))?;
                Some((sim, kiosk))
            }
            PrinterDevice::Uri(_) => None,
        };
        let scanner = match uris.scanner {
            ScannerDevice::Line(SerialDevice::Sim) => {
                let (device, kiosk) = pair()?;
                Some((Mutex::new(device), kiosk))
            }
            ScannerDevice::Line(SerialDevice::Serial { .. }) | ScannerDevice::Evdev(_) => None,
        };
        if id_reader.is_none() && printer.is_none() && scanner.is_none() {
            return Ok(None);
        }
        Ok(Some(SimDevices {
            id_reader,
            printer,
            scanner,
        }))
    }

    /// The simulated reader: place or remove a card, make it fail.
    pub fn id_reader(&self) -> Option<&SimIdReader> {
        self.id_reader.as_ref().map(|(sim, _)| sim)
    }

    /// The simulated printer: what it printed, and its paper.
    pub fn printer(&self) -> Option<&SimPrinter> {
        self.printer.as_ref().map(|(sim, _)| sim)
    }

    /// Sends a code as the simulated scanner would (with a CR suffix).
    pub fn scan(&self, code: &str) -> io::Result<()> {
        let (device, _) = self
            .scanner
            .as_ref()
            .ok_or_else(|| io::Error::other("the scanner is not simulated"))?;
        let mut device = device.lock().unwrap_or_else(|e| e.into_inner());
        device.write_all(code.as_bytes())?;
        device.write_all(b"\r")?;
        device.flush()
    }

    /// A new handle on the kiosk's end of a simulated device's line.
    pub(super) fn id_reader_port(&self) -> Option<io::Result<TTYPort>> {
        self.id_reader
            .as_ref()
            .map(|(_, port)| port.try_clone_native().map_err(io::Error::other))
    }

    pub(super) fn printer_port(&self) -> Option<io::Result<TTYPort>> {
        self.printer
            .as_ref()
            .map(|(_, port)| port.try_clone_native().map_err(io::Error::other))
    }

    pub(super) fn scanner_port(&self) -> Option<io::Result<TTYPort>> {
        self.scanner
            .as_ref()
            .map(|(_, port)| port.try_clone_native().map_err(io::Error::other))
    }
}
