//! Technician mode: the hidden entry, the PIN and its lockout, then the devices with their states and last
//! errors, a choice of what this terminal has, a one-touch test each, the settings, 保存并生效 (`settings`), the
//! outbox's export (`export`) and retry. What the terminal has (serial ports, cameras, USB ids) is found off the
//! UI thread, as is the outbox's count.

mod checks;
mod export;
mod settings;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub use self::settings::SettingDraft;
use super::keyboard_mode::KeyboardMode;
use super::picture::Picture;
use super::text_entry::{Accepts, TextEntry};
use super::typing::{Shown, Target, PIN_LIMIT};
use super::{words, App};
use crate::config::Devices;
use crate::services::devices::discover::{self, Choices};
use crate::services::devices::DeviceKind;
use crate::services::uplink::worker::lock;
use crate::technician::pin::{Attempt, PinGuard};

/// Technician mode closes by itself after this long untouched.
pub const IDLE_LOCK: Duration = Duration::from_secs(300);

/// The devices in the order the screen lists them.
pub const ORDER: [DeviceKind; 5] = [
    DeviceKind::IdReader,
    DeviceKind::Printer,
    DeviceKind::Camera,
    DeviceKind::Scanner,
    DeviceKind::FaceCamera,
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
pub struct RemovableMounts(pub std::sync::Arc<dyn Fn() -> Vec<PathBuf> + Send + Sync>);

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
    pin: TextEntry,
    pub pin_message: String,
    /// The devices as chosen here, saved or not.
    pub draft: Option<Devices>,
    pub settings: Vec<SettingDraft>,
    pub rotation: u32,
    /// The addresses each device could have on this terminal, once found.
    pub choices: Option<Choices>,
    /// A line about each device (USB id, camera formats), found when the mode opens or a device changes.
    pub info: [String; 5],
    /// The rotation was saved: it takes effect when the kiosk starts again.
    pub restart_needed: bool,
    pub results: [String; 5],
    pub frame: Option<Picture>,
    pub save_note: String,
    /// 保存并生效 is writing the file.
    pub saving: bool,
    /// The PIN typed is being checked (Argon2 and the lockout's file, off the UI thread).
    pub checking_pin: bool,
    /// The outbox's counts and the link's words, as last worked out (off the UI thread).
    pub outbox_words: String,
    outbox_words_at: Option<Instant>,
    /// A device test waiting for the next card or code.
    pub awaiting: Option<DeviceKind>,
    pub last_touch: Instant,
}

impl TechnicianState {
    fn new(settings: &TechnicianSettings) -> TechnicianState {
        TechnicianState {
            unlocked: false,
            pin: TextEntry::new(Accepts::Digits, PIN_LIMIT),
            pin_message: String::new(),
            draft: settings.devices.clone(),
            // Read off the UI thread once the mode shows.
            settings: Vec::new(),
            saving: false,
            checking_pin: false,
            rotation: settings.rotation,
            choices: None,
            info: Default::default(),
            restart_needed: false,
            results: Default::default(),
            frame: None,
            save_note: String::new(),
            outbox_words: String::new(),
            outbox_words_at: None,
            awaiting: None,
            last_touch: Instant::now(),
        }
    }

    /// How many digits of the PIN are typed (shown as dots).
    pub fn pin_len(&self) -> usize {
        self.pin.char_count()
    }

    /// Whether the draft differs from what is saved.
    pub fn changed(&self, saved: &TechnicianSettings) -> bool {
        saved.devices.as_ref() != self.draft.as_ref()
            || self.settings.iter().any(|st| st.value != st.saved)
            || self.rotation != saved.rotation
    }
}

pub fn uri_of(devices: &Devices, kind: DeviceKind) -> &String {
    match kind {
        DeviceKind::IdReader => &devices.id_reader,
        DeviceKind::Printer => &devices.printer,
        DeviceKind::Camera => &devices.camera,
        DeviceKind::Scanner => &devices.scanner,
        DeviceKind::FaceCamera => &devices.face_camera,
    }
}

fn uri_of_mut(devices: &mut Devices, kind: DeviceKind) -> &mut String {
    match kind {
        DeviceKind::IdReader => &mut devices.id_reader,
        DeviceKind::Printer => &mut devices.printer,
        DeviceKind::Camera => &mut devices.camera,
        DeviceKind::Scanner => &mut devices.scanner,
        DeviceKind::FaceCamera => &mut devices.face_camera,
    }
}

