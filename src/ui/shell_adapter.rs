//! The frame around the views: which screen shows, 返回, 首页 and the idle timeout.

use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::ComponentHandle;

use super::generated::{AppWindow, MessageViewAdapter, Screen, ShellAdapter};
use super::{refresh, Actor, Shared, UiState};
use crate::session::{IdleState, Step};

/// Wires the shell; the returned timer drives the idle timeout and must live as long as the window.
pub fn setup(window: &AppWindow, state: &Shared) -> slint::Timer {
    let shell = window.global::<ShellAdapter>();
    let actor = Actor::new(window, state);
    shell.on_back(actor.on(|s| {
        s.new_epoch();
        s.print_note.clear();
        s.print_qr = None;
        if s.message.take().is_none() {
            s.session.back();
            // Back at Home the visit is over: nothing of it stays (a status look-up's results included).
            if s.session.step() == Step::Home {
                end_visit(s);
            }
        }
    }));
    shell.on_home(actor.on(end_visit));
    shell.on_stay(actor.on(|_| {}));
    idle_timer(window, state)
}

/// Back to Home with nothing of the visit left: the session, the search and the models are cleared.
pub fn end_visit(state: &mut UiState) {
    state.new_epoch();
    state.session.end(Instant::now());
    if let Some(devices) = &state.devices.service {
        devices.reset_camera();
    }
    state.message = None;
    state.step_error.clear();
    state.print_note.clear();
    state.print_qr = None;
    state.typing = super::form_adapter::Typing::default();
    // The pictures of the applicant's papers are zeroed once the views let go of them (after the next refresh).
    let capture = std::mem::take(&mut state.capture);
    state.retired.add(capture.into_pictures());
    state.signing = super::commitments_adapter::SigningState::default();
    state.delivery = super::delivery_adapter::DeliveryDraft::default();
    state.done = None;
    super::status_staff::end(state);
    state.status = super::status_adapter::StatusVisit::default();
    state.technician = None;
    state.ime = None;
    crate::memory::release_memory();
    state.query.clear();
    state.tab = crate::catalog::Target::Person;
}

fn idle_timer(window: &AppWindow, state: &Shared) -> slint::Timer {
    let weak = window.as_weak();
    let state = Rc::clone(state);
    let timer = slint::Timer::default();
    // Under kiosk.service (which starts it again, and sets this), a newer build installed meanwhile takes over
    // at the next idle Home. Anywhere else (a developer's `cargo run`) nothing would start it again.
    let mut installed = std::env::var_os("KIOSK_RESTART_ON_UPGRADE")
        .filter(|v| v == "1")
        .and_then(|_| crate::services::upgrade::InstalledBinary::of_this_process());
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(500),
        move || {
            let Some(window) = weak.upgrade() else { return };
            let mut s = state.borrow_mut();
            let shell = window.global::<ShellAdapter>();
            if idle_at_home(&s)
                && installed
                    .as_mut()
                    .is_some_and(|b| b.replaced_and_settled(Instant::now()))
            {
                tracing::info!("a newer build is installed: restarting into it at idle Home");
                let _ = slint::quit_event_loop();
                return;
            }
            // Technician mode left open closes by itself: the next visitor must not find it.
            if s.technician
                .as_ref()
                .is_some_and(|t| t.last_touch.elapsed() >= super::technician_adapter::IDLE_LOCK)
            {
                s.technician = None;
                refresh(&window, &s);
            }
            // A staff session past its time ends, with what it looked up.
            if super::status_staff::tick(&mut s, Instant::now()) {
                refresh(&window, &s);
            }
            // The confirmation page leaves by itself: the next applicant must find Home, not this receipt.
            if s.done.as_ref().is_some_and(|d| d.expired(Instant::now())) {
                s.done = None;
                refresh(&window, &s);
            }
            match s.session.idle_state(Instant::now()) {
                IdleState::Active => shell.set_idle_seconds_left(-1),
                IdleState::Warning { remaining } => {
                    shell.set_idle_seconds_left(remaining.as_secs_f32().ceil() as i32)
                }
                IdleState::Expired => {
                    tracing::info!(step = ?s.session.step(), "visit timed out, wiped");
                    end_visit(&mut s);
                    shell.set_idle_seconds_left(-1);
                    refresh(&window, &s);
                }
            }
        },
    );
    timer
}

/// Nobody is using the kiosk: Home, no technician, no receipt or message on screen, nothing personal held.
fn idle_at_home(state: &UiState) -> bool {
    state.session.step() == Step::Home
        && state.technician.is_none()
        && state.done.is_none()
        && state.message.is_none()
        && !state.session.holds_personal_data()
}

fn show_message(window: &AppWindow, title: &str, message: &str) {
    let adapter = window.global::<MessageViewAdapter>();
    adapter.set_title(title.into());
    adapter.set_message(message.into());
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let shell = window.global::<ShellAdapter>();
    shell.set_center_name(state.center_name.as_str().into());
    let screen = match (&state.message, state.session.step()) {
        _ if state.technician.is_some() => Screen::Technician,
        _ if state.done.is_some() => Screen::Done,
        (Some((title, message)), _) => {
            show_message(window, title, message);
            Screen::Message
        }
        (None, Step::Home) => Screen::Home,
        (None, Step::Identify) => Screen::Identify,
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
        (None, _) => {
            // The rest of the applicant's path is not on screen in this build: say so plainly.
            let chosen = state
                .session
                .one_thing()
                .map(|t| t.name.as_str())
                .unwrap_or("");
            show_message(
                window,
                &format!("已选择：{chosen}"),
                "自助申报的后续步骤即将开放。您可以先在“办事指南”中查看所需材料，或到综合受理窗口办理。",
            );
            Screen::Message
        }
    };
    if shell.get_screen() != screen {
        // Which screen shows (never what is on it): for technicians reading the journal, and for the virtual
        // terminal's test following the path from outside.
        tracing::info!(screen = ?screen, "screen shown");
    }
    shell.set_screen(screen);
    // The step indicator shows on the applicant's path only.
    let on_path = state.message.is_none()
        && state.done.is_none()
        && !matches!(state.session.step(), Step::Home | Step::Guide)
        && state.session.flow() == crate::session::Flow::Apply;
    let (stages, stage) = if on_path {
        state.session.progress()
    } else {
        (Vec::new(), 0)
    };
    shell.set_stages(super::guide_adapter::model(
        stages.into_iter().map(slint::SharedString::from).collect(),
    ));
    shell.set_stage(stage as i32);
    shell.set_can_go_back(
        state.done.is_none() && (state.message.is_some() || state.session.can_go_back()),
    );
}
