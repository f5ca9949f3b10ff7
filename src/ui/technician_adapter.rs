//! Technician mode on screen: the hidden entry, the PIN pad and its lockout, then the devices with their states
//! and last errors, a choice of what this terminal has, a one-touch test each, and 保存并生效: the configuration
//! file is rewritten atomically, read back, and the devices restart with it, without restarting the kiosk.

use std::path::PathBuf;
use std::time::Instant;

use slint::{ComponentHandle, Image, SharedString};
use zeroize::Zeroizing;

use super::generated::{AppWindow, ShellAdapter, TechDevice, TechSetting, TechnicianViewAdapter};
use super::guide_adapter::model;
pub use super::technician_save::SettingDraft;
use super::{Actor, Shared, UiState};
use crate::config::Devices;
use crate::services::devices::discover;
use crate::services::devices::{DeviceKind, Health};
use crate::technician::pin::{Attempt, PinGuard};

/// Technician mode closes by itself after this long untouched.
pub const IDLE_LOCK: std::time::Duration = std::time::Duration::from_secs(300);

pub(super) const ORDER: [DeviceKind; 4] = [
    DeviceKind::IdReader,
    DeviceKind::Printer,
    DeviceKind::Camera,
    DeviceKind::Scanner,
];

/// Where technician mode saves, and what it starts from.
#[derive(Clone, Default)]
pub struct TechnicianSettings {
    pub config_path: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub pin_hash: Option<String>,
    pub devices: Option<Devices>,
    pub rotation: u32,
    /// Where exports to a USB stick are sealed to (`[export] recipient`).
    pub export_recipient: Option<String>,
    /// Where removable disks are mounted now (tests, which have no USB stick, give a folder of their own).
    pub removable_mounts: RemovableMounts,
}

/// Finds the mount points of removable disks.
#[derive(Clone)]
pub struct RemovableMounts(pub std::sync::Arc<dyn Fn() -> Vec<PathBuf>>);

impl Default for RemovableMounts {
    fn default() -> Self {
        RemovableMounts(std::sync::Arc::new(
            crate::technician::usb::removable_mounts,
        ))
    }
}

/// While technician mode is open.
pub struct TechnicianState {
    pub unlocked: bool,
    pin: Zeroizing<String>,
    pub pin_message: String,
    /// The devices as chosen here, saved or not.
    pub draft: Option<Devices>,
    pub editing: Option<usize>,
    /// The setting being typed (an index into `settings`), when not a device.
    pub editing_setting: Option<usize>,
    pub editing_value: String,
    pub settings: Vec<SettingDraft>,
    pub rotation: u32,
    /// A line about each device (USB id, camera formats), found when the mode opens or a device changes.
    pub info: [String; 4],
    /// The rotation was saved: it takes effect when the kiosk starts again.
    pub restart_needed: bool,
    pub mode: i32,
    pub results: [String; 4],
    pub frame: Option<Image>,
    pub save_note: String,
    /// A device test waiting for the next card or code.
    pub awaiting: Option<DeviceKind>,
    pub last_touch: Instant,
}

impl TechnicianState {
    fn new(settings: &TechnicianSettings) -> TechnicianState {
        TechnicianState {
            unlocked: false,
            pin: Zeroizing::new(String::new()),
            pin_message: String::new(),
            draft: settings.devices.clone(),
            editing: None,
            editing_setting: None,
            editing_value: String::new(),
            settings: super::technician_save::load_settings(settings.config_path.as_deref()),
            rotation: settings.rotation,
            info: describe_all(settings.devices.as_ref()),
            restart_needed: false,
            mode: 3,
            results: Default::default(),
            frame: None,
            save_note: String::new(),
            awaiting: None,
            last_touch: Instant::now(),
        }
    }
}

pub(super) fn describe_all(devices: Option<&Devices>) -> [String; 4] {
    let mut info: [String; 4] = Default::default();
    if let Some(devices) = devices {
        for (i, kind) in ORDER.iter().enumerate() {
            info[i] = discover::describe(uri_of(devices, *kind));
        }
    }
    info
}

pub(super) fn uri_of(devices: &Devices, kind: DeviceKind) -> &String {
    match kind {
        DeviceKind::IdReader => &devices.id_reader,
        DeviceKind::Printer => &devices.printer,
        DeviceKind::Camera => &devices.camera,
        DeviceKind::Scanner => &devices.scanner,
    }
}

