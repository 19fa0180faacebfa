//! Contacts (`contacts.yaml`): list with includes, filters, sort and search; create (phone and
//! email unique in the tenant, source and status existing, the contacts plan limit); get;
//! partial update (absent leaves, null clears); delete; batch create and batch delete. The
//! glue has checked each body against the spec; the rules here are those that depend on the data.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use crate::sql::{Connection, Row};
use wacr_server::{Rejected, RejectedItem, rules};
use wacr_server::models::{
    BatchCreateContact, BatchCreateContactsBody, BatchCreateResult, BatchCreateSummary, BatchDeleteResult, BatchDeleteSummary,
    BatchFailedItem, BatchSkippedItem, Contact, ContactInclude, CreateContactBody, IncludeSet, ListContactsQuery,
    ListContactsSortField, Open, Page, Source, Status, UpdateContactBody,
};

use super::counts;
use super::groups;
use super::named;
use super::query::{ListSql, wire};
use super::{Ctx, Error, FieldErrors, Result, in_transaction, json_column, normalise_phone, phone_key, unique_violation};
use crate::clock::Ts;
use crate::webhooks::{Change, outbox};

/// The unique indexes of the contacts and the fields they guard.
const UNIQUE: &[(&str, &str)] = &[("contacts.tenant_id, contacts.phone_key", "phone"), ("contacts.tenant_id, contacts.email", "email")];

/// The spec's message for a store-checked `rule` (`unique`, `exists`) on a contact field.
pub(crate) fn message(field: &str, rule: &str) -> String {
    wacr_server::message(rules::CREATE_CONTACT_BODY, field, rule)
}

/// Every relation (`?include=groups,source,status`).
pub fn all_includes() -> IncludeSet<ContactInclude> {
    IncludeSet::all()
}

fn sort_column(field: ListContactsSortField) -> &'static str {
    match field {
        ListContactsSortField::Id => "c.id",
        ListContactsSortField::Firstname => "c.firstname COLLATE NOCASE",
        ListContactsSortField::Lastname => "c.lastname COLLATE NOCASE",
        ListContactsSortField::CreatedAt => "c.created_at",
        ListContactsSortField::UpdatedAt => "c.updated_at",
    }
}

const SEARCH: &[&str] = &["c.firstname", "c.lastname", "c.email", "c.phone", "c.company"];

const COLUMNS: &str = "c.id, c.firstname, c.lastname, c.company, c.type, c.email, c.phone, c.status_id, c.source_id, \
    c.description, c.city, c.state, c.zip, c.address, c.country_id, c.assigned_id, c.group_id, c.is_opted_out, \
    c.created_at, c.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    let contact_type: String = row.get(4)?;
    Ok(Contact {
        id: row.get(0)?,
        firstname: row.get(1)?,
        lastname: row.get(2)?,
        company: row.get(3)?,
        r#type: Open::from_wire(&contact_type),
        email: row.get(5)?,
        phone: row.get(6)?,
        status_id: row.get(7)?,
        source_id: row.get(8)?,
        description: row.get(9)?,
        city: row.get(10)?,
        state: row.get(11)?,
        zip: row.get(12)?,
        address: row.get(13)?,
        country_id: row.get(14)?,
        assigned_id: row.get(15)?,
        group_id: json_column(row, 16)?,
        is_opted_out: row.get(17)?,
        created_at: Ts(row.get(18)?).iso(),
        updated_at: Ts(row.get(19)?).iso(),
        groups: None,
        source: None,
        status: None,
    })
}

