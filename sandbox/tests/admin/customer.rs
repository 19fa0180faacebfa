//! Acting as the customer: `POST /_sandbox/inbound` stores a message that List and Get Message
//! show as inbound from an auto-created contact, opens the 24-hour window (a free-form send an
//! hour later is delivered, one 25 hours later fails by the re-engagement rule, a template
//! does not), and reaches a webhook receiver as `message.received`; sent messages' steps
//! reach it as `message.status_updated`.

use std::time::Duration;

use serde_json::json;
use wacr_client::models::*;
use wacr_sandbox::webhooks::{Secret, Settings};

use super::receiver::Receiver;
use super::support::{Options, Sandbox, start, start_with};
use super::{admin, advance, text};

fn direction(m: &Message) -> Option<MessageDirection> {
    m.direction.as_ref().and_then(Open::known)
}

#[tokio::test]
async fn an_inbound_message_is_listed_from_an_auto_created_contact() {
    let sb = start().await;
    let got = admin(&sb, "POST", "/_sandbox/inbound", Some(json!({"phone": "+1 555 070 0001", "text": "Where is my order?"}))).await;
    assert_eq!(got.status, 200, "{}", got.json);
    assert_eq!((got.json["data"]["direction"].as_str(), got.json["data"]["sender_id"].as_str()), (Some("inbound"), Some("15550700001")));
    let listed = sb.client.messages().list(Default::default()).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    let message = &listed.items[0];
    assert_eq!((direction(message), message.message.as_deref()), (Some(MessageDirection::Inbound), Some("Where is my order?")));
    let detail = sb.client.messages().get(message.id).await.unwrap();
    assert_eq!((detail.id, detail.error), (message.id, None));
    let inbound = ListMessagesQuery {
        filters: ListMessagesFilters { direction: vec![Filter::eq(MessageDirection::Inbound)], ..Default::default() },
        ..Default::default()
    };
    assert_eq!(sb.client.messages().list(inbound).await.unwrap().items.len(), 1);
    let contact = sb.raw("GET", "/contacts?search=15550700001", None).await.json["data"][0].clone();
    assert_eq!((contact["phone"].as_str(), contact["firstname"].as_str(), contact["type"].as_str()), (Some("+15550700001"), Some("15550700001"), Some("lead")));

    let photo = json!({"phone": "+15550700001", "media": {"type": "image", "url": "https://example.com/receipt.jpg", "caption": "my receipt"}});
    let media = admin(&sb, "POST", "/_sandbox/inbound", Some(photo)).await;
    assert_eq!(media.status, 200, "{}", media.json);
    let data = &media.json["data"];
    assert_eq!((data["type"].as_str(), data["message"].as_str(), data["url"].as_str()), (Some("image"), Some("my receipt"), Some("https://example.com/receipt.jpg")));
    assert_eq!(data["interaction_id"], got.json["data"]["interaction_id"], "one chat per phone");
}

#[tokio::test]
async fn free_form_sends_follow_the_24_hour_window_and_templates_do_not() {
    let sb = start().await;
    let phone = "+15550700010";
    sb.running.inbound_text(phone, "hello").await.unwrap();
    advance(&sb, "1h").await;
    sb.client.messages().send_text(text(phone, "an hour later")).await.unwrap();
    advance(&sb, "24h").await;
    let late = sb.client.messages().send_text(text(phone, "a day later")).await.unwrap();
    assert_eq!(late.status, Open::Known(MessageStatus::Sent), "the send is accepted");
    let template = json!({"phone": phone, "template_name": "order_update", "language": "en", "header_field_1": "#7", "field_1": "Jo", "field_2": "#7", "field_3": "Friday"});
    let templated = sb.raw("POST", "/messages/template", Some(template)).await;
    assert_eq!(templated.status, 200, "{}", templated.json);
    advance(&sb, "10s").await;

    let listed = sb.client.messages().list(Default::default()).await.unwrap();
    let find = |body: &str| listed.items.iter().find(|m| m.message.as_deref().is_some_and(|t| t.contains(body))).unwrap().clone();
    assert_eq!(find("an hour later").status, Some(Open::Known(MessageStatus::Read)), "inside the window");
    assert_eq!(find("Friday").status, Some(Open::Known(MessageStatus::Read)), "a template is sent any time");
    let failed = find("a day later");
    assert_eq!(failed.status, Some(Open::Known(MessageStatus::Failed)));
    let error = failed.error.clone().expect("List Messages shows the reason");
    assert_eq!((error.code, error.title.as_str()), (131047, "Re-engagement message"));
    assert_eq!(error.message, "More than 24 hours have passed since the recipient last replied to the sender number");
    let detail = sb.client.messages().get(failed.id).await.unwrap();
    assert_eq!(detail.error, Some(error));
    assert!(detail.status_message.unwrap().starts_with("Re-engagement message"));
    let raw = sb.raw("GET", &format!("/messages/{}", failed.id), None).await;
    assert_eq!(raw.json["data"]["error"]["code"], 131047);
}

