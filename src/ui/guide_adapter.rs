//! The guide of one one-thing: its situation questions, joint items and the merged one-time notice of materials.

use slint::ComponentHandle;

use super::generated::{AppWindow, GuideQuestion, GuideViewAdapter};
use super::qr::QrCache;
use super::rows::{self, item_row, material_row, model, strings};
use super::{Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<GuideViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_print(actor.on(App::print_notice));
    adapter.on_answer(move |question, option| {
        if let (Ok(q), Ok(o)) = (usize::try_from(question), usize::try_from(option)) {
            actor.run(|app| app.answer_in_guide(q, o))
        }
    });
}

pub fn fill(window: &AppWindow, app: &App, qr: &mut QrCache) {
    let Some(thing) = app.session.one_thing() else {
        return;
    };
    let adapter = window.global::<GuideViewAdapter>();
    let answers = app.session.selection().answers();
    adapter.set_title(thing.name.as_str().into());
    adapter.set_target(thing.target.label().into());
    adapter.set_lead(thing.lead.as_str().into());
    adapter.set_provincial(thing.provincial);
    adapter.set_questions(model(
        thing
            .questions
            .iter()
            .map(|q| GuideQuestion {
                text: q.text.as_str().into(),
                options: strings(&q.options),
                selected: answers
                    .get(&q.key)
                    .and_then(|a| q.options.iter().position(|o| o == a))
                    .map_or(-1, |i| i as i32),
            })
            .collect(),
    ));
    let chosen = app.session.chosen();
    adapter.set_items(model(chosen.iter().map(item_row).collect()));
    let materials = app.session.materials();
    adapter.set_to_submit_count(materials.iter().filter(|m| !m.is_exempt()).count() as i32);
    adapter.set_sample(chosen.iter().any(|c| c.item.sample) || materials.iter().any(|m| m.sample));
    adapter.set_materials(model(materials.iter().map(material_row).collect()));
    adapter.set_print_note(rows::print_note(app, qr));
    adapter.set_can_print(app.devices.can_print());
}