/// List Contacts. The total is exact; it is counted again only after a write to the tenant's
/// contacts (`counts`). The page, its total and its relations are read in one transaction.
pub fn list(conn: &Connection, ctx: &Ctx, q: &ListContactsQuery) -> Result<Page<Contact>> {
    let tx = if conn.is_autocommit() { Some(conn.read_transaction()?) } else { None };
    let f = &q.filters;
    let page = ListSql::new("contacts c", "c.tenant_id", ctx, q.page, q.per_page)
        .search(SEARCH, q.search.as_deref())
        .order(&q.sort, sort_column, Some(("c.created_at", true)), "c.id")
        .filter("c.type", &f.r#type, wire)
        .filter("c.status_id", &f.status_id, Value::from)
        .filter("c.source_id", &f.source_id, Value::from)
        .filter("c.assigned_id", &f.assigned_id, Value::from)
        .dates("c.created_at", "created_at", &f.created_at)?
        .contains("c.group_id", "group_id", &f.group_id)?
        .fetch_counted(conn, COLUMNS, from_row, (counts::CONTACTS, ctx.tenant_id))?;
    let Page { items, meta, links } = page;
    let items = items.into_iter().map(|c| with_includes(conn, ctx, c, q.include)).collect::<Result<Vec<_>>>()?;
    if let Some(tx) = tx {
        tx.commit()?;
    }
    Ok(Page { items, meta, links })
}

/// Get Contact.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64, include: IncludeSet<ContactInclude>) -> Result<Contact> {
    let contact = find(conn, ctx, id)?.ok_or(Error::not_found("contact"))?;
    with_includes(conn, ctx, contact, include)
}

pub(crate) fn find(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Option<Contact>> {
    let sql = format!("SELECT {COLUMNS} FROM contacts c WHERE c.tenant_id = ?1 AND c.id = ?2");
    Ok(conn.query_row(&sql, params![ctx.tenant_id, id], from_row).optional()?)
}

/// The tenant's contact with this phone number (compared by digits).
pub(crate) fn find_by_phone(conn: &Connection, ctx: &Ctx, phone: &str) -> Result<Option<Contact>> {
    let sql = format!("SELECT {COLUMNS} FROM contacts c WHERE c.tenant_id = ?1 AND c.phone_key = ?2");
    Ok(conn.query_row(&sql, params![ctx.tenant_id, phone_key(phone)], from_row).optional()?)
}

/// The contact with the relations asked for loaded.
fn with_includes(conn: &Connection, ctx: &Ctx, mut contact: Contact, include: IncludeSet<ContactInclude>) -> Result<Contact> {
    for relation in include {
        match relation {
            ContactInclude::Groups => contact.groups = Some(groups::by_ids(conn, ctx, &contact.group_id)?),
            ContactInclude::Source => contact.source = named::find::<Source>(conn, ctx, contact.source_id)?,
            ContactInclude::Status => contact.status = named::find::<Status>(conn, ctx, contact.status_id)?,
        }
    }
    Ok(contact)
}

/// Create Contact; the response carries the groups relation.
pub fn create(conn: &mut Connection, ctx: &Ctx, new: &CreateContactBody) -> Result<Contact> {
    let tx = conn.transaction()?;
    let mut errors = FieldErrors::new();
    check_rules(&tx, ctx, &Fields::of_new(new), None, &mut errors)?;
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    check_limit(&tx, ctx)?;
    let contact = insert(&tx, ctx, new)?;
    tx.commit()?;
    with_includes(conn, ctx, contact, ContactInclude::Groups.into())
}

/// The fields the store-only rules look at.
struct Fields<'a> {
    phone: Option<&'a str>,
    email: Option<&'a str>,
    source_id: Option<i64>,
    status_id: Option<i64>,
}

impl<'a> Fields<'a> {
    fn of_new(new: &'a CreateContactBody) -> Self {
        Fields { phone: Some(&new.phone), email: new.email.as_deref(), source_id: Some(new.source_id), status_id: Some(new.status_id) }
    }
}

/// The rules that depend on the tenant's data: uniqueness of phone and email (ignoring
/// `except`), and the existence of the source and status in the tenant.
fn check_rules(conn: &Connection, ctx: &Ctx, f: &Fields<'_>, except: Option<i64>, errors: &mut FieldErrors) -> Result<()> {
    let mut add = |field: &str, rule: &str| errors.entry(field.to_owned()).or_default().push(message(field, rule));
    let except = except.unwrap_or(0);
    if let Some(phone) = f.phone
        && exists(conn, "SELECT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND phone_key = ?2 AND id != ?3)", ctx, &phone_key(phone), except)?
    {
        add("phone", "unique");
    }
    if let Some(email) = f.email
        && exists(conn, "SELECT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND email = ?2 AND id != ?3)", ctx, email, except)?
    {
        add("email", "unique");
    }
    if let Some(id) = f.source_id
        && named::find::<Source>(conn, ctx, id)?.is_none()
    {
        add("source_id", "exists");
    }
    if let Some(id) = f.status_id
        && named::find::<Status>(conn, ctx, id)?.is_none()
    {
        add("status_id", "exists");
    }
    Ok(())
}

