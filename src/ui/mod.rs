//! The bridge between the session core and the Slint views. Nothing outside this module knows Slint.
//!
//! Each view has one adapter global in `ui/views/*.slint` and one module here that fills it and routes its
//! callbacks to the session. After every change [`refresh`] shows the screen that matches the session's step.

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
        CommitmentsViewAdapter, DeliveryViewAdapter, DoneViewAdapter, FormViewAdapter,
        GuideViewAdapter, ItemsViewAdapter, ShellAdapter, StatusViewAdapter, TechnicianViewAdapter,
        Theme,
    };
}

mod capture_adapter;
mod catalog_adapter;
mod check_adapter;
mod commitments_adapter;
mod delivery_adapter;
mod devices_adapter;
mod done_adapter;
mod form_adapter;
mod guide_adapter;
mod home_adapter;
mod identify_adapter;
pub mod intake;
mod items_adapter;
mod notice_adapter;
mod print;
mod question_adapter;
mod screen_image;
mod shell_adapter;
mod status_adapter;
mod status_staff;
mod submit;
pub mod tasks;
pub mod technician_adapter;
mod technician_checks;
mod technician_save;

pub use devices_adapter::DeviceState;
pub use status_adapter::Field as StatusField;
pub use status_staff::StaffForm;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use slint::ComponentHandle;

use crate::catalog::{Catalog, SearchIndex, Target};
use crate::config::Config;
use crate::session::{IdlePolicy, Session};
use generated::AppWindow;

/// What the UI thread keeps beside the session: search state and the odd message screen.
pub struct UiState {
    pub session: Session,
    pub index: SearchIndex,
    pub center_name: String,
    pub simulated_devices: bool,
    pub tab: Target,
    pub query: String,
    /// A screen that only says something (title, message), shown over the session's step until 返回 or 首页.
    pub message: Option<(String, String)>,
    /// The devices, when the kiosk runs with them (tests of the UI alone run without).
    pub devices: DeviceState,
    /// The outbox and the back-office link, when the kiosk takes applications.
    pub intake: Option<intake::Intake>,
    pub idle: IdlePolicy,
    /// Why the last step could not go on, in plain words (shown on that step's screen).
    pub step_error: String,
    /// What happened to the last thing sent to the printer.
    pub print_note: String,
    /// A slip that did not print, as a QR code to take with a phone instead.
    pub print_qr: Option<slint::Image>,
    /// The receipt paper.
    pub paper: drivers::printer::PaperWidth,
    /// Device work started from the UI, whose results come back here.
    pub tasks: Option<tasks::Tasks>,
    /// The field being typed into and the keyboard's state.
    pub typing: form_adapter::Typing,
    /// The pinyin engine, built the first time someone types.
    pub ime: Option<Rc<crate::ime::PinyinIme>>,
    /// The capture screen's pages, thumbnails and preview.
    pub capture: capture_adapter::CaptureState,
    /// Pictures of personal papers that left the state, zeroed at the end of the next refresh.
    pub retired: screen_image::Retired,
    /// The commitment letter being signed and its strokes.
    pub signing: commitments_adapter::SigningState,
    /// The delivery choices before they are confirmed.
    pub delivery: delivery_adapter::DeliveryDraft,
    /// A package is being built and stored.
    pub saving: bool,
    /// The confirmation page, once the package is stored (the visit's personal data is gone by then).
    pub done: Option<done_adapter::DoneInfo>,
    pub kiosk_id: String,
    /// 进度查询/领取: how the visitor is finding an application, and what was found.
    pub status: status_adapter::StatusVisit,
    /// Look-ups by receipt number that found nothing, counted across visits (a stranger pressing 首页 does not
    /// start the count again).
    pub lookups: crate::progress::LookupLimiter,
    /// A member of the center's staff signed in on the status screen; ends with the visit.
    pub staff: Option<status_staff::StaffState>,
    /// Counts changes of what the screen is about (a visit ending, a new look-up, going back). Work started
    /// before one (a look-up, a print) brings its result back only if the count is unchanged, so a late answer
    /// never lands on the next visitor's screen. Never reset.
    pub epoch: u64,
    /// Technician mode, while open; what it needs; and the taps that open it.
    pub technician: Option<technician_adapter::TechnicianState>,
    pub technician_settings: technician_adapter::TechnicianSettings,
    pub technician_taps: crate::technician::entry::TapCounter,
    /// The PIN's lockout, opened at the first try and kept while the kiosk runs.
    pub technician_guard: Option<crate::technician::pin::PinGuard>,
    /// Set by 退出维护 while the technician state is out of its slot.
    pub technician_closing: bool,
    /// An export to a USB stick is under way (it outlives technician mode closing by itself).
    pub exporting: bool,
}

