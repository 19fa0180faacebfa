//! The one SQL interface the store is written against, over either engine: an embedded SQLite
//! file (rusqlite, the default) or a PostgreSQL server (tokio-postgres, `--db postgres://…`).
//!
//! The store keeps one copy of its business rules: it speaks rusqlite's vocabulary (`params!`,
//! `ToSql`/`FromSql` values, `OptionalExtension`, `rusqlite::Result`) through this module's
//! `Connection`, `Transaction`, `Statement` and `Row`. On PostgreSQL each statement is
//! translated once (`pg::translate`: `?N` placeholders become `$N`, `LIKE` becomes `ILIKE`,
//! SQLite's case-insensitive comparison), values cross as SQLite's five storage classes, and
//! the schema (`migrations/postgres/`) gives the few SQLite functions the store uses
//! (`json_each`, `json_valid`) and the `nocase` collation their PostgreSQL equivalents.
//!
//! Write transactions on PostgreSQL take one advisory lock: the rules that read before they
//! write (uniqueness pre-checks, plan limits, OTP attempts) then see every replica's committed
//! writes, as they see one writer on SQLite, and unique indexes back them up either way.

mod pg;
pub mod pool;

use std::cell::Cell;

use rusqlite::ToSql;
use rusqlite::types::{FromSql, Value, ValueRef};

pub use pg::{PgConfig, PgConnection};

/// An open database of either engine.
pub enum Connection {
    /// The embedded default.
    Sqlite(rusqlite::Connection),
    /// A PostgreSQL server shared by any number of sandboxes.
    Postgres(PgConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Connection").field(&self.engine()).finish()
    }
}

/// Which engine a connection speaks to (the few statements that differ branch on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Connection {
    /// The engine behind this connection.
    pub fn engine(&self) -> Engine {
        match self {
            Connection::Sqlite(_) => Engine::Sqlite,
            Connection::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs one statement, returning the number of rows it changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        match self {
            Connection::Sqlite(conn) => conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.into_values()?)),
            Connection::Postgres(conn) => conn.execute(sql, &params.into_values()?),
        }
    }

    /// Runs several statements separated by semicolons, without parameters.
    pub fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        match self {
            Connection::Sqlite(conn) => conn.execute_batch(sql),
            Connection::Postgres(conn) => conn.batch(sql),
        }
    }

    /// The first row of a query, mapped; `QueryReturnedNoRows` when there is none.
    pub fn query_row<T, P: Params>(&self, sql: &str, params: P, f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// A statement to run (cached by its text on both engines).
    pub fn prepare(&self, sql: &str) -> rusqlite::Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// A statement to run, cached by its text.
    pub fn prepare_cached(&self, sql: &str) -> rusqlite::Result<Statement<'_>> {
        Ok(match self {
            Connection::Sqlite(conn) => Statement::Sqlite(conn.prepare_cached(sql)?),
            Connection::Postgres(conn) => Statement::Postgres { conn, sql: sql.to_owned() },
        })
    }

    /// The id the last INSERT gave its row (SQLite's rowid; PostgreSQL's `lastval()`, the
    /// last identity value of this session).
    pub fn last_insert_rowid(&self) -> i64 {
        match self {
            Connection::Sqlite(conn) => conn.last_insert_rowid(),
            Connection::Postgres(conn) => conn.last_insert_id(),
        }
    }

    /// Rows changed by this connection since it opened (the web inbox's change notices).
    pub fn total_changes(&self) -> u64 {
        match self {
            Connection::Sqlite(conn) => conn.total_changes(),
            Connection::Postgres(conn) => conn.total_changes(),
        }
    }

    /// Whether no transaction is open.
    pub fn is_autocommit(&self) -> bool {
        match self {
            Connection::Sqlite(conn) => conn.is_autocommit(),
            Connection::Postgres(conn) => !conn.in_transaction(),
        }
    }

    /// Opens a transaction; it rolls back when dropped without `commit`.
    pub fn transaction(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.unchecked_transaction()
    }

    /// Opens a transaction that only reads, for answers that must be consistent (a list page
    /// and its total): on PostgreSQL one snapshot (REPEATABLE READ, READ ONLY) without the
    /// write lock, so reads of several sessions and replicas run side by side.
    pub fn read_transaction(&self) -> rusqlite::Result<Transaction<'_>> {
        match self {
            Connection::Sqlite(conn) => conn.execute_batch("BEGIN DEFERRED")?,
            Connection::Postgres(conn) => conn.begin_read()?,
        }
        Ok(Transaction { conn: self, open: Cell::new(true) })
    }

    /// Opens a transaction through a shared reference (the caller makes sure none is open).
    pub fn unchecked_transaction(&self) -> rusqlite::Result<Transaction<'_>> {
        match self {
            Connection::Sqlite(conn) => conn.execute_batch("BEGIN DEFERRED")?,
            Connection::Postgres(conn) => conn.begin()?,
        }
        Ok(Transaction { conn: self, open: Cell::new(true) })
    }

    /// After rows were inserted with explicit ids (the example data): the next id each table
    /// gives is above them. SQLite does so by itself; PostgreSQL's identity sequences are moved.
    pub fn ids_follow(&self, tables: &[&str]) -> rusqlite::Result<()> {
        if let Connection::Postgres(conn) = self {
            for table in tables {
                conn.batch(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))?;
            }
        }
        Ok(())
    }

    /// The SQLite connection, for what only SQLite has (pragmas, migrations, backups).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Sqlite(conn) => Some(conn),
            Connection::Postgres(_) => None,
        }
    }
}

