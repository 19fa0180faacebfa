//! The shape groups, sources and statuses share (`groups.yaml`, `sources.yaml`,
//! `statuses.yaml`): a record of the tenant with a name unique in the tenant (ignoring case) and,
//! for statuses, a colour; listed, fetched, created, renamed and deleted the same way. Each model
//! names its table and messages ([`Named::KIND`]); a source or status is not deleted while a
//! contact has it, and a group's own delete (`groups::delete`) detaches its members first.

use rusqlite::{OptionalExtension, params};
use crate::sql::{Connection, Row};
use wacr_server::models::{Group, Page, Sort, Source, Status, WireEnum};
use wacr_server::rules;

use super::query::ListSql;
use super::{Ctx, Error, Result, in_transaction, unique_violation};
use crate::clock::Ts;
use crate::webhooks::{Change, outbox};

/// What differs between the resources of this shape.
pub struct Kind {
    /// The table (`groups`).
    pub table: &'static str,
    /// The record in a 404 (`group`).
    pub what: &'static str,
    /// The rules of the create body, whose documented messages the store's 422s use.
    pub rules: &'static [wacr_runtime::server::Field],
    /// Whether the records have a colour.
    pub coloured: bool,
    /// The contacts' column whose records refuse deletion while a contact has them.
    pub held_by: Option<&'static str>,
}

/// A record as read: the fields every model of this shape is built from.
pub struct Record {
    pub id: i64,
    pub name: String,
    pub color: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A model of this shape, built from its record.
pub trait Named: Sized {
    const KIND: Kind;

    /// The model of a record.
    fn from_record(record: Record) -> Self;

