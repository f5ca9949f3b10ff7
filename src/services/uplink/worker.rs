//! The upload worker: sends every due package, records each outcome in the outbox, and sleeps until the next one
//! falls due or something new is queued. It keeps no state of its own, so a restart resumes where it stopped.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{watch, Notify};

use super::problem::UplinkProblem;
use super::retry::RetryPolicy;
use super::upload::deliver;
use crate::backoffice::{Link, LinkError};
use crate::outbox::{Entry, Outbox, OutboxError};

/// How the link to the back office stands, for technicians and the heartbeat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UplinkStatus {
    /// Set when the back office answered 401: packages are kept and not retried until a technician says so.
    pub refused: Option<String>,
    /// The last failure, if the last attempt failed.
    pub last_error: Option<UplinkProblem>,
    /// Packages delivered since start.
    pub delivered: u64,
    /// The installed catalog's tag, once a sync has run.
    pub catalog_version: Option<String>,
    /// Why the last catalog sync installed nothing (a catalog failing the check, no link), if it failed.
    pub catalog_problem: Option<UplinkProblem>,
    /// Why the last heartbeat failed, if it did.
    pub heartbeat_problem: Option<UplinkProblem>,
}

/// What one pass over the due packages did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// Due packages handled per query, so that ten thousand waiting packages never sit in memory at once.
pub(super) const BATCH: usize = 20;
/// The longest sleep: a technician's `kiosk outbox retry` from another process is noticed within this.
const POLL: Duration = Duration::from_secs(5);

pub type SharedOutbox = Arc<Mutex<Outbox>>;

/// An I/O error that says the process is short of something (descriptors, memory), not that a file is bad.
fn is_resource_shortage(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOMEM | libc::EAGAIN | libc::EINTR)
    )
}

