//! The visit's use cases, without a window: choosing, the form and its keyboard, capturing, signing, storing an
//! application, printing, looking up status, staff sign-in, technician settings and exports. Nothing here knows
//! Slint. Slow work runs off the UI thread ([`tasks`]) and comes back as a change to [`App`], applied on the UI
//! thread; the UI (`src/ui`) shows the state and routes what people do to the methods here.

pub mod capture;
pub mod choose;
pub mod delivery;
pub mod devices;
pub mod done;
pub mod face;
pub mod failure;
pub mod form;
pub mod intake;
pub mod keyboard;
pub mod keyboard_mode;
pub mod picture;
pub mod platform;
pub mod print;
pub mod rating;
pub mod signing;
pub mod speech;
pub mod spoken;
pub mod status;
pub mod submit;
pub mod tasks;
pub mod technician;
#[cfg(test)]
pub(crate) mod test_support;
pub mod text_entry;
mod typed_into;
pub mod typing;
pub mod visit;
pub mod words;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use crate::catalog::{Catalog, SearchIndex, Target};
use crate::config::Config;
use crate::session::{IdlePolicy, Session};

pub use devices::DeviceState;
pub use tasks::{Poster, Tasks, Wake};
pub use technician::{RemovableMounts, TechnicianSettings};

/// Everything the kiosk holds between two touches: the applicant's session and what each screen's use case
/// keeps beside it.
pub struct App {
    pub session: Session,
    pub index: SearchIndex,
    pub center_name: String,
    pub simulated_devices: bool,
    /// The catalog browser's tab and search.
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
    /// A slip that did not print, as the text of a QR code to take with a phone instead.
    pub print_qr: Option<String>,
    /// The receipt paper.
    pub paper: drivers::printer::PaperWidth,
    /// Work off the UI thread and events from the services, whose results come back here.
    pub tasks: Tasks,
    /// The field open on the keyboard, what it holds and the keyboard's layout.
    pub typing: Option<typing::Typing>,
    /// The pinyin engine, built the first time someone types.
    pub ime: Option<Rc<crate::ime::PinyinIme>>,
    /// The capture screen's pages, thumbnails and preview.
    pub capture: capture::CaptureState,
    /// The commitment letter being signed and its strokes.
    pub signing: signing::SigningState,
    /// The delivery choices before they are confirmed.
    pub delivery: delivery::DeliveryDraft,
    /// A package is being built and stored.
    pub saving: bool,
    /// 我要办事 was pressed: whether the outbox can keep an application is being asked off the UI thread.
    pub checking_intake: bool,
    /// The platform's part of the visit: the consent texts, a shared-data query or licence check on its way.
    pub platform: platform::PlatformVisit,
    /// The face check's preview and what it has found so far.
    pub face: face::FaceVisit,
    /// The confirmation page, once the package is stored (the visit's personal data is gone by then).
    pub done: Option<done::DoneInfo>,
    /// 好差评, asked after the done page or a pickup slip.
    pub rating: Option<rating::RatingVisit>,
    /// Within how many working days a 差评 is followed up, as the rating screen says.
    pub follow_up_days: u32,
    /// Spoken guidance: the speaker, the headset, whether it is on for this visit.
    pub speech: speech::SpeechState,
    pub kiosk_id: String,
    /// 进度查询/领取: how the visitor is finding an application, and what was found.
    pub status: status::StatusVisit,
    /// Look-ups by receipt number that found nothing, counted across visits (a stranger pressing 首页 does not
    /// start the count again).
    pub lookups: crate::progress::LookupLimiter,
    /// A member of the center's staff signed in on the status screen; ends with the visit.
    pub staff: Option<status::staff::StaffState>,
    /// Counts changes of what the screen is about (a visit ending, a new look-up, going back). Work started
    /// before one (a look-up, a print) brings its result back only if the count is unchanged, so a late answer
    /// never lands on the next visitor's screen. Never reset.
    pub epoch: u64,
    /// Technician mode, while open; what it needs; and the taps that open it.
    pub technician: Option<technician::TechnicianState>,
    pub technician_settings: TechnicianSettings,
    pub technician_taps: crate::technician::entry::TapCounter,
    /// The PIN's lockout, opened at the first try and kept while the kiosk runs (shared with the thread that
    /// checks a PIN).
    pub technician_guard: Option<Arc<std::sync::Mutex<crate::technician::pin::PinGuard>>>,
    /// Set by 退出维护 while the technician state is out of its slot.
    pub technician_closing: bool,
    /// An export to a USB stick is under way (it outlives technician mode closing by itself).
    pub exporting: bool,
    /// A newer build installed meanwhile, watched under kiosk.service only.
    installed: Option<crate::services::upgrade::InstalledBinary>,
}

