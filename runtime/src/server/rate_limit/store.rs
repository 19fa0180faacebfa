//! Choosing a store ([`RateLimitStore`]: memory or Redis) and what a request gets when the
//! chosen store cannot answer ([`OnError`], [`Unavailable`]).

use std::str::FromStr;
use std::sync::Arc;

use super::{FixedWindow, RateLimiter};
#[cfg(feature = "redis")]
use super::{RedisLimiter, RedisSettings};

/// What a request gets when the store cannot decide (unreachable, or slower than its timeout).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Let it through, without rate-limit headers (the default): the limiter guards the API
    /// against overuse, and an outage of its store should not become an outage of the API.
    /// The store's `warn` event says that requests are going through unlimited.
    #[default]
    FailOpen,
    /// Refuse it: 503 in the error envelope with `Retry-After: 1` (the server's own failure,
    /// which clients retry, rather than a 429 that would blame the client's budget).
    FailClosed,
}

impl FromStr for OnError {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, StoreError> {
        match text {
            "open" | "fail-open" => Ok(OnError::FailOpen),
            "closed" | "fail-closed" => Ok(OnError::FailClosed),
            _ => Err(StoreError::OnError(text.to_owned())),
        }
    }
}

/// A store that could not decide, and what the request gets for it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the rate-limit store did not answer ({on_error:?}): {reason}")]
pub struct Unavailable {
    on_error: OnError,
    reason: String,
}

impl Unavailable {
    pub fn new(on_error: OnError, reason: impl Into<String>) -> Self {
        Unavailable { on_error, reason: reason.into() }
    }

    /// Whether the request goes through ([`OnError::FailOpen`]).
    pub fn fails_open(&self) -> bool {
        self.on_error == OnError::FailOpen
    }

    pub fn on_error(&self) -> OnError {
        self.on_error
    }
}

/// Why a store setting is not usable.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unknown rate-limit store `{0}`: expected `memory` or `redis://HOST:PORT`")]
    Unknown(String),
    #[error("rate-limit store `{0}` needs Redis support, which this build lacks (feature `redis`)")]
    NoRedis(String),
    #[error("unknown failure mode `{0}`: expected `open` or `closed`")]
    OnError(String),
    #[cfg(feature = "redis")]
    #[error("rate-limit store: {0}")]
    Redis(#[from] ::redis::RedisError),
}

/// Where the limits are counted.
#[derive(Clone, Debug, Default)]
pub enum RateLimitStore {
    /// In this process ([`FixedWindow`]): every replica counts its own requests.
    #[default]
    Memory,
    /// In Redis ([`RedisLimiter`]): replicas on one Redis share each budget.
    #[cfg(feature = "redis")]
    Redis(RedisSettings),
}

impl FromStr for RateLimitStore {
    type Err = StoreError;

    /// `memory`, or a Redis URL (`redis://[:PASSWORD@]HOST:PORT[/DB]`).
    fn from_str(text: &str) -> Result<Self, StoreError> {
        match text {
            "memory" => Ok(RateLimitStore::Memory),
            #[cfg(feature = "redis")]
            url if url.starts_with("redis") => Ok(RateLimitStore::Redis(RedisSettings::new(url))),
            #[cfg(not(feature = "redis"))]
            url if url.starts_with("redis") => Err(StoreError::NoRedis(url.split('@').next_back().unwrap_or_default().to_owned())),
            other => Err(StoreError::Unknown(other.to_owned())),
        }
    }
}

impl RateLimitStore {
    /// A limiter on this store. A Redis limiter connects on its first decision, so a Redis that
    /// is down at start is handled like one that goes down later ([`OnError`]).
    pub fn limiter(&self) -> Result<Arc<dyn RateLimiter>, StoreError> {
        Ok(match self {
            RateLimitStore::Memory => Arc::new(FixedWindow::new()),
            #[cfg(feature = "redis")]
            RateLimitStore::Redis(settings) => Arc::new(RedisLimiter::new(settings.clone())?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_failure_modes_parse() {
        assert!(matches!("memory".parse(), Ok(RateLimitStore::Memory)));
        assert!(matches!("memcached://x".parse::<RateLimitStore>(), Err(StoreError::Unknown(_))));
        #[cfg(feature = "redis")]
        assert!(matches!("redis://127.0.0.1:6379".parse(), Ok(RateLimitStore::Redis(_))));
        #[cfg(not(feature = "redis"))]
        assert!(matches!("redis://:secret@host:1".parse::<RateLimitStore>(), Err(StoreError::NoRedis(h)) if h == "host:1"));
        assert_eq!("closed".parse::<OnError>().ok(), Some(OnError::FailClosed));
        assert_eq!("fail-open".parse::<OnError>().ok(), Some(OnError::FailOpen));
        assert!("maybe".parse::<OnError>().is_err());
    }
}
