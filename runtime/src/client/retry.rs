//! When a failed attempt is tried again and after how long: the [`RetryPolicy`], its jittered
//! exponential backoff, and the server's `Retry-After` (header or envelope detail).

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::transport::{Attempt, Transport};
use super::Call;

/// How failed calls are retried: jittered exponential backoff ("full jitter") with a cap.
///
/// Retried, for every method: connection failures (the request never reached the server),
/// 429 and 503 (the server did not process it), honouring `Retry-After` (seconds or an HTTP
/// date) and the API's `retry_after` detail. Timeouts and dropped connections are retried
/// too, except for operations that deliver a message (unless `retry_message_sends`). Other
/// 5xx only for GET, PUT and DELETE. Never any other 4xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles each time.
    pub initial_backoff: Duration,
    /// Cap of the backoff.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned instead.
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
            max_retry_after: Duration::from_secs(60),
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

impl Transport {
    /// How long to wait before the next attempt, or `None` when the outcome is final: a 429,
    /// a 503 or an idempotent call's 5xx (after `Retry-After`, unless it is longer than the
    /// policy allows), or a transport failure that may be repeated.
    pub(super) fn retry_delay(&self, outcome: &Attempt, call: &Call, policy: &RetryPolicy, attempt: u32) -> Option<Duration> {
        match outcome {
            Attempt::Answer { head, bytes } => {
                let status = head.status;
                let retryable = status == 429 || status == 503 || (status >= 500 && call.idempotent());
                if !retryable {
                    return None;
                }
                match self.retry_after(head.retry_after, bytes) {
                    None => Some(policy.backoff(attempt)),
                    Some(d) => (d <= policy.max_retry_after).then_some(d),
                }
            }
            Attempt::Failed(e) => {
                let reached_server = !e.is_connect();
                let may_repeat = !reached_server || !call.sends_message || policy.retry_message_sends;
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
