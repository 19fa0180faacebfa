//! The web inbox at [`UI`] (`/_sandbox/ui/`): the sandbox as a developer's WhatsApp. Server-side
//! rendered pages (askama templates compiled into the binary, plain HTML and CSS, one small
//! script) show a conversation per contact with each message's delivery state, let you reply
//! as the customer (the admin API's inbound path), advance the virtual clock, and list the
//! active fault rules and the webhook deliveries with each attempt. Open pages update live
//! from a server-sent event stream fed by the database's change notices (`crate::changes`).
//!
//! The pages are read with the admin token, kept in the `wacr_admin` cookie that the login
//! form sets (`auth`); without it every page redirects to the form. The routes merge beside
//! the admin API in `server::router`, since the form must answer without the token.

mod auth;
mod live;
mod pages;
mod view;


use crate::sql::Connection;
use wacr_server::axum::Router;
use wacr_server::axum::http::header;
use wacr_server::axum::middleware;
use wacr_server::axum::response::{IntoResponse, Redirect, Response};
use wacr_server::axum::routing::{get, post};

use crate::admin::{Admin, PREFIX};
use crate::faults::Faults;
use crate::seed;
use crate::store::{self, Ctx, Error};

/// Where the inbox lives.
pub const UI: &str = "/_sandbox/ui";

/// What the inbox's handlers work with: the admin operations (database, clock, settings) and
/// the fault rules.
#[derive(Clone)]
pub struct Inbox {
    admin: Admin,
    faults: Faults,
}

impl Inbox {
    /// Runs `f` for the primary tenant at the virtual clock's time, on the blocking pool.
    async fn read<T, F>(&self, f: F) -> store::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Ctx) -> store::Result<T> + Send + 'static,
    {
        let clock = self.admin.db().clock().clone();
        let subdomain = self.admin.config().primary.subdomain.clone();
        self.admin
            .db()
            .call(move |conn| {
                let now = clock.sync(conn)?;
                let tenant_id = seed::tenant_id(conn, &subdomain)?.ok_or_else(|| Error::Internal(format!("no tenant `{subdomain}`")))?;
                f(conn, &Ctx { tenant_id, now })
            })
            .await
    }
}

/// The inbox's routes: the login form and the assets answer anyone, the rest needs the
/// admin token.
pub fn router(admin: Admin, faults: Faults) -> Router {
    let inbox = Inbox { admin, faults };
    let guarded = Router::new()
        .route(UI, get(|| async { Redirect::permanent(&format!("{UI}/")) }))
        .route(&format!("{UI}/"), get(pages::index))
        .route(&format!("{UI}/conversations/{{contact}}"), get(pages::conversation))
        .route(&format!("{UI}/conversations/{{contact}}/reply"), post(pages::reply))
        .route(&format!("{UI}/inbound"), post(pages::inbound))
        .route(&format!("{UI}/clock"), post(pages::clock))
        .route(&format!("{UI}/webhooks"), get(pages::webhooks))
        .route(&format!("{UI}/events"), get(live::events))
        .route(&format!("{UI}/logout"), post(auth::logout))
        .route_layer(middleware::from_fn_with_state(inbox.clone(), auth::require_login));
    Router::new()
        .route(&format!("{UI}/login"), get(auth::form).post(auth::login))
        .route(&format!("{UI}/static/inbox.css"), get(|| async { asset("text/css", include_str!("static/inbox.css")) }))
        .route(&format!("{UI}/static/inbox.js"), get(|| async { asset("text/javascript", include_str!("static/inbox.js")) }))
        .merge(guarded)
        .with_state(inbox)
}

/// A file compiled into the binary.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// The cookie's path: the inbox and the admin API both read it.
const COOKIE_PATH: &str = PREFIX;

#[cfg(test)]
mod tests;