impl UiState {
    /// Whether the demonstration shortcuts (place the sample card, scan the last receipt) are offered: only on
    /// simulated devices, and only with no back office or the simulator on this machine.
    pub fn demo_shortcuts(&self) -> bool {
        self.devices.simulated() && self.intake.as_ref().is_none_or(|i| i.demo_allowed())
    }

    /// Marks a change of what the screen is about; returns the new count.
    pub fn new_epoch(&mut self) -> u64 {
        self.epoch += 1;
        self.epoch
    }
}

pub type Shared = Rc<RefCell<UiState>>;

/// The kiosk's window with its views wired to a fresh session.
pub struct Kiosk {
    pub window: AppWindow,
    pub state: Shared,
    _idle_timer: slint::Timer,
    _preview_timer: slint::Timer,
}

/// The parts of the configuration the UI needs.
pub struct UiSettings {
    pub center_name: String,
    pub kiosk_id: String,
    pub idle: IdlePolicy,
    pub simulated_devices: bool,
    pub paper: drivers::printer::PaperWidth,
    pub technician: technician_adapter::TechnicianSettings,
}

impl UiSettings {
    pub fn from_config(config: &Config) -> UiSettings {
        let d = &config.devices;
        UiSettings {
            center_name: config.center_name.clone(),
            kiosk_id: config.kiosk_id.clone(),
            idle: config.idle,
            simulated_devices: [&d.id_reader, &d.printer, &d.camera, &d.scanner]
                .iter()
                .all(|u| *u == "sim"),
            paper: d.paper,
            technician: technician_adapter::TechnicianSettings {
                config_path: Some(config.path.clone()),
                data_dir: config.data_dir.clone(),
                pin_hash: config.technician_pin_hash.clone(),
                devices: Some(config.devices.clone()),
                rotation: config.rotation,
                export_recipient: config.export_recipient.clone(),
                removable_mounts: Default::default(),
            },
        }
    }
}

impl Kiosk {
    pub fn new(catalog: Arc<Catalog>, settings: UiSettings) -> Result<Kiosk, slint::PlatformError> {
        let window = AppWindow::new()?;
        let state = Rc::new(RefCell::new(UiState {
            index: SearchIndex::new(&catalog),
            session: Session::new(catalog, settings.idle, Instant::now()),
            idle: settings.idle,
            intake: None,
            step_error: String::new(),
            print_note: String::new(),
            print_qr: None,
            paper: settings.paper,
            tasks: None,
            typing: form_adapter::Typing::default(),
            ime: None,
            capture: capture_adapter::CaptureState::default(),
            retired: Default::default(),
            signing: commitments_adapter::SigningState::default(),
            delivery: delivery_adapter::DeliveryDraft::default(),
            saving: false,
            done: None,
            kiosk_id: settings.kiosk_id,
            status: status_adapter::StatusVisit::default(),
            lookups: Default::default(),
            staff: None,
            epoch: 0,
            technician: None,
            technician_settings: settings.technician.clone(),
            technician_taps: Default::default(),
            technician_guard: None,
            technician_closing: false,
            exporting: false,
            center_name: settings.center_name,
            simulated_devices: settings.simulated_devices,
            tab: Target::Person,
            query: String::new(),
            message: None,
            devices: DeviceState::default(),
        }));
        let idle_timer = shell_adapter::setup(&window, &state);
        home_adapter::setup(&window, &state);
        catalog_adapter::setup(&window, &state);
        guide_adapter::setup(&window, &state);
        identify_adapter::setup(&window, &state);
        question_adapter::setup(&window, &state);
        items_adapter::setup(&window, &state);
        notice_adapter::setup(&window, &state);
        form_adapter::setup(&window, &state);
        let preview_timer = capture_adapter::setup(&window, &state);
        commitments_adapter::setup(&window, &state);
        delivery_adapter::setup(&window, &state);
        check_adapter::setup(&window, &state);
        done_adapter::setup(&window, &state);
        status_adapter::setup(&window, &state);
        technician_adapter::setup(&window, &state);
        state.borrow_mut().tasks = Some(tasks::Tasks::new(&window));
        devices_adapter::setup(&window, &state);
        refresh(&window, &state.borrow());
        Ok(Kiosk {
            window,
            state,
            _idle_timer: idle_timer,
            _preview_timer: preview_timer,
        })
    }
}

