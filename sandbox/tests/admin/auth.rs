//! The admin token: 401 without or with an unknown one, 403 with a WA.cr API token, 200 with it
//! as a bearer token or as the `wacr_admin` cookie; bad input is 422 in the API's envelope.

use serde_json::json;

use super::admin;
use super::support::start;

#[tokio::test]
async fn only_the_admin_token_opens_the_admin_api() {
    let sb = start().await;
    let none = sb.http.get(sb.url("/_sandbox/clock")).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let body: serde_json::Value = none.json().await.unwrap();
    assert_eq!(body, json!({"success": false, "message": "Unauthenticated", "error": {"code": "UNAUTHORIZED"}}));
    sb.raw_as("wacr_admin_not-a-token", "GET", "/_sandbox/clock", None).await.assert_error(401, "UNAUTHORIZED");
    let tenant = sb.raw("GET", "/_sandbox/clock", None).await;
    tenant.assert_error(403, "INSUFFICIENT_SCOPE");
    assert_eq!(tenant.json["error"]["details"], json!({"required_scope": "sandbox:admin"}));

    let token = sb.running.admin_token();
    assert!(token.starts_with("wacr_admin_"), "{token}");
    let ok = admin(&sb, "GET", "/_sandbox/clock", None).await;
    assert_eq!((ok.status, &ok.json["success"]), (200, &json!(true)), "{}", ok.json);
    assert_eq!(ok.json["data"]["offset_seconds"], 0);
    let cookie = sb.http.get(sb.url("/_sandbox/clock")).header("cookie", format!("theme=dark; wacr_admin={token}")).send().await.unwrap();
    assert_eq!(cookie.status(), 200);
    // the admin token is no WA.cr API token
    sb.raw_as(token, "GET", "/contacts", None).await.assert_error(401, "UNAUTHORIZED");
    // the token is kept as a hash only
    let stored: Vec<String> =
        sb.running.db.with(|c| c.prepare("SELECT token_hash FROM admin_tokens")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()).unwrap();
    assert!(stored.len() == 1 && !stored[0].contains(token) && stored[0].len() == 64, "{stored:?}");
}

#[tokio::test]
async fn bad_input_gets_the_api_s_validation_envelope() {
    let sb = start().await;
    let not_json = sb.http.post(sb.url("/_sandbox/clock")).bearer_auth(sb.running.admin_token()).body("{advance").send().await.unwrap();
    assert_eq!(not_json.status(), 422);
    let body: serde_json::Value = not_json.json().await.unwrap();
    assert_eq!((body["error"]["code"].as_str(), body["errors"]["body"].is_array()), (Some("VALIDATION_ERROR"), true), "{body}");
    let unknown = admin(&sb, "POST", "/_sandbox/clock", Some(json!({"advanse": "1h"}))).await;
    unknown.assert_error(422, "VALIDATION_ERROR");
    assert!(unknown.json["errors"]["advanse"][0].as_str().unwrap().contains("unknown field"), "{}", unknown.json);
    let bad = admin(&sb, "POST", "/_sandbox/clock", Some(json!({"advance": "soon"}))).await;
    bad.assert_error(422, "VALIDATION_ERROR");
    assert!(bad.json["errors"]["advance"][0].as_str().unwrap().starts_with("The advance field must be a duration"), "{}", bad.json);
    admin(&sb, "POST", "/_sandbox/clock", Some(json!({}))).await.assert_error(422, "VALIDATION_ERROR");
    let inbound = admin(&sb, "POST", "/_sandbox/inbound", Some(json!({"phone": "12"}))).await;
    inbound.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(inbound.json["errors"].as_object().unwrap().keys().collect::<Vec<_>>(), ["phone", "text"]);
    let missing = admin(&sb, "PUT", "/_sandbox/contacts/1/opt-out", Some(json!({}))).await;
    missing.assert_error(422, "VALIDATION_ERROR");
    assert!(missing.json["errors"]["opted_out"].is_array(), "{}", missing.json);
    let unknown = admin(&sb, "PUT", "/_sandbox/contacts/999999/opt-out", Some(json!({"opted_out": true}))).await;
    unknown.assert_error(404, "NOT_FOUND");
    assert_eq!(unknown.json["error"]["details"], json!({"resource": "contact"}));
}