/// A sandbox delivering its webhook events to a test receiver.
async fn with_receiver() -> (Sandbox, Receiver) {
    let secret = Secret::generate();
    let hook = Receiver::start(secret.expose()).await;
    let webhooks = Settings { urls: vec![hook.url()], secret: Some(secret), ..Settings::default() };
    (start_with(Options { webhooks, ..Options::default() }).await, hook)
}

#[tokio::test]
async fn message_received_reaches_the_webhook_receiver() {
    let (sb, hook) = with_receiver().await;
    let got = sb.running.inbound_text("+15550700020", "ping").await.unwrap();
    let events = hook.wait_for(2, Duration::from_secs(10)).await;
    let types: Vec<&str> = events.iter().map(|e| e.r#type()).collect();
    assert_eq!(types, ["contact.created", "message.received"]);
    let received = &events[1];
    assert!(matches!(received.event, Some(WebhookEvent::MessageReceived(_))), "decoded as the typed event");
    let resource = &received.json["data"]["resource"];
    assert_eq!((resource["type"].as_str(), resource["id"].as_i64()), (Some("message"), Some(got.id)));
    assert_eq!(resource["attributes"]["direction"], "inbound");
    let contact_id = events[0].json["data"]["resource"]["id"].clone();
    assert_eq!(received.json["data"]["relationships"]["contact"], json!({"type": "contact", "id": contact_id}));
}

#[tokio::test]
async fn message_status_updated_follows_the_delivery_states() {
    let (sb, hook) = with_receiver().await;
    sb.running.inbound_text("+15550700030", "hi").await.unwrap();
    sb.client.messages().send_text(text("+15550700030", "delivered, then read")).await.unwrap();
    sb.client.messages().send_text(text("+15550700031", "outside the window")).await.unwrap();
    advance(&sb, "1m").await;
    let events = hook.wait_for(6, Duration::from_secs(10)).await;
    let updates: Vec<(String, String)> = events
        .iter()
        .filter(|e| e.r#type() == "message.status_updated")
        .map(|e| (e.json["data"]["resource"]["attributes"]["message"].as_str().unwrap().to_owned(), e.json["changes"]["current"]["status"].as_str().unwrap().to_owned()))
        .collect();
    let of = |message: &str| updates.iter().filter(|(m, _)| m == message).map(|(_, s)| s.as_str()).collect::<Vec<_>>();
    assert_eq!(of("delivered, then read"), ["delivered", "read"], "one message's events in order: {updates:?}");
    assert_eq!(of("outside the window"), ["failed"]);
    let failed = events.iter().find(|e| e.json["changes"]["current"]["status"] == "failed").unwrap();
    assert!(matches!(failed.event, Some(WebhookEvent::MessageStatusUpdated(_))), "decoded as the typed event");
    assert_eq!(failed.json["changes"]["current"]["error"]["code"], 131047);
    assert_eq!(failed.json["changes"]["previous"]["status"], "sent");
    let modified: Vec<&str> = failed.json["changes"]["modified_fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(modified, ["error", "status", "updated_at"]);
}
