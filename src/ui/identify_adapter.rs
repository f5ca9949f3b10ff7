//! The identify screen: the reader's readiness in plain words, errors of the last card, and a sample card to place
//! when the devices are simulated.

use slint::ComponentHandle;

use super::generated::{AppWindow, IdentifyViewAdapter};
use super::{Actor, Shared};
use crate::app::words;
use crate::app::App;
use crate::services::devices::DeviceKind;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<IdentifyViewAdapter>()
        .on_simulate_card(actor.on(App::place_sample_card));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<IdentifyViewAdapter>();
    let problem = words::reader_problem(app.devices.health_of(DeviceKind::IdReader));
    adapter.set_reader_ready(problem.is_none());
    adapter.set_reader_problem(problem.unwrap_or_default().into());
    adapter.set_card_error(app.devices.card_error.as_str().into());
    adapter.set_simulated(app.demo_shortcuts());
}
