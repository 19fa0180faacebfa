//! When a failed attempt is tried again and after how long: the [`RetryPolicy`], its jittered
//! exponential backoff, and the server's `Retry-After` (header or envelope detail).

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::transport::{Attempt, Transport};

/// How failed calls are retried: jittered exponential backoff ("full jitter") with a cap.
///
/// Retried, for every method: connection failures (the request never reached the server),
/// 429 and 503 (the server did not process it), honouring `Retry-After` (seconds or an HTTP
/// date) and the API's `retry_after` detail. What may have reached the server (a timeout or a
/// connection dropped after sending, another 5xx) is retried only when repeating it cannot
/// duplicate its effect: GET, PUT and DELETE, or a call the caller declared idempotent
/// ([`CallOptions::idempotent`](super::CallOptions::idempotent)); a message delivery only with
/// `retry_message_sends`. Never any other 4xx. A wait longer than `max_retry_after` is not
/// slept: the error is returned instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles each time.
    pub initial_backoff: Duration,
    /// Cap of the backoff.
    pub max_backoff: Duration,
    /// The longest wait before a retry (`Retry-After` or backoff); a longer one is not slept,
    /// the error is returned instead (default 10 s).
    pub max_retry_after: Duration,
    /// Re-send message deliveries after a timeout or a dropped connection (may deliver twice).
    pub retry_message_sends: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(10),
            retry_message_sends: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retry` (1-based), jittered uniformly in `[0, cap)`.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        exp.min(self.max_backoff).mul_f64(fastrand::f64())
    }
}

/// `Retry-After`: delta-seconds, or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), as the time
/// left from `now` (zero for a date in the past).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why an attempt is tried again, as the `warn` event before the wait says it.
pub(super) fn reason(outcome: &Attempt) -> &'static str {
    match outcome {
        Attempt::Answer { head, .. } if head.status == 429 => "rate limited (429)",
        Attempt::Answer { head, .. } if head.status == 503 => "unavailable (503)",
        Attempt::Answer { .. } => "server error (5xx)",
        Attempt::Failed(e) if e.is_connect() => "connection failed",
        Attempt::Failed(e) if e.is_timeout() => "timeout",
        Attempt::Failed(_) => "connection dropped",
    }
}

impl Transport {
    /// How long to wait before the next attempt, or `None` when the outcome is final: a 429,
    /// a 503, a connection failure, or what may have reached the server when repeating it is
    /// safe (`repeatable`: see [`RetryPolicy`]). `Retry-After` before the backoff. The wait may
    /// be longer than the policy's cap: the caller decides.
    pub(super) fn retry_delay(&self, outcome: &Attempt, policy: &RetryPolicy, attempt: u32, repeatable: bool) -> Option<Duration> {
        match outcome {
            Attempt::Answer { head, bytes } => {
                let status = head.status;
                let retryable = status == 429 || status == 503 || (status >= 500 && repeatable);
                if !retryable {
                    return None;
                }
                Some(self.retry_after(head.retry_after, bytes).unwrap_or_else(|| policy.backoff(attempt)))
            }
            Attempt::Failed(e) => {
                let reached_server = !e.is_connect();
                let may_repeat = !reached_server || repeatable;
                may_repeat.then(|| policy.backoff(attempt))
            }
        }
    }

    /// `Retry-After` (seconds or an HTTP date), else the envelope's `details.retry_after`.
    pub(super) fn retry_after(&self, header: Option<Duration>, bytes: &[u8]) -> Option<Duration> {
        if header.is_some() {
            return header;
        }
        let keys = self.keys();
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let secs = body
            .get(keys.error)?
            .get(keys.details)?
            .get("retry_after")?
            .as_u64()?;
        Some(Duration::from_secs(secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        assert_eq!(parse_retry_after("12", now), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_is_jittered_under_the_cap() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        for retry in 1..10 {
            let d = p.backoff(retry);
            assert!(d <= Duration::from_millis(300), "{d:?}");
            assert!(d <= Duration::from_millis(100) * (1 << (retry - 1)));
        }
        let draws: std::collections::BTreeSet<u128> =
            (0..50).map(|_| p.backoff(3).as_micros()).collect();
        assert!(draws.len() > 10, "jitter varies the delay");
    }
}
