//! The catalog browser: 个人/法人 tabs and search by Chinese text or pinyin initials.

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::generated::{AppWindow, CatalogEntry, CatalogViewAdapter};
use super::{Actor, Shared, UiState};
use crate::catalog::Target;
use crate::session::{Flow, Step};

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<CatalogViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_tab_selected(move |tab| {
        a.run(|s| {
            s.tab = if tab == 1 {
                Target::Organisation
            } else {
                Target::Person
            }
        });
    });
    let a = actor.clone();
    adapter.on_query_edited(move |query| {
        a.run(|s| {
            s.query = query.to_string();
            follow_hits(s);
        })
    });
    adapter.on_erase_last(actor.on(|s| {
        s.query.pop();
        follow_hits(s);
    }));
    adapter.on_open(move |no| {
        actor.run(|s| {
            if let Ok(no) = u32::try_from(no) {
                let _ = s.session.choose(no);
            }
        })
    });
}

/// When a search finds nothing in the open tab but something in the other, switch to the other: the applicant
/// searched for a thing, not for a tab.
fn follow_hits(state: &mut UiState) {
    let catalog = state.session.catalog();
    let targets: Vec<Target> = state
        .index
        .search(&state.query)
        .into_iter()
        .filter_map(|no| catalog.one_thing(no))
        .map(|t| t.target)
        .collect();
    if !targets.is_empty() && !targets.contains(&state.tab) {
        state.tab = targets[0];
    }
}

pub fn fill(window: &AppWindow, state: &UiState) {
    if state.session.step() != Step::Choose {
        return;
    }
    let adapter = window.global::<CatalogViewAdapter>();
    let catalog = state.session.catalog();
    let hits: Vec<_> = state
        .index
        .search(&state.query)
        .into_iter()
        .filter_map(|no| catalog.one_thing(no))
        .collect();
    let count = |target| hits.iter().filter(|t| t.target == target).count() as i32;
    let entries: Vec<CatalogEntry> = hits
        .iter()
        .filter(|t| t.target == state.tab)
        .map(|t| CatalogEntry {
            no: t.no as i32,
            name: t.name.as_str().into(),
            lead: t.lead.as_str().into(),
            provincial: t.provincial,
            joint_count: t.joint.len() as i32,
        })
        .collect();
    adapter.set_items(ModelRc::from(Rc::new(VecModel::from(entries))));
    adapter.set_person_count(count(Target::Person));
    adapter.set_organisation_count(count(Target::Organisation));
    adapter.set_tab(if state.tab == Target::Organisation {
        1
    } else {
        0
    });
    adapter.set_query(state.query.as_str().into());
    let heading = match state.session.flow() {
        Flow::Guide => "办事指南：选择要查看的事",
        Flow::Apply | Flow::Status => "选择要办的事",
    };
    adapter.set_heading(heading.into());
}
