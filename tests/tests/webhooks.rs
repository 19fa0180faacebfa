//! Webhooks: every event type decodes into its typed variant, an unknown type is kept, and a
//! delivery verifies only with a valid signature, a fresh timestamp and well-formed headers
//! (client and server `verify`). `receiver.rs` serves the generated receiver over HTTP.

#[path = "webhooks/samples.rs"]
mod samples;

use std::time::{SystemTime, UNIX_EPOCH};

use standardwebhooks::Webhook;
use wacr_client::webhooks::http::{HeaderMap, HeaderValue};
use wacr_client::webhooks::{VerifyError, WebhookEvent, verify};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The headers of `body` signed by the `standardwebhooks` crate, as a sender signs them.
fn signed(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> HeaderMap {
    let signature = Webhook::new(secret).unwrap().sign(id, timestamp, body).unwrap();
    headers(id, &timestamp.to_string(), &signature)
}

fn headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("webhook-id", HeaderValue::from_str(id).unwrap());
    h.insert("webhook-timestamp", HeaderValue::from_str(timestamp).unwrap());
    h.insert("webhook-signature", HeaderValue::from_str(signature).unwrap());
    h
}

fn body() -> Vec<u8> {
    serde_json::to_vec(&samples::payload("contact.created")).unwrap()
}

#[test]
fn every_event_type_decodes_into_its_variant_and_back() {
    assert_eq!(WebhookEvent::TYPES.len(), 11, "{:?}", WebhookEvent::TYPES);
    for ty in WebhookEvent::TYPES {
        let raw = samples::payload(ty);
        let event: WebhookEvent = serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{ty}: {e}"));
        assert!(!matches!(event, WebhookEvent::Unknown(_)), "{ty} decoded as Unknown");
        assert_eq!(event.event_type(), Some(*ty));
        assert_eq!(event.info().map(|i| i.id.as_str()), Some("evt_1702468200_abc123"));
        assert_eq!(serde_json::to_value(&event).unwrap(), raw, "{ty} does not round-trip");
    }
}

#[test]
fn the_payload_fields_are_typed() {
    let WebhookEvent::ContactUpdated(e) = serde_json::from_value(samples::payload("contact.updated")).unwrap() else { panic!("not an update") };
    assert_eq!(e.tenant.domain, "acme");
    assert_eq!(e.data.resource.id, 42);
    assert_eq!(e.data.relationships.source.id, 3);
    assert_eq!(e.changes.current.as_ref().map(|c| c.firstname.as_str()), Some("Jane"));
    assert_eq!(e.changes.modified_fields, Some(vec!["updated_at".to_owned()]));
    assert_eq!(e.metadata.source, "api_webhook_manager");

    let WebhookEvent::ContactDeleted(e) = serde_json::from_value(samples::payload("contact.deleted")).unwrap() else { panic!("not a deletion") };
    assert_eq!(e.changes.current, None, "a deletion's current is the empty object");
    assert_eq!(e.changes.previous.map(|c| c.id), Some(42));

    let WebhookEvent::MessageStatusUpdated(e) = serde_json::from_value(samples::payload("message.status_updated")).unwrap() else { panic!() };
    assert_eq!(e.data.relationships.contact.id, 42);
    assert_eq!(e.changes.modified_fields, Some(vec!["status".to_owned()]));
}

#[test]
fn an_unknown_type_is_kept_whole_never_an_error() {
    let mut raw = samples::payload("contact.created");
    raw["event"]["type"] = "invoice.paid".into();
    raw["data"] = serde_json::json!({"anything": [1, 2]});
    let event: WebhookEvent = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(event, WebhookEvent::Unknown(raw.clone()));
    assert_eq!(event.event_type(), Some("invoice.paid"));
    assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    let untyped: WebhookEvent = serde_json::from_str(r#"{"hello": "world"}"#).unwrap();
    assert_eq!(untyped.event_type(), None);
}

#[test]
fn a_known_type_with_a_broken_payload_is_an_error() {
    let mut raw = samples::payload("contact.created");
    raw["data"]["resource"]["attributes"]["id"] = "forty-two".into();
    assert!(serde_json::from_value::<WebhookEvent>(raw).is_err());
}

#[test]
fn a_signed_delivery_verifies_on_both_sides() {
    let body = body();
    let headers = signed(SECRET, "msg_1", now(), &body);
    let event = verify(&[SECRET], &headers, &body).unwrap();
    assert!(matches!(event, WebhookEvent::ContactCreated(_)));
    let event = wacr_server::webhooks::verify(&[SECRET], &headers, &body).unwrap();
    assert_eq!(event.event_type(), Some("contact.created"));
}

#[test]
fn a_tampered_body_is_a_bad_signature() {
    let body = body();
    let headers = signed(SECRET, "msg_1", now(), &body);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'J').unwrap();
    tampered[at] = b'K';
    assert!(matches!(verify(&[SECRET], &headers, &tampered), Err(VerifyError::BadSignature)));
    // the id and timestamp are signed too
    let moved = signed(SECRET, "msg_1", now(), &body);
    let mut other_id = moved.clone();
    other_id.insert("webhook-id", HeaderValue::from_static("msg_2"));
    assert!(matches!(verify(&[SECRET], &other_id, &body), Err(VerifyError::BadSignature)));
    // `?` into the client's crate-wide error
    let receive = || -> Result<WebhookEvent, wacr_client::AnyError> { Ok(verify(&[SECRET], &headers, &tampered)?) };
    assert_eq!(receive().unwrap_err().to_string(), VerifyError::BadSignature.to_string());
}

