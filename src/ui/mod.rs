//! The bridge between the kiosk's use cases (`crate::app`) and the Slint views. Nothing outside this module knows
//! Slint (tests and the UI benchmark aside, through [`views`]).
//!
//! Each view has one adapter global in `ui/views/*.slint` and one module here that fills it from the state and
//! routes its callbacks to the use cases; adapters only map. After every change [`refresh`] shows the screen that
//! matches the state and fills that view alone.

/// The views compiled from `ui/*.slint`. Private, so the compiler keeps Slint's generated types inside `src/ui`;
/// the few that headless tests and the UI benchmark drive are re-exported in [`views`].
mod generated {
    slint::include_modules!();
}

/// The generated types the headless tests and the UI benchmark name: the window, its theme, and the view
/// adapters whose properties they read. Nothing else outside `src/ui` may name a Slint type.
pub mod views {
    pub use super::generated::{
        AppWindow, CaptureViewAdapter, CatalogViewAdapter, CheckViewAdapter,
        CommitmentsViewAdapter, ConsentViewAdapter, DeliveryViewAdapter, DoneViewAdapter,
        FaceViewAdapter, FormViewAdapter, GuideViewAdapter, ItemsViewAdapter, KeyboardAdapter,
        KeyboardMode, MaterialStatus, NoticeViewAdapter, RatingStage, RatingViewAdapter,
        RoleViewAdapter, ShellAdapter, StatusField, StatusPhase, StatusViewAdapter,
        TechnicianViewAdapter, Theme,
    };
}

mod capture_adapter;
mod catalog_adapter;
mod check_adapter;
mod commitments_adapter;
mod consent_adapter;
mod delivery_adapter;
mod done_adapter;
mod face_adapter;
mod form_adapter;
mod guide_adapter;
mod home_adapter;
mod identify_adapter;
mod images;
mod items_adapter;
mod keyboard_adapter;
mod notice_adapter;
mod qr;
mod question_adapter;
mod rating_adapter;
mod role_adapter;
mod rows;
mod shell_adapter;
mod status_adapter;
mod technician_adapter;

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use slint::ComponentHandle;

use crate::app::{App, Settings};
use crate::catalog::Catalog;
use generated::{AppWindow, Screen, ShellAdapter};

/// What the UI keeps beside the kiosk's state: the screen's copies of pictures and QR codes. (Which view shows
/// is the shell's `screen` property.)
struct UiState {
    app: App,
    pictures: images::Pictures,
    qr: qr::QrCache,
}

type Shared = Rc<RefCell<UiState>>;

/// The kiosk's window with its views wired to the kiosk's state.
pub struct Kiosk {
    pub window: AppWindow,
    state: Shared,
    _idle_timer: slint::Timer,
    _preview_timer: slint::Timer,
    _face_timer: slint::Timer,
}

impl Kiosk {
    pub fn new(catalog: Arc<Catalog>, settings: Settings) -> Result<Kiosk, slint::PlatformError> {
        let window = AppWindow::new()?;
        // The one way back to the UI thread: work off it posts its result, then asks the event loop to take it in.
        let weak = window.as_weak();
        let wake: crate::app::Wake = Arc::new(move || {
            let _ = weak
                .upgrade_in_event_loop(|w| w.global::<ShellAdapter>().invoke_services_changed());
        });
        let state = Rc::new(RefCell::new(UiState {
            app: App::new(catalog, settings, wake),
            pictures: Default::default(),
            qr: Default::default(),
        }));
        let idle_timer = shell_adapter::setup(&window, &state);
        home_adapter::setup(&window, &state);
        catalog_adapter::setup(&window, &state);
        guide_adapter::setup(&window, &state);
        identify_adapter::setup(&window, &state);
        consent_adapter::setup(&window, &state);
        let face_timer = face_adapter::setup(&window, &state);
        role_adapter::setup(&window, &state);
        question_adapter::setup(&window, &state);
        items_adapter::setup(&window, &state);
        notice_adapter::setup(&window, &state);
        form_adapter::setup(&window, &state);
        let preview_timer = capture_adapter::setup(&window, &state);
        commitments_adapter::setup(&window, &state);
        delivery_adapter::setup(&window, &state);
        check_adapter::setup(&window, &state);
        done_adapter::setup(&window, &state);
        rating_adapter::setup(&window, &state);
        status_adapter::setup(&window, &state);
        technician_adapter::setup(&window, &state);
        keyboard_adapter::setup(&window, &state);
        refresh(&window, &mut state.borrow_mut());
        Ok(Kiosk {
            window,
            state,
            _idle_timer: idle_timer,
            _preview_timer: preview_timer,
            _face_timer: face_timer,
        })
    }

