//! The JSON bodies of `back-office-api.md` other than the manifest (which is `crate::package::Manifest`).

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// The answer to a stored manifest (201 the first time, 200 for an identical retry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub package_id: String,
    pub receipt_no: String,
    pub status: String,
    pub received_at: String,
}

/// An error body: `{"error": CODE, ...}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One application's status, as looked up by receipt number or ID number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub receipt_no: String,
    pub package_id: String,
    pub status: String,
    pub updated_at: String,
    pub items: Vec<ItemStatus>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemStatus {
    pub code: String,
    pub name: String,
    pub department: String,
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub window: Option<String>,
    #[serde(default)]
    pub pickup_code: Option<String>,
}

/// The item states the back office may report, in the order an item normally moves through them.
pub const ITEM_STATES: &[&str] = &[
    "received",
    "accepted",
    "rejected",
    "in_review",
    "approved",
    "ready_for_pickup",
    "delivered",
];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Lookup {
    pub id_number: String,
}

/// `POST /v1/applications/status`: a receipt number with the check code printed beside it, or a staff token.
#[derive(Clone, Serialize, Deserialize)]
pub struct StatusQuery {
    pub receipt_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_token: Option<String>,
}

/// `POST /v1/staff/sessions`.
#[derive(Clone, Serialize, Deserialize)]
pub struct StaffLogin {
    pub staff_id: String,
    pub pin: String,
}

/// The answer to a staff login: a token for 15 minutes at most.
#[derive(Clone, Serialize, Deserialize)]
pub struct StaffSessionAnswer {
    pub staff_token: String,
    pub name: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Applications {
    pub applications: Vec<Application>,
}

// The bodies that carry an ID number, a check code, a staff token or a PIN are zeroed when dropped.
impl Drop for Lookup {
    fn drop(&mut self) {
        self.id_number.zeroize();
    }
}

impl Drop for StatusQuery {
    fn drop(&mut self) {
        self.check_code.zeroize();
        self.staff_token.zeroize();
    }
}

impl Drop for StaffLogin {
    fn drop(&mut self) {
        self.pin.zeroize();
    }
}

/// What the kiosk reports every minute or so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub at: String,
    pub version: String,
    pub devices: HeartbeatDevices,
    pub outbox: OutboxFigures,
    pub intake: IntakeReport,
}

/// Whether the kiosk takes applications now, and if not, why (for the back office's technicians).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeReport {
    pub accepting: bool,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatDevices {
    pub id_reader: DeviceReport,
    pub camera: DeviceReport,
    pub scanner: DeviceReport,
    pub printer: DeviceReport,
    /// Only where a face camera is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_camera: Option<DeviceReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReport {
    /// `ok`, `absent` or `error`.
    pub state: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFigures {
    pub pending: u64,
    pub oldest_pending_at: Option<String>,
    /// Packages that wait for a technician: refused by the back office, or damaged on the kiosk's disk.
    pub refused: u64,
}
