//! The admin API beside the WA.cr API, under [`PREFIX`] (`/_sandbox/`): the virtual clock,
//! inbound messages from customers, reset and opt-out (described in `sandbox/admin-openapi.yaml`).
//!
//! Every route sits behind one auth layer ([`auth`]): the admin token printed at start
//! (`admin token: wacr_admin_…`), as `Authorization: Bearer …` or as the cookie
//! [`auth::COOKIE`] (`wacr_admin`, what the web inbox's login form sets). No or an unknown
//! token is 401, a WA.cr API token 403, in the API's error envelope; bad JSON or fields are 422
//! VALIDATION_ERROR with the same envelope ([`reply`]).
//!
//! Adding routes: build a `Router` (its state applied) whose paths start with [`PREFIX`] and
//! pass it to [`router`] among `extra`; it is merged behind the same auth layer. [`Admin`]
//! gives handlers the database (and its clock) and the sandbox's settings. Routes that must
//! answer without the token (a login form) merge beside `router(..)` in `server::router`
//! instead; [`auth::access`] tells them what a typed-in token is.
//!
//! The operations themselves are methods of [`Admin`] ([`ops`]), shared by the HTTP handlers
//! ([`routes`]) and by `wacr_sandbox::Running` for Rust tests.

pub mod auth;
mod ops;
pub mod reply;
mod routes;

use std::sync::Arc;

use wacr_server::axum::Router;
use wacr_server::axum::middleware;

use crate::db::Db;
use crate::startup::Config;

pub use ops::{ClockBody, ClockChange};

/// Where the admin API lives.
pub const PREFIX: &str = "/_sandbox";

/// What admin handlers work with: the database (with its virtual clock) and the settings of
/// the start (the seed for a reset, the delivery simulation).
#[derive(Clone)]
pub struct Admin {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    config: Config,
}

impl Admin {
    pub fn new(db: Db, config: Config) -> Admin {
        Admin { inner: Arc::new(Inner { db, config }) }
    }

    /// The database; `db().clock()` is the virtual clock.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The settings the sandbox started with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
}

/// The admin API's routes and `extra` (routers whose paths start with [`PREFIX`]), all behind
/// the admin auth layer.
pub fn router(admin: Admin, extra: impl IntoIterator<Item = Router>) -> Router {
    let db = admin.db().clone();
    let merged = extra.into_iter().fold(routes::routes(admin), Router::merge);
    merged.layer(middleware::from_fn_with_state(db, auth::require_admin))
}

