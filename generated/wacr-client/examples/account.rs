//! Account: the tenant's record with its subscription, the usage of each plan-limited feature
//! and the plan's limits and feature flags.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example account
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::Client;
use wacr_client::models::UsageEntry;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let account = client.account().get().await?;
    println!("account {} ({}), {}", account.id, account.name, account.subdomain);
    let plan = &account.subscription;
    println!("plan {} ({:?}), until {:?}", plan.plan_name, plan.status, plan.expires_at);

    let usage = client.account().usage().await?;
    for (feature, entry) in [("contacts", &usage.contacts), ("conversations", &usage.conversations), ("campaigns", &usage.campaigns), ("staff", &usage.staff)] {
        println!("{feature}: {}", describe(entry));
    }

    let limits = client.account().limits().await?;
    let calls = &limits.limits.api_calls_per_minute;
    println!("{}: {}", calls.feature_name, calls.limit);
    let features = &limits.features;
    println!("templates {}, bulk {}, chatbot {}", features.whatsapp_templates, features.bulk_messaging, features.chatbot);
    Ok(())
}

fn describe(entry: &UsageEntry) -> String {
    match (entry.is_unlimited, entry.limit) {
        (true, _) => format!("{} (unlimited)", entry.current),
        (false, Some(limit)) => format!("{} of {limit} ({}% used)", entry.current, entry.percentage_used),
        (false, None) => format!("{} (no limit configured)", entry.current),
    }
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
