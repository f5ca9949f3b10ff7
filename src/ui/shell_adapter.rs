//! The frame around the views: which screen shows, 返回, 首页, the idle warning, and the wake that takes in what
//! work off the UI thread brought back.

use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::ComponentHandle;

use super::generated::{AppWindow, MessageViewAdapter, Screen, ShellAdapter};
use super::{refresh, rows, Actor, Shared};
use crate::app::App;
use crate::session::{Flow, Step};

/// Wires the shell; the returned timer drives the idle clock and must live as long as the window.
pub fn setup(window: &AppWindow, state: &Shared) -> slint::Timer {
    let shell = window.global::<ShellAdapter>();
    let actor = Actor::new(window, state);
    shell.on_back(actor.on(App::back));
    shell.on_home(actor.on(App::end_visit));
    shell.on_stay(actor.on(|_| {}));
    shell.on_corner_tapped(actor.on(App::corner_tapped));
    shell.on_toggle_speech(actor.on(App::toggle_speech));
    shell.on_repeat_speech(actor.on(App::repeat_speech));
    let a = actor.clone();
    shell.on_change_volume(move |up| a.run(|app| app.change_volume(up)));
    let a = actor.clone();
    shell.on_elderly_changed(move |elderly| a.run(|app| app.set_elderly(elderly)));
    let quietly = actor.clone();
    shell.on_services_changed(move || quietly.run_quietly(App::take_in));
    idle_timer(window, state)
}

fn idle_timer(window: &AppWindow, state: &Shared) -> slint::Timer {
    let weak = window.as_weak();
    let state = Rc::clone(state);
    let timer = slint::Timer::default();
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(500),
        move || {
            let Some(window) = weak.upgrade() else { return };
            let mut ui = state.borrow_mut();
            let ticked = ui.app.tick(Instant::now());
            if ticked.restart {
                let _ = slint::quit_event_loop();
                return;
            }
            window
                .global::<ShellAdapter>()
                .set_idle_seconds_left(ticked.seconds_left.map_or(-1, |s| s as i32));
            if ticked.changed {
                ui.app.settle();
                refresh(&window, &mut ui);
            }
        },
    );
    timer
}

fn show_message(window: &AppWindow, title: &str, message: &str) {
    let adapter = window.global::<MessageViewAdapter>();
    adapter.set_title(title.into());
    adapter.set_message(message.into());
}

/// The screen that matches the state, and the frame around it. Returns the screen.
pub fn fill(window: &AppWindow, app: &App) -> Screen {
    let shell = window.global::<ShellAdapter>();
    shell.set_center_name(app.center_name.as_str().into());
    shell.set_speech_available(app.speech.available());
    shell.set_speech_on(app.speech.on);
    shell.set_volume(i32::from(app.speech.volume()));
    let screen = match (&app.message, app.session.step()) {
        _ if app.technician.is_some() => Screen::Technician,
        _ if app.done.is_some() => Screen::Done,
        _ if app.rating.is_some() => Screen::Rating,
        (Some((title, message)), _) => {
            show_message(window, title, message);
            Screen::Message
        }
        (None, Step::Home) => Screen::Home,
        (None, Step::Identify) => Screen::Identify,
        (None, Step::Consent | Step::FaceConsent) => Screen::Consent,
        (None, Step::FaceCheck) => Screen::Face,
        (None, Step::Role) => Screen::Role,
        (None, Step::Choose) => Screen::Catalog,
        (None, Step::Guide) => Screen::Guide,
        (None, Step::Question(_)) => Screen::Question,
        (None, Step::Items) => Screen::Items,
        (None, Step::Notice) => Screen::Notice,
        (None, Step::Form) => Screen::Form,
        (None, Step::Capture) => Screen::Capture,
        (None, Step::Commitments) => Screen::Commitments,
        (None, Step::Delivery) => Screen::Delivery,
        (None, Step::CheckAnswers) => Screen::Check,
        (None, Step::Status) => Screen::Status,
        // The live session never stays here (submitting works on a copy, and the confirmation page shows from
        // `done`); should it, Home is the screen that holds nothing of anyone.
        (None, Step::Done) => Screen::Home,
    };
    if shell.get_screen() != screen {
        // Which screen shows (never what is on it): for technicians reading the journal, and for the virtual
        // terminal's test following the path from outside.
        tracing::info!(screen = ?screen, "screen shown");
    }
    shell.set_screen(screen);
    // The step indicator shows on the applicant's path only.
    let on_path = app.message.is_none()
        && app.done.is_none()
        && app.rating.is_none()
        && !matches!(app.session.step(), Step::Home | Step::Guide)
        && app.session.flow() == Flow::Apply;
    let (stages, stage) = if on_path {
        app.session.progress()
    } else {
        (Vec::new(), 0)
    };
    shell.set_stages(rows::strings(stages));
    shell.set_stage(stage as i32);
    shell.set_can_go_back(
        app.done.is_none()
            && app.rating.is_none()
            && (app.message.is_some() || app.session.can_go_back()),
    );
    screen
}
