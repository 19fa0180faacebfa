//! Reset returns to the seed (the tokens keep working, the clock returns); opt-out set over
//! the admin API makes sends 403 CONTACT_OPTED_OUT until it is cleared.

use serde_json::json;

use super::support::{expect_error, start};
use super::{admin, advance, text};

#[tokio::test]
async fn reset_returns_to_the_seed_and_keeps_the_tokens() {
    let sb = start().await;
    let seeded = sb.client.contacts().list(Default::default()).await.unwrap().items.len();
    let groups = sb.client.groups().list(Default::default()).await.unwrap().items.len();
    sb.contact("+15550800001").await;
    sb.running.inbound_text("+15550800002", "hi").await.unwrap();
    sb.raw("POST", "/groups", Some(json!({"name": "Temporary"}))).await;
    advance(&sb, "3h").await;
    assert_eq!(sb.client.contacts().list(Default::default()).await.unwrap().items.len(), seeded + 2);

    let reset = admin(&sb, "POST", "/_sandbox/reset", None).await;
    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(reset.json["data"]["offset_seconds"], 0, "the clock is back at the system time");
    assert_eq!(sb.client.contacts().list(Default::default()).await.unwrap().items.len(), seeded, "the same tokens still work");
    assert_eq!(sb.client.groups().list(Default::default()).await.unwrap().items.len(), groups);
    assert!(sb.client.messages().list(Default::default()).await.unwrap().items.is_empty());
    sb.client.templates().list(Default::default()).await.unwrap();
    sb.other.account().get().await.expect("the second tenant is seeded again with its token");
    let reader = super::support::client(&sb.running, sb.token("reader"));
    reader.contacts().list(Default::default()).await.expect("a --token token survives the reset");
    sb.running.reset().await.unwrap();
    assert_eq!(admin(&sb, "GET", "/_sandbox/clock", None).await.status, 200, "the admin token too");
}

#[tokio::test]
async fn opt_out_is_set_and_cleared() {
    let sb = start().await;
    let id = sb.contact("+15550800010").await["id"].as_i64().unwrap();
    let out = admin(&sb, "PUT", &format!("/_sandbox/contacts/{id}/opt-out"), Some(json!({"opted_out": true}))).await;
    assert_eq!((out.status, out.json["data"]["is_opted_out"].as_bool()), (200, Some(true)), "{}", out.json);
    expect_error(sb.client.messages().send_text(text("+15550800010", "x")).await, 403, "CONTACT_OPTED_OUT");
    let cleared = admin(&sb, "DELETE", &format!("/_sandbox/contacts/{id}/opt-out"), None).await;
    assert_eq!(cleared.json["data"]["is_opted_out"], false);
    sb.client.messages().send_text(text("+15550800010", "x")).await.expect("sends again");
    let contact = sb.running.set_opt_out(id, true).await.unwrap();
    assert!(contact.is_opted_out);
    expect_error(sb.client.messages().send_text(text("+15550800010", "x")).await, 403, "CONTACT_OPTED_OUT");
    let by_post = admin(&sb, "POST", &format!("/_sandbox/contacts/{id}/opt-out"), Some(json!({"opted_out": false}))).await;
    assert_eq!(by_post.json["data"]["is_opted_out"], false);
    admin(&sb, "PUT", "/_sandbox/contacts/abc/opt-out", Some(json!({"opted_out": true}))).await.assert_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn reset_seeds_the_example_records_again() {
    let sb = super::support::start_with(super::support::Options { example_data: true, ..Default::default() }).await;
    sb.raw("DELETE", "/contacts/1", None).await;
    assert_eq!(sb.raw("GET", "/contacts/1", None).await.status, 404);
    sb.running.reset().await.unwrap();
    assert_eq!(sb.raw("GET", "/contacts/1", None).await.status, 200, "the example contact is back");
    assert_eq!(sb.raw("GET", "/messages/5021", None).await.json["data"]["id"], 5021);
    assert_eq!(sb.raw("GET", "/groups/1", None).await.status, 200);
}
