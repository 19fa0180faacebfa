//! The HTTP layer: `Sandbox` implements every generated trait of `wacr-server` on top of the
//! store, and `spawn` serves the generated router (no hand-written API route beside it) at `/`
//! and under the documented base path `/api/v2`, with the admin API (`crate::admin`) under
//! `/_sandbox/` and the web inbox (`crate::inbox`) under `/_sandbox/ui/`, until its shutdown
//! signal. The fault rules (`crate::faults`) act in front of it. The router's request span and
//! events are the request log. `Running` also offers the admin operations to Rust tests.

mod catalog;
mod contacts;
mod convert;
mod limits;
mod login_guard;
mod messaging;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::sql::Connection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wacr_server::models::{Contact, MessageDetail, Scope, WireEnum};
use wacr_server::{ApiError, Authenticator, Decision, Pending, Principal, RateLimiter, Unavailable};

use crate::admin;
use crate::clock::{Reading, Ts};
use crate::db::Db;
use crate::error::Error;
use crate::faults::{self, Faults};
use crate::startup::{Config, Started};
use crate::store::messages::{DeliverySimulation, Inbound};
use crate::store::tokens::{self, IssuedToken};
use crate::store::{self, Ctx};
use crate::webhooks::{self, Secret};
pub use limits::Limits;

/// The implementation of the API traits.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    delivery: DeliverySimulation,
    config: Config,
    limits: Arc<Limits>,
    faults: Faults,
}

impl Sandbox {
    /// A sandbox counting its limits in memory. Its fault rules are read from the database by
    /// [`serve`] (which puts those of `config` in first); until then it applies only the rules
    /// added through it.
    pub fn new(db: Db, config: Config) -> Sandbox {
        let clock = db.clock().clone();
        Sandbox::with_limits(db, config, Limits::memory(clock))
    }

    /// A sandbox counting its limits in `limits` (see [`Limits::new`]).
    pub fn with_limits(db: Db, config: Config, limits: Limits) -> Sandbox {
        let faults = Faults::new(db.clone(), config.fault_seed);
        Sandbox { inner: Arc::new(Inner { db, delivery: config.delivery, config, limits: Arc::new(limits), faults }) }
    }

    /// The fault rules applied in front of its router.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The state of the admin API over the same database and settings.
    pub fn admin(&self) -> admin::Admin {
        admin::Admin::new(self.inner.db.clone(), self.inner.config.clone())
    }

    /// Runs a store function for the caller's tenant on the blocking pool.
    async fn run<T, C, F>(&self, principal: &Principal<Scope>, f: F) -> Result<T, ApiError<C>>
    where
        T: Send + 'static,
        C: WireEnum,
        F: FnOnce(&mut Connection, &Ctx) -> store::Result<T> + Send + 'static,
    {
        let (tenant_id, clock) = (principal.tenant_id, self.inner.db.clock().clone());
        let call = move |conn: &mut Connection| {
            let ctx = Ctx { tenant_id, now: clock.sync(conn)? };
            f(conn, &ctx)
        };
        self.inner.db.call(call).await.map_err(convert::api_error)
    }
}

impl Authenticator<Scope> for Sandbox {
    async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
        let token = token.to_owned();
        let found = self.inner.db.call(move |conn| tokens::authenticate(conn, &token)).await;
        let principal = match found {
            Ok(principal) => principal?,
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                return None;
            }
        };
        let per_minute = u32::try_from(principal.rate_limit_per_minute).unwrap_or(u32::MAX);
        Some(Principal::new(principal.tenant_id, principal.token_id.to_string(), principal.scopes).with_rate_limit(per_minute))
    }
}

/// The per-token limit in [`Limits`] (memory, or Redis shared by sandboxes), its windows timed
/// by the virtual clock; the OTP limits (`otp-resend:`, `otp-verify:`) go through: the OTP
/// operations count them themselves, keyed by the phone's digits, in the database (or in
/// [`Limits`] when it is shared), and clear the verify limit on a successful verification, as
/// the spec says.
struct TokenLimiter(Arc<Limits>);

impl RateLimiter for TokenLimiter {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        if key.starts_with("otp-") {
            return Pending::ready(Ok(Decision { allowed: true, limit, remaining: limit, retry_after: 1 }));
        }
        self.0.hit(key, limit, window)
    }

    fn peek(&self, key: &str, limit: u32, window: Duration) -> Pending<'_> {
        self.0.peek(key, limit, window)
    }

    fn clear(&self, key: &str) -> Pending<'_, Result<(), Unavailable>> {
        self.0.clear(key)
    }
}

/// The path the documentation's base URL (`https://app.wa.cr/api/v2`) puts before every route;
/// the sandbox answers there too, so the docs' requests run against it unchanged but for the host.
pub const BASE_PATH: &str = "/api/v2";

/// The router of the whole API over a sandbox, at `/` and under [`BASE_PATH`], behind its
/// fault rules.
pub fn router(sandbox: Sandbox) -> wacr_server::axum::Router {
    let limits = Arc::clone(&sandbox.inner.limits);
    let config = sandbox.inner.config.server.clone().with_rate_limiter(TokenLimiter(Arc::clone(&limits)));
    let failed_logins = sandbox.inner.config.failed_logins_per_minute;
    let faults = sandbox.faults().clone();
    let admin = admin::router(sandbox.admin(), [faults::routes(faults.clone())]);
    let inbox = crate::inbox::router(sandbox.admin(), faults.clone());
    let api = wacr_server::router_with(sandbox, config);
    // The fault rules act on the WA.cr API only; the failed-login guard covers the admin API and
    // the inbox too.
    let app = wacr_server::axum::Router::new().nest(BASE_PATH, api.clone()).merge(api).layer(faults.layer());
    login_guard::guard(app.merge(admin).merge(inbox), failed_logins, limits)
}

