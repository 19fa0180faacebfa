//! The payloads of every kind of change, as a receiver verifies and reads them, and what its
//! verification says of a tampered body, a wrong secret, an old timestamp and a rotation.

use std::time::Duration;

use serde_json::{Value, json};
use standardwebhooks::Webhook;
use wacr_client::models::*;
use wacr_sandbox::webhooks::{Secret, queue};

use super::receiver::{Answer, Receiver};
use super::support::{Options, start_with};
use super::{contact_body, deliveries_when, settings};

const WAIT: Duration = Duration::from_secs(10);

/// The events of `resource` (`contact:42`) in arrival order.
fn of(events: &[super::receiver::Got], r#type: &str, id: i64) -> Vec<Value> {
    events.iter().filter(|g| g.json["data"]["resource"]["type"] == r#type && g.json["data"]["resource"]["id"] == id).map(|g| g.json.clone()).collect()
}

#[tokio::test]
async fn every_change_arrives_signed_in_the_envelope() {
    let secret = Secret::generate();
    let receiver = Receiver::start(secret.expose()).await;
    let sb = start_with(Options { webhooks: settings(vec![receiver.url()], &secret, "100ms"), ..Options::default() }).await;

    let body: CreateContactBody = serde_json::from_value(contact_body(&sb, "+15550900001", "Doe").await).unwrap();
    let contact = sb.client.contacts().create(body).await.unwrap();
    let as_created = sb.raw("GET", &format!("/contacts/{}", contact.id), None).await.json["data"].clone();
    let patch: UpdateContactBody = serde_json::from_value(json!({"firstname": "Janet", "city": "Lyon", "lastname": "Doe"})).unwrap();
    sb.client.contacts().update(contact.id, patch).await.unwrap();
    let as_updated = sb.raw("GET", &format!("/contacts/{}", contact.id), None).await.json["data"].clone();
    sb.client.contacts().delete(contact.id).await.unwrap();

    let source = sb.client.sources().create(CreateSourceBody { name: "Fair".into() }).await.unwrap();
    sb.client.sources().update(source.id, UpdateSourceBody { name: "Trade fair".into() }).await.unwrap();
    sb.client.sources().delete(source.id).await.unwrap();
    let status = sb.client.statuses().create(CreateStatusBody { name: "Hot".into(), color: Some("#ff0000".into()) }).await.unwrap();
    sb.client.statuses().update(status.id, UpdateStatusBody { name: "Hot".into(), color: Some("#00ff00".into()) }).await.unwrap();

    let events = receiver.wait_for(8, WAIT).await;
    for got in receiver.got() {
        assert_eq!(got.verified, Ok(()), "{}", got.json);
        assert_eq!(got.headers["content-type"], "application/json");
        assert_eq!(got.id(), got.json["event"]["id"].as_str().unwrap(), "webhook-id is the event id");
    }
    // wacr's typed verifier reads every delivery as its event's variant, with the resource typed.
    let typed: Vec<_> = events.iter().filter_map(|g| g.event.as_ref()).collect();
    assert_eq!(typed.len(), events.len());
    let created_contact = typed.iter().find_map(|e| match e {
        WebhookEvent::ContactCreated(event) => event.changes.current.clone(),
        _ => None,
    });
    assert_eq!(created_contact.map(|c| (c.id, c.lastname)), Some((contact.id, "Doe".to_owned())));
    assert!(typed.iter().any(|e| matches!(e, WebhookEvent::SourceDeleted(event) if event.changes.previous.as_ref().map(|s| s.id) == Some(source.id))));
    assert!(typed.iter().any(|e| matches!(e, WebhookEvent::StatusUpdated(event) if event.changes.modified_fields.as_ref().is_some_and(|f| f.contains(&"color".to_owned())))));
    let contact_events = of(&events, "contact", contact.id);
    let types: Vec<_> = contact_events.iter().map(|e| e["event"]["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["contact.created", "contact.updated", "contact.deleted"]);
    let [created, updated, deleted] = &contact_events[..] else { unreachable!() };

    let id = created["event"]["id"].as_str().unwrap();
    let (seconds, random) = id.strip_prefix("evt_").and_then(|rest| rest.split_once('_')).expect(id);
    assert!(seconds.parse::<i64>().is_ok() && !random.is_empty() && random.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{id}");
    let timestamp = created["event"]["timestamp"].as_str().unwrap();
    assert!(timestamp.len() == 24 && timestamp.ends_with('Z') && timestamp.as_bytes()[19] == b'.', "{timestamp}");
    assert_eq!(created["event"]["version"], "1.0");
    assert_eq!(created["tenant"], json!({"id": sb.running.primary_tenant, "name": "Sandbox Company", "domain": "sandbox"}));
    assert_eq!(created["data"]["resource"], json!({"type": "contact", "id": contact.id, "attributes": as_created}));
    let relationships = json!({"source": {"type": "source", "id": contact.source_id}, "status": {"type": "status", "id": contact.status_id}});
    assert_eq!(created["data"]["relationships"], relationships);
    assert_eq!(created["changes"], json!({"previous": null, "current": as_created, "modified_fields": null}));
    let metadata = &created["metadata"];
    assert_eq!((&metadata["source"], &metadata["environment"]), (&json!("api_webhook_manager"), &json!("sandbox")));
    assert_eq!(uuid::Uuid::parse_str(metadata["request_id"].as_str().unwrap()).unwrap().get_version_num(), 4);

    // the lastname was sent unchanged: only what changed is listed
    assert_eq!(updated["changes"], json!({"previous": as_created, "current": as_updated, "modified_fields": ["city", "firstname", "updated_at"]}));
    assert_eq!(deleted["changes"], json!({"previous": as_updated, "current": {}, "modified_fields": null}));
    assert_eq!(deleted["data"]["resource"]["attributes"], as_updated);

    let source_types: Vec<_> = of(&events, "source", source.id).iter().map(|e| e["event"]["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(source_types, ["source.created", "source.updated", "source.deleted"]);
    let status_events = of(&events, "status", status.id);
    assert_eq!(status_events[0]["data"]["relationships"], json!({}));
    assert_eq!(status_events[1]["changes"]["modified_fields"], json!(["color", "updated_at"]));

    let attempts = sb.running.db.with(|conn| queue::attempts(conn, id)).unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!((attempts[0].status_code, attempts[0].outcome.as_str(), attempts[0].error.as_deref()), (Some(204), "delivered", None));
}

#[tokio::test]
async fn batches_and_group_membership_emit_one_event_per_changed_contact() {
    let secret = Secret::generate();
    let receiver = Receiver::start(secret.expose()).await;
    let sb = start_with(Options { webhooks: settings(vec![receiver.url()], &secret, "100ms"), ..Options::default() }).await;
    let items: Vec<Value> = [("+15550900011", "A"), ("+15550900012", "B"), ("+15550900011", "dup"), ("+15550900013", "C")]
        .into_iter()
        .map(|(phone, name)| json!({"firstname": "B", "lastname": name, "phone": phone, "type": "lead", "source_id": 0, "status_id": 0}))
        .collect();
    let (source, status) = sb.source_and_status().await;
    let items: Vec<Value> = items.into_iter().map(|mut i| { i["source_id"] = json!(source); i["status_id"] = json!(status); i }).collect();
    let body: BatchCreateContactsBody = serde_json::from_value(json!({"contacts": items, "options": {"skip_duplicates": true}})).unwrap();
    let result = sb.client.contacts().batch_create(body).await.unwrap();
    assert_eq!((result.summary.created, result.summary.skipped), (3, 1));
    let created: Vec<i64> = result.created.iter().map(|c| c.id).collect();
    let events = receiver.wait_for(3, WAIT).await;
    let mut ids: Vec<i64> = events.iter().map(|g| g.json["data"]["resource"]["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, created, "one contact.created per created contact");
    assert!(events.iter().all(|g| g.r#type() == "contact.created"));

    // membership: a change of group_id is a contact.updated; adding a member again changes nothing
    let group = sb.client.groups().create(CreateGroupBody { name: "VIP".into() }).await.unwrap();
    let added = sb.client.groups().add_contacts(group.id, AddContactsToGroupBody { contact_ids: vec![created[0], created[1], created[0]] }).await.unwrap();
    assert_eq!(added.contacts_added, 2);
    sb.client.groups().add_contacts(group.id, AddContactsToGroupBody { contact_ids: vec![created[0]] }).await.unwrap();
    let events = receiver.wait_for(5, WAIT).await;
    for got in &events[3..] {
        assert_eq!((got.r#type(), &got.json["changes"]["modified_fields"]), ("contact.updated", &json!(["group_id", "updated_at"])));
        assert_eq!(got.json["changes"]["current"]["group_id"], json!([group.id]));
    }
    // deleting the group takes it off its members: two more updates
    sb.client.groups().delete(group.id).await.unwrap();
    let body = BatchDeleteContactsBody { ids: vec![created[0], created[2], 999_999] };
    assert_eq!(sb.client.contacts().batch_delete(body).await.unwrap().summary.deleted, 2);
    let done = |d: &[queue::Delivery]| d.iter().all(|d| d.state == "delivered");
    let deliveries = deliveries_when(&sb, WAIT, done).await;
    let types: Vec<&str> = deliveries.iter().map(|d| d.r#type.as_str()).collect();
    assert_eq!(types, ["contact.created", "contact.created", "contact.created", "contact.updated", "contact.updated", "contact.updated", "contact.updated", "contact.deleted", "contact.deleted"]);
    assert_eq!(receiver.wait_for(9, WAIT).await.len(), 9);
}

#[tokio::test]
async fn tampering_a_wrong_secret_and_an_old_timestamp_fail_verification() {
    let secret = Secret::generate();
    let good = Receiver::start(secret.expose()).await;
    let wrong = Receiver::start_on("127.0.0.1:0".parse().unwrap(), Secret::generate().expose(), Answer { status: 204, times: 0 }).await;
    let sb = start_with(Options { webhooks: settings(vec![good.url(), wrong.url()], &secret, ""), ..Options::default() }).await;
    sb.client.statuses().create(CreateStatusBody { name: "Signed".into(), color: None }).await.unwrap();
    let got = good.wait_for(1, WAIT).await.remove(0);

    // the receiver with another secret refused it, and with no retry configured it is failed
    let deliveries = deliveries_when(&sb, WAIT, |d| d.len() == 2 && d.iter().all(|d| d.state != "pending")).await;
    let states: Vec<(&str, &str)> = deliveries.iter().map(|d| (d.url.as_str(), d.state.as_str())).collect();
    assert_eq!(states, [(good.url().as_str(), "delivered"), (wrong.url().as_str(), "failed")]);
    let refused = wrong.got();
    assert_eq!((refused.len(), refused[0].verified.as_ref().unwrap_err().as_str(), refused[0].answered), (1, "signature invalid", 401));
    let attempts = sb.running.db.with(|conn| queue::attempts(conn, got.id())).unwrap();
    let codes: Vec<_> = attempts.iter().map(|a| (a.status_code, a.outcome.as_str())).collect();
    assert_eq!(codes, [(Some(204), "delivered"), (Some(401), "failed")]);

    let webhook = Webhook::new(secret.expose()).unwrap();
    assert!(webhook.verify(&got.body, &got.headers).is_ok());
    let tampered = String::from_utf8(got.body.to_vec()).unwrap().replace("Signed", "Forged");
    assert!(matches!(webhook.verify(tampered.as_bytes(), &got.headers), Err(standardwebhooks::WebhookError::InvalidSignature)));
    // a replay signed ten minutes ago is too old, though its signature is right
    let old = got.headers["webhook-timestamp"].to_str().unwrap().parse::<i64>().unwrap() - 600;
    let mut replay = got.headers.clone();
    replay.insert("webhook-timestamp", old.to_string().parse().unwrap());
    replay.insert("webhook-signature", webhook.sign(got.id(), old, &got.body).unwrap().parse().unwrap());
    assert!(matches!(webhook.verify(&got.body, &replay), Err(standardwebhooks::WebhookError::TimestampTooOldError)));
    // rotation: a header carrying an old secret's signature and the current one verifies
    let retired = Webhook::new(Secret::generate().expose()).unwrap();
    let timestamp = got.headers["webhook-timestamp"].to_str().unwrap().parse::<i64>().unwrap();
    let both = format!("{} {}", retired.sign(got.id(), timestamp, &got.body).unwrap(), got.headers["webhook-signature"].to_str().unwrap());
    let mut rotated = got.headers.clone();
    rotated.insert("webhook-signature", both.parse().unwrap());
    assert!(webhook.verify(&got.body, &rotated).is_ok());
}
