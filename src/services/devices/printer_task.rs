//! The printer's task: print jobs as they come, each after a status query; between jobs, look at the printer's
//! state now and then so technicians see paper running out before a receipt fails.

use std::io;
use std::time::Duration;

use drivers::printer::{PrinterConnection, PrinterError, PrinterState};
use tokio::sync::mpsc;

use super::sim::SimDevices;
use super::uri::PrinterDevice;
use super::{next_request, DeviceEvent, DeviceKind, Health, PrintJob, Shared};

pub type Opener = Box<dyn FnMut() -> Result<PrinterConnection, String> + Send>;

const STATUS_TIMEOUT: Duration = Duration::from_secs(2);
const CHECK_EVERY: Duration = Duration::from_secs(30);

pub fn opener(device: &PrinterDevice, sim: Option<&SimDevices>) -> io::Result<Opener> {
    Ok(match device {
        PrinterDevice::Sim => {
            let port = sim
                .and_then(SimDevices::printer_port)
                .ok_or_else(|| io::Error::other("no simulator"))??;
            Box::new(move || {
                let port = port.try_clone_native().map_err(|e| e.to_string())?;
                Ok(PrinterConnection::with_port(Box::new(port), STATUS_TIMEOUT))
            })
        }
        PrinterDevice::Uri(uri) => {
            let uri = uri.clone();
            Box::new(move || {
                PrinterConnection::open(&uri, STATUS_TIMEOUT).map_err(|e| e.to_string())
            })
        }
    })
}

/// The printer's health for a set of states (paper near end still prints, but is worth a technician's visit).
fn health_of(states: &[PrinterState]) -> Health {
    if states == [PrinterState::Ok] {
        Health::Ok
    } else {
        let words: Vec<&str> = states.iter().map(|s| s.message()).collect();
        Health::Error(words.join("、"))
    }
}

pub fn run(shared: &Shared, mut open: Opener, mut jobs: mpsc::Receiver<PrintJob>) {
    let mut connection: Option<PrinterConnection> = None;
    let mut last_states: Vec<PrinterState> = Vec::new();
    // The first round looks at the printer at once, so its health is known from the start.
    let mut wait = std::time::Duration::ZERO;
    while !shared.stopping() {
        let Ok(job) = next_request(shared, &mut jobs, wait) else {
            return;
        };
        wait = CHECK_EVERY;
        if connection.is_none() {
            match open() {
                Ok(c) => connection = Some(c),
                Err(reason) => {
                    shared.set_health(DeviceKind::Printer, Health::Absent(reason.clone()));
                    if let Some(job) = job {
                        let _ = job.reply.send(Err(format!("打印机无法连接：{reason}")));
                    }
                    continue;
                }
            }
        }
        let Some(printer) = connection.as_mut() else {
            continue;
        };
        let result = match &job {
            Some(job) => printer.print(&job.bytes),
            None => printer.status(),
        };
        let states = match &result {
            Ok(states) => states.clone(),
            Err(PrinterError::NotReady(states)) => states.clone(),
            Err(_) => Vec::new(),
        };
        match &result {
            Err(PrinterError::Io(_) | PrinterError::NoStatus | PrinterError::Connect(_)) => {
                // Gone or silent: reconnect for the next job.
                connection = None;
                let reason = result
                    .as_ref()
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                shared.set_health(DeviceKind::Printer, Health::Absent(reason));
            }
            _ => shared.set_health(DeviceKind::Printer, health_of(&states)),
        }
        if !states.is_empty() && states != last_states {
            last_states = states.clone();
            (shared.events)(DeviceEvent::PrinterState(states));
        }
        if let Some(job) = job {
            let _ = job.reply.send(result.map_err(|e| e.to_string()));
        }
    }
}
