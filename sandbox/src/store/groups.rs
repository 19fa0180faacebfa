//! Contact groups (`groups.yaml`) beyond the shape they share with sources and statuses
//! (`named`): deleting a group (the id leaves every contact's `group_id`), and membership changes
//! in bulk with their counts. Membership lives on the contact as the JSON array `group_id`, as
//! the API documents it.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;
use wacr_server::models::{Group, GroupMembershipAdded, GroupMembershipRemoved};
use wacr_server::rules;

use super::contacts;
use super::named::{self, Named};
use super::{Ctx, Error, FieldErrors, Result, json_column};
use crate::webhooks::{Change, outbox};

/// The spec's message for a contact id that names no contact of the tenant.
fn no_contact() -> String {
    wacr_server::message(rules::ADD_CONTACTS_TO_GROUP_BODY, "contact_ids", "exists")
}

/// The tenant's groups among `ids`, in the order of `ids` (ids naming no group are left out).
pub(crate) fn by_ids(conn: &Connection, ctx: &Ctx, ids: &[i64]) -> Result<Vec<Group>> {
    let sql = "SELECT g.id, g.name, NULL, g.created_at, g.updated_at FROM json_each(?1) j JOIN groups g ON g.id = j.value \
        WHERE g.tenant_id = ?2 ORDER BY j.key";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![serde_json::to_string(ids)?, ctx.tenant_id], named::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Delete Group: the contacts stay and lose the membership.
pub fn delete(conn: &mut Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let tx = conn.transaction()?;
    named::get::<Group>(&tx, ctx, id)?;
    for (contact_id, mut groups) in members(&tx, ctx, id)? {
        groups.retain(|g| *g != id);
        write_groups(&tx, ctx, contact_id, &groups)?;
    }
    named::remove(&tx, ctx, &Group::KIND, id)?;
    tx.commit()?;
    Ok(())
}

/// Add Contacts to Group: every id must be a contact of the tenant (else 422 and nothing
/// changes); members already in the group and repeated ids are not counted.
pub fn add_contacts(conn: &mut Connection, ctx: &Ctx, id: i64, contact_ids: &[i64]) -> Result<GroupMembershipAdded> {
    let tx = conn.transaction()?;
    named::get::<Group>(&tx, ctx, id)?;
    let mut errors = FieldErrors::new();
    let mut found = Vec::new();
    let known = groups_of_each(&tx, ctx, contact_ids)?;
    for (index, contact_id) in contact_ids.iter().enumerate() {
        match known.get(contact_id) {
            Some(groups) => found.push((*contact_id, groups.clone())),
            None => {
                errors.insert(format!("contact_ids.{index}"), vec![no_contact()]);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut added = 0;
    // A set, so that a long list of ids costs linear time.
    let mut done = HashSet::new();
    for (contact_id, mut groups) in found {
        if groups.contains(&id) || done.contains(&contact_id) {
            continue;
        }
        groups.push(id);
        write_groups(&tx, ctx, contact_id, &groups)?;
        done.insert(contact_id);
        added += 1;
    }
    tx.commit()?;
    Ok(GroupMembershipAdded { group_id: id, contacts_added: added })
}

/// Remove Contacts from Group: non-members, unknown ids and other tenants' contacts are skipped.
pub fn remove_contacts(conn: &mut Connection, ctx: &Ctx, id: i64, contact_ids: &[i64]) -> Result<GroupMembershipRemoved> {
    let tx = conn.transaction()?;
    named::get::<Group>(&tx, ctx, id)?;
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
    Ok(GroupMembershipRemoved { group_id: id, contacts_removed: removed })
}

/// The groups of each of the tenant's contacts among `ids`, read in one query (a list of
/// 120,000 ids is one statement, not 120,000 round trips to a server).
fn groups_of_each(conn: &Connection, ctx: &Ctx, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let sql = "SELECT id, group_id FROM contacts WHERE tenant_id = ?1 AND id IN (SELECT value FROM json_each(?2))";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![ctx.tenant_id, serde_json::to_string(ids)?], |r| Ok((r.get(0)?, json_column(r, 1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn groups_of(conn: &Connection, ctx: &Ctx, contact_id: i64) -> Result<Option<Vec<i64>>> {
    let sql = "SELECT group_id FROM contacts WHERE tenant_id = ?1 AND id = ?2";
    Ok(conn.query_row(sql, params![ctx.tenant_id, contact_id], |r| json_column(r, 0)).optional()?)
}

fn members(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.group_id FROM contacts c WHERE c.tenant_id = ?1 \
         AND EXISTS (SELECT 1 FROM json_each(c.group_id) WHERE json_each.value = ?2)",
    )?;
    let rows = stmt.query_map(params![ctx.tenant_id, id], |r| Ok((r.get(0)?, json_column(r, 1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Sets a contact's groups and records the `contact.updated` event of the change.
fn write_groups(conn: &Connection, ctx: &Ctx, contact_id: i64, groups: &[i64]) -> Result<()> {
    let previous = contacts::stored(conn, ctx, contact_id)?;
    conn.execute(
        "UPDATE contacts SET group_id = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
        params![ctx.tenant_id, contact_id, serde_json::to_string(groups)?, ctx.now.0],
    )?;
    let current = contacts::stored(conn, ctx, contact_id)?;
    outbox::record(conn, ctx, Change::Updated { previous: &previous, current: &current })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wacr_server::models::IncludeSet;

    use crate::store::contacts;
    use crate::store::named::{create, get, update};
    use crate::store::testing::Fixture;

    #[test]
    fn crud_and_uniqueness() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let vip = create::<Group>(&f.conn, &ctx, "VIP Customers", None).unwrap();
        assert_eq!(create::<Group>(&f.conn, &ctx, "vip customers", None), Err(Error::field("name", "A group with this name already exists")));
        assert_eq!(update::<Group>(&f.conn, &ctx, vip.id, "Premium VIP", None).unwrap().name, "Premium VIP");
        assert_eq!(get::<Group>(&f.conn, &f.other_ctx(), vip.id), Err(Error::not_found("group")));
        delete(&mut f.conn, &ctx, vip.id).unwrap();
        assert_eq!(get::<Group>(&f.conn, &ctx, vip.id), Err(Error::not_found("group")));
    }

    #[test]
    fn membership_counts() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let a = f.contact("+15550003001");
        let b = f.contact("+15550003002");
        let group = create::<Group>(&f.conn, &ctx, "Newsletter", None).unwrap();
        let added = add_contacts(&mut f.conn, &ctx, group.id, &[a.id, b.id, a.id]).unwrap();
        assert_eq!(added.contacts_added, 2);
        assert_eq!(add_contacts(&mut f.conn, &ctx, group.id, &[a.id]).unwrap().contacts_added, 0);
        let view = contacts::get(&f.conn, &ctx, a.id, contacts::all_includes()).unwrap();
        assert_eq!(view.group_id, [group.id]);
        assert_eq!(view.groups.unwrap()[0].name, "Newsletter");
        // unknown ids refuse the whole request, naming each bad item
        let err = add_contacts(&mut f.conn, &ctx, group.id, &[a.id, 999_999]).unwrap_err();
        assert_eq!(err, Error::field("contact_ids.1", "One or more contact IDs do not exist"));
        let removed = remove_contacts(&mut f.conn, &ctx, group.id, &[a.id, 999_999, a.id]).unwrap();
        assert_eq!(removed.contacts_removed, 1);
        assert_eq!(add_contacts(&mut f.conn, &ctx, 999_999, &[a.id]).unwrap_err(), Error::not_found("group"));
    }

    #[test]
    fn other_tenants_contacts_are_not_members() {
        let mut f = Fixture::new();
        let mine = f.contact("+15550003003");
        let theirs = f.other_ctx();
        let group = create::<Group>(&f.conn, &theirs, "Theirs", None).unwrap();
        assert!(matches!(add_contacts(&mut f.conn, &theirs, group.id, &[mine.id]), Err(Error::Validation(_))));
        assert_eq!(remove_contacts(&mut f.conn, &theirs, group.id, &[mine.id]).unwrap().contacts_removed, 0);
    }

    #[test]
    fn deleting_a_group_keeps_its_contacts() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        let keep = create::<Group>(&f.conn, &ctx, "Keep", None).unwrap();
        let gone = create::<Group>(&f.conn, &ctx, "Gone", None).unwrap();
        let c = f.contact("+15550003004");
        add_contacts(&mut f.conn, &ctx, gone.id, &[c.id]).unwrap();
        add_contacts(&mut f.conn, &ctx, keep.id, &[c.id]).unwrap();
        delete(&mut f.conn, &ctx, gone.id).unwrap();
        let after = contacts::get(&f.conn, &ctx, c.id, IncludeSet::new()).unwrap();
        assert_eq!(after.group_id, [keep.id]);
    }
}
