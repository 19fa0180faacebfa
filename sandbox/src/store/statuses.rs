//! Contact statuses (`statuses.yaml`): list, create, get, update (name and colour), and delete
//! unless a contact still has the status.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::query::{ListSpec, fetch_page};
use super::{Ctx, Error, ListParams, Page, Result, unique_violation};
use crate::clock::Ts;

/// A contact status (StatusResource).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Status {
    pub id: i64,
    pub name: String,
    pub color: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

const UNIQUE: &str = "A status with this name already exists";
const BAD_COLOR: &str = "Color must be a valid hex color code (e.g., #FF5733)";

const LIST: ListSpec = ListSpec {
    sort: &[("name", "s.name"), ("created_at", "s.created_at"), ("updated_at", "s.updated_at")],
    default_sort: Some(("name", false)),
    search: &["s.name"],
    filters: &[],
    id_column: "s.id",
};

const COLUMNS: &str = "s.id, s.name, s.color, s.created_at, s.updated_at";

pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Status> {
    Ok(Status { id: row.get(0)?, name: row.get(1)?, color: row.get(2)?, created_at: Ts(row.get(3)?), updated_at: Ts(row.get(4)?) })
}

/// List Statuses.
pub fn list(conn: &Connection, ctx: &Ctx, params: &ListParams) -> Result<Page<Status>> {
    fetch_page(conn, &LIST, params, "statuses s", ("s.tenant_id = ?", vec![ctx.tenant_id.into()]), COLUMNS, from_row)
}

/// Get Status.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Status> {
    find(conn, ctx, id)?.ok_or(Error::not_found("status"))
}

pub(crate) fn find(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Option<Status>> {
    let sql = format!("SELECT {COLUMNS} FROM statuses s WHERE s.tenant_id = ?1 AND s.id = ?2");
    Ok(conn.query_row(&sql, params![ctx.tenant_id, id], from_row).optional()?)
}

/// Create Status: the name is unique in the tenant, ignoring case; the colour is `#RRGGBB`.
pub fn create(conn: &Connection, ctx: &Ctx, name: &str, color: Option<&str>) -> Result<Status> {
    check(conn, ctx, name, color, None)?;
    conn.execute(
        "INSERT INTO statuses (tenant_id, name, color, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![ctx.tenant_id, name, color, ctx.now.0],
    )
    .map_err(|e| unique_violation(e, &[("statuses.tenant_id, statuses.name", "name", UNIQUE)]))?;
    get(conn, ctx, conn.last_insert_rowid())
}

/// Update Status: a new name, and a new colour when one is given (absent leaves it).
pub fn update(conn: &Connection, ctx: &Ctx, id: i64, name: &str, color: Option<&str>) -> Result<Status> {
    let current = get(conn, ctx, id)?;
    check(conn, ctx, name, color, Some(id))?;
    let color = color.map(str::to_owned).or(current.color);
    conn.execute(
        "UPDATE statuses SET name = ?1, color = ?2, updated_at = ?3 WHERE tenant_id = ?4 AND id = ?5",
        params![name, color, ctx.now.0, ctx.tenant_id, id],
    )
    .map_err(|e| unique_violation(e, &[("statuses.tenant_id, statuses.name", "name", UNIQUE)]))?;
    get(conn, ctx, id)
}

/// Delete Status: refused (422) while any contact has it.
pub fn delete(conn: &mut Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = conn.transaction()?;
    get(&tx, ctx, id)?;
    let assigned: i64 =
        tx.query_row("SELECT COUNT(*) FROM contacts WHERE tenant_id = ?1 AND status_id = ?2", params![ctx.tenant_id, id], |r| r.get(0))?;
    if assigned > 0 {
        return Err(Error::field("id", format!("The status is assigned to {assigned} contact(s) and cannot be deleted")));
    }
    tx.execute("DELETE FROM statuses WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])?;
    tx.commit()?;
    Ok(())
}

fn check(conn: &Connection, ctx: &Ctx, name: &str, color: Option<&str>, except: Option<i64>) -> Result<()> {
    let mut errors = super::FieldErrors::new();
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM statuses WHERE tenant_id = ?1 AND name = ?2 AND id != ?3)",
        params![ctx.tenant_id, name, except.unwrap_or(0)],
        |r| r.get(0),
    )?;
    if taken {
        errors.insert("name".into(), vec![UNIQUE.into()]);
    }
    if color.is_some_and(|c| !is_hex_color(c)) {
        errors.insert("color".into(), vec![BAD_COLOR.into()]);
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::Validation(errors)) }
}

/// `^#[0-9A-Fa-f]{6}$`
fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    #[test]
    fn crud_colour_and_uniqueness() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let hot = create(&f.conn, &ctx, "Warm", Some("#FF5733")).unwrap();
        assert_eq!(hot.color.as_deref(), Some("#FF5733"));
        assert_eq!(create(&f.conn, &ctx, "warm", None), Err(Error::field("name", UNIQUE)));
        assert_eq!(create(&f.conn, &ctx, "Cold", Some("red")), Err(Error::field("color", BAD_COLOR)));
        let renamed = update(&f.conn, &ctx, hot.id, "Warmer", None).unwrap();
        assert_eq!((renamed.name.as_str(), renamed.color.as_deref()), ("Warmer", Some("#FF5733")));
        let recoloured = update(&f.conn, &ctx, hot.id, "Warmer", Some("#00ff00")).unwrap();
        assert_eq!(recoloured.color.as_deref(), Some("#00ff00"));
        delete(&mut f.conn, &ctx, hot.id).unwrap();
        assert_eq!(get(&f.conn, &ctx, hot.id), Err(Error::not_found("status")));
        assert_eq!(delete(&mut f.conn, &ctx, hot.id), Err(Error::not_found("status")));
    }

    #[test]
    fn isolation_and_refused_delete() {
        let mut f = Fixture::new();
        let contact = f.contact("+15550002000");
        let theirs = f.other_ctx();
        assert_eq!(get(&f.conn, &theirs, contact.status_id), Err(Error::not_found("status")));
        assert_eq!(delete(&mut f.conn, &theirs, contact.status_id), Err(Error::not_found("status")));
        let ctx = f.ctx();
        assert!(matches!(delete(&mut f.conn, &ctx, contact.status_id), Err(Error::Validation(_))));
    }
}
