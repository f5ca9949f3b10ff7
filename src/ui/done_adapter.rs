//! The confirmation page: receipt number, its QR code, what happens next, the printed receipt. By the time it
//! shows, the visit's personal data is gone; this page holds only the receipt and masked identity.

use std::time::{Duration, Instant};

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer};

use super::{Actor, Shared, UiState};
use crate::session::Session;
use crate::{AppWindow, DoneViewAdapter};

/// The page goes back to Home by itself after this long.
pub const SHOWN_FOR: Duration = Duration::from_secs(60);

/// What the receipt needs, taken from the session before it is wiped: nothing whole that is personal.
#[derive(Clone, Debug)]
pub struct ReceiptSummary {
    pub receipt_no: String,
    pub created_at: String,
    pub one_thing: String,
    /// (item, department, time limit)
    pub items: Vec<(String, String, String)>,
    pub masked_name: String,
    pub masked_id: String,
}

impl ReceiptSummary {
    pub fn of(session: &Session, receipt_no: &str, created_at: &str) -> ReceiptSummary {
        ReceiptSummary {
            receipt_no: receipt_no.to_string(),
            created_at: created_at.to_string(),
            one_thing: session
                .one_thing()
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            items: session
                .chosen()
                .iter()
                .map(|c| {
                    (
                        c.item.name.clone(),
                        c.department.to_string(),
                        c.item.time_limit_text(),
                    )
                })
                .collect(),
            masked_name: session
                .identity()
                .map(|i| i.masked_name())
                .unwrap_or_default(),
            masked_id: session
                .identity()
                .map(|i| i.masked_id_number())
                .unwrap_or_default(),
        }
    }
}

pub struct DoneInfo {
    pub summary: ReceiptSummary,
    pub print_note: String,
    pub since: Instant,
}

impl DoneInfo {
    pub fn new(summary: ReceiptSummary, since: Instant) -> DoneInfo {
        DoneInfo {
            summary,
            print_note: String::new(),
            since,
        }
    }
}

pub const NEXT_STEPS: &str = "窗口工作人员将在 2 小时内完成预审；各部门在 1 个工作日内作出办理决定；\
    办理进度和领取通知会以短信告知。可凭受理编号在本机“进度查询/领取”查询。咨询电话：12345 政务服务便民热线。";

/// The receipt number as a QR code, eight pixels a module with a quiet zone.
pub fn qr_image(text: &str) -> Image {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let (scale, quiet) = (8usize, 4usize);
    let side = (modules + 2 * quiet) * scale;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let pixels = buffer.make_mut_slice();
    for (i, pixel) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / scale, i / side / scale);
        let dark = x >= quiet
            && y >= quiet
            && x - quiet < modules
            && y - quiet < modules
            && colors[(y - quiet) * modules + (x - quiet)] == qrcode::Color::Dark;
        let v = if dark { 0 } else { 255 };
        *pixel = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<DoneViewAdapter>()
        .on_finish(actor.on(|s| s.done = None));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let Some(done) = &state.done else { return };
    let adapter = window.global::<DoneViewAdapter>();
    if adapter.get_receipt_no().as_str() != done.summary.receipt_no {
        adapter.set_qr(qr_image(&done.summary.receipt_no));
    }
    adapter.set_receipt_no(done.summary.receipt_no.as_str().into());
    adapter.set_one_thing(done.summary.one_thing.as_str().into());
    adapter.set_next_steps(NEXT_STEPS.into());
    adapter.set_print_note(done.print_note.as_str().into());
}
