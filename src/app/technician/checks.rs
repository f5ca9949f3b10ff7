//! Technician mode's one-touch device tests: read a card (shown masked), print a test receipt, take a camera
//! frame, scan a code.

use std::time::Instant;

use super::ORDER;
use crate::app::picture::Picture;
use crate::app::{words, App};
use crate::receipts::Receipt;
use crate::services::devices::DeviceKind;

pub(super) fn test(s: &mut App, kind: DeviceKind) {
    let Some(t) = s.technician.as_mut() else {
        return;
    };
    t.last_touch = Instant::now();
    let slot = ORDER.iter().position(|k| *k == kind).unwrap_or(0);
    match kind {
        DeviceKind::IdReader => {
            t.awaiting = Some(kind);
            t.results[slot] = "请把身份证放在读卡区…".into();
        }
        DeviceKind::Scanner => {
            t.awaiting = Some(kind);
            t.results[slot] = "请扫描任意条码或二维码…".into();
        }
        DeviceKind::Printer => {
            t.results[slot] = "正在打印测试小票…".into();
            let receipt = test_receipt(&s.kiosk_id, s.paper);
            let sent = s.print(&receipt, move |s, printed| {
                if let Some(t) = s.technician.as_mut() {
                    t.results[slot] = match printed {
                        Ok(()) => "测试小票已打印".into(),
                        Err(e) => format!("没有打印：{}", words::print_failure_detailed(&e)),
                    };
                }
            });
            if let (Err(e), Some(t)) = (sent, s.technician.as_mut()) {
                t.results[slot] = format!("没有打印：{}", words::print_failure_detailed(&e));
            }
        }
        DeviceKind::Camera | DeviceKind::FaceCamera => {
            let camera = s.devices.service.as_ref().and_then(|service| match kind {
                DeviceKind::FaceCamera => service.face_camera(),
                _ => Some(service.camera()),
            });
            let (Some(service), Some(camera)) = (&s.devices.service, camera) else {
                t.results[slot] = format!("{}未启用", words::device_name(kind));
                return;
            };
            t.results[slot] = "正在取画面…".into();
            s.tasks.spawn(
                &service.handle(),
                camera.preview(640, 480),
                move |s, frame| {
                    if let Some(t) = s.technician.as_mut() {
                        match frame {
                            Ok(frame) => {
                                t.results[slot] = format!("画面 {}×{}", frame.width, frame.height);
                                t.frame =
                                    Some(Picture::from_rgb(frame.width, frame.height, &frame.rgb));
                            }
                            Err(e) => {
                                let why = words::fault_detailed(kind, &e);
                                t.results[slot] = format!("取不到画面：{why}");
                            }
                        }
                    }
                },
            );
        }
    }
}

impl App {
    /// A card placed while technician mode is open is not read into a session; while a reader test waits, the
    /// result shows the number masked, never whole. True when technician mode took the card.
    pub(in crate::app) fn technician_card_read(&mut self, identity: &drivers::Identity) -> bool {
        card_read(self, identity)
    }

    /// A code scanned while technician mode is open (for a scanner test). True when technician mode took it.
    pub(in crate::app) fn technician_code_scanned(&mut self, code: &str) -> bool {
        code_scanned(self, code)
    }
}

fn card_read(state: &mut App, identity: &drivers::Identity) -> bool {
    let Some(t) = state.technician.as_mut() else {
        return false;
    };
    if t.awaiting == Some(DeviceKind::IdReader) {
        t.awaiting = None;
        t.results[0] = format!(
            "读卡成功：{} {}",
            identity.masked_name(),
            identity.masked_id_number()
        );
    }
    true
}

fn code_scanned(state: &mut App, code: &str) -> bool {
    let Some(t) = state.technician.as_mut() else {
        return false;
    };
    if t.awaiting == Some(DeviceKind::Scanner) {
        t.awaiting = None;
        let shown: String = code.chars().take(60).collect();
        t.results[3] = format!("扫码成功：{}", crate::logging::scrub(&shown));
    }
    true
}

fn test_receipt(kiosk_id: &str, paper: drivers::printer::PaperWidth) -> Receipt {
    let mut r = Receipt::default();
    r.title("打印测试").centered("一件事一次办 自助服务终端");
    r.field("终端", kiosk_id)
        .field(
            "纸宽",
            format!("{} 毫米（{} 点）", paper.mm(), paper.dots()),
        )
        .field(
            "时间",
            chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        )
        .text("中文测试：政务服务便民热线 12345；生僻字：堃喆玥");
    r.push(crate::receipts::Block::Qr("KIOSK-PRINT-TEST".into()));
    r.centered("扫描上方二维码应显示 KIOSK-PRINT-TEST");
    r
}
