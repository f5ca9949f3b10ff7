//! The one-time notice of the chosen set, printable on the receipt printer.

use slint::ComponentHandle;

use super::generated::{AppWindow, NoticeViewAdapter};
use super::guide_adapter::{item_row, material_row, model};
use super::{Actor, Shared, UiState};
use crate::services::devices::{DeviceKind, Health};
use crate::session::Step;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<NoticeViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_next(actor.on(|s| {
        let _ = s.session.confirm_notice();
        s.new_epoch();
        s.print_note.clear();
        s.print_qr = None;
    }));
    adapter.on_print(actor.on(super::print::notice));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    if state.session.step() != Step::Notice {
        return;
    }
    let Some(thing) = state.session.one_thing() else {
        return;
    };
    let adapter = window.global::<NoticeViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_items(model(state.session.chosen().iter().map(item_row).collect()));
    let materials = state.session.materials();
    adapter.set_to_submit_count(materials.iter().filter(|m| !m.is_exempt()).count() as i32);
    adapter.set_materials(model(materials.iter().map(material_row).collect()));
    adapter.set_print_note(state.print_note.as_str().into());
    adapter.set_show_print_qr(state.print_qr.is_some());
    adapter.set_print_qr(state.print_qr.clone().unwrap_or_default());
    adapter.set_can_print(can_print(state));
}

/// Printing is offered whenever a printer is configured: one that is out of paper says so when asked, and the
/// slip then shows as a QR code. Only while the printer is known to be missing is the button off.
pub(super) fn can_print(state: &UiState) -> bool {
    state.devices.service.is_some()
        && !matches!(
            state.devices.health_of(DeviceKind::Printer),
            Some(Health::Absent(_))
        )
}
