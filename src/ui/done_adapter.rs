//! The confirmation page: receipt number, its QR code, what happens next, the printed receipt. By the time it
//! shows, the visit's personal data is gone; this page holds only the receipt and masked identity.

use slint::ComponentHandle;

use super::generated::{AppWindow, DoneViewAdapter};
use super::qr::QrCache;
use super::{Actor, Shared};
use crate::app::App;
use crate::receipts::acceptance::NEXT_STEPS;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<DoneViewAdapter>()
        .on_finish(actor.on(App::finish_done));
}

/// The page has gone: the receipt number, the code and the receipt in its QR code go with it.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<DoneViewAdapter>();
    adapter.set_receipt_no(Default::default());
    adapter.set_check_code(Default::default());
    adapter.set_qr_text(Default::default());
    adapter.set_qr(Default::default());
    adapter.set_one_thing(Default::default());
    adapter.set_print_note(Default::default());
}

pub fn fill(window: &AppWindow, app: &App, qr: &mut QrCache) {
    let adapter = window.global::<DoneViewAdapter>();
    let Some(done) = &app.done else {
        return;
    };
    adapter.set_qr(qr.image((!done.qr_text.is_empty()).then_some(done.qr_text.as_str())));
    adapter.set_qr_text(done.qr_text.as_str().into());
    adapter.set_receipt_no(done.receipt.receipt_no.as_str().into());
    // The code shows only when the receipt did not print (it is then the one place the applicant finds it).
    let code = match (&done.receipt.check_code, done.qr_text.is_empty()) {
        (Some(code), false) => code.grouped(),
        _ => String::new(),
    };
    adapter.set_check_code(code.into());
    adapter.set_one_thing(done.receipt.one_thing.as_str().into());
    adapter.set_next_steps(NEXT_STEPS.join("\n").into());
    adapter.set_qr_caption(
        if done.qr_text.is_empty() {
            ""
        } else {
            "二维码里是这份回执的内容（含查询码），请用手机扫描保存"
        }
        .into(),
    );
    adapter.set_print_note(done.print_note.as_str().into());
}
