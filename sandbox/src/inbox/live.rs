//! The live-update stream: `GET /_sandbox/ui/events`, server-sent events, one `change` event
//! per change notice of the database (a send, an inbound message, a clock advance, a webhook
//! attempt); the page then reads itself again. The stream ends when the sandbox stops, so the
//! shutdown does not wait for open pages. [`notify_writes`] publishes the changes that do not
//! go through the database (the fault rules, kept in memory).

use std::convert::Infallible;

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use wacr_server::axum::Router;
use wacr_server::axum::extract::{Request, State};
use wacr_server::axum::http::Method;
use wacr_server::axum::middleware::{self, Next};
use wacr_server::axum::response::sse::{Event, KeepAlive, Sse};

use super::Inbox;
use crate::changes::{Changes, Notice};

pub(super) async fn events(State(inbox): State<Inbox>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let notices = inbox.admin.db().changes().subscribe();
    let stream = futures::stream::unfold(notices, |mut notices| async move {
        match notices.recv().await {
            // a receiver that fell behind missed only notices like this one
            Ok(Notice::Changed) | Err(RecvError::Lagged(_)) => Some((Ok(Event::default().event("change").data("changed")), notices)),
            Ok(Notice::Closing) | Err(RecvError::Closed) => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// `router` publishing a change notice after each of its requests that may change state (not
/// a GET or HEAD) and succeeded.
pub fn notify_writes(router: Router, changes: Changes) -> Router {
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let changes = changes.clone();
        async move {
            let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
            let response = next.run(request).await;
            if writes && response.status().is_success() {
                changes.publish();
            }
            response
        }
    }))
}
