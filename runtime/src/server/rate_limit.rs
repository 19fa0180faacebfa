//! Rate limiting: the hook ([`RateLimiter`]), an in-memory fixed-window implementation
//! ([`FixedWindow`]) and the operation-specific limits of the spec ([`RateRule`], e.g. OTP
//! resends keyed by tenant and phone).
//!
//! Hand-written rather than `governor`: the limit differs per token (it comes from the
//! principal) and the response must state the remaining count, which a fixed window gives
//! exactly and governor's keyed GCRA limiter (one quota for all keys) does not.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// The outcome of one hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Hits left in the current window.
    pub remaining: u32,
    /// Seconds until the window resets (at least 1).
    pub retry_after: u64,
}

/// Counts hits per key. A denied hit is not counted.
pub trait RateLimiter: Send + Sync + 'static {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision;

    /// The decision a hit would get now, without counting one.
    fn peek(&self, key: &str, limit: u32, window: Duration) -> Decision;
}

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

    /// [`RateLimiter::hit`] at a given instant (for tests).
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

    /// [`RateLimiter::peek`] at a given instant (for tests).
    pub fn peek_at(&self, key: &str, limit: u32, length: Duration, now: Instant) -> Decision {
        let windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fresh = Window { started: now, length, count: 0 };
        let window = windows.get(key).filter(|w| !w.ended(now)).unwrap_or(&fresh);
        window.decision(limit, now)
    }
}

impl Window {
    fn ended(&self, now: Instant) -> bool {
        now.duration_since(self.started) >= self.length
    }

    /// What is left of the window at `now`; `allowed`: whether it has room for one more hit.
    fn decision(&self, limit: u32, now: Instant) -> Decision {
        let left = self.length.saturating_sub(now.duration_since(self.started));
        let retry_after = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let remaining = limit.saturating_sub(self.count);
        Decision { allowed: remaining > 0, limit, remaining, retry_after: retry_after.max(1) }
    }
}

impl RateLimiter for FixedWindow {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        self.hit_at(key, limit, window, Instant::now())
    }

    fn peek(&self, key: &str, limit: u32, window: Duration) -> Decision {
        self.peek_at(key, limit, window, Instant::now())
    }
}

/// An operation-specific limit of the spec: `limit` hits per `per_seconds` for the key
/// rendered from `key`, whose `{tenant_id}` is the principal's tenant and every other
/// `{field}` a field of the validated body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateRule {
    pub key: &'static str,
    pub limit: u32,
    pub per_seconds: u64,
}

impl RateRule {
    pub const fn new(key: &'static str, limit: u32, per_seconds: u64) -> Self {
        RateRule { key, limit, per_seconds }
    }

    /// The key for one request; `None` when a placeholder has no value (the rule does not apply).
    pub fn render(&self, tenant_id: i64, body: &Map<String, Value>) -> Option<String> {
        let mut out = String::new();
        let mut rest = self.key;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = start + rest[start..].find('}')?;
            let name = &rest[start + 1..end];
            match (name, body.get(name)) {
                ("tenant_id", _) => out.push_str(&tenant_id.to_string()),
                (_, Some(Value::String(s))) => out.push_str(s),
                (_, Some(Value::Number(n))) => out.push_str(&n.to_string()),
                (_, Some(Value::Bool(b))) => out.push_str(&b.to_string()),
                _ => return None,
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Some(out)
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
    fn rule_keys_render_from_tenant_and_body() {
        let rule = RateRule::new("otp-resend:{tenant_id}:{phone}", 3, 300);
        let body = serde_json::json!({"phone": "+911", "n": 2});
        let body = body.as_object().unwrap();
        assert_eq!(rule.render(7, body).as_deref(), Some("otp-resend:7:+911"));
        assert_eq!(RateRule::new("x:{n}", 1, 1).render(7, body).as_deref(), Some("x:2"));
        assert_eq!(RateRule::new("x:{missing}", 1, 1).render(7, body), None);
    }
}