fn exists(conn: &Connection, sql: &str, ctx: &Ctx, value: &str, except: i64) -> Result<bool> {
    Ok(conn.query_row(sql, params![ctx.tenant_id, value, except], |r| r.get(0))?)
}

/// The contacts plan limit: at the limit, 403 FEATURE_LIMIT_EXCEEDED (-1 and unset are unlimited).
/// The limit is read first: an unlimited plan never pays for counting the tenant's contacts.
pub(crate) fn check_limit(conn: &Connection, ctx: &Ctx) -> Result<()> {
    let limit: Option<i64> = conn.query_row(
        "SELECT p.contacts_limit FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = ?1",
        [ctx.tenant_id],
        |r| r.get(0),
    )?;
    let Some(maximum) = limit.filter(|m| *m >= 0) else { return Ok(()) };
    let current: i64 = conn.query_row("SELECT COUNT(*) FROM contacts WHERE tenant_id = ?1", [ctx.tenant_id], |r| r.get(0))?;
    if current >= maximum {
        return Err(Error::FeatureLimit { feature: "contacts", current, maximum });
    }
    Ok(())
}

/// Inserts without checks and records the `contact.created` event; a UNIQUE violation becomes
/// the 422 of the field.
pub(crate) fn insert(conn: &Connection, ctx: &Ctx, new: &CreateContactBody) -> Result<Contact> {
    let groups = dedup(new.groups.as_deref().unwrap_or_default());
    conn.execute(
        "INSERT INTO contacts (tenant_id, firstname, lastname, company, type, email, phone, phone_key, status_id, source_id, \
         description, city, state, zip, address, country_id, assigned_id, group_id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
        params![
            ctx.tenant_id, new.firstname, new.lastname, new.company, new.r#type.as_str(), new.email, normalise_phone(&new.phone), phone_key(&new.phone),
            new.status_id, new.source_id, new.description, new.city, new.state, new.zip, new.address, new.country_id,
            new.assigned_id, serde_json::to_string(&groups)?, ctx.now.0
        ],
    )
    .map_err(|e| unique_violation(e, rules::CREATE_CONTACT_BODY, UNIQUE))?;
    let contact = stored(conn, ctx, conn.last_insert_rowid())?;
    outbox::record(conn, ctx, Change::Created(&contact))?;
    Ok(contact)
}

