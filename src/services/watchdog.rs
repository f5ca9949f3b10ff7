//! systemd's watchdog and readiness (`Type=notify`, `WatchdogSec=`): the kiosk says READY=1 once its UI loop
//! runs, then WATCHDOG=1 at half the interval systemd set. The pings are sent from the UI loop itself (a Slint
//! timer, see `ui::Kiosk::start_watchdog`), so a UI thread that hangs stops them and systemd restarts the kiosk;
//! a background thread that kept pinging would hide exactly the failure that matters.

use std::time::Duration;

use sd_notify::NotifyState;

/// The watchdog systemd asked for, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watchdog {
    /// How often to ping: half of `WatchdogSec`, as systemd recommends.
    pub every: Duration,
}

impl Watchdog {
    /// From the environment systemd sets (`WATCHDOG_USEC`, and `WATCHDOG_PID` when it names this process).
    pub fn from_env() -> Option<Watchdog> {
        let mut usec = 0;
        if !sd_notify::watchdog_enabled(false, &mut usec) || usec == 0 {
            return None;
        }
        Some(Watchdog {
            every: Duration::from_micros(usec / 2).max(Duration::from_millis(10)),
        })
    }

    pub fn ping(&self) {
        if let Err(e) = sd_notify::notify(false, &[NotifyState::Watchdog]) {
            tracing::warn!(error = %e, "watchdog ping not sent");
        }
    }
}

/// Tells systemd the kiosk is up (its window shows and the UI loop runs). Outside systemd it does nothing.
pub fn ready() {
    if let Err(e) = sd_notify::notify(false, &[NotifyState::Ready]) {
        tracing::warn!(error = %e, "readiness not sent");
    }
}
