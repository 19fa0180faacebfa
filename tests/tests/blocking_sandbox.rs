//! The blocking facade (`wacr_client::blocking`) against a live sandbox on 127.0.0.1: its
//! `list_all` and `list_pages` iterators cross several pages of contacts, one request per page,
//! and `idempotent()` lets a POST whose connection the sandbox dropped (a fault rule) be sent
//! again, which it is not by default. The sandbox runs on a runtime of the test's own, beside
//! the facade's private one.

use std::time::Duration;

use serde_json::json;
use wacr_client::blocking;
use wacr_client::models::{ContactType, CreateContactBody, ListContactsQuery};
use wacr_client::{Error, RetryPolicy};
use wacr_sandbox::faults::NewRule;

/// The sandbox, its runtime and a blocking client with the default token and short backoffs.
fn start() -> (tokio::runtime::Runtime, wacr_sandbox::Running, blocking::Client) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = wacr_sandbox::Config { bind: "127.0.0.1:0".parse().unwrap(), db: wacr_sandbox::DbPath::Memory, rate_limit_per_minute: 100_000, ..Default::default() };
    let running = runtime.block_on(wacr_sandbox::spawn(config)).expect("the sandbox starts");
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(20), max_backoff: Duration::from_millis(50), ..RetryPolicy::default() };
    let client = wacr_client::Client::builder().base_url(running.base_url()).token(running.token("default").unwrap()).retry(policy).build().unwrap();
    (runtime, running, blocking::Client::new(client))
}

/// A new lead with this phone, in the sandbox's first source and status.
fn contact(client: &blocking::Client, phone: &str) -> CreateContactBody {
    let source = client.sources().list(Default::default()).unwrap().items[0].id;
    let status = client.statuses().list(Default::default()).unwrap().items[0].id;
    CreateContactBody::new("Page", phone, phone, ContactType::Lead, source, status)
}

/// A rule that counts the List Contacts calls from now on (a latency of 0 ms on each); its id.
fn counter(runtime: &tokio::runtime::Runtime, running: &wacr_sandbox::Running) -> u64 {
    let count: NewRule = serde_json::from_value(json!({"match": {"operation": "list_contacts"}, "action": {"latency_ms": 0}})).unwrap();
    runtime.block_on(running.faults().add(count)).unwrap().id
}

/// The calls the rule `rule` matched.
fn matched(runtime: &tokio::runtime::Runtime, running: &wacr_sandbox::Running, rule: u64) -> u64 {
    runtime.block_on(running.faults().list()).unwrap().into_iter().find(|r| r.id == rule).unwrap().matched
}

#[test]
fn blocking_list_all_and_list_pages_cross_pages_of_a_live_sandbox_one_request_each() {
    let (runtime, running, client) = start();
    let phones: Vec<String> = (0..5).map(|i| format!("+1555010{i:04}")).collect();
    for phone in &phones {
        client.contacts().create(contact(&client, phone)).unwrap();
    }
    let calls = counter(&runtime, &running);
    let query = ListContactsQuery { per_page: Some(2), ..Default::default() };

    let mut pages = client.contacts().list_pages(query.clone());
    let first = pages.next().unwrap().unwrap();
    assert_eq!((first.meta.current_page, first.meta.last_page, first.items.len()), (1, 3, 2));
    assert_eq!(matched(&runtime, &running, calls), 1, "one page asked for, one request");
    let rest: Vec<_> = pages.map(|page| page.unwrap().meta.current_page).collect();
    assert_eq!(rest, [2, 3], "then the others, and no request past the last");
    assert_eq!(matched(&runtime, &running, calls), 3);

    let mut all: Vec<String> = client.contacts().list_all(query).map(|c| c.unwrap().lastname).collect();
    all.sort();
    assert_eq!(all, phones, "every contact of the three pages, once");
    assert_eq!(matched(&runtime, &running, calls), 6);
    runtime.block_on(running.stop()).unwrap();
}

#[test]
fn blocking_idempotent_repeats_a_post_the_sandbox_dropped() {
    let (runtime, running, client) = start();
    let drop_once: NewRule = serde_json::from_value(json!({"match": {"operation": "create_contact"}, "fire": {"times": 1}, "action": {"drop": true}})).unwrap();

    runtime.block_on(running.faults().add(drop_once.clone())).unwrap();
    let Err(Error::Transport { attempts, .. }) = client.contacts().create(contact(&client, "+15550200001")) else { panic!("a transport error") };
    assert_eq!(attempts, 1, "a POST that may have reached the server is not repeated by default");

    let rule = runtime.block_on(running.faults().add(drop_once)).unwrap().id;
    let created = client.idempotent().contacts().create(contact(&client, "+15550200002")).expect("sent again after the drop");
    assert_eq!(matched(&runtime, &running, rule), 2, "dropped once, then served");
    let listed: Vec<i64> = client.contacts().list_all(Default::default()).map(|c| c.unwrap().id).collect();
    assert_eq!(listed, [created.id], "the dropped calls created nothing");
    runtime.block_on(running.stop()).unwrap();
}
