//! The printer's task: print jobs as they come, each after a status query; between jobs, look at the printer's
//! state now and then so technicians see paper running out before a receipt fails.

use std::io;
use std::time::Duration;

use drivers::printer::{PrinterConnection, PrinterError, PrinterState};
use tokio::sync::mpsc;

use super::sim::SimDevices;
use super::uri::PrinterDevice;
use super::{next_request, DeviceEvent, DeviceKind, Fault, Health, PrintJob, Shared};

pub type Opener = Box<dyn FnMut() -> Result<PrinterConnection, PrinterError> + Send>;

const STATUS_TIMEOUT: Duration = Duration::from_secs(2);
const CHECK_EVERY: Duration = Duration::from_secs(30);

pub fn opener(device: &PrinterDevice, sim: Option<&SimDevices>) -> io::Result<Opener> {
    Ok(match device {
        PrinterDevice::Sim => {
            let port = sim
                .and_then(SimDevices::printer_port)
                .ok_or_else(|| io::Error::other("no simulator"))??;
            Box::new(move || {
                let port = port
                    .try_clone_native()
                    .map_err(|e| PrinterError::Connect(e.into()))?;
                Ok(PrinterConnection::with_port(Box::new(port), STATUS_TIMEOUT))
            })
        }
        PrinterDevice::Uri(uri) => {
            let uri = uri.clone();
            Box::new(move || PrinterConnection::open(&uri, STATUS_TIMEOUT))
        }
    })
}

/// The printer's health for a set of states (paper near end still prints, but is worth a technician's visit).
fn health_of(states: &[PrinterState]) -> Health {
    if states == [PrinterState::Ok] {
        Health::Ok
    } else {
        Health::Error(Fault::printer_states(states))
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
                Err(e) => {
                    let fault = Fault::from(&e);
                    shared.set_health(DeviceKind::Printer, Health::Absent(fault.clone()));
                    if let Some(job) = job {
                        let _ = job.reply.send(Err(fault));
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
            Err(e @ (PrinterError::Io(_) | PrinterError::NoStatus | PrinterError::Connect(_))) => {
                // Gone or silent: reconnect for the next job.
                connection = None;
                shared.set_health(DeviceKind::Printer, Health::Absent(Fault::from(e)));
            }
            _ => shared.set_health(DeviceKind::Printer, health_of(&states)),
        }
        if !states.is_empty() && states != last_states {
            last_states = states.clone();
            (shared.events)(DeviceEvent::PrinterState(states));
        }
        if let Some(job) = job {
            let _ = job.reply.send(result.map_err(|e| Fault::from(&e)));
        }
    }
}
