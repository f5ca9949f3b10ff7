//! Home: 我要办事 · 进度查询/领取 · 办事指南.

use slint::ComponentHandle;

use super::{Actor, Shared, UiState};
use crate::{AppWindow, HomeViewAdapter};

pub fn setup(window: &AppWindow, state: &Shared) {
    let home = window.global::<HomeViewAdapter>();
    let actor = Actor::new(window, state);
    home.on_apply(actor.on(|s| {
        let _ = s.session.start_apply();
    }));
    home.on_guide(actor.on(|s| {
        let _ = s.session.start_guide();
    }));
    home.on_status(actor.on(|s| {
        s.message = Some((
            "进度查询 / 领取".to_string(),
            "本终端暂未开通进度查询。请到综合受理窗口，或拨打 12345 政务服务便民热线查询办理进度。"
                .to_string(),
        ));
    }));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let home = window.global::<HomeViewAdapter>();
    home.set_center_name(state.center_name.as_str().into());
    let note = if state.simulated_devices {
        "设备：模拟运行（演示模式）"
    } else {
        "设备正常"
    };
    home.set_device_note(note.into());
}
