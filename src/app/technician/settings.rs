//! 保存并生效 for technician mode: the settings it may change, the configuration written atomically and read back,
//! and the devices and the link restarted with what was read.

use super::{uri_of, TechnicianState, ORDER};
use crate::app::{words, App};
use crate::config::{Config, Devices};
use crate::services::devices::DeviceUris;
use crate::technician::config_file::ConfigFile;

/// One setting technicians may change here (besides the devices).
#[derive(Clone, Debug)]
pub struct SettingDraft {
    pub section: &'static str,
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub saved: String,
    pub number: bool,
    pub secret: bool,
}

/// The back office, the kiosk's id, the idle limits, the speech volume and the follow-up promised for a 差评:
/// (section, key, label, number, secret).
const SETTINGS: [(&str, &str, &str, bool, bool); 10] = [
    ("kiosk", "id", "终端编号", false, false),
    ("backoffice", "url", "受理系统地址", false, false),
    ("backoffice", "secret", "终端密钥", false, true),
    ("backoffice", "ca_file", "CA 证书文件", false, false),
    (
        "backoffice",
        "pin_sha256",
        "证书指纹（SHA-256）",
        false,
        false,
    ),
    (
        "session",
        "idle_warn_seconds",
        "无操作多久提醒（秒）",
        true,
        false,
    ),
    (
        "session",
        "capture_idle_warn_seconds",
        "拍摄时无操作多久提醒（秒）",
        true,
        false,
    ),
    (
        "session",
        "idle_warning_seconds",
        "提醒后倒计时（秒）",
        true,
        false,
    ),
    ("speech", "volume", "语音音量（0–100）", true, false),
    (
        "evaluation",
        "follow_up_days",
        "差评回访期限（工作日）",
        true,
        false,
    ),
];

pub(super) fn load_settings(path: Option<&std::path::Path>) -> Vec<SettingDraft> {
    let file = path.and_then(|p| ConfigFile::open(p).ok());
    SETTINGS
        .iter()
        .map(|&(section, key, label, number, secret)| {
            let value = file
                .as_ref()
                .and_then(|f| f.get(section, key))
                .unwrap_or_default();
            SettingDraft {
                section,
                key,
                label,
                saved: value.clone(),
                value,
                number,
                secret,
            }
        })
        .collect()
}

/// What 保存并生效 writes: technician mode's draft as it was when pressed.
struct Changes {
    path: std::path::PathBuf,
    devices: Devices,
    settings: Vec<SettingDraft>,
    /// The screen's rotation, when it changed.
    rotation: Option<u32>,
}

/// 保存并生效: the file is written atomically and read back off the UI thread; then the kiosk runs with what was
/// read (devices and, when its settings changed, the link restarted).
pub(super) fn save(s: &mut App, t: &mut TechnicianState) {
    if t.saving {
        return;
    }
    t.save_note.clear();
    let (Some(path), Some(devices)) = (s.technician_settings.config_path.clone(), t.draft.clone())
    else {
        t.save_note = "本机没有可保存的配置文件".into();
        return;
    };
    let changes = Changes {
        path,
        devices,
        settings: t.settings.clone(),
        rotation: (t.rotation != s.technician_settings.rotation).then_some(t.rotation),
    };
    t.saving = true;
    s.tasks.spawn_thread(
        move || {
            let written = write(&changes);
            (changes, written)
        },
        |app, (changes, written)| match written {
            Ok(config) => apply(app, &changes, config),
            Err(note) => app.with_technician_quietly(|_, t| {
                t.saving = false;
                t.save_note = note;
            }),
        },
    );
}

/// The configuration file with `changes`, checked, written atomically and read back; or why nothing was saved.
fn write(changes: &Changes) -> Result<Config, String> {
    let mut file = ConfigFile::open(&changes.path).map_err(|e| format!("配置文件读不出来：{e}"))?;
    for kind in ORDER {
        file.set_str("devices", kind.code(), uri_of(&changes.devices, kind));
    }
    file.set_int(
        "devices",
        "printer_width_mm",
        changes.devices.paper.mm() as i64,
    );
    if let Some(rotation) = changes.rotation {
        file.set_int("display", "rotation", rotation as i64);
    }
    let has_server = changes
        .settings
        .iter()
        .any(|st| st.section == "backoffice" && st.key == "url" && !st.value.is_empty());
    for st in changes.settings.iter().filter(|st| st.value != st.saved) {
        // Without a server address the [backoffice] section stays as it is (absent: applications wait).
        if st.section == "backoffice" && !has_server {
            continue;
        }
        if st.number {
            let n = st
                .value
                .parse::<i64>()
                .map_err(|_| format!("没有保存：{}要填数字", st.label))?;
            file.set_int(st.section, st.key, n);
        } else {
            file.set_str(st.section, st.key, &st.value);
        }
    }
    file.save().map_err(|problems| {
        format!(
            "没有保存：{}",
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("；")
        )
    })
}

