//! 保存并生效 for technician mode: the settings it may change, the configuration written atomically and read back,
//! and the devices and the link restarted with what was read.

use super::{uri_of, TechnicianState, ORDER};
use crate::app::{words, App};
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

/// The back office, the kiosk's id and the idle limits: (section, key, label, number, secret).
const SETTINGS: [(&str, &str, &str, bool, bool); 8] = [
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

/// 保存并生效: written atomically, read back, and the devices restarted with what was read.
pub(super) fn save(s: &mut App, t: &mut TechnicianState) {
    t.save_note.clear();
    let (Some(path), Some(draft)) = (s.technician_settings.config_path.clone(), t.draft.clone())
    else {
        t.save_note = "本机没有可保存的配置文件".into();
        return;
    };
    let mut file = match ConfigFile::open(&path) {
        Ok(file) => file,
        Err(e) => {
            t.save_note = format!("配置文件读不出来：{e}");
            return;
        }
    };
    for kind in ORDER {
        file.set_str("devices", kind.code(), uri_of(&draft, kind));
    }
    file.set_int("devices", "printer_width_mm", draft.paper.mm() as i64);
    let rotation_changed = t.rotation != s.technician_settings.rotation;
    if rotation_changed {
        file.set_int("display", "rotation", t.rotation as i64);
    }
    let link_changed = t
        .settings
        .iter()
        .any(|st| st.value != st.saved && (st.section == "backoffice" || st.key == "id"));
    let has_server = t
        .settings
        .iter()
        .any(|st| st.section == "backoffice" && st.key == "url" && !st.value.is_empty());
    for st in t.settings.iter().filter(|st| st.value != st.saved) {
        // Without a server address the [backoffice] section stays as it is (absent: applications wait).
        if st.section == "backoffice" && !has_server {
            continue;
        }
        if st.number {
            match st.value.parse::<i64>() {
                Ok(n) => file.set_int(st.section, st.key, n),
                Err(_) => {
                    t.save_note = format!("没有保存：{}要填数字", st.label);
                    return;
                }
            }
        } else {
            file.set_str(st.section, st.key, &st.value);
        }
    }
    let config = match file.save() {
        Ok(config) => config,
        Err(problems) => {
            t.save_note = format!(
                "没有保存：{}",
                problems
                    .iter()
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
                    .join("；")
            );
            return;
        }
    };
    let uris = match DeviceUris::from_config(&config.devices) {
        Ok(uris) => uris,
        Err(e) => {
            t.save_note = format!("已保存，但设备地址有误：{e}");
            return;
        }
    };
    tracing::info!("settings saved, devices restarting");
    for st in t.settings.iter_mut() {
        st.saved = st.value.clone();
    }
    s.technician_settings.rotation = config.rotation;
    if rotation_changed {
        t.restart_needed = true;
    }
    s.idle = config.idle;
    s.session.set_idle_policy(config.idle);
    s.kiosk_id = config.kiosk_id.clone();
    if let Some(intake) = &s.intake {
        intake.set_policy(crate::services::uplink::IntakePolicy::from_config(&config));
    }
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
    // The old service stops (its threads end) before the new one opens the same ports.
    s.devices.service = None;
    s.devices.health.clear();
    s.paper = config.devices.paper;
    s.technician_settings.devices = Some(config.devices.clone());
    t.draft = Some(config.devices);
    t.results = Default::default();
    if let Err(e) = s.start_devices(&uris) {
        problems.push(format!("设备没有启动：{e}"));
    }
    t.save_note = if problems.is_empty() && t.restart_needed {
        "已保存；屏幕方向在终端重启后生效".into()
    } else if problems.is_empty() {
        "已保存并生效".into()
    } else {
        format!("已保存，但{}", problems.join("；"))
    };
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::app::Settings;
    use crate::config::Config;

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
        let idle = idle_setting(&t);
        t.settings[idle].value = "150".into();
        save(&mut app, &mut t);
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
        let idle = idle_setting(&t);
        t.settings[idle].value = "九十".into();
        save(&mut app, &mut t);
        assert_eq!(t.save_note, "没有保存：无操作多久提醒（秒）要填数字");
        assert_eq!(std::fs::read_to_string(&path).expect("config"), before);
        assert_eq!(app.idle.warn_after, Duration::from_secs(90));
    }
}
