//! Bearer authentication: the [`Principal`] a token stands for, the [`Authenticator`] the
//! implementer supplies, and a map-backed one ([`StaticTokens`]) for tests and fixed setups.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use axum::http::HeaderMap;
use axum::http::header::AsHeaderName;

use crate::scope::{ScopeEnum, ScopeSet};

/// Who is calling: the tenant the token is bound to, the token and its scopes.
#[derive(Clone, PartialEq, Eq)]
pub struct Principal<S> {
    /// The tenant every request of this token acts on.
    pub tenant_id: i64,
    /// A stable id of the token (not the secret): the key of its rate limit.
    pub token_id: String,
    /// The scopes the token holds.
    pub scopes: ScopeSet<S>,
    /// Requests per minute; `None`: the spec's default (`api.yaml: rate_limit`).
    pub rate_limit: Option<u32>,
}

impl<S: ScopeEnum> Principal<S> {
    pub fn new(tenant_id: i64, token_id: impl Into<String>, scopes: ScopeSet<S>) -> Self {
        Principal { tenant_id, token_id: token_id.into(), scopes, rate_limit: None }
    }

    /// Sets the token's requests per minute.
    #[must_use]
    pub fn with_rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = Some(per_minute);
        self
    }

    /// Whether the token may call an operation requiring `scope` (`None`: no scope needed).
    pub fn allows(&self, scope: Option<S>) -> bool {
        self.scopes.allows(scope)
    }
}

impl<S: ScopeEnum> fmt::Debug for Principal<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Principal")
            .field("tenant_id", &self.tenant_id)
            .field("token_id", &self.token_id)
            .field("scopes", &self.scopes)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// Turns a bearer token into a [`Principal`]; `None` (unknown, revoked, malformed) is answered
/// with 401 UNAUTHORIZED before anything else of the request is looked at.
pub trait Authenticator<S: ScopeEnum>: Send + Sync + 'static {
    fn authenticate(&self, token: &str) -> impl Future<Output = Option<Principal<S>>> + Send;
}

/// Tokens known in advance: `token -> principal`.
pub struct StaticTokens<S> {
    tokens: HashMap<String, Principal<S>>,
}

impl<S: ScopeEnum> StaticTokens<S> {
    pub fn new() -> Self {
        StaticTokens { tokens: HashMap::new() }
    }

    /// Adds a token.
    #[must_use]
    pub fn with(mut self, token: impl Into<String>, principal: Principal<S>) -> Self {
        self.tokens.insert(token.into(), principal);
        self
    }

    /// The principal of a token, if it is known.
    pub fn get(&self, token: &str) -> Option<&Principal<S>> {
        self.tokens.get(token)
    }
}

impl<S: ScopeEnum> Default for StaticTokens<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: ScopeEnum + Send + Sync> Authenticator<S> for StaticTokens<S> {
    fn authenticate(&self, token: &str) -> impl Future<Output = Option<Principal<S>>> + Send {
        std::future::ready(self.tokens.get(token).cloned())
    }
}

/// The token of `<header>: Bearer <token>`: the scheme is matched case-insensitively, the
/// token trimmed; `None` when the header is missing, not `Bearer` or empty.
pub fn bearer_token(headers: &HeaderMap, header: impl AsHeaderName) -> Option<&str> {
    let value = headers.get(header)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_tokens_parse_as_the_api_accepts_them() {
        assert_eq!(bearer_token(&headers("Bearer abc"), "Authorization"), Some("abc"));
        assert_eq!(bearer_token(&headers("bearer  abc "), "Authorization"), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic abc"), "Authorization"), None);
        assert_eq!(bearer_token(&headers("Bearer "), "Authorization"), None);
        assert_eq!(bearer_token(&headers("abc"), "Authorization"), None);
        assert_eq!(bearer_token(&HeaderMap::new(), "Authorization"), None);
    }
}
