//! Taking applications in: the outbox they go to, the link that sends them, and newer catalogs from the back
//! office, which replace the current one between visitors only.

use std::sync::Arc;
use std::time::Instant;

use super::{words, App};
use crate::catalog::{Catalog, SearchIndex};
use crate::config::BackOffice;
use crate::services::uplink::intake_policy::{self, IntakePolicy, Refusal, SharedPolicy};
use crate::services::uplink::service::{HealthSource, IntakeSource};
use crate::services::uplink::worker::lock;
use crate::services::uplink::{CatalogCache, SharedOutbox, UplinkService};
use crate::session::{Session, Step};

pub struct Intake {
    pub outbox: SharedOutbox,
    pub uplink: Option<UplinkService>,
    /// What besides the outbox decides whether applications are taken (shared with the link's heartbeat).
    pub policy: SharedPolicy,
    pending_catalog: Option<Arc<Catalog>>,
}

impl Intake {
    /// Why no new application can be taken now (simulated devices or the placeholder id with a real back office,
    /// the device key lost, the disk full), if so.
    pub fn refused(&self) -> Option<Refusal> {
        intake_policy::refusal(&self.policy, &lock(&self.outbox))
    }

    /// [`Intake::refused`] in technicians' words, with the technical detail.
    pub fn refusal(&self) -> Option<String> {
        self.refused().map(|why| words::refusal_detailed(&why))
    }

    /// [`Intake::refused`] as work for another thread (it writes a probe file and asks for the disk's space).
    pub fn refusal_check(&self) -> impl FnOnce() -> Option<Refusal> + Send + 'static {
        let (policy, outbox) = (self.policy.clone(), self.outbox.clone());
        move || intake_policy::refusal(&policy, &lock(&outbox))
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
    }
}

impl App {
    /// Connects the outbox applications go to and, when a back office is configured, starts the link that
    /// delivers them, reports heartbeats and fetches newer catalogs. Attach the devices first, so the heartbeat
    /// can report them.
    pub fn attach_intake(
        &mut self,
        outbox: SharedOutbox,
        link: Option<(&BackOffice, &str, CatalogCache)>,
    ) -> Result<(), crate::backoffice::LinkError> {
        let url = link.as_ref().map(|(settings, _, _)| settings.url.as_str());
        let policy = match &self.technician_settings.devices {
            Some(devices) => IntakePolicy::new(&self.kiosk_id, url, devices),
            // The UI alone, without devices: nothing is simulated that could be taken for real.
            None => IntakePolicy {
                kiosk_id: self.kiosk_id.clone(),
                real_back_office: url
                    .is_some_and(|u| !crate::backoffice::client::is_loopback_url(u)),
                simulated: Vec::new(),
            },
        };
        self.intake = Some(Intake {
            outbox,
            uplink: None,
            policy: Arc::new(std::sync::Mutex::new(policy)),
            pending_catalog: None,
        });
        match link {
            Some((settings, kiosk_id, cache)) => self.connect_link(settings, kiosk_id, cache),
            None => Ok(()),
        }
    }

    /// Starts the link for `settings` (after stopping the one running, if any): uploads, heartbeat, catalog sync.
    /// Technician mode calls it again when the back-office settings change.
    pub fn connect_link(
        &mut self,
        settings: &BackOffice,
        kiosk_id: &str,
        cache: CatalogCache,
    ) -> Result<(), crate::backoffice::LinkError> {
        let source = self.devices.service.as_ref().map(|s| s.health_source());
        let health: HealthSource =
            Arc::new(move || source.as_ref().map(|s| s.get()).unwrap_or_default());
        let poster = self.tasks.poster();
        let Some(intake) = self.intake.as_mut() else {
            return Ok(());
        };
        // The old link stops first (its runtime ends), so two never upload the same package at once.
        intake.uplink = None;
        let on_catalog = Arc::new(move |catalog: Catalog| {
            poster.post(move |app| {
                if let Some(intake) = app.intake.as_mut() {
                    intake.pending_catalog = Some(Arc::new(catalog));
                }
            })
        });
        let policy = intake.policy.clone();
        // The heartbeat says it in technical English.
        let refusal: IntakeSource = Arc::new(move |outbox| {
            intake_policy::refusal(&policy, outbox).map(|why| why.to_string())
        });
        intake.uplink = Some(UplinkService::start(
            intake.outbox.clone(),
            settings,
            kiosk_id,
            cache,
            health,
            refusal,
            on_catalog,
        )?);
        Ok(())
    }
}

/// Swaps in a pending catalog when the kiosk is at Home with nothing personal in the session.
pub(super) fn between_visitors(app: &mut App) {
    if app.session.step() != Step::Home || app.session.holds_personal_data() {
        return;
    }
    let Some(catalog) = app.intake.as_mut().and_then(|i| i.pending_catalog.take()) else {
        return;
    };
    app.index = SearchIndex::new(&catalog);
    app.session =
        Session::new(catalog, app.idle, Instant::now()).with_face_check(app.session.face_check());
}
