//! End to end over HTTP: an axum server on 127.0.0.1 built from the generated
//! `WebhookReceiver` trait receives deliveries signed by the `standardwebhooks` crate (as a
//! sender signs them) and hands each event type to its own method; a delivery that does not
//! verify is answered 401 or 400 with the error envelope, a failing method 500.

#[path = "webhooks/samples.rs"]
mod samples;

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use standardwebhooks::Webhook;
use wacr_server::models::{ContactEvent, MessageEvent, SourceEvent, StatusEvent, WebhookEvent};
use wacr_server::webhooks::{self, EventError, WebhookReceiver, receiver_router};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One call: the method, the event type and the resource id.
type Call = (&'static str, String, i64);

/// Records every call.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Call>>>);

impl Recorder {
    fn push<T, R>(&self, method: &'static str, e: &wacr_server::models::Event<T, R>) -> Result<(), EventError> {
        self.0.lock().unwrap().push((method, e.event.r#type.clone(), e.data.resource.id));
        Ok(())
    }
}

macro_rules! record {
    ($($method:ident: $ty:ty),* $(,)?) => {
        impl WebhookReceiver for Recorder {
            $(async fn $method(&self, event: $ty) -> Result<(), EventError> {
                self.push(stringify!($method), &event)
            })*
            async fn unknown(&self, event: serde_json::Value) -> Result<(), EventError> {
                let ty = event["event"]["type"].as_str().unwrap_or_default().to_owned();
                if ty == "fail.please" {
                    return Err("the receiver is down".into());
                }
                self.0.lock().unwrap().push(("unknown", ty, 0));
                Ok(())
            }
        }
    };
}

record! {
    contact_created: ContactEvent, contact_updated: ContactEvent, contact_deleted: ContactEvent,
    source_created: SourceEvent, source_updated: SourceEvent, source_deleted: SourceEvent,
    status_created: StatusEvent, status_updated: StatusEvent, status_deleted: StatusEvent,
    message_received: MessageEvent, message_status_updated: MessageEvent,
}

/// A receiver that implements one method only: the others accept by default.
struct OnlyContacts(Arc<Mutex<Vec<String>>>);

impl WebhookReceiver for OnlyContacts {
    async fn contact_created(&self, event: ContactEvent) -> Result<(), EventError> {
        if let Some(contact) = event.changes.current {
            self.0.lock().unwrap().push(contact.firstname);
        }
        Ok(())
    }
}

async fn start(app: wacr_server::axum::Router) -> String {
    // reqwest is built without a default TLS provider (`rustls-no-provider`); ring is the one
    // the client installs too (deprecated for lacking post-quantum key exchange, not used here)
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { wacr_server::axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/webhooks")
}

/// Serves `receiver` at `/webhooks` with [`SECRET`]: its URL, and a client to POST to it.
async fn serve(receiver: impl WebhookReceiver) -> (String, reqwest::Client) {
    let app = wacr_server::axum::Router::new().nest("/webhooks", receiver_router(receiver, webhooks::secrets([SECRET]).unwrap()));
    (start(app).await, reqwest::Client::new())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// POSTs `payload` signed with `secret` at `timestamp`; the status and the body.
async fn deliver(http: &reqwest::Client, url: &str, secret: &str, timestamp: i64, payload: &serde_json::Value) -> (u16, String) {
    let body = serde_json::to_vec(payload).unwrap();
    let id = format!("msg_{}", payload["event"]["type"].as_str().unwrap_or("x"));
    let signature = Webhook::new(secret).unwrap().sign(&id, timestamp, &body).unwrap();
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn each_event_type_reaches_its_method_over_http() {
    let recorder = Recorder::default();
    let (url, http) = serve(recorder.clone()).await;
    for ty in WebhookEvent::TYPES {
        let (status, body) = deliver(&http, &url, SECRET, now(), &samples::payload(ty)).await;
        assert_eq!(status, 204, "{ty}: {body}");
    }
    let mut unknown = samples::payload("contact.created");
    unknown["event"]["type"] = "invoice.paid".into();
    assert_eq!(deliver(&http, &url, SECRET, now(), &unknown).await.0, 204);

    let calls = recorder.0.lock().unwrap().clone();
    let expected: Vec<(String, String)> = WebhookEvent::TYPES.iter().map(|t| (t.replace('.', "_"), t.to_string())).chain([("unknown".to_owned(), "invoice.paid".to_owned())]).collect();
    let got: Vec<(String, String)> = calls.iter().map(|(m, t, _)| (m.to_string(), t.clone())).collect();
    assert_eq!(got, expected);
    assert_eq!(calls[0].2, 42, "the contact's id");
}

#[tokio::test]
async fn deliveries_that_do_not_verify_are_refused_with_the_envelope() {
    let recorder = Recorder::default();
    let (url, http) = serve(recorder.clone()).await;
    let payload = samples::payload("contact.created");

    let (status, body) = deliver(&http, &url, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", now(), &payload).await;
    assert_eq!(status, 401, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "INVALID_WEBHOOK_SIGNATURE");

    let (status, body) = deliver(&http, &url, SECRET, now() - 3600, &payload).await;
    assert_eq!(status, 401, "a replay an hour later: {body}");
    assert!(body.contains("WEBHOOK_TIMESTAMP_OUT_OF_RANGE"), "{body}");

    let response = http.post(&url).body(serde_json::to_vec(&payload).unwrap()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400, "no signature headers");
    assert!(response.text().await.unwrap().contains("INVALID_WEBHOOK_HEADERS"));

    assert!(recorder.0.lock().unwrap().is_empty(), "nothing that failed verification was dispatched");

    let mut failing = payload.clone();
    failing["event"]["type"] = "fail.please".into();
    let (status, body) = deliver(&http, &url, SECRET, now(), &failing).await;
    assert_eq!(status, 500, "a failing method asks the sender to retry: {body}");
    assert!(body.contains("WEBHOOK_HANDLER_FAILED"));
}

#[tokio::test]
async fn a_receiver_writes_only_the_methods_it_wants() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (url, http) = serve(OnlyContacts(seen.clone())).await;
    for ty in ["source.created", "contact.created", "message.received"] {
        assert_eq!(deliver(&http, &url, SECRET, now(), &samples::payload(ty)).await.0, 204, "{ty}");
    }
    assert_eq!(*seen.lock().unwrap(), ["Jane"]);
}

/// The extractor in a handler of one's own.
#[tokio::test]
async fn the_extractor_works_in_any_handler() {
    use wacr_server::axum::routing::post;
    use wacr_server::webhooks::VerifiedEvent;

    let secrets = webhooks::secrets([SECRET]).unwrap();
    let app = wacr_server::axum::Router::new()
        .route("/webhooks", post(|VerifiedEvent(event): VerifiedEvent<WebhookEvent>| async move { event.event_type().unwrap_or_default().to_owned() }))
        .with_state(secrets);
    let url = start(app).await;
    let http = reqwest::Client::new();
    let (status, body) = deliver(&http, &url, SECRET, now(), &samples::payload("status.updated")).await;
    assert_eq!((status, body.as_str()), (200, "status.updated"));
    let (status, _) = deliver(&http, &url, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", now(), &samples::payload("status.updated")).await;
    assert_eq!(status, 401);
}
