//! [`RedisLimiter`] (feature `redis`): the fixed windows of [`FixedWindow`](super::FixedWindow)
//! kept in Redis, so that every replica on one Redis counts against one budget per key.
//!
//! Each decision is one Lua script (`window.lua`, sent as EVALSHA, loaded on a NOSCRIPT reply
//! by `redis::Script`), so a read-and-count is atomic across replicas. A fixed window rather
//! than GCRA or a sliding window: it makes the same decisions as the in-memory limiter, so the
//! `X-RateLimit-Remaining` count and `Retry-After` (the end of the window) mean the same
//! whichever store a server runs on. The time is the caller's (`now`, unix milliseconds, not
//! Redis `TIME`), so a virtual clock drives the windows as it drives `FixedWindow::hit_at`.
//! Keys are `{prefix}{key}` (default prefix `wacr:rl:`) and expire with their window.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};

use super::{Decision, OnError, Pending, RateLimiter, StoreError, Unavailable, Verdict};

/// How a [`RedisLimiter`] connects and what it does when Redis does not answer.
#[derive(Clone)]
pub struct RedisSettings {
    url: String,
    /// What a request gets when Redis does not answer in time (default: [`OnError::FailOpen`]).
    pub on_error: OnError,
    /// The bound on each call to Redis, connecting included (default 100 ms): a hung Redis
    /// costs a request at most this long.
    pub timeout: Duration,
    /// Put before every key (default `wacr:rl:`).
    pub prefix: String,
    /// The least time between two `warn` events about an unreachable Redis (default 10 s).
    pub warn_every: Duration,
}

impl RedisSettings {
    /// `url`: `redis://[:PASSWORD@]HOST:PORT[/DB]`.
    pub fn new(url: impl Into<String>) -> Self {
        RedisSettings {
            url: url.into(),
            on_error: OnError::default(),
            timeout: Duration::from_millis(100),
            prefix: "wacr:rl:".to_owned(),
            warn_every: Duration::from_secs(10),
        }
    }

    #[must_use]
    pub fn with_on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    #[must_use]
    pub fn with_warn_every(mut self, every: Duration) -> Self {
        self.warn_every = every;
        self
    }
}

impl fmt::Debug for RedisSettings {
    /// The URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{}", rest.rsplit_once('@').map_or(rest, |(_, host)| host)),
            None => "(unparsed)".to_owned(),
        };
        f.debug_struct("RedisSettings")
            .field("url", &url)
            .field("on_error", &self.on_error)
            .field("timeout", &self.timeout)
            .field("prefix", &self.prefix)
            .field("warn_every", &self.warn_every)
            .finish()
    }
}

/// Fixed windows in Redis, shared by every limiter on the same Redis and prefix.
pub struct RedisLimiter {
    manager: ConnectionManager,
    script: Script,
    settings: RedisSettings,
    /// `host:port`, for events (never the URL, which may hold a password).
    address: String,
    last_warning: Mutex<Option<Instant>>,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// A limiter that connects on its first decision (and reconnects after a failure), so a
    /// Redis that is down at start is handled like one that goes down later. Must be created
    /// within a tokio runtime's context.
    pub fn new(settings: RedisSettings) -> Result<Self, StoreError> {
        let client = Client::open(settings.url.as_str())?;
        let address = client.get_connection_info().addr().to_string();
        let bound = Some(settings.timeout);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(bound)
            .set_response_timeout(bound)
            .set_number_of_retries(1)
            .set_max_delay(settings.timeout);
        let manager = ConnectionManager::new_lazy_with_config(client, config)?;
        let script = Script::new(include_str!("redis/window.lua"));
        Ok(RedisLimiter { manager, script, settings, address, last_warning: Mutex::new(None) })
    }

    /// [`RateLimiter::hit`] at `now` (a virtual clock's, or a test's).
    pub fn hit_at<'a>(&'a self, key: &str, limit: u32, window: Duration, now: SystemTime) -> impl Future<Output = Verdict> + Send + use<'a> {
        self.decide(self.full_key(key), limit, window, now, true)
    }

    /// [`RateLimiter::peek`] at `now`.
    pub fn peek_at<'a>(&'a self, key: &str, limit: u32, window: Duration, now: SystemTime) -> impl Future<Output = Verdict> + Send + use<'a> {
        self.decide(self.full_key(key), limit, window, now, false)
    }

    /// [`RateLimiter::clear`].
    pub fn clear_key<'a>(&'a self, key: &str) -> impl Future<Output = Result<(), Unavailable>> + Send + use<'a> {
        let key = self.full_key(key);
        async move {
            let mut connection = self.manager.clone();
            let mut delete = redis::cmd("DEL");
            delete.arg(key);
            self.bounded(delete.query_async::<i64>(&mut connection)).await.map(drop)
        }
    }

    fn full_key(&self, key: &str) -> String {
        [self.settings.prefix.as_str(), key].concat()
    }

    async fn decide(&self, key: String, limit: u32, window: Duration, now: SystemTime, count: bool) -> Verdict {
        let now_ms = millis(now.duration_since(UNIX_EPOCH).unwrap_or_default());
        let length_ms = millis(window).max(1);
        let mut connection = self.manager.clone();
        let mut invocation = self.script.key(key);
        invocation.arg(now_ms).arg(length_ms).arg(limit).arg(u8::from(count));
        let (allowed, hits, left): (i64, i64, i64) = self.bounded(invocation.invoke_async(&mut connection)).await?;
        let hits = u32::try_from(hits.max(0)).unwrap_or(u32::MAX);
        let left = Duration::from_millis(u64::try_from(left).unwrap_or(0));
        Ok(Decision { allowed: allowed == 1, ..Decision::of_window(limit, hits, left) })
    }

    /// `call` within the timeout; a failure or a timeout is [`Unavailable`], with a `warn` event.
    async fn bounded<T>(&self, call: impl Future<Output = redis::RedisResult<T>>) -> Result<T, Unavailable> {
        let reason = match tokio::time::timeout(self.settings.timeout, call).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {:?}", self.settings.timeout),
        };
        self.warn(&reason);
        Err(Unavailable::new(self.settings.on_error, reason))
    }

    /// A `warn` event, at most once per `warn_every`.
    fn warn(&self, reason: &str) {
        let now = Instant::now();
        let mut last = self.last_warning.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if last.is_some_and(|at| now.duration_since(at) < self.settings.warn_every) {
            return;
        }
        *last = Some(now);
        let outcome = match self.settings.on_error {
            OnError::FailOpen => "requests go through unlimited",
            OnError::FailClosed => "requests are refused with 503",
        };
        tracing::warn!(store = %self.address, error = %reason, "the rate-limit store does not answer: {outcome}");
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl RateLimiter for RedisLimiter {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        Pending::boxed(self.hit_at(key, limit, window, SystemTime::now()))
    }

    fn peek(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        Pending::boxed(self.peek_at(key, limit, window, SystemTime::now()))
    }

    fn clear(&self, key: &str) -> Pending<'_, Result<(), Unavailable>> {
        Pending::boxed(self.clear_key(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_never_show_the_password() {
        let settings = RedisSettings::new("redis://:hunter2@cache.internal:6380/2");
        let shown = format!("{settings:?}");
        assert!(shown.contains("redis://cache.internal:6380/2"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