/// A sandbox serving on a socket.
pub struct Running {
    /// Where it listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// The tokens issued by this start.
    pub tokens: Vec<IssuedToken>,
    pub primary_tenant: i64,
    pub db: Db,
    /// What the webhook deliveries are signed with.
    pub webhook_secret: Secret,
    /// The admin token issued by this start.
    admin_token: String,
    admin: admin::Admin,
    faults: Faults,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    webhooks: JoinHandle<()>,
    /// Polls the fault rules that other sandboxes change (none on `:memory:`, which only this
    /// process can open).
    fault_refresh: Option<JoinHandle<()>>,
}

impl Running {
    /// `http://addr`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fault rules in force (the same as `/_sandbox/faults` serves, shared by every
    /// sandbox on the database).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The text of the token issued under `name`.
    pub fn token(&self, name: &str) -> Option<&str> {
        self.tokens.iter().find(|t| t.name == name).map(|t| t.token.as_str())
    }

    /// The admin token issued by this start (`/_sandbox/`).
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The admin operations (what `/_sandbox/` serves), without HTTP.
    pub fn admin(&self) -> &admin::Admin {
        &self.admin
    }

    /// The virtual clock's time.
    pub async fn clock_now(&self) -> store::Result<Ts> {
        Ok(self.admin.clock().await?.now)
    }

    /// Moves the virtual clock on by `by`.
    pub async fn clock_advance(&self, by: Duration) -> store::Result<Reading> {
        self.admin.advance_clock(by).await
    }

    /// Stores a text message from `phone` as the customer (`POST /_sandbox/inbound`).
    pub async fn inbound_text(&self, phone: &str, text: &str) -> store::Result<MessageDetail> {
        self.admin.inbound(Inbound::text(phone, text)).await
    }

    /// Returns to the seed state; the tokens stay valid (`POST /_sandbox/reset`).
    pub async fn reset(&self) -> store::Result<Reading> {
        self.admin.reset().await
    }

    /// Sets or clears a contact's opt-out flag (`PUT /_sandbox/contacts/{id}/opt-out`).
    pub async fn set_opt_out(&self, contact_id: i64, opted_out: bool) -> store::Result<Contact> {
        self.admin.set_opt_out(contact_id, opted_out).await
    }

    /// Stops accepting, finishes the requests in flight, stops the webhook worker (pending
    /// deliveries stay in the database for the next start), and returns.
    pub async fn stop(mut self) -> std::io::Result<()> {
        // the web inbox's event streams end, so the shutdown does not wait for open pages
        self.db.changes().close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let served = (&mut self.task).await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.end_tasks();
        served
    }

    /// Serves until Ctrl-C (or SIGTERM), then finishes the requests in flight and returns.
    pub async fn until_ctrl_c(self) -> std::io::Result<()> {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: shutting down"),
            _ = terminate() => tracing::info!("SIGTERM: shutting down"),
        }
        self.stop().await
    }
}

impl Running {
    /// The webhook worker and the fault-rule poll end with the server.
    fn end_tasks(&mut self) {
        self.webhooks.abort();
        if let Some(refresh) = self.fault_refresh.take() {
            refresh.abort();
        }
    }
}

/// A sandbox dropped without `stop` stops too: it stops accepting and finishes the requests in
/// flight in the background, and its tasks end, so that its database connections close.
impl Drop for Running {
    fn drop(&mut self) {
        self.db.changes().close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.end_tasks();
    }
}

#[cfg(unix)]
async fn terminate() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending::<()>().await
}

/// Prepares the database (see `startup::prepare`) and serves it on `config.bind`.
pub async fn spawn(config: Config) -> crate::Result<Running> {
    let prepared = crate::startup::prepare_blocking(&config).await?;
    serve(prepared, config).await
}

/// Serves a prepared database.
pub async fn serve(started: Started, config: Config) -> crate::Result<Running> {
    let bind = |source| Error::Bind { addr: config.bind, source };
    let listener = TcpListener::bind(config.bind).await.map_err(bind)?;
    let addr = listener.local_addr().map_err(bind)?;
    let db = started.db.clone();
    let limits = config.server.clone();
    let webhooks = webhooks::spawn(db.clone(), &config.webhooks, &started.webhook_secret).map_err(Error::Webhooks)?;
    let counted_in = Limits::new(&config.rate_limit_store, db.clock().clone())?;
    let sandbox = Sandbox::with_limits(db.clone(), config, counted_in);
    let admin = sandbox.admin();
    let faults = sandbox.faults().clone();
    for (at, rule) in sandbox.inner.config.faults.iter().enumerate() {
        rule.check().map_err(|source| Error::FaultRule { index: at + 1, source })?;
    }
    faults.start(sandbox.inner.config.faults.clone()).await?;
    let fault_refresh = (sandbox.inner.config.db != crate::db::DbPath::Memory).then(|| faults.spawn_refresh());
    let app = router(sandbox);
    let (tx, rx) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    // The runtime's `serve` rather than axum's: it closes connections that trickle their headers.
    let task = tokio::spawn(async move { wacr_runtime::server::serve(listener, app, &limits, &wacr_server::CONVENTIONS, shutdown).await });
    tracing::info!(%addr, "wacr-sandbox listening");
    let (tokens, primary_tenant, webhook_secret, admin_token) = (started.issued, started.primary_tenant, started.webhook_secret, started.admin_token);
    Ok(Running { addr, tokens, primary_tenant, db, webhook_secret, admin_token, admin, faults, shutdown: Some(tx), task, webhooks, fault_refresh })
}