    /// The kiosk's state, to read.
    pub fn app(&self) -> Ref<'_, App> {
        Ref::map(self.state.borrow(), |s| &s.app)
    }

    /// The kiosk's state, to change directly (tests and the benchmark set up a situation); [`Kiosk::refresh`]
    /// shows it.
    pub fn app_mut(&self) -> RefMut<'_, App> {
        RefMut::map(self.state.borrow_mut(), |s| &mut s.app)
    }

    /// Shows the state as it is now.
    pub fn refresh(&self) {
        refresh(&self.window, &mut self.state.borrow_mut());
    }

    /// How many of the screen's pictures were zeroed where they were, and how many were still shown by a view
    /// when their turn came; and whether none is left on screen or waiting.
    pub fn picture_wipes(&self) -> ((u64, u64), bool) {
        let state = self.state.borrow();
        (state.pictures.counts(), state.pictures.is_empty())
    }

    /// Starts the device service and routes its events to the session and the screens.
    pub fn attach_devices(
        &self,
        uris: &crate::services::devices::DeviceUris,
    ) -> std::io::Result<()> {
        self.app_mut().start_devices(uris)
    }

    /// Connects the outbox applications go to and, when a back office is configured, starts the link that
    /// delivers them, reports heartbeats and fetches newer catalogs. Attach the devices first, so the heartbeat
    /// can report them.
    pub fn attach_intake(
        &self,
        outbox: crate::services::uplink::SharedOutbox,
        link: Option<(
            &crate::config::BackOffice,
            &str,
            crate::services::uplink::CatalogCache,
        )>,
    ) -> Result<(), crate::backoffice::LinkError> {
        self.app_mut().attach_intake(outbox, link)
    }
}

/// Shows the screen for the state and fills its view alone; the view that showed before lets go of what it held.
fn refresh(window: &AppWindow, state: &mut UiState) {
    let UiState { app, pictures, qr } = state;
    let left = window.global::<ShellAdapter>().get_screen();
    let screen = shell_adapter::fill(window, app);
    if left != screen {
        clear(window, left);
    }
    match screen {
        Screen::Home => home_adapter::fill(window, app),
        Screen::Identify => identify_adapter::fill(window, app),
        Screen::Consent => consent_adapter::fill(window, app),
        Screen::Face => face_adapter::fill(window, app, pictures),
        Screen::Role => role_adapter::fill(window, app),
        Screen::Catalog => catalog_adapter::fill(window, app),
        Screen::Guide => guide_adapter::fill(window, app, qr),
        Screen::Question => question_adapter::fill(window, app),
        Screen::Items => items_adapter::fill(window, app),
        Screen::Notice => notice_adapter::fill(window, app, qr),
        Screen::Form => form_adapter::fill(window, app),
        Screen::Capture => capture_adapter::fill(window, app, pictures),
        Screen::Commitments => commitments_adapter::fill(window, app),
        Screen::Delivery => delivery_adapter::fill(window, app),
        Screen::Check => check_adapter::fill(window, app),
        Screen::Done => done_adapter::fill(window, app, qr),
        Screen::Rating => rating_adapter::fill(window, app),
        Screen::Status => status_adapter::fill(window, app, qr),
        Screen::Technician => technician_adapter::fill(window, app, pictures),
        Screen::Message => {}
    }
    keyboard_adapter::fill(window, app);
    if !matches!(
        screen,
        Screen::Guide | Screen::Notice | Screen::Status | Screen::Done
    ) {
        qr.image(None);
    }
    // The views hold the new pictures now, and have let go of those no longer shown: those are zeroed.
    pictures.end_refresh();
}

