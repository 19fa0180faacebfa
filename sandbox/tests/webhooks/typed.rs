//! The sandbox delivering to a receiver built on the generated `WebhookReceiver` trait and its
//! `receiver_router`: each event reaches the method of its type, verified and typed.

use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use wacr_client::models::*;
use wacr_sandbox::webhooks::Secret;
use wacr_server::webhooks::{EventError, WebhookReceiver, receiver_router, secrets};

use super::support::{Options, start_with};
use super::{contact_body, settings};

/// Forwards what each method got.
struct Forward(mpsc::UnboundedSender<(&'static str, i64)>);

impl WebhookReceiver for Forward {
    async fn contact_created(&self, event: ContactEvent) -> Result<(), EventError> {
        let _ = self.0.send(("contact.created", event.data.resource.id));
        Ok(())
    }

    async fn contact_updated(&self, event: ContactEvent) -> Result<(), EventError> {
        let _ = self.0.send(("contact.updated", event.changes.current.map_or(0, |c| c.id)));
        Ok(())
    }

    async fn status_created(&self, event: StatusEvent) -> Result<(), EventError> {
        let _ = self.0.send(("status.created", event.data.resource.id));
        Ok(())
    }
}

#[tokio::test]
async fn a_receiver_on_the_generated_trait_gets_each_event_in_its_method() {
    let secret = Secret::generate();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = wacr_server::axum::Router::new().nest("/hook", receiver_router(Forward(tx), secrets([secret.expose()]).unwrap()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { wacr_server::axum::serve(listener, app).await });
    let sb = start_with(Options { webhooks: settings(vec![url], &secret, "100ms"), ..Options::default() }).await;

    let body: CreateContactBody = serde_json::from_value(contact_body(&sb, "+15550900077", "Roe").await).unwrap();
    let contact = sb.client.contacts().create(body).await.unwrap();
    let patch: UpdateContactBody = serde_json::from_value(serde_json::json!({"city": "Oslo"})).unwrap();
    sb.client.contacts().update(contact.id, patch).await.unwrap();
    let status = sb.client.statuses().create(CreateStatusBody { name: "Warm".into(), color: None }).await.unwrap();

    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let next = tokio::time::timeout(left, rx.recv()).await.unwrap_or_else(|_| panic!("only {got:?} after 10 s"));
        got.push(next.expect("the receiver is alive"));
    }
    got.sort();
    assert_eq!(got, [("contact.created", contact.id), ("contact.updated", contact.id), ("status.created", status.id)]);
    server.abort();
}