/// The parts of the configuration the kiosk's use cases need.
pub struct Settings {
    pub center_name: String,
    pub kiosk_id: String,
    pub idle: IdlePolicy,
    pub simulated_devices: bool,
    pub paper: drivers::printer::PaperWidth,
    pub technician: TechnicianSettings,
    /// How applicants are checked to be the card's holder, given the face camera there is (or is not).
    pub face_check: crate::session::FaceCheck,
    /// The platform the consent screen names.
    pub platform_name: String,
    /// Within how many working days a 差评 is followed up.
    pub follow_up_days: u32,
    /// Spoken guidance, when the kiosk should offer it (`None`: never, as in tests of the UI alone).
    pub speech: Option<crate::speech::SpeechSettings>,
}

impl Settings {
    pub fn from_config(config: &Config) -> Settings {
        let d = &config.devices;
        Settings {
            center_name: config.center_name.clone(),
            kiosk_id: config.kiosk_id.clone(),
            idle: config.idle,
            simulated_devices: [&d.id_reader, &d.printer, &d.camera, &d.scanner]
                .iter()
                .all(|u| *u == "sim"),
            paper: d.paper,
            face_check: match (config.identity.face_check, d.face_camera.is_empty()) {
                // Without a camera a check that is only wanted is not done; one that is required sends every
                // applicant to the window (and technicians see why).
                (crate::session::FaceCheck::WhenAvailable, true) => crate::session::FaceCheck::Off,
                (policy, _) => policy,
            },
            platform_name: config.identity.platform_name.clone(),
            follow_up_days: config.follow_up_days,
            speech: Some(config.speech.clone()),
            technician: TechnicianSettings {
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

impl App {
    /// A kiosk at Home with `catalog`; `wake` asks the UI thread to take in what work off it brought back.
    pub fn new(catalog: Arc<Catalog>, settings: Settings, wake: Wake) -> App {
        // Under kiosk.service (which starts it again, and sets this), a newer build installed meanwhile takes
        // over at the next idle Home. Anywhere else (a developer's `cargo run`) nothing would start it again.
        let installed = std::env::var_os("KIOSK_RESTART_ON_UPGRADE")
            .filter(|v| v == "1")
            .and_then(|_| crate::services::upgrade::InstalledBinary::of_this_process());
        App {
            index: SearchIndex::new(&catalog),
            session: Session::new(catalog, settings.idle, Instant::now())
                .with_face_check(settings.face_check),
            platform: platform::PlatformVisit::new(&settings.platform_name),
            face: Default::default(),
            idle: settings.idle,
            intake: None,
            step_error: String::new(),
            print_note: String::new(),
            print_qr: None,
            paper: settings.paper,
            tasks: Tasks::new(wake),
            typing: None,
            ime: None,
            capture: Default::default(),
            signing: Default::default(),
            delivery: Default::default(),
            saving: false,
            checking_intake: false,
            done: None,
            rating: None,
            follow_up_days: settings.follow_up_days,
            speech: settings
                .speech
                .as_ref()
                .map_or_else(speech::SpeechState::off, speech::SpeechState::new),
            kiosk_id: settings.kiosk_id,
            status: Default::default(),
            lookups: Default::default(),
            staff: None,
            epoch: 0,
            technician: None,
            technician_settings: settings.technician,
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
            installed,
        }
    }

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

    /// Someone touched the screen: the idle timer starts again.
    pub fn touch(&mut self) {
        let now = Instant::now();
        self.session.touch(now);
        self.speech_touched();
        if let Some(rating) = self.rating.as_mut() {
            rating.last_touch = now;
        }
    }

    /// Applies what work off the UI thread and the services brought back (results, device events, catalogs).
    pub fn take_in(&mut self) {
        for change in self.tasks.arrived() {
            change(self);
        }
    }

    /// After every change: a newer catalog is put to use once no visitor is in the middle of a session.
    pub fn settle(&mut self) {
        intake::between_visitors(self);
        self.speak_screen();
    }
}
