//! The settings of a generated router ([`Config`]): body limits, the cap on reported field
//! errors, the rate limiter (and its store), and the bounds on time and concurrency that keep one client from
//! holding the server (read timeouts, a request timeout, a concurrency limit, a memory budget
//! for uploads). Every bound has a default and a builder; `None` turns a time bound off.

use std::sync::Arc;
use std::time::Duration;

use super::envelope::FieldErrors;
use super::rate_limit::{FixedWindow, RateLimitStore, RateLimiter, StoreError};

/// Server settings.
#[derive(Clone)]
pub struct Config {
    /// Largest JSON body, in bytes (default 1 MiB).
    pub json_limit: usize,
    /// Largest multipart body, in bytes; `None`: the largest files the spec allows, plus room.
    pub upload_limit: Option<usize>,
    /// Bytes of multipart bodies held in memory at once, over all requests (default 256 MiB).
    /// An upload reserves its declared length (or the upload limit when it declares none)
    /// before it is read, and waits while the budget is spent, within the request timeout.
    pub upload_memory: usize,
    /// Fields a 422 reports at most (default 100); the message says how many more were found.
    pub max_field_errors: usize,
    /// Per-token and per-operation limits; `None` turns rate limiting off. The default counts
    /// in memory ([`FixedWindow`]); [`Config::with_rate_limit_store`] selects Redis (feature
    /// `redis`), which replicas share.
    pub rate_limiter: Option<Arc<dyn RateLimiter>>,
    /// Time from the start of a request to its response (default 30 s), body read included;
    /// past it the answer is 408 in the error envelope and the handler's future is dropped.
    pub request_timeout: Option<Duration>,
    /// Longest wait for the next chunk of a request body (default 10 s); past it, 408.
    pub body_read_timeout: Option<Duration>,
    /// Longest wait for a request's headers (default 10 s); past it the connection is closed.
    /// Enforced by [`serve`](super::serve), which owns the connections (axum's `serve` has no
    /// such setting).
    pub header_read_timeout: Option<Duration>,
    /// Requests handled at once, over all routes (default 256); further requests wait for a
    /// slot (tower's `GlobalConcurrencyLimit` waits before the request timeout starts, and a
    /// slot is held at most that long).
    pub concurrency_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            json_limit: 1 << 20,
            upload_limit: None,
            upload_memory: 256 << 20,
            max_field_errors: FieldErrors::DEFAULT_CAP,
            rate_limiter: Some(Arc::new(FixedWindow::new())),
            request_timeout: Some(Duration::from_secs(30)),
            body_read_timeout: Some(Duration::from_secs(10)),
            header_read_timeout: Some(Duration::from_secs(10)),
            concurrency_limit: 256,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("json_limit", &self.json_limit)
            .field("upload_limit", &self.upload_limit)
            .field("upload_memory", &self.upload_memory)
            .field("max_field_errors", &self.max_field_errors)
            .field("rate_limited", &self.rate_limiter.is_some())
            .field("request_timeout", &self.request_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("concurrency_limit", &self.concurrency_limit)
            .finish()
    }
}

impl Config {
    #[must_use]
    pub fn without_rate_limit(mut self) -> Self {
        self.rate_limiter = None;
        self
    }

    #[must_use]
    pub fn with_rate_limiter(mut self, limiter: impl RateLimiter) -> Self {
        self.rate_limiter = Some(Arc::new(limiter));
        self
    }

    /// Counts the limits in `store` (memory, or Redis shared by replicas; see
    /// [`RateLimitStore`]). Fails on a store URL that does not parse; a Redis that does not
    /// answer is handled per request, as its settings' `on_error` says.
    pub fn with_rate_limit_store(mut self, store: &RateLimitStore) -> Result<Self, StoreError> {
        self.rate_limiter = Some(store.limiter()?);
        Ok(self)
    }

    #[must_use]
    pub fn with_json_limit(mut self, bytes: usize) -> Self {
        self.json_limit = bytes;
        self
    }

    #[must_use]
    pub fn with_upload_limit(mut self, bytes: usize) -> Self {
        self.upload_limit = Some(bytes);
        self
    }

    #[must_use]
    pub fn with_upload_memory(mut self, bytes: usize) -> Self {
        self.upload_memory = bytes;
        self
    }

    #[must_use]
    pub fn with_max_field_errors(mut self, fields: usize) -> Self {
        self.max_field_errors = fields;
        self
    }

    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    #[must_use]
    pub fn with_body_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    #[must_use]
    pub fn with_header_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    #[must_use]
    pub fn with_concurrency_limit(mut self, requests: usize) -> Self {
        self.concurrency_limit = requests;
        self
    }
}
