//! The admin API's routes: HTTP in and out around the operations of `ops`.

use serde::Deserialize;
use wacr_server::axum::Router;
use wacr_server::axum::extract::{Path, State};
use wacr_server::axum::response::{IntoResponse, Response};
use wacr_server::axum::routing::{get, post, put};

use super::ops::{ClockBody, ClockChange};
use super::reply::{Body, Failure, ok};
use super::{Admin, PREFIX};
use crate::store::messages::Inbound;
use crate::store::{Error, Result};

/// Every route of this module, with the state applied.
pub(super) fn routes(admin: Admin) -> Router {
    Router::new()
        .route(&format!("{PREFIX}/clock"), get(clock).post(change_clock))
        .route(&format!("{PREFIX}/inbound"), post(inbound))
        .route(&format!("{PREFIX}/reset"), post(reset))
        .route(&format!("{PREFIX}/contacts/{{id}}/opt-out"), put(opt_out).post(opt_out).delete(opt_in))
        .with_state(admin)
}

/// `Ok` as `{success, message, data}`, an error in the error envelope.
fn answer<T: serde::Serialize>(message: &str, result: Result<T>) -> Response {
    match result {
        Ok(data) => ok(message, &data),
        Err(e) => Failure(e).into_response(),
    }
}

async fn clock(State(admin): State<Admin>) -> Response {
    answer("Clock retrieved", admin.clock().await.map(ClockBody::from))
}

async fn change_clock(State(admin): State<Admin>, Body(change): Body<ClockChange>) -> Response {
    let moved = match change.parse() {
        Ok(Ok(by)) => admin.advance_clock(by).await,
        Ok(Err(at)) => admin.set_clock(at).await,
        Err(e) => Err(e),
    };
    answer("Clock changed", moved.map(ClockBody::from))
}

async fn inbound(State(admin): State<Admin>, Body(message): Body<Inbound>) -> Response {
    answer("Inbound message stored", admin.inbound(message).await)
}

async fn reset(State(admin): State<Admin>) -> Response {
    answer("Sandbox reset to its seed", admin.reset().await.map(ClockBody::from))
}

/// `{"opted_out": bool}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOut {
    opted_out: bool,
}

async fn opt_out(State(admin): State<Admin>, Path(id): Path<String>, Body(body): Body<OptOut>) -> Response {
    set_opt_out(&admin, &id, body.opted_out).await
}

async fn opt_in(State(admin): State<Admin>, Path(id): Path<String>) -> Response {
    set_opt_out(&admin, &id, false).await
}

async fn set_opt_out(admin: &Admin, id: &str, opted_out: bool) -> Response {
    let result = match id.parse::<i64>() {
        Ok(id) => admin.set_opt_out(id, opted_out).await,
        Err(_) => Err(Error::not_found("contact")),
    };
    answer(if opted_out { "Contact opted out" } else { "Contact opted in" }, result)
}
