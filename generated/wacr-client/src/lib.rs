//! wacr-client: an async client for the WA.cr API v2 (reqwest, rustls), generated from
//! `api-spec/` into `src/client.rs` by `cargo xtask codegen` (this file is hand-written).
//!
//! One handle per resource group, one method per operation; each returns the typed data or a
//! typed [`Error`] carrying the HTTP status, the API error code (an enum of the codes the
//! operation documents, with `Unknown` for codes this client does not know yet), the message,
//! the field errors of a 422 and the error `details`. The token never appears in `Debug`
//! output or error messages.
//!
//! # Quick start
//!
//! ```no_run
//! use wacr_client::{Client, models::{ContactInclude, GetContactQuery, ListContactsQuery}};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:8080") // a local wacr-sandbox; the default is the real API
//!     .token(std::env::var("WACR_TOKEN")?)
//!     .build()
//!     .map(Client::from_transport)?;
//!
//! let mut query = GetContactQuery::default();
//! query.include.insert(ContactInclude::Groups);
//! let contact = client.contacts().get(1, query).await?;
//! println!("{} {}", contact.firstname, contact.lastname);
//!
//! let page = client.contacts().list(ListContactsQuery::default()).await?;
//! println!("{} contacts in all", page.meta.total);
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
    AnyError, ApiError, BuildError, CallOptions, ClientBuilder, Error, RateLimit, RetryPolicy, Success, Transport,
};

/// The models of the API (re-export of `wacr-models`).
pub use wacr_models as models;
