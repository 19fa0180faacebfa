//! Unit tests of store::auth: the template rules of Send OTP, one OTP per phone and purpose,
//! the resend and verify limits with retry_after, attempts, expiry, and status.

use wacr_server::models::ListMessagesQuery;

use super::*;
use crate::store::messages::{DeliverySimulation, list as history};
use crate::store::testing::Fixture;

fn send(phone: &str, code: &str) -> SendOtpBody {
    SendOtpBody::new(phone, "otp_verification", code)
}

fn verify(phone: &str, code: &str, purpose: Option<&str>) -> VerifyOtpBody {
    VerifyOtpBody { purpose: purpose.map(str::to_owned), ..VerifyOtpBody::new(phone, code) }
}

fn status_of(phone: &str, purpose: Option<&str>) -> CheckOtpStatusBody {
    CheckOtpStatusBody { purpose: purpose.map(str::to_owned), ..CheckOtpStatusBody::new(phone) }
}

#[test]
fn send_fills_the_template_and_stores_the_otp() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let mut req = send("+91 99999 00001", "123456");
    req.expiry_minutes = Some(3);
    let sent = send_otp(&mut f.conn, &ctx, &req).unwrap();
    assert_eq!((sent.phone.as_str(), sent.language.as_str(), sent.code_sent, sent.expiry_minutes), ("919999900001", "en", true, 3));
    assert_eq!(sent.expires_at, ctx.now.plus_secs(180).iso());
    let body = history(&f.conn, &ctx, &ListMessagesQuery::default(), &DeliverySimulation::default()).unwrap().items[0].message.clone();
    assert_eq!(body.as_deref(), Some("*123456* is your verification code. This code expires in 3 minutes."));
    let status = otp_status(&f.conn, &ctx, &status_of("919999900001", Some("authentication"))).unwrap();
    assert_eq!((status.has_active_otp, status.expires_in_seconds, status.attempts_remaining), (true, Some(180), Some(5)));
    let stored: String = f.conn.query_row("SELECT code_hash FROM otps", [], |r| r.get(0)).unwrap();
    assert!(!stored.contains("123456"), "only a hash of the code is kept");
}

