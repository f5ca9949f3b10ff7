//! How results reach the applicant: at the window or by post (with an address typed on the keyboard), all
//! together or each as it is ready.

use slint::ComponentHandle;
use zeroize::Zeroize;

use super::form_adapter::{self, Typing};
use super::generated::{AppWindow, DeliveryViewAdapter};
use super::guide_adapter::model;
use super::{Actor, Shared, UiState};
use crate::session::{Delivery, DeliveryMethod, DeliveryMode, Step};

/// The choices before they are confirmed. The address is personal: zeroed when dropped.
pub struct DeliveryDraft {
    pub post: bool,
    pub together: bool,
    pub address: String,
}

impl Default for DeliveryDraft {
    fn default() -> Self {
        DeliveryDraft {
            post: false,
            together: true,
            address: String::new(),
        }
    }
}

impl Drop for DeliveryDraft {
    fn drop(&mut self) {
        self.address.zeroize();
    }
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<DeliveryViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_set_post(move |post| {
        a.run(|s| {
            s.delivery.post = post;
            // The business or home address on the form is the likeliest postal address.
            if post && s.delivery.address.is_empty() {
                let form = s.session.form();
                let guess = [form.get("business_address"), form.get("applicant_address")]
                    .into_iter()
                    .find(|a| !a.is_empty())
                    .unwrap_or("")
                    .to_string();
                s.delivery.address = guess;
            }
        })
    });
    let a = actor.clone();
    adapter.on_set_together(move |together| a.run(|s| s.delivery.together = together));
    adapter.on_edit_address(actor.on(|s| {
        s.typing = Typing {
            field: Some("address".into()),
            ..Typing::default()
        };
    }));
    let a = actor.clone();
    adapter.on_key(move |k| a.run(|s| form_adapter::key(s, &k)));
    adapter.on_backspace(actor.on(form_adapter::backspace));
    let a = actor.clone();
    adapter.on_pick(move |i| a.run(|s| form_adapter::pick(s, i)));
    let a = actor.clone();
    adapter.on_set_mode(move |m| a.run(|s| form_adapter::set_mode(s, m)));
    adapter.on_close_keyboard(actor.on(|s| s.typing = Typing::default()));
    adapter.on_next(actor.on(|s| {
        s.typing = Typing::default();
        let delivery = Delivery {
            method: if s.delivery.post {
                DeliveryMethod::Post
            } else {
                DeliveryMethod::Window
            },
            mode: if s.delivery.together {
                DeliveryMode::Together
            } else {
                DeliveryMode::Separately
            },
            address: s.delivery.post.then(|| s.delivery.address.clone()),
        };
        match s.session.set_delivery(delivery) {
            Ok(()) => s.step_error.clear(),
            Err(e) => s.step_error = e.to_string(),
        }
    }));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<DeliveryViewAdapter>();
    if state.session.step() != Step::Delivery {
        adapter.set_address("".into());
        adapter.set_composing("".into());
        adapter.set_candidates(model(Vec::new()));
        return;
    }
    adapter.set_post(state.delivery.post);
    adapter.set_together(state.delivery.together);
    adapter.set_address(state.delivery.address.as_str().into());
    adapter.set_typing(state.typing.field.is_some());
    adapter.set_mode(state.typing.mode);
    adapter.set_composing(state.typing.composing.as_str().into());
    adapter.set_candidates(form_adapter::candidates(state));
    adapter.set_error(state.step_error.as_str().into());
}
