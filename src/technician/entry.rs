//! The hidden entry: five taps on the top-right corner within three seconds. Nothing on screen says it is there;
//! a visitor who taps there by chance reaches only a PIN pad that locks after three wrong tries.

use std::time::{Duration, Instant};

pub const TAPS: usize = 5;
pub const WITHIN: Duration = Duration::from_secs(3);

#[derive(Default)]
pub struct TapCounter {
    taps: Vec<Instant>,
}

impl TapCounter {
    /// One tap; true when it completes the pattern (the count then starts again).
    pub fn tap(&mut self, now: Instant) -> bool {
        self.taps.retain(|t| now.duration_since(*t) <= WITHIN);
        self.taps.push(now);
        if self.taps.len() >= TAPS {
            self.taps.clear();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_quick_taps_open_slow_ones_do_not() {
        let t0 = Instant::now();
        let mut counter = TapCounter::default();
        for i in 0..4 {
            assert!(!counter.tap(t0 + Duration::from_millis(300 * i)));
        }
        assert!(counter.tap(t0 + Duration::from_millis(1200)));
        // Taps spread over more than three seconds never add up.
        let mut slow = TapCounter::default();
        for i in 0..10 {
            assert!(!slow.tap(t0 + Duration::from_millis(900 * i)));
        }
    }
}