/// The configuration read back is put in force: the idle limits and the kiosk's id at once; then the devices
/// and (when its settings changed) the link stop on a thread of their own (a runtime's shutdown waits for its
/// threads), and start again with the new settings once they have: two services never hold the same port.
fn apply(s: &mut App, changes: &Changes, config: Config) {
    let uris = match DeviceUris::from_config(&config.devices) {
        Ok(uris) => uris,
        Err(e) => {
            s.with_technician_quietly(|_, t| {
                t.saving = false;
                t.save_note = format!("已保存，但设备地址有误：{e}");
            });
            return;
        }
    };
    tracing::info!("settings saved, devices restarting");
    let link_changed = changes
        .settings
        .iter()
        .any(|st| st.value != st.saved && (st.section == "backoffice" || st.key == "id"));
    s.with_technician_quietly(|_, t| {
        // What was written is what is saved now (the technician may have typed more meanwhile).
        for (st, written) in t.settings.iter_mut().zip(&changes.settings) {
            st.saved = written.value.clone();
        }
        if changes.rotation.is_some() {
            t.restart_needed = true;
        }
        t.draft = Some(config.devices.clone());
        t.results = Default::default();
    });
    s.technician_settings.rotation = config.rotation;
    s.follow_up_days = config.follow_up_days;
    s.speech.set_volume(config.speech.volume);
    s.idle = config.idle;
    s.session.set_idle_policy(config.idle);
    s.kiosk_id = config.kiosk_id.clone();
    s.paper = config.devices.paper;
    s.technician_settings.devices = Some(config.devices.clone());
    let old_link = match s.intake.as_mut() {
        Some(intake) => {
            intake.set_policy(crate::services::uplink::IntakePolicy::from_config(&config));
            if link_changed {
                intake.uplink.take()
            } else {
                None
            }
        }
        None => None,
    };
    let old_devices = s.devices.service.take();
    s.devices.health.clear();
    s.tasks.spawn_thread(
        move || {
            drop(old_devices);
            drop(old_link);
        },
        move |app, ()| restart(app, &config, &uris, link_changed),
    );
}

/// The old services have stopped: the new ones start, and technician mode says how it went.
fn restart(s: &mut App, config: &Config, uris: &DeviceUris, link_changed: bool) {
    let mut problems = Vec::new();
    if link_changed {
        let linked = match &config.backoffice {
            Some(backoffice) => s
                .connect_link(
                    backoffice,
                    &config.kiosk_id,
                    crate::services::uplink::CatalogCache::new(&config.data_dir),
                )
                .map_err(|e| words::link_error_detailed(&e)),
            None => Ok(()),
        };
        if let Err(e) = linked {
            problems.push(format!("受理系统连接没有启动：{e}"));
        }
    }
    if let Err(e) = s.start_devices(uris) {
        problems.push(format!("设备没有启动：{e}"));
    }
    s.with_technician_quietly(|app, t| {
        t.saving = false;
        t.save_note = if problems.is_empty() && t.restart_needed {
            "已保存；屏幕方向在终端重启后生效".into()
        } else if problems.is_empty() {
            "已保存并生效".into()
        } else {
            format!("已保存，但{}", problems.join("；"))
        };
        app.discover_devices(t);
        app.refresh_outbox_words(t);
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::app::Settings;

    /// 保存并生效 pressed in technician mode, and its answer taken in.
    fn saved(app: &mut App, t: TechnicianState) -> TechnicianState {
        app.technician = Some(t);
        app.technician_save();
        let end = std::time::Instant::now() + Duration::from_secs(10);
        while app.technician.as_ref().is_some_and(|t| t.saving) {
            assert!(std::time::Instant::now() < end, "saving took too long");
            std::thread::sleep(Duration::from_millis(10));
            app.take_in();
        }
        app.technician.take().expect("technician mode")
    }

    /// A kiosk whose configuration is a copy of the shipped one in a folder of its own.
    fn kiosk_with_config() -> (tempfile::TempDir, std::path::PathBuf, App) {
        let dir = tempfile::tempdir().expect("temp dir");
        let shipped =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"))
                .expect("the shipped config");
        let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/config/catalog");
        let text = shipped
            .replace("catalog = \"catalog\"", &format!("catalog = \"{catalog}\""))
            .replace("data_dir = \"../data\"", "data_dir = \"data\"");
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, text).expect("config written");
        let config = Config::load(&path).expect("the config loads");
        let app = App::new(
            Arc::new(crate::session::test_support::catalog()),
            Settings::from_config(&config),
            Arc::new(|| {}),
        );
        (dir, path, app)
    }

    fn idle_setting(t: &TechnicianState) -> usize {
        t.settings
            .iter()
            .position(|s| s.key == "idle_warn_seconds")
            .expect("the idle setting")
    }

    /// 保存并生效: the file says it, the file read back says it, and the kiosk runs with it at once.
    #[test]
    fn saved_settings_are_written_read_back_and_in_force() {
        let (_dir, path, mut app) = kiosk_with_config();
        let mut t = TechnicianState::new(&app.technician_settings);
        t.settings = load_settings(Some(&path));
        let idle = idle_setting(&t);
        t.settings[idle].value = "150".into();
        let t = saved(&mut app, t);
        assert_eq!(t.save_note, "已保存并生效");
        let written = std::fs::read_to_string(&path).expect("config");
        assert!(written.contains("idle_warn_seconds = 150"), "{written}");
        assert!(written.contains("# Untouched this long"), "comments kept");
        assert_eq!(app.idle.warn_after, Duration::from_secs(150));
        assert_eq!(t.settings[idle].saved, "150");
        assert!(app.devices.service.is_some(), "the devices restarted");
    }

    /// A number typed as letters saves nothing, and says which setting.
    #[test]
    fn a_number_that_is_not_one_saves_nothing() {
        let (_dir, path, mut app) = kiosk_with_config();
        let before = std::fs::read_to_string(&path).expect("config");
        let mut t = TechnicianState::new(&app.technician_settings);
        t.settings = load_settings(Some(&path));
        let idle = idle_setting(&t);
        t.settings[idle].value = "九十".into();
        let t = saved(&mut app, t);
        assert_eq!(t.save_note, "没有保存：无操作多久提醒（秒）要填数字");
        assert_eq!(std::fs::read_to_string(&path).expect("config"), before);
        assert_eq!(app.idle.warn_after, Duration::from_secs(90));
    }
}
