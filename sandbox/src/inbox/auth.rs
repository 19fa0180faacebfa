//! Logging in to the inbox: a form that takes the admin token and keeps it in the `wacr_admin`
//! cookie (HttpOnly, so scripts cannot read it; SameSite=Strict, so another site's form cannot
//! post with it), checked on every guarded route by the admin API's own token check; without
//! it a page redirects to the form.

use serde::Deserialize;
use wacr_server::axum::Form;
use wacr_server::axum::extract::{Request, State};
use wacr_server::axum::http::{StatusCode, header};
use wacr_server::axum::middleware::Next;
use wacr_server::axum::response::{IntoResponse, Redirect, Response};

use super::view::LoginPage;
use super::{COOKIE_PATH, Inbox, UI};
use crate::admin::auth::{self, Access, COOKIE};

/// Passes a request with the admin token on; sends the others to the login form.
pub(super) async fn require_login(State(inbox): State<Inbox>, request: Request, next: Next) -> Response {
    match auth::access(inbox.admin.db(), auth::presented(request.headers())).await {
        Access::Admin => next.run(request).await,
        Access::Tenant | Access::Denied => Redirect::to(&format!("{UI}/login")).into_response(),
    }
}

pub(super) async fn form() -> Response {
    login_page(StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(super) struct Login {
    token: String,
}

/// Checks the typed-in token; the admin token is kept in the cookie.
pub(super) async fn login(State(inbox): State<Inbox>, Form(login): Form<Login>) -> Response {
    let token = login.token.trim().to_owned();
    match auth::access(inbox.admin.db(), Some(token.clone())).await {
        Access::Admin => {
            let cookie = format!("{COOKIE}={token}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict");
            ([(header::SET_COOKIE, cookie)], Redirect::to(&format!("{UI}/"))).into_response()
        }
        Access::Tenant => login_page(StatusCode::FORBIDDEN, Some("That is a WA.cr API token; the inbox takes the admin token.")),
        Access::Denied => login_page(StatusCode::UNAUTHORIZED, Some("That is not this sandbox's admin token.")),
    }
}

/// Forgets the token.
pub(super) async fn logout() -> Response {
    let cookie = format!("{COOKIE}=; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&format!("{UI}/login"))).into_response()
}

fn login_page(status: StatusCode, error: Option<&'static str>) -> Response {
    super::pages::html(status, &LoginPage { ui: UI, error })
}
