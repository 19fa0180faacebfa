//! Sources: create a lead source, list and get it, rename it, delete it; deleting a source that
//! contacts still use is refused with a typed error.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example sources
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::models::{
    ContactType, CreateContactBody, CreateSourceBody, DeleteSourceError, ListSourcesQuery, ListSourcesSortField,
    ListStatusesQuery, Open, Sort, UpdateSourceBody,
};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let n = unique();
    let source = client.sources().create(CreateSourceBody::new(format!("Trade fair {n}"))).await?;
    println!("created source {} ({})", source.id, source.name);

    let query = ListSourcesQuery { sort: vec![Sort::asc(ListSourcesSortField::Name)], ..Default::default() };
    let page = client.sources().list(query).await?;
    for s in &page.items {
        println!("source {}: {}", s.id, s.name);
    }

    let renamed = client.sources().update(source.id, UpdateSourceBody::new(format!("Trade fair {n} (Pune)"))).await?;
    println!("renamed to {}", client.sources().get(renamed.id).await?.name);

    // A source in use cannot go: the delete is refused while a contact has it.
    let status = client.statuses().list(ListStatusesQuery::default()).await?.items.into_iter().next().ok_or("no status")?;
    let body = CreateContactBody::new("Ravi", "Kumar", format!("+9172{n:07}1"), ContactType::Lead, source.id, status.id);
    let contact = client.contacts().create(body).await?;
    match client.sources().delete(source.id).await {
        Err(e) if e.api().is_some_and(|a| a.code == Open::Known(DeleteSourceError::ValidationError)) => println!("kept while in use: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    client.contacts().delete(contact.id).await?;
    client.sources().delete(source.id).await?;
    println!("deleted source {}", source.id);
    Ok(())
}

/// A number that differs between runs, so that the example can run again on the same data.
fn unique() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_millis() as u64 % 10_000_000
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
