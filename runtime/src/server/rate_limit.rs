//! Rate limiting: the hook ([`RateLimiter`]) the generated router counts every request with,
//! its in-memory fixed-window implementation ([`FixedWindow`], the default), a shared one in
//! Redis ([`RedisLimiter`], feature `redis`), the store a [`Config`](super::Config) selects
//! ([`RateLimitStore`]), and the operation-specific limits of the spec ([`RateRule`], e.g. OTP
//! resends keyed by tenant and phone).
//!
//! Hand-written rather than `governor`: the limit differs per token (it comes from the
//! principal) and the response must state the remaining count, which a fixed window gives
//! exactly and governor's keyed GCRA limiter (one quota for all keys) does not.
//!
//! A decision is a [`Pending`] future: the in-memory store answers before it is polled (no
//! allocation, no await point that waits), a networked store boxes the round trip.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::{BoxFuture, Either};
use serde_json::{Map, Value};

mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;

pub use memory::FixedWindow;
#[cfg(feature = "redis")]
pub use redis::{RedisLimiter, RedisSettings};
pub use store::{OnError, RateLimitStore, StoreError, Unavailable};

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

impl Decision {
    /// A window of `limit` with `count` hits and `left` to run; `allowed`: whether it has room
    /// for one more hit.
    fn of_window(limit: u32, count: u32, left: Duration) -> Decision {
        let retry_after = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let remaining = limit.saturating_sub(count);
        Decision { allowed: remaining > 0, limit, remaining, retry_after: retry_after.max(1) }
    }
}

/// What a store answers: a decision, or why it could not make one (and whether the caller
/// should then let the request through, [`Unavailable::fails_open`]).
pub type Verdict = Result<Decision, Unavailable>;

/// Counts hits per key. A denied hit is not counted.
pub trait RateLimiter: Send + Sync + 'static {
    /// Counts a hit of `key` when its window (starting at the key's first hit, `window` long)
    /// has room for one under `limit`.
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Pending<'_>;

    /// The decision a hit would get now, without counting one.
    fn peek(&self, key: &str, limit: u32, window: Duration) -> Pending<'_>;

    /// Forgets the window of `key`: its next hit starts a new one (a limit cleared on success,
    /// like the OTP verify limit).
    fn clear(&self, key: &str) -> Pending<'_, Result<(), Unavailable>>;
}

/// The answer of a [`RateLimiter`]: ready at once (in memory) or a boxed round trip to a store.
#[must_use = "a decision is made when awaited"]
pub struct Pending<'a, T = Verdict>(Either<Ready<T>, BoxFuture<'a, T>>);

impl<'a, T> Pending<'a, T> {
    /// An answer known now.
    pub fn ready(value: T) -> Self {
        Pending(Either::Left(ready(value)))
    }

    /// An answer a future gives.
    pub fn boxed(future: impl Future<Output = T> + Send + 'a) -> Self {
        Pending(Either::Right(Box::pin(future)))
    }
}

impl<T> Future for Pending<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0).poll(cx)
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
    fn rule_keys_render_from_tenant_and_body() {
        let rule = RateRule::new("otp-resend:{tenant_id}:{phone}", 3, 300);
        let body = serde_json::json!({"phone": "+911", "n": 2});
        let body = body.as_object().unwrap();
        assert_eq!(rule.render(7, body).as_deref(), Some("otp-resend:7:+911"));
        assert_eq!(RateRule::new("x:{n}", 1, 1).render(7, body).as_deref(), Some("x:2"));
        assert_eq!(RateRule::new("x:{missing}", 1, 1).render(7, body), None);
    }
}
