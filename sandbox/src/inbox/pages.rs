//! The pages and their forms: the conversation list, a conversation, the webhook log; a reply
//! as the customer and a message from a new customer (both the admin API's inbound path), and
//! the clock's advance (the admin API's clock change). A form answers with a redirect back to
//! its page (a refused one with the reason shown there).

use askama::Template;
use serde::Deserialize;
use wacr_server::axum::Form;
use wacr_server::axum::extract::{Path, Query, State};
use wacr_server::axum::http::StatusCode;
use wacr_server::axum::response::{Html, IntoResponse, Redirect, Response};

use super::view::{ClockView, ConversationLine, ConversationPage, DeliveryLine, ErrorPage, IndexPage, MessageLine, Panels, WebhooksPage, fault_line, next_change_ms};
use super::{Inbox, UI};
use crate::admin::ClockChange;
use crate::store::inbox;
use crate::store::messages::Inbound;
use crate::store::{self, Error};

/// How many webhook deliveries the log shows.
const WEBHOOK_LOG: usize = 100;

/// A rendered page; a template that fails to render is a plain 500.
pub(super) fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "an inbox template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page failed to render").into_response()
        }
    }
}

/// A store error as a page.
fn failure(e: &Error) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!(error = %e, "inbox page failed");
    }
    html(status, &ErrorPage { ui: UI, status: status.to_string(), reason: e.message() })
}

/// `?notice=…`: what a refused form left to show.
#[derive(Deserialize, Default)]
pub(super) struct Shown {
    notice: Option<String>,
}

impl Inbox {
    /// The side panels of a page at `here`, with the clock and the fault rules as they are now.
    async fn panels(&self, here: String, notice: Option<String>, next_change_ms: i64) -> Panels {
        let reading = self.admin.db().clock().reading();
        let rules = self.faults.list().await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "reading the fault rules for an inbox page failed");
            Vec::new()
        });
        let faults = rules.iter().map(fault_line).collect();
        Panels { here, clock: ClockView::new(reading.now, reading.offset_us), faults, notice, next_change_ms }
    }
}

pub(super) async fn index(State(inbox): State<Inbox>, Query(shown): Query<Shown>) -> Response {
    let sim = inbox.admin.config().delivery;
    let read = inbox.read(move |conn, ctx| Ok((inbox::conversations(conn, ctx, &sim)?, ctx.now))).await;
    let (summaries, now) = match read {
        Ok(found) => found,
        Err(e) => return failure(&e),
    };
    let lasts: Vec<_> = summaries.iter().map(|s| s.last.clone()).collect();
    let panels = inbox.panels(format!("{UI}/"), shown.notice, next_change_ms(&lasts, &sim, now)).await;
    let conversations = summaries.into_iter().map(|s| ConversationLine::new(s, None)).collect();
    html(StatusCode::OK, &IndexPage { ui: UI, section: "inbox", panels, conversations })
}

pub(super) async fn conversation(State(inbox): State<Inbox>, Path(contact): Path<i64>, Query(shown): Query<Shown>) -> Response {
    let sim = inbox.admin.config().delivery;
    let read = inbox
        .read(move |conn, ctx| Ok((inbox::conversations(conn, ctx, &sim)?, inbox::conversation(conn, ctx, contact, &sim)?, ctx.now)))
        .await;
    let (summaries, found, now) = match read {
        Ok(found) => found,
        Err(e) => return failure(&e),
    };
    let panels = inbox.panels(format!("{UI}/conversations/{contact}"), shown.notice, next_change_ms(&found.messages, &sim, now)).await;
    let page = ConversationPage {
        ui: UI,
        section: "inbox",
        panels,
        conversations: summaries.into_iter().map(|s| ConversationLine::new(s, Some(contact))).collect(),
        party: found.party,
        messages: found.messages.into_iter().map(MessageLine::new).collect(),
    };
    html(StatusCode::OK, &page)
}

pub(super) async fn webhooks(State(inbox): State<Inbox>, Query(shown): Query<Shown>) -> Response {
    let deliveries = match inbox.read(|conn, ctx| inbox::webhook_log(conn, ctx, WEBHOOK_LOG)).await {
        Ok(found) => found,
        Err(e) => return failure(&e),
    };
    let panels = inbox.panels(format!("{UI}/webhooks"), shown.notice, 0).await;
    html(StatusCode::OK, &WebhooksPage { ui: UI, section: "webhooks", panels, deliveries: deliveries.into_iter().map(DeliveryLine::new).collect() })
}

#[derive(Deserialize)]
pub(super) struct Reply {
    text: String,
}

/// A reply typed in a conversation: an inbound message from the contact's phone.
pub(super) async fn reply(State(inbox): State<Inbox>, Path(contact): Path<i64>, Form(reply): Form<Reply>) -> Response {
    let here = format!("{UI}/conversations/{contact}");
    let party = match inbox.read(move |conn, ctx| inbox::party(conn, ctx, contact)).await {
        Ok(party) => party,
        Err(e) => return failure(&e),
    };
    let stored = inbox.admin.inbound(Inbound::text(party.phone, reply.text)).await;
    back(&here, stored.err())
}

#[derive(Deserialize)]
pub(super) struct NewCustomer {
    phone: String,
    text: String,
}

/// A message from a customer typed on the list page; its conversation opens.
pub(super) async fn inbound(State(inbox): State<Inbox>, Form(new): Form<NewCustomer>) -> Response {
    if let Err(e) = inbox.admin.inbound(Inbound::text(new.phone.clone(), new.text)).await {
        return back(&format!("{UI}/"), Some(e));
    }
    match inbox.read(move |conn, ctx| inbox::contact_with_phone(conn, ctx, &new.phone)).await {
        Ok(Some(contact)) => Redirect::to(&format!("{UI}/conversations/{contact}")).into_response(),
        Ok(None) => Redirect::to(&format!("{UI}/")).into_response(),
        Err(e) => failure(&e),
    }
}

#[derive(Deserialize)]
pub(super) struct Advance {
    advance: String,
    /// The page the form was on.
    back: String,
}

/// Moves the virtual clock on, as `POST /_sandbox/clock` `{"advance": …}` does.
pub(super) async fn clock(State(inbox): State<Inbox>, Form(form): Form<Advance>) -> Response {
    // only a page of the inbox: the field must not send the browser elsewhere
    let here = if form.back.starts_with(UI) && !form.back.contains("//") { form.back } else { format!("{UI}/") };
    let change = ClockChange { advance: Some(form.advance), set: None };
    let moved = match change.parse() {
        Ok(Ok(by)) => inbox.admin.advance_clock(by).await.map(|_| ()),
        Ok(Err(_)) => Err(Error::field("advance", "Give a duration such as 25h.")),
        Err(e) => Err(e),
    };
    back(&here, moved.err())
}

/// A redirect to `here`, with the reason of a refusal to show.
fn back(here: &str, refused: Option<store::Error>) -> Response {
    match refused {
        None => Redirect::to(here).into_response(),
        Some(e) => {
            let reason = match &e {
                Error::Validation(fields) => fields.values().flatten().cloned().collect::<Vec<_>>().join(" "),
                other => other.message(),
            };
            let query: String = form_urlencoded::Serializer::new(String::new()).append_pair("notice", &reason).finish();
            Redirect::to(&format!("{here}?{query}")).into_response()
        }
    }
}
