//! How many look-ups that found nothing the kiosk allows: after [`MAX_FAILURES`] within [`WINDOW`] the screen asks
//! to wait until the oldest of them is a minute old. The back office counts too (and answers 429); counting here
//! as well means a stranger trying codes meets the wait even if the server forgot to, and does not get it
//! back by pressing 首页: the count lives beside the visits, not in one.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct LookupLimiter {
    failures: VecDeque<Instant>,
    /// A wait the server asked for (429 with `Retry-After`), until then.
    server_wait_until: Option<Instant>,
}

impl LookupLimiter {
    /// How long until the next look-up is allowed (zero: now).
    pub fn wait(&mut self, now: Instant) -> Duration {
        while self
            .failures
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.failures.pop_front();
        }
        let ours = if self.failures.len() >= MAX_FAILURES {
            self.failures
                .front()
                .map(|t| (*t + WINDOW).saturating_duration_since(now))
                .unwrap_or_default()
        } else {
            Duration::ZERO
        };
        let server = self
            .server_wait_until
            .map(|t| t.saturating_duration_since(now))
            .unwrap_or_default();
        ours.max(server)
    }

    /// A look-up by number and code is sent: it counts as failed until its answer says otherwise, so a visitor who
    /// leaves before the answer comes (or never lets it come) still spends a try.
    pub fn attempt(&mut self, now: Instant) {
        self.failures.push_back(now);
        while self.failures.len() > MAX_FAILURES {
            self.failures.pop_front();
        }
    }

    /// The look-up sent last found the application (or failed for a reason that is nobody's guess: the
    /// network): its try is given back.
    pub fn refund(&mut self) {
        self.failures.pop_back();
    }

    /// The server said to wait (429); never longer than a minute, whatever it asked.
    pub fn server_asked(&mut self, wait: Option<Duration>, now: Instant) {
        let wait = wait.unwrap_or(WINDOW).min(WINDOW);
        self.server_wait_until = Some(now + wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_in_a_minute_bring_the_wait() {
        let t0 = Instant::now();
        let mut limiter = LookupLimiter::default();
        for i in 0..4 {
            limiter.attempt(t0 + Duration::from_secs(i * 5));
            assert_eq!(
                limiter.wait(t0 + Duration::from_secs(i * 5)),
                Duration::ZERO
            );
        }
        // A look-up that found the application gives its try back.
        limiter.attempt(t0 + Duration::from_secs(19));
        limiter.refund();
        assert_eq!(limiter.wait(t0 + Duration::from_secs(19)), Duration::ZERO);
        limiter.attempt(t0 + Duration::from_secs(20));
        assert_eq!(
            limiter.wait(t0 + Duration::from_secs(20)),
            Duration::from_secs(40),
            "until the first failure is a minute old"
        );
        assert_eq!(limiter.wait(t0 + Duration::from_secs(60)), Duration::ZERO);
        // One more failure brings the wait back until the second oldest is a minute old.
        limiter.attempt(t0 + Duration::from_secs(61));
        assert_eq!(
            limiter.wait(t0 + Duration::from_secs(61)),
            Duration::from_secs(4)
        );
    }

    #[test]
    fn a_server_wait_is_honoured_up_to_a_minute() {
        let t0 = Instant::now();
        let mut limiter = LookupLimiter::default();
        limiter.server_asked(Some(Duration::from_secs(30)), t0);
        assert_eq!(limiter.wait(t0), Duration::from_secs(30));
        limiter.server_asked(Some(Duration::from_secs(86_400 * 365)), t0);
        assert_eq!(limiter.wait(t0), WINDOW);
        assert_eq!(limiter.wait(t0 + WINDOW), Duration::ZERO);
    }
}