/// A view that no longer shows keeps nothing of anyone in its models.
fn clear(window: &AppWindow, screen: Screen) {
    match screen {
        Screen::Form => form_adapter::clear(window),
        Screen::Capture => capture_adapter::clear(window),
        Screen::Face => face_adapter::clear(window),
        Screen::Check => check_adapter::clear(window),
        Screen::Commitments => commitments_adapter::clear(window),
        Screen::Delivery => delivery_adapter::clear(window),
        Screen::Done => done_adapter::clear(window),
        Screen::Rating => rating_adapter::clear(window),
        Screen::Status => status_adapter::clear(window),
        Screen::Technician => technician_adapter::clear(window),
        _ => {}
    }
}

/// Applies what someone did to the kiosk's state (restarting the idle timer), then refreshes the screen. Every
/// adapter's callbacks go through one of these.
#[derive(Clone)]
struct Actor {
    window: slint::Weak<AppWindow>,
    state: Shared,
}

impl Actor {
    fn new(window: &AppWindow, state: &Shared) -> Actor {
        Actor {
            window: window.as_weak(),
            state: Rc::clone(state),
        }
    }

    fn run(&self, change: impl FnOnce(&mut App)) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let mut state = self.state.borrow_mut();
        state.app.touch();
        change(&mut state.app);
        state.app.settle();
        refresh(&window, &mut state);
    }

    /// A change that is not someone's doing (a device event, a result): the idle timer is left alone.
    fn run_quietly(&self, change: impl FnOnce(&mut App)) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let mut state = self.state.borrow_mut();
        change(&mut state.app);
        state.app.settle();
        refresh(&window, &mut state);
    }

    /// A callback without arguments.
    fn on(&self, change: impl Fn(&mut App) + 'static) -> impl FnMut() + 'static {
        let actor = self.clone();
        move || actor.run(&change)
    }
}

impl Kiosk {
    pub fn set_size(&self, width: u32, height: u32) {
        self.window
            .window()
            .set_size(slint::LogicalSize::new(width as f32, height as f32));
    }

    /// Once the UI loop runs, tells systemd the kiosk is ready, then pings its watchdog from this loop at the
    /// interval systemd set (none outside systemd). Keep the returned timer as long as the window.
    /// `started` is when the process began, for the log line that says how long the way to a running UI took.
    pub fn start_watchdog(&self, started: Instant) -> slint::Timer {
        slint::Timer::single_shot(std::time::Duration::ZERO, move || {
            tracing::info!(
                since_start_ms = started.elapsed().as_millis() as u64,
                "ready: the UI loop runs"
            );
            crate::services::watchdog::ready()
        });
        let timer = slint::Timer::default();
        if let Some(watchdog) = crate::services::watchdog::Watchdog::from_env() {
            tracing::info!(every_ms = watchdog.every.as_millis() as u64, "watchdog on");
            timer.start(slint::TimerMode::Repeated, watchdog.every, move || {
                watchdog.ping()
            });
        }
        timer
    }

    pub fn set_fullscreen(&self) {
        self.window.window().set_fullscreen(true);
    }

    /// For the startup benchmark: once the event loop runs, render the first frame, tell `rendered` whether it
    /// rendered, and quit.
    pub fn quit_after_first_frame(&self, rendered: impl FnOnce(bool) + 'static) {
        let weak = self.window.as_weak();
        slint::Timer::single_shot(std::time::Duration::ZERO, move || {
            if let Some(window) = weak.upgrade() {
                // Rendering a snapshot makes sure the first frame's pixels exist, whatever the backend's pace.
                rendered(window.window().take_snapshot().is_ok());
            }
            let _ = slint::quit_event_loop();
        });
    }

    /// Opens the window and runs the UI loop until it closes.
    pub fn run(&self) -> Result<(), slint::PlatformError> {
        self.window.run()
    }
}
