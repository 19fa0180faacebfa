//! The connections a `Db` hands out: one for SQLite (one writer at a time is what SQLite allows,
//! and `:memory:` is one connection), up to `PG_SESSIONS` for PostgreSQL, opened as the load
//! asks for them, so that calls of one sandbox read in parallel as the server allows.
//!
//! Own code rather than r2d2: a call always gets a connection, even while the server is away
//! (its statements then fail with the connection's error, and the store maps that to a 500),
//! because the store's calls report failures through their statements and cannot take "no
//! connection" instead; r2d2's `get` has none to give then. A session that ended is replaced
//! before it is lent again.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::{Connection, PgConfig, PgConnection};

/// Most PostgreSQL sessions one sandbox opens.
pub const PG_SESSIONS: usize = 8;

/// The connections, idle ones kept for the next call.
pub struct Pool {
    state: Mutex<State>,
    returned: Condvar,
    /// Where new PostgreSQL sessions connect (none for SQLite: its one connection is all).
    postgres: Option<PgConfig>,
}

struct State {
    idle: Vec<Connection>,
    /// Connections that exist, lent or idle.
    open: usize,
}

impl Pool {
    /// A pool of `first` and, for PostgreSQL, the sessions it opens when every one is lent.
    pub fn new(first: Connection) -> Pool {
        let postgres = match &first {
            Connection::Postgres(pg) => Some(pg.config().clone()),
            Connection::Sqlite(_) => None,
        };
        Pool { state: Mutex::new(State { idle: vec![first], open: 1 }), returned: Condvar::new(), postgres }
    }

    /// An idle connection, a new session when every one is lent and there is room, else the
    /// next one returned. A panic while one is lent rolled back its transaction (the
    /// `Transaction` dropped), so the connection goes back consistent.
    pub fn lease(&self) -> Lease<'_> {
        let mut state = self.lock();
        loop {
            if let Some(mut conn) = state.idle.pop() {
                drop(state);
                reconnect_if_closed(&mut conn);
                return Lease { pool: self, conn: Some(conn) };
            }
            if let Some(config) = self.postgres.as_ref().filter(|_| state.open < PG_SESSIONS) {
                state.open += 1;
                drop(state);
                match PgConnection::connect(config) {
                    Ok(pg) => return Lease { pool: self, conn: Some(Connection::Postgres(pg)) },
                    Err(e) => {
                        tracing::warn!(error = %e, db = %config, "opening another PostgreSQL session failed; waiting for a lent one");
                        state = self.lock();
                        state.open -= 1;
                        continue;
                    }
                }
            }
            state = self.returned.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A lent connection; back to the pool when dropped.
pub struct Lease<'p> {
    pool: &'p Pool,
    conn: Option<Connection>,
}

impl std::ops::Deref for Lease<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("a lease holds its connection until dropped")
    }
}

impl std::ops::DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.lock().idle.push(conn);
            self.pool.returned.notify_one();
        }
    }
}

/// A PostgreSQL session that ended (the server restarted) is replaced by a new one; while the
/// server is away, each call fails with the connection's error and the next one tries again.
fn reconnect_if_closed(conn: &mut Connection) {
    let Connection::Postgres(pg) = conn else { return };
    if !pg.is_closed() {
        return;
    }
    match PgConnection::connect(pg.config()) {
        Ok(new) => {
            tracing::warn!(db = %new.config(), "the PostgreSQL session had ended; connected again");
            *conn = Connection::Postgres(new);
        }
        Err(e) => tracing::warn!(error = %e, db = %pg.config(), "the PostgreSQL session has ended and connecting again failed"),
    }
}
