//! Taking applications in: the outbox they go to, the link that sends them, and newer catalogs from the back
//! office, which replace the current one between visitors only.

use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Instant;

use slint::ComponentHandle;

use super::generated::{AppWindow, ShellAdapter};
use super::{Shared, UiState};
use crate::catalog::{Catalog, SearchIndex};
use crate::config::BackOffice;
use crate::services::uplink::intake_policy::{self, IntakePolicy, SharedPolicy};
use crate::services::uplink::service::{HealthSource, IntakeSource};
use crate::services::uplink::worker::lock;
use crate::services::uplink::{CatalogCache, SharedOutbox, UplinkService};
use crate::session::{Session, Step};

pub struct Intake {
    pub outbox: SharedOutbox,
    pub uplink: Option<UplinkService>,
    /// What besides the outbox decides whether applications are taken (shared with the link's heartbeat).
    pub policy: SharedPolicy,
    catalogs: Option<Receiver<Catalog>>,
    pending_catalog: Option<Arc<Catalog>>,
    refusal_cache: std::cell::RefCell<Option<(Instant, Option<String>)>>,
}

impl Intake {
    /// Why no new application can be taken now (simulated devices or the placeholder id with a real back office,
    /// the device key lost, the disk full), if so: for technicians.
    pub fn refusal(&self) -> Option<String> {
        intake_policy::refusal(&self.policy, &lock(&self.outbox))
    }

    /// [`Intake::refusal`], worked out at most every few seconds: for screens refreshed often (technician mode),
    /// which must not write the outbox's probe on the UI thread at every touch.
    pub fn refusal_lately(&self) -> Option<String> {
        const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(5);
        let mut cached = self.refusal_cache.borrow_mut();
        match &*cached {
            Some((at, refusal)) if at.elapsed() < FRESH_FOR => refusal.clone(),
            _ => {
                let refusal = self.refusal();
                *cached = Some((Instant::now(), refusal.clone()));
                refusal
            }
        }
    }

    /// Whether the demonstration shortcuts may show.
    pub fn demo_allowed(&self) -> bool {
        self.policy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .demo_allowed()
    }

    /// Replaces the policy after technicians saved new settings.
    pub fn set_policy(&self, policy: IntakePolicy) {
        *self
            .policy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = policy;
        self.refusal_cache.borrow_mut().take();
    }
}

pub fn attach(
    window: &AppWindow,
    state: &Shared,
    outbox: SharedOutbox,
    link: Option<(&BackOffice, &str, CatalogCache)>,
) -> Result<(), crate::backoffice::LinkError> {
    let mut state = state.borrow_mut();
    let url = link.as_ref().map(|(settings, _, _)| settings.url.as_str());
    let policy = match &state.technician_settings.devices {
        Some(devices) => IntakePolicy::new(&state.kiosk_id, url, devices),
        // The UI alone, without devices: nothing is simulated that could be taken for real.
        None => IntakePolicy {
            kiosk_id: state.kiosk_id.clone(),
            real_back_office: url.is_some_and(|u| !crate::backoffice::client::is_loopback_url(u)),
            simulated: Vec::new(),
        },
    };
    state.intake = Some(Intake {
        outbox,
        uplink: None,
        policy: Arc::new(std::sync::Mutex::new(policy)),
        catalogs: None,
        pending_catalog: None,
        refusal_cache: Default::default(),
    });
    match link {
        Some((settings, kiosk_id, cache)) => {
            connect(window.as_weak(), &mut state, settings, kiosk_id, cache)
        }
        None => Ok(()),
    }
}

/// Starts the link for `settings` (after stopping the one running, if any): uploads, heartbeat, catalog sync.
/// Technician mode calls it again when the back-office settings change.
pub fn connect(
    weak: slint::Weak<AppWindow>,
    state: &mut UiState,
    settings: &BackOffice,
    kiosk_id: &str,
    cache: CatalogCache,
) -> Result<(), crate::backoffice::LinkError> {
    let source = state.devices.service.as_ref().map(|s| s.health_source());
    let health: HealthSource =
        Arc::new(move || source.as_ref().map(|s| s.get()).unwrap_or_default());
    let Some(intake) = state.intake.as_mut() else {
        return Ok(());
    };
    // The old link stops first (its runtime ends), so two never upload the same package at once.
    intake.uplink = None;
    intake.catalogs = None;
    let (sender, receiver) = channel();
    let on_catalog = Arc::new(move |catalog: Catalog| {
        if sender.send(catalog).is_ok() {
            let _ = weak
                .upgrade_in_event_loop(|w| w.global::<ShellAdapter>().invoke_services_changed());
        }
    });
    let policy = intake.policy.clone();
    let refusal: IntakeSource = Arc::new(move |outbox| intake_policy::refusal(&policy, outbox));
    intake.uplink = Some(UplinkService::start(
        intake.outbox.clone(),
        settings,
        kiosk_id,
        cache,
        health,
        refusal,
        on_catalog,
    )?);
    intake.catalogs = Some(receiver);
    Ok(())
}

/// Takes in what the link sent, and puts a newer catalog to use once no visitor is in the middle of a session.
pub fn drain(state: &mut UiState) {
    let Some(intake) = state.intake.as_mut() else {
        return;
    };
    if let Some(receiver) = &intake.catalogs {
        if let Some(latest) = receiver.try_iter().last() {
            intake.pending_catalog = Some(Arc::new(latest));
        }
    }
    between_visitors(state);
}

/// Swaps in a pending catalog when the kiosk is at Home with nothing personal in the session.
pub fn between_visitors(state: &mut UiState) {
    if state.session.step() != Step::Home || state.session.holds_personal_data() {
        return;
    }
    let Some(catalog) = state.intake.as_mut().and_then(|i| i.pending_catalog.take()) else {
        return;
    };
    state.index = SearchIndex::new(&catalog);
    state.session = Session::new(catalog, state.idle, Instant::now());
}