/// Shows the screen for the session's step and fills its view.
pub fn refresh(window: &AppWindow, state: &UiState) {
    shell_adapter::fill(window, state);
    home_adapter::fill(window, state);
    catalog_adapter::fill(window, state);
    guide_adapter::fill(window, state);
    identify_adapter::fill(window, state);
    question_adapter::fill(window, state);
    items_adapter::fill(window, state);
    notice_adapter::fill(window, state);
    form_adapter::fill(window, state);
    capture_adapter::fill(window, state);
    commitments_adapter::fill(window, state);
    delivery_adapter::fill(window, state);
    check_adapter::fill(window, state);
    done_adapter::fill(window, state);
    status_adapter::fill(window, state);
    technician_adapter::fill(window, state);
    // The views hold the new pictures now, and have let go of the retired ones: zero those.
    state.retired.wipe();
}

/// Applies what the applicant did to the state (restarting the idle timer), then refreshes the screen. Every
/// adapter's callbacks go through one of these.
#[derive(Clone)]
pub struct Actor {
    window: slint::Weak<AppWindow>,
    state: Shared,
}

impl Actor {
    pub fn new(window: &AppWindow, state: &Shared) -> Actor {
        Actor {
            window: window.as_weak(),
            state: Rc::clone(state),
        }
    }

    pub fn run(&self, change: impl FnOnce(&mut UiState)) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let mut state = self.state.borrow_mut();
        state.session.touch(Instant::now());
        change(&mut state);
        intake::between_visitors(&mut state);
        refresh(&window, &state);
    }

    /// A change that is not the applicant's doing (a device event): the idle timer is left alone.
    pub fn run_quietly(&self, change: impl FnOnce(&mut UiState)) {
        let Some(window) = self.window.upgrade() else {
            return;
        };
        let mut state = self.state.borrow_mut();
        change(&mut state);
        intake::between_visitors(&mut state);
        refresh(&window, &state);
    }

    /// A callback without arguments.
    pub fn on(&self, change: impl Fn(&mut UiState) + 'static) -> impl FnMut() + 'static {
        let actor = self.clone();
        move || actor.run(&change)
    }
}

impl Kiosk {
    /// Starts the device service and routes its events to the session and the screens.
    pub fn attach_devices(
        &self,
        uris: &crate::services::devices::DeviceUris,
    ) -> std::io::Result<()> {
        devices_adapter::attach(&self.window, &self.state, uris)
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
        intake::attach(&self.window, &self.state, outbox, link)
    }

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

    /// For the startup benchmark: once the event loop runs, render the first frame, print how long it took since
    /// `started` and the peak memory so far, and quit.
    pub fn quit_after_first_frame(&self, started: Instant) {
        let weak = self.window.as_weak();
        slint::Timer::single_shot(std::time::Duration::ZERO, move || {
            if let Some(window) = weak.upgrade() {
                // Rendering a snapshot makes sure the first frame's pixels exist, whatever the backend's pace.
                let rendered = window.window().take_snapshot().is_ok();
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                println!(
                    "first_frame_ms={ms:.1} rendered={rendered} peak_rss_kb={}",
                    crate::memory::peak_rss_kb().unwrap_or(0)
                );
            }
            let _ = slint::quit_event_loop();
        });
    }

    /// Opens the window and runs the UI loop until it closes.
    pub fn run(&self) -> Result<(), slint::PlatformError> {
        self.window.run()
    }
}
