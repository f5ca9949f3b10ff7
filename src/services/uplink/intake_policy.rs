//! Whether the kiosk may take applications, beside whether its outbox can keep them: a kiosk linked to a real
//! back office must not run on simulated devices (a "sample card" would file an application for a made-up
//! person) nor with the shipped placeholder id (two terminals with one id would give the same receipt numbers).
//! The reason is for technicians (their screen in words, the heartbeat in technical English); applicants get plain
//! words.

use std::sync::{Arc, Mutex, PoisonError};

use crate::backoffice::client::is_loopback_url;
use crate::config::{Config, Devices};
use crate::outbox::{Outbox, OutboxError, OutboxErrorKind};
use crate::services::devices::DeviceKind;

/// The id every kiosk is shipped with; a technician sets the real one.
pub const PLACEHOLDER_KIOSK_ID: &str = "XX-KIOSK-01";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntakePolicy {
    pub kiosk_id: String,
    /// A back office is configured, and it is not on this machine (not the simulator).
    pub real_back_office: bool,
    /// The devices configured as `sim`.
    pub simulated: Vec<DeviceKind>,
}

/// Why no application may be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the kiosk id is still the shipped {PLACEHOLDER_KIOSK_ID} with a real back office: set [kiosk] id (technician mode or kiosk.toml), so that no two kiosks give the same receipt numbers")]
    PlaceholderId,
    #[error("a real back office is configured, but {} still simulated (sim): set real devices in technician mode", .0.iter().map(|d| d.code()).collect::<Vec<_>>().join(", "))]
    Simulated(Vec<DeviceKind>),
    /// The outbox cannot keep an application (the device key lost, the disk full or unwritable).
    #[error("{detail}")]
    Outbox {
        kind: OutboxErrorKind,
        detail: String,
    },
}

impl From<&OutboxError> for Refusal {
    fn from(e: &OutboxError) -> Refusal {
        Refusal::Outbox {
            kind: e.kind(),
            detail: e.to_string(),
        }
    }
}

/// The policy as the UI and the link both read it; technician mode replaces it when settings are saved.
pub type SharedPolicy = Arc<Mutex<IntakePolicy>>;

impl IntakePolicy {
    pub fn new(kiosk_id: &str, back_office_url: Option<&str>, devices: &Devices) -> IntakePolicy {
        IntakePolicy {
            kiosk_id: kiosk_id.to_string(),
            real_back_office: back_office_url.is_some_and(|url| !is_loopback_url(url)),
            simulated: [
                (&devices.id_reader, DeviceKind::IdReader),
                (&devices.printer, DeviceKind::Printer),
                (&devices.camera, DeviceKind::Camera),
                (&devices.scanner, DeviceKind::Scanner),
                // A simulated face would "verify" anyone.
                (&devices.face_camera, DeviceKind::FaceCamera),
            ]
            .into_iter()
            .filter(|(uri, _)| uri.as_str() == "sim")
            .map(|(_, kind)| kind)
            .collect(),
        }
    }

    pub fn from_config(config: &Config) -> IntakePolicy {
        IntakePolicy::new(
            &config.kiosk_id,
            config.backoffice.as_ref().map(|b| b.url.as_str()),
            &config.devices,
        )
    }

    /// The demonstration shortcuts (a sample card, a scan of the last receipt) are for a kiosk on the simulator
    /// or on no back office at all, never for one that files real applications.
    pub fn demo_allowed(&self) -> bool {
        !self.real_back_office
    }

    /// Why no application may be taken, whatever the outbox says.
    pub fn refusal(&self) -> Option<Refusal> {
        if !self.real_back_office {
            return None;
        }
        if self.kiosk_id == PLACEHOLDER_KIOSK_ID {
            return Some(Refusal::PlaceholderId);
        }
        if !self.simulated.is_empty() {
            return Some(Refusal::Simulated(self.simulated.clone()));
        }
        None
    }
}

/// Why the kiosk takes no application now, if it does not: the policy first, then the outbox (key, disk).
pub fn refusal(policy: &SharedPolicy, outbox: &Outbox) -> Option<Refusal> {
    let policy = policy.lock().unwrap_or_else(PoisonError::into_inner);
    policy
        .refusal()
        .or_else(|| outbox.accepting().err().map(|e| Refusal::from(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devices(sim: &[&str]) -> Devices {
        let uri = |name: &str, real: &str| {
            if sim.contains(&name) {
                "sim".to_string()
            } else {
                real.to_string()
            }
        };
        Devices {
            id_reader: uri("id_reader", "serial:/dev/ttyUSB0"),
            printer: uri("printer", "tcp://10.0.0.5:9100"),
            camera: uri("camera", "v4l2:/dev/video0"),
            scanner: uri("scanner", "serial:/dev/ttyACM0"),
            face_camera: uri("face_camera", ""),
            paper: drivers::printer::PaperWidth::Mm80,
            wlt_library: None,
        }
    }

    #[test]
    fn a_real_back_office_takes_no_application_from_simulated_devices_or_the_placeholder_id() {
        let real = Some("https://backoffice.example.gov.cn");
        let ok = IntakePolicy::new("XX-ZX-07", real, &devices(&[]));
        assert_eq!(ok.refusal(), None);
        assert!(!ok.demo_allowed());

        let placeholder = IntakePolicy::new(PLACEHOLDER_KIOSK_ID, real, &devices(&[]));
        assert!(placeholder
            .refusal()
            .unwrap()
            .to_string()
            .contains("XX-KIOSK-01"));

        let sim = IntakePolicy::new("XX-ZX-07", real, &devices(&["id_reader", "printer"]));
        let why = sim.refusal().unwrap();
        assert_eq!(
            why,
            Refusal::Simulated(vec![DeviceKind::IdReader, DeviceKind::Printer]),
            "{why}"
        );

        // The simulator on this machine, or no back office: a demonstration, shortcuts and all.
        for url in [
            Some("http://127.0.0.1:8700"),
            Some("http://localhost:8700"),
            None,
        ] {
            let demo = IntakePolicy::new(PLACEHOLDER_KIOSK_ID, url, &devices(&["id_reader"]));
            assert_eq!(demo.refusal(), None, "{url:?}");
            assert!(demo.demo_allowed());
        }
    }

    /// A lost device key stops intake, with the reason the heartbeat and the technician screen show.
    #[test]
    fn a_lost_key_is_a_refusal_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let mut outbox = Outbox::open(dir.path()).unwrap();
        let package = crate::outbox::tests::package(crate::outbox::tests::ID, "R-1");
        outbox.enqueue(&package).unwrap();
        drop(outbox);
        std::fs::remove_file(dir.path().join("device.key")).unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        let policy: SharedPolicy = Arc::new(Mutex::new(IntakePolicy::new(
            "XX-ZX-07",
            None,
            &devices(&[]),
        )));
        let why = refusal(&policy, &outbox).unwrap();
        assert!(
            matches!(
                why,
                Refusal::Outbox {
                    kind: OutboxErrorKind::KeyLost,
                    ..
                }
            ),
            "{why}"
        );
    }
}
