//! Contact groups (`groups.yaml`): list, create, get, rename, delete (the id leaves every
//! contact's `group_id`), and membership changes in bulk with their counts. Membership lives on
//! the contact as the JSON array `group_id`, as the API documents it.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::query::{ListSpec, fetch_page};
use super::{Ctx, Error, FieldErrors, ListParams, Page, Result, unique_violation};
use crate::clock::Ts;

/// A contact group (GroupResource).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// Add Contacts to Group's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MembershipAdded {
    pub group_id: i64,
    pub contacts_added: i64,
}

/// Remove Contacts from Group's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MembershipRemoved {
    pub group_id: i64,
    pub contacts_removed: i64,
}

const UNIQUE: &str = "A group with this name already exists";
const NO_CONTACT: &str = "One or more contact IDs do not exist";

const LIST: ListSpec = ListSpec {
    sort: &[("name", "g.name"), ("created_at", "g.created_at"), ("updated_at", "g.updated_at")],
    default_sort: Some(("name", false)),
    search: &["g.name"],
    filters: &[],
    id_column: "g.id",
};

const COLUMNS: &str = "g.id, g.name, g.created_at, g.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group { id: row.get(0)?, name: row.get(1)?, created_at: Ts(row.get(2)?), updated_at: Ts(row.get(3)?) })
}

/// List Groups.
pub fn list(conn: &Connection, ctx: &Ctx, params: &ListParams) -> Result<Page<Group>> {
    fetch_page(conn, &LIST, params, "groups g", ("g.tenant_id = ?", vec![ctx.tenant_id.into()]), COLUMNS, from_row)
}

/// Get Group.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Group> {
    let sql = format!("SELECT {COLUMNS} FROM groups g WHERE g.tenant_id = ?1 AND g.id = ?2");
    conn.query_row(&sql, params![ctx.tenant_id, id], from_row).optional()?.ok_or(Error::not_found("group"))
}

/// The tenant's groups among `ids`, in the order of `ids` (ids naming no group are left out).
pub(crate) fn by_ids(conn: &Connection, ctx: &Ctx, ids: &[i64]) -> Result<Vec<Group>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM json_each(?1) j JOIN groups g ON g.id = j.value WHERE g.tenant_id = ?2 ORDER BY j.key"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![serde_json::to_string(ids)?, ctx.tenant_id], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Create Group: the name is unique in the tenant, ignoring case.
pub fn create(conn: &Connection, ctx: &Ctx, name: &str) -> Result<Group> {
    check_unique(conn, ctx, name, None)?;
    conn.execute(
        "INSERT INTO groups (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![ctx.tenant_id, name, ctx.now.0],
    )
    .map_err(|e| unique_violation(e, &[("groups.tenant_id, groups.name", "name", UNIQUE)]))?;
    get(conn, ctx, conn.last_insert_rowid())
}

/// Update Group (rename).
pub fn update(conn: &Connection, ctx: &Ctx, id: i64, name: &str) -> Result<Group> {
    get(conn, ctx, id)?;
    check_unique(conn, ctx, name, Some(id))?;
    conn.execute(
        "UPDATE groups SET name = ?1, updated_at = ?2 WHERE tenant_id = ?3 AND id = ?4",
        params![name, ctx.now.0, ctx.tenant_id, id],
    )
    .map_err(|e| unique_violation(e, &[("groups.tenant_id, groups.name", "name", UNIQUE)]))?;
    get(conn, ctx, id)
}

