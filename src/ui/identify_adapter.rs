//! The identify screen: the reader's readiness in plain words, errors of the last card, and a sample card to place
//! when the devices are simulated.

use slint::ComponentHandle;

use super::generated::{AppWindow, IdentifyViewAdapter};
use super::{Actor, Shared, UiState};
use crate::services::devices::{DeviceKind, Health};

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<IdentifyViewAdapter>()
        .on_simulate_card(actor.on(place_sample_card));
}

/// Demo mode: the simulated reader gets the sample card (the simulator's made-up resident), as if placed.
pub(super) fn place_sample_card(s: &mut UiState) {
    if !s.demo_shortcuts() {
        return;
    }
    if let Some(reader) = s
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

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<IdentifyViewAdapter>();
    let (ready, problem) = match state.devices.health_of(DeviceKind::IdReader) {
        Some(Health::Ok) => (true, String::new()),
        Some(Health::Absent(_)) => (false, "身份证读卡器未连接".to_string()),
        Some(Health::Error(reason)) => (false, format!("身份证读卡器故障：{reason}")),
        Some(Health::Starting) => (false, "身份证读卡器正在启动，请稍候".to_string()),
        None => (false, "身份证读卡器尚未启用".to_string()),
    };
    adapter.set_reader_ready(ready);
    adapter.set_reader_problem(problem.into());
    adapter.set_card_error(state.devices.card_error.as_str().into());
    adapter.set_simulated(state.demo_shortcuts());
}