pub fn lock(outbox: &SharedOutbox) -> std::sync::MutexGuard<'_, Outbox> {
    // A panic elsewhere while holding the lock leaves SQLite consistent (every change is one statement or one
    // transaction), so the outbox stays usable.
    outbox.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Uploader {
    pub(super) outbox: SharedOutbox,
    pub(super) link: Link,
    pub(super) policy: RetryPolicy,
    pub(super) status: Arc<watch::Sender<UplinkStatus>>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Uploader {
    pub fn new(outbox: SharedOutbox, link: Link, policy: RetryPolicy) -> Uploader {
        Uploader {
            outbox,
            link,
            policy,
            status: Arc::new(watch::Sender::new(UplinkStatus::default())),
        }
    }

    pub fn status(&self) -> watch::Receiver<UplinkStatus> {
        self.status.subscribe()
    }

    /// Where the heartbeat and the catalog sync report beside the uploads.
    pub fn status_sender(&self) -> Arc<watch::Sender<UplinkStatus>> {
        Arc::clone(&self.status)
    }

    /// Sends every package due now, each once, then every evaluation due now.
    pub async fn send_due(&self) -> Result<Round, OutboxError> {
        let mut round = Round::default();
        let started = now();
        loop {
            let due = lock(&self.outbox).due(started, BATCH)?;
            if due.is_empty() {
                let evaluations = self.send_due_evaluations(started).await?;
                round.delivered += evaluations.delivered;
                round.failed += evaluations.failed;
                return Ok(round);
            }
            for entry in due {
                if self.send_one(&entry).await? {
                    round.delivered += 1;
                } else {
                    round.failed += 1;
                }
            }
        }
    }

    /// One attempt at one package. A failure is recorded with the time of the next try, so the package is not due
    /// again in this round.
    async fn send_one(&self, entry: &Entry) -> Result<bool, OutboxError> {
        let loaded = lock(&self.outbox).load(&entry.package_id);
        let package = match loaded {
            Ok(package) => package,
            // Not this package's fault: every package waits for the key, the database or the process's resources
            // (too many open files, no memory) to come back.
            Err(e @ (OutboxError::KeyLost(_) | OutboxError::Db(_))) => return Err(e),
            Err(OutboxError::Io(e)) if is_resource_shortage(&e) => return Err(OutboxError::Io(e)),
            Err(e) => {
                // Its files cannot be read here (damaged, missing, an I/O error): waiting will not heal it, and
                // it must not hold back the packages behind it. Kept, with the reason, for technicians (the state
                // says damaged; the reason is the technical detail).
                tracing::error!(receipt_no = %entry.receipt_no, error = %e, "stored package damaged");
                lock(&self.outbox).mark_damaged(&entry.package_id, &e.to_string())?;
                return Ok(false);
            }
        };
        let manifest_json = zeroize::Zeroizing::new(
            serde_json::to_vec(&package.manifest)
                .map_err(|e| OutboxError::Format(e.to_string()))?,
        );
        let result = deliver(&self.link, &package, &manifest_json, entry.attempts == 0).await;
        drop(package);
        match result {
            Ok(received) => {
                lock(&self.outbox).mark_delivered(&entry.package_id, &received.received_at)?;
                tracing::info!(
                    receipt_no = %entry.receipt_no,
                    attempts = entry.attempts + 1,
                    "package delivered"
                );
                self.status.send_modify(|s| {
                    s.delivered += 1;
                    s.last_error = None;
                    s.refused = None;
                });
                Ok(true)
            }
            Err(error) => {
                self.record(entry, &error)?;
                Ok(false)
            }
        }
    }

    /// When to try again after `error` on the `attempts`-th attempt in a row (1 for the first): `None` when it
    /// will never succeed as it is.
    pub(super) fn next_try(&self, attempts: u32, error: &LinkError) -> Option<i64> {
        let retry_after = match error {
            LinkError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        };
        error.is_transient().then(|| {
            let delay = self.policy.delay(attempts, retry_after);
            now() + delay.as_secs_f64().ceil() as i64
        })
    }

    /// Tells technicians and the heartbeat what went wrong on the link.
    pub(super) fn report(&self, error: &LinkError) {
        self.status.send_modify(|s| {
            s.last_error = Some(UplinkProblem::from(error));
            if let LinkError::Refused { code } = error {
                s.refused = Some(code.clone());
            }
        });
    }

    fn record(&self, entry: &Entry, error: &LinkError) -> Result<(), OutboxError> {
        let next = self.next_try(entry.attempts + 1, error);
        let transient = next.is_some();
        if transient {
            tracing::warn!(receipt_no = %entry.receipt_no, error = %error, "delivery failed, will retry");
        } else {
            tracing::error!(receipt_no = %entry.receipt_no, error = %error, "delivery refused, kept for a technician");
        }
        lock(&self.outbox).record_failure(
            &entry.package_id,
            &error.to_string(),
            next.unwrap_or(0),
            !transient,
        )?;
        self.report(error);
        Ok(())
    }

    /// How long to sleep before the next package falls due (at most [`POLL`]).
    fn idle_time(&self) -> Result<Duration, OutboxError> {
        let next = lock(&self.outbox).next_due()?;
        Ok(match next {
            Some(at) => Duration::from_secs((at - now()).clamp(0, POLL.as_secs() as i64) as u64),
            None => POLL,
        })
    }

    /// Runs for ever: send what is due, delete what the grace period let go, sleep until more is due or `wake` is
    /// notified (a new package was queued).
    pub async fn run(self, wake: Arc<Notify>) {
        loop {
            let pause = match self.send_due().await {
                Ok(_) => {
                    let _ = lock(&self.outbox).purge(now());
                    self.idle_time().unwrap_or(POLL)
                }
                Err(e) => {
                    self.status
                        .send_modify(|s| s.last_error = Some(UplinkProblem::from(&e)));
                    POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = wake.notified() => {}
            }
        }
    }

    /// Sends until nothing queued is left or `deadline` passes, waiting out retry delays (for
    /// `kiosk outbox send`). Returns what is still queued.
    pub async fn drain(&self, deadline: tokio::time::Instant) -> Result<u64, OutboxError> {
        loop {
            self.send_due().await?;
            let queued = lock(&self.outbox).queued()?;
            if queued == 0 || tokio::time::Instant::now() >= deadline {
                return Ok(queued);
            }
            let pause = self.idle_time()?.max(Duration::from_millis(200));
            tokio::time::sleep_until((tokio::time::Instant::now() + pause).min(deadline)).await;
        }
    }
}
