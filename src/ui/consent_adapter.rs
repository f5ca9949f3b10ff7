//! The consent screens: fetching e-licences and shared data, and (where the center checks faces) the face
//! comparison. Which one shows is the session's step.

use slint::ComponentHandle;

use super::generated::{AppWindow, ConsentViewAdapter};
use super::{Actor, Shared};
use crate::app::App;
use crate::session::Step;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<ConsentViewAdapter>()
        .on_answer(move |agreed| {
            actor.run(|app| match app.session.step() {
                Step::FaceConsent => app.answer_face_consent(agreed),
                _ => app.answer_consent(agreed),
            })
        });
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<ConsentViewAdapter>();
    let screen = app.consent_screen();
    adapter.set_title(screen.title.into());
    adapter.set_text(screen.text.into());
    adapter.set_agree_label(screen.agree.into());
    adapter.set_refuse_label(screen.refuse.into());
}
