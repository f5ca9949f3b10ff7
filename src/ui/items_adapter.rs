//! The joint-item checklist: everything ticked, any row may be unticked (tied rows move together).

use slint::ComponentHandle;

use super::generated::{AppWindow, ItemRow, ItemsViewAdapter};
use super::guide_adapter::model;
use super::{Actor, Shared, UiState};
use crate::session::Step;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<ItemsViewAdapter>();
    let actor = Actor::new(window, state);
    let toggle = actor.clone();
    adapter.on_toggle(move |row| {
        toggle.run(|s| {
            let Some(thing) = s.session.one_thing() else {
                return;
            };
            let rows = s.session.selection().rows(thing);
            if let Some(choice) = rows.iter().find(|r| r.row as i32 == row) {
                let (row, ticked) = (choice.row, !choice.ticked);
                let _ = s.session.set_item_ticked(row, ticked);
                s.step_error.clear();
            }
        })
    });
    adapter.on_next(actor.on(|s| match s.session.confirm_items() {
        Ok(()) => s.step_error.clear(),
        Err(e) => s.step_error = e.to_string(),
    }));
}

pub fn fill(window: &AppWindow, state: &UiState) {
    if state.session.step() != Step::Items {
        return;
    }
    let Some(thing) = state.session.one_thing() else {
        return;
    };
    let adapter = window.global::<ItemsViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_error(state.step_error.as_str().into());
    adapter.set_items(model(
        state
            .session
            .selection()
            .rows(thing)
            .into_iter()
            .map(|r| ItemRow {
                row: r.row as i32,
                name: r.item.as_str().into(),
                department: r.department.as_str().into(),
                ticked: r.ticked,
                note: r
                    .requires
                    .map(|q| format!("须与“{q}”一并办理"))
                    .unwrap_or_default()
                    .into(),
            })
            .collect(),
    ));
}
