//! End to end, comments and templates: notes on a chat (404 before the first message, the flat
//! 201 body, newest first), and templates listed, fetched by Meta's id and synchronised from
//! an edited fixture file, with the WhatsApp setup the sync needs.

mod support;

use serde_json::json;
use support::{Options, expect_error, start, start_with};
use wacr_client::models::*;

#[tokio::test]
async fn comments_on_a_chat() {
    let sb = start().await;
    sb.raw("GET", "/comments/15550600001", None).await.assert_error(404, "NOT_FOUND");
    sb.raw("POST", "/comments/15550600001", Some(json!({"comment": "x"}))).await.assert_error(404, "NOT_FOUND");
    let sent = sb.client.messages().send_text(SendTextMessageBody { phone: "+15550600001".into(), message: "hello".into(), contact_id: None }).await.unwrap();
    assert!(sb.client.comments().list("15550600001").await.unwrap().is_empty());

    let added = sb.raw("POST", "/comments/15550600001", Some(json!({"comment": "<b>VIP</b>", "message_id": "wamid.A"}))).await;
    assert_eq!(added.status, 201, "{}", added.json);
    assert_eq!(added.json["success"], true);
    assert_eq!(added.json["message"], "Comment added successfully");
    assert_eq!(added.json["interaction_id"], sent.chat_id, "flat body: the note's fields are top-level");
    assert_eq!((added.json["status_message"].as_str(), added.json["message_id"].as_str()), (Some("Internal comment"), Some("wamid.A")));
    let body: AddCommentBody = serde_json::from_value(json!({"comment": "invoice", "media_url": "https://files.example.com/inv.pdf"})).unwrap();
    let second = sb.client.comments().add("15550600001", body).await.unwrap();
    assert!(second.url.unwrap().ends_with("inv.pdf"));
    let notes = sb.client.comments().list("15550600001").await.unwrap();
    assert_eq!(notes.iter().map(|n| n.message.as_str()).collect::<Vec<_>>(), ["invoice", "<b>VIP</b>"]);
    sb.raw("POST", "/comments/15550600001", Some(json!({}))).await.assert_error(422, "VALIDATION_ERROR");
    sb.raw_as(sb.token("second"), "GET", "/comments/15550600001", None).await.assert_error(404, "NOT_FOUND");
}

#[tokio::test]
async fn templates_list_get() {
    let sb = start().await;
    let page = sb.client.templates().list(ListTemplatesQuery { per_page: Some(100), ..Default::default() }).await.unwrap();
    assert_eq!(page.meta.total, 10);
    let order = page.items.iter().find(|t| t.template_name == "order_update").unwrap();
    assert_eq!((order.header_params_count, order.body_params_count), (1, 3));
    let got = sb.client.templates().get(order.template_id.clone()).await.unwrap();
    assert_eq!(got.id, order.id);
    expect_error(sb.client.templates().get("0").await, 404, "NOT_FOUND");
    expect_error(sb.other.templates().get(order.template_id.clone()).await, 404, "NOT_FOUND");
    let search = sb.raw("GET", "/templates?search=marketing&fields=template_name,category&sort=template_name", None).await;
    let names: Vec<_> = search.json["data"].as_array().unwrap().iter().map(|t| t["template_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["product_video", "promo_image", "seasonal_sale", "welcome_message"]);
}

#[tokio::test]
async fn sync_from_an_edited_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("templates.json");
    std::fs::write(&path, wacr_sandbox::store::templates::BUILTIN_FIXTURE).unwrap();
    let sb = start_with(Options { templates_fixture: Some(path.clone()), ..Options::default() }).await;
    let unchanged = sb.client.templates().sync().await.unwrap();
    assert_eq!((unchanged.synced, unchanged.created, unchanged.updated, unchanged.deleted), (10, 0, 0, 0));

    let mut fixture: serde_json::Value = serde_json::from_str(wacr_sandbox::store::templates::BUILTIN_FIXTURE).unwrap();
    let data = fixture["data"].as_array_mut().unwrap();
    data.retain(|t| t["name"] != "seasonal_sale");
    data[0]["status"] = json!("PENDING");
    data.push(json!({"id": "42", "name": "fresh", "language": "en", "status": "APPROVED", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Hello {{1}}"}]}));
    std::fs::write(&path, fixture.to_string()).unwrap();
    let result = sb.client.templates().sync().await.unwrap();
    assert_eq!((result.synced, result.created, result.updated, result.deleted), (10, 1, 1, 1));
    assert_eq!(sb.client.templates().get("42").await.unwrap().body_params_count, 1);

    let reader = support::client(&sb.running, sb.token("reader"));
    expect_error(reader.templates().sync().await, 403, "INSUFFICIENT_SCOPE");
    expect_error(sb.other.templates().sync().await, 422, "WHATSAPP_NOT_CONFIGURED");
}
