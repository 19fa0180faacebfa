//! The PostgreSQL side of `sql`: a tokio-postgres client driven synchronously (its connection
//! runs on a thread of its own, so the store's blocking calls work from any thread, inside a
//! runtime or not), the translation of the store's SQLite-flavoured statements, values crossing
//! as SQLite's storage classes, and PostgreSQL's errors reported as SQLite's where the store
//! tells them apart (constraint violations).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::{BufMut, BytesMut};
use rusqlite::types::Value;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Row};

/// The advisory lock every write transaction takes (see the module docs of `sql`): one per
/// schema, so that sandboxes on different schemas of one database do not wait for each other.
const WRITE_LOCK: &str = "pg_advisory_xact_lock(hashtext('wacr:' || current_schema()))";

/// Where a PostgreSQL database is: a libpq-style URL (`postgres://user:pass@host:port/db`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgConfig {
    pub url: String,
}

impl std::fmt::Display for PgConfig {
    /// The URL without its password (in the user part or a `password=` parameter).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (address, query) = self.url.split_once('?').map_or((self.url.as_str(), None), |(address, query)| (address, Some(query)));
        match address.split_once("://").and_then(|(scheme, rest)| rest.split_once('@').map(|(user, host)| (scheme, user, host))) {
            Some((scheme, user, host)) => {
                let user = user.split_once(':').map_or(user, |(name, _)| name);
                write!(f, "{scheme}://{user}@{host}")?;
            }
            None => f.write_str(address)?,
        }
        if let Some(query) = query {
            let kept: Vec<&str> = query.split('&').map(|pair| if pair.starts_with("password=") { "password=…" } else { pair }).collect();
            write!(f, "?{}", kept.join("&"))?;
        }
        Ok(())
    }
}

/// One session with the server.
pub struct PgConnection {
    config: PgConfig,
    client: Client,
    statements: RefCell<HashMap<String, tokio_postgres::Statement>>,
    in_transaction: Cell<bool>,
    changes: Cell<u64>,
}

impl PgConnection {
    /// Connects; the connection's I/O runs on a thread of its own until the client drops.
    pub fn connect(config: &PgConfig) -> Result<PgConnection, tokio_postgres::Error> {
        let (sender, receiver) = std::sync::mpsc::channel();
        let url = config.url.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime for the PostgreSQL connection");
        std::thread::Builder::new()
            .name("wacr-postgres".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio_postgres::connect(&url, NoTls).await {
                        Ok((client, connection)) => {
                            let _ = sender.send(Ok(client));
                            if let Err(e) = connection.await {
                                let error = e.as_db_error().map_or_else(|| e.to_string(), ToString::to_string);
                                tracing::warn!(%error, "the PostgreSQL connection ended");
                            }
                        }
                        Err(e) => {
                            let _ = sender.send(Err(e));
                        }
                    }
                })
            })
            .expect("a thread for the PostgreSQL connection");
        let client = receiver.recv().expect("the connecting thread answers")?;
        Ok(PgConnection { config: config.clone(), client, statements: RefCell::default(), in_transaction: Cell::new(false), changes: Cell::new(0) })
    }

    /// Whether the session ended (the server restarted or the network failed): `Db` then
    /// connects again before the next call.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Where this session is connected.
    pub fn config(&self) -> &PgConfig {
        &self.config
    }

    fn statement(&self, sql: &str) -> rusqlite::Result<tokio_postgres::Statement> {
        if let Some(stmt) = self.statements.borrow().get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = block_on(self.client.prepare(&translate(sql))).map_err(error)?;
        self.statements.borrow_mut().insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    pub(crate) fn query(&self, sql: &str, values: &[Value]) -> rusqlite::Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let params: Vec<PgValue<'_>> = values.iter().map(PgValue).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.guarded(is_write(sql), || block_on(self.client.query(&stmt, &refs)))
    }

    pub(super) fn execute(&self, sql: &str, values: &[Value]) -> rusqlite::Result<usize> {
        let stmt = self.statement(sql)?;
        let params: Vec<PgValue<'_>> = values.iter().map(PgValue).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let changed = self.guarded(is_write(sql), || block_on(self.client.execute(&stmt, &refs)))?;
        self.changes.set(self.changes.get() + changed);
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    /// Runs a write inside a savepoint when a transaction is open: a failed statement then
    /// leaves the transaction usable, as on SQLite, where only the statement is undone.
    fn guarded<T>(&self, write: bool, run: impl FnOnce() -> Result<T, tokio_postgres::Error>) -> rusqlite::Result<T> {
        if !(write && self.in_transaction.get()) {
            return run().map_err(error);
        }
        self.simple("SAVEPOINT wacr_statement")?;
        match run() {
            Ok(value) => {
                self.simple("RELEASE SAVEPOINT wacr_statement")?;
                Ok(value)
            }
            Err(e) => {
                self.simple("ROLLBACK TO SAVEPOINT wacr_statement; RELEASE SAVEPOINT wacr_statement")?;
                Err(error(e))
            }
        }
    }

    fn simple(&self, sql: &str) -> rusqlite::Result<()> {
        block_on(self.client.batch_execute(sql)).map_err(error)
    }

    pub(crate) fn batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.simple(&translate(sql))
    }

    pub(super) fn begin(&self) -> rusqlite::Result<()> {
        self.simple(&format!("BEGIN; SELECT {WRITE_LOCK}"))?;
        self.in_transaction.set(true);
        Ok(())
    }

    pub(super) fn begin_read(&self) -> rusqlite::Result<()> {
        self.simple("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        self.in_transaction.set(true);
        Ok(())
    }

    pub(super) fn commit(&self) -> rusqlite::Result<()> {
        self.in_transaction.set(false);
        self.simple("COMMIT")
    }

    pub(super) fn rollback(&self) -> rusqlite::Result<()> {
        self.in_transaction.set(false);
        self.simple("ROLLBACK")
    }

    pub(super) fn in_transaction(&self) -> bool {
        self.in_transaction.get()
    }

    pub(super) fn total_changes(&self) -> u64 {
        self.changes.get()
    }

    /// `lastval()`: the identity value the session's last INSERT drew (0 before any).
    pub(super) fn last_insert_id(&self) -> i64 {
        match block_on(self.client.query_one("SELECT lastval()", &[])) {
            Ok(row) => row.get(0),
            Err(_) => 0,
        }
    }

    /// Runs `f` in one transaction holding the write lock (the migrations: a second sandbox
    /// starting at the same time waits, then finds the schema current).
    pub fn migrate<T>(&self, f: impl FnOnce(&Self) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        self.begin()?;
        match f(self) {
            Ok(value) => {
                self.commit()?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }
}

fn is_write(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or("").to_ascii_uppercase();
    matches!(head.as_str(), "INSERT" | "UPDATE" | "DELETE")
}

/// Polls a client future on this thread; the connection's thread does the I/O.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

/// A store statement in PostgreSQL's dialect: `?N` and `?` placeholders become `$N`, and
/// `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case). Quoted text is left alone.
pub(crate) fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0u32;
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                let mut digits = String::new();
                while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    digits = next.to_string();
                }
                out.push('$');
                out.push_str(&digits);
            }
            'L' | 'l' if is_word(sql, i, "LIKE") => {
                out.push_str("ILIKE");
                for _ in 0..3 {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `word` (ASCII, any case) stands at byte `at` of `sql` as a whole word.
fn is_word(sql: &str, at: usize, word: &str) -> bool {
    let bytes = sql.as_bytes();
    let end = at + word.len();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    end <= bytes.len()
        && sql[at..end].eq_ignore_ascii_case(word)
        && (at == 0 || !ident(bytes[at - 1]))
        && bytes.get(end).is_none_or(|b| !ident(*b))
}

/// Column `index` of a row as one of SQLite's values.
pub(super) fn column(row: &Row, index: usize) -> rusqlite::Result<Value> {
    row.try_get::<_, Stored>(index)
        .map(|stored| stored.0)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Null, Box::new(e)))
}

