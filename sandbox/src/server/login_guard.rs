//! Failed logins: a client (peer IP address) whose presented bearer tokens were refused
//! `Config::failed_logins_per_minute` times within [`WINDOW`] gets 429 RATE_LIMIT_EXCEEDED, with
//! `Retry-After`, for every request until the window ends, a valid token included, so that
//! guessing tokens stops rather than merely slowing down (api.yaml, RATE_LIMIT_EXCEEDED).
//! A request without an `Authorization` header is no login attempt and is not counted.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Clock;

use serde_json::json;
use wacr_server::axum::extract::{ConnectInfo, Request, State};
use wacr_server::axum::middleware::{self, Next};
use wacr_server::axum::response::Response;
use wacr_server::axum::Router;
use wacr_runtime::server::FixedWindow;

/// The window, from a client's first refused token.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The refused logins of each client in its current window, counted by the glue's fixed-window
/// limiter under `login:{address}`.
#[derive(Debug)]
pub struct FailedLogins {
    /// Refused tokens a client may present per window.
    limit: u32,
    windows: FixedWindow,
}

impl FailedLogins {
    pub fn new(limit: u32) -> Self {
        FailedLogins { limit, windows: FixedWindow::new() }
    }

    /// The seconds until `client` may try again, while it is blocked.
    pub fn blocked(&self, client: IpAddr, now: Instant) -> Option<u64> {
        let decision = self.windows.peek_at(&key(client), self.limit, WINDOW, now);
        (!decision.allowed).then_some(decision.retry_after)
    }

    /// Counts a refused token of `client`.
    pub fn failed(&self, client: IpAddr, now: Instant) {
        self.windows.hit_at(&key(client), self.limit, WINDOW, now);
    }
}

fn key(client: IpAddr) -> String {
    format!("login:{client}")
}

/// The router behind the guard (`limit` 0: unguarded). The client is the peer address of the
/// connection (`into_make_service_with_connect_info`); without it, requests pass unguarded.
/// The windows are timed by the virtual `clock`.
pub fn guard(router: Router, limit: u32, clock: Clock) -> Router {
    if limit == 0 {
        return router;
    }
    router.layer(middleware::from_fn_with_state((Arc::new(FailedLogins::new(limit)), clock), check))
}

async fn check(State((logins, clock)): State<(Arc<FailedLogins>, Clock)>, request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let Some(client) = client else { return next.run(request).await };
    if let Some(retry_after) = logins.blocked(client, clock.instant()) {
        return too_many(retry_after);
    }
    let presented = request.headers().contains_key(wacr_server::axum::http::header::AUTHORIZATION);
    let response = next.run(request).await;
    if presented && response.status() == 401 {
        logins.failed(client, clock.instant());
    }
    response
}

/// 429 in the API's error envelope, as the glue writes its own.
fn too_many(retry_after: u64) -> Response {
    let codes = &wacr_server::CONVENTIONS.codes;
    let details = json!({ (wacr_server::CONVENTIONS.retry_after_key): retry_after });
    let mut response = wacr_runtime::server::error_response(&wacr_server::CONVENTIONS, &codes.rate_limited, Some(details), None);
    response.headers_mut().insert(wacr_server::axum::http::header::RETRY_AFTER, retry_after.into());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_blocked_after_the_failures_until_the_window_ends() {
        let logins = FailedLogins::new(10);
        let (client, other) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let start = Clock::default().instant();
        for _ in 0..9 {
            logins.failed(client, start);
        }
        assert_eq!(logins.blocked(client, start), None, "one failure to go");
        logins.failed(client, start);
        assert_eq!(logins.blocked(client, start + Duration::from_secs(15)), Some(45));
        assert_eq!(logins.blocked(other, start), None, "per client");
        assert_eq!(logins.blocked(client, start + WINDOW), None, "the window ended");
        logins.failed(client, start + WINDOW);
        assert_eq!(logins.blocked(client, start + WINDOW), None, "a new window counts from zero");
    }
}
