//! End to end, messages: the four sends with their successes and every error the sandbox can
//! produce (contact lookup and auto-creation, opt-out, plan limits, WhatsApp setup, plan
//! features, template and media rules, simulated Cloud API failure), and the history with its
//! simulated delivery progression.

mod support;

use serde_json::json;
use support::{Options, expect_error, start, start_with};
use wacr_client::models::*;
use wacr_sandbox::seed::TenantSeed;

fn text(phone: &str, message: &str) -> SendTextMessageBody {
    SendTextMessageBody { phone: phone.into(), message: message.into(), contact_id: None }
}

#[tokio::test]
async fn text_auto_creates_merges_and_is_listed() {
    let sb = start().await;
    let sent = sb.client.messages().send_text(text("+1 (555) 040-0001", "Hi @{contact_first_name}")).await.unwrap();
    assert_eq!((sent.phone.as_str(), sent.status.as_str()), ("15550400001", "sent"));
    let contact = sb.client.contacts().get(sent.contact_id, Default::default()).await.unwrap();
    assert_eq!(sent.message, format!("Hi {}", contact.firstname));
    let again = sb.client.messages().send_text(text("15550400001", "@{contact_phone}")).await.unwrap();
    assert_eq!((again.contact_id, again.chat_id, again.message.as_str()), (sent.contact_id, sent.chat_id, "+15550400001"), "the created contact's phone is normalised");
    let by_id = SendTextMessageBody { contact_id: Some(sent.contact_id), ..text("+15550400001", "by id") };
    sb.client.messages().send_text(by_id).await.unwrap();

    let list = sb.raw("GET", &format!("/messages?filter[interaction_id]={}&fields=id,message,status", sent.chat_id), None).await;
    assert_eq!(list.json["meta"]["total"], 3);
    assert_eq!(list.json["data"][0]["message"], "by id", "newest first");
    assert_eq!(list.json["data"][0].as_object().unwrap().len(), 3, "fields selects the keys");
    let search = sb.client.messages().list(ListMessagesQuery { search: Some("by i".into()), ..Default::default() }).await.unwrap();
    assert_eq!(search.items.len(), 1);
}

#[tokio::test]
async fn delivery_status_progresses() {
    let sb = start().await;
    // the customer wrote first: the free-form send is inside the 24-hour window
    sb.running.inbound_text("+15550400010", "hi").await.unwrap();
    sb.client.messages().send_text(text("+15550400010", "will be read")).await.unwrap();
    sb.client.messages().send_text(text("+15550000400", "will fail")).await.unwrap();
    let first = sb.client.messages().list(Default::default()).await.unwrap();
    let outbound = first.items.iter().filter(|m| m.direction == Some(Open::Known(MessageDirection::Outbound)));
    assert_eq!(outbound.clone().count(), 2);
    assert!(outbound.into_iter().all(|m| m.status == Some(Open::Known(MessageStatus::Sent))));
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let later = sb.client.messages().list(Default::default()).await.unwrap();
    let status = |body: &str| later.items.iter().find(|m| m.message.as_deref() == Some(body)).unwrap().clone();
    assert_eq!(status("will be read").status, Some(Open::Known(MessageStatus::Read)));
    assert!(status("will be read").is_read);
    assert_eq!(status("will fail").status, Some(Open::Known(MessageStatus::Failed)));
    let failed = sb.client.messages().get(status("will fail").id).await.unwrap();
    assert!(failed.status_message.is_some());
    let read = sb.raw("GET", "/messages?filter[status]=read", None).await;
    assert_eq!(read.json["meta"]["total"], 1);
    expect_error(sb.client.messages().get(999_999).await, 404, "NOT_FOUND");
    expect_error(sb.other.messages().get(status("will fail").id).await, 404, "NOT_FOUND");
}