#[test]
fn a_replayed_or_future_timestamp_is_refused() {
    let body = body();
    let old = signed(SECRET, "msg_1", now() - 301, &body);
    assert!(matches!(verify(&[SECRET], &old, &body), Err(VerifyError::StaleTimestamp)), "{:?}", verify(&[SECRET], &old, &body));
    let future = signed(SECRET, "msg_1", now() + 301, &body);
    assert!(matches!(verify(&[SECRET], &future, &body), Err(VerifyError::FutureTimestamp)));
    let recent = signed(SECRET, "msg_1", now() - 200, &body);
    assert!(verify(&[SECRET], &recent, &body).is_ok(), "within the 5-minute tolerance");
}

#[test]
fn a_wrong_secret_is_a_bad_signature() {
    let body = body();
    let headers = signed(OTHER, "msg_1", now(), &body);
    let error = verify(&[SECRET], &headers, &body).unwrap_err();
    assert!(matches!(error, VerifyError::BadSignature));
    assert_eq!(error.status(), 401);
}

#[test]
fn during_rotation_either_secret_verifies() {
    let body = body();
    // the receiver knows the old and the new secret; the sender signs with either
    for sender in [SECRET, OTHER] {
        let headers = signed(sender, "msg_1", now(), &body);
        assert!(verify(&[SECRET, OTHER], &headers, &body).is_ok(), "signed with {sender}");
    }
    // the sender signs with both (two signatures in one header); a receiver with either verifies
    let headers = wacr_client::webhooks::signed_headers(&[OTHER, SECRET], "msg_1", now(), &body).unwrap();
    assert_eq!(headers["webhook-signature"].to_str().unwrap().split(' ').count(), 2);
    assert!(verify(&[SECRET], &headers, &body).is_ok());
    assert!(verify(&[OTHER], &headers, &body).is_ok());
    // and the helper signs exactly as the crate does
    let one = wacr_client::webhooks::sign(SECRET, "msg_1", 1_700_000_000, &body).unwrap();
    assert_eq!(one, Webhook::new(SECRET).unwrap().sign("msg_1", 1_700_000_000, &body).unwrap());
}

#[test]
fn malformed_or_missing_headers_are_named() {
    let body = body();
    let good = signed(SECRET, "msg_1", now(), &body);
    let signature = good["webhook-signature"].to_str().unwrap().to_owned();
    let ts = now().to_string();
    let cases = [
        (headers("msg_1", "yesterday", &signature), "webhook-timestamp"),
        (headers("msg_1", &ts, "garbage"), "webhook-signature"),
        (headers("msg_1", &ts, "v1,"), "webhook-signature"),
        (headers(" ", &ts, &signature), "webhook-id"),
    ];
    for (h, name) in cases {
        match verify(&[SECRET], &h, &body) {
            Err(VerifyError::MalformedHeader(n)) => assert_eq!(n, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut h = good.clone();
        h.remove(name);
        assert!(matches!(verify(&[SECRET], &h, &body), Err(VerifyError::MissingHeader(n)) if n == name));
    }
    let error = verify(&[SECRET], &headers("msg_1", &ts, "garbage"), &body).unwrap_err();
    assert_eq!(error.status(), 400);
}

#[test]
fn a_secret_of_another_form_is_refused() {
    let body = body();
    let headers = signed(SECRET, "msg_1", now(), &body);
    for bad in ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_not base64!", "sk_live_123"] {
        assert!(matches!(verify(&[bad], &headers, &body), Err(VerifyError::UnknownSecretFormat)), "{bad}");
    }
    let none: [&str; 0] = [];
    assert!(matches!(verify(&none, &headers, &body), Err(VerifyError::NoSecret)));
    assert!(wacr_server::webhooks::secrets(["sk_live_123"]).is_err());
}
