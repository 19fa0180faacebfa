//! The HTTP layer: `Sandbox` implements every generated trait of `wacr-server` on top of the
//! store, and `spawn` serves the generated router (no hand-written route beside it) at `/` and
//! under the documented base path `/api/v2`, until its shutdown signal. The router's request
//! span and events are the request log. The fault rules (`crate::faults`) act in front of it.

mod catalog;
mod contacts;
mod convert;
mod login_guard;
mod messaging;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wacr_server::models::{Scope, WireEnum};
use wacr_server::{ApiError, Authenticator, FixedWindow, Principal, RateLimiter};
use wacr_runtime::server::Decision;

use crate::clock::Ts;
use crate::db::Db;
use crate::error::Error;
use crate::faults::{self, Faults};
use crate::startup::{Config, Started};
use crate::store::messages::DeliverySimulation;
use crate::store::tokens::{self, IssuedToken};
use crate::store::{self, Ctx};
use crate::webhooks::{self, Secret};

/// The implementation of the API traits.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    delivery: DeliverySimulation,
    config: Config,
    faults: Faults,
}

impl Sandbox {
    /// No fault rules yet (those of `config` are added by [`serve`]).
    pub fn new(db: Db, config: Config) -> Sandbox {
        let faults = Faults::new(config.fault_seed);
        Sandbox { inner: Arc::new(Inner { db, delivery: config.delivery, faults, config }) }
    }

    /// The fault rules applied in front of its router.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Runs a store function for the caller's tenant on the blocking pool.
    async fn run<T, C, F>(&self, principal: &Principal<Scope>, f: F) -> Result<T, ApiError<C>>
    where
        T: Send + 'static,
        C: WireEnum,
        F: FnOnce(&mut Connection, &Ctx) -> store::Result<T> + Send + 'static,
    {
        let ctx = Ctx { tenant_id: principal.tenant_id, now: Ts::now() };
        self.inner.db.call(move |conn| f(conn, &ctx)).await.map_err(convert::api_error)
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

/// The per-token limit in memory; the OTP limits (`otp-resend:`, `otp-verify:`) are left to
/// the store, which keys them by the phone's digits, keeps them in the database and clears the
/// verify limit on a successful verification, as the spec says.
struct TokenLimiter(FixedWindow);

impl RateLimiter for TokenLimiter {
    fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        if key.starts_with("otp-") {
            return Decision { allowed: true, limit, remaining: limit, retry_after: 1 };
        }
        self.0.hit(key, limit, window)
    }

    fn peek(&self, key: &str, limit: u32, window: Duration) -> Decision {
        self.0.peek(key, limit, window)
    }
}

/// The path the documentation's base URL (`https://app.wa.cr/api/v2`) puts before every route;
/// the sandbox answers there too, so the docs' requests run against it unchanged but for the host.
pub const BASE_PATH: &str = "/api/v2";

/// The router of the whole API over a sandbox, at `/` and under [`BASE_PATH`], behind its
/// fault rules.
pub fn router(sandbox: Sandbox) -> wacr_server::axum::Router {
    let config = sandbox.inner.config.server.clone().with_rate_limiter(TokenLimiter(FixedWindow::new()));
    let failed_logins = sandbox.inner.config.failed_logins_per_minute;
    let faults = sandbox.faults().clone();
    let api = wacr_server::router_with(sandbox, config);
    let app = wacr_server::axum::Router::new().nest(BASE_PATH, api.clone()).merge(api);
    let app = login_guard::guard(app, failed_logins).layer(faults.layer());
    // The fault rules' own routes, unauthenticated until they move behind the admin token.
    app.merge(faults::routes(faults))
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
    faults: Faults,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    webhooks: JoinHandle<()>,
}

impl Running {
    /// `http://addr`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fault rules in force (the same as `/_sandbox/faults` serves).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The text of the token issued under `name`.
    pub fn token(&self, name: &str) -> Option<&str> {
        self.tokens.iter().find(|t| t.name == name).map(|t| t.token.as_str())
    }

    /// Stops accepting, finishes the requests in flight, stops the webhook worker (pending
    /// deliveries stay in the database for the next start), and returns.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let served = self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.webhooks.abort();
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
    let sandbox = Sandbox::new(db.clone(), config);
    let faults = sandbox.faults().clone();
    for (at, rule) in sandbox.inner.config.faults.iter().enumerate() {
        faults.add(rule.clone()).map_err(|source| Error::FaultRule { index: at + 1, source })?;
    }
    let app = router(sandbox);
    let (tx, rx) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = rx.await;
    };
    // The runtime's `serve` rather than axum's: it closes connections that trickle their headers.
    let task = tokio::spawn(async move { wacr_runtime::server::serve(listener, app, &limits, &wacr_server::CONVENTIONS, shutdown).await });
    tracing::info!(%addr, "wacr-sandbox listening");
    let (tokens, primary_tenant, webhook_secret) = (started.issued, started.primary_tenant, started.webhook_secret);
    Ok(Running { addr, tokens, primary_tenant, db, webhook_secret, faults, shutdown: Some(tx), task, webhooks })
}
