//! Signing the commitment letters (告知承诺): each letter read, signed with a finger, saved as a PNG.

use slint::ComponentHandle;
use zeroize::Zeroize;

use super::generated::{AppWindow, CommitmentsViewAdapter};
use super::{Actor, Shared, UiState};
use crate::package::signature::{self, Stroke};
use crate::session::Step;

/// The letter being signed and the strokes drawn on it. A signature is personal: cleared with the visit, its
/// points zeroed.
#[derive(Default)]
pub struct SigningState {
    pub index: usize,
    pub strokes: Vec<Stroke>,
}

impl SigningState {
    /// Zeroes the strokes' points and drops them (清除, a letter signed, the visit ended).
    pub fn clear_strokes(&mut self) {
        for stroke in &mut self.strokes {
            for (x, y) in stroke.iter_mut() {
                x.zeroize();
                y.zeroize();
            }
        }
        self.strokes.clear();
    }
}

impl Drop for SigningState {
    fn drop(&mut self) {
        self.clear_strokes();
    }
}

fn letter(state: &UiState, item: &str) -> String {
    state
        .session
        .chosen()
        .iter()
        .find(|c| c.item.name == item)
        .map(|c| c.item.commitment_letter())
        .unwrap_or_default()
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<CommitmentsViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_stroke_start(move |x, y| {
        a.run(|s| {
            s.signing.strokes.push(vec![(x, y)]);
            s.step_error.clear();
        })
    });
    let a = actor.clone();
    adapter.on_stroke_to(move |x, y| {
        a.run(|s| {
            if let Some(stroke) = s.signing.strokes.last_mut() {
                stroke.push((x, y));
            }
        })
    });
    adapter.on_clear(actor.on(|s| {
        s.signing.clear_strokes();
        s.step_error.clear();
    }));
    let a = actor.clone();
    adapter.on_confirm(move |width, height| a.run(|s| confirm(s, width, height)));
}

fn confirm(state: &mut UiState, width: f32, height: f32) {
    let items = state.session.commitment_items();
    let Some(item) = items.get(state.signing.index) else {
        let _ = state.session.confirm_commitments();
        return;
    };
    if !signature::is_signature(&state.signing.strokes) {
        state.step_error = "请在签名区用手指签上您的姓名".into();
        return;
    }
    let png = signature::to_png(&state.signing.strokes, width as u32, height as u32);
    if let Err(e) = state.session.sign(item, png) {
        state.step_error = e.to_string();
        return;
    }
    state.step_error.clear();
    state.signing.clear_strokes();
    state.signing.index += 1;
    if state.signing.index >= items.len() {
        if let Err(e) = state.session.confirm_commitments() {
            state.step_error = e.to_string();
        }
        state.signing.index = 0;
    }
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<CommitmentsViewAdapter>();
    if state.session.step() != Step::Commitments {
        adapter.set_strokes("".into());
        return;
    }
    let items = state.session.commitment_items();
    let index = state.signing.index.min(items.len().saturating_sub(1));
    let item = items.get(index).cloned().unwrap_or_default();
    adapter.set_item(item.as_str().into());
    adapter.set_letter(letter(state, &item).into());
    adapter.set_position(format!("第 {} 份，共 {} 份", index + 1, items.len()).into());
    adapter.set_strokes(signature::to_path(&state.signing.strokes).into());
    adapter.set_signed(state.session.signature(&item).is_some());
    adapter.set_error(state.step_error.as_str().into());
}
