//! The idle timeout: warn, give at least 20 s to continue with one touch (WCAG 2.2.1), then end the session.

use std::time::{Duration, Instant};

/// How long a session may sit untouched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdlePolicy {
    /// Untouched this long, the warning appears.
    pub warn_after: Duration,
    /// On the capture screen the applicant may be busy with papers: a longer limit.
    pub capture_warn_after: Duration,
    /// How long the warning counts down before the session ends. Never below [`IdlePolicy::MIN_WARNING`].
    pub warning: Duration,
}

impl IdlePolicy {
    /// WCAG 2.2.1 asks for at least 20 seconds to extend.
    pub const MIN_WARNING: Duration = Duration::from_secs(20);

    pub fn new(
        warn_after: Duration,
        capture_warn_after: Duration,
        warning: Duration,
    ) -> IdlePolicy {
        IdlePolicy {
            warn_after,
            capture_warn_after,
            warning: warning.max(Self::MIN_WARNING),
        }
    }
}

impl Default for IdlePolicy {
    fn default() -> Self {
        IdlePolicy::new(
            Duration::from_secs(90),
            Duration::from_secs(300),
            Duration::from_secs(30),
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleState {
    Active,
    /// Show the warning with this much time left.
    Warning {
        remaining: Duration,
    },
    /// End the session and wipe it.
    Expired,
}

/// The time of the last touch, and what it means now.
#[derive(Clone, Copy, Debug)]
pub struct IdleClock {
    last_activity: Instant,
}

impl IdleClock {
    pub fn new(now: Instant) -> IdleClock {
        IdleClock { last_activity: now }
    }

    pub fn touch(&mut self, now: Instant) {
        self.last_activity = now;
    }

    /// How long nobody has touched the screen.
    pub fn untouched_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.last_activity)
    }

    pub fn state(&self, now: Instant, policy: &IdlePolicy, capturing: bool) -> IdleState {
        let idle = now.saturating_duration_since(self.last_activity);
        let warn_after = if capturing {
            policy.capture_warn_after
        } else {
            policy.warn_after
        };
        if idle < warn_after {
            IdleState::Active
        } else if idle < warn_after + policy.warning {
            IdleState::Warning {
                remaining: warn_after + policy.warning - idle,
            }
        } else {
            IdleState::Expired
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_then_expires() {
        let start = Instant::now();
        let policy = IdlePolicy::new(
            Duration::from_secs(60),
            Duration::from_secs(300),
            Duration::from_secs(30),
        );
        let clock = IdleClock::new(start);
        let at = |s| start + Duration::from_secs(s);
        assert_eq!(clock.state(at(59), &policy, false), IdleState::Active);
        assert_eq!(
            clock.state(at(60), &policy, false),
            IdleState::Warning {
                remaining: Duration::from_secs(30)
            }
        );
        assert_eq!(
            clock.state(at(85), &policy, false),
            IdleState::Warning {
                remaining: Duration::from_secs(5)
            }
        );
        assert_eq!(clock.state(at(90), &policy, false), IdleState::Expired);
    }

    #[test]
    fn one_touch_extends() {
        let start = Instant::now();
        let policy = IdlePolicy::default();
        let mut clock = IdleClock::new(start);
        let late = start + policy.warn_after + Duration::from_secs(5);
        assert!(matches!(
            clock.state(late, &policy, false),
            IdleState::Warning { .. }
        ));
        clock.touch(late);
        assert_eq!(
            clock.state(late + Duration::from_secs(1), &policy, false),
            IdleState::Active
        );
    }

    #[test]
    fn capture_has_a_longer_limit() {
        let start = Instant::now();
        let policy = IdlePolicy::default();
        let clock = IdleClock::new(start);
        let t = start + policy.warn_after + policy.warning;
        assert_eq!(clock.state(t, &policy, false), IdleState::Expired);
        assert_eq!(clock.state(t, &policy, true), IdleState::Active);
    }

    #[test]
    fn the_warning_is_never_shorter_than_20_seconds() {
        let policy = IdlePolicy::new(
            Duration::from_secs(30),
            Duration::from_secs(60),
            Duration::from_secs(5),
        );
        assert_eq!(policy.warning, Duration::from_secs(20));
    }
}
