//! Device events into the session and onto the screens. The device service runs on its own threads; its events
//! wait in a channel, and the UI thread drains it when woken through `ShellAdapter.services-changed`.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;

use slint::ComponentHandle;

use super::generated::{AppWindow, ShellAdapter};
use super::{Actor, Shared, UiState};
use crate::services::devices::{DeviceEvent, DeviceKind, DeviceService, DeviceUris, Health};
use crate::session::Step;

/// What the UI knows of the devices.
#[derive(Default)]
pub struct DeviceState {
    pub service: Option<DeviceService>,
    events: Option<Receiver<DeviceEvent>>,
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
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<ShellAdapter>()
        .on_services_changed(move || {
            actor.run_quietly(|state| {
                drain(state);
                super::intake::drain(state);
                super::tasks::drain(state);
            })
        });
}

pub fn attach(window: &AppWindow, state: &Shared, uris: &DeviceUris) -> std::io::Result<()> {
    start(window.as_weak(), &mut state.borrow_mut(), uris)
}

/// Starts the device service for `uris` (a running one must be dropped first, so ports are free).
pub fn start(
    weak: slint::Weak<AppWindow>,
    state: &mut UiState,
    uris: &DeviceUris,
) -> std::io::Result<()> {
    let (sender, receiver) = channel::<DeviceEvent>();
    let service = DeviceService::start(
        uris,
        Arc::new(move |event| {
            if sender.send(event).is_ok() {
                let _ = weak.upgrade_in_event_loop(|w| {
                    w.global::<ShellAdapter>().invoke_services_changed()
                });
            }
        }),
    )?;
    state.devices.service = Some(service);
    state.devices.events = Some(receiver);
    Ok(())
}

fn drain(state: &mut UiState) {
    let events: Vec<DeviceEvent> = match &state.devices.events {
        Some(receiver) => receiver.try_iter().collect(),
        None => return,
    };
    for event in events {
        apply(state, event);
    }
}

/// One device event: into the session where it moves the applicant on, into the device state otherwise.
fn apply(state: &mut UiState, event: DeviceEvent) {
    match event {
        DeviceEvent::Health { device, health } => {
            state.devices.health.insert(device, health);
        }
        DeviceEvent::CardPlaced(data) => {
            state.devices.card_on_reader = true;
            state.devices.card_error.clear();
            // A card put down anywhere but on the identify screen is not read into a session.
            if super::technician_checks::card_read(state, &data.identity) {
                return;
            }
            match state.session.step() {
                Step::Identify => {
                    let _ = state.session.identified(data.identity.clone());
                }
                Step::Status => super::status_adapter::card_read(state, &data.identity),
                _ => {}
            }
        }
        DeviceEvent::CardUnreadable(message) => {
            state.devices.card_on_reader = true;
            state.devices.card_error = message;
        }
        DeviceEvent::CardRemoved => {
            state.devices.card_on_reader = false;
            // The applicant took the card: the done page's receipt and code leave a minute later.
            if let Some(done) = state.done.as_mut() {
                done.card_left(std::time::Instant::now());
            }
        }
        DeviceEvent::CodeScanned(code) => {
            // Its length only: a scanned code may be anything, a phone number or an ID card's.
            tracing::info!(chars = code.chars().count(), "code scanned");
            if !super::technician_checks::code_scanned(state, &code) {
                super::status_adapter::code_scanned(state, &code)
            }
        }
        DeviceEvent::PrinterState(_) => {}
    }
}
