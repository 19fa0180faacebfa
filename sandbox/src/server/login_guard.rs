//! Failed logins: a client (peer IP address) whose presented bearer tokens were refused
//! `Config::failed_logins_per_minute` times within [`WINDOW`] gets 429 RATE_LIMIT_EXCEEDED, with
//! `Retry-After`, for every request until the window ends, a valid token included, so that
//! guessing tokens stops rather than merely slowing down (api.yaml, RATE_LIMIT_EXCEEDED).
//! A request without an `Authorization` header is no login attempt and is not counted.
//! The refusals are counted in the sandbox's [`Limits`] (shared by sandboxes on one Redis);
//! a store that fails closed answers 503 in the envelope.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wacr_server::axum::extract::{ConnectInfo, Request, State};
use wacr_server::axum::middleware::{self, Next};
use wacr_server::axum::response::Response;
use wacr_server::axum::Router;
use wacr_server::Unavailable;

use super::Limits;
use crate::clock::Ts;

/// The window, from a client's first refused token.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The refused logins of each client in its current window, counted under `login:{address}`.
pub struct FailedLogins {
    /// Refused tokens a client may present per window.
    limit: u32,
    windows: Arc<Limits>,
}

impl FailedLogins {
    pub fn new(limit: u32, windows: Arc<Limits>) -> Self {
        FailedLogins { limit, windows }
    }

    /// The seconds until `client` may try again, while it is blocked.
    pub async fn blocked(&self, client: IpAddr, now: Ts) -> Result<Option<u64>, Unavailable> {
        let decision = self.windows.peek_at(&key(client), self.limit, WINDOW, now).await?;
        Ok((!decision.allowed).then_some(decision.retry_after))
    }

    /// Counts a refused token of `client`.
    pub async fn failed(&self, client: IpAddr, now: Ts) {
        // A store that does not answer has warned; the refusal goes uncounted.
        let _ = self.windows.hit_at(&key(client), self.limit, WINDOW, now).await;
    }
}

fn key(client: IpAddr) -> String {
    format!("login:{client}")
}

/// The router behind the guard (`limit` 0: unguarded), counting in `windows`. The client is the
/// peer address of the connection (`into_make_service_with_connect_info`); without it,
/// requests pass unguarded.
pub fn guard(router: Router, limit: u32, windows: Arc<Limits>) -> Router {
    if limit == 0 {
        return router;
    }
    router.layer(middleware::from_fn_with_state(Arc::new(FailedLogins::new(limit, windows)), check))
}

async fn check(State(logins): State<Arc<FailedLogins>>, request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let Some(client) = client else { return next.run(request).await };
    match logins.blocked(client, logins.windows.now()).await {
        Ok(Some(retry_after)) => return refused(429, retry_after),
        Err(unavailable) if !unavailable.fails_open() => return refused(503, 1),
        Ok(None) | Err(_) => {}
    }
    let presented = request.headers().contains_key(wacr_server::axum::http::header::AUTHORIZATION);
    let response = next.run(request).await;
    if presented && response.status() == 401 {
        logins.failed(client, logins.windows.now()).await;
    }
    response
}

/// 429 RATE_LIMIT_EXCEEDED (with the seconds in `details`) or 503, in the API's error envelope
/// as the glue writes its own, with `Retry-After`.
fn refused(status: u16, retry_after: u64) -> Response {
    let conventions = &wacr_server::CONVENTIONS;
    let (code, details) = match status {
        429 => (conventions.codes.rate_limited, Some(json!({ (conventions.retry_after_key): retry_after }))),
        _ => (conventions.code_for_status(status), None),
    };
    let mut response = wacr_runtime::server::error_response(conventions, &code, details, None);
    response.headers_mut().insert(wacr_server::axum::http::header::RETRY_AFTER, retry_after.into());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    #[tokio::test]
    async fn a_client_is_blocked_after_the_failures_until_the_window_ends() {
        let logins = FailedLogins::new(10, Arc::new(Limits::memory(Clock::default())));
        let (client, other) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let start = Clock::default().now();
        let window = i64::try_from(WINDOW.as_secs()).unwrap();
        for _ in 0..9 {
            logins.failed(client, start).await;
        }
        assert_eq!(logins.blocked(client, start).await.unwrap(), None, "one failure to go");
        logins.failed(client, start).await;
        assert_eq!(logins.blocked(client, start.plus_secs(15)).await.unwrap(), Some(45));
        assert_eq!(logins.blocked(other, start).await.unwrap(), None, "per client");
        assert_eq!(logins.blocked(client, start.plus_secs(window)).await.unwrap(), None, "the window ended");
        logins.failed(client, start.plus_secs(window)).await;
        assert_eq!(logins.blocked(client, start.plus_secs(window)).await.unwrap(), None, "a new window counts from zero");
    }
}
