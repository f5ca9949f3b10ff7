//! The devices in words: their names, their health on each screen, and what their drivers report (the card
//! reader's status and the card's problems, the printer's states and errors, the camera's and the photo decoder's
//! errors).

use drivers::camera::{CameraError, CameraErrorKind};
use drivers::idcard::status::Sw3;
use drivers::idcard::text::{CardField, TextError};
use drivers::idcard::wlt::{WltError, WltErrorKind};
use drivers::idcard::{CardErrorKind, ReaderError};
use drivers::printer::receipt::ReceiptError;
use drivers::printer::{PrinterError, PrinterErrorKind, PrinterState};

use super::{page_error, with_detail, ForTechnicians};
use crate::app::failure::{CaptureFailure, PrintFailure};
use crate::services::devices::discover::Found;
use crate::services::devices::{DeviceKind, Fault, FaultKind, Health};

/// A device's full name (technician mode, the identify screen).
pub fn device_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "身份证读卡器",
        DeviceKind::Printer => "小票打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
        DeviceKind::FaceCamera => "人脸识别摄像头",
    }
}

/// A device's short name (Home's one line).
pub fn device_short_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "读卡器",
        DeviceKind::Printer => "打印机",
        DeviceKind::Camera => "高拍仪",
        DeviceKind::Scanner => "扫码器",
        DeviceKind::FaceCamera => "人脸摄像头",
    }
}

/// The one-touch test's button in technician mode.
pub fn test_label(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::IdReader => "读卡测试",
        DeviceKind::Printer => "打印测试小票",
        DeviceKind::Camera => "拍摄测试",
        DeviceKind::Scanner => "扫码测试",
        DeviceKind::FaceCamera => "人脸画面测试",
    }
}

/// A device's state for technicians, and whether it works: the words, then the technical detail.
pub fn health_words(kind: DeviceKind, health: Option<&Health>) -> (String, bool) {
    match health {
        Some(Health::Ok) => ("正常".into(), true),
        Some(Health::Starting) => ("正在启动".into(), false),
        Some(Health::Absent(fault)) => (format!("未连接：{}", fault_detailed(kind, fault)), false),
        Some(Health::Error(fault)) => (format!("故障：{}", fault_detailed(kind, fault)), false),
        None => ("未启用".into(), false),
    }
}

/// What needs a technician about a device, for Home's quiet line; none while it works or starts.
pub fn device_problem(kind: DeviceKind, health: &Health) -> Option<String> {
    let name = device_short_name(kind);
    match health {
        Health::Ok | Health::Starting => None,
        Health::Absent(_) => Some(format!("{name}未连接")),
        Health::Error(fault) => Some(format!("{name}：{}", fault_sentence(kind, fault))),
    }
}

