//! The database: opening it (SQLite: a new file private to its owner, WAL, foreign keys, busy
//! timeout; PostgreSQL: a server named by a `postgres://` URL), the schema migrations of each
//! engine (`migrations/*.sql` and `migrations/postgres/*.sql`, applied on every start, so a new
//! database gets its tables; a failure names the versions, not the SQL), and `Db`, through which
//! every request reaches the database (`sql::pool`: SQLite's one connection, serialising
//! calls; PostgreSQL's sessions, one per call in flight), which wakes the webhook worker after
//! a call that wrote to the outbox and publishes a change notice after a call that
//! changed rows (`changes`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite_migration::{M, Migrations};
use tokio::sync::Notify;

use crate::changes::Changes;
use crate::clock::Clock;
use crate::error::Error;
use crate::sql::pool::{Lease, Pool};
use crate::sql::{Connection, PgConfig, PgConnection};

/// Where the database lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbPath {
    /// A file, created on first start.
    File(PathBuf),
    /// A throwaway in-memory database (`:memory:`).
    Memory,
    /// A PostgreSQL database (`postgres://user:password@host:port/database`), which any number
    /// of sandboxes can share.
    Postgres(PgConfig),
}

impl DbPath {
    /// `:memory:`, a `postgres://` (or `postgresql://`) URL, or a file path.
    pub fn parse(text: &str) -> DbPath {
        if text == ":memory:" {
            DbPath::Memory
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            DbPath::Postgres(PgConfig { url: text.to_owned() })
        } else {
            DbPath::File(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for DbPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbPath::File(path) => write!(f, "{}", path.display()),
            DbPath::Memory => f.write_str(":memory:"),
            DbPath::Postgres(config) => config.fmt(f),
        }
    }
}

/// The migrations, oldest first. Never edit one that has shipped: add a new file.
const MIGRATIONS: [&str; 7] = [
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_contact_list_indexes.sql"),
    include_str!("../migrations/0003_contact_list_counts.sql"),
    include_str!("../migrations/0004_webhooks.sql"),
    include_str!("../migrations/0005_sandbox_admin.sql"),
    include_str!("../migrations/0006_fault_rules.sql"),
    include_str!("../migrations/0007_clock_version.sql"),
];

/// The database a test runs on: a new schema of the PostgreSQL server that the environment
/// variable `WACR_TEST_POSTGRES` names (a `postgres://` URL), so that the suite runs on both
/// engines; the SQLite file `file` without it.
#[doc(hidden)]
pub fn test_database(file: PathBuf) -> DbPath {
    let Some(url) = std::env::var("WACR_TEST_POSTGRES").ok().filter(|url| !url.is_empty()) else { return DbPath::File(file) };
    let admin = PgConnection::connect(&PgConfig { url: url.clone() }).expect("WACR_TEST_POSTGRES names a reachable server");
    let schema = format!("wacr_test_{}_{}", std::process::id(), crate::store::random_hex(6));
    // citext once per database (extensions are not per schema), under a lock of its own
    admin
        .migrate(|conn| conn.batch(&format!("SELECT pg_advisory_xact_lock(7); CREATE EXTENSION IF NOT EXISTS citext SCHEMA public; CREATE SCHEMA {schema}")))
        .expect("a test schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    DbPath::Postgres(PgConfig { url: format!("{url}{separator}options=-c%20search_path%3D{schema}%2Cpublic") })
}

/// The PostgreSQL migrations, oldest first; their own list (the engines' DDL differs), the same
/// rule: never edit one that has shipped.
const PG_MIGRATIONS: [&str; 3] = [
    include_str!("../migrations/postgres/0001_init.sql"),
    include_str!("../migrations/postgres/0002_fault_rules.sql"),
    include_str!("../migrations/postgres/0003_clock_version.sql"),
];

/// The first `n` migrations (tests build older databases with it).
fn migrations_up_to(n: usize) -> Migrations<'static> {
    Migrations::new(MIGRATIONS[..n].iter().map(|sql| M::up(sql)).collect())
}

/// Opens (creating when needed) and migrates a database.
pub fn open(path: &DbPath) -> Result<Connection, Error> {
    match path {
        DbPath::Postgres(config) => open_postgres(config),
        _ => Ok(Connection::Sqlite(open_with(path, MIGRATIONS.len())?)),
    }
}

/// A database file migrated only up to the first `n` migrations, as an older sandbox left it.
#[cfg(test)]
pub(crate) fn open_at_version(file: &Path, n: usize) -> Result<Connection, Error> {
    Ok(Connection::Sqlite(open_with(&DbPath::File(file.to_path_buf()), n)?))
}

/// Opens the SQLite database at `path` and applies the first `latest` migrations.
fn open_with(path: &DbPath, latest: usize) -> Result<rusqlite::Connection, Error> {
    let mut conn = match path {
        DbPath::File(file) => {
            create_parent(file)?;
            create_private(file)?;
            rusqlite::Connection::open(file)?
        }
        DbPath::Memory => rusqlite::Connection::open_in_memory()?,
        DbPath::Postgres(_) => unreachable!("open() connects to PostgreSQL"),
    };
    configure(&conn)?;
    migrate(&mut conn, latest)?;
    Ok(conn)
}

/// Connects to PostgreSQL and applies the missing migrations, under the write lock, so that
/// sandboxes starting together on an empty database create its tables once.
fn open_postgres(config: &PgConfig) -> Result<Connection, Error> {
    let conn = PgConnection::connect(config).map_err(|source| Error::Postgres { url: config.to_string(), source })?;
    let latest = PG_MIGRATIONS.len();
    conn.migrate(|conn| {
        conn.batch("CREATE TABLE IF NOT EXISTS wacr_schema (version BIGINT NOT NULL)")?;
        let found: Option<i64> = conn.query("SELECT version FROM wacr_schema", &[])?.first().map(|row| row.get(0));
        Ok(found)
    })
    .map_err(Error::from)
    .and_then(|found| {
        let found = found.unwrap_or(0);
        let from = usize::try_from(found).ok().filter(|v| *v <= latest).ok_or(Error::SchemaVersion { found, latest })?;
        for version in from + 1..=latest {
            conn.migrate(|conn| {
                let current: Option<i64> = conn.query("SELECT version FROM wacr_schema", &[])?.first().map(|row| row.get(0));
                if current.unwrap_or(0) >= version as i64 {
                    return Ok(()); // another sandbox applied it while this one waited
                }
                conn.batch(PG_MIGRATIONS[version - 1])?;
                conn.batch(&format!("DELETE FROM wacr_schema; INSERT INTO wacr_schema (version) VALUES ({version})"))
            })
            .map_err(|source| Error::MigrationFailed { from, failed: version, latest, source })?;
        }
        Ok(())
    })?;
    Ok(Connection::Postgres(conn))
}

/// Applies the missing migrations one at a time, so that a failure names the database's
/// version and the failing migration; the library's own error would carry the whole SQL.
fn migrate(conn: &mut rusqlite::Connection, latest: usize) -> Result<(), Error> {
    let migrations = migrations_up_to(latest);
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let from = usize::try_from(found).ok().filter(|v| *v <= latest).ok_or(Error::SchemaVersion { found, latest })?;
    for version in from + 1..=latest {
        migrations.to_version(conn, version).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::MigrationFailed { from, failed: version, latest, source: err },
            other => Error::Migration(other),
        })?;
    }
    Ok(())
}

