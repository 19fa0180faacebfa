//! Exact list totals without recounting. A list page's `meta.total` is an exact `COUNT(*)` of
//! the rows its conditions match; on a large tenant that count walks tens of thousands of index
//! entries for every page. Here the count is kept per connection, in a TEMP table, under the
//! tenant and the query (the FROM clause, the conditions and their bound values, so two lists
//! asking the same thing share it), together with the tenant's version from a version table
//! that triggers bump in every transaction writing the counted rows (migration 0003:
//! `contact_versions`). A cached total is used only while the version is the one it was counted
//! at, so any write by anyone, this process or another, makes the next list count again.
//!
//! The version and the count must come from one snapshot: callers run [`total`] inside a
//! transaction (a deferred one is enough: writing the TEMP table takes no lock on the database).

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;

use super::Result;

/// Entries kept per connection; older ones go first when there are more.
const KEEP: i64 = 1024;

const CREATE: &str = "CREATE TEMP TABLE IF NOT EXISTS list_counts (\
     tenant_id INTEGER NOT NULL, query TEXT NOT NULL, version INTEGER NOT NULL, total INTEGER NOT NULL, \
     PRIMARY KEY (tenant_id, query))";

/// A per-tenant version table kept by triggers, as `contact_versions`: `(tenant_id, version)`;
/// a tenant without a row is at version 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Versions(pub &'static str);

/// The contacts' versions (migration 0003).
pub(crate) const CONTACTS: Versions = Versions("contact_versions");

/// The tenant's current version in `versions`.
pub(crate) fn version(conn: &Connection, versions: Versions, tenant_id: i64) -> Result<i64> {
    let sql = format!("SELECT COALESCE((SELECT version FROM {} WHERE tenant_id = ?1), 0)", versions.0);
    Ok(conn.prepare_cached(&sql)?.query_row([tenant_id], |r| r.get(0))?)
}

/// The total of `query` for the tenant: the cached one while the tenant's version is unchanged,
/// else `count()`, remembered under the current version.
pub(crate) fn total(conn: &Connection, versions: Versions, tenant_id: i64, query: &str, count: impl FnOnce() -> Result<i64>) -> Result<i64> {
    conn.prepare_cached(CREATE)?.execute([])?;
    let version = version(conn, versions, tenant_id)?;
    let key = format!("{}\n{query}", versions.0);
    let cached: Option<i64> = conn
        .prepare_cached("SELECT total FROM temp.list_counts WHERE tenant_id = ?1 AND query = ?2 AND version = ?3")?
        .query_row(params![tenant_id, key, version], |r| r.get(0))
        .optional()?;
    if let Some(total) = cached {
        return Ok(total);
    }
    let total = count()?;
    conn.prepare_cached("INSERT OR REPLACE INTO temp.list_counts (tenant_id, query, version, total) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![tenant_id, key, version, total])?;
    // the tenant's totals of older versions can never be used again; and the table stays small
    conn.prepare_cached(
        "DELETE FROM temp.list_counts WHERE (tenant_id = ?1 AND version != ?2) OR rowid <= (SELECT MAX(rowid) FROM temp.list_counts) - ?3",
    )?
    .execute(params![tenant_id, version, KEEP])?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    #[test]
    fn a_total_is_counted_again_only_after_the_version_moves() {
        let mut f = Fixture::new();
        if !f.on_sqlite() {
            return; // the cache is SQLite's (the list asks it only there)
        }
        let ctx = f.ctx();
        let tx = f.conn.unchecked_transaction().unwrap();
        let mut counted = 0;
        let mut count = |n| {
            counted += 1;
            Ok(n)
        };
        assert_eq!(total(&tx, CONTACTS, ctx.tenant_id, "q", || count(7)).unwrap(), 7);
        assert_eq!(total(&tx, CONTACTS, ctx.tenant_id, "q", || count(8)).unwrap(), 7, "cached");
        assert_eq!(total(&tx, CONTACTS, ctx.tenant_id, "other", || count(9)).unwrap(), 9, "another query");
        assert_eq!(total(&tx, CONTACTS, f.other, "q", || count(10)).unwrap(), 10, "another tenant");
        tx.commit().unwrap();

        let before = version(&f.conn, CONTACTS, ctx.tenant_id).unwrap();
        f.contact("+15550009001");
        assert_eq!(version(&f.conn, CONTACTS, ctx.tenant_id).unwrap(), before + 1);
        assert_eq!(total(&f.conn, CONTACTS, ctx.tenant_id, "q", || count(11)).unwrap(), 11, "a write moved the version");
        assert_eq!(total(&f.conn, CONTACTS, f.other, "q", || count(12)).unwrap(), 10, "the other tenant's version did not move");
        assert_eq!(counted, 4, "7, 9, 10 and 11 were counted");
    }

    #[test]
    fn the_cache_stays_small() {
        let f = Fixture::new();
        if !f.on_sqlite() {
            return; // the cache is SQLite's (the list asks it only there)
        }
        for i in 0..KEEP + 50 {
            total(&f.conn, CONTACTS, f.tenant, &format!("q{i}"), || Ok(i)).unwrap();
        }
        let rows: i64 = f.conn.query_row("SELECT COUNT(*) FROM temp.list_counts", [], |r| r.get(0)).unwrap();
        assert!(rows <= KEEP + 1, "{rows} entries");
        // the newest entries are still there
        assert_eq!(total(&f.conn, CONTACTS, f.tenant, &format!("q{}", KEEP + 49), || Ok(-1)).unwrap(), KEEP + 49);
    }
}
