//! The words the screens show for the devices and their health, in one place: Home's quiet line, the identify
//! screen's reader, the capture screen's camera and technician mode all name a device and its state from here.

use crate::services::devices::{DeviceKind, Health};

/// A device's full name (technician mode, the identify screen).
pub fn device_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "身份证读卡器",
        DeviceKind::Printer => "小票打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
    }
}

/// A device's short name (Home's one line).
pub fn device_short_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "读卡器",
        DeviceKind::Printer => "打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
    }
}

/// The one-touch test's button in technician mode.
pub fn test_label(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "读卡测试",
        DeviceKind::Printer => "打印测试小票",
        DeviceKind::Camera => "拍摄测试",
        DeviceKind::Scanner => "扫码测试",
    }
}

/// A device's state for technicians, and whether it works.
pub fn health_words(health: Option<&Health>) -> (String, bool) {
    match health {
        Some(Health::Ok) => ("正常".into(), true),
        Some(Health::Starting) => ("正在启动".into(), false),
        Some(Health::Absent(reason)) => (format!("未连接：{reason}"), false),
        Some(Health::Error(reason)) => (format!("故障：{reason}"), false),
        None => ("未启用".into(), false),
    }
}

/// What needs a technician about a device, for Home's quiet line; none while it works or starts.
pub fn device_problem(kind: DeviceKind, health: &Health) -> Option<String> {
    let name = device_short_name(kind);
    match health {
        Health::Ok | Health::Starting => None,
        Health::Absent(_) => Some(format!("{name}未连接")),
        Health::Error(reason) => Some(format!("{name}：{reason}")),
    }
}

/// The ID card reader for the applicant: ready, or why not in plain words.
pub fn reader_problem(health: Option<&Health>) -> Option<String> {
    let name = device_name(DeviceKind::IdReader);
    match health {
        Some(Health::Ok) => None,
        Some(Health::Absent(_)) => Some(format!("{name}未连接")),
        Some(Health::Error(reason)) => Some(format!("{name}故障：{reason}")),
        Some(Health::Starting) => Some(format!("{name}正在启动，请稍候")),
        None => Some(format!("{name}尚未启用")),
    }
}

/// The document camera for the applicant when it cannot take pictures, with what they can do instead.
pub fn camera_problem(health: Option<&Health>) -> &'static str {
    match health {
        Some(Health::Absent(_)) | None => "高拍仪未连接。可选择暂缺补交，或到窗口提交纸质材料。",
        Some(Health::Error(_)) => "高拍仪故障。可选择暂缺补交，或到窗口提交纸质材料。",
        _ => "高拍仪正在启动，请稍候",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_its_words_for_each_screen() {
        let absent = Health::Absent("no such file".into());
        let fault = Health::Error("读卡器没有响应".into());
        assert_eq!(
            device_problem(DeviceKind::Printer, &absent).as_deref(),
            Some("打印机未连接")
        );
        assert_eq!(device_problem(DeviceKind::Printer, &Health::Ok), None);
        assert_eq!(
            reader_problem(Some(&fault)).as_deref(),
            Some("身份证读卡器故障：读卡器没有响应")
        );
        assert_eq!(reader_problem(Some(&Health::Ok)), None);
        assert_eq!(
            health_words(Some(&absent)),
            ("未连接：no such file".to_string(), false)
        );
        assert!(camera_problem(None).starts_with("高拍仪未连接"));
    }
}
