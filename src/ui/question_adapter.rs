//! A situation question (办理情形): one question per page, its options as large buttons.

use slint::ComponentHandle;

use super::generated::{AppWindow, QuestionViewAdapter};
use super::{rows, Actor, Shared};
use crate::app::App;
use crate::session::Step;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<QuestionViewAdapter>()
        .on_choose(move |option| {
            if let Ok(option) = usize::try_from(option) {
                actor.run(|app| app.answer_question(option))
            }
        });
}

pub fn fill(window: &AppWindow, app: &App) {
    let Step::Question(i) = app.session.step() else {
        return;
    };
    let Some(thing) = app.session.one_thing() else {
        return;
    };
    let Some(question) = thing.questions.get(i) else {
        return;
    };
    let adapter = window.global::<QuestionViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_question(question.text.as_str().into());
    adapter.set_options(rows::strings(&question.options));
    let answered = app.session.selection().answers().get(&question.key);
    adapter.set_selected(
        answered
            .and_then(|a| question.options.iter().position(|o| o == a))
            .map_or(-1, |p| p as i32),
    );
}
