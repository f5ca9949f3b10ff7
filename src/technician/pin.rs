//! The technician's PIN: kept only as an Argon2id hash (PHC string) in the configuration, and guarded by a
//! lockout that grows with each wrong try and survives a restart, so pulling the plug does not buy more guesses.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Wrong tries allowed before the first wait.
pub const FREE_TRIES: u32 = 3;
/// The first wait; each further wrong try doubles it, up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
pub const MAX_WAIT: Duration = Duration::from_secs(3600);

/// A PIN is 6 to 12 digits.
pub fn valid_pin(pin: &str) -> bool {
    (6..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The PHC string of `pin` with a fresh salt.
pub fn hash(pin: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// How long to wait after `failures` wrong tries in a row.
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    (FIRST_WAIT * 2u32.pow(doublings)).min(MAX_WAIT)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    Accepted,
    /// Wrong; the next try is possible after `wait` (zero while free tries remain), with `left` free tries.
    Wrong {
        wait: Duration,
        left: u32,
    },
    /// Not checked: still locked for this long.
    Locked(Duration),
    /// Not checked: the try could not be counted (the lockout's file cannot be written), and a try that is not
    /// counted would be a free guess.
    CannotCount,
}

/// The lockout's state. While the kiosk runs, the lock's end is kept on the monotonic clock, so setting the
/// wall clock changes nothing; across a restart it is kept in a small file in the data folder as wall-clock time,
/// and what is read back is capped at the wait the failures call for, so a clock set back (a flat RTC battery)
/// never locks technicians out for longer than that.
pub struct PinGuard {
    path: PathBuf,
    failures: u32,
    /// The lock's end on the monotonic clock; `None` when not locked.
    locked_until: Option<Instant>,
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl PinGuard {
    /// The guard whose state lives in `data_dir` (a missing or damaged file counts as no failures).
    pub fn open(data_dir: &Path) -> PinGuard {
        PinGuard::open_at(data_dir, SystemTime::now(), Instant::now())
    }

    /// [`PinGuard::open`] with the clocks given: the wall clock the file's time is read against, and the
    /// monotonic one the lock runs on from then.
    pub fn open_at(data_dir: &Path, wall: SystemTime, now: Instant) -> PinGuard {
        let path = data_dir.join("technician-lockout");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().ok());
        let failures = parts.next().flatten().unwrap_or(0).min(u64::from(u32::MAX)) as u32;
        let until_unix = parts.next().flatten().unwrap_or(0);
        let left =
            Duration::from_secs(until_unix.saturating_sub(unix(wall))).min(wait_after(failures));
        PinGuard {
            path,
            failures,
            locked_until: (!left.is_zero()).then(|| now + left),
        }
    }

    /// How long until a PIN may be tried again.
    pub fn locked_for(&self, now: Instant) -> Duration {
        self.locked_until
            .map(|t| t.saturating_duration_since(now))
            .unwrap_or_default()
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Checks `pin` against `hash`, unless locked. The try is counted (and written) before the PIN is checked,
    /// so pulling the plug during the check does not make it free; the right PIN then clears the count.
    pub fn attempt(&mut self, hash: &str, pin: &str, now: Instant) -> Attempt {
        let locked = self.locked_for(now);
        if !locked.is_zero() {
            return Attempt::Locked(locked);
        }
        let failures = self.failures.saturating_add(1);
        let wait = wait_after(failures);
        if let Err(e) = self.save(failures, wait) {
            tracing::error!(error = %e, "technician lockout cannot be written: no PIN is checked");
            return Attempt::CannotCount;
        }
        self.failures = failures;
        self.locked_until = (!wait.is_zero()).then(|| now + wait);
        let ok = PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(pin.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        if ok {
            self.failures = 0;
            self.locked_until = None;
            if let Err(e) = self.save(0, Duration::ZERO) {
                // The file still counts this try as a wrong one: the next start is stricter, never looser.
                tracing::warn!(error = %e, "technician lockout not cleared on disk");
            }
            return Attempt::Accepted;
        }
        tracing::warn!(
            failures = self.failures,
            wait_s = wait.as_secs(),
            "wrong technician PIN"
        );
        Attempt::Wrong {
            wait,
            left: FREE_TRIES.saturating_sub(self.failures),
        }
    }

    fn save(&self, failures: u32, wait: Duration) -> std::io::Result<()> {
        let until = unix(SystemTime::now()) + wait.as_secs();
        let text = format!("{failures} {until}\n");
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::durable::write_atomically_with_mode(&self.path, text.as_bytes(), 0o600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_are_capped() {
        assert_eq!(wait_after(0), Duration::ZERO);
        assert_eq!(wait_after(2), Duration::ZERO);
        assert_eq!(wait_after(3), Duration::from_secs(30));
        assert_eq!(wait_after(4), Duration::from_secs(60));
        assert_eq!(wait_after(5), Duration::from_secs(120));
        assert_eq!(wait_after(40), MAX_WAIT);
    }

    #[test]
    fn wrong_tries_lock_and_the_lock_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let hash = hash("246810").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("246810"));
        let t0 = Instant::now();
        let mut guard = PinGuard::open_at(dir.path(), SystemTime::now(), t0);
        assert_eq!(
            guard.attempt(&hash, "000000", t0),
            Attempt::Wrong {
                wait: Duration::ZERO,
                left: 2
            }
        );
        assert_eq!(
            guard.attempt(&hash, "111111", t0),
            Attempt::Wrong {
                wait: Duration::ZERO,
                left: 1
            }
        );
        assert_eq!(
            guard.attempt(&hash, "222222", t0),
            Attempt::Wrong {
                wait: Duration::from_secs(30),
                left: 0
            }
        );
        // Even the right PIN is not checked while locked, and a restart does not unlock.
        let mut after_restart = PinGuard::open_at(dir.path(), SystemTime::now(), t0);
        assert_eq!(
            after_restart.attempt(&hash, "246810", t0 + Duration::from_secs(10)),
            Attempt::Locked(Duration::from_secs(20))
        );
        let t1 = t0 + Duration::from_secs(31);
        assert_eq!(
            after_restart.attempt(&hash, "333333", t1),
            Attempt::Wrong {
                wait: Duration::from_secs(60),
                left: 0
            }
        );
        let t2 = t1 + Duration::from_secs(61);
        assert_eq!(
            after_restart.attempt(&hash, "246810", t2),
            Attempt::Accepted
        );
        assert_eq!(
            PinGuard::open(dir.path()).failures(),
            0,
            "the right PIN clears the count"
        );
    }

    /// Review finding: the lock's end was kept in wall-clock time, so a terminal whose clock was set back (a flat
    /// RTC battery: 2000-01-01) stayed locked for the years in between.
    #[test]
    fn a_clock_set_back_never_locks_for_longer_than_the_wait() {
        let dir = tempfile::tempdir().unwrap();
        let hash = hash("246810").unwrap();
        let t0 = Instant::now();
        let mut guard = PinGuard::open(dir.path());
        for wrong in ["000000", "111111", "222222"] {
            guard.attempt(&hash, wrong, t0);
        }
        // The terminal restarts with its clock twenty years back.
        let years_back = SystemTime::now() - Duration::from_secs(20 * 365 * 24 * 3600);
        let after_restart = PinGuard::open_at(dir.path(), years_back, t0);
        assert!(
            after_restart.locked_for(t0) <= Duration::from_secs(30),
            "locked for {:?}",
            after_restart.locked_for(t0)
        );
        assert!(!after_restart.locked_for(t0).is_zero(), "still locked");
        assert!(after_restart
            .locked_for(t0 + Duration::from_secs(31))
            .is_zero());
    }

    /// Review finding: when the lockout's state could not be written, wrong tries were not counted and the PIN was
    /// still checked: a full disk or a read-only folder gave unlimited guesses.
    #[test]
    fn the_lockout_fails_closed_when_its_state_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, b"x").unwrap();
        let hash = hash("246810").unwrap();
        let mut guard = PinGuard::open(&not_a_folder);
        assert_eq!(
            guard.attempt(&hash, "246810", Instant::now()),
            Attempt::CannotCount,
            "no PIN is checked while tries cannot be counted"
        );
    }

    #[test]
    fn pins_and_hashes_are_checked() {
        assert!(valid_pin("246810") && valid_pin("123456789012"));
        assert!(!valid_pin("12345") && !valid_pin("12345a") && !valid_pin("1234567890123"));
        // What `kiosk technician set-pin` stores is what the configuration accepts, and nothing else is.
        assert!(crate::config::is_pin_hash(&hash("246810").unwrap()));
        assert!(!crate::config::is_pin_hash("246810") && !crate::config::is_pin_hash(""));
    }
}
