//! [`FixedWindow`]: the default [`RateLimiter`], fixed windows in this process's memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Decision, Pending, RateLimiter, Unavailable};

/// Fixed windows in memory, starting at a key's first hit.
#[derive(Debug, Default)]
pub struct FixedWindow {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Clone, Copy, Debug)]
struct Window {
    started: Instant,
    length: Duration,
    count: u32,
}

/// Past this many keys, expired windows are dropped on the next hit.
const PRUNE_AT: usize = 10_000;

impl FixedWindow {
    pub fn new() -> Self {
        Self::default()
    }

    /// [`RateLimiter::hit`] at a given instant (a test's or a virtual clock's).
    pub fn hit_at(&self, key: &str, limit: u32, length: Duration, now: Instant) -> Decision {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| now.duration_since(w.started) < w.length);
        }
        let fresh = Window { started: now, length, count: 0 };
        // Look up before inserting: the key is copied only on a key's first hit.
        let window = match windows.get_mut(key) {
            Some(window) => window,
            None => windows.entry(key.to_owned()).or_insert(fresh),
        };
        if window.ended(now) {
            *window = fresh;
        }
        let allowed = window.count < limit;
        if allowed {
            window.count += 1;
        }
        Decision { allowed, ..window.decision(limit, now) }
    }

    /// [`RateLimiter::peek`] at a given instant (a test's or a virtual clock's).
    pub fn peek_at(&self, key: &str, limit: u32, length: Duration, now: Instant) -> Decision {
        let windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fresh = Window { started: now, length, count: 0 };
        let window = windows.get(key).filter(|w| !w.ended(now)).unwrap_or(&fresh);
        window.decision(limit, now)
    }

    /// [`RateLimiter::clear`]: drops the window of `key`.
    pub fn clear_key(&self, key: &str) {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }

    /// Drops every window (a clock moved back: a window started later would not end in time).
    pub fn clear_all(&self) {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }
}

impl Window {
    fn ended(&self, now: Instant) -> bool {
        now.duration_since(self.started) >= self.length
    }

    /// What is left of the window at `now`.
    fn decision(&self, limit: u32, now: Instant) -> Decision {
        Decision::of_window(limit, self.count, self.length.saturating_sub(now.duration_since(self.started)))
    }
}

impl RateLimiter for FixedWindow {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        Pending::ready(Ok(self.hit_at(key, limit, window, Instant::now())))
    }

    fn peek(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        Pending::ready(Ok(self.peek_at(key, limit, window, Instant::now())))
    }

    fn clear(&self, key: &str) -> Pending<'_, Result<(), Unavailable>> {
        self.clear_key(key);
        Pending::ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window_counts_and_resets() {
        let limiter = FixedWindow::new();
        let t0 = Instant::now();
        let minute = Duration::from_secs(60);
        let first = limiter.hit_at("a", 2, minute, t0);
        assert_eq!((first.allowed, first.remaining, first.retry_after), (true, 1, 60));
        assert!(limiter.hit_at("a", 2, minute, t0 + Duration::from_secs(1)).allowed);
        let denied = limiter.hit_at("a", 2, minute, t0 + Duration::from_millis(30_500));
        assert_eq!((denied.allowed, denied.remaining, denied.retry_after), (false, 0, 30));
        assert!(limiter.hit_at("b", 2, minute, t0).allowed, "keys are independent");
        let peeked = limiter.peek_at("a", 2, minute, t0 + Duration::from_secs(31));
        assert_eq!((peeked.allowed, peeked.remaining, peeked.retry_after), (false, 0, 29), "a peek counts nothing");
        assert_eq!(limiter.peek_at("new", 2, minute, t0), Decision { allowed: true, limit: 2, remaining: 2, retry_after: 60 });
        let later = limiter.hit_at("a", 2, minute, t0 + minute);
        assert_eq!((later.allowed, later.remaining), (true, 1));
    }

    #[test]
    fn a_cleared_key_starts_a_new_window() {
        let limiter = FixedWindow::new();
        let (t0, minute) = (Instant::now(), Duration::from_secs(60));
        assert!(limiter.hit_at("a", 1, minute, t0).allowed);
        assert!(!limiter.hit_at("a", 1, minute, t0).allowed);
        limiter.clear_key("a");
        assert!(limiter.hit_at("a", 1, minute, t0).allowed);
        assert!(limiter.hit_at("b", 1, minute, t0).allowed);
        limiter.clear_all();
        assert!(limiter.hit_at("a", 1, minute, t0).allowed && limiter.hit_at("b", 1, minute, t0).allowed, "every window starts afresh");
    }
}
