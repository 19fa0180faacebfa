//! wacr-server: the WA.cr API v2 as traits to implement, with the whole HTTP surface generated
//! from `api-spec/` into `src/server.rs` by `cargo xtask codegen` (this file is hand-written).
//!
//! Implement [`Authenticator`] (bearer token to [`Principal`]) and one trait per resource group
//! ([`ContactsApi`], [`GroupsApi`], ...), then serve [`router`]. Before a method runs, the router
//! has answered 401 UNAUTHORIZED (no or unknown token), 403 INSUFFICIENT_SCOPE (the scope is
//! named in `details.required_scope`), 429 RATE_LIMIT_EXCEEDED (per-token minute window, with
//! `Retry-After`), 404/405 for unknown routes and methods, 415/413 for the wrong content type or
//! an oversized body, and 422 VALIDATION_ERROR for every spec rule the request breaks (body and
//! query, with the documented messages, at most [`Config::max_field_errors`] fields). A method
//! returns the typed data, or an [`ApiError`] of one of the codes its operation documents; both
//! are written in the API's envelope.
//!
//! [`Config`] also bounds the work one client can cause: a request timeout (408), a body read
//! timeout (408), a concurrency limit and a memory budget for uploads. [`serve`] adds what only
//! the connection can enforce, a header read timeout, and answers a URI or headers too long
//! (414, 431) in the envelope too; `axum::serve` works as well, without those two.
//!
//! The per-token and operation limits are counted by [`Config::rate_limiter`]: in memory
//! ([`FixedWindow`], the default), or, with the feature `redis`, in Redis shared by every
//! replica (`RedisLimiter`, selected by [`Config::with_rate_limit_store`] with a
//! [`RateLimitStore`] such as `"redis://127.0.0.1:6379".parse()`). Both answer with the same
//! `X-RateLimit-*` headers, 429 envelope and `Retry-After`; a Redis that does not answer within
//! its timeout lets requests through or answers 503, as its [`OnError`] says.
//!
//! ```no_run
//! use wacr_server::{ApiError, Authenticator, Principal, models::*};
//!
//! struct Service;
//!
//! impl Authenticator<Scope> for Service {
//!     async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
//!         (token == "secret").then(|| Principal::new(1, "token-1", ScopeSet::all()))
//!     }
//! }
//!
//! impl wacr_server::StatusesApi for Service {
//!     async fn get(&self, _: &Principal<Scope>, req: GetStatusRequest) -> Result<Status, ApiError<GetStatusError>> {
//!         Err(ApiError::new(GetStatusError::NotFound).with_message(format!("Status {} not found", req.id)))
//!     }
//!     // ... the other methods of the group
//! #   async fn list(&self, _: &Principal<Scope>, _: ListStatusesRequest) -> Result<ListStatusesResponse, ApiError<ListStatusesError>> { todo!() }
//! #   async fn create(&self, _: &Principal<Scope>, _: CreateStatusRequest) -> Result<CreateStatusResponse, ApiError<CreateStatusError>> { todo!() }
//! #   async fn update(&self, _: &Principal<Scope>, _: UpdateStatusRequest) -> Result<UpdateStatusResponse, ApiError<UpdateStatusError>> { todo!() }
//! #   async fn delete(&self, _: &Principal<Scope>, _: DeleteStatusRequest) -> Result<DeleteStatusResponse, ApiError<DeleteStatusError>> { todo!() }
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let config = wacr_server::Config::default();
//! let app = wacr_server::statuses_router(Service, config.clone());
//! wacr_server::serve(listener, app, &config, &wacr_server::CONVENTIONS, std::future::pending()).await
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod server;

#[rustfmt::skip]
mod receiver;

pub use receiver::{WebhookReceiver, dispatch, receiver_router};
pub use server::*;

/// Receiving the API's webhook events: verify a delivery ([`verify`](webhooks::verify)), extract
/// verified events in your own axum handlers ([`VerifiedEvent`](webhooks::VerifiedEvent)), or
/// implement [`WebhookReceiver`] and serve [`receiver_router`].
pub mod webhooks {
    pub use crate::receiver::{WebhookReceiver, dispatch, receiver_router};
    pub use wacr_models::WebhookEvent;
    pub use wacr_runtime::server::{EventError, VerifiedEvent, WebhookRejection, WebhookSecrets};
    pub use wacr_runtime::webhook::{SECRET_PREFIX, TOLERANCE_SECONDS, VerifyError, check_secret, sign, signed_headers};

    /// Verifies a delivery against any of `secrets` (several while one rotates) and decodes it:
    /// see [`wacr_runtime::webhook::verify`].
    pub fn verify<S: AsRef<str>>(secrets: &[S], headers: &http::HeaderMap, body: &[u8]) -> Result<WebhookEvent, VerifyError> {
        wacr_runtime::webhook::verify(secrets, headers, body)
    }

    /// The secrets [`receiver_router`] and [`VerifiedEvent`] accept, each checked now
    /// (`whsec_` and base64); error answers use the API's envelope keys.
    pub fn secrets<I: IntoIterator<Item = S>, S: Into<String>>(secrets: I) -> Result<WebhookSecrets, VerifyError> {
        WebhookSecrets::new(secrets, crate::CONVENTIONS.envelope)
    }

    /// The HTTP types of [`verify`]'s headers.
    pub use wacr_runtime::server::axum::http;
}

pub use wacr_models as models;
pub use wacr_runtime::server::{
    ApiError, Authenticator, Config, Decision, FieldErrors, FixedWindow, OnError, Pending, Principal, RateLimitStore,
    RateLimiter, Rejected, RejectedItem, StaticTokens, StoreError, Unavailable, Verdict, message, paginate, retain, serve,
};
/// Rate limits kept in Redis (feature `redis`), shared by every replica on one Redis.
#[cfg(feature = "redis")]
pub use wacr_runtime::server::{RedisLimiter, RedisSettings};
pub use wacr_runtime::server::axum;
