//! Signing the commitment letters (告知承诺): each letter read, signed with a finger.

use slint::ComponentHandle;

use super::generated::{AppWindow, CommitmentsViewAdapter};
use super::{Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<CommitmentsViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_stroke_start(move |x, y| a.run(|app| app.stroke_start(x, y)));
    let a = actor.clone();
    adapter.on_stroke_to(move |x, y| a.run(|app| app.stroke_to(x, y)));
    adapter.on_clear(actor.on(App::clear_signature));
    let a = actor.clone();
    adapter.on_confirm(move |width, height| a.run(|app| app.confirm_signature(width, height)));
}

/// Off the screen, the signature's strokes leave the view.
pub fn clear(window: &AppWindow) {
    window
        .global::<CommitmentsViewAdapter>()
        .set_strokes("".into());
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<CommitmentsViewAdapter>();
    let items = app.session.commitment_items();
    let index = app.signing.index.min(items.len().saturating_sub(1));
    let item = items.get(index).cloned().unwrap_or_default();
    adapter.set_item(item.as_str().into());
    adapter.set_letter(app.commitment_letter(&item).into());
    adapter.set_position(format!("第 {} 份，共 {} 份", index + 1, items.len()).into());
    adapter.set_strokes(app.signature_path().into());
    adapter.set_signed(app.session.signature(&item).is_some());
    adapter.set_error(app.step_error.as_str().into());
    adapter.set_signer(app.commitment_signer().into());
}
