//! Home: 我要办事 · 进度查询/领取 · 办事指南, and one quiet line about the devices.

use slint::ComponentHandle;

use super::generated::{AppWindow, HomeViewAdapter};
use super::{Actor, Shared};
use crate::app::words;
use crate::app::App;
use crate::services::devices::Health;

pub fn setup(window: &AppWindow, state: &Shared) {
    let home = window.global::<HomeViewAdapter>();
    let actor = Actor::new(window, state);
    home.on_apply(actor.on(App::start_apply));
    home.on_guide(actor.on(App::start_guide));
    home.on_status(actor.on(App::start_status));
}

pub fn fill(window: &AppWindow, app: &App) {
    let home = window.global::<HomeViewAdapter>();
    home.set_center_name(app.center_name.as_str().into());
    home.set_device_note(device_note(app).into());
    home.set_card_left(app.devices.card_on_reader);
}

/// One quiet line about the devices: which ones need a technician, or that all is well.
fn device_note(app: &App) -> String {
    if app.devices.health.is_empty() {
        return if app.simulated_devices {
            "设备：模拟运行（演示模式）".into()
        } else {
            String::new()
        };
    }
    let problems: Vec<String> = app
        .devices
        .health
        .iter()
        .filter_map(|(device, health)| words::device_problem(*device, health))
        .collect();
    let starting =
        app.devices.health.len() < 4 || app.devices.health.values().any(|h| *h == Health::Starting);
    if starting && problems.is_empty() {
        return "设备正在启动…".into();
    }
    let mode = if app.devices.simulated() {
        "（演示模式）"
    } else {
        ""
    };
    if problems.is_empty() {
        format!("设备正常{mode}")
    } else {
        format!("{}{mode}", problems.join("；"))
    }
}