/// The ID card reader for the applicant: ready, or why not in plain words.
pub fn reader_problem(health: Option<&Health>) -> Option<String> {
    let kind = DeviceKind::IdReader;
    let name = device_name(kind);
    match health {
        Some(Health::Ok) => None,
        Some(Health::Absent(_)) => Some(format!("{name}未连接")),
        Some(Health::Error(fault)) => Some(format!("{name}故障：{}", fault_sentence(kind, fault))),
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

/// What went wrong with `device`, in a sentence for anyone (no technical detail).
pub fn fault_sentence(device: DeviceKind, fault: &Fault) -> String {
    let name = device_short_name(device);
    match &fault.kind {
        FaultKind::CannotOpen => format!("{name}无法打开"),
        FaultKind::Disconnected => format!("{name}连接中断"),
        FaultKind::Reader(kind) => card_error(*kind),
        FaultKind::Printer(kind) => printer_error_kind(*kind).to_string(),
        FaultKind::PrinterStates(states) => printer_states(states),
        FaultKind::Camera(kind) => camera_error(*kind).to_string(),
        FaultKind::Stopped => match device {
            DeviceKind::Printer => "打印服务已停止".into(),
            other => format!("{}服务已停止", device_short_name(other)),
        },
    }
}

/// The sentence, then the technical detail in brackets: for technicians. A port that would not open is named
/// with the system's reason alone (after "未连接", that says it all).
pub fn fault_detailed(device: DeviceKind, fault: &Fault) -> String {
    match fault.kind {
        FaultKind::CannotOpen => fault.detail.clone(),
        _ => with_detail(&fault_sentence(device, fault), &fault.detail),
    }
}

/// What this machine shows of a configured device, for technicians.
pub fn found(found: &Found) -> String {
    match found {
        Found::Simulator => "内置模拟器（演示）".into(),
        Found::UsbSerial(usb) => format!("USB {}:{} {}", usb.vendor, usb.product_id, usb.product),
        Found::SerialNotUsb => "串口（非 USB）".into(),
        Found::NoSuchSerialPort => "未找到这个串口".into(),
        Found::CameraFormats(formats) if formats.is_empty() => "没有可用的图像格式".into(),
        Found::CameraFormats(formats) => format!("格式：{}", formats.join("、")),
        Found::CameraUnreadable(fault) => fault_detailed(DeviceKind::Camera, fault),
        Found::UsbPrinter(product) => format!("USB 打印机：{product}"),
        Found::NoSuchUsbPrinter => "未找到这台 USB 打印机".into(),
        Found::NetworkPrinter => "网络打印机".into(),
        Found::HidScanner => "键盘模式扫码器（独占读取）".into(),
        Found::Unknown => String::new(),
    }
}

/// What the reader's status byte means for the person at the reader.
pub fn sw3(status: Sw3) -> &'static str {
    match status {
        Sw3::Ok | Sw3::CardFound => "读卡成功",
        Sw3::NoContent => "证件中没有该项信息",
        Sw3::ChecksumError | Sw3::LengthError | Sw3::CommunicationFault => {
            "读卡器通信出错，请稍候再试；如仍不行请联系工作人员"
        }
        Sw3::CommandError | Sw3::Unauthorized | Sw3::Unrecognized | Sw3::Other(_) => {
            "读卡器不支持该操作，请联系工作人员"
        }
        Sw3::Authentication(_) | Sw3::RandomFailed => "证件验证未通过，请取下证件后重新放置",
        Sw3::UnknownCardType => "无法识别该证件，请放置居民身份证或居住证",
        Sw3::ReadFailed => "读卡失败，请将证件平放在读卡区，不要移动",
        Sw3::SamSelfTest | Sw3::SamNotAuthorized => "读卡器安全模块故障，请联系工作人员",
        Sw3::NoCard => "未检测到证件，请将证件放在读卡区",
        Sw3::SelectFailed => "证件已移开，请重新放置",
    }
}

/// What went wrong reading a card or the reader (the identify screen, technicians, `kiosk device read-card`).
pub fn card_error(kind: CardErrorKind) -> String {
    match kind {
        CardErrorKind::NoAnswer => "读卡器没有响应".into(),
        CardErrorKind::Garbled => "读卡器数据错误（校验或长度不对）".into(),
        CardErrorKind::Status(status) => sw3(status).into(),
        CardErrorKind::Text(text) => card_text_error(text),
        CardErrorKind::Malformed => "读卡器返回的数据不完整".into(),
        CardErrorKind::Disconnected => "读卡器连接中断".into(),
    }
}

fn card_text_error(error: TextError) -> String {
    match error {
        TextError::Length(bytes) => format!("证件信息长度不对（{bytes} 字节）"),
        TextError::CardType => "无法识别的证件类型".into(),
        TextError::Field(field) => format!("证件中的{}无法识别", card_field(field)),
        TextError::IdNumber => "证件号码校验未通过".into(),
    }
}

fn card_field(field: CardField) -> &'static str {
    match field {
        CardField::Name => "姓名",
        CardField::Nation => "民族",
        CardField::BirthDate => "出生日期",
        CardField::Validity => "有效期",
    }
}

/// The card photo's decoder (`kiosk device read-card --photo`).
pub fn wlt_error(kind: WltErrorKind) -> &'static str {
    match kind {
        WltErrorKind::Load => "照片解码库无法加载",
        WltErrorKind::Length => "照片数据长度不对",
        WltErrorKind::Failed => "照片解码失败",
        WltErrorKind::Image => "照片解码结果无法识别",
    }
}

pub fn printer_state(state: PrinterState) -> &'static str {
    match state {
        PrinterState::Ok => "打印机正常",
        PrinterState::Offline => "打印机离线",
        PrinterState::CoverOpen => "打印机盖未关好",
        PrinterState::PaperNearEnd => "打印纸即将用完",
        PrinterState::PaperOut => "打印机缺纸",
        PrinterState::CutterError => "打印机切刀故障",
        PrinterState::Error => "打印机出错",
        PrinterState::Unrecoverable => "打印机故障",
    }
}

/// Several states in one line: `打印机缺纸、打印机盖未关好`.
pub fn printer_states(states: &[PrinterState]) -> String {
    let words: Vec<&str> = states.iter().map(|s| printer_state(*s)).collect();
    words.join("、")
}

fn printer_error_kind(kind: PrinterErrorKind) -> &'static str {
    match kind {
        PrinterErrorKind::Connect => "打印机无法连接",
        PrinterErrorKind::NoStatus => "打印机没有回应状态查询",
        PrinterErrorKind::NotReady => "打印机不能打印",
        PrinterErrorKind::Io => "打印机连接中断",
    }
}

/// Why the printer did not print, naming the states that stopped it.
pub fn printer_error(error: &PrinterError) -> String {
    match error {
        PrinterError::NotReady(states) => not_ready(states),
        other => printer_error_kind(other.kind()).into(),
    }
}

/// A print refused for the printer's states.
pub fn not_ready(states: &[PrinterState]) -> String {
    format!(
        "{}：{}",
        printer_error_kind(PrinterErrorKind::NotReady),
        printer_states(states)
    )
}

