//! Home: 我要办事 · 进度查询/领取 · 办事指南.

use slint::ComponentHandle;

use super::generated::{AppWindow, HomeViewAdapter};
use super::{Actor, Shared, UiState};

pub fn setup(window: &AppWindow, state: &Shared) {
    let home = window.global::<HomeViewAdapter>();
    let actor = Actor::new(window, state);
    home.on_apply(actor.on(|s| {
        // A kiosk that could not keep an application safe, or must not file one (simulated devices or the
        // placeholder id on a real back office), takes none. The reason is for technicians (their screen, the
        // heartbeat, the log); the applicant gets plain words.
        if let Some(why) = s.intake.as_ref().and_then(|i| i.refusal()) {
            tracing::warn!(reason = %why, "an application was asked for while intake is paused");
            s.message = Some((
                "本机暂停受理新的申请".to_string(),
                "本机正在维护，暂时不能受理新的申请。已经提交的申请不受影响，会照常送达。请到综合受理窗口办理，或稍后再来。"
                    .to_string(),
            ));
            return;
        }
        let _ = s.session.start_apply();
    }));
    home.on_guide(actor.on(|s| {
        let _ = s.session.start_guide();
    }));
    home.on_status(actor.on(|s| {
        s.status = super::status_adapter::StatusVisit::default();
        let _ = s.session.start_status();
    }));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let home = window.global::<HomeViewAdapter>();
    home.set_center_name(state.center_name.as_str().into());
    home.set_device_note(device_note(state).into());
    home.set_card_left(
        state.devices.card_on_reader && state.session.step() == crate::session::Step::Home,
    );
}

/// One quiet line about the devices: which ones need a technician, or that all is well.
fn device_note(state: &UiState) -> String {
    use crate::services::devices::{DeviceKind, Health};
    if state.devices.health.is_empty() {
        return if state.simulated_devices {
            "设备：模拟运行（演示模式）".into()
        } else {
            String::new()
        };
    }
    let name = |d: DeviceKind| match d {
        DeviceKind::IdReader => "读卡器",
        DeviceKind::Printer => "打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
    };
    let problems: Vec<String> = state
        .devices
        .health
        .iter()
        .filter_map(|(device, health)| match health {
            Health::Ok | Health::Starting => None,
            Health::Absent(_) => Some(format!("{}未连接", name(*device))),
            Health::Error(reason) => Some(format!("{}：{reason}", name(*device))),
        })
        .collect();
    let starting = state.devices.health.len() < 4
        || state
            .devices
            .health
            .values()
            .any(|h| *h == Health::Starting);
    if starting && problems.is_empty() {
        return "设备正在启动…".into();
    }
    let mode = if state.devices.simulated() {
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
