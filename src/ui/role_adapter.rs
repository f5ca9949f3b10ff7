//! The role question of a company's one-thing: legal representative or agent (经办人).

use slint::ComponentHandle;

use super::generated::{AppWindow, RoleViewAdapter};
use super::{Actor, Shared};
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    window
        .global::<RoleViewAdapter>()
        .on_choose(move |agent| actor.run(|app| app.choose_role(agent)));
}

pub fn fill(window: &AppWindow, app: &App) {
    let adapter = window.global::<RoleViewAdapter>();
    adapter.set_one_thing(
        app.session
            .one_thing()
            .map(|t| t.name.as_str())
            .unwrap_or("")
            .into(),
    );
    adapter.set_may_be_representative(app.session.may_be_legal_representative());
    adapter.set_representative(
        app.session
            .platform()
            .legal_representative()
            .unwrap_or("")
            .into(),
    );
}
