//! End to end, the admin API (`/_sandbox/`): a real sandbox on 127.0.0.1, the admin routes over
//! HTTP and the WA.cr API through the generated client. `auth`: the admin token, the 401/403
//! answers and the envelopes; `clock`: time moving delivery states, timestamps, OTP expiry and
//! the rate-limit window; `customer`: inbound messages, the 24-hour window, message.received;
//! `data`: reset and opt-out; `routes`: the router against `sandbox/admin-openapi.yaml`.

#[path = "../support/mod.rs"]
mod support;
#[path = "../webhooks/receiver.rs"]
#[allow(dead_code)]
mod receiver;

mod auth;
mod clock;
mod customer;
mod data;
mod routes;

use serde_json::Value;
use support::{Raw, Sandbox};
use wacr_client::models::SendTextMessageBody;

/// A Send Text body.
pub fn text(phone: &str, message: &str) -> SendTextMessageBody {
    SendTextMessageBody { phone: phone.into(), message: message.into(), contact_id: None }
}

/// A request to the admin API with the admin token.
pub async fn admin(sb: &Sandbox, method: &str, path: &str, body: Option<Value>) -> Raw {
    sb.raw_as(sb.running.admin_token(), method, path, body).await
}

/// Moves the virtual clock on by `advance` (`25h`) over HTTP; returns the clock's `data`.
pub async fn advance(sb: &Sandbox, advance: &str) -> Value {
    let moved = admin(sb, "POST", "/_sandbox/clock", Some(serde_json::json!({"advance": advance}))).await;
    assert_eq!(moved.status, 200, "{}", moved.json);
    moved.json["data"].clone()
}
