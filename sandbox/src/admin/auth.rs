//! The admin API's guard: the admin token as a bearer token or as the `wacr_admin` cookie.
//! No or an unknown token is 401 UNAUTHORIZED; a WA.cr API token (valid, but for a tenant) is
//! 403 INSUFFICIENT_SCOPE with `details.required_scope = "sandbox:admin"`, both in the API's
//! error envelope.

use serde_json::json;
use wacr_server::axum::extract::{Request, State};
use wacr_server::axum::http::{HeaderMap, header};
use wacr_server::axum::middleware::Next;
use wacr_server::axum::response::Response;

use super::reply;
use crate::db::Db;
use crate::store::tokens;

/// The cookie the admin token may come in (set by the web inbox's login form).
pub const COOKIE: &str = "wacr_admin";

/// What a presented token gives access to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// An admin token: the admin API.
    Admin,
    /// A WA.cr API token: the API, not the admin API.
    Tenant,
    /// No token, or one the sandbox does not know.
    Denied,
}

/// What `token` gives access to.
pub async fn access(db: &Db, token: Option<String>) -> Access {
    let Some(token) = token else { return Access::Denied };
    let found = db
        .call(move |conn| -> crate::store::Result<Access> {
            if tokens::is_admin(conn, &token)? {
                return Ok(Access::Admin);
            }
            Ok(if tokens::authenticate(conn, &token)?.is_some() { Access::Tenant } else { Access::Denied })
        })
        .await;
    found.unwrap_or_else(|e| {
        tracing::error!(error = %e, "admin token lookup failed");
        Access::Denied
    })
}

/// The token of a request: `Authorization: Bearer …`, else the [`COOKIE`].
pub fn presented(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let cookie = || {
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.trim())
        })
    };
    bearer.or_else(cookie).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// The middleware: passes admin requests on, answers the others.
pub(crate) async fn require_admin(State(db): State<Db>, request: Request, next: Next) -> Response {
    match access(&db, presented(request.headers())).await {
        Access::Admin => next.run(request).await,
        Access::Tenant => {
            let codes = &wacr_server::CONVENTIONS.codes;
            let details = json!({ (wacr_server::CONVENTIONS.required_scope_key): "sandbox:admin" });
            reply::glue_error(&codes.insufficient_scope, Some(details))
        }
        Access::Denied => reply::glue_error(&wacr_server::CONVENTIONS.codes.unauthorized, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_bearer_header_else_the_cookie() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented(&headers), None);
        headers.insert(header::COOKIE, "theme=dark; wacr_admin=wacr_admin_abc; x=y".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some("wacr_admin_abc"));
        headers.insert(header::AUTHORIZATION, "Bearer wacr_admin_def".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some("wacr_admin_def"));
        headers.insert(header::AUTHORIZATION, "Basic xyz".parse().unwrap());
        assert_eq!(presented(&headers).as_deref(), Some("wacr_admin_abc"));
    }
}
