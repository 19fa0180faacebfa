//! `Error`: why the sandbox could not start or serve (opening and migrating the database,
//! reading the templates fixture, seeding, binding the socket, starting the webhook worker,
//! a refused fault rule).

use std::net::SocketAddr;
use std::path::PathBuf;

/// A start-up or serving failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or created.
    #[error("cannot access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The database refused a statement (the store reports both engines' errors as rusqlite's).
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// PostgreSQL could not be reached (the URL is shown without its password).
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    Postgres { url: String, source: tokio_postgres::Error },
    /// The schema migrations failed (outside running one: its SQL is never part of the text).
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The database's schema version is not one of this build's migrations.
    #[error("the database's schema version {found} is not one this sandbox knows (0 to {latest})")]
    SchemaVersion { found: i64, latest: usize },
    /// A migration's SQL failed: the versions are named, the SQL is not.
    #[error("migrating the database from schema version {from} to {latest} failed at migration {failed}: {source}")]
    MigrationFailed { from: usize, failed: usize, latest: usize, source: rusqlite::Error },
    /// The templates fixture is not Meta's `message_templates` shape.
    #[error("templates fixture: {0}")]
    Fixture(#[from] serde_json::Error),
    /// Seeding or issuing tokens failed.
    #[error("seeding: {0}")]
    Seed(#[from] crate::store::Error),
    /// The database has data but not the configured primary tenant.
    #[error("the database has no tenant `{0}`")]
    NoTenant(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    /// Serving or waiting for a signal failed.
    #[error("serving: {0}")]
    Serve(#[source] std::io::Error),
    /// The webhook worker's HTTP client could not be built.
    #[error("webhooks: {0}")]
    Webhooks(#[source] reqwest::Error),
    /// The rate-limit store's URL does not parse.
    #[error("{0}")]
    RateLimitStore(#[from] wacr_server::StoreError),
    /// A fault rule of `Config::faults` is refused (`index` from 1).
    #[error("fault rule {index}: {source}")]
    FaultRule { index: usize, source: crate::faults::InvalidRule },
    /// The fault rules could not be read or written at start.
    #[error("{0}")]
    Faults(#[from] crate::faults::FaultError),
    /// A blocking start-up task panicked or was cancelled.
    #[error("start-up task: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A sandbox result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `?` on a sandbox call in a test that returns the client's crate-wide error.
impl From<Error> for wacr_runtime::client::AnyError {
    fn from(error: Error) -> Self {
        Self::other(error)
    }
}

/// `?` on a [`Running`](crate::Running) operation (a reset, an inbound message) likewise.
impl From<crate::store::Error> for wacr_runtime::client::AnyError {
    fn from(error: crate::store::Error) -> Self {
        Self::other(error)
    }
}

#[cfg(test)]
mod tests {
    use wacr_runtime::client::AnyError;

    #[test]
    fn sandbox_errors_convert_into_the_client_s_any_error() {
        fn start() -> Result<(), AnyError> {
            Err(super::Error::NoTenant("acme".into()))?
        }
        fn reset() -> Result<(), AnyError> {
            Err(crate::store::Error::not_found("contact"))?
        }
        assert_eq!(start().unwrap_err().to_string(), "the database has no tenant `acme`");
        let reset = reset().unwrap_err();
        assert_eq!((reset.status, reset.to_string()), (None, crate::store::Error::not_found("contact").to_string()));
    }
}
