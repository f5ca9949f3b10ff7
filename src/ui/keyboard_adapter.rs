//! The one on-screen keyboard: shown while any field is typed, filled from what the kiosk says is being typed,
//! its keys routed to that field.

use slint::ComponentHandle;

use super::generated::{AppWindow, KeyboardAdapter, KeyboardMode};
use super::rows::strings;
use super::{Actor, Shared};
use crate::app::keyboard_mode::KeyboardMode as Mode;
use crate::app::App;

fn to_view(mode: Mode) -> KeyboardMode {
    match mode {
        Mode::Pinyin => KeyboardMode::Pinyin,
        Mode::Letters => KeyboardMode::Letters,
        Mode::Digits => KeyboardMode::Digits,
        Mode::Symbols => KeyboardMode::Symbols,
    }
}

fn from_view(mode: KeyboardMode) -> Mode {
    match mode {
        KeyboardMode::Pinyin => Mode::Pinyin,
        KeyboardMode::Letters => Mode::Letters,
        KeyboardMode::Digits => Mode::Digits,
        KeyboardMode::Symbols => Mode::Symbols,
    }
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<KeyboardAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_key(move |key| a.run(|app| app.keyboard_key(&key)));
    adapter.on_backspace(actor.on(App::keyboard_backspace));
    let a = actor.clone();
    adapter.on_pick(move |i| {
        if let Ok(i) = usize::try_from(i) {
            a.run(|app| app.keyboard_pick(i))
        }
    });
    let a = actor.clone();
    adapter.on_set_mode(move |mode| a.run(|app| app.keyboard_set_mode(from_view(mode))));
    adapter.on_close(actor.on(App::keyboard_close));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<KeyboardAdapter>();
    let Some(keyboard) = app.keyboard() else {
        if adapter.get_open() {
            clear(window);
        }
        return;
    };
    adapter.set_open(true);
    adapter.set_mode(to_view(keyboard.mode));
    adapter.set_composing(keyboard.composing.as_str().into());
    adapter.set_candidates(strings(&keyboard.candidates));
    adapter.set_digits_only(keyboard.digits_only);
    adapter.set_symbols(keyboard.symbols);
    adapter.set_field_label(keyboard.label.as_str().into());
    adapter.set_field_value(keyboard.value.as_str().into());
}

/// No field is typed: what was typed leaves the keyboard.
fn clear(window: &AppWindow) {
    let adapter = window.global::<KeyboardAdapter>();
    adapter.set_open(false);
    adapter.set_composing(Default::default());
    adapter.set_candidates(Default::default());
    adapter.set_field_label(Default::default());
    adapter.set_field_value(Default::default());
}
