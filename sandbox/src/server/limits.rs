//! Where the sandbox counts its limits ([`Limits`]): the per-token limit, the failed-login
//! limit and, when the store is shared, the OTP resend and verify limits. In memory by
//! default; with `--rate-limit-store redis://…`, in Redis, so that sandboxes on one Redis share
//! every budget. Each decision takes the sandbox's time (`now: Ts`), so a virtual clock can
//! drive the windows of both stores.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wacr_server::models::WireEnum;
use wacr_server::{ApiError, FixedWindow, Pending, RateLimitStore, RateLimiter, StoreError, Unavailable};

use super::convert;
use crate::clock::Ts;
use crate::store;

/// The store of the sandbox's limits.
pub struct Limits {
    store: Store,
    /// One instant and the sandbox time it stands for: a `Ts` as the monotonic clock of the
    /// in-memory windows.
    anchor: (Instant, Ts),
}

enum Store {
    Memory(FixedWindow),
    Redis(wacr_server::RedisLimiter),
}

impl Limits {
    /// Limits in `store`; a Redis store connects on its first decision.
    pub fn new(store: &RateLimitStore) -> Result<Self, StoreError> {
        let store = match store {
            RateLimitStore::Memory => Store::Memory(FixedWindow::new()),
            RateLimitStore::Redis(settings) => Store::Redis(wacr_server::RedisLimiter::new(settings.clone())?),
        };
        Ok(Limits::in_store(store))
    }

    /// In this process's memory.
    pub fn memory() -> Self {
        Limits::in_store(Store::Memory(FixedWindow::new()))
    }

    fn in_store(store: Store) -> Self {
        Limits { store, anchor: (Instant::now(), Ts::now()) }
    }

    /// Whether other sandboxes may count in the same store (Redis): then the OTP limits are
    /// counted here rather than in the database.
    pub fn shared(&self) -> bool {
        matches!(self.store, Store::Redis(_))
    }

    /// [`RateLimiter::hit`] at `now`.
    pub fn hit_at(&self, key: &str, limit: u32, window: Duration, now: Ts) -> Pending<'_> {
        match &self.store {
            Store::Memory(windows) => Pending::ready(Ok(windows.hit_at(key, limit, window, self.instant(now)))),
            Store::Redis(redis) => Pending::boxed(redis.hit_at(key, limit, window, system_time(now))),
        }
    }

    /// [`RateLimiter::peek`] at `now`.
    pub fn peek_at(&self, key: &str, limit: u32, window: Duration, now: Ts) -> Pending<'_> {
        match &self.store {
            Store::Memory(windows) => Pending::ready(Ok(windows.peek_at(key, limit, window, self.instant(now)))),
            Store::Redis(redis) => Pending::boxed(redis.peek_at(key, limit, window, system_time(now))),
        }
    }

    /// [`RateLimiter::clear`].
    pub fn clear(&self, key: &str) -> Pending<'_, Result<(), Unavailable>> {
        match &self.store {
            Store::Memory(windows) => windows.clear(key),
            Store::Redis(redis) => redis.clear(key),
        }
    }

    /// The instant standing for `now` on the anchor's monotonic clock.
    fn instant(&self, now: Ts) -> Instant {
        let (instant, at) = self.anchor;
        let micros = |d: i64| Duration::from_micros(d.unsigned_abs());
        match now.0 >= at.0 {
            true => instant + micros(now.0 - at.0),
            false => instant.checked_sub(micros(at.0 - now.0)).unwrap_or(instant),
        }
    }

    /// Counts an OTP hit of `key` in a shared store: the store's RATE_LIMIT_EXCEEDED (with the
    /// operation's message) when the window is spent, INTERNAL_ERROR when the store fails closed
    /// (the OTP operations document no 503).
    pub async fn otp_hit<C: WireEnum>(&self, key: &str, limit: i64, window_secs: i64, now: Ts) -> Result<(), ApiError<C>> {
        let (limit, window) = (u32::try_from(limit).unwrap_or(0), Duration::from_secs(window_secs.unsigned_abs()));
        let error = match self.hit_at(key, limit, window, now).await {
            Ok(decision) if decision.allowed => return Ok(()),
            Ok(decision) => store::Error::RateLimited { retry_after: i64::try_from(decision.retry_after).unwrap_or(i64::MAX) },
            Err(unavailable) if unavailable.fails_open() => return Ok(()),
            Err(unavailable) => store::Error::Internal(unavailable.to_string()),
        };
        Err(convert::api_error(error))
    }
}

fn system_time(now: Ts) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(u64::try_from(now.0).unwrap_or(0))
}
