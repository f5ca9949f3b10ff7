//! `kiosk.toml`: the terminal's settings. Unknown keys and bad values are errors that name file, line and key.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

mod backoffice;

pub use backoffice::{BackOffice, Secret};

use crate::session::IdlePolicy;
use crate::toml_source::{Problem, TomlSource};

/// The validated configuration, with paths made absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub path: PathBuf,
    pub kiosk_id: String,
    pub center_name: String,
    pub catalog: PathBuf,
    pub data_dir: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fullscreen: bool,
    /// Degrees the picture is turned on the terminal's panel (0, 90, 180, 270): the DRM/KMS backend's rotation.
    pub rotation: u32,
    pub idle: IdlePolicy,
    pub devices: Devices,
    /// `None` when the file has no `[backoffice]`: packages then wait in the outbox.
    pub backoffice: Option<BackOffice>,
    /// The technician PIN's Argon2id hash (`kiosk technician set-pin`); without it technician mode stays shut.
    pub technician_pin_hash: Option<String>,
    /// The back office's age X25519 recipient (`age1…`) that packages exported to a USB stick are sealed to;
    /// without it nothing can be exported.
    pub export_recipient: Option<String>,
    /// Real-person verification and the platform the consent screen names (`[identity]`).
    pub identity: IdentitySettings,
    /// Within how many working days the center follows up a bad rating (`[evaluation] follow_up_days`), as the
    /// rating screen promises.
    pub follow_up_days: u32,
    /// Spoken guidance (`[speech]`): the synthesizer, the player, the volume.
    pub speech: crate::speech::SpeechSettings,
}

/// The follow-up promised for a bad rating when the configuration names none.
pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 3;

/// `[identity]`: how the kiosk checks that the person is the card's holder, and which platform it asks for what
/// the government holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentitySettings {
    pub face_check: crate::session::FaceCheck,
    /// Named on the consent screen: where e-licences and shared data come from.
    pub platform_name: String,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        IdentitySettings {
            face_check: crate::session::FaceCheck::Off,
            platform_name: "政务服务平台".into(),
        }
    }
}