fn uri_of_mut(devices: &mut Devices, kind: DeviceKind) -> &mut String {
    match kind {
        DeviceKind::IdReader => &mut devices.id_reader,
        DeviceKind::Printer => &mut devices.printer,
        DeviceKind::Camera => &mut devices.camera,
        DeviceKind::Scanner => &mut devices.scanner,
    }
}

fn name_of(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "身份证读卡器",
        DeviceKind::Printer => "小票打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
    }
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<ShellAdapter>()
        .on_corner_tapped(actor.on(|s| {
            if s.technician.is_none() && s.technician_taps.tap(Instant::now()) {
                // Whoever was using the kiosk is gone: their visit ends before anything else shows.
                super::shell_adapter::end_visit(s);
                s.technician = Some(TechnicianState::new(&s.technician_settings));
            }
        }));
    let adapter = window.global::<TechnicianViewAdapter>();
    let on = |f: fn(&mut UiState, &mut TechnicianState)| {
        let actor = actor.clone();
        move || {
            actor.run(|s| {
                if let Some(mut t) = s.technician.take() {
                    t.last_touch = Instant::now();
                    f(s, &mut t);
                    if s.technician_closing {
                        s.technician_closing = false;
                    } else {
                        s.technician = Some(t);
                    }
                }
            })
        }
    };
    adapter.on_pin_backspace(on(|_, t| {
        t.pin.pop();
    }));
    adapter.on_pin_enter(on(enter_pin));
    adapter.on_leave(on(|s, _| s.technician_closing = true));
    adapter.on_backspace(on(|_, t| {
        t.editing_value.pop();
    }));
    adapter.on_close_keyboard(on(|_, t| {
        if let (Some(i), Some(draft)) = (t.editing.take(), t.draft.as_mut()) {
            if !t.editing_value.is_empty() {
                *uri_of_mut(draft, ORDER[i]) = std::mem::take(&mut t.editing_value);
            }
        }
        if let Some(i) = t.editing_setting.take() {
            if let Some(setting) = t.settings.get_mut(i) {
                setting.value = std::mem::take(&mut t.editing_value).trim().to_string();
            }
        }
    }));
    let a = Actor::new(window, state);
    adapter.on_edit_setting(move |index| {
        a.run(|s| {
            if let (Some(t), Ok(i)) = (s.technician.as_mut(), usize::try_from(index)) {
                if let Some(setting) = t.settings.get(i) {
                    // A secret is typed afresh, never shown.
                    t.editing_value = if setting.secret {
                        String::new()
                    } else {
                        setting.value.clone()
                    };
                    t.mode = if setting.number { 2 } else { 3 };
                    t.editing_setting = Some(i);
                }
            }
        })
    });
    adapter.on_save(on(super::technician_save::save));
    adapter.on_sync_catalog(on(|s, t| {
        match s.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
            Some(uplink) => {
                uplink.sync_catalog_now();
                t.save_note = "已开始同步事项目录，结果见上方目录版本".into();
            }
            None => t.save_note = "未配置受理系统，不能同步目录".into(),
        }
    }));
    adapter.on_export_outbox(on(super::technician_save::export_outbox));
    adapter.on_retry_outbox(on(|s, t| {
        let Some(intake) = &s.intake else { return };
        let retried = crate::services::uplink::worker::lock(&intake.outbox).retry_all();
        t.save_note = match retried {
            Ok(n) => format!("已安排 {n} 份申请立即重新发送"),
            Err(e) => format!("不能重试：{e}"),
        };
        if let Some(uplink) = &intake.uplink {
            uplink.queued();
        }
    }));
    let a = Actor::new(window, state);
    adapter.on_pin_key(move |digit: SharedString| {
        a.run(|s| {
            if let Some(t) = s.technician.as_mut() {
                t.last_touch = Instant::now();
                if t.pin.len() < 12 {
                    t.pin.push_str(&digit);
                }
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_choose(move |index, uri: SharedString| {
        a.run(|s| {
            if let (Some(t), Ok(i)) = (s.technician.as_mut(), usize::try_from(index)) {
                if let (Some(draft), Some(kind)) = (t.draft.as_mut(), ORDER.get(i)) {
                    *uri_of_mut(draft, *kind) = uri.to_string();
                    t.info[i] = discover::describe(&uri);
                    t.save_note.clear();
                }
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_edit(move |index| {
        a.run(|s| {
            if let (Some(t), Ok(i)) = (s.technician.as_mut(), usize::try_from(index)) {
                if let (Some(draft), Some(kind)) = (t.draft.as_ref(), ORDER.get(i)) {
                    t.editing_value = uri_of(draft, *kind).clone();
                    t.editing = Some(i);
                    t.mode = 3;
                }
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_key(move |key: SharedString| {
        a.run(|s| {
            if let Some(t) = s.technician.as_mut() {
                if t.editing_value.len() < 200 {
                    t.editing_value.push_str(&key);
                }
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_set_mode(move |mode| {
        a.run(|s| {
            if let Some(t) = s.technician.as_mut() {
                t.mode = mode.clamp(1, 3);
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_set_paper(move |mm| {
        a.run(|s| {
            if let (Some(t), Some(paper)) = (
                s.technician.as_mut(),
                drivers::printer::PaperWidth::from_mm(mm as u32),
            ) {
                if let Some(draft) = t.draft.as_mut() {
                    draft.paper = paper;
                }
            }
        })
    });
    let a = Actor::new(window, state);
    adapter.on_test(move |index| a.run(|s| super::technician_checks::test(s, index)));
    let a = Actor::new(window, state);
    adapter.on_set_rotation(move |degrees| {
        a.run(|s| {
            if let (Some(t), Ok(degrees)) = (s.technician.as_mut(), u32::try_from(degrees)) {
                if [0, 90, 180, 270].contains(&degrees) {
                    t.rotation = degrees;
                }
            }
        })
    });
    adapter.on_restart(|| {
        // Under systemd (Restart=always) the kiosk is back in two seconds, with the saved settings.
        tracing::info!("restart asked by a technician");
        let _ = slint::quit_event_loop();
    });
}

fn enter_pin(s: &mut UiState, t: &mut TechnicianState) {
    let Some(hash) = s.technician_settings.pin_hash.clone() else {
        t.pin_message = "尚未设置维护密码".into();
        return;
    };
    let pin = std::mem::replace(&mut t.pin, Zeroizing::new(String::new()));
    // Kept for the life of the kiosk, so its lock runs on the monotonic clock, not on a settable one.
    let data_dir = s.technician_settings.data_dir.clone();
    let guard = s
        .technician_guard
        .get_or_insert_with(|| PinGuard::open(&data_dir));
    t.pin_message = match guard.attempt(&hash, &pin, Instant::now()) {
        Attempt::Accepted => {
            tracing::info!("technician mode opened");
            t.unlocked = true;
            String::new()
        }
        Attempt::Wrong { wait, left } if wait.is_zero() => format!("密码错误，还可再试 {left} 次"),
        Attempt::Wrong { wait, .. } => format!("密码错误次数过多，请 {} 秒后再试", wait.as_secs()),
        Attempt::Locked(wait) => format!("已锁定，请 {} 秒后再试", wait.as_secs().max(1)),
        Attempt::CannotCount => "现在不能验证密码（本机无法记录尝试次数，请检查数据目录）".into(),
    };
}

fn state_words(health: Option<&Health>) -> (String, bool) {
    match health {
        Some(Health::Ok) => ("正常".into(), true),
        Some(Health::Starting) => ("正在启动".into(), false),
        Some(Health::Absent(reason)) => (format!("未连接：{reason}"), false),
        Some(Health::Error(reason)) => (format!("故障：{reason}"), false),
        None => ("未启用".into(), false),
    }
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<TechnicianViewAdapter>();
    let Some(t) = &state.technician else {
        if adapter.get_unlocked() {
            adapter.set_unlocked(false);
            adapter.set_devices(Default::default());
            adapter.set_log_lines(Default::default());
            adapter.set_camera_frame(Default::default());
        }
        return;
    };
    adapter.set_pin_set(state.technician_settings.pin_hash.is_some());
    adapter.set_unlocked(t.unlocked);
    adapter.set_pin_dots("●".repeat(t.pin.chars().count()).into());
    adapter.set_pin_message(t.pin_message.as_str().into());
    if !t.unlocked {
        return;
    }
    let saved = state.technician_settings.devices.as_ref();
    if let Some(draft) = &t.draft {
        let choices = discover::choices(draft);
        let lists = [
            choices.id_reader,
            choices.printer,
            choices.camera,
            choices.scanner,
        ];
        adapter.set_devices(model(
            ORDER
                .iter()
                .zip(lists)
                .enumerate()
                .map(|(i, (kind, list))| {
                    let (words, ok) = state_words(state.devices.health_of(*kind));
                    TechDevice {
                        name: name_of(*kind).into(),
                        state: words.into(),
                        ok,
                        uri: uri_of(draft, *kind).as_str().into(),
                        info: t.info[i].as_str().into(),
                        choices: model(list.into_iter().map(SharedString::from).collect()),
                        test_label: match kind {
                            DeviceKind::IdReader => "读卡测试",
                            DeviceKind::Printer => "打印测试小票",
                            DeviceKind::Camera => "拍摄测试",
                            DeviceKind::Scanner => "扫码测试",
                        }
                        .into(),
                        test_result: t.results[i].as_str().into(),
                    }
                })
                .collect(),
        ));
        adapter.set_paper_mm(draft.paper.mm() as i32);
        adapter.set_changed(
            saved != Some(draft)
                || t.settings.iter().any(|st| st.value != st.saved)
                || t.rotation != state.technician_settings.rotation,
        );
    }
    adapter.set_settings(model(
        t.settings
            .iter()
            .map(|st| TechSetting {
                label: st.label.into(),
                value: if st.secret {
                    if st.value.is_empty() {
                        "未设置".into()
                    } else {
                        format!("已设置（{} 位）", st.value.chars().count()).into()
                    }
                } else if st.value.is_empty() {
                    "（空）".into()
                } else {
                    st.value.as_str().into()
                },
            })
            .collect(),
    ));
    adapter.set_editing_label(
        match (t.editing, t.editing_setting) {
            (Some(_), _) => "设备地址",
            (None, Some(i)) => t.settings.get(i).map_or("", |st| st.label),
            (None, None) => "",
        }
        .into(),
    );
    adapter.set_editing(if t.editing.is_some() || t.editing_setting.is_some() {
        1
    } else {
        -1
    });
    // A secret being typed shows as dots, one a character, so the technician sees how many were typed.
    let typing_secret = t
        .editing_setting
        .and_then(|i| t.settings.get(i))
        .is_some_and(|st| st.secret);
    adapter.set_editing_value(if typing_secret {
        "●".repeat(t.editing_value.chars().count()).into()
    } else {
        t.editing_value.as_str().into()
    });
    adapter.set_keyboard_mode(t.mode);
    adapter.set_save_note(t.save_note.as_str().into());
    adapter.set_rotation(t.rotation as i32);
    adapter.set_restart_needed(t.restart_needed);
    adapter.set_show_camera_frame(t.frame.is_some());
    adapter.set_camera_frame(t.frame.clone().unwrap_or_default());
    let (link, outbox) = link_words(state);
    adapter.set_link_status(link.into());
    adapter.set_outbox_status(outbox.into());
    let lines = crate::logging::recent();
    adapter.set_log_lines(model(
        lines
            .iter()
            .rev()
            .take(20)
            .rev()
            .map(|l| SharedString::from(l.as_str()))
            .collect(),
    ));
}

fn link_words(state: &UiState) -> (String, String) {
    let Some(intake) = &state.intake else {
        return ("本机未接入受理系统".into(), String::new());
    };
    let link = match &intake.uplink {
        None => "未配置受理系统（[backoffice]），申请保存在本机待发送".to_string(),
        Some(uplink) => {
            let st = uplink.status();
            let mut words = vec![format!("本次运行已送达 {} 份", st.delivered)];
            if let Some(e) = &st.last_error {
                words.push(format!("最近错误：{e}"));
            }
            if let Some(code) = &st.refused {
                words.push(format!("被拒绝：{code}"));
            }
            words.push(format!(
                "事项目录版本：{}",
                st.catalog_version.as_deref().unwrap_or("随机附带")
            ));
            if let Some(p) = &st.catalog_problem {
                words.push(format!("目录同步问题：{p}"));
            }
            if let Some(p) = &st.heartbeat_problem {
                words.push(format!("心跳问题：{p}"));
            }
            words.join("；")
        }
    };
    let counts = crate::services::uplink::worker::lock(&intake.outbox).counts();
    let mut outbox = match counts {
        Ok(c) => format!(
            "待发送 {} 份，被拒绝 {} 份，本机损坏 {} 份",
            c.queued, c.refused, c.damaged
        ),
        Err(e) => format!("待发送列表读不出来：{e}"),
    };
    // Why no application is taken now (simulated devices on a real back office, the key lost, the disk full).
    if let Some(why) = intake.refusal_lately() {
        outbox.push_str(&format!("；暂停受理：{why}"));
    }
    (link, outbox)
}