/// Delete Group: the contacts stay and lose the membership.
pub fn delete(conn: &mut Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = conn.transaction()?;
    get(&tx, ctx, id)?;
    for (contact_id, mut groups) in members(&tx, ctx, id)? {
        groups.retain(|g| *g != id);
        write_groups(&tx, ctx, contact_id, &groups)?;
    }
    tx.execute("DELETE FROM groups WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])?;
    tx.commit()?;
    Ok(())
}

/// Add Contacts to Group: every id must be a contact of the tenant (else 422 and nothing
/// changes); members already in the group and repeated ids are not counted.
pub fn add_contacts(conn: &mut Connection, ctx: &Ctx, id: i64, contact_ids: &[i64]) -> Result<MembershipAdded> {
    let tx = conn.transaction()?;
    get(&tx, ctx, id)?;
    let mut errors = FieldErrors::new();
    let mut found = Vec::new();
    for (index, contact_id) in contact_ids.iter().enumerate() {
        match groups_of(&tx, ctx, *contact_id)? {
            Some(groups) => found.push((*contact_id, groups)),
            None => {
                errors.insert(format!("contact_ids.{index}"), vec![NO_CONTACT.to_owned()]);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut added = 0;
    let mut done = Vec::new();
    for (contact_id, mut groups) in found {
        if groups.contains(&id) || done.contains(&contact_id) {
            continue;
        }
        groups.push(id);
        write_groups(&tx, ctx, contact_id, &groups)?;
        done.push(contact_id);
        added += 1;
    }
    tx.commit()?;
    Ok(MembershipAdded { group_id: id, contacts_added: added })
}

/// Remove Contacts from Group: non-members, unknown ids and other tenants' contacts are skipped.
pub fn remove_contacts(conn: &mut Connection, ctx: &Ctx, id: i64, contact_ids: &[i64]) -> Result<MembershipRemoved> {
    let tx = conn.transaction()?;
    get(&tx, ctx, id)?;
    let mut removed = 0;
    for contact_id in contact_ids {
        if let Some(mut groups) = groups_of(&tx, ctx, *contact_id)?
            && groups.contains(&id)
        {
            groups.retain(|g| *g != id);
            write_groups(&tx, ctx, *contact_id, &groups)?;
            removed += 1;
        }
    }
    tx.commit()?;
    Ok(MembershipRemoved { group_id: id, contacts_removed: removed })
}

fn groups_of(conn: &Connection, ctx: &Ctx, contact_id: i64) -> Result<Option<Vec<i64>>> {
    let text: Option<String> = conn
        .query_row("SELECT group_id FROM contacts WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, contact_id], |r| r.get(0))
        .optional()?;
    Ok(text.map(|t| serde_json::from_str(&t).unwrap_or_default()))
}

fn members(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.group_id FROM contacts c WHERE c.tenant_id = ?1 \
         AND EXISTS (SELECT 1 FROM json_each(c.group_id) WHERE json_each.value = ?2)",
    )?;
    let rows = stmt
        .query_map(params![ctx.tenant_id, id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().map(|(cid, text)| (cid, serde_json::from_str(&text).unwrap_or_default())).collect())
}

fn write_groups(conn: &Connection, ctx: &Ctx, contact_id: i64, groups: &[i64]) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET group_id = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
        params![ctx.tenant_id, contact_id, serde_json::to_string(groups)?, ctx.now.0],
    )?;
    Ok(())
}

fn check_unique(conn: &Connection, ctx: &Ctx, name: &str, except: Option<i64>) -> Result<()> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND name = ?2 AND id != ?3)",
        params![ctx.tenant_id, name, except.unwrap_or(0)],
        |r| r.get(0),
    )?;
    if taken { Err(Error::field("name", UNIQUE)) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::contacts::{self, Includes};
    use crate::store::testing::Fixture;

    #[test]
    fn crud_and_uniqueness() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let vip = create(&f.conn, &ctx, "VIP Customers").unwrap();
        assert_eq!(create(&f.conn, &ctx, "vip customers"), Err(Error::field("name", UNIQUE)));
        assert_eq!(update(&f.conn, &ctx, vip.id, "Premium VIP").unwrap().name, "Premium VIP");
        assert_eq!(get(&f.conn, &f.other_ctx(), vip.id), Err(Error::not_found("group")));
        delete(&mut f.conn, &ctx, vip.id).unwrap();
        assert_eq!(get(&f.conn, &ctx, vip.id), Err(Error::not_found("group")));
    }

    #[test]
    fn membership_counts() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let a = f.contact("+15550003001");
        let b = f.contact("+15550003002");
        let group = create(&f.conn, &ctx, "Newsletter").unwrap();
        let added = add_contacts(&mut f.conn, &ctx, group.id, &[a.id, b.id, a.id]).unwrap();
        assert_eq!(added.contacts_added, 2);
        assert_eq!(add_contacts(&mut f.conn, &ctx, group.id, &[a.id]).unwrap().contacts_added, 0);
        let view = contacts::get(&f.conn, &ctx, a.id, Includes::ALL).unwrap();
        assert_eq!(view.contact.group_id, [group.id]);
        assert_eq!(view.groups.unwrap()[0].name, "Newsletter");
        // unknown ids refuse the whole request, naming each bad item
        let err = add_contacts(&mut f.conn, &ctx, group.id, &[a.id, 999_999]).unwrap_err();
        assert_eq!(err, Error::field("contact_ids.1", NO_CONTACT));
        let removed = remove_contacts(&mut f.conn, &ctx, group.id, &[a.id, 999_999, a.id]).unwrap();
        assert_eq!(removed.contacts_removed, 1);
        assert_eq!(add_contacts(&mut f.conn, &ctx, 999_999, &[a.id]).unwrap_err(), Error::not_found("group"));
    }

    #[test]
    fn other_tenants_contacts_are_not_members() {
        let mut f = Fixture::new();
        let mine = f.contact("+15550003003");
        let theirs = f.other_ctx();
        let group = create(&f.conn, &theirs, "Theirs").unwrap();
        assert!(matches!(add_contacts(&mut f.conn, &theirs, group.id, &[mine.id]), Err(Error::Validation(_))));
        assert_eq!(remove_contacts(&mut f.conn, &theirs, group.id, &[mine.id]).unwrap().contacts_removed, 0);
    }

    #[test]
    fn deleting_a_group_keeps_its_contacts() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let keep = create(&f.conn, &ctx, "Keep").unwrap();
        let gone = create(&f.conn, &ctx, "Gone").unwrap();
        let c = f.contact("+15550003004");
        add_contacts(&mut f.conn, &ctx, gone.id, &[c.id]).unwrap();
        add_contacts(&mut f.conn, &ctx, keep.id, &[c.id]).unwrap();
        delete(&mut f.conn, &ctx, gone.id).unwrap();
        let after = contacts::get(&f.conn, &ctx, c.id, Includes::default()).unwrap();
        assert_eq!(after.contact.group_id, [keep.id]);
    }
}
