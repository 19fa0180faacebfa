//! Unit tests of store::named on sources and statuses: CRUD, case-insensitive uniqueness per
//! tenant, colours, isolation, deletes refused while a contact holds the record, list search.

use wacr_server::models::{ListSourcesSortField, Source, Status};

use super::*;
use crate::store::testing::Fixture;

/// The documented message for a taken name.
fn taken<M: Named>() -> Error {
    let what = M::KIND.what;
    Error::field("name", format!("A {what} with this name already exists"))
}

#[test]
fn crud_and_uniqueness() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let web: Source = create(&f.conn, &ctx, "Web", None).unwrap();
    assert_eq!(create::<Source>(&f.conn, &ctx, "web", None), Err(taken::<Source>()));
    assert_eq!(create::<Source>(&f.conn, &ctx, "website", None), Err(taken::<Source>()), "seeded");
    let renamed: Source = update(&f.conn, &ctx, web.id, "Web Form", None).unwrap();
    assert_eq!(renamed.name, "Web Form");
    assert_eq!(update::<Source>(&f.conn, &ctx, web.id, "Web Form", None).unwrap().name, "Web Form", "its own name is free");
    let other: Source = create(&f.conn, &ctx, "Trade Show", None).unwrap();
    assert_eq!(update::<Source>(&f.conn, &ctx, other.id, "WEB FORM", None), Err(taken::<Source>()));
    delete::<Source>(&mut f.conn, &ctx, other.id).unwrap();
    assert_eq!(get::<Source>(&f.conn, &ctx, other.id), Err(Error::not_found("source")));
}

#[test]
fn other_tenants_records_are_not_found() {
    let f = Fixture::new();
    let mine: Source = create(&f.conn, &f.ctx(), "Mine", None).unwrap();
    let theirs = f.other_ctx();
    assert_eq!(get::<Source>(&f.conn, &theirs, mine.id), Err(Error::not_found("source")));
    assert_eq!(update::<Source>(&f.conn, &theirs, mine.id, "x", None), Err(Error::not_found("source")));
    let listed = list::<Source, ListSourcesSortField>(&f.conn, &theirs, (None, None), &[], None).unwrap();
    assert!(listed.items.iter().all(|s| s.id != mine.id));
    // the same name is free in another tenant
    create::<Source>(&f.conn, &theirs, "Mine", None).unwrap();
}

#[test]
fn delete_is_refused_while_assigned() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let contact = f.contact("+15550001000");
    let err = delete::<Source>(&mut f.conn, &ctx, contact.source_id).unwrap_err();
    assert!(matches!(err, Error::Validation(ref e) if e.contains_key("id")), "{err:?}");
}

#[test]
fn list_sorts_and_searches() {
    let f = Fixture::new();
    let ctx = f.ctx();
    for name in ["b-zeta", "a-alpha", "c-alpha"] {
        create::<Source>(&f.conn, &ctx, name, None).unwrap();
    }
    let page = list::<Source, ListSourcesSortField>(&f.conn, &ctx, (None, None), &[], Some("alpha")).unwrap();
    let names: Vec<_> = page.items.into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["a-alpha", "c-alpha"]);
}

#[test]
fn crud_colour_and_uniqueness() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let hot: Status = create(&f.conn, &ctx, "Warm", Some("#FF5733")).unwrap();
    assert_eq!(hot.color.as_deref(), Some("#FF5733"));
    assert_eq!(create::<Status>(&f.conn, &ctx, "warm", None), Err(taken::<Status>()));
    let renamed: Status = update(&f.conn, &ctx, hot.id, "Warmer", None).unwrap();
    assert_eq!((renamed.name.as_str(), renamed.color.as_deref()), ("Warmer", Some("#FF5733")));
    let recoloured: Status = update(&f.conn, &ctx, hot.id, "Warmer", Some("#00ff00")).unwrap();
    assert_eq!(recoloured.color.as_deref(), Some("#00ff00"));
    delete::<Status>(&mut f.conn, &ctx, hot.id).unwrap();
    assert_eq!(get::<Status>(&f.conn, &ctx, hot.id), Err(Error::not_found("status")));
    assert_eq!(delete::<Status>(&mut f.conn, &ctx, hot.id), Err(Error::not_found("status")));
}

#[test]
fn isolation_and_refused_delete() {
    let mut f = Fixture::new();
    let contact = f.contact("+15550002000");
    let theirs = f.other_ctx();
    assert_eq!(get::<Status>(&f.conn, &theirs, contact.status_id), Err(Error::not_found("status")));
    assert_eq!(delete::<Status>(&mut f.conn, &theirs, contact.status_id), Err(Error::not_found("status")));
    let ctx = f.ctx();
    assert!(matches!(delete::<Status>(&mut f.conn, &ctx, contact.status_id), Err(Error::Validation(_))));
}
