//! When to try a failed upload again: exponential backoff with jitter, never sooner than the server asked.

use std::time::Duration;

use rand::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure.
    pub base: Duration,
    /// The longest wait, however many failures.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(5),
            max: Duration::from_secs(30 * 60),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failure in a row (1 for the first): `base·2^(failures-1)` capped at `max`,
    /// then a random point in its upper half so that many kiosks coming back after an outage do not all retry at
    /// once; and at least `retry_after` (up to `max`) when the server gave one.
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = failures.saturating_sub(1).min(30);
        let full = self
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.max)
            .max(Duration::from_millis(1));
        let jittered = rand::rng().random_range(full / 2..=full);
        // The server's wait is a floor, but never beyond the kiosk's own longest wait: a `Retry-After` of years
        // (a broken or hostile server) must not park applications for years.
        jittered.max(retry_after.unwrap_or_default().min(self.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_exponentially_with_jitter_and_stop_at_the_cap() {
        let policy = RetryPolicy {
            base: Duration::from_secs(4),
            max: Duration::from_secs(60),
        };
        for _ in 0..200 {
            let first = policy.delay(1, None);
            assert!((Duration::from_secs(2)..=Duration::from_secs(4)).contains(&first));
            let third = policy.delay(3, None);
            assert!((Duration::from_secs(8)..=Duration::from_secs(16)).contains(&third));
            let many = policy.delay(40, None);
            assert!((Duration::from_secs(30)..=Duration::from_secs(60)).contains(&many));
        }
        let spread: std::collections::BTreeSet<_> =
            (0..50).map(|_| policy.delay(5, None)).collect();
        assert!(spread.len() > 10, "jitter spreads retries");
    }

    #[test]
    fn retry_after_is_a_floor() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
        assert!(policy.delay(1, Some(Duration::from_secs(1))) >= Duration::from_millis(2500));
    }

    #[test]
    fn retry_after_never_exceeds_the_longest_wait() {
        let policy = RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        };
        let years = Some(Duration::from_secs(10 * 365 * 86_400));
        assert_eq!(policy.delay(1, years), Duration::from_secs(60));
    }
}
