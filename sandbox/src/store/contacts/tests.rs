//! Unit tests of store::contacts: the create rules and messages, the plan limit, includes,
//! list queries, partial updates, deletes, the batches and concurrent duplicate creates.

use serde_json::json;
use wacr_server::models::{
    BatchCreateOptions, ContactType, Filter, Group, ListContactsFilters, Patch, Sort,
};

use super::*;
use crate::seed::TenantSeed;
use crate::store::testing::{Fixture, validation};
use crate::store::{groups, named};

fn group(f: &Fixture, ctx: &Ctx, name: &str) -> Group {
    named::create(&f.conn, ctx, name, None).unwrap()
}

/// The documented message for a taken phone or email.
fn taken(field: &str) -> String {
    let what = if field == "phone" { "phone number" } else { "email address" };
    format!("This {what} already exists")
}

fn none() -> IncludeSet<ContactInclude> {
    IncludeSet::new()
}

fn leads() -> ListContactsFilters {
    ListContactsFilters { r#type: vec![Filter::eq(ContactType::Lead)], ..ListContactsFilters::default() }
}

#[test]
fn create_loads_groups_and_enforces_uniqueness() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let group = group(&f, &ctx, "VIP");
    let mut new = f.new_contact("+91 99999-99999");
    new.email = Some("jane@example.com".into());
    new.groups = Some(vec![group.id, group.id]);
    let created = create(&mut f.conn, &ctx, &new).unwrap();
    assert_eq!(created.group_id, [group.id]);
    assert_eq!(created.groups.as_ref().unwrap()[0].name, "VIP");
    assert!(created.source.is_none() && created.status.is_none());
    assert_eq!(created.phone.as_deref(), Some("+919999999999"), "stored as + and its digits");

    // the same number written differently, and the same email in other case
    let mut dup = f.new_contact("919999999999");
    dup.email = Some("JANE@example.com".into());
    dup.source_id = 999_999;
    dup.status_id = f.source_and_status(f.other).1;
    let errors = validation(create(&mut f.conn, &ctx, &dup));
    assert_eq!(errors["phone"], [taken("phone")]);
    assert_eq!(errors["email"], [taken("email")]);
    assert_eq!(errors["source_id"], ["The selected source does not exist or does not belong to your account"]);
    assert_eq!(errors["status_id"], ["The selected status does not exist or does not belong to your account"], "another tenant's status does not exist here");

    // another tenant may hold the same phone and email
    let (source_id, status_id) = f.source_and_status(f.other);
    let theirs = CreateContactBody { source_id, status_id, ..new.clone() };
    let other = f.other_ctx();
    create(&mut f.conn, &other, &theirs).unwrap();
}

#[test]
fn contacts_limit() {
    let mut seed = TenantSeed::primary(60);
    seed.plan.contacts = Some(2);
    let mut f = Fixture::with(seed);
    f.contact("+15550006001");
    f.contact("+15550006002");
    let ctx = f.ctx();
    let new = f.new_contact("+15550006003");
    assert_eq!(create(&mut f.conn, &ctx, &new), Err(Error::FeatureLimit { feature: "contacts", current: 2, maximum: 2 }));

    for unlimited in [Some(-1), None] {
        let mut seed = TenantSeed::primary(60);
        seed.plan.contacts = unlimited;
        let mut f = Fixture::with(seed);
        for i in 0..3 {
            f.contact(&format!("+1555000610{i}"));
        }
    }
}

