//! The SQLite database: opening it (WAL, foreign keys, busy timeout), the schema migrations
//! (`migrations/*.sql`, applied on every start, so a new file creates its tables), and `Db`, the
//! one shared connection every request goes through, serialised by a mutex.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::error::Error;

/// Where the database lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbPath {
    /// A file, created on first start.
    File(PathBuf),
    /// A throwaway in-memory database (`:memory:`).
    Memory,
}

impl DbPath {
    /// `:memory:` or a file path.
    pub fn parse(text: &str) -> DbPath {
        if text == ":memory:" { DbPath::Memory } else { DbPath::File(PathBuf::from(text)) }
    }
}

impl std::fmt::Display for DbPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbPath::File(path) => write!(f, "{}", path.display()),
            DbPath::Memory => f.write_str(":memory:"),
        }
    }
}

/// The migrations, oldest first. Never edit one that has shipped: add a new file.
const MIGRATIONS: [&str; 3] = [
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_contact_list_indexes.sql"),
    include_str!("../migrations/0003_contact_list_counts.sql"),
];

fn migrations() -> Migrations<'static> {
    migrations_up_to(MIGRATIONS.len())
}

/// The first `n` migrations (tests build older databases with it).
fn migrations_up_to(n: usize) -> Migrations<'static> {
    Migrations::new(MIGRATIONS[..n].iter().map(|sql| M::up(sql)).collect())
}

/// Opens (creating when needed) and migrates a database.
pub fn open(path: &DbPath) -> Result<Connection, Error> {
    open_with(path, &migrations())
}

/// A database file migrated only up to the first `n` migrations, as an older sandbox left it.
#[cfg(test)]
pub(crate) fn open_at_version(file: &Path, n: usize) -> Result<Connection, Error> {
    open_with(&DbPath::File(file.to_path_buf()), &migrations_up_to(n))
}

fn open_with(path: &DbPath, migrations: &Migrations<'_>) -> Result<Connection, Error> {
    let mut conn = match path {
        DbPath::File(file) => {
            create_parent(file)?;
            Connection::open(file)?
        }
        DbPath::Memory => Connection::open_in_memory()?,
    };
    configure(&conn)?;
    migrations.to_latest(&mut conn)?;
    Ok(conn)
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
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    Ok(())
}

/// The shared connection. One writer at a time is what SQLite allows anyway; serialising reads
/// too keeps `:memory:` (one connection) and files on the same path.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens and migrates the database at `path`.
    pub fn open(path: &DbPath) -> Result<Db, Error> {
        Ok(Db::from_connection(open(path)?))
    }

    /// Wraps an open, migrated connection.
    pub fn from_connection(conn: Connection) -> Db {
        Db { conn: Arc::new(Mutex::new(conn)) }
    }

    /// Runs `f` on the connection, blocking the calling thread.
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        f(&mut self.lock())
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

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction rolled it back when the Transaction dropped, so the
        // connection is still consistent after a poisoning.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
        migrations().validate().unwrap();
    }

    #[test]
    fn file_database_uses_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&DbPath::File(dir.path().join("nested/sandbox.db"))).unwrap();
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        drop(conn);
        // reopening an existing database applies nothing twice
        open(&DbPath::File(dir.path().join("nested/sandbox.db"))).unwrap();
    }
}
