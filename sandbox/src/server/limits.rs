//! Where the sandbox counts its limits ([`Limits`]): the per-token limit, the failed-login
//! limit and, when the store is shared, the OTP resend and verify limits. In memory by
//! default; with `--rate-limit-store redis://…`, in Redis, so that sandboxes on one Redis share
//! every budget. Each decision takes the sandbox's time (`now: Ts`), so a virtual clock can
//! drive the windows of both stores.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wacr_server::models::WireEnum;
use wacr_server::{ApiError, FixedWindow, Pending, RateLimitStore, RateLimiter, StoreError, Unavailable};

use super::convert;
use crate::clock::{Clock, Ts};
use crate::store;

/// The store of the sandbox's limits, timed by the sandbox's virtual clock.
pub struct Limits {
    store: Store,
    clock: Clock,
    /// One instant and the sandbox time it stands for: a `Ts` as the monotonic clock of the
    /// in-memory windows.
    anchor: (Instant, Ts),
    /// The clock's offset at the last decision: a clock moved back (a reset, a `set` to the
    /// past) starts the in-memory windows afresh, since a window started at a later time would
    /// not end until that time came again. Redis keeps its windows, which expire by their TTL.
    offset: AtomicI64,
}

enum Store {
    Memory(FixedWindow),
    Redis(wacr_server::RedisLimiter),
}

impl Limits {
    /// Limits in `store`, timed by `clock`; a Redis store connects on its first decision.
    pub fn new(store: &RateLimitStore, clock: Clock) -> Result<Self, StoreError> {
        let store = match store {
            RateLimitStore::Memory => Store::Memory(FixedWindow::new()),
            RateLimitStore::Redis(settings) => Store::Redis(wacr_server::RedisLimiter::new(settings.clone())?),
        };
        Ok(Limits::in_store(store, clock))
    }

    /// In this process's memory, timed by `clock`.
    pub fn memory(clock: Clock) -> Self {
        Limits::in_store(Store::Memory(FixedWindow::new()), clock)
    }

    fn in_store(store: Store, clock: Clock) -> Self {
        let offset = AtomicI64::new(clock.offset());
        Limits { store, anchor: (Instant::now(), Ts::system()), clock, offset }
    }

    /// The sandbox's time now; the in-memory windows start afresh when the clock moved back.
    pub fn now(&self) -> Ts {
        let offset = self.clock.offset();
        if self.offset.swap(offset, Ordering::Relaxed) > offset
            && let Store::Memory(windows) = &self.store
        {
            windows.clear_all();
        }
        self.clock.now()
    }

    /// [`RateLimiter::hit`] now, by the sandbox's clock.
    pub fn hit(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        self.hit_at(key, limit, window, self.now())
    }

    /// [`RateLimiter::peek`] now, by the sandbox's clock.
    pub fn peek(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        self.peek_at(key, limit, window, self.now())
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
