//! The joint-item checklist: everything ticked, any row may be unticked (tied rows move together).

use slint::ComponentHandle;

use super::generated::{AppWindow, ItemRow, ItemsViewAdapter};
use super::{rows, Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<ItemsViewAdapter>();
    let actor = Actor::new(window, state);
    let toggle = actor.clone();
    adapter.on_toggle(move |row| {
        if let Ok(row) = usize::try_from(row) {
            toggle.run(|app| app.toggle_item(row))
        }
    });
    adapter.on_next(actor.on(App::confirm_items));
}

pub fn fill(window: &AppWindow, app: &App) {
    let Some(thing) = app.session.one_thing() else {
        return;
    };
    let adapter = window.global::<ItemsViewAdapter>();
    adapter.set_one_thing(thing.name.as_str().into());
    adapter.set_error(app.step_error.as_str().into());
    adapter.set_asking(app.platform.fetching);
    adapter.set_items(rows::model(
        app.session
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
