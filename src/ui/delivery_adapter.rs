//! How results reach the applicant: at the window or by post (with an address typed on the keyboard), all
//! together or each as it is ready.

use slint::ComponentHandle;

use super::generated::{AppWindow, DeliveryViewAdapter};
use super::rows::{model, strings};
use super::{Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<DeliveryViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_set_post(move |post| a.run(|app| app.set_post(post)));
    let a = actor.clone();
    adapter.on_set_together(move |together| a.run(|app| app.set_together(together)));
    adapter.on_edit_address(actor.on(App::edit_address));
    let a = actor.clone();
    adapter.on_key(move |k| a.run(|app| app.type_key(&k)));
    adapter.on_backspace(actor.on(App::type_backspace));
    let a = actor.clone();
    adapter.on_pick(move |i| a.run(|app| app.pick_candidate(i)));
    let a = actor.clone();
    adapter.on_set_mode(move |m| a.run(|app| app.set_keyboard_mode(m)));
    adapter.on_close_keyboard(actor.on(App::close_keyboard));
    adapter.on_next(actor.on(App::confirm_delivery));
}

/// Off the screen, the address goes from the view.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<DeliveryViewAdapter>();
    adapter.set_address("".into());
    adapter.set_composing("".into());
    adapter.set_candidates(model(Vec::new()));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<DeliveryViewAdapter>();
    adapter.set_post(app.delivery.post);
    adapter.set_together(app.delivery.together);
    adapter.set_address(app.delivery.address.as_str().into());
    adapter.set_typing(app.typing.field.is_some());
    adapter.set_mode(app.typing.mode);
    adapter.set_composing(app.typing.composing.as_str().into());
    adapter.set_candidates(strings(
        app.typing.candidates.iter().map(|c| c.text.as_str()),
    ));
    adapter.set_error(app.step_error.as_str().into());
}