/// The outbox's words go stale after this long while technician mode shows.
const OUTBOX_WORDS_FOR: Duration = Duration::from_secs(5);

impl App {
    /// A tap on the header's right corner: five in a row open technician mode. Whoever was using the kiosk is
    /// gone: their visit ends before anything else shows.
    pub fn corner_tapped(&mut self) {
        if self.technician.is_none() && self.technician_taps.tap(Instant::now()) {
            self.end_visit();
            self.technician = Some(TechnicianState::new(&self.technician_settings));
            self.load_technician_settings();
        }
    }

    /// Runs `f` on the open technician mode (nothing when closed), as a touch of it.
    pub fn with_technician(&mut self, f: impl FnOnce(&mut App, &mut TechnicianState)) {
        if let Some(mut t) = self.technician.take() {
            t.last_touch = Instant::now();
            f(self, &mut t);
            if self.technician_closing {
                self.technician_closing = false;
                self.close_technician();
            } else {
                self.technician = Some(t);
            }
        }
    }

    /// Technician mode closes, and what its keyboard held goes with it.
    pub(crate) fn close_technician(&mut self) {
        self.technician = None;
        if self
            .typing
            .as_ref()
            .is_some_and(|t| t.target.is_technician())
        {
            self.typing = None;
        }
    }

    pub fn technician_pin_key(&mut self, digit: &str) {
        self.with_technician(|_, t| {
            t.pin.type_text(digit);
        })
    }

    pub fn technician_pin_backspace(&mut self) {
        self.with_technician(|_, t| {
            t.pin.backspace();
        })
    }

    /// 确定 on the PIN pad.
    pub fn technician_enter_pin(&mut self) {
        self.with_technician(enter_pin)
    }

    /// 退出维护.
    pub fn technician_leave(&mut self) {
        self.with_technician(|app, _| app.technician_closing = true)
    }

    /// 修改 beside a device: its address on the keyboard.
    pub fn technician_edit_device(&mut self, index: usize) {
        self.with_technician(|app, t| {
            if let (Some(draft), Some(kind)) = (t.draft.as_ref(), ORDER.get(index)) {
                let uri = uri_of(draft, *kind).clone();
                let shown = Shown {
                    label: "设备地址".into(),
                    ..Shown::default()
                };
                app.open_keyboard(Target::Device(index), &uri, KeyboardMode::Symbols, shown);
            }
        })
    }

    /// A setting chosen for typing. A secret is typed afresh, never shown.
    pub fn technician_edit_setting(&mut self, index: usize) {
        self.with_technician(|app, t| {
            if let Some(setting) = t.settings.get(index) {
                let value = if setting.secret {
                    ""
                } else {
                    setting.value.as_str()
                };
                let mode = if setting.number {
                    KeyboardMode::Digits
                } else {
                    KeyboardMode::Symbols
                };
                let shown = Shown {
                    label: setting.label.into(),
                    // A secret being typed shows as dots.
                    secret: setting.secret,
                    ..Shown::default()
                };
                app.open_keyboard(Target::Setting(index), value, mode, shown);
            }
        })
    }

    /// 完成 on the keyboard: what was typed goes into the draft.
    pub(crate) fn technician_typed(&mut self, target: &Target, typed: &str) {
        self.with_technician(|app, t| match *target {
            Target::Device(i) => {
                if let (Some(draft), Some(kind), false) =
                    (t.draft.as_mut(), ORDER.get(i), typed.is_empty())
                {
                    *uri_of_mut(draft, *kind) = typed.to_string();
                    app.discover_devices(t);
                }
            }
            Target::Setting(i) => {
                if let Some(setting) = t.settings.get_mut(i) {
                    setting.value = typed.trim().to_string();
                }
            }
            _ => {}
        })
    }

    /// A device's address picked from what the terminal has.
    pub fn technician_choose(&mut self, index: usize, uri: &str) {
        self.with_technician(|app, t| {
            if let (Some(draft), Some(kind)) = (t.draft.as_mut(), ORDER.get(index)) {
                *uri_of_mut(draft, *kind) = uri.to_string();
                t.save_note.clear();
                app.discover_devices(t);
            }
        })
    }

    pub fn technician_set_paper(&mut self, mm: u32) {
        self.with_technician(|_, t| {
            if let (Some(draft), Some(paper)) =
                (t.draft.as_mut(), drivers::printer::PaperWidth::from_mm(mm))
            {
                draft.paper = paper;
            }
        })
    }

