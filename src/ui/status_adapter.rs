//! 进度查询/领取 on screen: the ways to find an application (ID card, the receipt's QR code, its number with the
//! check code), what was found in plain words, the pickup slip, and staff sign-in.

use slint::{ComponentHandle, Model};

use super::generated::{
    AppWindow, StatusApplication, StatusField, StatusItem, StatusPhase, StatusViewAdapter,
};
use super::qr::QrCache;
use super::{rows, Actor, Shared};
use crate::app::status::Field;
use crate::app::App;
use crate::progress::{needs_action, status_words};
use crate::services::devices::DeviceKind;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<StatusViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_type_field(move |field| a.run(|app| app.status_type_field(field_from_view(field))));
    adapter.on_look_up_typed(actor.on(App::status_look_up_typed));
    adapter.on_print_pickup(actor.on(App::status_print_pickup));
    adapter.on_again(actor.on(App::status_again));
    adapter.on_simulate_card(actor.on(App::place_sample_card));
    adapter.on_simulate_scan(actor.on(App::status_scan_printed_receipt));
    adapter.on_staff_start(actor.on(App::staff_start));
    adapter.on_staff_cancel(actor.on(App::staff_cancel));
    adapter.on_staff_submit(actor.on(App::staff_submit));
    adapter.on_staff_end(actor.on(App::staff_sign_out));
}

/// What was looked up or typed stays in no model once the visitor has left the screen.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<StatusViewAdapter>();
    if adapter.get_applications().row_count() > 0
        || !adapter.get_typed().is_empty()
        || !adapter.get_typed_code().is_empty()
    {
        adapter.set_applications(Default::default());
        adapter.set_typed(Default::default());
        adapter.set_typed_code(Default::default());
        adapter.set_ready_summary(Default::default());
    }
    adapter.set_print_note(Default::default());
    adapter.set_staff_name(Default::default());
    adapter.set_staff_form(false);
    adapter.set_staff_id(Default::default());
    adapter.set_staff_pin_dots(Default::default());
}

pub fn fill(window: &AppWindow, state: &App, qr: &mut QrCache) {
    let adapter = window.global::<StatusViewAdapter>();
    let s = &state.status;
    let phase = if s.looking {
        StatusPhase::Looking
    } else if !s.found.is_empty() {
        StatusPhase::Found
    } else {
        StatusPhase::Asking
    };
    adapter.set_phase(phase);
    adapter.set_reader_ready(state.devices.ready(DeviceKind::IdReader));
    adapter.set_scanner_ready(state.devices.ready(DeviceKind::Scanner));
    adapter.set_simulated(state.demo_shortcuts());
    adapter.set_problem(s.problem.as_str().into());
    adapter.set_typing_field(field_to_view(state.status_typing()));
    adapter.set_typed(s.typed.as_str().into());
    adapter.set_typed_code(s.typed_code.as_str().into());
    adapter.set_applications(rows::model(
        s.found
            .iter()
            .map(|app| StatusApplication {
                receipt_no: app.receipt_no.as_str().into(),
                updated: app
                    .updated_at
                    .replace('T', " ")
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .into(),
                items: rows::model(
                    app.items
                        .iter()
                        .map(|i| StatusItem {
                            name: i.name.as_str().into(),
                            department: i.department.as_str().into(),
                            words: status_words(i).into(),
                            action: needs_action(i),
                        })
                        .collect(),
                ),
            })
            .collect(),
    ));
    adapter.set_ready_summary(state.status_ready_summary().into());
    adapter.set_can_print_pickup(state.status_can_print_pickup());
    adapter.set_print_note(rows::print_note(state, qr));
    fill_staff(&adapter, state);
}

/// Staff mode's part of the screen: who is signed in, or the sign-in form.
fn fill_staff(adapter: &StatusViewAdapter<'_>, state: &App) {
    adapter.set_staff_name(state.staff_name().unwrap_or("").into());
    let form = state.status.staff_form.as_ref();
    adapter.set_staff_form(form.is_some());
    adapter.set_staff_signing_in(form.is_some_and(|f| f.signing_in));
    adapter.set_staff_id(form.map(|f| f.staff_id.as_str()).unwrap_or("").into());
    // The PIN as dots, one a digit.
    adapter.set_staff_pin_dots(
        "●"
            .repeat(form.map(|f| f.pin.chars().count()).unwrap_or(0))
            .into(),
    );
    adapter.set_can_sign_in_staff(state.intake.as_ref().is_some_and(|i| i.uplink.is_some()));
}

fn field_from_view(field: StatusField) -> Field {
    match field {
        StatusField::None => Field::None,
        StatusField::ReceiptNo => Field::ReceiptNo,
        StatusField::CheckCode => Field::CheckCode,
        StatusField::StaffId => Field::StaffId,
        StatusField::StaffPin => Field::StaffPin,
    }
}

fn field_to_view(field: Field) -> StatusField {
    match field {
        Field::None => StatusField::None,
        Field::ReceiptNo => StatusField::ReceiptNo,
        Field::CheckCode => StatusField::CheckCode,
        Field::StaffId => StatusField::StaffId,
        Field::StaffPin => StatusField::StaffPin,
    }
}