#[test]
fn get_with_includes_and_isolation() {
    let mut f = Fixture::new();
    let c = f.contact("+15550007001");
    let ctx = f.ctx();
    let view = get(&f.conn, &ctx, c.id, IncludeSet::parse("source, status").unwrap()).unwrap();
    assert_eq!(view.source.unwrap().id, c.source_id);
    assert_eq!(view.status.unwrap().id, c.status_id);
    assert!(view.groups.is_none());
    assert_eq!(get(&f.conn, &f.other_ctx(), c.id, all_includes()), Err(Error::not_found("contact")));
    assert!(IncludeSet::<ContactInclude>::parse("owner").is_err());
    let json = serde_json::to_value(get(&f.conn, &ctx, c.id, none()).unwrap()).unwrap();
    assert_eq!(json["type"], "lead");
    assert!(json.get("groups").is_none(), "relations only when asked for");
    assert!(json["created_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn list_filters_sorts_searches_and_pages() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let group = group(&f, &ctx, "Members");
    let (source, _) = f.source_and_status(f.tenant);
    let people = [("Ann", ContactType::Lead, Some(7)), ("bob", ContactType::Customer, None), ("Cid", ContactType::Guest, Some(8)), ("Dee", ContactType::Lead, None)];
    let mut ids = Vec::new();
    for (i, (name, kind, assigned)) in people.iter().enumerate() {
        let mut new = f.new_contact(&format!("+1555000800{i}"));
        new.firstname = (*name).into();
        new.r#type = *kind;
        new.assigned_id = *assigned;
        new.company = Some(format!("{name} & Co"));
        new.groups = (i % 2 == 0).then(|| vec![group.id]);
        let at = f.ctx();
        ids.push(create(&mut f.conn, &at, &new).unwrap().id);
        f.advance(60);
    }
    let ctx = f.ctx();
    let names = |q: ListContactsQuery| -> Vec<String> { list(&f.conn, &ctx, &q).unwrap().items.into_iter().map(|c| c.firstname).collect() };
    assert_eq!(names(ListContactsQuery::default()), ["Dee", "Cid", "bob", "Ann"], "newest first by default");
    let by_name = ListContactsQuery { sort: vec![Sort::asc(ListContactsSortField::Firstname)], ..ListContactsQuery::default() };
    assert_eq!(names(by_name), ["Ann", "bob", "Cid", "Dee"]);
    let by = |filters: ListContactsFilters| names(ListContactsQuery { filters, sort: vec![Sort::asc(ListContactsSortField::Id)], ..ListContactsQuery::default() });
    let of_type = |cond| ListContactsFilters { r#type: vec![cond], ..ListContactsFilters::default() };
    let assigned = |cond| ListContactsFilters { assigned_id: vec![cond], ..ListContactsFilters::default() };
    let created = |cond| ListContactsFilters { created_at: vec![cond], ..ListContactsFilters::default() };
    assert_eq!(by(of_type(Filter::eq(ContactType::Lead))), ["Ann", "Dee"]);
    assert_eq!(by(of_type(Filter::like("ue"))), ["Cid"]);
    assert_eq!(by(of_type(Filter::not_in([ContactType::Lead, ContactType::Guest]))), ["bob"]);
    assert_eq!(by(assigned(Filter::null(true))), ["bob", "Dee"]);
    assert_eq!(by(assigned(Filter::ne(7))), ["bob", "Cid", "Dee"], "ne keeps nulls");
    assert_eq!(by(ListContactsFilters { group_id: vec![Filter::eq(group.id)], ..ListContactsFilters::default() }), ["Ann", "Cid"]);
    assert_eq!(by(ListContactsFilters { source_id: vec![Filter::eq(source)], ..ListContactsFilters::default() }).len(), 4);
    let second = f.now.plus_secs(-3 * 60).iso();
    assert_eq!(by(created(Filter::gte(second.clone()))), ["bob", "Cid", "Dee"]);
    assert_eq!(by(created(Filter::lt(second))), ["Ann"]);
    let today = f.now.iso()[..10].to_owned();
    assert_eq!(by(created(Filter::between(today.clone(), today))).len(), 4);
    assert_eq!(names(ListContactsQuery { search: Some("ob & c".into()), ..ListContactsQuery::default() }), ["bob"]);
    let second_page = ListContactsQuery { per_page: Some(3), page: Some(2), include: all_includes(), ..ListContactsQuery::default() };
    let page = list(&f.conn, &ctx, &second_page).unwrap();
    assert_eq!((page.meta.total, page.items.len(), page.meta.last_page, page.meta.from), (4, 1, 2, Some(4)));
    assert!(page.items[0].groups.is_some() && page.items[0].source.is_some());
    assert!(list(&f.conn, &f.other_ctx(), &ListContactsQuery::default()).unwrap().items.is_empty());
    let bad_date = created(Filter::gte("yesterday"));
    let refused = list(&f.conn, &ctx, &ListContactsQuery { filters: bad_date, ..ListContactsQuery::default() });
    assert!(matches!(refused, Err(Error::Validation(e)) if e.contains_key("filter[created_at][gte]")));
}

#[test]
fn update_is_partial_and_null_clears() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let mut new = f.new_contact("+15550009001");
    new.company = Some("Acme".into());
    new.email = Some("a@x.io".into());
    new.city = Some("Paris".into());
    let c = create(&mut f.conn, &ctx, &new).unwrap();
    f.contact("+15550009002");
    f.advance(5);
    let ctx = f.ctx();
    let patch = UpdateContactBody { firstname: Some("Janet".into()), company: Patch::Null, city: Patch::Absent, ..UpdateContactBody::default() };
    let after = update(&mut f.conn, &ctx, c.id, &patch).unwrap();
    assert_eq!((after.firstname.as_str(), after.company, after.city.as_deref()), ("Janet", None, Some("Paris")));
    assert_eq!(after.email.as_deref(), Some("a@x.io"));
    assert!(after.updated_at > after.created_at);
    // keeping its own phone is fine; taking another contact's is not
    update(&mut f.conn, &ctx, c.id, &UpdateContactBody { phone: Some("15550009001".into()), ..UpdateContactBody::default() }).unwrap();
    let errors = validation(update(&mut f.conn, &ctx, c.id, &UpdateContactBody { phone: Some("+15550009002".into()), ..UpdateContactBody::default() }));
    assert_eq!(errors["phone"], [taken("phone")]);
    let group = group(&f, &ctx, "G");
    let with_group = update(&mut f.conn, &ctx, c.id, &UpdateContactBody { groups: Some(vec![group.id]), ..UpdateContactBody::default() }).unwrap();
    assert_eq!(with_group.group_id, [group.id]);
    let cleared = update(&mut f.conn, &ctx, c.id, &UpdateContactBody { groups: Some(vec![]), email: Patch::Null, ..UpdateContactBody::default() }).unwrap();
    assert!(cleared.group_id.is_empty() && cleared.email.is_none());
    let other = f.other_ctx();
    assert_eq!(update(&mut f.conn, &other, c.id, &UpdateContactBody::default()), Err(Error::not_found("contact")));
}

#[test]
fn delete_and_batch_delete() {
    let mut f = Fixture::new();
    let a = f.contact("+15550010001");
    let b = f.contact("+15550010002");
    let c = f.contact("+15550010003");
    let ctx = f.ctx();
    assert_eq!(delete(&f.conn, &f.other_ctx(), a.id), Err(Error::not_found("contact")));
    delete(&f.conn, &ctx, a.id).unwrap();
    assert_eq!(delete(&f.conn, &ctx, a.id), Err(Error::not_found("contact")));
    let summary = batch_delete(&mut f.conn, &ctx, &[b.id, a.id, 999, c.id]).unwrap().summary;
    assert_eq!(summary, BatchDeleteSummary { total: 4, deleted: 2, failed: 2 });
    // the phone is free again
    f.contact("+15550010001");
}

fn item(phone: &str, f: &Fixture) -> BatchCreateContact {
    let (source_id, status_id) = f.source_and_status(f.tenant);
    let json = json!({"firstname": "B", "lastname": "C", "phone": phone, "type": "customer", "source_id": source_id, "status_id": status_id});
    serde_json::from_value(json).unwrap()
}

fn batch(contacts: Vec<BatchCreateContact>, continue_on_error: bool, skip_duplicates: bool) -> BatchCreateContactsBody {
    let options = BatchCreateOptions { continue_on_error: Some(continue_on_error), skip_duplicates: Some(skip_duplicates) };
    BatchCreateContactsBody { contacts, options: Some(options) }
}

/// The items that break the rules the glue checks (required fields, type, email format) reach
/// the store as `Rejected`: `tests/contacts.rs` asserts them on the wire.
#[test]
fn batch_create_continues_and_reports() {
    let mut f = Fixture::new();
    f.contact("+15550011000");
    let ctx = f.ctx();
    let items = vec![item("+15550011001", &f), item("+15550011000", &f), item("+15550011001", &f)];
    let defaults = BatchCreateContactsBody { contacts: items.clone(), options: None };
    let result = batch_create(&mut f.conn, &ctx, defaults.clone(), Rejected::default()).unwrap();
    assert_eq!(result.summary, BatchCreateSummary { total: 3, created: 1, skipped: 0, failed: 2 });
    assert_eq!(result.errors[0].index, 1);
    assert_eq!(result.errors[0].errors["phone"], [taken("phone")]);
    assert_eq!(result.errors[0].data, serde_json::to_value(&items[1]).unwrap(), "the item is echoed as sent");
    assert_eq!((result.errors[1].index, &result.errors[1].errors["phone"]), (2, &vec![taken("phone")]), "an earlier item of the batch counts");
    assert!(result.created[0].group_id.is_empty());

    let mut email_taken = item("+15550011003", &f);
    email_taken.email = Some("x@y.z".into());
    let mut same_email = item("+15550011004", &f);
    same_email.email = Some("X@Y.Z".into());
    let skip = batch(vec![item("+15550011000", &f), email_taken, same_email], true, true);
    let result = batch_create(&mut f.conn, &ctx, skip.clone(), Rejected::default()).unwrap();
    assert_eq!(result.summary, BatchCreateSummary { total: 3, created: 1, skipped: 1, failed: 1 });
    assert_eq!((result.skipped[0].index, result.errors[0].index), (0, 2));
    assert_eq!(result.errors[0].errors["email"], [taken("email")], "skip_duplicates keys on phone only");
}

#[test]
fn batch_create_stop_on_error_rolls_back() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let stop = batch(vec![item("+15550012001", &f), item("+15550012002", &f), item("+15550012001", &f)], false, false);
    let errors = validation(batch_create(&mut f.conn, &ctx, stop.clone(), Rejected::default()));
    assert_eq!(errors["contacts.2.phone"], [taken("phone")]);
    let page = list(&f.conn, &ctx, &ListContactsQuery::default()).unwrap();
    assert_eq!(page.meta.total, 0, "nothing was created");
}

#[test]
fn batch_create_and_the_plan_limit() {
    let mut seed = TenantSeed::primary(60);
    seed.plan.contacts = Some(2);
    let mut f = Fixture::with(seed);
    let ctx = f.ctx();
    let items: Vec<BatchCreateContact> = (1..=3).map(|i| item(&format!("+1555001300{i}"), &f)).collect();
    let stop = batch(items.clone(), false, false);
    let go_on = batch(items, true, false);
    assert_eq!(batch_create(&mut f.conn, &ctx, stop.clone(), Rejected::default()), Err(Error::FeatureLimit { feature: "contacts", current: 2, maximum: 2 }));
    let result = batch_create(&mut f.conn, &ctx, go_on.clone(), Rejected::default()).unwrap();
    assert_eq!(result.summary, BatchCreateSummary { total: 3, created: 2, skipped: 0, failed: 1 });
    assert_eq!(result.errors[0].errors["limit"], ["Plan limit reached"]);
    assert_eq!(
        batch_create(&mut f.conn, &ctx, go_on.clone(), Rejected::default()),
        Err(Error::FeatureLimit { feature: "contacts", current: 2, maximum: 2 }),
        "already at the limit when the batch starts"
    );
}

#[test]
fn concurrent_duplicate_creates_give_one_success() {
    let f = Fixture::new();
    // the server's shared connection, opened on the fixture's database
    let db = crate::db::Db::open(&f.path).unwrap();
    let new = f.new_contact("+15550014000");
    let ctx = f.ctx();
    let outcomes: Vec<Result<Contact>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..32).map(|_| s.spawn(|| db.with(|conn| create(conn, &ctx, &new)))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
    for outcome in outcomes.iter().filter(|o| o.is_err()) {
        assert_eq!(outcome.as_ref().unwrap_err(), &Error::field("phone", taken("phone")));
    }
}

#[test]
fn a_unique_violation_that_slips_past_the_checks_is_a_422() {
    let mut f = Fixture::new();
    f.contact("+15550015000");
    let ctx = f.ctx();
    let new = f.new_contact("15550015000");
    // insert skips the pre-checks, so only the UNIQUE index stands in the way
    assert_eq!(insert(&f.conn, &ctx, &new), Err(Error::field("phone", taken("phone"))));
}

/// The cached list totals (store::counts) against the page itself: with fewer rows than a page,
/// an exact total is the number of items, whatever wrote to the contacts in between.
#[test]
fn list_totals_follow_every_write() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let group = group(&f, &ctx, "Watched");
    let queries = [
        ListContactsQuery::default(),
        ListContactsQuery { filters: leads(), sort: vec![Sort::asc(ListContactsSortField::Firstname)], ..ListContactsQuery::default() },
        ListContactsQuery {
            filters: ListContactsFilters { group_id: vec![Filter::eq(group.id)], ..ListContactsFilters::default() },
            ..ListContactsQuery::default()
        },
        ListContactsQuery { search: Some("Jane".into()), ..ListContactsQuery::default() },
    ]
    .map(|q| ListContactsQuery { per_page: Some(100), ..q });
    let check = |f: &Fixture, when: &str| {
        for q in &queries {
            // twice: the second call answers from the cache
            for _ in 0..2 {
                let page = list(&f.conn, &f.ctx(), q).unwrap();
                assert_eq!(page.meta.total, page.items.len() as i64, "{when}: {q:?}");
            }
        }
    };
    check(&f, "empty");
    let a = f.contact("+15550016001");
    let b = f.contact("+15550016002");
    check(&f, "after two creates");
    update(&mut f.conn, &ctx, a.id, &UpdateContactBody { r#type: Some(ContactType::Customer), ..UpdateContactBody::default() }).unwrap();
    check(&f, "after a type change");
    update(&mut f.conn, &ctx, b.id, &UpdateContactBody { firstname: Some("Bob".into()), ..UpdateContactBody::default() }).unwrap();
    check(&f, "after a rename out of the search");
    groups::add_contacts(&mut f.conn, &ctx, group.id, &[a.id, b.id]).unwrap();
    check(&f, "after joining a group");
    groups::remove_contacts(&mut f.conn, &ctx, group.id, &[a.id]).unwrap();
    check(&f, "after leaving a group");
    update(&mut f.conn, &ctx, a.id, &UpdateContactBody { groups: Some(vec![group.id]), ..UpdateContactBody::default() }).unwrap();
    check(&f, "after an update of the groups");
    groups::delete(&mut f.conn, &ctx, group.id).unwrap();
    check(&f, "after the group's deletion");
    delete(&f.conn, &ctx, a.id).unwrap();
    check(&f, "after a delete");
    let items = vec![item("+15550016003", &f), item("+15550016004", &f)];
    batch_create(&mut f.conn, &ctx, BatchCreateContactsBody { contacts: items, options: None }, Rejected::default()).unwrap();
    check(&f, "after a batch create");
    batch_delete(&mut f.conn, &ctx, &[b.id]).unwrap();
    check(&f, "after a batch delete");
    // another tenant's writes leave this tenant's totals alone, and are counted in theirs
    let (source_id, status_id) = f.source_and_status(f.other);
    let theirs = CreateContactBody { source_id, status_id, ..f.new_contact("+15550016005") };
    let other = f.other_ctx();
    create(&mut f.conn, &other, &theirs).unwrap();
    check(&f, "after another tenant's create");
    assert_eq!(list(&f.conn, &f.other_ctx(), &queries[0]).unwrap().meta.total, 1);
}

/// Another connection (as another process would) writing with plain SQL still moves the
/// version the first connection's cached totals depend on, even when an `INSERT OR REPLACE`
/// takes a row from one tenant and gives it to another.
#[test]
fn list_totals_see_writes_from_another_connection() {
    let mut f = Fixture::new();
    if !f.on_sqlite() {
        return; // the cache these totals come from is SQLite's (PostgreSQL counts every time)
    }
    let a = f.contact("+15550017001");
    f.contact("+15550017002");
    let writer = crate::db::open(&f.path).unwrap();
    let leads = ListContactsQuery { filters: leads(), ..ListContactsQuery::default() };
    let total = |f: &Fixture, ctx: &Ctx| list(&f.conn, ctx, &leads).unwrap().meta.total;
    assert_eq!((total(&f, &f.ctx()), total(&f, &f.ctx())), (2, 2));
    writer.execute("UPDATE contacts SET type = 'guest' WHERE id = ?1", [a.id]).unwrap();
    assert_eq!(total(&f, &f.ctx()), 1);
    writer.execute("DELETE FROM contacts WHERE tenant_id = ?1", [f.tenant]).unwrap();
    assert_eq!(total(&f, &f.ctx()), 0);
    let (source_id, status_id) = f.source_and_status(f.other);
    let theirs = CreateContactBody { source_id, status_id, ..f.new_contact("+15550017003") };
    let other = f.other_ctx();
    let moved = create(&mut f.conn, &other, &theirs).unwrap().id;
    assert_eq!(total(&f, &f.other_ctx()), 1);
    let (source_id, status_id) = f.source_and_status(f.tenant);
    writer
        .execute(
            "INSERT OR REPLACE INTO contacts (id, tenant_id, firstname, lastname, type, phone, phone_key, status_id, source_id, created_at, updated_at) \
             VALUES (?1, ?2, 'Moved', 'Over', 'lead', '+15550017004', '15550017004', ?3, ?4, 0, 0)",
            params![moved, f.tenant, status_id, source_id],
        )
        .unwrap();
    assert_eq!((total(&f, &f.ctx()), total(&f, &f.other_ctx())), (1, 0));
}

/// A database made by migrations 0001 and 0002, with contacts, takes migration 0003: the
/// versions start, the totals are right and follow writes, and the list uses the new index.
#[test]
fn migration_0003_applies_to_a_0002_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    let now = crate::clock::Ts(1_750_000_000_000_000);
    let tenant = {
        let old = crate::db::open_at_version(&file, 2).unwrap();
        let seeded = crate::seed::seed_tenant(&old, &TenantSeed::primary(60), &crate::store::templates::Fixture::builtin(), now).unwrap();
        let ctx = Ctx { tenant_id: seeded.tenant_id, now };
        let (source_id, status_id): (i64, i64) = old
            .query_row("SELECT MIN(s.id), MIN(t.id) FROM sources s, statuses t WHERE s.tenant_id = ?1 AND t.tenant_id = ?1", [ctx.tenant_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        // rows as a 0002 sandbox wrote them (today's insert also writes the later outbox)
        for (i, kind) in ["lead", "lead", "customer"].iter().enumerate() {
            old.execute(
                "INSERT INTO contacts (tenant_id, firstname, lastname, type, phone, phone_key, status_id, source_id, created_at, updated_at) \
                 VALUES (?1, ?2, 'Row', ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                rusqlite::params![ctx.tenant_id, format!("Old {i}"), kind, format!("+1555001800{i}"), format!("1555001800{i}"), status_id, source_id, now.0],
            )
            .unwrap();
        }
        let tables: i64 = old.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'contact_versions'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0, "a 0002 database");
        seeded.tenant_id
    };
    let mut conn = crate::db::open(&crate::db::DbPath::File(file)).unwrap();
    let ctx = Ctx { tenant_id: tenant, now };
    let leads = ListContactsQuery { filters: leads(), sort: vec![Sort::asc(ListContactsSortField::Firstname)], ..ListContactsQuery::default() };
    for _ in 0..2 {
        assert_eq!(list(&conn, &ctx, &leads).unwrap().meta.total, 2);
    }
    let (source_id, status_id): (i64, i64) =
        conn.query_row("SELECT source_id, status_id FROM contacts WHERE tenant_id = ?1 LIMIT 1", [tenant], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let new = CreateContactBody::new("New", "Row", "+15550018009", ContactType::Lead, source_id, status_id);
    create(&mut conn, &ctx, &new).unwrap();
    assert_eq!(list(&conn, &ctx, &leads).unwrap().meta.total, 3);
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT c.id FROM contacts c WHERE c.tenant_id = ?1 AND c.type = 'lead' ORDER BY c.firstname COLLATE NOCASE, c.id LIMIT 10",
            [tenant],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("contacts_tenant_type_firstname"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}
