//! The identify screen: the reader's readiness in plain words, errors of the last card, and a sample card to place
//! when the devices are simulated.

use slint::ComponentHandle;

use super::generated::{AppWindow, IdentifyViewAdapter};
use super::{Actor, Shared};
use crate::app::App;
use crate::services::devices::{DeviceKind, Health};

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<IdentifyViewAdapter>()
        .on_simulate_card(actor.on(App::place_sample_card));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<IdentifyViewAdapter>();
    let (ready, problem) = match app.devices.health_of(DeviceKind::IdReader) {
        Some(Health::Ok) => (true, String::new()),
        Some(Health::Absent(_)) => (false, "身份证读卡器未连接".to_string()),
        Some(Health::Error(reason)) => (false, format!("身份证读卡器故障：{reason}")),
        Some(Health::Starting) => (false, "身份证读卡器正在启动，请稍候".to_string()),
        None => (false, "身份证读卡器尚未启用".to_string()),
    };
    adapter.set_reader_ready(ready);
    adapter.set_reader_problem(problem.into());
    adapter.set_card_error(app.devices.card_error.as_str().into());
    adapter.set_simulated(app.demo_shortcuts());
}
