//! Lead sources (`sources.yaml`): list, create, get, rename, and delete unless a contact still
//! has the source.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::query::{ListSpec, fetch_page};
use super::{Ctx, Error, ListParams, Page, Result, unique_violation};
use crate::clock::Ts;

/// A lead source (SourceResource).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub created_at: Ts,
    pub updated_at: Ts,
}

const UNIQUE: &str = "A source with this name already exists";

const LIST: ListSpec = ListSpec {
    sort: &[("name", "s.name"), ("created_at", "s.created_at"), ("updated_at", "s.updated_at")],
    default_sort: Some(("name", false)),
    search: &["s.name"],
    filters: &[],
    id_column: "s.id",
};

const COLUMNS: &str = "s.id, s.name, s.created_at, s.updated_at";

pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Source> {
    Ok(Source { id: row.get(0)?, name: row.get(1)?, created_at: Ts(row.get(2)?), updated_at: Ts(row.get(3)?) })
}

/// List Sources.
pub fn list(conn: &Connection, ctx: &Ctx, params: &ListParams) -> Result<Page<Source>> {
    fetch_page(conn, &LIST, params, "sources s", ("s.tenant_id = ?", vec![ctx.tenant_id.into()]), COLUMNS, from_row)
}

/// Get Source.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Source> {
    find(conn, ctx, id)?.ok_or(Error::not_found("source"))
}

pub(crate) fn find(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Option<Source>> {
    let sql = format!("SELECT {COLUMNS} FROM sources s WHERE s.tenant_id = ?1 AND s.id = ?2");
    Ok(conn.query_row(&sql, params![ctx.tenant_id, id], from_row).optional()?)
}

/// Create Source: the name is unique in the tenant, ignoring case.
pub fn create(conn: &Connection, ctx: &Ctx, name: &str) -> Result<Source> {
    check_unique(conn, ctx, name, None)?;
    conn.execute(
        "INSERT INTO sources (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![ctx.tenant_id, name, ctx.now.0],
    )
    .map_err(|e| unique_violation(e, &[("sources.tenant_id, sources.name", "name", UNIQUE)]))?;
    get(conn, ctx, conn.last_insert_rowid())
}

/// Update Source (rename).
pub fn update(conn: &Connection, ctx: &Ctx, id: i64, name: &str) -> Result<Source> {
    get(conn, ctx, id)?;
    check_unique(conn, ctx, name, Some(id))?;
    conn.execute(
        "UPDATE sources SET name = ?1, updated_at = ?2 WHERE tenant_id = ?3 AND id = ?4",
        params![name, ctx.now.0, ctx.tenant_id, id],
    )
    .map_err(|e| unique_violation(e, &[("sources.tenant_id, sources.name", "name", UNIQUE)]))?;
    get(conn, ctx, id)
}

/// Delete Source: refused (422) while any contact has it.
pub fn delete(conn: &mut Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = conn.transaction()?;
    get(&tx, ctx, id)?;
    let assigned: i64 =
        tx.query_row("SELECT COUNT(*) FROM contacts WHERE tenant_id = ?1 AND source_id = ?2", params![ctx.tenant_id, id], |r| r.get(0))?;
    if assigned > 0 {
        return Err(Error::field("id", format!("The source is assigned to {assigned} contact(s) and cannot be deleted")));
    }
    tx.execute("DELETE FROM sources WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])?;
    tx.commit()?;
    Ok(())
}

fn check_unique(conn: &Connection, ctx: &Ctx, name: &str, except: Option<i64>) -> Result<()> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sources WHERE tenant_id = ?1 AND name = ?2 AND id != ?3)",
        params![ctx.tenant_id, name, except.unwrap_or(0)],
        |r| r.get(0),
    )?;
    if taken { Err(Error::field("name", UNIQUE)) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    #[test]
    fn crud_and_uniqueness() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let web = create(&f.conn, &ctx, "Web").unwrap();
        assert_eq!(create(&f.conn, &ctx, "web"), Err(Error::field("name", UNIQUE)));
        assert_eq!(create(&f.conn, &ctx, "website"), Err(Error::field("name", UNIQUE)), "seeded");
        let renamed = update(&f.conn, &ctx, web.id, "Web Form").unwrap();
        assert_eq!(renamed.name, "Web Form");
        assert_eq!(update(&f.conn, &ctx, web.id, "Web Form").unwrap().name, "Web Form", "its own name is free");
        let other = create(&f.conn, &ctx, "Trade Show").unwrap();
        assert_eq!(update(&f.conn, &ctx, other.id, "WEB FORM"), Err(Error::field("name", UNIQUE)));
        delete(&mut f.conn, &ctx, other.id).unwrap();
        assert_eq!(get(&f.conn, &ctx, other.id), Err(Error::not_found("source")));
    }

    #[test]
    fn other_tenants_sources_are_not_found() {
        let f = Fixture::new();
        let mine = create(&f.conn, &f.ctx(), "Mine").unwrap();
        let theirs = f.other_ctx();
        assert_eq!(get(&f.conn, &theirs, mine.id), Err(Error::not_found("source")));
        assert_eq!(update(&f.conn, &theirs, mine.id, "x"), Err(Error::not_found("source")));
        assert!(list(&f.conn, &theirs, &ListParams::default()).unwrap().items.iter().all(|s| s.id != mine.id));
        // the same name is free in another tenant
        create(&f.conn, &theirs, "Mine").unwrap();
    }

    #[test]
    fn delete_is_refused_while_assigned() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let contact = f.contact("+15550001000");
        let err = delete(&mut f.conn, &ctx, contact.source_id).unwrap_err();
        assert!(matches!(err, Error::Validation(ref e) if e.contains_key("id")), "{err:?}");
    }

    #[test]
    fn list_sorts_and_searches() {
        let f = Fixture::new();
        let ctx = f.ctx();
        for name in ["b-zeta", "a-alpha", "c-alpha"] {
            create(&f.conn, &ctx, name).unwrap();
        }
        let params = ListParams { search: Some("alpha".into()), ..ListParams::default() };
        let names: Vec<_> = list(&f.conn, &ctx, &params).unwrap().items.into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["a-alpha", "c-alpha"]);
    }
}
