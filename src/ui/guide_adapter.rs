//! The guide of one one-thing: its joint items and the merged one-time notice of materials.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::generated::{AppWindow, GuideItem, GuideQuestion, GuideViewAdapter, MaterialLine};
use super::{Actor, Shared, UiState};
use crate::session::{MergedMaterial, Step, Treatment};

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<GuideViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_print(actor.on(super::print::notice));
    adapter.on_answer(move |question, option| {
        actor.run(|s| {
            if let (Ok(q), Ok(o)) = (usize::try_from(question), usize::try_from(option)) {
                let _ = s.session.answer_in_guide(q, o);
                // A notice printed for the other situation is not this one's.
                s.new_epoch();
                s.print_note.clear();
                s.print_qr = None;
            }
        })
    });
}

pub(super) fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

pub fn fill(window: &AppWindow, state: &UiState) {
    if state.session.step() != Step::Guide {
        return;
    }
    let Some(thing) = state.session.one_thing() else {
        return;
    };
    let adapter = window.global::<GuideViewAdapter>();
    let answers = state.session.selection().answers();
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
                options: model(
                    q.options
                        .iter()
                        .map(|o| SharedString::from(o.as_str()))
                        .collect(),
                ),
                selected: answers
                    .get(&q.key)
                    .and_then(|a| q.options.iter().position(|o| o == a))
                    .map_or(-1, |i| i as i32),
            })
            .collect(),
    ));
    let chosen = state.session.chosen();
    adapter.set_items(model(chosen.iter().map(item_row).collect()));
    let materials = state.session.materials();
    adapter.set_to_submit_count(materials.iter().filter(|m| !m.is_exempt()).count() as i32);
    adapter.set_sample(chosen.iter().any(|c| c.item.sample) || materials.iter().any(|m| m.sample));
    adapter.set_materials(model(materials.iter().map(material_row).collect()));
    adapter.set_print_note(state.print_note.as_str().into());
    adapter.set_show_print_qr(state.print_qr.is_some());
    adapter.set_print_qr(state.print_qr.clone().unwrap_or_default());
    adapter.set_can_print(super::notice_adapter::can_print(state));
}

/// One joint item with its time limit, fee and result.
pub(super) fn item_row(c: &crate::session::ChosenItem) -> GuideItem {
    GuideItem {
        name: c.item.name.as_str().into(),
        department: c.department.into(),
        time_limit: c.item.time_limit_text().into(),
        fee: c.item.fee.as_str().into(),
        result: c.item.result.as_str().into(),
        commitment: c.item.commitment,
        query: c.item.kind == crate::catalog::ItemKind::Query,
    }
}

/// One line of the one-time notice, with its status in words.
pub(super) fn material_row(m: &MergedMaterial) -> MaterialLine {
    let (status, status_text, note) = match &m.treatment {
        Treatment::Exempt { reason } => (2, "无需提交".to_string(), reason.clone()),
        Treatment::Capture {
            defer_days: Some(days),
        } => (
            1,
            "可容缺".to_string(),
            format!("暂缺可先办理，{days}个工作日内补交"),
        ),
        Treatment::Capture { defer_days: None } => (0, "需提交".to_string(), String::new()),
    };
    let mut detail = format!("{} {}份 · {}", m.form.label(), m.copies, m.source);
    if !note.is_empty() {
        detail = format!("{detail} · {note}");
    }
    MaterialLine {
        name: m.name.as_str().into(),
        detail: detail.into(),
        status,
        status_text: status_text.into(),
        for_items: m.for_items.join("、").into(),
    }
}