/// Creates a missing database file readable by its owner only (0600); SQLite gives the WAL and
/// shared-memory files the database file's permissions.
fn create_private(file: &Path) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(Error::Io { path: file.to_path_buf(), source }),
    }
}

fn create_parent(file: &Path) -> Result<(), Error> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })
        }
        _ => Ok(()),
    }
}

/// WAL for files (an in-memory database keeps `memory`); NORMAL sync, which in WAL mode keeps
/// every committed transaction across a crash of the process; recursive triggers, so a row an
/// `OR REPLACE` removes fires its DELETE trigger (migration 0003's contact versions count on it).
fn configure(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    Ok(())
}

/// The database of a sandbox. On SQLite one connection serves every call in turn (one writer at
/// a time is what SQLite allows anyway; serialising reads too keeps `:memory:`, one connection,
/// and files on the same path); on PostgreSQL each call in flight has a session of its own.
#[derive(Clone)]
pub struct Db {
    /// SQLite's one connection, or PostgreSQL's sessions.
    conns: Arc<Pool>,
    /// Notified after a call that recorded a webhook delivery (see `webhooks::outbox`).
    outbox: Arc<Notify>,
    /// The virtual clock of this database.
    clock: Clock,
    /// Published to after a call that changed rows (the web inbox's live updates).
    changes: Changes,
}

impl Db {
    /// Opens and migrates the database at `path`.
    pub fn open(path: &DbPath) -> Result<Db, Error> {
        Ok(Db::from_connection(open(path)?))
    }

