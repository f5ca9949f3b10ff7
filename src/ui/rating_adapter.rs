//! 好差评: the five levels, a 差评's reasons and comment, and the thanks.

use slint::ComponentHandle;

use super::generated::{AppWindow, RatingReason, RatingStage, RatingViewAdapter};
use super::{rows, Actor, Shared};
use crate::app::rating::{follow_up_words, RatingStage as Stage};
use crate::app::App;
use crate::evaluation::REASONS;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<RatingViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_rate(move |level| a.run(|app| app.rate(level.clamp(0, 5) as u8)));
    let a = actor.clone();
    adapter.on_toggle_reason(move |i| {
        a.run(|app| app.toggle_rating_reason(usize::try_from(i).unwrap_or(usize::MAX)))
    });
    adapter.on_edit_comment(actor.on(App::edit_rating_comment));
    adapter.on_submit(actor.on(App::submit_rating));
    adapter.on_skip(actor.on(App::skip_rating));
}

/// Off the screen, the comment goes from the view.
pub fn clear(window: &AppWindow) {
    window.global::<RatingViewAdapter>().set_comment("".into());
}

pub fn fill(window: &AppWindow, app: &App) {
    let Some(rating) = app.rating.as_ref() else {
        return;
    };
    let adapter = window.global::<RatingViewAdapter>();
    adapter.set_stage(match rating.stage {
        Stage::Levels => RatingStage::Levels,
        Stage::Reasons(_) => RatingStage::Reasons,
        Stage::Thanks { .. } => RatingStage::Thanks,
    });
    adapter.set_note(rating.note.as_str().into());
    adapter.set_level(match rating.stage {
        Stage::Reasons(level) => level.label().into(),
        _ => "".into(),
    });
    adapter.set_reasons(rows::model(
        REASONS
            .iter()
            .enumerate()
            .map(|(i, text)| RatingReason {
                text: (*text).into(),
                ticked: rating.reasons.contains(&i),
            })
            .collect(),
    ));
    adapter.set_comment(rating.comment.as_str().into());
    adapter.set_typing(app.typing.is_some());
    adapter.set_thanks(
        match rating.stage {
            Stage::Thanks { bad: true } => follow_up_words(app.follow_up_days),
            Stage::Thanks { bad: false } => "您的评价已记录，我们会继续做好服务。".into(),
            _ => String::new(),
        }
        .into(),
    );
    adapter.set_error(rating.error.as_str().into());
    adapter.set_saving(rating.saving);
}
