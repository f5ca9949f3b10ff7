//! The one form (一表申请): fields pre-filled from the card, typed on the on-screen keyboard (pinyin, letters,
//! digits), errors summarised at the top in the same words as beside each field.

use slint::ComponentHandle;

use super::generated::{AppWindow, FieldInput, FormFieldRow, FormViewAdapter};
use super::rows::{model, strings};
use super::{Actor, Shared};
use crate::app::form::{digits_only, from_card, shown_value};
use crate::app::App;
use crate::catalog::FieldKind;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<FormViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_focus(move |index| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.focus_field(index))
        }
    });
    let a = actor.clone();
    adapter.on_choose(move |index, option| {
        if let (Ok(index), Ok(option)) = (usize::try_from(index), usize::try_from(option)) {
            a.run(|app| app.choose_option(index, option))
        }
    });
    adapter.on_submit(actor.on(App::submit_form));
}

/// Off the form, its models hold nothing of anyone.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<FormViewAdapter>();
    adapter.set_focused(-1);
    adapter.set_fields(model(Vec::new()));
    adapter.set_errors(model(Vec::new()));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<FormViewAdapter>();
    let fields = app.session.fields();
    let errors = app.session.form_errors();
    adapter.set_errors(strings(errors.iter().map(|e| e.message.as_str())));
    adapter.set_fields(model(
        fields
            .iter()
            .map(|f| FormFieldRow {
                label: f.label.as_str().into(),
                value: shown_value(f, app.session.form().get(&f.key)).into(),
                hint: f.hint.clone().unwrap_or_default().into(),
                error: errors
                    .iter()
                    .find(|e| e.key == f.key)
                    .map(|e| e.message.as_str())
                    .unwrap_or("")
                    .into(),
                required: f.required,
                from_card: from_card(f),
                from_platform: app.session.shared_fields().contains(&f.key),
                input: if f.kind == FieldKind::Choice {
                    FieldInput::Choice
                } else if digits_only(f.kind) {
                    FieldInput::Digits
                } else {
                    FieldInput::Text
                },
                options: strings(&f.options),
            })
            .collect(),
    ));
    let focused = app
        .typing_form_field()
        .and_then(|k| fields.iter().position(|f| f.key == k))
        .map_or(-1, |i| i as i32);
    adapter.set_focused(focused);
}