    /// Wraps an open, migrated connection; its clock starts at the stored offset.
    pub fn from_connection(conn: Connection) -> Db {
        let clock = Clock::default();
        if let Err(e) = clock.sync(&conn) {
            tracing::warn!(error = %e, "reading the virtual clock failed; it starts at the system time");
        }
        Db { conns: Arc::new(Pool::new(conn)), outbox: Arc::new(Notify::new()), clock, changes: Changes::default() }
    }

    /// The virtual clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Runs `f` on the connection, blocking the calling thread.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let (value, changed) = {
            let mut conn = self.lock();
            let before = conn.total_changes();
            let value = f(&mut conn);
            (value, conn.total_changes() != before)
        };
        if crate::webhooks::outbox::take_written() {
            self.outbox.notify_one();
        }
        if changed {
            self.changes.publish();
        }
        value
    }

    /// The change notices of this database (and of what reads of it show).
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// What wakes the webhook worker: notified after a call that recorded a delivery.
    pub fn outbox_notify(&self) -> Arc<Notify> {
        Arc::clone(&self.outbox)
    }

    /// Runs `f` on the connection on tokio's blocking pool. A request that is dropped (its
    /// client went away, or it timed out) while `f` waits for the connection leaves `f`
    /// unrun, so abandoned requests queued behind a long one cost nothing.
    pub async fn call<T, F>(&self, f: F) -> T
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> T + Send + 'static,
    {
        let db = self.clone();
        let waiting = Arc::new(());
        let caller = Arc::downgrade(&waiting);
        let task = tokio::task::spawn_blocking(move || db.with(|conn| (caller.strong_count() > 0).then(|| f(conn))));
        match task.await {
            Ok(Some(value)) => value,
            // `waiting` lives as long as this future, so `f` saw it alive and ran.
            Ok(None) => std::future::pending().await,
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        }
    }

    fn lock(&self) -> Lease<'_> {
        self.conns.lease()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_dropped_while_it_waits_for_the_connection_does_not_run() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let db = Db::open(&DbPath::Memory).unwrap();
        let busy = db.clone();
        // A long call holds the connection for 300 ms.
        let holder = std::thread::spawn(move || busy.with(|_| std::thread::sleep(Duration::from_millis(300))));
        std::thread::sleep(Duration::from_millis(50));
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let queued = db.call(move |_| flag.store(true, Ordering::SeqCst));
        assert!(tokio::time::timeout(Duration::from_millis(50), queued).await.is_err(), "still waiting");
        holder.join().unwrap();
        let after: i64 = db.call(|conn| conn.query_row("SELECT 1", [], |r| r.get(0)).unwrap()).await;
        assert_eq!(after, 1);
        // The abandoned task may take the connection after the call above: give it the time.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!ran.load(Ordering::SeqCst), "the abandoned call ran");
    }

    #[test]
    fn migrations_are_valid() {
        migrations_up_to(MIGRATIONS.len()).validate().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_database_and_its_wal_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sandbox.db");
        let conn = open(&DbPath::File(file.clone())).unwrap();
        conn.execute("INSERT INTO plans (name) VALUES ('x')", []).unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{}{suffix}", file.display());
            let mode = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{path}: {e}")).permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{path}");
        }
    }

    #[test]
    fn a_tampered_schema_version_names_the_versions_not_the_sql() {
        let dir = tempfile::tempdir().unwrap();
        let file = DbPath::File(dir.path().join("sandbox.db"));
        let latest = MIGRATIONS.len();
        open(&file).unwrap();
        tamper(&file, 1);
        let error = open(&file).unwrap_err().to_string();
        assert!(error.starts_with(&format!("migrating the database from schema version 1 to {latest} failed at migration 2: ")), "{error}");
        assert!(!error.contains("CREATE"), "no SQL in {error}");
        for version in [99, -1] {
            tamper(&file, version);
            let error = open(&file).unwrap_err().to_string();
            assert_eq!(error, format!("the database's schema version {version} is not one this sandbox knows (0 to {latest})"));
        }
    }

    /// Sets the schema version without migrating.
    fn tamper(path: &DbPath, version: i64) {
        let DbPath::File(file) = path else { unreachable!() };
        rusqlite::Connection::open(file).unwrap().pragma_update(None, "user_version", version).unwrap();
    }

    #[test]
    fn file_database_uses_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&DbPath::File(dir.path().join("nested/sandbox.db"))).unwrap();
        let mode: String = conn.sqlite().unwrap().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.sqlite().unwrap().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        drop(conn);
        // reopening an existing database applies nothing twice
        open(&DbPath::File(dir.path().join("nested/sandbox.db"))).unwrap();
    }
}
