//! The confirmation page: receipt number, its QR code, what happens next, the printed receipt. By the time it
//! shows, the visit's personal data is gone; this page holds only the receipt and masked identity.

use std::time::{Duration, Instant};

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer};

use super::{Actor, Shared, UiState};
use crate::receipts::acceptance::NEXT_STEPS;
use crate::receipts::AcceptanceReceipt;
use crate::{AppWindow, DoneViewAdapter};

/// The page goes back to Home by itself after this long.
pub const SHOWN_FOR: Duration = Duration::from_secs(60);

pub struct DoneInfo {
    /// Holds only masked identity: the session it came from is wiped by now.
    pub receipt: AcceptanceReceipt,
    pub print_note: String,
    /// What the QR code on the page holds: the receipt number, or the whole receipt when it did not print.
    pub qr_text: String,
    pub since: Instant,
}

impl DoneInfo {
    pub fn new(receipt: AcceptanceReceipt, since: Instant) -> DoneInfo {
        DoneInfo {
            qr_text: receipt.receipt_no.clone(),
            receipt,
            print_note: String::new(),
            since,
        }
    }

    /// The receipt did not print: the QR code becomes the receipt, and the page says so.
    pub fn not_printed(&mut self, why: &str) {
        self.qr_text = self.receipt.screen_text();
        self.print_note =
            format!("回执没有打印出来（{why}）。请用手机扫描上方二维码保存回执，或记下受理编号。");
    }
}

/// The receipt number as a QR code, eight pixels a module with a quiet zone.
pub fn qr_image(text: &str) -> Image {
    // Long texts (a receipt shown instead of printed) use the lowest error correction, for the fewest modules.
    let level = if text.len() > 200 {
        qrcode::EcLevel::L
    } else {
        qrcode::EcLevel::M
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), level) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4usize;
    // About 400 pixels across whatever the content, so the view can show it at its size without blurring.
    let scale = (400 / (modules + 2 * quiet)).max(2);
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
    let adapter = window.global::<DoneViewAdapter>();
    let Some(done) = &state.done else {
        // The page has gone: the receipt number and the receipt in its QR code go with it.
        if !adapter.get_receipt_no().is_empty() {
            adapter.set_receipt_no(Default::default());
            adapter.set_qr_text(Default::default());
            adapter.set_qr(Default::default());
            adapter.set_one_thing(Default::default());
            adapter.set_print_note(Default::default());
        }
        return;
    };
    if adapter.get_qr_text().as_str() != done.qr_text {
        adapter.set_qr(qr_image(&done.qr_text));
        adapter.set_qr_text(done.qr_text.as_str().into());
    }
    adapter.set_receipt_no(done.receipt.receipt_no.as_str().into());
    adapter.set_one_thing(done.receipt.one_thing.as_str().into());
    adapter.set_next_steps(NEXT_STEPS.join("\n").into());
    adapter.set_qr_caption(
        if done.qr_text == done.receipt.receipt_no {
            "可用手机拍下二维码，凭受理编号查询办理进度"
        } else {
            "二维码里是这份回执的内容，请用手机扫描保存"
        }
        .into(),
    );
    adapter.set_print_note(done.print_note.as_str().into());
}
