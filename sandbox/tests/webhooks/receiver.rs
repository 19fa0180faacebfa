//! A webhook receiver for the tests: a small axum server on 127.0.0.1 that verifies each
//! request with the `standardwebhooks` crate and then decodes it with wacr's own typed verifier
//! (`wacr_server::webhooks::verify`: an event type it does not know fails the test), answers 204 (or the status the test set, or 401
//! for a bad signature), and keeps every request it got with the headers and raw body.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use standardwebhooks::Webhook;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wacr_server::axum::Router;
use wacr_server::axum::body::Bytes;
use wacr_server::axum::extract::State;
use wacr_server::axum::http::{HeaderMap, StatusCode};
use wacr_server::axum::routing::post;
use wacr_server::models::WebhookEvent;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Got {
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The body as JSON (Null when it is not).
    pub json: Value,
    /// What the verification said (`Ok` or the crate's error text).
    pub verified: Result<(), String>,
    /// The typed event, when both verifications passed.
    pub event: Option<WebhookEvent>,
    /// The status it was answered with.
    pub answered: u16,
}

impl Got {
    /// The `webhook-id` header.
    pub fn id(&self) -> &str {
        self.headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// `event.type` of the payload.
    pub fn r#type(&self) -> &str {
        self.json["event"]["type"].as_str().unwrap_or_default()
    }
}

/// How the receiver answers a verified request: 204, or `status` for the first `times`
/// requests of each event (`times` = u32::MAX: always).
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub status: u16,
    pub times: u32,
}

struct Shared {
    webhook: Webhook,
    secret: String,
    answer: Answer,
    got: Mutex<Vec<Got>>,
}

/// A receiver listening on `addr`.
pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Receiver {
    /// Listens on a free port, verifying with `secret`.
    pub async fn start(secret: &str) -> Receiver {
        Receiver::start_on("127.0.0.1:0".parse().unwrap(), secret, Answer { status: 204, times: 0 }).await
    }

    /// Listens on `addr`, answering as `answer` says.
    pub async fn start_on(addr: SocketAddr, secret: &str, answer: Answer) -> Receiver {
        let shared = Arc::new(Shared { webhook: Webhook::new(secret).expect("a whsec_ secret"), secret: secret.to_owned(), answer, got: Mutex::new(Vec::new()) });
        let listener = TcpListener::bind(addr).await.expect("the receiver binds");
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/hook", post(receive)).with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = wacr_server::axum::serve(listener, app).await;
        });
        Receiver { addr, shared, task }
    }

    /// The URL to give the sandbox.
    pub fn url(&self) -> String {
        url(self.addr)
    }

    /// Every request so far.
    pub fn got(&self) -> Vec<Got> {
        self.shared.got.lock().unwrap().clone()
    }

    /// The verified, accepted requests, one per event (the first of its repeats), in arrival order.
    pub fn events(&self) -> Vec<Got> {
        let mut seen = std::collections::HashSet::new();
        self.got().into_iter().filter(|g| g.verified.is_ok() && g.answered < 300 && seen.insert(g.id().to_owned())).collect()
    }

    /// Waits until `n` events were accepted (panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Got> {
        let start = Instant::now();
        loop {
            let events = self.events();
            if events.len() >= n {
                return events;
            }
            assert!(start.elapsed() < within, "{} of {n} events after {within:?}: {:?}", events.len(), self.got().iter().map(Got::r#type).collect::<Vec<_>>());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

}

impl Drop for Receiver {
    /// Stops listening.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The receiver's URL at `addr`.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/hook")
}

/// A loopback address nothing listens on (yet).
pub async fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verified = shared.webhook.verify(&body, &headers).map_err(|e| e.to_string());
    let typed = verified.clone().and_then(|()| match wacr_server::webhooks::verify(&[&shared.secret], &headers, &body) {
        Ok(WebhookEvent::Unknown(raw)) => Err(format!("an event type wacr-models does not know: {}", raw["event"]["type"])),
        Ok(event) => Ok(event),
        Err(e) => Err(format!("wacr's verify: {e}")),
    });
    let (verified, event) = match typed {
        Ok(event) => (Ok(()), Some(event)),
        Err(e) => (Err(e), None),
    };
    let mut got = shared.got.lock().unwrap();
    let id = headers.get("webhook-id").cloned();
    let earlier = got.iter().filter(|g| g.headers.get("webhook-id") == id.as_ref()).count();
    let answered = match &verified {
        Err(_) => StatusCode::UNAUTHORIZED,
        Ok(()) if u32::try_from(earlier).unwrap_or(u32::MAX) < shared.answer.times => StatusCode::from_u16(shared.answer.status).unwrap(),
        Ok(()) => StatusCode::NO_CONTENT,
    };
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    got.push(Got { headers, body, json, verified, event, answered: answered.as_u16() });
    answered
}
