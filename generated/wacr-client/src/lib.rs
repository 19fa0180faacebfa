//! wacr-client: an async client for the WA.cr API v2 (reqwest, rustls), generated from
//! `api-spec/` into `src/client.rs` by `cargo xtask codegen` (this file is hand-written).
//!
//! One handle per resource group, one method per operation; each returns the typed data or a
//! typed [`Error`] carrying the HTTP status, the API error code (an enum of the codes the
//! operation documents, with `Unknown` for codes this client does not know yet), the message,
//! the field errors of a 422 and the error `details`; it prints as
//! `422 VALIDATION_ERROR: The given data was invalid (phone: This phone number already exists)`.
//! Every error converts into [`AnyError`], so `?` works in a function returning it. The token
//! never appears in `Debug` output, logs or error messages.
//!
//! # Quick start
//!
//! ```no_run
//! use wacr_client::prelude::*;
//! use wacr_client::models::{ContactInclude, GetContactQuery, ListContactsQuery};
//!
//! # async fn run() -> Result<(), AnyError> {
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:8080") // a local wacr-sandbox; the default is the real API
//!     .token(std::env::var("WACR_TOKEN").unwrap_or_default())
//!     .build()?;
//!
//! let mut query = GetContactQuery::default();
//! query.include.insert(ContactInclude::Groups);
//! let contact = client.contacts().get(1, query).await?;
//! println!("{} {}", contact.firstname, contact.lastname);
//!
//! // Every contact across all pages, fetched lazily (`StreamExt` comes with the prelude).
//! let mut contacts = client.contacts().list_all(ListContactsQuery::default());
//! while let Some(contact) = contacts.next().await {
//!     println!("{}", contact?.firstname);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Retries and logs
//!
//! A call is retried (jittered backoff, honouring `Retry-After`) when the server did not act on
//! it (a connection failure, 429, 503), and after a timeout, a dropped connection or another
//! 5xx only when repeating it cannot do its work twice: GET, PUT and DELETE, or a call made
//! through [`Client::idempotent`]. A message delivery is never re-sent unless
//! [`RetryPolicy::retry_message_sends`] says so. A wait longer than
//! [`ClientBuilder::max_retry_wait`] (default 10 s) is returned as the error instead. Each
//! attempt logs `debug` events (`request`, `response` with operation, method, status,
//! duration, attempt and request id) and each wait a `warn` (`retrying`, with the reason and
//! the delay), through `tracing`, inside a `wacr.request` span.
//!
//! # Blocking
//!
//! With the `blocking` feature, `blocking::Client` has the same handles and methods, each
//! waiting for its answer. A list's `…_all` and `…_pages` are iterators that fetch each page
//! when they reach it, and `idempotent()`, `with_retry()` and `with_timeout()` set the options of
//! the calls made through the client they return, as on the async [`Client`]:
//!
//! ```no_run
//! # #[cfg(feature = "blocking")]
//! # fn run() -> Result<(), wacr_client::AnyError> {
//! use wacr_client::models::{ListContactsQuery, UpdateContactBody};
//!
//! let client = wacr_client::blocking::Client::new(wacr_client::Client::new("token")?);
//! let account = client.account().get()?;
//! println!("{}", account.name);
//! for contact in client.contacts().list_all(ListContactsQuery::default()) {
//!     println!("{}", contact?.firstname);
//! }
//! // setting a field is safe to repeat: a PATCH retried even after a dropped connection
//! let body = UpdateContactBody { city: Some("Pune".to_owned()).into(), ..Default::default() };
//! client.idempotent().contacts().update(1, body)?;
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#![warn(missing_docs)]

#[rustfmt::skip]
mod client;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use client::*;
pub use wacr_runtime::client::{
    AnyError, ApiError, BuildError, CallOptions, ClientBuilder, Error, RateLimit, RetryPolicy, Stream, StreamExt, Success,
    Transport, TryStreamExt,
};

/// What a program using the client needs in scope: the client, its errors, and the stream
/// traits (`stream.next().await`, `stream.try_collect().await`) of the `…_all` and `…_pages`
/// streams.
pub mod prelude {
    pub use crate::{AnyError, Client, Error, StreamExt as _, TryStreamExt as _};
}

/// Verifying the API's webhook deliveries (feature `webhooks`): [`verify`](webhooks::verify)
/// gives the typed [`WebhookEvent`](webhooks::WebhookEvent) or says why it refused.
#[cfg(feature = "webhooks")]
pub mod webhooks {
    pub use wacr_models::WebhookEvent;
    pub use wacr_runtime::webhook::{
        HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE, HEADER_WEBHOOK_TIMESTAMP, SECRET_PREFIX, TOLERANCE_SECONDS, VerifyError,
        check_secret, sign, signed_headers,
    };

    /// Verifies a delivery against any of `secrets` (several while one rotates) and decodes it:
    /// the `webhook-signature` (HMAC-SHA256, compared in constant time), the `webhook-timestamp`
    /// (at most [`TOLERANCE_SECONDS`] off) and the headers' form.
    pub fn verify<S: AsRef<str>>(secrets: &[S], headers: &http::HeaderMap, body: &[u8]) -> Result<WebhookEvent, VerifyError> {
        wacr_runtime::webhook::verify(secrets, headers, body)
    }

    /// The HTTP types of [`verify`]'s headers.
    pub use wacr_runtime::webhook::http;
}

/// The models of the API (re-export of `wacr-models`).
pub use wacr_models as models;
