//! Contacts (`contacts.yaml`): list with includes, filters, sort and search; create (phone and
//! email unique in the tenant, source and status existing, the contacts plan limit); get;
//! partial update (absent leaves, null clears); delete; batch create and batch delete.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::Value;

use super::groups::{self, Group};
use super::counts;
use super::query::{ColType, FilterOp, FilterSpec, ListSpec, fetch_page_counted};
use super::sources::{self, Source};
use super::statuses::{self, Status};
use super::validate::{self, Checker};
use super::{Ctx, Error, FieldErrors, ListParams, Page, Result, phone_key, unique_violation};
use crate::clock::Ts;

/// The contact types of `ContactType`.
pub const CONTACT_TYPES: &[&str] = &["lead", "customer", "guest"];

pub(crate) const PHONE_TAKEN: &str = "This phone number already exists";
pub(crate) const EMAIL_TAKEN: &str = "This email address already exists";
const BAD_TYPE: &str = "Type must be either lead, customer, or guest";
const NO_SOURCE: &str = "The selected source does not exist or does not belong to your account";
const NO_STATUS: &str = "The selected status does not exist or does not belong to your account";
const UNIQUE_RULES: &[(&str, &str, &str)] =
    &[("contacts.tenant_id, contacts.phone_key", "phone", PHONE_TAKEN), ("contacts.tenant_id, contacts.email", "email", EMAIL_TAKEN)];

/// A contact (ContactResource) without relations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub firstname: String,
    pub lastname: String,
    pub company: Option<String>,
    #[serde(rename = "type")]
    pub contact_type: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status_id: i64,
    pub source_id: i64,
    pub description: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub address: Option<String>,
    pub country_id: Option<i64>,
    pub assigned_id: Option<i64>,
    pub group_id: Vec<i64>,
    pub is_opted_out: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// A contact with the relations that were asked for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactView {
    #[serde(flatten)]
    pub contact: Contact,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// Which relations to load (`?include=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Includes {
    pub groups: bool,
    pub source: bool,
    pub status: bool,
}

impl Includes {
    /// Every relation.
    pub const ALL: Includes = Includes { groups: true, source: true, status: true };

    /// The relations of an `include=groups,source` list; an unknown name is a 422.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Includes> {
        let mut out = Includes::default();
        for name in names {
            match name.trim() {
                "groups" => out.groups = true,
                "source" => out.source = true,
                "status" => out.status = true,
                "" => {}
                other => return Err(Error::field("include", format!("unknown include `{other}` (allowed: groups, source, status)"))),
            }
        }
        Ok(out)
    }
}

/// Create Contact's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewContact {
    pub firstname: String,
    pub lastname: String,
    pub phone: String,
    pub contact_type: String,
    pub source_id: i64,
    pub status_id: i64,
    pub email: Option<String>,
    pub company: Option<String>,
    pub description: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub address: Option<String>,
    pub country_id: Option<i64>,
    pub assigned_id: Option<i64>,
    pub groups: Option<Vec<i64>>,
}

/// Update Contact's body: `None` leaves a field, `Some(None)` clears a nullable one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactPatch {
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub phone: Option<String>,
    pub contact_type: Option<String>,
    pub source_id: Option<i64>,
    pub status_id: Option<i64>,
    pub email: Option<Option<String>>,
    pub company: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub state: Option<Option<String>>,
    pub zip: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub country_id: Option<Option<i64>>,
    pub assigned_id: Option<Option<i64>>,
    pub groups: Option<Vec<i64>>,
}

/// Batch Create Contacts' options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchOptions {
    pub continue_on_error: bool,
    pub skip_duplicates: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { continue_on_error: true, skip_duplicates: false }
    }
}

