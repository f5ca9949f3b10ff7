//! The devices as the kiosk knows them, and their events into the session. The device service runs on its own
//! threads; its events come back through the task queue, in order, to the UI thread.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{words, App};
use crate::services::devices::{DeviceEvent, DeviceKind, DeviceService, DeviceUris, Health};
use crate::session::Step;

/// What the kiosk knows of the devices.
#[derive(Default)]
pub struct DeviceState {
    pub service: Option<DeviceService>,
    pub health: BTreeMap<DeviceKind, Health>,
    /// What went wrong with the last card placed, for the identify screen.
    pub card_error: String,
    /// A card that was read still lies on the reader.
    pub card_on_reader: bool,
}

impl DeviceState {
    pub fn health_of(&self, device: DeviceKind) -> Option<&Health> {
        self.health.get(&device)
    }

    pub fn simulated(&self) -> bool {
        self.service.as_ref().is_some_and(|s| s.sim().is_some())
    }

    /// Whether `device` is known to work now.
    pub fn ready(&self, device: DeviceKind) -> bool {
        self.health_of(device) == Some(&Health::Ok)
    }

    /// Printing is offered whenever a printer is configured: one that is out of paper says so when asked, and
    /// the slip then shows as a QR code. Only while the printer is known to be missing is the button off.
    pub fn can_print(&self) -> bool {
        self.service.is_some()
            && !matches!(self.health_of(DeviceKind::Printer), Some(Health::Absent(_)))
    }
}

impl App {
    /// Starts the device service for `uris` (a running one must be dropped first, so ports are free).
    pub fn start_devices(&mut self, uris: &DeviceUris) -> std::io::Result<()> {
        let poster = self.tasks.poster();
        let service = DeviceService::start(
            uris,
            Arc::new(move |event| poster.post(move |app| app.device_event(event))),
        )?;
        self.devices.service = Some(service);
        Ok(())
    }

    /// One device event: into the session where it moves the applicant on, into the device state otherwise.
    fn device_event(&mut self, event: DeviceEvent) {
        match event {
            DeviceEvent::Health { device, health } => {
                self.devices.health.insert(device, health);
            }
            DeviceEvent::CardPlaced(data) => {
                self.devices.card_on_reader = true;
                self.devices.card_error.clear();
                // A card put down anywhere but on the identify screen is not read into a session.
                if self.technician_card_read(&data.identity) {
                    return;
                }
                match self.session.step() {
                    Step::Identify => {
                        let _ = self.session.identified(data.identity.clone());
                    }
                    Step::Status => self.status_card_read(&data.identity),
                    _ => {}
                }
            }
            DeviceEvent::CardUnreadable(kind) => {
                self.devices.card_on_reader = true;
                self.devices.card_error = words::card_error(kind);
            }
            DeviceEvent::CardRemoved => {
                self.devices.card_on_reader = false;
                // The applicant took the card: the done page's receipt and code leave a minute later.
                if let Some(done) = self.done.as_mut() {
                    done.card_left(std::time::Instant::now());
                }
            }
            DeviceEvent::CodeScanned(code) => {
                // Its length only: a scanned code may be anything, a phone number or an ID card's.
                tracing::info!(chars = code.chars().count(), "code scanned");
                if !self.technician_code_scanned(&code) && !self.licence_code_scanned(&code) {
                    self.status_code_scanned(&code)
                }
            }
            DeviceEvent::PrinterState(_) => {}
        }
    }

    /// Demo mode: the simulated reader gets the sample card (the simulator's made-up resident), as if placed.
    pub fn place_sample_card(&mut self) {
        if !self.demo_shortcuts() {
            return;
        }
        if let Some(reader) = self
            .devices
            .service
            .as_ref()
            .and_then(|d| d.sim())
            .and_then(|sim| sim.id_reader())
        {
            reader.remove();
            reader.place(drivers::idcard::sim::sample_identity(), false);
        }
    }
}
