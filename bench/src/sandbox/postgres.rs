//! The sandbox rows on PostgreSQL, beside SQLite's: the same get-contact, list-contacts and
//! create-contact loads on a database of as many contacts, served by one replica (a child
//! process on a PostgreSQL schema), then by two replicas (two child processes on that schema,
//! the load's connections split between them).
//!
//! The server is the one `WACR_BENCH_POSTGRES` names (a `postgres://` URL whose role may
//! create schemas), else `WACR_TEST_POSTGRES` (the sandbox suite's); without either, or when
//! it does not answer, one row says how to get these rows. Each run prepares a new schema
//! (`wacr_bench_<pid>_<time>`) and drops it at the end. The contacts are written as on SQLite
//! (`seed`), then `VACUUM ANALYZE` does what autovacuum would soon after (the planner's
//! statistics, the visibility map and the rows' hint bits), so that the first load does not
//! pay for it.

use anyhow::anyhow;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wacr_sandbox::DbPath;
use wacr_sandbox::sql::{Connection, PgConfig, PgConnection};

use super::{CONNECTIONS, Loads, Prepared, Server, rate, thousands};
use crate::table::Row;
use crate::{Settings, stats};

/// The environment variables naming the server, in the order they are read.
pub const ENV: [&str; 2] = ["WACR_BENCH_POSTGRES", "WACR_TEST_POSTGRES"];

const WHAT: &str = "sandbox on PostgreSQL, 1 and 2 replicas";
const HOW: &str = "set WACR_BENCH_POSTGRES (or WACR_TEST_POSTGRES) to a PostgreSQL URL whose role may create schemas, \
                   e.g. `WACR_BENCH_POSTGRES=postgres://wacr:wacr@127.0.0.1:5432/postgres cargo xtask bench --only sandbox`";

/// The PostgreSQL rows, compared with SQLite's (`sqlite`, seeded as `sqlite_prepared`): a row
/// saying why when they are skipped or fail, so that the SQLite rows stand either way.
pub fn rows(settings: &Settings, contacts: usize, sqlite_prepared: &Prepared, sqlite: &mut Loads) -> Vec<Row> {
    let Some(url) = ENV.iter().find_map(|name| std::env::var(name).ok().filter(|url| !url.is_empty())) else {
        return vec![Row::new(WHAT, format!("skipped: no PostgreSQL server named; {HOW}"))];
    };
    let admin = match PgConnection::connect(&PgConfig { url: with_connect_timeout(&url) }) {
        Ok(conn) => Connection::Postgres(conn),
        Err(e) => {
            let cause = anyhow::Error::from(e);
            return vec![Row::new(WHAT, format!("skipped: {} does not answer ({cause:#}); {HOW}", PgConfig { url }))];
        }
    };
    let measured = Schema::create(admin, &url).and_then(|schema| {
        eprintln!("wacr-bench: sandbox on PostgreSQL, schema {}", schema.name);
        measure(settings, contacts, &schema, sqlite_prepared, sqlite)
    });
    measured.unwrap_or_else(|e| vec![Row::new(WHAT, format!("failed: {e:#}"))])
}