/// Batch Create Contacts' result (the flat body's summary, created, skipped and errors).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchCreateResult {
    pub summary: BatchCreateSummary,
    pub created: Vec<Contact>,
    pub skipped: Vec<BatchSkipped>,
    pub errors: Vec<BatchFailed>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchCreateSummary {
    pub total: i64,
    pub created: i64,
    pub skipped: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchSkipped {
    pub index: i64,
    pub reason: String,
    pub data: Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchFailed {
    pub index: i64,
    pub errors: FieldErrors,
    pub data: Value,
}

/// Batch Delete Contacts' summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchDeleteSummary {
    pub total: i64,
    pub deleted: i64,
    pub failed: i64,
}

const LIST: ListSpec = ListSpec {
    sort: &[
        ("id", "c.id"),
        ("firstname", "c.firstname COLLATE NOCASE"),
        ("lastname", "c.lastname COLLATE NOCASE"),
        ("created_at", "c.created_at"),
        ("updated_at", "c.updated_at"),
    ],
    default_sort: Some(("created_at", true)),
    search: &["c.firstname", "c.lastname", "c.email", "c.phone", "c.company"],
    filters: &[
        FilterSpec { field: "type", column: "c.type", ty: ColType::Text, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::Like, FilterOp::In, FilterOp::NotIn] },
        FilterSpec { field: "status_id", column: "c.status_id", ty: ColType::Int, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn] },
        FilterSpec { field: "source_id", column: "c.source_id", ty: ColType::Int, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn] },
        FilterSpec {
            field: "assigned_id",
            column: "c.assigned_id",
            ty: ColType::Int,
            ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn, FilterOp::Null],
        },
        FilterSpec {
            field: "created_at",
            column: "c.created_at",
            ty: ColType::Date,
            ops: &[FilterOp::Gt, FilterOp::Gte, FilterOp::Lt, FilterOp::Lte, FilterOp::Between],
        },
        FilterSpec { field: "group_id", column: "c.group_id", ty: ColType::IntArray, ops: &[FilterOp::Eq] },
    ],
    id_column: "c.id",
};

const COLUMNS: &str = "c.id, c.firstname, c.lastname, c.company, c.type, c.email, c.phone, c.status_id, c.source_id, \
    c.description, c.city, c.state, c.zip, c.address, c.country_id, c.assigned_id, c.group_id, c.is_opted_out, \
    c.created_at, c.updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    let groups: String = row.get(16)?;
    Ok(Contact {
        id: row.get(0)?,
        firstname: row.get(1)?,
        lastname: row.get(2)?,
        company: row.get(3)?,
        contact_type: row.get(4)?,
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
        group_id: serde_json::from_str(&groups).unwrap_or_default(),
        is_opted_out: row.get(17)?,
        created_at: Ts(row.get(18)?),
        updated_at: Ts(row.get(19)?),
    })
}

/// List Contacts. The total is exact; it is counted again only after a write to the tenant's
/// contacts (`counts`). The page, its total and its relations are read in one transaction.
pub fn list(conn: &Connection, ctx: &Ctx, params: &ListParams, includes: Includes) -> Result<Page<ContactView>> {
    let tx = if conn.is_autocommit() { Some(conn.unchecked_transaction()?) } else { None };
    let base = ("c.tenant_id = ?", vec![ctx.tenant_id.into()]);
    let versions = Some((counts::CONTACTS, ctx.tenant_id));
    let page = fetch_page_counted(conn, &LIST, params, "contacts c", base, COLUMNS, from_row, versions)?;
    let Page { items, page, per_page, total } = page;
    let items = items.into_iter().map(|c| view(conn, ctx, c, includes)).collect::<Result<Vec<_>>>()?;
    if let Some(tx) = tx {
        tx.commit()?;
    }
    Ok(Page { items, page, per_page, total })
}

/// Get Contact.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64, includes: Includes) -> Result<ContactView> {
    let contact = find(conn, ctx, id)?.ok_or(Error::not_found("contact"))?;
    view(conn, ctx, contact, includes)
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

fn view(conn: &Connection, ctx: &Ctx, contact: Contact, includes: Includes) -> Result<ContactView> {
    let groups = if includes.groups { Some(groups::by_ids(conn, ctx, &contact.group_id)?) } else { None };
    let source = if includes.source { sources::find(conn, ctx, contact.source_id)? } else { None };
    let status = if includes.status { statuses::find(conn, ctx, contact.status_id)? } else { None };
    Ok(ContactView { contact, groups, source, status })
}

