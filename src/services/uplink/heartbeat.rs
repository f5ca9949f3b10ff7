//! The heartbeat's body: device states and outbox figures, nothing personal.

use std::collections::BTreeMap;

use crate::backoffice::wire::{
    DeviceReport, Heartbeat, HeartbeatDevices, IntakeReport, OutboxFigures,
};
use crate::outbox::{Outbox, OutboxError};
use crate::services::devices::{DeviceKind, Health};

fn report(health: &BTreeMap<DeviceKind, Health>, device: DeviceKind) -> DeviceReport {
    match health.get(&device) {
        Some(h) => DeviceReport {
            state: h.code().to_string(),
            detail: h.detail().to_string(),
        },
        None => DeviceReport {
            state: "absent".into(),
            detail: "not configured".into(),
        },
    }
}

/// The heartbeat of now; `refusal` is why no application is taken, if none is.
pub fn body(
    health: &BTreeMap<DeviceKind, Health>,
    outbox: &Outbox,
    refusal: Option<String>,
) -> Result<Heartbeat, OutboxError> {
    let counts = outbox.counts()?;
    Ok(Heartbeat {
        at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        version: crate::version().to_string(),
        devices: HeartbeatDevices {
            id_reader: report(health, DeviceKind::IdReader),
            camera: report(health, DeviceKind::Camera),
            scanner: report(health, DeviceKind::Scanner),
            printer: report(health, DeviceKind::Printer),
            face_camera: health
                .contains_key(&DeviceKind::FaceCamera)
                .then(|| report(health, DeviceKind::FaceCamera)),
        },
        outbox: OutboxFigures {
            pending: counts.waiting(),
            refused: counts.refused + counts.damaged + counts.evaluations_stuck,
            oldest_pending_at: counts.oldest_waiting,
        },
        intake: IntakeReport {
            accepting: refusal.is_none(),
            reason: refusal,
        },
    })
}