fn measure(settings: &Settings, contacts: usize, schema: &Schema, sqlite_prepared: &Prepared, sqlite: &mut Loads) -> anyhow::Result<Vec<Row>> {
    let prepared = super::prepare(&schema.db, contacts)?;
    let began = Instant::now();
    schema.admin.execute_batch(&format!("VACUUM ANALYZE {}.contacts", schema.name)).map_err(|e| anyhow!("VACUUM ANALYZE: {e}"))?;
    let vacuum = began.elapsed();
    let one = Server::start(&schema.db)?;
    let mut single = Loads::run(settings, &[one.addr], &prepared, contacts, "+1667", || ())?;
    let two = Server::start(&schema.db)?;
    let mut pair = Loads::run(settings, &[one.addr, two.addr], &prepared, contacts, "+1668", || ())?;
    one.stop();
    two.stop();

    let seeded = format!("{} (then VACUUM ANALYZE {})", stats::duration(prepared.seeding), stats::duration(vacuum));
    let mut rows = vec![
        Row::new(format!("sandbox on PostgreSQL: seed {} contacts in one transaction (multi-row INSERTs)", thousands(contacts)), seeded)
            .compared(format!("SQLite {}", stats::duration(sqlite_prepared.seeding))),
    ];
    let replicas = format!("2 replicas (two processes on one schema, {} connections each)", CONNECTIONS / 2);
    let loads = [
        ("get-contact", &mut sqlite.get, &mut single.get, &mut pair.get),
        ("list-contacts", &mut sqlite.list, &mut single.list, &mut pair.list),
        ("create-contact", &mut sqlite.create, &mut single.create, &mut pair.create),
    ];
    for (what, sqlite, single, pair) in loads {
        let per_second = (sqlite.per_second().max(1e-9), single.per_second().max(1e-9), pair.per_second());
        rows.push(
            Row::new(format!("sandbox on PostgreSQL, 1 replica: {what}"), rate(single))
                .compared(format!("SQLite {}", rate(sqlite)))
                .ratio(per_second.1 / per_second.0),
        );
        rows.push(
            Row::new(format!("sandbox on PostgreSQL, {replicas}: {what}"), rate(pair))
                .compared(format!("1 replica {}", stats::rate(per_second.1)))
                .ratio(per_second.2 / per_second.1),
        );
    }
    Ok(rows)
}

/// `url` with a 5 s `connect_timeout` unless it sets one, so a server that never answers
/// skips the rows instead of hanging the bench.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout=5")
}

/// A new schema for one run, dropped (with everything in it) when this is dropped.
struct Schema {
    admin: Connection,
    name: String,
    /// The database the sandboxes open: the server's URL with the schema first on the search
    /// path (`public` after it, for the `citext` extension).
    db: DbPath,
}

impl Schema {
    fn create(admin: Connection, url: &str) -> anyhow::Result<Schema> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("wacr_bench_{}_{nanos}", std::process::id());
        // citext once per database (extensions are not per schema), under the lock the
        // sandbox's test schemas take for it
        admin
            .execute_batch(&format!("SELECT pg_advisory_xact_lock(7); CREATE EXTENSION IF NOT EXISTS citext SCHEMA public; CREATE SCHEMA {name}"))
            .map_err(|e| anyhow!("creating the schema {name}: {e}"))?;
        let separator = if url.contains('?') { '&' } else { '?' };
        let db = DbPath::Postgres(PgConfig { url: format!("{url}{separator}options=-c%20search_path%3D{name}%2Cpublic") });
        Ok(Schema { admin, name, db })
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Err(e) = self.admin.execute_batch(&format!("DROP SCHEMA {} CASCADE", self.name)) {
            eprintln!("wacr-bench: dropping the schema {} failed: {e}", self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_seeded_on_a_schema_that_is_dropped_after() {
        let Some(url) = ENV.iter().find_map(|name| std::env::var(name).ok()) else {
            println!("skipped: {HOW}");
            return;
        };
        let admin = Connection::Postgres(PgConnection::connect(&PgConfig { url: url.clone() }).unwrap());
        let schema = Schema::create(admin, &url).unwrap();
        let name = schema.name.clone();
        super::super::seed::tests::seeds_contacts_and_moves_the_ids_on(&schema.db);
        drop(schema);
        let admin = Connection::Postgres(PgConnection::connect(&PgConfig { url }).unwrap());
        let left: i64 = admin.query_row("SELECT COUNT(*) FROM pg_namespace WHERE nspname = ?1", [name.as_str()], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "the schema {name} is dropped");
    }

    #[test]
    fn a_connect_timeout_is_added_unless_the_url_has_one() {
        assert_eq!(with_connect_timeout("postgres://u@h/db"), "postgres://u@h/db?connect_timeout=5");
        assert_eq!(with_connect_timeout("postgres://u@h/db?sslmode=disable"), "postgres://u@h/db?sslmode=disable&connect_timeout=5");
        assert_eq!(with_connect_timeout("postgres://u@h/db?connect_timeout=1"), "postgres://u@h/db?connect_timeout=1");
    }
}
