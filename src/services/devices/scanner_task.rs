//! The code scanner's task: codes as events; reopen the device after the scanner is unplugged.

use std::io;
use std::time::Duration;

use drivers::scanner::{CodeSource, HidScanner, SerialScanner, Suffix};

use super::sim::SimDevices;
use super::uri::{ScannerDevice, SerialDevice};
use super::{Backoff, DeviceEvent, DeviceKind, Fault, FaultKind, Health, OpenError, Shared};

pub type Opener = Box<dyn FnMut() -> Result<Box<dyn CodeSource>, OpenError> + Send>;

pub fn opener(device: &ScannerDevice, sim: Option<&SimDevices>) -> io::Result<Opener> {
    Ok(match device {
        ScannerDevice::Line(SerialDevice::Sim) => {
            let port = sim
                .and_then(SimDevices::scanner_port)
                .ok_or_else(|| io::Error::other("no simulator"))??;
            Box::new(move || {
                let port = port
                    .try_clone_native()
                    .map_err(|e| OpenError::new("simulated scanner", e))?;
                Ok(Box::new(SerialScanner::new(port, Suffix::Cr)) as Box<dyn CodeSource>)
            })
        }
        ScannerDevice::Line(SerialDevice::Serial { path, baud, suffix }) => {
            let (path, baud, suffix) = (path.clone(), *baud, *suffix);
            Box::new(move || {
                drivers::serialport::new(path.to_string_lossy(), baud)
                    .timeout(Duration::from_millis(20))
                    .open_native()
                    .map(|port| Box::new(SerialScanner::new(port, suffix)) as Box<dyn CodeSource>)
                    .map_err(|e| OpenError::new(path.display(), e))
            })
        }
        ScannerDevice::Evdev(path) => {
            let path = path.clone();
            Box::new(move || {
                HidScanner::open(&path)
                    .map(|s| Box::new(s) as Box<dyn CodeSource>)
                    .map_err(|e| OpenError::new(path.display(), e))
            })
        }
    })
}

pub fn run(shared: &Shared, mut open: Opener) {
    let mut backoff = Backoff::new();
    while !shared.stopping() {
        let mut scanner = match open() {
            Ok(opened) => opened,
            Err(e) => {
                shared.set_health(DeviceKind::Scanner, Health::Absent(Fault::from(&e)));
                shared.pause(backoff.next());
                continue;
            }
        };
        shared.set_health(DeviceKind::Scanner, Health::Ok);
        while !shared.stopping() {
            match scanner.read_codes(Duration::from_millis(100)) {
                Ok(codes) => {
                    // Only a port that reads is a working one: then the next failure starts the waits afresh.
                    backoff.reset();
                    for code in codes {
                        (shared.events)(DeviceEvent::CodeScanned(code));
                    }
                }
                Err(e) => {
                    let lost = format!("scanner connection lost: {e}");
                    shared.set_health(
                        DeviceKind::Scanner,
                        Health::Absent(Fault::new(FaultKind::Disconnected, lost)),
                    );
                    shared.pause(backoff.next());
                    break;
                }
            }
        }
    }
}