/// A contact this transaction has just written.
pub(crate) fn stored(conn: &Connection, ctx: &Ctx, id: i64) -> Result<Contact> {
    find(conn, ctx, id)?.ok_or_else(|| Error::Internal("contact vanished".into()))
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// Update Contact: an absent field is left, a null one cleared.
pub fn update(conn: &mut Connection, ctx: &Ctx, id: i64, patch: &UpdateContactBody) -> Result<Contact> {
    let tx = conn.transaction()?;
    let mut c = find(&tx, ctx, id)?.ok_or(Error::not_found("contact"))?;
    let fields = Fields { phone: patch.phone.as_deref(), email: patch.email.as_set().map(String::as_str), source_id: patch.source_id, status_id: patch.status_id };
    let mut errors = FieldErrors::new();
    check_rules(&tx, ctx, &fields, Some(id), &mut errors)?;
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let previous = c.clone();
    apply(&mut c, patch.clone());
    let phone = normalise_phone(c.phone.as_deref().unwrap_or_default());
    tx.execute(
        "UPDATE contacts SET firstname = ?3, lastname = ?4, company = ?5, type = ?6, email = ?7, phone = ?8, phone_key = ?9, \
         status_id = ?10, source_id = ?11, description = ?12, city = ?13, state = ?14, zip = ?15, address = ?16, \
         country_id = ?17, assigned_id = ?18, group_id = ?19, updated_at = ?20 WHERE tenant_id = ?1 AND id = ?2",
        params![
            ctx.tenant_id, id, c.firstname, c.lastname, c.company, c.r#type.as_str(), c.email, phone, phone_key(&phone),
            c.status_id, c.source_id, c.description, c.city, c.state, c.zip, c.address, c.country_id, c.assigned_id,
            serde_json::to_string(&c.group_id)?, ctx.now.0,
        ],
    )
    .map_err(|e| unique_violation(e, rules::CREATE_CONTACT_BODY, UNIQUE))?;
    let current = stored(&tx, ctx, id)?;
    outbox::record(&tx, ctx, Change::Updated { previous: &previous, current: &current })?;
    tx.commit()?;
    Ok(current)
}

/// The contact with the patch's fields.
fn apply(c: &mut Contact, patch: UpdateContactBody) {
    let UpdateContactBody { firstname, lastname, phone, r#type, source_id, status_id, email, company, description, city, state, zip, address, country_id, assigned_id, groups } = patch;
    c.firstname = firstname.unwrap_or(std::mem::take(&mut c.firstname));
    c.lastname = lastname.unwrap_or(std::mem::take(&mut c.lastname));
    c.phone = phone.or(c.phone.take());
    c.r#type = r#type.map_or(c.r#type.clone(), Open::Known);
    c.source_id = source_id.unwrap_or(c.source_id);
    c.status_id = status_id.unwrap_or(c.status_id);
    email.apply_to(&mut c.email);
    company.apply_to(&mut c.company);
    description.apply_to(&mut c.description);
    city.apply_to(&mut c.city);
    state.apply_to(&mut c.state);
    zip.apply_to(&mut c.zip);
    address.apply_to(&mut c.address);
    country_id.apply_to(&mut c.country_id);
    assigned_id.apply_to(&mut c.assigned_id);
    if let Some(groups) = groups {
        c.group_id = dedup(&groups);
    }
}

/// Delete Contact (its memberships live on the row and go with it).
pub fn delete(conn: &Connection, ctx: &Ctx, id: i64) -> Result<()> {
    if in_transaction(conn, |tx| remove(tx, ctx, id))? { Ok(()) } else { Err(Error::not_found("contact")) }
}

/// Deletes the tenant's contact and records `contact.deleted`; false when there is none.
fn remove(conn: &Connection, ctx: &Ctx, id: i64) -> Result<bool> {
    let Some(previous) = find(conn, ctx, id)? else { return Ok(false) };
    conn.execute("DELETE FROM contacts WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])?;
    outbox::record(conn, ctx, Change::Deleted(&previous))?;
    Ok(true)
}

/// Sets a contact's opt-out flag (no API operation does; the sandbox's tests and tools use it).
pub fn set_opted_out(conn: &Connection, ctx: &Ctx, id: i64, opted_out: bool) -> Result<()> {
    in_transaction(conn, |tx| {
        let previous = find(tx, ctx, id)?.ok_or(Error::not_found("contact"))?;
        tx.execute(
            "UPDATE contacts SET is_opted_out = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
            params![ctx.tenant_id, id, opted_out, ctx.now.0],
        )?;
        outbox::record(tx, ctx, Change::Updated { previous: &previous, current: &stored(tx, ctx, id)? })
    })
}

/// Batch Delete Contacts: in one transaction; unknown and other tenants' ids count as failed.
pub fn batch_delete(conn: &mut Connection, ctx: &Ctx, ids: &[i64]) -> Result<BatchDeleteResult> {
    let tx = conn.transaction()?;
    let mut deleted = 0;
    for id in ids {
        deleted += i64::from(remove(&tx, ctx, *id)?);
    }
    tx.commit()?;
    let total = ids.len() as i64;
    Ok(BatchDeleteResult { summary: BatchDeleteSummary { total, deleted, failed: total - deleted } })
}

/// What became of one batch item.
enum Outcome {
    Created(Box<Contact>),
    Skipped(String),
    Failed(FieldErrors),
    /// The plan limit stopped the item.
    AtLimit(Error),
}

/// Batch Create Contacts: one transaction; items in order, those the glue `rejected` (they
/// broke the spec's rules) failing in their place, the others with the Create Contact rules
/// that depend on the data (an earlier item of the batch counts as existing);
/// `skip_duplicates` turns a taken phone into a skip; `continue_on_error` false rolls
/// everything back at the first failing item.
pub fn batch_create(conn: &mut Connection, ctx: &Ctx, body: BatchCreateContactsBody, rejected: Rejected) -> Result<BatchCreateResult> {
    // the answer lists at most LISTED_ITEMS of each; these count them all
    let (mut skipped, mut failed) = (0, 0);
    let options = body.options.as_ref();
    let continue_on_error = options.and_then(|o| o.continue_on_error).unwrap_or(true);
    let skip_duplicates = options.and_then(|o| o.skip_duplicates).unwrap_or(false);
    let items = rejected.merge("contacts", body.contacts);
    let tx = conn.transaction()?;
    check_limit(&tx, ctx)?;
    let mut result = BatchCreateResult {
        summary: BatchCreateSummary { total: items.len() as i64, created: 0, skipped: 0, failed: 0 },
        created: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    for (index, item) in items {
        let (outcome, data) = match item {
            Ok(item) => (batch_item(&tx, ctx, &item, skip_duplicates)?, serde_json::to_value(&item)?),
            Err(RejectedItem { errors, data, .. }) => (Outcome::Failed(errors.iter().map(|(f, m)| (f.to_owned(), m.to_vec())).collect()), data),
        };
        match outcome {
            Outcome::Created(contact) => result.created.push(*contact),
            Outcome::Skipped(reason) => {
                skipped += 1;
                listed(&mut result.skipped, BatchSkippedItem { index: index as i64, reason, data });
            }
            Outcome::Failed(errors) if continue_on_error => {
                failed += 1;
                listed(&mut result.errors, BatchFailedItem { index: index as i64, errors: errors.into_iter().collect(), data });
            }
            Outcome::Failed(errors) => {
                let keyed = errors.into_iter().map(|(field, messages)| (format!("contacts.{index}.{field}"), messages)).collect();
                return Err(Error::Validation(keyed));
            }
            Outcome::AtLimit(_) if continue_on_error => {
                let errors = BTreeMap::from([("limit".to_owned(), vec!["Plan limit reached".to_owned()])]);
                failed += 1;
                listed(&mut result.errors, BatchFailedItem { index: index as i64, errors, data });
            }
            Outcome::AtLimit(error) => return Err(error),
        }
    }
    tx.commit()?;
    let s = &mut result.summary;
    s.created = result.created.len() as i64;
    s.skipped = skipped;
    s.failed = failed;
    Ok(result)
}

/// How many skipped and failed items a batch answer lists (the spec's `BatchCreateResult`);
/// the summary counts them all.
const LISTED_ITEMS: usize = 100;

fn listed<T>(list: &mut Vec<T>, item: T) {
    if list.len() < LISTED_ITEMS {
        list.push(item);
    }
}

fn batch_item(conn: &Connection, ctx: &Ctx, item: &BatchCreateContact, skip_duplicates: bool) -> Result<Outcome> {
    if skip_duplicates && find_by_phone(conn, ctx, &item.phone)?.is_some() {
        return Ok(Outcome::Skipped("A contact with this phone number already exists".into()));
    }
    let (first, last, phone) = (item.firstname.clone(), item.lastname.clone(), item.phone.clone());
    let new = CreateContactBody {
        email: item.email.clone(),
        company: item.company.clone(),
        description: item.description.clone(),
        city: item.city.clone(),
        state: item.state.clone(),
        zip: item.zip.clone(),
        address: item.address.clone(),
        country_id: item.country_id,
        assigned_id: item.assigned_id,
        ..CreateContactBody::new(first, last, phone, item.r#type, item.source_id, item.status_id)
    };
    let mut errors = FieldErrors::new();
    check_rules(conn, ctx, &Fields::of_new(&new), None, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Outcome::Failed(errors));
    }
    if let Err(error) = check_limit(conn, ctx) {
        return Ok(Outcome::AtLimit(error));
    }
    match insert(conn, ctx, &new) {
        Ok(contact) => Ok(Outcome::Created(Box::new(contact))),
        Err(Error::Validation(errors)) => Ok(Outcome::Failed(errors)),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests;