/// Create Contact; the response carries the groups relation.
pub fn create(conn: &mut Connection, ctx: &Ctx, new: &NewContact) -> Result<ContactView> {
    let tx = conn.transaction()?;
    let mut errors = FieldErrors::new();
    check_rules(&tx, ctx, &Fields::of_new(new), None, &mut errors)?;
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    check_limit(&tx, ctx)?;
    let id = insert(&tx, ctx, new)?;
    tx.commit()?;
    get(conn, ctx, id, Includes { groups: true, ..Includes::default() })
}

/// The fields the store-only rules look at.
struct Fields<'a> {
    phone: Option<&'a str>,
    email: Option<&'a str>,
    contact_type: Option<&'a str>,
    source_id: Option<i64>,
    status_id: Option<i64>,
}

impl<'a> Fields<'a> {
    fn of_new(new: &'a NewContact) -> Self {
        Fields {
            phone: Some(&new.phone),
            email: new.email.as_deref(),
            contact_type: Some(&new.contact_type),
            source_id: Some(new.source_id),
            status_id: Some(new.status_id),
        }
    }
}

/// Uniqueness of phone and email (ignoring `except`), the type, and the existence of the source
/// and status in the tenant.
fn check_rules(conn: &Connection, ctx: &Ctx, f: &Fields<'_>, except: Option<i64>, errors: &mut FieldErrors) -> Result<()> {
    let mut add = |field: &str, message: &str| errors.entry(field.to_owned()).or_default().push(message.to_owned());
    let except = except.unwrap_or(0);
    if let Some(phone) = f.phone
        && exists(conn, "SELECT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND phone_key = ?2 AND id != ?3)", ctx, &phone_key(phone), except)?
    {
        add("phone", PHONE_TAKEN);
    }
    if let Some(email) = f.email
        && exists(conn, "SELECT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND email = ?2 AND id != ?3)", ctx, email, except)?
    {
        add("email", EMAIL_TAKEN);
    }
    if let Some(t) = f.contact_type
        && !CONTACT_TYPES.contains(&t)
    {
        add("type", BAD_TYPE);
    }
    if let Some(id) = f.source_id
        && sources::find(conn, ctx, id)?.is_none()
    {
        add("source_id", NO_SOURCE);
    }
    if let Some(id) = f.status_id
        && statuses::find(conn, ctx, id)?.is_none()
    {
        add("status_id", NO_STATUS);
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

/// Inserts without checks; a UNIQUE violation becomes the 422 of the field.
pub(crate) fn insert(conn: &Connection, ctx: &Ctx, new: &NewContact) -> Result<i64> {
    let groups = dedup(new.groups.as_deref().unwrap_or_default());
    conn.execute(
        "INSERT INTO contacts (tenant_id, firstname, lastname, company, type, email, phone, phone_key, status_id, source_id, \
         description, city, state, zip, address, country_id, assigned_id, group_id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
        params![
            ctx.tenant_id, new.firstname, new.lastname, new.company, new.contact_type, new.email, new.phone, phone_key(&new.phone),
            new.status_id, new.source_id, new.description, new.city, new.state, new.zip, new.address, new.country_id,
            new.assigned_id, serde_json::to_string(&groups)?, ctx.now.0
        ],
    )
    .map_err(|e| unique_violation(e, UNIQUE_RULES))?;
    Ok(conn.last_insert_rowid())
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

/// Update Contact.
pub fn update(conn: &mut Connection, ctx: &Ctx, id: i64, patch: &ContactPatch) -> Result<ContactView> {
    let tx = conn.transaction()?;
    let current = find(&tx, ctx, id)?.ok_or(Error::not_found("contact"))?;
    let fields = Fields {
        phone: patch.phone.as_deref(),
        email: patch.email.as_ref().and_then(Option::as_deref),
        contact_type: patch.contact_type.as_deref(),
        source_id: patch.source_id,
        status_id: patch.status_id,
    };
    let mut errors = FieldErrors::new();
    check_rules(&tx, ctx, &fields, Some(id), &mut errors)?;
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let c = current;
    let phone = patch.phone.clone().or(c.phone).unwrap_or_default();
    let groups = patch.groups.as_deref().map(dedup).unwrap_or(c.group_id);
    tx.execute(
        "UPDATE contacts SET firstname = ?3, lastname = ?4, company = ?5, type = ?6, email = ?7, phone = ?8, phone_key = ?9, \
         status_id = ?10, source_id = ?11, description = ?12, city = ?13, state = ?14, zip = ?15, address = ?16, \
         country_id = ?17, assigned_id = ?18, group_id = ?19, updated_at = ?20 WHERE tenant_id = ?1 AND id = ?2",
        params![
            ctx.tenant_id,
            id,
            patch.firstname.as_ref().unwrap_or(&c.firstname),
            patch.lastname.as_ref().unwrap_or(&c.lastname),
            patch.company.clone().unwrap_or(c.company),
            patch.contact_type.as_ref().unwrap_or(&c.contact_type),
            patch.email.clone().unwrap_or(c.email),
            phone,
            phone_key(&phone),
            patch.status_id.unwrap_or(c.status_id),
            patch.source_id.unwrap_or(c.source_id),
            patch.description.clone().unwrap_or(c.description),
            patch.city.clone().unwrap_or(c.city),
            patch.state.clone().unwrap_or(c.state),
            patch.zip.clone().unwrap_or(c.zip),
            patch.address.clone().unwrap_or(c.address),
            patch.country_id.unwrap_or(c.country_id),
            patch.assigned_id.unwrap_or(c.assigned_id),
            serde_json::to_string(&groups)?,
            ctx.now.0,
        ],
    )
    .map_err(|e| unique_violation(e, UNIQUE_RULES))?;
    tx.commit()?;
    get(conn, ctx, id, Includes::default())
}

/// Delete Contact (its memberships live on the row and go with it).
pub fn delete(conn: &Connection, ctx: &Ctx, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM contacts WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])?;
    if n == 0 { Err(Error::not_found("contact")) } else { Ok(()) }
}

/// Sets a contact's opt-out flag (no API operation does; the sandbox's tests and tools use it).
pub fn set_opted_out(conn: &Connection, ctx: &Ctx, id: i64, opted_out: bool) -> Result<()> {
    let n = conn.execute(
        "UPDATE contacts SET is_opted_out = ?3, updated_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
        params![ctx.tenant_id, id, opted_out, ctx.now.0],
    )?;
    if n == 0 { Err(Error::not_found("contact")) } else { Ok(()) }
}

/// Batch Delete Contacts: in one transaction; unknown and other tenants' ids count as failed.
pub fn batch_delete(conn: &mut Connection, ctx: &Ctx, ids: &[i64]) -> Result<BatchDeleteSummary> {
    let tx = conn.transaction()?;
    let mut deleted = 0;
    for id in ids {
        deleted += tx.execute("DELETE FROM contacts WHERE tenant_id = ?1 AND id = ?2", params![ctx.tenant_id, id])? as i64;
    }
    tx.commit()?;
    let total = ids.len() as i64;
    Ok(BatchDeleteSummary { total, deleted, failed: total - deleted })
}

/// What became of one batch item.
enum Outcome {
    Created(Box<Contact>),
    Skipped(String),
    Failed(FieldErrors),
    /// The plan limit stopped the item.
    AtLimit(Error),
}

/// Batch Create Contacts: one transaction; items in order with the Create Contact rules (an
/// earlier item of the batch counts as existing); `skip_duplicates` turns a taken phone into a
/// skip; `continue_on_error` false rolls everything back at the first failing item.
pub fn batch_create(conn: &mut Connection, ctx: &Ctx, items: &[Value], options: BatchOptions) -> Result<BatchCreateResult> {
    let tx = conn.transaction()?;
    check_limit(&tx, ctx)?;
    let mut result = BatchCreateResult {
        summary: BatchCreateSummary { total: items.len() as i64, ..BatchCreateSummary::default() },
        created: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    for (index, item) in items.iter().enumerate() {
        match batch_item(&tx, ctx, item, options)? {
            Outcome::Created(contact) => result.created.push(*contact),
            Outcome::Skipped(reason) => result.skipped.push(BatchSkipped { index: index as i64, reason, data: item.clone() }),
            Outcome::Failed(errors) if options.continue_on_error => {
                result.errors.push(BatchFailed { index: index as i64, errors, data: item.clone() })
            }
            Outcome::Failed(errors) => {
                let keyed = errors.into_iter().map(|(field, messages)| (format!("contacts.{index}.{field}"), messages)).collect();
                return Err(Error::Validation(keyed));
            }
            Outcome::AtLimit(_) if options.continue_on_error => {
                let errors = BTreeMap::from([("limit".to_owned(), vec!["Plan limit reached".to_owned()])]);
                result.errors.push(BatchFailed { index: index as i64, errors, data: item.clone() });
            }
            Outcome::AtLimit(error) => return Err(error),
        }
    }
    tx.commit()?;
    let s = &mut result.summary;
    s.created = result.created.len() as i64;
    s.skipped = result.skipped.len() as i64;
    s.failed = result.errors.len() as i64;
    Ok(result)
}

fn batch_item(conn: &Connection, ctx: &Ctx, item: &Value, options: BatchOptions) -> Result<Outcome> {
    let Some(object) = item.as_object() else {
        return Ok(Outcome::Failed(BTreeMap::from([("contact".to_owned(), vec!["The contact must be an object.".to_owned()])])));
    };
    let mut c = Checker::new(object);
    let firstname = c.string("firstname", Some("First name is required"), Some(255));
    let lastname = c.string("lastname", Some("Last name is required"), Some(255));
    let phone = c.string("phone", Some("Phone number is required"), Some(20));
    if options.skip_duplicates
        && let Some(phone) = &phone
        && find_by_phone(conn, ctx, phone)?.is_some()
    {
        return Ok(Outcome::Skipped("A contact with this phone number already exists".into()));
    }
    let contact_type = c.string("type", Some("The type field is required."), None);
    let source_id = c.integer("source_id", true);
    let status_id = c.integer("status_id", true);
    let email = c.string("email", None, Some(191));
    if let Some(email) = &email
        && !validate::is_email(email)
    {
        c.add("email", validate::invalid_email("email"));
    }
    let new = NewContact {
        company: c.string("company", None, Some(255)),
        description: c.string("description", None, None),
        city: c.string("city", None, Some(255)),
        state: c.string("state", None, Some(255)),
        zip: c.string("zip", None, Some(20)),
        address: c.string("address", None, Some(500)),
        country_id: c.integer("country_id", false),
        assigned_id: c.integer("assigned_id", false),
        firstname: firstname.unwrap_or_default(),
        lastname: lastname.unwrap_or_default(),
        phone: phone.clone().unwrap_or_default(),
        contact_type: contact_type.clone().unwrap_or_default(),
        source_id: source_id.unwrap_or_default(),
        status_id: status_id.unwrap_or_default(),
        email: email.clone(),
        groups: None,
    };
    let fields = Fields {
        phone: phone.as_deref(),
        email: email.as_deref(),
        contact_type: contact_type.as_deref(),
        source_id,
        status_id,
    };
    let mut errors = c.errors;
    check_rules(conn, ctx, &fields, None, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Outcome::Failed(errors));
    }
    if let Err(error) = check_limit(conn, ctx) {
        return Ok(Outcome::AtLimit(error));
    }
    match insert(conn, ctx, &new) {
        Ok(id) => Ok(Outcome::Created(Box::new(find(conn, ctx, id)?.ok_or_else(|| Error::Internal("contact vanished".into()))?))),
        Err(Error::Validation(errors)) => Ok(Outcome::Failed(errors)),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests;
