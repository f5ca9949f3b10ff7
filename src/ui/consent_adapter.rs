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
    if app.session.step() == Step::FaceConsent {
        adapter.set_title("是否同意人脸比对核验身份？".into());
        adapter.set_text(app.face_consent_text().into());
        adapter.set_agree_label("同意人脸核验".into());
        adapter.set_refuse_label("不同意".into());
    } else {
        adapter.set_title("是否同意查询您的电子证照和登记信息？".into());
        adapter.set_text(app.platform.consent_text.as_str().into());
        adapter.set_agree_label("同意查询".into());
        adapter.set_refuse_label("不同意，我自己提交材料".into());
    }
}
