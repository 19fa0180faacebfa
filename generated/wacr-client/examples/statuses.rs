//! Statuses: create a contact status with a colour, list and get it, recolour it, delete it;
//! a colour that is not `#RRGGBB` is refused with the documented message.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example statuses
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::models::{CreateStatusBody, ListStatusesQuery, ListStatusesSortField, Sort, UpdateStatusBody};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let n = unique();
    let mut body = CreateStatusBody::new(format!("Warm lead {n}"));
    body.color = Some("#FFA500".into());
    let status = client.statuses().create(body).await?;
    println!("created status {} ({}, {:?})", status.id, status.name, status.color);

    let mut bad = CreateStatusBody::new(format!("Orange {n}"));
    bad.color = Some("orange".into());
    if let Err(e) = client.statuses().create(bad).await {
        println!("refused: {:?}", e.api().map(|a| &a.field_errors));
    }

    let query = ListStatusesQuery { sort: vec![Sort::desc(ListStatusesSortField::CreatedAt)], per_page: Some(5), ..Default::default() };
    for s in client.statuses().list(query).await?.items {
        println!("status {}: {} {:?}", s.id, s.name, s.color);
    }

    let mut update = UpdateStatusBody::new(format!("Hot lead {n}"));
    update.color = Some("#FF5733".into());
    let updated = client.statuses().update(status.id, update).await?;
    let fetched = client.statuses().get(updated.id).await?;
    println!("now {} {:?}", fetched.name, fetched.color);

    client.statuses().delete(status.id).await?;
    println!("deleted status {}", status.id);
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