    pub fn technician_set_rotation(&mut self, degrees: u32) {
        self.with_technician(|_, t| {
            if [0, 90, 180, 270].contains(&degrees) {
                t.rotation = degrees;
            }
        })
    }

    /// 立即同步目录.
    pub fn technician_sync_catalog(&mut self) {
        self.with_technician(
            |app, t| match app.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
                Some(uplink) => {
                    uplink.sync_catalog_now();
                    t.save_note = "已开始同步事项目录，结果见上方目录版本".into();
                }
                None => t.save_note = "未配置受理系统，不能同步目录".into(),
            },
        )
    }

    /// 立即重试: refused and damaged packages are queued again (SQLite, off the UI thread).
    pub fn technician_retry_outbox(&mut self) {
        self.with_technician(|app, _| {
            let Some(intake) = &app.intake else { return };
            let outbox = intake.outbox.clone();
            app.tasks.spawn_thread(
                move || lock(&outbox).retry_all(),
                |app, retried| {
                    if let Some(uplink) = app.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
                        uplink.queued();
                    }
                    app.with_technician_quietly(|app, t| {
                        t.save_note = match retried {
                            Ok(n) => format!("已安排 {n} 份申请和评价立即重新发送"),
                            Err(e) => format!("不能重试：{}", words::outbox_error_detailed(&e)),
                        };
                        app.refresh_outbox_words(t);
                    })
                },
            );
        })
    }

    /// 保存并生效.
    pub fn technician_save(&mut self) {
        self.with_technician(|app, t| {
            settings::save(app, t);
            app.discover_devices(t);
            app.refresh_outbox_words(t);
        })
    }

    /// 导出到U盘.
    pub fn technician_export_outbox(&mut self) {
        self.with_technician(export::export_outbox)
    }

    /// A device's one-touch test.
    pub fn technician_test(&mut self, index: usize) {
        if let Some(kind) = ORDER.get(index).copied() {
            checks::test(self, kind)
        }
    }

    /// The idle clock while technician mode shows: the outbox's words are kept fresh.
    pub(super) fn technician_tick(&mut self, now: Instant) {
        self.with_technician_quietly(|app, t| {
            let stale = t
                .outbox_words_at
                .is_none_or(|at| now.saturating_duration_since(at) >= OUTBOX_WORDS_FOR);
            if t.unlocked && stale {
                app.refresh_outbox_words(t);
            }
        })
    }

    /// Reads the settings technicians may change from the configuration file, off the UI thread.
    fn load_technician_settings(&self) {
        let path = self.technician_settings.config_path.clone();
        self.tasks.spawn_thread(
            move || settings::load_settings(path.as_deref()),
            |app, loaded| {
                if let Some(t) = app.technician.as_mut().filter(|t| t.settings.is_empty()) {
                    t.settings = loaded;
                }
            },
        );
    }

    /// As [`App::with_technician`], but not a touch (the idle clock, work that came back).
    fn with_technician_quietly(&mut self, f: impl FnOnce(&mut App, &mut TechnicianState)) {
        if let Some(mut t) = self.technician.take() {
            f(self, &mut t);
            self.technician = Some(t);
        }
    }

    /// Finds, on a thread of its own, the addresses each device could have and a line about each chosen one.
    fn discover_devices(&self, t: &TechnicianState) {
        let Some(draft) = t.draft.clone() else { return };
        self.tasks.spawn_thread(
            move || {
                let info =
                    ORDER.map(|kind| words::found(&discover::describe(uri_of(&draft, kind))));
                (discover::choices(&draft), info, draft)
            },
            |app, (choices, info, draft)| {
                if let Some(t) = app.technician.as_mut() {
                    // Only for the draft it was found for (the technician may have chosen again since).
                    if t.draft.as_ref() == Some(&draft) {
                        t.choices = Some(choices);
                        t.info = info;
                    }
                }
            },
        );
    }

    /// Counts the outbox and asks why intake may be paused, off the UI thread (SQLite and a probe write).
    fn refresh_outbox_words(&self, t: &mut TechnicianState) {
        t.outbox_words_at = Some(Instant::now());
        let Some(intake) = &self.intake else { return };
        let outbox = intake.outbox.clone();
        let policy = intake.policy.clone();
        self.tasks.spawn_thread(
            move || {
                let outbox = lock(&outbox);
                let mut line = match outbox.counts() {
                    Ok(c) => format!(
                        "待发送 {} 份，被拒绝 {} 份，本机损坏 {} 份；评价待发送 {} 条，未能发送 {} 条",
                        c.queued, c.refused, c.damaged, c.evaluations_queued, c.evaluations_stuck
                    ),
                    Err(e) => format!("待发送列表读不出来：{}", words::outbox_error_detailed(&e)),
                };
                // Why no application is taken now (simulated devices on a real back office, the key lost, the
                // disk full).
                if let Some(why) = crate::services::uplink::intake_policy::refusal(&policy, &outbox)
                {
                    line.push_str(&format!("；暂停受理：{}", words::refusal_detailed(&why)));
                }
                line
            },
            |app, words| {
                if let Some(t) = app.technician.as_mut() {
                    t.outbox_words = words;
                }
            },
        );
    }

    /// The link's state in words, for technicians.
    pub fn technician_link_words(&self) -> String {
        let Some(intake) = &self.intake else {
            return "本机未接入受理系统".into();
        };
        let Some(uplink) = &intake.uplink else {
            return "未配置受理系统（[backoffice]），申请保存在本机待发送".to_string();
        };
        let st = uplink.status();
        let mut lines = vec![format!("本次运行已送达 {} 份", st.delivered)];
        if let Some(e) = &st.last_error {
            lines.push(format!("最近错误：{}", words::uplink_problem(e)));
        }
        if let Some(code) = &st.refused {
            lines.push(format!("被拒绝：{code}"));
        }
        lines.push(format!(
            "事项目录版本：{}",
            st.catalog_version.as_deref().unwrap_or("随机附带")
        ));
        if let Some(p) = &st.catalog_problem {
            lines.push(format!("目录同步问题：{}", words::uplink_problem(p)));
        }
        if let Some(p) = &st.heartbeat_problem {
            lines.push(format!("心跳问题：{}", words::uplink_problem(p)));
        }
        lines.join("；")
    }
}