/// A PostgreSQL value read as SQLite would hold it.
struct Stored(Value);

impl<'a> FromSql<'a> for Stored {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Stored(match *ty {
            Type::BOOL => Value::Integer(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_owned()),
            Type::NUMERIC => return Err("a NUMERIC column: cast it to BIGINT in the query".into()),
            // text, varchar, json, citext and the rest of the text-like types
            _ => Value::Text(std::str::from_utf8(raw)?.to_owned()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(Stored(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// One of SQLite's values bound to a parameter of whatever type PostgreSQL inferred for it.
#[derive(Debug)]
struct PgValue<'a>(&'a Value);

impl ToSql for PgValue<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                _ if text_like(ty) => i.to_string().as_str().to_sql(&Type::TEXT, out),
                _ => Err(format!("an integer for a parameter of type {ty}").into()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => Err(format!("a real for a parameter of type {ty}").into()),
            },
            Value::Text(text) => match *ty {
                Type::JSONB => {
                    out.put_u8(1);
                    out.put_slice(text.as_bytes());
                    Ok(IsNull::No)
                }
                Type::INT8 => text.parse::<i64>()?.to_sql(ty, out),
                _ if text_like(ty) => text.as_str().to_sql(&Type::TEXT, out),
                _ => Err(format!("text for a parameter of type {ty}").into()),
            },
            Value::Blob(bytes) => bytes.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn text_like(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON) || ty.name() == "citext"
}

/// A PostgreSQL error as the store tells errors apart: constraint violations as SQLite's
/// (a UNIQUE one naming `table.column, …` as SQLite does), the rest carried as they are.
pub(super) fn error(e: tokio_postgres::Error) -> rusqlite::Error {
    use rusqlite::ffi;
    let Some(db) = e.as_db_error() else { return rusqlite::Error::ToSqlConversionFailure(Box::new(e)) };
    let (code, text) = match *db.code() {
        SqlState::UNIQUE_VIOLATION => (ffi::SQLITE_CONSTRAINT_UNIQUE, format!("UNIQUE constraint failed: {}", key_columns(db))),
        SqlState::FOREIGN_KEY_VIOLATION => (ffi::SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed".to_owned()),
        SqlState::CHECK_VIOLATION => (ffi::SQLITE_CONSTRAINT_CHECK, format!("CHECK constraint failed: {}", db.constraint().unwrap_or(""))),
        SqlState::NOT_NULL_VIOLATION => (ffi::SQLITE_CONSTRAINT_NOTNULL, format!("NOT NULL constraint failed: {}", db.column().unwrap_or(""))),
        _ => return rusqlite::Error::ToSqlConversionFailure(format!("postgres: {db}").into()),
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(text))
}

/// `contacts.tenant_id, contacts.phone_key` from the detail `Key (tenant_id, phone_key)=(…)
/// already exists.` (an expression column such as `lower(name)` names its column).
fn key_columns(db: &tokio_postgres::error::DbError) -> String {
    let table = db.table().unwrap_or("");
    let detail = db.detail().unwrap_or("");
    let Some(columns) = detail.strip_prefix("Key (").and_then(|rest| rest.split_once(")=(")).map(|(columns, _)| columns) else {
        return db.constraint().unwrap_or("").to_owned();
    };
    columns
        .split(", ")
        .map(|column| {
            let column = column.rsplit('(').next().unwrap_or(column).trim_end_matches(')');
            format!("{table}.{column}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
