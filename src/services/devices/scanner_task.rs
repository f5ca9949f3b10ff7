//! The code scanner's task: codes as events; reopen the port after the scanner is unplugged.

use std::io;
use std::time::Duration;

use drivers::scanner::{SerialScanner, Suffix};
use drivers::serialport::TTYPort;

use super::sim::SimDevices;
use super::uri::SerialDevice;
use super::{Backoff, DeviceEvent, DeviceKind, Health, Shared};

pub type Opener = Box<dyn FnMut() -> Result<(TTYPort, Suffix), String> + Send>;

pub fn opener(device: &SerialDevice, sim: Option<&SimDevices>) -> io::Result<Opener> {
    Ok(match device {
        SerialDevice::Sim => {
            let port = sim
                .and_then(SimDevices::scanner_port)
                .ok_or_else(|| io::Error::other("no simulator"))??;
            Box::new(move || {
                Ok((
                    port.try_clone_native().map_err(|e| e.to_string())?,
                    Suffix::Cr,
                ))
            })
        }
        SerialDevice::Serial { path, baud, suffix } => {
            let (path, baud, suffix) = (path.clone(), *baud, *suffix);
            Box::new(move || {
                drivers::serialport::new(path.to_string_lossy(), baud)
                    .timeout(Duration::from_millis(20))
                    .open_native()
                    .map(|port| (port, suffix))
                    .map_err(|e| format!("{}: {e}", path.display()))
            })
        }
    })
}

pub fn run(shared: &Shared, mut open: Opener) {
    let mut backoff = Backoff::new();
    while !shared.stopping() {
        let (port, suffix) = match open() {
            Ok(opened) => opened,
            Err(reason) => {
                shared.set_health(DeviceKind::Scanner, Health::Absent(reason));
                shared.pause(backoff.next());
                continue;
            }
        };
        shared.set_health(DeviceKind::Scanner, Health::Ok);
        backoff.reset();
        let mut scanner = SerialScanner::new(port, suffix);
        while !shared.stopping() {
            match scanner.read_codes(Duration::from_millis(100)) {
                Ok(codes) => {
                    for code in codes {
                        (shared.events)(DeviceEvent::CodeScanned(code));
                    }
                }
                Err(e) => {
                    shared.set_health(
                        DeviceKind::Scanner,
                        Health::Absent(format!("扫码器连接中断：{e}")),
                    );
                    break;
                }
            }
        }
    }
}
