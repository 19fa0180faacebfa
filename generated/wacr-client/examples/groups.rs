//! Groups: create a group, list and get it, rename it, add contacts to it and remove one, and
//! delete it (its contacts stay).
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example groups
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::models::{
    AddContactsToGroupBody, ContactType, CreateContactBody, CreateGroupBody, ListGroupsQuery, ListGroupsSortField,
    ListSourcesQuery, ListStatusesQuery, RemoveContactsFromGroupBody, Sort, UpdateGroupBody,
};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let n = unique();
    let group = client.groups().create(CreateGroupBody::new(format!("VIP {n}"))).await?;
    println!("created group {} ({})", group.id, group.name);

    let query = ListGroupsQuery { search: Some("VIP".into()), sort: vec![Sort::asc(ListGroupsSortField::Name)], ..Default::default() };
    let page = client.groups().list(query).await?;
    for g in &page.items {
        println!("group {}: {}", g.id, g.name);
    }

    let renamed = client.groups().update(group.id, UpdateGroupBody::new(format!("Premium VIP {n}"))).await?;
    println!("renamed to {}", client.groups().get(renamed.id).await?.name);

    // Two contacts to put in the group.
    let source = client.sources().list(ListSourcesQuery::default()).await?.items.into_iter().next().ok_or("no source")?;
    let status = client.statuses().list(ListStatusesQuery::default()).await?.items.into_iter().next().ok_or("no status")?;
    let mut ids = Vec::new();
    for (i, name) in ["Asha", "Ravi"].into_iter().enumerate() {
        let body = CreateContactBody::new(name, "Member", format!("+9171{n:07}{i}"), ContactType::Customer, source.id, status.id);
        ids.push(client.contacts().create(body).await?.id);
    }

    let added = client.groups().add_contacts(group.id, AddContactsToGroupBody::new(ids.clone())).await?;
    println!("added {} contacts to group {}", added.contacts_added, added.group_id);
    let removed = client.groups().remove_contacts(group.id, RemoveContactsFromGroupBody::new(vec![ids[0]])).await?;
    println!("removed {} contact from group {}", removed.contacts_removed, removed.group_id);

    client.groups().delete(group.id).await?;
    for id in ids {
        client.contacts().delete(id).await?;
    }
    println!("deleted group {} and its example contacts", group.id);
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
