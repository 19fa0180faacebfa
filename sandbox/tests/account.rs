//! End to end, account and the shared glue: account info, usage computed from stored data,
//! plan limits with the token's rate, and the errors every operation shares (401, 403 with
//! the required scope, 429 with Retry-After), 429 after repeated failed logins, plus tenant
//! isolation of the account.

mod support;

use support::{Options, expect_error, start, start_with};

#[tokio::test]
async fn account_usage_and_limits() {
    let sb = start().await;
    let account = sb.client.account().get().await.unwrap();
    assert_eq!((account.name.as_str(), account.subdomain.as_str()), ("Sandbox Company", "sandbox"));
    assert_eq!(account.subscription.plan_name, "Pro");
    let second = sb.other.account().get().await.unwrap();
    assert_eq!((second.name.as_str(), second.subscription.plan_name.as_str(), second.subscription.plan_id), ("second", "Free", None));

    sb.contact("+15550100001").await;
    sb.contact("+15550100002").await;
    let usage = sb.client.account().usage().await.unwrap();
    assert_eq!((usage.contacts.current, usage.contacts.limit, usage.contacts.remaining), (2, Some(10_000), Some(9_998)));
    assert_eq!(usage.contacts.percentage_used, 0.02);
    assert_eq!(usage.staff.current, 2);
    assert_eq!(sb.other.account().usage().await.unwrap().contacts.current, 0, "tenants are isolated");

    let limits = sb.client.account().limits().await.unwrap();
    assert_eq!(limits.limits.api_calls_per_minute.limit, 10_000);
    assert_eq!(limits.limits.contacts.feature_name, "Total Contacts");
    assert!(limits.features.whatsapp_templates && limits.features.api_access);
    assert!(!sb.other.account().limits().await.unwrap().features.whatsapp_templates);
}

#[tokio::test]
async fn unauthorized_and_insufficient_scope() {
    let sb = start().await;
    let no_token = sb.http.get(sb.url("/account")).send().await.unwrap();
    assert_eq!(no_token.status(), 401);
    let bad = sb.raw_as("wacr_sandbox_not_a_token", "GET", "/contacts", None).await;
    bad.assert_error(401, "UNAUTHORIZED");
    assert_eq!(bad.json["message"], "Unauthenticated");

    let reader = support::client(&sb.running, sb.token("reader"));
    reader.contacts().list(Default::default()).await.unwrap();
    let denied = expect_error(reader.account().get().await, 403, "INSUFFICIENT_SCOPE");
    assert_eq!(denied.details.unwrap()["required_scope"], "account:read");
    let raw = sb.raw_as(sb.token("noscope"), "POST", "/groups", Some(serde_json::json!({"name": "x"}))).await;
    raw.assert_error(403, "INSUFFICIENT_SCOPE");
    // comments need no scope, only a valid token
    let comments = sb.raw_as(sb.token("noscope"), "GET", "/comments/15550100009", None).await;
    comments.assert_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn per_token_rate_limit() {
    let sb = start_with(Options { rate_limit: 3, ..Options::default() }).await;
    for remaining in ["2", "1", "0"] {
        let ok = sb.raw("GET", "/account", None).await;
        assert_eq!((ok.status, ok.header("x-ratelimit-limit"), ok.header("x-ratelimit-remaining")), (200, Some("3"), Some(remaining)));
    }
    let limited = sb.raw("GET", "/account", None).await;
    limited.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(limited.json["error"]["details"]["retry_after"], retry_after);
    // another token has its own window
    assert_eq!(sb.raw_as(sb.token("second"), "GET", "/account", None).await.status, 200);
}

/// Ten refused tokens from one client within a minute: every request of that client, a valid
/// token included, gets 429 until the window ends; requests without a token do not count.
#[tokio::test]
async fn repeated_failed_logins_get_429() {
    let sb = start().await;
    for _ in 0..20 {
        assert_eq!(sb.http.get(sb.url("/account")).send().await.unwrap().status(), 401, "no token is no login attempt");
    }
    for i in 0..10 {
        sb.raw_as(&format!("wacr_sandbox_guess_{i}"), "GET", "/account", None).await.assert_error(401, "UNAUTHORIZED");
    }
    let blocked = sb.raw_as("wacr_sandbox_guess_10", "GET", "/account", None).await;
    blocked.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let retry_after: u64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(blocked.json["error"]["details"]["retry_after"], retry_after);
    let valid = sb.raw("GET", "/account", None).await;
    valid.assert_error(429, "RATE_LIMIT_EXCEEDED");
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let sb = start().await;
    sb.raw("GET", "/nope", None).await.assert_error(404, "NOT_FOUND");
    assert_eq!(sb.raw("PUT", "/account", None).await.status, 405);
}