/// An open transaction; derefs to its connection.
pub struct Transaction<'c> {
    conn: &'c Connection,
    open: Cell<bool>,
}

impl Transaction<'_> {
    /// Commits.
    pub fn commit(self) -> rusqlite::Result<()> {
        self.open.set(false);
        match self.conn {
            Connection::Sqlite(conn) => conn.execute_batch("COMMIT"),
            Connection::Postgres(conn) => conn.commit(),
        }
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.open.get() {
            return;
        }
        let rolled_back = match self.conn {
            Connection::Sqlite(conn) => conn.execute_batch("ROLLBACK"),
            Connection::Postgres(conn) => conn.rollback(),
        };
        if let Err(e) = rolled_back {
            tracing::warn!(error = %e, "rolling back a transaction failed");
        }
    }
}

/// A prepared statement.
pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres { conn: &'c PgConnection, sql: String },
}

impl Statement<'_> {
    /// Runs it, returning the number of rows changed.
    pub fn execute<P: Params>(&mut self, params: P) -> rusqlite::Result<usize> {
        match self {
            Statement::Sqlite(stmt) => stmt.execute(rusqlite::params_from_iter(params.into_values()?)),
            Statement::Postgres { conn, sql } => conn.execute(sql, &params.into_values()?),
        }
    }

    /// Every row, mapped.
    pub fn query_map<T, P: Params>(
        &mut self,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<std::vec::IntoIter<rusqlite::Result<T>>> {
        let rows: Vec<rusqlite::Result<T>> = match self {
            Statement::Sqlite(stmt) => {
                let mut out = Vec::new();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.into_values()?))?;
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row)));
                }
                out
            }
            Statement::Postgres { conn, sql } => conn.query(sql, &params.into_values()?)?.iter().map(|row| f(&Row::Postgres(row))).collect(),
        };
        Ok(rows.into_iter())
    }

    /// The first row, mapped; `QueryReturnedNoRows` when there is none.
    pub fn query_row<T, P: Params>(&mut self, params: P, f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        match self {
            Statement::Sqlite(stmt) => stmt.query_row(rusqlite::params_from_iter(params.into_values()?), |row| f(&Row::Sqlite(row))),
            Statement::Postgres { conn, sql } => {
                let rows = conn.query(sql, &params.into_values()?)?;
                rows.first().map_or(Err(rusqlite::Error::QueryReturnedNoRows), |row| f(&Row::Postgres(row)))
            }
        }
    }
}

/// One row of a result.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r tokio_postgres::Row),
}

impl Row<'_> {
    /// Column `index`, converted as rusqlite converts SQLite's values.
    pub fn get<I: ColumnIndex, T: FromSql>(&self, index: I) -> rusqlite::Result<T> {
        let index = index.index();
        match self {
            Row::Sqlite(row) => row.get(index),
            Row::Postgres(row) => {
                let value = pg::column(row, index)?;
                T::column_result(ValueRef::from(&value)).map_err(|e| from_sql_error(index, &value, e))
            }
        }
    }
}

/// A column's position (rusqlite's `row.get::<_, T>(0)` shape, by index only).
pub trait ColumnIndex {
    /// The position, from 0.
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// A conversion failure of column `index`, as rusqlite reports it.
fn from_sql_error(index: usize, value: &Value, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    use rusqlite::types::FromSqlError;
    match e {
        FromSqlError::InvalidType => rusqlite::Error::InvalidColumnType(index, index.to_string(), value.data_type()),
        FromSqlError::OutOfRange(n) => rusqlite::Error::IntegralValueOutOfRange(index, n),
        other => rusqlite::Error::FromSqlConversionFailure(index, value.data_type(), Box::new(other)),
    }
}

/// The parameters of a statement: what rusqlite's `params!`, arrays and `()` give, and
/// `params_from_iter`. Each becomes one of SQLite's values, which both engines bind.
pub trait Params {
    /// The values, in order.
    fn into_values(self) -> rusqlite::Result<Vec<Value>>;
}

fn value_of(param: &dyn ToSql) -> rusqlite::Result<Value> {
    use rusqlite::types::ToSqlOutput;
    Ok(match param.to_sql()? {
        ToSqlOutput::Borrowed(value) => Value::try_from(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        ToSqlOutput::Owned(value) => value,
        other => return Err(rusqlite::Error::ToSqlConversionFailure(format!("unsupported parameter {other:?}").into())),
    })
}

impl Params for () {
    fn into_values(self) -> rusqlite::Result<Vec<Value>> {
        Ok(Vec::new())
    }
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn into_values(self) -> rusqlite::Result<Vec<Value>> {
        Ok(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn into_values(self) -> rusqlite::Result<Vec<Value>> {
        self.iter().map(|p| value_of(*p)).collect()
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn into_values(self) -> rusqlite::Result<Vec<Value>> {
                self.iter().map(|p| value_of(p)).collect()
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Parameters from an iterator (a statement built at run time).
pub struct ParamsFromIter<I>(I);

/// The parameters an iterator yields.
pub fn params_from_iter<I>(iter: I) -> ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    ParamsFromIter(iter)
}

impl<I> Params for ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    fn into_values(self) -> rusqlite::Result<Vec<Value>> {
        self.0.into_iter().map(|p| value_of(&p)).collect()
    }
}

#[cfg(test)]
mod tests;
