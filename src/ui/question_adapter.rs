//! A situation question (办理情形): one question per page, its options as large buttons.

use slint::{ComponentHandle, SharedString};

use super::generated::{AppWindow, QuestionViewAdapter};
use super::guide_adapter::model;
use super::{Actor, Shared, UiState};
use crate::session::Step;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<QuestionViewAdapter>()
        .on_choose(move |option| {
            actor.run(|s| {
                let Step::Question(i) = s.session.step() else {
                    return;
                };
                let chosen = s
                    .session
                    .one_thing()
                    .and_then(|t| t.questions.get(i))
                    .zip(usize::try_from(option).ok())
                    .and_then(|(q, o)| q.options.get(o).cloned());
                if let Some(option) = chosen {
                    let _ = s.session.answer(&option);
                }
            })
        });
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let Step::Question(i) = state.session.step() else {
        return;
    };
    let Some(thing) = state.session.one_thing() else {
        return;
    };
    let Some(question) = thing.questions.get(i) else {
        return;
    };
    let adapter = window.global::<QuestionViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_question(question.text.as_str().into());
    adapter.set_options(model(
        question
            .options
            .iter()
            .map(|o| SharedString::from(o.as_str()))
            .collect(),
    ));
    let answered = state.session.selection().answers().get(&question.key);
    adapter.set_selected(
        answered
            .and_then(|a| question.options.iter().position(|o| o == a))
            .map_or(-1, |p| p as i32),
    );
}
