//! Contacts: create one (with a source, a status and a group), read it with its relations,
//! update it (`Patch` clears a field), list with a filter, sort and search, stream every
//! contact across pages, batch-create and batch-delete, and delete.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example contacts
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use std::pin::pin;

use futures::StreamExt;
use wacr_client::models::{
    BatchCreateContact, BatchCreateContactsBody, BatchCreateOptions, BatchDeleteContactsBody, ContactInclude, ContactType,
    CreateContactBody, CreateContactError, CreateGroupBody, Filter, GetContactQuery, ListContactsQuery,
    ListContactsSortField, ListSourcesQuery, ListStatusesQuery, Open, Patch, Sort, UpdateContactBody,
};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let n = unique();
    let source = client.sources().list(ListSourcesQuery::default()).await?.items.into_iter().next().ok_or("no source")?;
    let status = client.statuses().list(ListStatusesQuery::default()).await?.items.into_iter().next().ok_or("no status")?;
    let group = client.groups().create(CreateGroupBody::new(format!("Example group {n}"))).await?;

    let mut body = CreateContactBody::new("Jane", "Doe", phone(n, 1), ContactType::Lead, source.id, status.id);
    body.email = Some(format!("jane.{n}@example.com"));
    body.company = Some("Acme Trading".into());
    body.groups = Some(vec![group.id]);
    let contact = client.contacts().create(body.clone()).await?;
    println!("created contact {} ({} {}), groups {:?}", contact.id, contact.firstname, contact.lastname, contact.group_id);

    // The same phone again: a typed 422 with the documented message per field.
    match client.contacts().create(body).await {
        Err(e) if e.api().is_some_and(|a| a.code == Open::Known(CreateContactError::ValidationError)) => {
            println!("duplicate refused: {:?}", e.api().map(|a| &a.field_errors));
        }
        other => println!("unexpected: {other:?}"),
    }

    let mut query = GetContactQuery::default();
    query.include.insert(ContactInclude::Groups);
    query.include.insert(ContactInclude::Source);
    query.include.insert(ContactInclude::Status);
    let full = client.contacts().get(contact.id, query).await?;
    println!("source {:?}, status {:?}, groups {:?}", full.source.map(|s| s.name), full.status.map(|s| s.name), full.groups.map(|g| g.len()));

    let mut update = UpdateContactBody::new();
    update.firstname = Some("Janet".into());
    update.company = Patch::Null; // null clears it; Patch::Absent (the default) leaves it
    let updated = client.contacts().update(contact.id, update).await?;
    println!("updated: {} {}, company {:?}", updated.firstname, updated.lastname, updated.company);

    let mut query = ListContactsQuery { per_page: Some(5), search: Some("Janet".into()), ..Default::default() };
    query.sort.push(Sort::desc(ListContactsSortField::CreatedAt));
    query.filters.r#type.push(Filter::eq(ContactType::Lead));
    query.filters.status_id.push(Filter::is_in([status.id]));
    let page = client.contacts().list(query).await?;
    println!("{} matching contacts, page {} of {}", page.meta.total, page.meta.current_page, page.meta.last_page);

    // Every contact, fetched lazily page by page.
    let mut all = pin!(client.contacts().list_all(ListContactsQuery { per_page: Some(50), ..Default::default() }));
    let mut count = 0;
    while let Some(contact) = all.next().await {
        let _ = contact?;
        count += 1;
    }
    println!("{count} contacts in all");

    let item = |i: u64, first: &str| {
        let mut c = BatchCreateContact {
            firstname: first.into(),
            lastname: "Batch".into(),
            phone: phone(n, i),
            r#type: ContactType::Customer,
            source_id: source.id,
            status_id: status.id,
            email: None,
            company: None,
            description: None,
            city: None,
            state: None,
            zip: None,
            address: None,
            country_id: None,
            assigned_id: None,
        };
        c.city = Some("Pune".into());
        c
    };
    let mut batch = BatchCreateContactsBody::new(vec![item(2, "Asha"), item(3, "Omar"), item(1, "Jane again")]);
    batch.options = Some(BatchCreateOptions { continue_on_error: Some(true), skip_duplicates: Some(true) });
    let created = client.contacts().batch_create(batch).await?;
    let s = &created.summary;
    println!("batch: {} submitted, {} created, {} skipped, {} failed", s.total, s.created, s.skipped, s.failed);

    let ids: Vec<i64> = created.created.iter().map(|c| c.id).collect();
    let deleted = client.contacts().batch_delete(BatchDeleteContactsBody::new(ids)).await?;
    println!("batch delete: {} deleted, {} failed", deleted.summary.deleted, deleted.summary.failed);

    client.contacts().delete(contact.id).await?;
    client.groups().delete(group.id).await?;
    println!("deleted contact {} and group {}", contact.id, group.id);
    Ok(())
}

/// A number that differs between runs, so that the example can run again on the same data.
fn unique() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_millis() as u64 % 10_000_000
}

/// A phone number of this run: `+9170NNNNNNNi`.
fn phone(n: u64, i: u64) -> String {
    format!("+9170{n:07}{i}")
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
