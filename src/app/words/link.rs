//! The back office in words: the link's errors, staff sign-in, the link's state for technicians, and why the kiosk
//! takes no application.

use super::{device_name, device_short_name, outbox_error, with_detail, ForTechnicians};
use crate::backoffice::{LinkError, LinkErrorKind, StaffLoginErrorKind};
use crate::services::devices::DeviceKind;
use crate::services::uplink::intake_policy::PLACEHOLDER_KIOSK_ID;
use crate::services::uplink::{Refusal, UplinkProblem, UplinkProblemKind};

pub fn link_error(kind: LinkErrorKind) -> &'static str {
    match kind {
        LinkErrorKind::Setup => "受理系统连接设置有误",
        LinkErrorKind::Transport => "网络错误",
        LinkErrorKind::Unavailable => "服务器暂时不可用",
        LinkErrorKind::Refused => "后台拒绝本机",
        LinkErrorKind::Rejected => "后台不接受",
        LinkErrorKind::Protocol => "后台应答不符合约定",
    }
}

/// For technicians: the words, then the technical detail.
pub fn link_error_detailed(error: &LinkError) -> String {
    with_detail(link_error(error.kind()), error)
}

impl ForTechnicians for LinkError {
    fn for_technicians(&self) -> String {
        link_error_detailed(self)
    }
}

pub fn staff_login_error(kind: StaffLoginErrorKind) -> &'static str {
    match kind {
        StaffLoginErrorKind::BadCredentials => "工号或密码不对",
        StaffLoginErrorKind::Locked => "密码错误次数过多，这个工号已锁定 15 分钟",
        StaffLoginErrorKind::Link(kind) => link_error(kind),
    }
}

/// A trouble of the link, for technicians. A catalog that was not installed is told by its detail alone (the
/// technician screen names it 目录同步问题).
pub fn uplink_problem(problem: &UplinkProblem) -> String {
    match problem.kind {
        UplinkProblemKind::Link(kind) => with_detail(link_error(kind), &problem.detail),
        UplinkProblemKind::Outbox(kind) => with_detail(outbox_error(kind), &problem.detail),
        UplinkProblemKind::Catalog => problem.detail.clone(),
    }
}

/// Why no application is taken, for technicians.
pub fn refusal_detailed(refusal: &Refusal) -> String {
    match refusal {
        Refusal::PlaceholderId => format!(
            "终端编号仍是出厂的 {PLACEHOLDER_KIOSK_ID}，已连接正式受理系统：请在维护模式或 kiosk.toml 的 [kiosk] id \
             设置本机编号，以免两台终端发出相同的受理编号"
        ),
        Refusal::Simulated(devices) => {
            let names: Vec<&str> = devices.iter().map(|d| simulated_name(*d)).collect();
            format!(
                "已连接正式受理系统，但{}仍是模拟设备（sim）：请在维护模式设置真实设备",
                names.join("、")
            )
        }
        Refusal::Outbox { kind, detail } => with_detail(outbox_error(*kind), detail),
    }
}

/// A simulated device as this sentence has always named it.
fn simulated_name(device: DeviceKind) -> &'static str {
    match device {
        DeviceKind::IdReader => device_name(device),
        other => device_short_name(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::OutboxErrorKind;

    /// The refusals as technicians read them (services/uplink/intake_policy.rs asserts the kinds).
    #[test]
    fn refusals_in_words() {
        let sim = Refusal::Simulated(vec![DeviceKind::IdReader, DeviceKind::Printer]);
        assert!(refusal_detailed(&sim).contains("身份证读卡器、打印机仍是模拟设备"));
        assert!(refusal_detailed(&Refusal::PlaceholderId).contains("XX-KIOSK-01"));
        let key = Refusal::Outbox {
            kind: OutboxErrorKind::KeyLost,
            detail: "device key lost".into(),
        };
        assert!(refusal_detailed(&key).contains("设备密钥"));
    }

    #[test]
    fn staff_sign_in_in_words() {
        assert_eq!(
            staff_login_error(StaffLoginErrorKind::BadCredentials),
            "工号或密码不对"
        );
    }
}
