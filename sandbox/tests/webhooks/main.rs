//! End to end, webhooks: the sandbox on 127.0.0.1 driven by the generated client over HTTP,
//! delivering to receivers that verify with the `standardwebhooks` crate. `envelope`: the
//! payloads of every kind of change and the signature; `retries`: a receiver that is down,
//! failing or slow, commit order per resource, failures kept; `crash`: `kill -9` of the binary
//! with events pending, then a restart on the same database; `typed`: a receiver built on the
//! generated `WebhookReceiver` trait.

#[path = "../support/mod.rs"]
mod support;
#[path = "../support/binary.rs"]
mod binary;

mod crash;
mod envelope;
mod receiver;
mod retries;
mod typed;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wacr_sandbox::webhooks::{Secret, Settings, parse_schedule, queue};

/// Webhook settings delivering to `urls` with `secret`, retrying after the waits of `retry`.
pub fn settings(urls: Vec<String>, secret: &Secret, retry: &str) -> Settings {
    Settings { urls, secret: Some(secret.clone()), retry: parse_schedule(retry).unwrap(), timeout: Duration::from_secs(5), ..Settings::default() }
}

/// A contact body of the sandbox's first source and status.
pub async fn contact_body(sb: &support::Sandbox, phone: &str, lastname: &str) -> Value {
    let (source, status) = sb.source_and_status().await;
    json!({"firstname": "Jane", "lastname": lastname, "phone": phone, "type": "lead", "source_id": source, "status_id": status})
}

/// The deliveries once `done` holds for them (panics after `within`).
pub async fn deliveries_when(sb: &support::Sandbox, within: Duration, done: impl Fn(&[queue::Delivery]) -> bool) -> Vec<queue::Delivery> {
    let start = Instant::now();
    loop {
        let deliveries = sb.running.db.with(|conn| queue::deliveries(conn)).unwrap();
        if done(&deliveries) {
            return deliveries;
        }
        assert!(start.elapsed() < within, "not done after {within:?}: {deliveries:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
