//! How a device is doing, and why not when it is not: a kind the screens word in Chinese (`app::words`) and the
//! technical detail in English for logs, the heartbeat and technicians.

use std::fmt;

use drivers::camera::{CameraError, CameraErrorKind};
use drivers::idcard::{CardErrorKind, ReaderError};
use drivers::printer::{PrinterError, PrinterErrorKind, PrinterState};

use super::DeviceKind;

/// How a device is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    Starting,
    Ok,
    /// Not connected (unplugged, wrong port, switched off); the service keeps trying.
    Absent(Fault),
    /// Connected but failing.
    Error(Fault),
}

impl Health {
    /// `ok`, `absent` or `error`, as the heartbeat reports it.
    pub fn code(&self) -> &'static str {
        match self {
            Health::Starting | Health::Absent(_) => "absent",
            Health::Ok => "ok",
            Health::Error(_) => "error",
        }
    }

    /// The technical detail, as the heartbeat reports it.
    pub fn detail(&self) -> &str {
        match self {
            Health::Starting => "starting",
            Health::Ok => "",
            Health::Absent(fault) | Health::Error(fault) => &fault.detail,
        }
    }
}

/// Why a device is not doing what it should: what happened, and the technical detail in English (which names
/// no personal data).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Fault {
    pub kind: FaultKind,
    pub detail: String,
}

/// What happened to a device, without the detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Its port or device file could not be opened (unplugged, a wrong path, no permission).
    CannotOpen,
    /// It was open, and its connection broke.
    Disconnected,
    /// The ID card reader's own trouble (no answer, its security module, ...).
    Reader(CardErrorKind),
    /// The printer's connection (cannot connect, no answer to the status query, connection lost).
    Printer(PrinterErrorKind),
    /// The states the printer reports when any is not `Ok`: paper out or cover open stop printing, paper near
    /// its end does not.
    PrinterStates(Vec<PrinterState>),
    Camera(CameraErrorKind),
    /// The device service has stopped (the kiosk is shutting down or restarting its devices).
    Stopped,
}

impl Fault {
    pub fn new(kind: FaultKind, detail: impl fmt::Display) -> Fault {
        Fault {
            kind,
            detail: detail.to_string(),
        }
    }

    /// The service stopped before `device` answered.
    pub fn stopped(device: DeviceKind) -> Fault {
        let name = device.code();
        Fault::new(
            FaultKind::Stopped,
            format!("the {name} service has stopped"),
        )
    }

    /// The printer reports `states`, some of which need a technician.
    pub fn printer_states(states: &[PrinterState]) -> Fault {
        Fault::new(
            FaultKind::PrinterStates(states.to_vec()),
            drivers::printer::status::codes(states),
        )
    }
}

impl From<&ReaderError> for Fault {
    fn from(e: &ReaderError) -> Fault {
        Fault::new(FaultKind::Reader(e.kind()), e)
    }
}

impl From<&PrinterError> for Fault {
    fn from(e: &PrinterError) -> Fault {
        match e {
            PrinterError::NotReady(states) => Fault::printer_states(states),
            other => Fault::new(FaultKind::Printer(other.kind()), other),
        }
    }
}

impl From<&CameraError> for Fault {
    fn from(e: &CameraError) -> Fault {
        Fault::new(FaultKind::Camera(e.kind()), e)
    }
}

/// A device's port that could not be opened: which one, and what the system said.
#[derive(Debug, thiserror::Error)]
#[error("{port}: {source}")]
pub struct OpenError {
    port: String,
    source: std::io::Error,
}

impl OpenError {
    pub fn new(port: impl fmt::Display, source: impl Into<std::io::Error>) -> OpenError {
        OpenError {
            port: port.to_string(),
            source: source.into(),
        }
    }
}

impl From<&OpenError> for Fault {
    fn from(e: &OpenError) -> Fault {
        Fault::new(FaultKind::CannotOpen, e)
    }
}