pub fn camera_error(kind: CameraErrorKind) -> &'static str {
    match kind {
        CameraErrorKind::Absent => "高拍仪未连接",
        CameraErrorKind::Timeout => "高拍仪没有送来画面",
        CameraErrorKind::NoUsableFormat => "高拍仪不支持 JPEG、YUYV 或 RGB 输出",
        CameraErrorKind::Decode => "图像无法解码",
        CameraErrorKind::Io => "高拍仪读写出错",
    }
}

/// A receipt the printer's commands cannot carry (one kind of error: its type says it).
pub fn receipt_error(_: &ReceiptError) -> &'static str {
    "小票内容无法编码"
}

/// Why a receipt or slip did not print, for the print notes.
pub fn print_failure(failure: &PrintFailure) -> String {
    match failure {
        PrintFailure::NoPrinter => "本机打印机未启用".into(),
        PrintFailure::Receipt(e) => receipt_error(e).into(),
        PrintFailure::Printer(fault) => match &fault.kind {
            FaultKind::PrinterStates(states) => not_ready(states),
            _ => fault_sentence(DeviceKind::Printer, fault),
        },
    }
}

/// As [`print_failure`], with the technical detail: for technicians.
pub fn print_failure_detailed(failure: &PrintFailure) -> String {
    match failure {
        PrintFailure::NoPrinter => print_failure(failure),
        other => with_detail(&print_failure(other), other),
    }
}

/// Why a page was not captured, for the applicant.
pub fn capture_failure(failure: &CaptureFailure) -> String {
    match failure {
        CaptureFailure::Camera(fault) => fault_sentence(DeviceKind::Camera, fault),
        CaptureFailure::Page(e) => page_error(e.kind()).into(),
        CaptureFailure::Interrupted(_) => "照片检查没有完成".into(),
    }
}

impl ForTechnicians for ReaderError {
    fn for_technicians(&self) -> String {
        with_detail(&card_error(self.kind()), self)
    }
}

impl ForTechnicians for PrinterError {
    fn for_technicians(&self) -> String {
        with_detail(&printer_error(self), self)
    }
}

impl ForTechnicians for CameraError {
    fn for_technicians(&self) -> String {
        with_detail(camera_error(self.kind()), self)
    }
}

impl ForTechnicians for WltError {
    fn for_technicians(&self) -> String {
        with_detail(wlt_error(self.kind()), self)
    }
}

impl ForTechnicians for ReceiptError {
    fn for_technicians(&self) -> String {
        with_detail(receipt_error(self), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_its_words_for_each_screen() {
        let absent = Health::Absent(Fault::new(FaultKind::CannotOpen, "no such file"));
        let fault = Health::Error(Fault::new(
            FaultKind::Reader(CardErrorKind::NoAnswer),
            "the reader did not answer",
        ));
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
            health_words(DeviceKind::Printer, Some(&absent)),
            ("未连接：no such file".to_string(), false)
        );
        assert!(camera_problem(None).starts_with("高拍仪未连接"));
    }

    /// The printer's states, as Home, the print notes and technicians read them.
    #[test]
    fn the_printers_states_in_words() {
        let states = [PrinterState::PaperOut, PrinterState::CoverOpen];
        let refused = Health::Error(Fault::printer_states(&states));
        assert_eq!(
            device_problem(DeviceKind::Printer, &refused).as_deref(),
            Some("打印机：打印机缺纸、打印机盖未关好")
        );
        assert_eq!(
            printer_error(&PrinterError::NotReady(states.to_vec())),
            "打印机不能打印：打印机缺纸、打印机盖未关好"
        );
        assert_eq!(
            health_words(DeviceKind::Printer, Some(&refused)).0,
            "故障：打印机缺纸、打印机盖未关好（paper_out, cover_open）"
        );
    }

    /// The sentences the reader's driver used to carry, now said here from its kinds (drivers/tests/idcard_pty.rs
    /// asserts the kinds).
    #[test]
    fn the_card_readers_kinds_read_as_before() {
        assert_eq!(
            card_error(CardErrorKind::Status(Sw3::SamSelfTest)),
            "读卡器安全模块故障，请联系工作人员"
        );
        assert_eq!(
            card_error(CardErrorKind::Text(TextError::IdNumber)),
            "证件号码校验未通过"
        );
        assert_eq!(
            card_error(CardErrorKind::Status(Sw3::UnknownCardType)),
            "无法识别该证件，请放置居民身份证或居住证"
        );
        assert_eq!(
            card_error(CardErrorKind::Text(TextError::Field(CardField::Nation))),
            "证件中的民族无法识别"
        );
    }

    /// Every status byte the reader may send has words (the driver's own test checks each documented byte has a
    /// kind of its own).
    #[test]
    fn every_status_has_words() {
        for byte in 0..=u8::MAX {
            assert!(!sw3(Sw3::from_byte(byte)).is_empty(), "{byte:02X}");
        }
    }
}
