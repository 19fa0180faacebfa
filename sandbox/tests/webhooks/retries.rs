//! Retries: a receiver that is down for a while gets everything once it is up; a receiver
//! failing every first attempt still sees each resource's events in commit order; a delivery
//! that runs out of attempts is kept as failed with every attempt recorded.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use wacr_client::models::*;
use wacr_sandbox::webhooks::{Secret, queue};

use super::receiver::{self, Answer, Got, Receiver};
use super::support::{Options, Sandbox, start_with};
use super::{contact_body, deliveries_when, settings};

const WAIT: Duration = Duration::from_secs(20);

/// Creates `contacts` contacts, then updates each `updates` times (lastname `u1`, `u2`, ...),
/// the contacts concurrently and each one's updates in order; returns their ids.
async fn churn(sb: &Sandbox, contacts: usize, updates: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for n in 0..contacts {
        let body: CreateContactBody = serde_json::from_value(contact_body(sb, &format!("+1555091{n:04}"), "u0").await).unwrap();
        ids.push(sb.client.contacts().create(body).await.unwrap().id);
    }
    let tasks = ids.iter().map(|&id| {
        let client = sb.client.clone();
        tokio::spawn(async move {
            for u in 1..=updates {
                let patch: UpdateContactBody = serde_json::from_value(json!({"lastname": format!("u{u}")})).unwrap();
                client.contacts().update(id, patch).await.unwrap();
            }
        })
    });
    for task in tasks.collect::<Vec<_>>() {
        task.await.unwrap();
    }
    ids
}

/// Each contact's lastnames in the order its events were first accepted.
fn lastnames(events: &[Got]) -> BTreeMap<i64, Vec<String>> {
    let mut by_contact: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for got in events {
        let id = got.json["data"]["resource"]["id"].as_i64().unwrap();
        by_contact.entry(id).or_default().push(got.json["changes"]["current"]["lastname"].as_str().unwrap().to_owned());
    }
    by_contact
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_down_for_a_while_gets_every_event_once_up() {
    let secret = Secret::generate();
    let addr = receiver::free_addr().await;
    let webhooks = settings(vec![receiver::url(addr)], &secret, "100ms,200ms,300ms,500ms,1s,1s,1s,1s,1s,1s");
    let sb = start_with(Options { webhooks, ..Options::default() }).await;
    let ids = churn(&sb, 4, 3).await;
    // nothing listens: attempts fail without a response and are recorded
    let deliveries = deliveries_when(&sb, WAIT, |d| d.len() == 16 && d.iter().any(|d| d.attempts >= 2)).await;
    let first = &deliveries[0];
    let attempts = sb.running.db.with(|conn| queue::attempts(conn, &first.event_id)).unwrap();
    assert!(!attempts.is_empty() && attempts.iter().all(|a| a.status_code.is_none() && a.error.is_some() && a.outcome == "retry"), "{attempts:?}");

    let receiver = Receiver::start_on(addr, secret.expose(), Answer { status: 204, times: 0 }).await;
    let events = receiver.wait_for(16, WAIT).await;
    let expected: Vec<String> = (0..=3).map(|u| format!("u{u}")).collect();
    let by_contact = lastnames(&events);
    assert_eq!(by_contact.keys().copied().collect::<Vec<_>>(), ids);
    assert!(by_contact.values().all(|names| *names == expected), "commit order per contact: {by_contact:?}");
    deliveries_when(&sb, WAIT, |d| d.iter().all(|d| d.state == "delivered")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_resource_keeps_commit_order_when_first_attempts_fail() {
    let secret = Secret::generate();
    let receiver = Receiver::start_on("127.0.0.1:0".parse().unwrap(), secret.expose(), Answer { status: 503, times: 1 }).await;
    let sb = start_with(Options { webhooks: settings(vec![receiver.url()], &secret, "30ms,30ms,30ms"), ..Options::default() }).await;
    let ids = churn(&sb, 5, 6).await;
    let events = receiver.wait_for(35, WAIT).await;
    let expected: Vec<String> = (0..=6).map(|u| format!("u{u}")).collect();
    let by_contact = lastnames(&events);
    assert_eq!(by_contact.keys().copied().collect::<Vec<_>>(), ids);
    assert!(by_contact.values().all(|names| *names == expected), "commit order per contact: {by_contact:?}");
    // every event was refused once, then accepted with the same id and body
    let got = receiver.got();
    for event in &events {
        let tries: Vec<&Got> = got.iter().filter(|g| g.id() == event.id()).collect();
        assert_eq!(tries.iter().map(|g| g.answered).collect::<Vec<_>>(), [503, 204], "{}", event.id());
        assert_eq!(tries[0].body, tries[1].body);
    }
}

#[tokio::test]
async fn a_delivery_out_of_attempts_is_kept_as_failed() {
    let secret = Secret::generate();
    let receiver = Receiver::start_on("127.0.0.1:0".parse().unwrap(), secret.expose(), Answer { status: 500, times: u32::MAX }).await;
    let sb = start_with(Options { webhooks: settings(vec![receiver.url()], &secret, "50ms,50ms"), ..Options::default() }).await;
    let source = sb.client.sources().create(CreateSourceBody { name: "Doomed".into() }).await.unwrap();
    sb.client.sources().update(source.id, UpdateSourceBody { name: "Still doomed".into() }).await.unwrap();
    let deliveries = deliveries_when(&sb, WAIT, |d| d.len() == 2 && d.iter().all(|d| d.state == "failed")).await;
    assert!(deliveries.iter().all(|d| d.attempts == 3), "{deliveries:?}");
    for delivery in &deliveries {
        let attempts = sb.running.db.with(|conn| queue::attempts(conn, &delivery.event_id)).unwrap();
        let seen: Vec<_> = attempts.iter().map(|a| (a.attempt, a.status_code, a.outcome.as_str())).collect();
        assert_eq!(seen, [(1, Some(500), "retry"), (2, Some(500), "retry"), (3, Some(500), "failed")]);
        assert!(!attempts.is_empty() && attempts.iter().all(|a| a.duration_us > 0));
    }
    // the second event went out only once the first had failed for good
    let got = receiver.got();
    let order: Vec<&str> = got.iter().map(Got::r#type).collect();
    assert_eq!(order, ["source.created", "source.created", "source.created", "source.updated", "source.updated", "source.updated"]);
    assert!(got.iter().all(|g| g.verified.is_ok()));
}