#[tokio::test]
async fn send_errors() {
    let sb = start().await;
    let unknown = SendTextMessageBody { contact_id: Some(999_999), ..text("+15550400020", "x") };
    expect_error(sb.client.messages().send_text(unknown).await, 404, "NOT_FOUND");
    let opted = sb.contact("+15550400021").await["id"].as_i64().unwrap();
    sb.sql(&format!("UPDATE contacts SET is_opted_out = 1 WHERE id = {opted}"));
    expect_error(sb.client.messages().send_text(text("+15550400021", "x")).await, 403, "CONTACT_OPTED_OUT");
    expect_error(sb.client.messages().send_text(text("+15550000500", "x")).await, 500, "MESSAGE_SEND_FAILED");
    sb.raw("POST", "/messages/text", Some(json!({"phone": "123", "message": "x"}))).await.assert_error(422, "VALIDATION_ERROR");
    // the second tenant: no WhatsApp, no templates feature, no default lead settings
    expect_error(sb.other.messages().send_text(text("+15550400022", "x")).await, 422, "WHATSAPP_NOT_CONFIGURED");
    let template = SendTemplateMessageBody {
        phone: "+15550400022".into(),
        template_name: "welcome_message".into(),
        language: "en".into(),
        ..serde_json::from_value(json!({"phone": "", "template_name": "", "language": ""})).unwrap()
    };
    expect_error(sb.other.messages().send_template(template).await, 403, "FEATURE_NOT_AVAILABLE");
    sb.sql("UPDATE tenants SET whatsapp_configured = 1 WHERE subdomain = 'second'");
    let no_defaults = expect_error(sb.other.messages().send_text(text("+15550400022", "x")).await, 422, "VALIDATION_ERROR");
    assert!(no_defaults.field_errors["contact"][0].contains("Default lead status"));
}

#[tokio::test]
async fn plan_limits_on_sends() {
    let mut primary = TenantSeed::primary(10_000);
    primary.plan.contacts = Some(1);
    primary.plan.conversations = Some(1);
    let sb = start_with(Options { primary, ..Options::default() }).await;
    sb.client.messages().send_text(text("+15550400030", "auto-created, first conversation")).await.unwrap();
    let limit = expect_error(sb.client.messages().send_text(text("+15550400031", "x")).await, 403, "FEATURE_LIMIT_EXCEEDED");
    assert_eq!(limit.details.unwrap()["feature"], "contacts");
    sb.sql("UPDATE plans SET contacts_limit = -1");
    let limit = expect_error(sb.client.messages().send_text(text("+15550400031", "x")).await, 403, "FEATURE_LIMIT_EXCEEDED");
    let details = limit.details.unwrap();
    assert_eq!((details["feature"].as_str(), details["current"].as_i64(), details["maximum"].as_i64()), (Some("conversations"), Some(1), Some(1)));
    sb.client.messages().send_text(text("+15550400030", "the same conversation")).await.unwrap();
    assert_eq!(sb.client.account().usage().await.unwrap().conversations.current, 1);
}

