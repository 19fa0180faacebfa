//! End to end, OTP verification: send through an approved AUTHENTICATION template, status,
//! verify with attempts, lock-out and expiry, resend with its limit and retry_after, the verify
//! limit, the template rules, and the list of authentication templates.

mod support;

use serde_json::json;
use support::{expect_error, start};
use wacr_client::models::*;

fn send(phone: &str, code: &str) -> SendOtpBody {
    serde_json::from_value(json!({"phone": phone, "template_name": "otp_verification", "code": code})).unwrap()
}

fn verify(phone: &str, code: &str) -> VerifyOtpBody {
    VerifyOtpBody { phone: phone.into(), code: code.into(), purpose: None }
}

fn status(phone: &str) -> CheckOtpStatusBody {
    CheckOtpStatusBody { phone: phone.into(), purpose: None }
}

#[tokio::test]
async fn send_status_verify() {
    let sb = start().await;
    let auth = sb.client.auth();
    let none = sb.raw("POST", "/auth/status", Some(json!({"phone": "+15550500001"}))).await;
    assert_eq!(none.json["data"], json!({"has_active_otp": false, "message": "No active OTP found"}));
    expect_error(auth.verify_otp(verify("+15550500001", "123456")).await, 422, "OTP_NOT_FOUND");

    let sent = auth.send_otp(send("+1 555 050 0001", "123456")).await.unwrap();
    assert_eq!((sent.phone.as_str(), sent.template_name.as_str(), sent.code_sent, sent.expiry_minutes), ("15550500001", "otp_verification", true, 10));
    let active = auth.otp_status(status("+15550500001")).await.unwrap();
    assert_eq!((active.has_active_otp, active.attempts_remaining, active.max_attempts), (true, Some(5), Some(5)));
    let wrong = expect_error(auth.verify_otp(verify("+15550500001", "000000")).await, 422, "INVALID_CODE");
    assert_eq!(wrong.attempts_remaining(), Some(4));
    let verified = auth.verify_otp(verify("15550500001", "123456")).await.unwrap();
    assert_eq!(verified.purpose, "authentication");
    expect_error(auth.verify_otp(verify("+15550500001", "123456")).await, 422, "OTP_NOT_FOUND");
    // the OTP was sent as a template message
    let history = sb.client.messages().list(Default::default()).await.unwrap();
    assert_eq!(history.items[0].message.as_deref(), Some("*123456* is your verification code. This code expires in 10 minutes."));
}

#[tokio::test]
async fn lock_out_and_expiry() {
    let sb = start().await;
    let auth = sb.client.auth();
    auth.send_otp(send("+15550500010", "111111")).await.unwrap();
    for remaining in (0..5).rev() {
        let error = expect_error(auth.verify_otp(verify("+15550500010", "999999")).await, 422, "INVALID_CODE");
        assert_eq!(error.attempts_remaining(), Some(remaining));
    }
    expect_error(auth.verify_otp(verify("+15550500010", "111111")).await, 422, "MAX_ATTEMPTS_EXCEEDED");

    auth.send_otp(send("+15550500011", "222222")).await.unwrap();
    // time passes: move the expiry into the past
    sb.sql("UPDATE otps SET expires_at = expires_at - 11 * 60 * 1000000 WHERE phone = '15550500011'");
    expect_error(auth.verify_otp(verify("+15550500011", "222222")).await, 422, "OTP_EXPIRED");
    let expired = auth.otp_status(status("+15550500011")).await.unwrap();
    assert_eq!(expired.is_expired, Some(true));
    assert!(expired.expires_in_seconds.unwrap() < 0);
}

#[tokio::test]
async fn resend_limit_and_verify_limit() {
    let sb = start().await;
    let auth = sb.client.auth();
    let resend = || -> ResendOtpBody { serde_json::from_value(json!({"phone": "+15550500020", "template_name": "otp_verification"})).unwrap() };
    let first = auth.resend_otp(resend()).await.unwrap();
    assert_eq!(first.status, "sent");
    auth.resend_otp(resend()).await.unwrap();
    auth.resend_otp(resend()).await.unwrap();
    let limited = sb.raw("POST", "/auth/resend", Some(json!({"phone": "+1 555 050 0020", "template_name": "otp_verification"}))).await;
    limited.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let retry_after = limited.json["error"]["details"]["retry_after"].as_u64().unwrap();
    assert!((1..=300).contains(&retry_after));
    assert_eq!(limited.header("retry-after"), Some(retry_after.to_string().as_str()));

    auth.send_otp(send("+15550500021", "333333")).await.unwrap();
    for attempt in 0..10 {
        let code = if attempt < 5 { "INVALID_CODE" } else { "MAX_ATTEMPTS_EXCEEDED" };
        expect_error(auth.verify_otp(verify("+15550500021", "000000")).await, 422, code);
    }
    let limited = expect_error(auth.verify_otp(verify("+15550500021", "333333")).await, 429, "RATE_LIMIT_EXCEEDED");
    assert!(limited.retry_after.is_some());
}

#[tokio::test]
async fn template_rules_and_plan() {
    let sb = start().await;
    let auth = sb.client.auth();
    let mut missing = send("+15550500030", "1");
    missing.template_name = "nope".into();
    expect_error(auth.send_otp(missing).await, 404, "NOT_FOUND");
    for name in ["order_update", "otp_pending"] {
        let mut wrong = send("+15550500030", "1");
        wrong.template_name = name.into();
        let error = expect_error(auth.send_otp(wrong).await, 422, "VALIDATION_ERROR");
        assert!(error.field_errors.contains_key("template_name"), "{name}");
    }
    let mut unknown_contact = send("+15550500030", "1");
    unknown_contact.contact_id = Some(999_999);
    expect_error(auth.send_otp(unknown_contact).await, 404, "NOT_FOUND");
    sb.raw("POST", "/auth/send-otp", Some(json!({"phone": "+15550500030", "template_name": "otp_verification"})))
        .await
        .assert_error(422, "VALIDATION_ERROR");
    expect_error(sb.other.auth().send_otp(send("+15550500030", "1")).await, 403, "FEATURE_NOT_AVAILABLE");
    sb.sql("UPDATE plans SET whatsapp_templates = 1; UPDATE tenants SET whatsapp_configured = 0 WHERE subdomain = 'second'");
    expect_error(sb.other.auth().send_otp(send("+15550500030", "1")).await, 422, "WHATSAPP_NOT_CONFIGURED");
    let opted = sb.contact("+15550500031").await["id"].as_i64().unwrap();
    sb.sql(&format!("UPDATE contacts SET is_opted_out = 1 WHERE id = {opted}"));
    expect_error(auth.send_otp(send("+15550500031", "1")).await, 403, "CONTACT_OPTED_OUT");
    expect_error(auth.send_otp(send("+15550000500", "1")).await, 500, "MESSAGE_SEND_FAILED");
}

#[tokio::test]
async fn authentication_templates() {
    let sb = start().await;
    let page = sb.client.auth().list_templates(Default::default()).await.unwrap();
    assert_eq!(page.meta.total, 3);
    assert!(page.items.iter().all(|t| t.status == Open::Known(TemplateStatus::Approved)));
    let english = sb.raw("GET", "/auth/templates?filter[language]=es&sort=template_name", None).await;
    assert_eq!(english.json["meta"]["total"], 1);
    let search = sb.raw("GET", "/auth/templates?search=login", None).await;
    assert_eq!(search.json["data"][0]["template_name"], "login_code");
    assert_eq!(sb.other.auth().list_templates(Default::default()).await.unwrap().meta.total, 0);
}