/// 确定 on the PIN pad: the PIN is checked against its hash, and the try counted in the lockout's file, off the UI
/// thread (Argon2 takes a moment by design).
fn enter_pin(app: &mut App, t: &mut TechnicianState) {
    if t.checking_pin {
        return;
    }
    let Some(hash) = app.technician_settings.pin_hash.clone() else {
        t.pin_message = "尚未设置维护密码".into();
        return;
    };
    let pin = std::mem::replace(&mut t.pin, TextEntry::new(Accepts::Digits, PIN_LIMIT));
    let data_dir = app.technician_settings.data_dir.clone();
    let guard = app.technician_guard.clone();
    t.checking_pin = true;
    t.pin_message = "正在验证密码…".into();
    app.tasks.spawn_thread(
        move || {
            // Kept for the life of the kiosk, so its lock runs on the monotonic clock, not on a settable one.
            let guard = guard.unwrap_or_else(|| Arc::new(Mutex::new(PinGuard::open(&data_dir))));
            let attempt = guard
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .attempt(&hash, pin.as_str(), Instant::now());
            (guard, attempt)
        },
        |app, (guard, attempt)| {
            app.technician_guard.get_or_insert(guard);
            app.with_technician_quietly(|app, t| {
                // Only for the PIN pad that asked (technician mode may have closed and opened again).
                if !std::mem::take(&mut t.checking_pin) {
                    return;
                }
                t.pin_message = pin_words(&attempt);
                if attempt == Attempt::Accepted {
                    tracing::info!("technician mode opened");
                    t.unlocked = true;
                    app.discover_devices(t);
                    app.refresh_outbox_words(t);
                }
            })
        },
    );
}

/// What the PIN pad says after a try.
fn pin_words(attempt: &Attempt) -> String {
    match attempt {
        Attempt::Accepted => String::new(),
        Attempt::Wrong { wait, left } if wait.is_zero() => format!("密码错误，还可再试 {left} 次"),
        Attempt::Wrong { wait, .. } => format!("密码错误次数过多，请 {} 秒后再试", wait.as_secs()),
        Attempt::Locked(wait) => format!("已锁定，请 {} 秒后再试", wait.as_secs().max(1)),
        Attempt::CannotCount => "现在不能验证密码（本机无法记录尝试次数，请检查数据目录）".into(),
    }
}