    /// Records the webhook event of a change, in the change's transaction (groups have none).
    fn changed(_conn: &Connection, _ctx: &Ctx, _change: Change<'_, Self>) -> Result<()> {
        Ok(())
    }
}

const GROUPS: Kind = Kind { table: "groups", what: "group", rules: rules::CREATE_GROUP_BODY, coloured: false, held_by: None };
const SOURCES: Kind = Kind { table: "sources", what: "source", rules: rules::CREATE_SOURCE_BODY, coloured: false, held_by: Some("source_id") };
const STATUSES: Kind = Kind { table: "statuses", what: "status", rules: rules::CREATE_STATUS_BODY, coloured: true, held_by: Some("status_id") };

impl Named for Group {
    const KIND: Kind = GROUPS;
    fn from_record(r: Record) -> Self {
        Group { id: r.id, name: r.name, created_at: r.created_at, updated_at: r.updated_at }
    }
}

impl Named for Source {
    const KIND: Kind = SOURCES;
    fn from_record(r: Record) -> Self {
        Source { id: r.id, name: r.name, created_at: r.created_at, updated_at: r.updated_at }
    }
    fn changed(conn: &Connection, ctx: &Ctx, change: Change<'_, Self>) -> Result<()> {
        outbox::record(conn, ctx, change)
    }
}

impl Named for Status {
    const KIND: Kind = STATUSES;
    fn from_record(r: Record) -> Self {
        Status { id: r.id, name: r.name, color: r.color, created_at: r.created_at, updated_at: r.updated_at }
    }
    fn changed(conn: &Connection, ctx: &Ctx, change: Change<'_, Self>) -> Result<()> {
        outbox::record(conn, ctx, change)
    }
}

/// The columns [`from_row`] reads, from the table aliased `t`.
fn columns<M: Named>() -> String {
    let color = if M::KIND.coloured { "t.color" } else { "NULL" };
    format!("t.id, t.name, {color}, t.created_at, t.updated_at")
}

pub(crate) fn from_row<M: Named>(row: &Row<'_>) -> rusqlite::Result<M> {
    let record = Record { id: row.get(0)?, name: row.get(1)?, color: row.get(2)?, created_at: Ts(row.get(3)?).iso(), updated_at: Ts(row.get(4)?).iso() };
    Ok(M::from_record(record))
}

/// List: by name unless sorted otherwise; `search` matches the name. The sort fields of these
/// lists are their columns.
pub fn list<M: Named, F: WireEnum>(
    conn: &Connection,
    ctx: &Ctx,
    (page, per_page): (Option<u32>, Option<u32>),
    sort: &[Sort<F>],
    search: Option<&str>,
) -> Result<Page<M>> {
    ListSql::new(format!("{} t", M::KIND.table), "t.tenant_id", ctx, page, per_page)
        .search(&["t.name"], search)
        .order(sort, |field| field.as_str(), Some(("t.name", false)), "t.id")
        .fetch(conn, &columns::<M>(), from_row)
}

/// Get: 404 when the tenant has no such record.
pub fn get<M: Named>(conn: &Connection, ctx: &Ctx, id: i64) -> Result<M> {
    find(conn, ctx, id)?.ok_or(Error::not_found(M::KIND.what))
}

/// The tenant's record, if there is one.
pub fn find<M: Named>(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Option<M>> {
    let sql = format!("SELECT {} FROM {} t WHERE t.tenant_id = ?1 AND t.id = ?2", columns::<M>(), M::KIND.table);
    Ok(conn.query_row(&sql, params![ctx.tenant_id, id], from_row).optional()?)
}

/// Create: the name is unique in the tenant, ignoring case.
pub fn create<M: Named>(conn: &Connection, ctx: &Ctx, name: &str, color: Option<&str>) -> Result<M> {
    in_transaction(conn, |conn| {
        let created = insert::<M>(conn, ctx, name, color)?;
        M::changed(conn, ctx, Change::Created(&created))?;
        Ok(created)
    })
}

/// The INSERT of [`create`], after the uniqueness check.
fn insert<M: Named>(conn: &Connection, ctx: &Ctx, name: &str, color: Option<&str>) -> Result<M> {
    let kind = M::KIND;
    check_unique(conn, ctx, &kind, name, None)?;
    let result = if kind.coloured {
        let sql = format!("INSERT INTO {} (tenant_id, name, color, created_at, updated_at) VALUES (?1, ?2, ?4, ?3, ?3)", kind.table);
        conn.execute(&sql, params![ctx.tenant_id, name, ctx.now.0, color])
    } else {
        let sql = format!("INSERT INTO {} (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", kind.table);
        conn.execute(&sql, params![ctx.tenant_id, name, ctx.now.0])
    };
    result.map_err(|e| taken(e, &kind))?;
    get(conn, ctx, conn.last_insert_rowid())
}

/// Update: a new name, and a new colour when one is given (absent leaves it).
pub fn update<M: Named>(conn: &Connection, ctx: &Ctx, id: i64, name: &str, color: Option<&str>) -> Result<M> {
    in_transaction(conn, |conn| {
        let previous = get::<M>(conn, ctx, id)?;
        let current = rewrite::<M>(conn, ctx, id, name, color)?;
        M::changed(conn, ctx, Change::Updated { previous: &previous, current: &current })?;
        Ok(current)
    })
}

/// The UPDATE of [`update`], after the uniqueness check.
fn rewrite<M: Named>(conn: &Connection, ctx: &Ctx, id: i64, name: &str, color: Option<&str>) -> Result<M> {
    let kind = M::KIND;
    check_unique(conn, ctx, &kind, name, Some(id))?;
    let set_color = if kind.coloured { ", color = COALESCE(?5, color)" } else { "" };
    let sql = format!("UPDATE {} SET name = ?1, updated_at = ?2{set_color} WHERE tenant_id = ?3 AND id = ?4", kind.table);
    let result = if kind.coloured {
        conn.execute(&sql, params![name, ctx.now.0, ctx.tenant_id, id, color])
    } else {
        conn.execute(&sql, params![name, ctx.now.0, ctx.tenant_id, id])
    };
    result.map_err(|e| taken(e, &kind))?;
    get(conn, ctx, id)
}

/// Delete: refused (422) while any contact has the record, for the kinds held by contacts.
pub fn delete<M: Named>(conn: &mut Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let kind = M::KIND;
    let tx = conn.transaction()?;
    let previous = get::<M>(&tx, ctx, id)?;
    if let Some(column) = kind.held_by {
        let sql = format!("SELECT COUNT(*) FROM contacts WHERE tenant_id = ?1 AND {column} = ?2");
        let assigned: i64 = tx.query_row(&sql, params![ctx.tenant_id, id], |r| r.get(0))?;
        if assigned > 0 {
            return Err(Error::field("id", format!("The {} is assigned to {assigned} contact(s) and cannot be deleted", kind.what)));
        }
    }
    remove(&tx, ctx, &kind, id)?;
    M::changed(&tx, ctx, Change::Deleted(&previous))?;
    tx.commit()?;
    Ok(())
}

/// Deletes the row, without checks.
pub(crate) fn remove(conn: &Connection, ctx: &Ctx, kind: &Kind, id: i64) -> Result<()> {
    conn.execute(&format!("DELETE FROM {} WHERE tenant_id = ?1 AND id = ?2", kind.table), params![ctx.tenant_id, id])?;
    Ok(())
}

fn check_unique(conn: &Connection, ctx: &Ctx, kind: &Kind, name: &str, except: Option<i64>) -> Result<()> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE tenant_id = ?1 AND name = ?2 AND id != ?3)", kind.table);
    let taken: bool = conn.query_row(&sql, params![ctx.tenant_id, name, except.unwrap_or(0)], |r| r.get(0))?;
    if taken { Err(Error::field("name", wacr_server::message(kind.rules, "name", "unique"))) } else { Ok(()) }
}

/// A concurrent duplicate that slipped past [`check_unique`]: the same 422.
fn taken(e: rusqlite::Error, kind: &Kind) -> Error {
    let columns = format!("{0}.tenant_id, {0}.name", kind.table);
    unique_violation(e, kind.rules, &[(&columns, "name")])
}

#[cfg(test)]
mod tests;
