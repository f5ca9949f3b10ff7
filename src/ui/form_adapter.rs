//! The one form (一表申请): fields pre-filled from the card, typed on the on-screen keyboard (pinyin, letters,
//! digits), errors summarised at the top in the same words as beside each field.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString};

use super::generated::{AppWindow, FormFieldRow, FormViewAdapter};
use super::guide_adapter::model;
use super::{Actor, Shared, UiState};
use crate::catalog::{FieldDef, FieldKind, Prefill};
use crate::ime::{Candidate, PinyinIme};
use crate::session::Step;

/// What is being typed: the field, the keyboard's mode, the pinyin letters not yet turned into characters.
#[derive(Default)]
pub struct Typing {
    pub field: Option<String>,
    /// 0 pinyin, 1 Latin letters, 2 digits.
    pub mode: i32,
    pub composing: String,
    pub candidates: Vec<Candidate>,
}

const CANDIDATES_SHOWN: usize = 8;

/// Fields whose value is the chip's: shown, never typed.
fn from_card(field: &FieldDef) -> bool {
    matches!(
        field.prefill,
        Some(
            Prefill::Name
                | Prefill::IdNumber
                | Prefill::Gender
                | Prefill::Nation
                | Prefill::BirthDate
        )
    )
}

/// The pinyin candidates as the keyboard shows them (the form's and the delivery address's).
pub(super) fn candidates(state: &UiState) -> ModelRc<SharedString> {
    model(
        state
            .typing
            .candidates
            .iter()
            .map(|c| SharedString::from(c.text.as_str()))
            .collect(),
    )
}

/// A field's value as the screen may show it: an ID number never whole.
pub(super) fn shown_value(field: &FieldDef, value: &str) -> String {
    if field.kind == FieldKind::IdNumber {
        drivers::id_number::mask(value)
    } else {
        value.to_string()
    }
}

fn digits_only(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Phone | FieldKind::Number | FieldKind::Date | FieldKind::IdNumber
    )
}

fn ime(state: &mut UiState) -> Rc<PinyinIme> {
    state
        .ime
        .get_or_insert_with(|| Rc::new(PinyinIme::new()))
        .clone()
}

fn recompute(state: &mut UiState) {
    state.typing.candidates = if state.typing.composing.is_empty() {
        Vec::new()
    } else {
        ime(state).candidates(&state.typing.composing, CANDIDATES_SHOWN)
    };
}

fn field_index(state: &UiState, index: i32) -> Option<(String, FieldKind, Vec<String>, bool)> {
    let fields = state.session.fields();
    let field = fields.get(usize::try_from(index).ok()?)?;
    Some((
        field.key.clone(),
        field.kind,
        field.options.clone(),
        from_card(field),
    ))
}

/// The text being typed into: a form field, or on the delivery screen the postal address.
fn current_text(state: &UiState) -> Option<String> {
    let key = state.typing.field.as_ref()?;
    Some(if state.session.step() == Step::Delivery {
        state.delivery.address.clone()
    } else {
        state.session.form().get(key).to_string()
    })
}

fn set_text(state: &mut UiState, value: String) {
    let Some(key) = state.typing.field.clone() else {
        return;
    };
    if state.session.step() == Step::Delivery {
        state.delivery.address = value;
    } else {
        let _ = state.session.set_field(&key, &value);
    }
}

fn append(state: &mut UiState, text: &str) {
    if let Some(value) = current_text(state) {
        set_text(state, format!("{value}{text}"));
    }
}

/// A key pressed on the keyboard, whichever screen shows it.
pub(super) fn key(s: &mut UiState, key: &str) {
    match s.typing.mode {
        0 if key == " " && !s.typing.composing.is_empty() => pick(s, 0),
        0 if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()) => {
            s.typing.composing.push_str(key);
            recompute(s);
        }
        1 => append(s, &key.to_uppercase()),
        _ => append(s, key),
    }
}

