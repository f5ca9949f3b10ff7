//! The face check: the face camera's live picture with the oval, what to do now, and going on without the check
//! where the center allows it.

use std::rc::Rc;

use slint::{ComponentHandle, Image};

use super::generated::{AppWindow, FaceViewAdapter};
use super::images::{Live, Pictures};
use super::{Actor, Shared};
use crate::app::face::FACE_FRAME_EVERY;
use crate::app::App;
use crate::session::FaceCheck;

/// Wires the screen; the returned timer asks for frames while it shows.
pub fn setup(window: &AppWindow, state: &Shared) -> slint::Timer {
    let adapter = window.global::<FaceViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_skip(actor.on(App::face_check_unavailable));
    let timer = slint::Timer::default();
    let shared = Rc::clone(state);
    timer.start(slint::TimerMode::Repeated, FACE_FRAME_EVERY, move || {
        let wanted = shared.borrow().app.wants_face_frame();
        if wanted {
            actor.run_quietly(App::request_face_frame);
        }
    });
    timer
}

/// Off the screen, no picture of anyone's face stays in the view.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<FaceViewAdapter>();
    adapter.set_preview(Image::default());
    adapter.set_has_preview(false);
}

pub fn fill(window: &AppWindow, app: &App, pictures: &mut Pictures) {
    let adapter = window.global::<FaceViewAdapter>();
    match &app.face.preview {
        Some(picture) => {
            adapter.set_preview(pictures.live_image(Live::FaceCamera, picture));
            adapter.set_has_preview(true);
        }
        None => clear(window),
    }
    adapter.set_note(app.face.note.as_str().into());
    adapter.set_verifying(app.face.verifying);
    adapter.set_can_skip(app.session.face_check() == FaceCheck::WhenAvailable);
}
