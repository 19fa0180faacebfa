//! The live-update stream: `GET /_sandbox/ui/events`, server-sent events, one `change` event
//! per change notice of the database (a send, an inbound message, a clock advance, a webhook
//! attempt, a change of the fault rules); the page then reads itself again. The stream ends when
//! the sandbox stops, so the shutdown does not wait for open pages.

use std::convert::Infallible;

use futures::Stream;
use tokio::sync::broadcast::error::RecvError;
use wacr_server::axum::extract::State;
use wacr_server::axum::response::sse::{Event, KeepAlive, Sse};

use super::Inbox;
use crate::changes::Notice;

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
