//! The one-time notice of the chosen set, printable on the receipt printer.

use slint::ComponentHandle;

use super::generated::{AppWindow, NoticeViewAdapter};
use super::qr::QrCache;
use super::rows::{self, item_row, material_row, model};
use super::{Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<NoticeViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_next(actor.on(App::confirm_notice));
    adapter.on_print(actor.on(App::print_notice));
}

pub fn fill(window: &AppWindow, app: &App, qr: &mut QrCache) {
    let Some(thing) = app.session.one_thing() else {
        return;
    };
    let adapter = window.global::<NoticeViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_items(model(app.session.chosen().iter().map(item_row).collect()));
    let materials = app.session.materials();
    adapter.set_to_submit_count(materials.iter().filter(|m| !m.is_exempt()).count() as i32);
    adapter.set_materials(model(materials.iter().map(material_row).collect()));
    adapter.set_print_note(rows::print_note(app, qr));
    adapter.set_can_print(app.devices.can_print());
}
