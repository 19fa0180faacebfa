//! wacr-sandbox: a local, stateful, WA.cr-compatible API server on embedded SQLite, for offline
//! development and CI. `store` holds the business logic (plain functions over a connection and
//! a tenant), `db` the schema and the shared connection, `seed` the first-start data; `startup`
//! ties them to a `Config` (what the command line sets); `examples` the records the API
//! reference's examples name (`--example-data`); `webhooks` the outbox of change events and
//! their delivery; `admin` the admin API under `/_sandbox/` (clock, inbound messages, reset,
//! opt-out); `faults` the fault rules applied in front of the API; `inbox` the web inbox at
//! `/_sandbox/ui/`, updated live from the database's change notices (`changes`).

pub mod admin;
pub mod changes;
pub mod clock;
pub mod db;
mod error;
pub mod examples;
pub mod faults;
pub mod inbox;
pub mod seed;
pub mod server;
pub mod sql;
pub mod startup;
pub mod store;
pub mod webhooks;

pub use db::{Db, DbPath};
pub use error::{Error, Result};
pub use faults::Faults;
pub use server::{Running, Sandbox, spawn};
pub use startup::{Config, Started};
