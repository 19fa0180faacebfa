//! Templates: refresh the local copies from the WhatsApp Business Account, search them, and
//! fetch one by its Meta template id.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example templates
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::models::{ListTemplatesQuery, ListTemplatesSortField, Sort, TemplateStatus};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let sync = client.templates().sync().await?;
    println!("synced {}: {} created, {} updated, {} deleted", sync.synced, sync.created, sync.updated, sync.deleted);

    let query = ListTemplatesQuery { sort: vec![Sort::asc(ListTemplatesSortField::TemplateName)], ..Default::default() };
    let page = client.templates().list(query).await?;
    for t in &page.items {
        println!("{} ({}, {}, {}): {} body parameters", t.template_name, t.language, t.category, t.status, t.body_params_count);
    }

    let query = ListTemplatesQuery { search: Some("order".into()), ..Default::default() };
    let found = client.templates().list(query).await?;
    println!("{} templates match \"order\"", found.meta.total);

    if let Some(approved) = page.items.iter().find(|t| t.status == TemplateStatus::Approved) {
        let template = client.templates().get(approved.template_id.clone()).await?;
        println!("template {}: {}", template.template_id, template.body_data);
    }
    Ok(())
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