#[test]
fn send_template_rules() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let not_found = Error::NotFound { what: "template", field: Some("template_name") };
    let mut req = send("+15550003001", "1");
    req.template_name = "missing".into();
    assert_eq!(send_otp(&mut f.conn, &ctx, &req).unwrap_err(), not_found);
    req.template_name = "otp_verification".into();
    req.language = Some("de".into());
    assert_eq!(send_otp(&mut f.conn, &ctx, &req).unwrap_err(), not_found);
    let wrong = |name: &str| SendOtpBody { template_name: name.into(), ..send("+15550003001", "1") };
    for name in ["order_update", "otp_pending"] {
        match send_otp(&mut f.conn, &ctx, &wrong(name)) {
            Err(Error::Validation(errors)) => assert!(errors.contains_key("template_name"), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    let mut es = send("+15550003001", "1");
    es.language = Some("es".into());
    assert_eq!(send_otp(&mut f.conn, &ctx, &es).unwrap().language, "es");
    let other = f.other_ctx();
    assert_eq!(send_otp(&mut f.conn, &other, &send("+15550003001", "1")).unwrap_err(), Error::FeatureNotAvailable { feature: "whatsapp_templates" });
    let mut unknown = send("+15550003001", "1");
    unknown.contact_id = Some(123_456);
    assert_eq!(send_otp(&mut f.conn, &ctx, &unknown).unwrap_err(), Error::NotFound { what: "contact", field: Some("contact_id") });
}

#[test]
fn verify_checks_in_order_and_counts_attempts() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003101", "111111", None)), Err(Error::OtpNotFound));
    send_otp(&mut f.conn, &ctx, &send("+15550003101", "111111")).unwrap();
    for remaining in (0..5).rev() {
        assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003101", "000000", None)), Err(Error::InvalidCode { attempts_remaining: remaining }));
    }
    assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003101", "111111", None)), Err(Error::MaxAttemptsExceeded), "locked even with the right code");
    assert_eq!(otp_status(&f.conn, &ctx, &status_of("+15550003101", None)).unwrap().attempts_remaining, Some(0));

    // a new OTP starts over; a wrong purpose finds nothing
    send_otp(&mut f.conn, &ctx, &send("+15550003101", "222222")).unwrap();
    assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003101", "222222", Some("login"))), Err(Error::OtpNotFound));
    let verified = verify_otp(&f.conn, &ctx, &verify("15550003101", "222222", None)).unwrap();
    assert_eq!((verified.purpose.as_str(), verified.verified_at), ("authentication", ctx.now.iso()));
    assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003101", "222222", None)), Err(Error::OtpNotFound), "used up");
    let status = otp_status(&f.conn, &ctx, &status_of("+15550003101", None)).unwrap();
    assert_eq!((status.has_active_otp, status.message.as_deref()), (false, Some("No active OTP found")));
}

/// Concurrent verifications of one code, each on a connection of the server's own (on
/// PostgreSQL each call has a session of its own): exactly one succeeds.
#[test]
fn one_code_verifies_once_under_concurrency() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    send_otp(&mut f.conn, &ctx, &send("+15550003151", "515151")).unwrap();
    let db = crate::db::Db::open(&f.path).unwrap();
    let outcomes: Vec<Result<OtpVerified>> = std::thread::scope(|s| {
        let calls: Vec<_> = (0..16).map(|_| s.spawn(|| db.with(|conn| verify_otp(conn, &ctx, &verify("+15550003151", "515151", None))))).collect();
        calls.into_iter().map(|call| call.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    // the others find the code used up, or the verify limit's window spent
    let refused = |o: &Result<OtpVerified>| matches!(o, Err(Error::OtpNotFound | Error::RateLimited { .. }));
    assert!(outcomes.iter().filter(|o| o.is_err()).all(refused), "{outcomes:?}");
}

#[test]
fn expiry() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let mut req = send("+15550003201", "333333");
    req.expiry_minutes = Some(1);
    send_otp(&mut f.conn, &ctx, &req).unwrap();
    f.advance(61);
    let later = f.ctx();
    assert_eq!(verify_otp(&f.conn, &later, &verify("+15550003201", "333333", None)), Err(Error::OtpExpired));
    let status = otp_status(&f.conn, &later, &status_of("+15550003201", None)).unwrap();
    assert_eq!((status.is_expired, status.expires_in_seconds), (Some(true), Some(-1)));
}

#[test]
fn verify_rate_limit_and_reset_on_success() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    send_otp(&mut f.conn, &ctx, &send("+15550003301", "444444")).unwrap();
    for _ in 0..10 {
        assert!(!matches!(verify_otp(&f.conn, &ctx, &verify("+15550003301", "0", None)), Err(Error::RateLimited { .. })));
    }
    assert_eq!(verify_otp(&f.conn, &ctx, &verify("+15550003301", "444444", None)), Err(Error::RateLimited { retry_after: 60 }));
    f.advance(20);
    let later = f.ctx();
    assert_eq!(verify_otp(&f.conn, &later, &verify("+15550003301", "0", None)), Err(Error::RateLimited { retry_after: 40 }));
    f.advance(40);
    let window_over = f.ctx();
    send_otp(&mut f.conn, &window_over, &send("+15550003301", "555555")).unwrap();
    verify_otp(&f.conn, &window_over, &verify("+15550003301", "555555", None)).unwrap();
    let count: i64 = f.conn.query_row("SELECT COUNT(*) FROM rate_counters WHERE key LIKE 'otp-verify:%'", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 0, "success clears the limiter");
}

#[test]
fn resend_generates_codes_and_is_limited() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let req = ResendOtpBody::new("+15550003401", "otp_verification");
    let first = resend_otp(&mut f.conn, &ctx, &req).unwrap();
    assert_eq!(first.expiry_minutes, 10);
    let hash = |f: &Fixture| -> String { f.conn.query_row("SELECT code_hash FROM otps", [], |r| r.get(0)).unwrap() };
    let before = hash(&f);
    resend_otp(&mut f.conn, &ctx, &req).unwrap();
    assert_ne!(hash(&f), before, "the earlier code is replaced");
    // a failing resend still counts
    let bad = ResendOtpBody { template_name: "missing".into(), ..req.clone() };
    assert!(matches!(resend_otp(&mut f.conn, &ctx, &bad), Err(Error::NotFound { .. })));
    assert_eq!(resend_otp(&mut f.conn, &ctx, &req).unwrap_err(), Error::RateLimited { retry_after: 300 });
    f.advance(299);
    let almost = f.ctx();
    assert_eq!(resend_otp(&mut f.conn, &almost, &req).unwrap_err(), Error::RateLimited { retry_after: 1 });
    f.advance(1);
    let after = f.ctx();
    resend_otp(&mut f.conn, &after, &req).unwrap();
    // other phones and tenants have their own windows
    let other_phone = ResendOtpBody { phone: "+15550003402".into(), ..req };
    resend_otp(&mut f.conn, &after, &other_phone).unwrap();
}
