//! The link service: on a runtime thread of its own, the upload worker, the heartbeat and the catalog sync.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{watch, Notify};

use super::catalog_sync::{self, CatalogCache, Synced};
use super::heartbeat;
use super::problem::UplinkProblem;
use super::worker::{lock, SharedOutbox, UplinkStatus, Uploader};
use crate::backoffice::{Link, LinkError};
use crate::catalog::Catalog;
use crate::config::BackOffice;
use crate::services::devices::{DeviceKind, Health};

/// Where the heartbeat reads the devices' health (the device service, or nothing when it does not run).
pub type HealthSource = Arc<dyn Fn() -> BTreeMap<DeviceKind, Health> + Send + Sync>;

/// Why the kiosk takes no application now, if it does not (for the heartbeat).
pub type IntakeSource = Arc<dyn Fn(&crate::outbox::Outbox) -> Option<String> + Send + Sync>;

/// Told when a newer catalog was installed.
pub type CatalogSink = Arc<dyn Fn(Catalog) + Send + Sync>;

pub struct UplinkService {
    runtime: tokio::runtime::Runtime,
    catalog_now: Arc<Notify>,
    link: Link,
    wake: Arc<Notify>,
    status: watch::Receiver<UplinkStatus>,
}

impl UplinkService {
    pub fn start(
        outbox: SharedOutbox,
        settings: &BackOffice,
        kiosk_id: &str,
        cache: CatalogCache,
        health: HealthSource,
        intake: IntakeSource,
        on_catalog: CatalogSink,
    ) -> Result<UplinkService, LinkError> {
        let link = Link::new(&settings.link_settings(kiosk_id))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kiosk-uplink")
            .enable_all()
            .build()
            .map_err(|e| LinkError::Setup(format!("cannot start the uplink runtime: {e}")))?;
        let wake = Arc::new(Notify::new());
        let uploader = Uploader::new(outbox.clone(), link.clone(), settings.retry_policy());
        let status = uploader.status();
        let report = uploader.status_sender();
        runtime.spawn(uploader.run(wake.clone()));

        let every = settings.heartbeat;
        let beat_link = link.clone();
        let beat_outbox = outbox.clone();
        let beat_report = report.clone();
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let body = {
                    let outbox = lock(&beat_outbox);
                    heartbeat::body(&health(), &outbox, intake(&outbox))
                };
                // A missed heartbeat is only a gap in the back office's graph; the next one follows.
                let problem = match body {
                    Ok(body) => beat_link
                        .heartbeat(&body)
                        .await
                        .err()
                        .map(|e| UplinkProblem::from(&e)),
                    Err(e) => Some(UplinkProblem::from(&e)),
                };
                // Logged when it changes, not every minute while the network is down.
                beat_report.send_if_modified(|s| {
                    if s.heartbeat_problem == problem {
                        return false;
                    }
                    match &problem {
                        Some(p) => tracing::warn!(problem = %p.detail, "heartbeat failing"),
                        None => tracing::info!("heartbeat delivered"),
                    }
                    s.heartbeat_problem = problem;
                    true
                });
            }
        });

        let every = settings.catalog_sync;
        let lookup_link = link.clone();
        let catalog_now = Arc::new(Notify::new());
        let asked = catalog_now.clone();
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                // On schedule, or at once when a technician asks.
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = asked.notified() => {}
                }
                match catalog_sync::sync(&link, &cache).await {
                    Ok(synced) => {
                        report.send_modify(|s| {
                            s.catalog_problem = None;
                            s.catalog_version = cache.etag();
                        });
                        if let Synced::Installed(catalog) = synced {
                            tracing::info!(version = ?cache.etag(), "catalog installed");
                            on_catalog(catalog);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "catalog sync failed, the last good catalog stays");
                        report.send_modify(|s| s.catalog_problem = Some(UplinkProblem::from(&e)))
                    }
                }
            }
        });
        Ok(UplinkService {
            runtime,
            catalog_now,
            link: lookup_link,
            wake,
            status,
        })
    }

    /// A package was queued: send it now rather than at the next poll.
    pub fn queued(&self) {
        self.wake.notify_one();
    }

    /// Fetches the catalog now rather than at the next scheduled time.
    pub fn sync_catalog_now(&self) {
        self.catalog_now.notify_one();
    }

    /// The link, for status look-ups run on [`UplinkService::handle`].
    pub fn link(&self) -> Link {
        self.link.clone()
    }

    pub fn handle(&self) -> tokio::runtime::Handle {
        self.runtime.handle().clone()
    }

    pub fn status(&self) -> UplinkStatus {
        self.status.borrow().clone()
    }
}
