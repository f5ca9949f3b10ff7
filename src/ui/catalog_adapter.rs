//! The catalog browser: 个人/法人 tabs and search by Chinese text or pinyin initials.

use slint::ComponentHandle;

use super::generated::{AppWindow, CatalogEntry, CatalogTab, CatalogViewAdapter};
use super::{rows, Actor, Shared};
use crate::app::App;
use crate::catalog::Target;
use crate::session::Flow;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<CatalogViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_tab_selected(move |tab| {
        a.run(|app| {
            app.set_tab(match tab {
                CatalogTab::Organisation => Target::Organisation,
                CatalogTab::Person => Target::Person,
            })
        })
    });
    let a = actor.clone();
    adapter.on_query_edited(move |query| a.run(|app| app.set_query(&query)));
    adapter.on_erase_last(actor.on(App::erase_query_letter));
    adapter.on_open(move |no| {
        if let Ok(no) = u32::try_from(no) {
            actor.run(|app| app.open_one_thing(no))
        }
    });
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<CatalogViewAdapter>();
    let hits = app.search_hits();
    let count = |target| hits.iter().filter(|t| t.target == target).count() as i32;
    let entries: Vec<CatalogEntry> = hits
        .iter()
        .filter(|t| t.target == app.tab)
        .map(|t| CatalogEntry {
            no: t.no as i32,
            name: t.name.as_str().into(),
            lead: t.lead.as_str().into(),
            provincial: t.provincial,
            joint_count: t.joint.len() as i32,
        })
        .collect();
    adapter.set_items(rows::model(entries));
    adapter.set_person_count(count(Target::Person));
    adapter.set_organisation_count(count(Target::Organisation));
    adapter.set_tab(match app.tab {
        Target::Organisation => CatalogTab::Organisation,
        Target::Person => CatalogTab::Person,
    });
    adapter.set_query(app.query.as_str().into());
    let heading = match app.session.flow() {
        Flow::Guide => "办事指南：选择要查看的事",
        Flow::Apply | Flow::Status => "选择要办的事",
    };
    adapter.set_heading(heading.into());
    adapter.set_note(app.catalog_note().into());
}
