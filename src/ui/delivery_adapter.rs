//! How results reach the applicant: at the window or by post (with an address typed on the keyboard), all
//! together or each as it is ready.

use slint::ComponentHandle;

use super::generated::{AppWindow, DeliveryViewAdapter};
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
    adapter.on_next(actor.on(App::confirm_delivery));
}

/// Off the screen, the address goes from the view.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<DeliveryViewAdapter>();
    adapter.set_address("".into());
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<DeliveryViewAdapter>();
    adapter.set_post(app.delivery.post);
    adapter.set_together(app.delivery.together);
    adapter.set_address(app.delivery.address.as_str().into());
    adapter.set_typing(app.typing.is_some());
    adapter.set_error(app.step_error.as_str().into());
}