fn template_json(name: &str, language: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut body = json!({"phone": "+15550400040", "template_name": name, "language": language});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

#[tokio::test]
async fn templates_json_and_multipart() {
    let sb = start().await;
    let missing = sb.raw("POST", "/messages/template", Some(template_json("order_update", "en", json!({})))).await;
    missing.assert_error(422, "VALIDATION_ERROR");
    for field in ["header_field_1", "field_1", "field_2", "field_3"] {
        assert!(missing.json["errors"][field].is_array(), "{field}: {}", missing.json);
    }
    let full = json!({"header_field_1": "#1", "field_1": "@{contact_first_name}", "field_2": "#1", "field_3": "Friday", "button_0": "1"});
    let ok = sb.raw("POST", "/messages/template", Some(template_json("order_update", "en", full))).await;
    assert_eq!(ok.status, 200, "{}", ok.json);
    assert_eq!(ok.json["message"], "Template message sent successfully");
    assert_eq!((ok.json["data"]["template_name"].as_str(), ok.json["data"]["status"].as_str()), (Some("order_update"), Some("sent")));
    for (name, language) in [("nope", "en"), ("seasonal_sale", "en"), ("order_update", "fr")] {
        let reply = sb.raw("POST", "/messages/template", Some(template_json(name, language, json!({})))).await;
        reply.assert_error(404, "NOT_FOUND");
    }
    // an IMAGE header by upload (multipart through the generated client)
    let mut body: SendTemplateMessageBody = serde_json::from_value(template_json("promo_image", "en", json!({"field_1": "Ann", "field_2": "20%"}))).unwrap();
    let missing_image = expect_error(sb.client.messages().send_template(body.clone()).await, 422, "VALIDATION_ERROR");
    assert!(missing_image.field_errors.contains_key("header_image_url"));
    body.header_image_file = Some(File::new("promo.png", "image/png", vec![0u8; 2048]));
    let sent = sb.client.messages().send_template(body).await.unwrap();
    let stored = sb.client.messages().get(message_id(&sb, &sent.message_id).await).await.unwrap();
    assert!(stored.url.unwrap().ends_with("/promo.png"));
    // auto-generated OTP in an AUTHENTICATION template, verifiable afterwards
    let auth = template_json("otp_verification", "en", json!({"auto_generate_otp": true, "field_2": "10", "phone": "+15550400041"}));
    assert_eq!(sb.raw("POST", "/messages/template", Some(auth)).await.status, 200);
    let status = sb.client.auth().otp_status(CheckOtpStatusBody { phone: "+15550400041".into(), purpose: None }).await.unwrap();
    assert!(status.has_active_otp);
}

async fn message_id(sb: &support::Sandbox, wamid: &str) -> i64 {
    let all = sb.client.messages().list(ListMessagesQuery { per_page: Some(100), ..Default::default() }).await.unwrap();
    all.items.iter().find(|m| m.message_id.as_deref() == Some(wamid)).unwrap().id
}

fn media(kind: MediaType) -> SendMediaMessageBody {
    serde_json::from_value(json!({"phone": "+15550400050", "media_type": kind.as_str()})).unwrap()
}

#[tokio::test]
async fn media_uploads_and_urls() {
    let sb = start().await;
    let mut doc = media(MediaType::Document);
    doc.media_file = Some(File::new("Report.pdf", "application/pdf", b"%PDF-1.4".to_vec()));
    doc.caption = Some("Q3".into());
    doc.contact_firstname = Some("Media".into());
    let sent = sb.client.messages().send_media(doc).await.unwrap();
    assert_eq!((sent.filename.as_deref(), sent.caption.as_deref()), (Some("Report.pdf"), Some("Q3")));
    assert_eq!(sb.client.contacts().get(sent.contact_id, Default::default()).await.unwrap().firstname, "Media");

    let mut wrong_type = media(MediaType::Image);
    wrong_type.media_file = Some(File::new("notes.pdf", "application/pdf", b"%PDF".to_vec()));
    let error = expect_error(sb.client.messages().send_media(wrong_type).await, 422, "VALIDATION_ERROR");
    assert_eq!(error.field_errors["media_file"], ["The media file must be a file of type: jpg, jpeg, png, webp."]);
    let mut too_big = media(MediaType::Image);
    too_big.media_file = Some(File::new("big.png", "image/png", vec![0u8; 5 * 1024 * 1024 + 1]));
    let error = expect_error(sb.client.messages().send_media(too_big).await, 422, "VALIDATION_ERROR");
    assert_eq!(error.field_errors["media_file"], ["The media file must not be greater than 5120 kilobytes."]);
    expect_error(sb.client.messages().send_media(media(MediaType::Audio)).await, 422, "VALIDATION_ERROR");

    let mut audio = media(MediaType::Audio);
    audio.media_url = Some("https://cdn.example.com/voice.ogg".into());
    audio.caption = Some("dropped for audio".into());
    let sent = sb.client.messages().send_media(audio).await.unwrap();
    assert_eq!((sent.caption, sent.media_type), (None, Open::Known(MediaType::Audio)));
}

#[tokio::test]
async fn interactive() {
    let sb = start().await;
    let buttons = json!({"phone": "+15550400060", "type": "button", "body_text": "Pick one",
        "buttons": [{"id": "a", "title": "Yes"}, {"id": "b", "title": "No"}]});
    let reply = sb.raw("POST", "/messages/interactive", Some(buttons)).await;
    assert_eq!((reply.status, reply.json["data"]["type"].as_str()), (200, Some("button")), "{}", reply.json);
    let list = json!({"phone": "+15550400060", "type": "list", "body_text": "Menu", "list_button_text": "Open",
        "sections": [{"title": "A", "rows": [{"id": "1", "title": "One"}]}, {"title": "B", "rows": [{"id": "1", "title": "Again"}]}]});
    let reply = sb.raw("POST", "/messages/interactive", Some(list)).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(reply.json["errors"]["sections"][0], "Row IDs must be unique across all sections.");
    let no_buttons = json!({"phone": "+15550400060", "type": "button", "body_text": "x"});
    sb.raw("POST", "/messages/interactive", Some(no_buttons)).await.assert_error(422, "VALIDATION_ERROR");
    let same_ids = json!({"phone": "+15550400060", "type": "button", "body_text": "x", "buttons": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]});
    let reply = sb.raw("POST", "/messages/interactive", Some(same_ids)).await;
    reply.assert_error(422, "VALIDATION_ERROR");
    assert!(reply.json["errors"].get("buttons").is_some(), "{}", reply.json);
    let opted = sb.contact("+15550400061").await["id"].as_i64().unwrap();
    sb.sql(&format!("UPDATE contacts SET is_opted_out = 1 WHERE id = {opted}"));
    let to_opted = json!({"phone": "+15550400061", "type": "button", "body_text": "x", "buttons": [{"id": "a", "title": "A"}]});
    sb.raw("POST", "/messages/interactive", Some(to_opted)).await.assert_error(403, "CONTACT_OPTED_OUT");
}