pub(super) fn backspace(s: &mut UiState) {
    if s.typing.composing.pop().is_some() {
        recompute(s);
    } else if let Some(mut value) = current_text(s) {
        value.pop();
        set_text(s, value);
    }
}

pub(super) fn set_mode(s: &mut UiState, mode: i32) {
    s.typing.mode = mode.clamp(0, 2);
    s.typing.composing.clear();
    s.typing.candidates.clear();
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<FormViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_focus(move |index| {
        a.run(|s| {
            let Some((key, kind, _, card)) = field_index(s, index) else {
                return;
            };
            if card {
                return;
            }
            s.typing = Typing {
                field: Some(key),
                mode: if digits_only(kind) {
                    2
                } else if kind == FieldKind::CreditCode {
                    1
                } else {
                    0
                },
                ..Typing::default()
            };
        })
    });
    let a = actor.clone();
    adapter.on_choose(move |index, option| {
        a.run(|s| {
            let Some((key, _, options, card)) = field_index(s, index) else {
                return;
            };
            if let (false, Some(value)) = (
                card,
                usize::try_from(option).ok().and_then(|o| options.get(o)),
            ) {
                let _ = s.session.set_field(&key, value);
            }
        })
    });
    let a = actor.clone();
    adapter.on_key(move |k| a.run(|s| key(s, &k)));
    adapter.on_backspace(actor.on(backspace));
    let a = actor.clone();
    adapter.on_pick(move |i| a.run(|s| pick(s, i)));
    let a = actor.clone();
    adapter.on_set_mode(move |mode| a.run(|s| set_mode(s, mode)));
    adapter.on_close_keyboard(actor.on(|s| s.typing = Typing::default()));
    adapter.on_submit(actor.on(|s| {
        s.typing = Typing::default();
        let _ = s.session.submit_form();
    }));
}

/// A candidate chosen: its characters join the value, the letters it stood for leave the input.
pub(super) fn pick(state: &mut UiState, index: i32) {
    let Some(candidate) = usize::try_from(index)
        .ok()
        .and_then(|i| state.typing.candidates.get(i).cloned())
    else {
        return;
    };
    append(state, &candidate.text);
    let rest = state
        .typing
        .composing
        .get(candidate.letters..)
        .unwrap_or("")
        .to_string();
    state.typing.composing = rest;
    recompute(state);
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<FormViewAdapter>();
    if state.session.step() != Step::Form {
        // Off the form, its models hold nothing of anyone.
        adapter.set_focused(-1);
        adapter.set_fields(model(Vec::new()));
        adapter.set_errors(model(Vec::new()));
        adapter.set_composing("".into());
        adapter.set_candidates(model(Vec::new()));
        return;
    }
    let fields = state.session.fields();
    let errors = state.session.form_errors();
    adapter.set_errors(model(
        errors
            .iter()
            .map(|e| SharedString::from(e.message.as_str()))
            .collect(),
    ));
    adapter.set_fields(model(
        fields
            .iter()
            .map(|f| FormFieldRow {
                label: f.label.as_str().into(),
                value: shown_value(f, state.session.form().get(&f.key)).into(),
                hint: f.hint.clone().unwrap_or_default().into(),
                error: errors
                    .iter()
                    .find(|e| e.key == f.key)
                    .map(|e| e.message.as_str())
                    .unwrap_or("")
                    .into(),
                required: f.required,
                from_card: from_card(f),
                input: if f.kind == FieldKind::Choice {
                    2
                } else if digits_only(f.kind) {
                    1
                } else {
                    0
                },
                options: model(
                    f.options
                        .iter()
                        .map(|o| SharedString::from(o.as_str()))
                        .collect(),
                ),
            })
            .collect(),
    ));
    let focused = state
        .typing
        .field
        .as_ref()
        .and_then(|k| fields.iter().position(|f| &f.key == k))
        .map_or(-1, |i| i as i32);
    adapter.set_focused(focused);
    adapter.set_mode(state.typing.mode);
    adapter.set_composing(state.typing.composing.as_str().into());
    adapter.set_candidates(candidates(state));
}
