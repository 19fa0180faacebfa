//! The virtual clock drives the sandbox's times: delivery progression, `created_at`, OTP
//! expiry, the per-token rate-limit window; it is kept in the database across a restart.

use serde_json::json;
use wacr_client::models::*;
use wacr_sandbox::clock::Ts;

use super::support::{Options, expect_error, start, start_with};
use super::{admin, advance, text};

#[tokio::test]
async fn advancing_moves_delivery_states_and_timestamps() {
    let sb = start_with(Options { delivery: wacr_sandbox::store::messages::DeliverySimulation { delivered_after_secs: 60, read_after_secs: 120 }, ..Options::default() }).await;
    sb.running.inbound_text("+15550600001", "hi").await.unwrap();
    let sent = sb.client.messages().send_text(text("+15550600001", "your order shipped")).await.unwrap();
    let id = sb.client.messages().list(ListMessagesQuery { search: Some("shipped".into()), ..Default::default() }).await.unwrap().items[0].id;
    let status = |m: &MessageDetail| m.status.clone().unwrap();
    assert_eq!(status(&sb.client.messages().get(id).await.unwrap()), Open::Known(MessageStatus::Sent));
    advance(&sb, "61s").await;
    assert_eq!(status(&sb.client.messages().get(id).await.unwrap()), Open::Known(MessageStatus::Delivered));
    let clock = advance(&sb, "1m").await;
    let read = sb.client.messages().get(id).await.unwrap();
    assert_eq!((status(&read), read.is_read), (Open::Known(MessageStatus::Read), true));
    assert_eq!(clock["offset_seconds"], 121);
    assert!(read.updated_at.unwrap() > sent.sent_at, "updated when it was read");

    let day = advance(&sb, "25h").await;
    let (source, status_id) = sb.source_and_status().await;
    let body = CreateContactBody::new("Later", "On", "+15550600002", ContactType::Lead, source, status_id);
    let created = sb.client.contacts().create(body).await.unwrap();
    let now = day["now"].as_str().unwrap();
    assert!(created.created_at.as_str() >= now, "{} after the clock's {now}", created.created_at);
    assert!(created.created_at > Ts::system().plus_secs(25 * 3600).iso(), "a day and more ahead of the system clock: {}", created.created_at);
    let clock = admin(&sb, "GET", "/_sandbox/clock", None).await.json["data"].clone();
    assert_eq!(clock["offset_seconds"], 121 + 25 * 3600);
    let set = admin(&sb, "POST", "/_sandbox/clock", Some(json!({"set": "2020-02-29T12:00:00Z"}))).await;
    assert!(set.json["data"]["now"].as_str().unwrap().starts_with("2020-02-29T12:00:0"), "{}", set.json);
    assert!(set.json["data"]["offset_seconds"].as_i64().unwrap() < 0);
}

#[tokio::test]
async fn otps_expire_when_time_passes() {
    let sb = start().await;
    let auth = sb.client.auth();
    let send: SendOtpBody = serde_json::from_value(json!({"phone": "+15550600010", "template_name": "otp_verification", "code": "123456"})).unwrap();
    assert_eq!(auth.send_otp(send).await.unwrap().expiry_minutes, 10);
    advance(&sb, "9m").await;
    assert!(auth.otp_status(CheckOtpStatusBody { phone: "+15550600010".into(), purpose: None }).await.unwrap().has_active_otp);
    advance(&sb, "61s").await;
    let verify = VerifyOtpBody { phone: "+15550600010".into(), code: "123456".into(), purpose: None };
    expect_error(auth.verify_otp(verify).await, 422, "OTP_EXPIRED");
}

#[tokio::test]
async fn the_rate_limit_window_ends_when_the_clock_passes_it() {
    let sb = start_with(Options { rate_limit: 2, ..Options::default() }).await;
    for _ in 0..2 {
        sb.client.account().get().await.unwrap();
    }
    let limited = sb.raw("GET", "/account", None).await;
    limited.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    advance(&sb, "61s").await;
    sb.client.account().get().await.expect("a new window after 61 s of virtual time");
    sb.client.account().get().await.unwrap();
    sb.raw("GET", "/account", None).await.assert_error(429, "RATE_LIMIT_EXCEEDED");
    sb.running.reset().await.unwrap();
    sb.client.account().get().await.expect("a clock set back starts the windows afresh");
}

#[tokio::test]
async fn the_clock_survives_a_restart() {
    let sb = start().await;
    advance(&sb, "1h").await;
    let reading = sb.running.clock_advance(std::time::Duration::from_secs(3600)).await.unwrap();
    assert_eq!(reading.offset_us, 7200 * wacr_sandbox::clock::SECOND, "Running and HTTP move the same clock");
    assert!(sb.running.clock_now().await.unwrap() >= reading.now);
    let reopened = wacr_sandbox::Db::open(&sb.db).unwrap();
    let offset = reopened.clock().offset() / wacr_sandbox::clock::SECOND;
    assert_eq!(offset, 7200, "kept in the database");
    assert!(reopened.clock().now() > Ts::system().plus_secs(7190));
}