/// Where each device is: `sim` for the built-in simulator, or a URI the device layer understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Devices {
    pub id_reader: String,
    pub printer: String,
    pub camera: String,
    pub scanner: String,
    /// The camera that takes the applicant's face for real-person verification; empty when there is none.
    pub face_camera: String,
    /// The receipt paper: 80 or 58 mm.
    pub paper: drivers::printer::PaperWidth,
    /// The reader vendor's library that decodes the card photo (WLT), when installed.
    pub wlt_library: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    kiosk: RawKiosk,
    display: RawDisplay,
    session: RawSession,
    devices: RawDevices,
    backoffice: Option<backoffice::RawBackOffice>,
    technician: Option<RawTechnician>,
    export: Option<RawExport>,
    identity: Option<RawIdentity>,
    evaluation: Option<RawEvaluation>,
    speech: Option<RawSpeech>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvaluation {
    follow_up_days: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpeech {
    command: Option<Spanned<String>>,
    player: Option<Spanned<String>>,
    volume: Option<Spanned<u8>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    face_check: RawFaceCheck,
    platform_name: Spanned<String>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawFaceCheck {
    Required,
    WhenAvailable,
    Off,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExport {
    recipient: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTechnician {
    pin_hash: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDevices {
    id_reader: Spanned<String>,
    printer: Spanned<String>,
    camera: Spanned<String>,
    scanner: Spanned<String>,
    face_camera: Option<Spanned<String>>,
    printer_width_mm: Option<Spanned<u32>>,
    #[serde(default)]
    wlt_library: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    id: Spanned<String>,
    center_name: Spanned<String>,
    catalog: String,
    data_dir: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    width: Spanned<u32>,
    height: Spanned<u32>,
    fullscreen: bool,
    rotation: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    idle_warn_seconds: Spanned<u64>,
    capture_idle_warn_seconds: Spanned<u64>,
    idle_warning_seconds: Spanned<u64>,
}

const DEVICE_SCHEMES: &[&str] = &[
    "sim", "serial:", "tcp://", "file:", "v4l2:", "folder:", "evdev:",
];

/// Whether `hash` is a PHC password-hash string (`kiosk technician set-pin` stores Argon2id ones), so a PIN can be
/// checked against it. The configuration owns this check; technician mode, which writes the hash, relies on it.
pub fn is_pin_hash(hash: &str) -> bool {
    argon2::password_hash::PasswordHash::new(hash).is_ok()
}

impl Config {
    /// Reads and checks the file; every problem found is returned.
    pub fn load(path: &Path) -> Result<Config, Vec<Problem>> {
        let src = TomlSource::read(path).map_err(|p| vec![p])?;
        let raw: RawConfig = src.parse().map_err(|p| vec![p])?;
        let mut problems = Vec::new();
        let mut check = |ok: bool, span: std::ops::Range<usize>, message: String| {
            if !ok {
                problems.push(src.problem(span, message));
            }
        };
        let id = raw.kiosk.id.get_ref();
        check(
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
            raw.kiosk.id.span(),
            "kiosk.id: use capital letters, digits and '-' only (it starts every receipt number, which \
             receipts print and scanners read back in capitals)"
                .into(),
        );
        check(
            !raw.kiosk.center_name.get_ref().trim().is_empty(),
            raw.kiosk.center_name.span(),
            "kiosk.center_name is empty".into(),
        );
        for (key, value) in [
            ("display.width", &raw.display.width),
            ("display.height", &raw.display.height),
        ] {
            check(
                (320..=8192).contains(value.get_ref()),
                value.span(),
                format!(
                    "{key}: {} is not a screen size in pixels (320 to 8192)",
                    value.get_ref()
                ),
            );
        }
        let s = &raw.session;
        check(
            *s.idle_warn_seconds.get_ref() >= 10,
            s.idle_warn_seconds.span(),
            "session.idle_warn_seconds must be at least 10".into(),
        );
        check(
            s.capture_idle_warn_seconds.get_ref() >= s.idle_warn_seconds.get_ref(),
            s.capture_idle_warn_seconds.span(),
            "session.capture_idle_warn_seconds must not be shorter than idle_warn_seconds".into(),
        );
        check(
            *s.idle_warning_seconds.get_ref() >= 20,
            s.idle_warning_seconds.span(),
            "session.idle_warning_seconds must be at least 20 (WCAG 2.2.1)".into(),
        );
        let d = &raw.devices;
        for (key, value) in [
            ("id_reader", &d.id_reader),
            ("printer", &d.printer),
            ("camera", &d.camera),
            ("scanner", &d.scanner),
        ]
        .into_iter()
        .chain(d.face_camera.iter().map(|f| ("face_camera", f)))
        {
            // No face camera is a choice; an unknown one is a mistake.
            let none = key == "face_camera" && value.get_ref().is_empty();
            check(
                none || DEVICE_SCHEMES.iter().any(|scheme| value.get_ref().starts_with(scheme)),
                value.span(),
                format!("devices.{key}: `{}` is not `sim` nor a device URI (serial:, tcp://, file:, v4l2:, folder:, evdev:)", value.get_ref()),
            );
        }
        let paper = match &d.printer_width_mm {
            None => Some(drivers::printer::PaperWidth::Mm80),
            Some(mm) => {
                let paper = drivers::printer::PaperWidth::from_mm(*mm.get_ref());
                check(
                    paper.is_some(),
                    mm.span(),
                    format!(
                        "devices.printer_width_mm: {} mm paper is not supported (58 or 80)",
                        mm.get_ref()
                    ),
                );
                paper
            }
        };
        if let Some(r) = &raw.display.rotation {
            check(
                [0, 90, 180, 270].contains(r.get_ref()),
                r.span(),
                format!("display.rotation: {} is not 0, 90, 180 or 270", r.get_ref()),
            );
        }
        if let Some(t) = &raw.technician {
            check(
                is_pin_hash(t.pin_hash.get_ref()),
                t.pin_hash.span(),
                "technician.pin_hash is not an Argon2 hash: set it with `kiosk technician set-pin`"
                    .into(),
            );
        }
        if let Some(e) = &raw.export {
            check(
                e.recipient.get_ref().trim().is_empty()
                    || e.recipient
                        .get_ref()
                        .parse::<crate::outbox::transfer::Recipient>()
                        .is_ok(),
                e.recipient.span(),
                "export.recipient is not an age X25519 recipient (age1…): make one with \
                 `kiosk outbox new-identity FILE` on the back office's side"
                    .into(),
            );
        }
        if let Some(i) = &raw.identity {
            check(
                !i.platform_name.get_ref().trim().is_empty(),
                i.platform_name.span(),
                "identity.platform_name is empty: the consent screen names the platform".into(),
            );
        }
        if let Some(e) = &raw.evaluation {
            check(
                (1..=30).contains(e.follow_up_days.get_ref()),
                e.follow_up_days.span(),
                "evaluation.follow_up_days must be 1 to 30 (working days)".into(),
            );
        }
        if let Some(sp) = &raw.speech {
            for (key, value) in [("command", &sp.command), ("player", &sp.player)] {
                if let Some(v) = value {
                    check(
                        crate::speech::split_command(v.get_ref()).is_some(),
                        v.span(),
                        format!("speech.{key} is empty or its quotes do not pair"),
                    );
                }
            }
            if let Some(v) = &sp.volume {
                check(
                    *v.get_ref() <= 100,
                    v.span(),
                    format!("speech.volume: {} is not 0 to 100", v.get_ref()),
                );
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let backoffice = raw.backoffice.map(|b| b.check(&src, base, &mut problems));
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            path: path.to_path_buf(),
            kiosk_id: id.clone(),
            center_name: raw.kiosk.center_name.into_inner(),
            catalog: base.join(raw.kiosk.catalog),
            data_dir: base.join(raw.kiosk.data_dir),
            width: raw.display.width.into_inner(),
            height: raw.display.height.into_inner(),
            fullscreen: raw.display.fullscreen,
            rotation: raw.display.rotation.map_or(0, |r| r.into_inner()),
            idle: IdlePolicy::new(
                Duration::from_secs(*s.idle_warn_seconds.get_ref()),
                Duration::from_secs(*s.capture_idle_warn_seconds.get_ref()),
                Duration::from_secs(*s.idle_warning_seconds.get_ref()),
            ),
            devices: Devices {
                id_reader: raw.devices.id_reader.into_inner(),
                printer: raw.devices.printer.into_inner(),
                camera: raw.devices.camera.into_inner(),
                scanner: raw.devices.scanner.into_inner(),
                face_camera: raw
                    .devices
                    .face_camera
                    .map(Spanned::into_inner)
                    .unwrap_or_default(),
                paper: paper.unwrap_or(drivers::printer::PaperWidth::Mm80),
                wlt_library: Some(raw.devices.wlt_library)
                    .filter(|p| !p.is_empty())
                    .map(|p| base.join(p)),
            },
            backoffice,
            technician_pin_hash: raw.technician.map(|t| t.pin_hash.into_inner()),
            export_recipient: raw
                .export
                .map(|e| e.recipient.into_inner().trim().to_string())
                .filter(|r| !r.is_empty()),
            identity: raw
                .identity
                .map(|i| IdentitySettings {
                    face_check: match i.face_check {
                        RawFaceCheck::Required => crate::session::FaceCheck::Required,
                        RawFaceCheck::WhenAvailable => crate::session::FaceCheck::WhenAvailable,
                        RawFaceCheck::Off => crate::session::FaceCheck::Off,
                    },
                    platform_name: i.platform_name.into_inner().trim().to_string(),
                })
                .unwrap_or_default(),
            follow_up_days: raw
                .evaluation
                .map_or(DEFAULT_FOLLOW_UP_DAYS, |e| e.follow_up_days.into_inner()),
            speech: raw.speech.map_or_else(Default::default, |sp| {
                let d = crate::speech::SpeechSettings::default();
                crate::speech::SpeechSettings {
                    command: sp.command.map_or(d.command, Spanned::into_inner),
                    player: sp.player.map_or(d.player, Spanned::into_inner),
                    volume: sp.volume.map_or(d.volume, Spanned::into_inner),
                }
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml")).unwrap()
    }

    fn load_text(text: &str) -> Result<Config, Vec<Problem>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn the_shipped_config_loads_with_simulated_devices() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"));
        let config = Config::load(path).unwrap();
        assert_eq!((config.width, config.height), (1080, 1920));
        assert_eq!(config.devices.id_reader, "sim");
        assert!(config.catalog.ends_with("config/catalog"));
        assert!(config.idle.warning >= Duration::from_secs(20));
    }

    /// The terminal's configuration (installed by the Debian package) stays valid as keys are added.
    #[test]
    fn the_terminal_configuration_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/terminal/kiosk.toml");
        let config = Config::load(&path).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(config.data_dir, Path::new("/var/lib/kiosk"));
        assert!(config.fullscreen);
        assert!(
            config.backoffice.is_none(),
            "no server until technicians set one"
        );
        let shipped =
            Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml")).unwrap();
        assert_eq!(config.devices, shipped.devices);
        assert_eq!(config.idle, shipped.idle);
    }

    #[test]
    fn unknown_keys_name_file_line_and_key() {
        let text = shipped().replace("fullscreen = false", "fullscreen = false\nbrightness = 90");
        let problems = load_text(&text).unwrap_err();
        assert_eq!(problems.len(), 1);
        let line = text
            .lines()
            .position(|l| l.starts_with("brightness"))
            .unwrap()
            + 1;
        assert_eq!(problems[0].line, line);
        assert!(
            problems[0].message.contains("brightness"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].to_string().contains("kiosk.toml:"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn bad_values_are_all_reported() {
        let text = shipped()
            .replace("idle_warning_seconds = 30", "idle_warning_seconds = 5")
            .replace("width = 1080", "width = 10")
            .replace("printer = \"sim\"", "printer = \"lpt1\"")
            .replace("printer_width_mm = 80", "printer_width_mm = 76")
            .replace("rotation = 0", "rotation = 45");
        let problems = load_text(&text).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 5, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("display.rotation: 45")));
        let paper_line = text
            .lines()
            .position(|l| l.starts_with("printer_width_mm"))
            .unwrap()
            + 1;
        assert!(problems
            .iter()
            .any(|p| p.line == paper_line && p.message.contains("76 mm")));
        assert!(messages.iter().any(|m| m.contains("idle_warning_seconds")));
        assert!(messages.iter().any(|m| m.contains("display.width")));
        assert!(messages.iter().any(|m| m.contains("devices.printer")));
        let width_line = text.lines().position(|l| l.starts_with("width")).unwrap() + 1;
        assert!(problems.iter().any(|p| p.line == width_line));
        let printer_line = text.lines().position(|l| l.starts_with("printer")).unwrap() + 1;
        assert!(problems
            .iter()
            .any(|p| p.line == printer_line && p.message.contains("lpt1")));
    }

    /// Review finding: `{:?}` of the configuration (a panic message, a debug log) printed the back office's secret.
    #[test]
    fn debug_of_the_config_never_prints_the_secret() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"));
        let config = Config::load(path).unwrap();
        let secret = config
            .backoffice
            .as_ref()
            .unwrap()
            .secret
            .expose()
            .to_string();
        let printed = format!("{config:?} {config:#?}");
        assert!(!printed.contains(secret.as_str()), "{printed}");
        assert!(
            printed.contains("secret"),
            "the field is named, its value hidden"
        );
    }

    #[test]
    fn wrong_types_name_the_line() {
        let text = shipped().replace("height = 1920", "height = \"tall\"");
        let problems = load_text(&text).unwrap_err();
        let line = text.lines().position(|l| l.starts_with("height")).unwrap() + 1;
        assert_eq!(problems[0].line, line);
    }

    #[test]
    fn speech_has_defaults_and_its_bad_values_name_the_line() {
        let config = load_text(&shipped()).expect("loads");
        assert_eq!(config.speech, crate::speech::SpeechSettings::default());
        // The shipped file has the section commented out.
        let text = format!(
            "{}\n[speech]\ncommand = \"'/opt/tts/say\"\nvolume = 101\n",
            shipped()
        );
        let problems = load_text(&text).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 2, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("speech.command")));
        let volume_line = text.lines().position(|l| l.starts_with("volume")).unwrap() + 1;
        assert!(
            problems.iter().any(|p| p.line == volume_line),
            "{messages:#?}"
        );
    }
}
