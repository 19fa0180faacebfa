//! The generated client against a real HTTP server on 127.0.0.1 that answers with canned
//! envelopes and records what it was sent: request line, headers, body.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wacr_client::models::{
    ContactInclude, ContactType, CreateContactBody, CreateContactError, GetContactError, GetContactQuery, ListContactsQuery,
    ListContactsSortField, Open, Sort,
};
use wacr_client::{Client, Error};

/// One canned reply per connection, in order; returns the base URL and the recorded requests.
async fn serve(replies: Vec<(u16, serde_json::Value)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for (status, body) in replies {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = sock.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len || n == 0 {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            log.lock().unwrap().push(String::from_utf8_lossy(&buf).to_string());
            let body = body.to_string();
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req-{status}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            sock.write_all(reply.as_bytes()).await.unwrap();
        }
    });
    (format!("http://{addr}"), seen)
}

fn client(base: &str) -> Client {
    Client::builder().base_url(base).token("secret-token-123").build().unwrap()
}

fn contact() -> serde_json::Value {
    json!({
        "id": 1, "firstname": "Jane", "lastname": "Doe", "company": null, "type": "lead",
        "email": null, "phone": "919999999999", "status_id": 1, "source_id": 2, "description": null,
        "city": null, "state": null, "zip": null, "address": null, "country_id": null, "assigned_id": null,
        "group_id": [3], "is_opted_out": false,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "groups": [{"id": 3, "name": "VIP", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]
    })
}

#[tokio::test]
async fn get_sends_bearer_and_include_and_decodes_data() {
    let (base, seen) = serve(vec![(200, json!({"success": true, "message": "ok", "data": contact()}))]).await;
    let mut query = GetContactQuery::default();
    query.include.insert(ContactInclude::Groups);
    query.include.insert(ContactInclude::Status);
    let c = client(&base).contacts().get(1, query).await.unwrap();
    assert_eq!(c.firstname, "Jane");
    assert_eq!(c.r#type, Open::Known(ContactType::Lead));
    assert_eq!(c.groups.as_ref().unwrap()[0].name, "VIP");
    assert!(c.source.is_none());
    let req = &seen.lock().unwrap()[0];
    assert!(req.starts_with("GET /contacts/1?include=groups,status HTTP/1.1"), "{req}");
    assert!(req.to_ascii_lowercase().contains("authorization: bearer secret-token-123"));
}

#[tokio::test]
async fn list_decodes_page_and_sends_sort_and_filters() {
    let page = json!({
        "success": true, "message": "ok", "data": [contact()],
        "meta": {"current_page": 2, "per_page": 1, "total": 3, "last_page": 3, "from": 2, "to": 2},
        "links": {"first": "f", "last": "l", "prev": "p", "next": "n"}
    });
    let (base, seen) = serve(vec![(200, page)]).await;
    let mut query = ListContactsQuery { page: Some(2), per_page: Some(1), ..Default::default() };
    query.sort.push(Sort::desc(ListContactsSortField::CreatedAt));
    query.filters.status_id.push(wacr_client::models::Filter::is_in([1, 2]));
    let page = client(&base).contacts().list(query).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.meta.total, 3);
    let req = &seen.lock().unwrap()[0];
    let line = req.lines().next().unwrap();
    assert!(line.contains("page=2") && line.contains("per_page=1") && line.contains("sort=-created_at"), "{line}");
    assert!(line.contains("filter%5Bstatus_id%5D%5Bin%5D=1,2"), "{line}");
}

#[tokio::test]
async fn validation_error_is_typed_with_field_messages() {
    let body = json!({
        "success": false, "message": "The given data was invalid",
        "error": {"code": "VALIDATION_ERROR", "details": null},
        "errors": {"firstname": ["First name is required"], "phone": ["This phone number already exists"]}
    });
    let (base, seen) = serve(vec![(422, body)]).await;
    let create = CreateContactBody::new("", "Doe", "+1 555 0100", ContactType::Lead, 1, 1);
    let err = client(&base).contacts().create(create).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 422);
    assert_eq!(api.code, Open::Known(CreateContactError::ValidationError));
    assert_eq!(api.field_errors["firstname"], ["First name is required"]);
    assert_eq!(api.request_id.as_deref(), Some("req-422"));
    let req = &seen.lock().unwrap()[0];
    assert!(req.contains("\"lastname\":\"Doe\"") && req.contains("\"type\":\"lead\""), "{req}");
    assert!(!format!("{err:?} {err}").contains("secret-token-123"));
}

#[tokio::test]
async fn unknown_code_and_details_survive() {
    let (base, _) = serve(vec![
        (404, json!({"success": false, "message": "Contact not found", "error": {"code": "NOT_FOUND"}})),
        (409, json!({"success": false, "message": "new", "error": {"code": "SOMETHING_NEW", "details": {"x": 1}}})),
    ])
    .await;
    let c = client(&base);
    let err = c.contacts().get(9, GetContactQuery::default()).await.unwrap_err();
    assert_eq!(err.api().unwrap().code, Open::Known(GetContactError::NotFound));
    assert_eq!(err.status(), Some(404));
    let err = c.contacts().get(9, GetContactQuery::default()).await.unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.code == Open::Unknown("SOMETHING_NEW".into()) && e.details.is_some()));
}

#[tokio::test]
async fn media_upload_is_sent_as_multipart_with_the_file_part() {
    use wacr_client::models::{File, MediaType, SendMediaMessageBody};
    let sent = json!({"message_id": "wamid.1", "contact_id": 1, "phone": "15550100", "media_type": "document",
        "media_url": "https://files/x.pdf", "caption": "Invoice", "filename": "x.pdf", "status": "sent",
        "sent_at": "2026-01-01T00:00:00Z", "chat_id": 1, "chat_message_id": 2});
    let (base, seen) = serve(vec![(200, json!({"success": true, "message": "ok", "data": sent}))]).await;
    let mut body = SendMediaMessageBody::new("+15550100", MediaType::Document);
    body.caption = Some("Invoice".into());
    body.media_file = Some(File::new("invoice.pdf", "application/pdf", b"%PDF-1.4 test".to_vec()));
    let result = client(&base).messages().send_media(body).await.unwrap();
    assert_eq!(result.message_id, "wamid.1");
    let req = &seen.lock().unwrap()[0];
    assert!(req.starts_with("POST /messages/media HTTP/1.1"), "{req}");
    assert!(req.to_ascii_lowercase().contains("content-type: multipart/form-data; boundary="), "{req}");
    assert!(req.contains("name=\"media_type\"\r\n\r\ndocument"), "{req}");
    assert!(req.contains("name=\"caption\"\r\n\r\nInvoice"), "{req}");
    assert!(req.contains("name=\"media_file\"; filename=\"invoice.pdf\"") && req.contains("%PDF-1.4 test"), "{req}");
    assert!(!req.contains("name=\"contact_id\""), "unset fields are not sent");
}

#[tokio::test]
async fn template_without_files_goes_as_json_and_with_a_file_as_multipart() {
    use wacr_client::models::{File, SendTemplateMessageBody};
    let sent = json!({"message_id": "wamid.2", "contact_id": 1, "phone": "15550100", "template_name": "welcome"});
    let reply = json!({"success": true, "message": "ok", "data": sent});
    let (base, seen) = serve(vec![(200, reply.clone()), (200, reply)]).await;
    let c = client(&base);
    let mut body = SendTemplateMessageBody::new("+15550100", "welcome", "en");
    body.field_1 = Some("Jane".into());
    c.messages().send_template(body.clone()).await.unwrap();
    body.header_image_file = Some(File::new("logo.png", "image/png", vec![0x89, b'P', b'N', b'G']));
    c.messages().send_template(body).await.unwrap();
    let reqs = seen.lock().unwrap();
    assert!(reqs[0].to_ascii_lowercase().contains("content-type: application/json") && reqs[0].contains("\"field_1\":\"Jane\""), "{}", reqs[0]);
    assert!(reqs[1].to_ascii_lowercase().contains("multipart/form-data") && reqs[1].contains("filename=\"logo.png\""), "{}", reqs[1]);
}

#[tokio::test]
async fn a_fields_selection_is_read_with_execute_json() {
    let page = json!({"success": true, "message": "ok", "data": [{"id": 1, "firstname": "Jane"}],
        "meta": {"current_page": 1, "per_page": 15, "total": 1, "last_page": 1, "from": 1, "to": 1},
        "links": {"first": "f", "last": "l", "prev": null, "next": null}});
    let (base, seen) = serve(vec![(200, page.clone()), (200, page)]).await;
    let c = client(&base);
    let query = ListContactsQuery { fields: vec!["id".into(), "firstname".into()], ..Default::default() };
    let typed = c.contacts().list(query.clone()).await.unwrap_err();
    assert!(matches!(typed, Error::Decode { status: 200, .. }), "the typed model needs every required field");
    let raw = c.execute_json(wacr_client::models::ListContactsRequest { query }).await.unwrap();
    assert_eq!(raw["data"][0], json!({"id": 1, "firstname": "Jane"}));
    assert!(seen.lock().unwrap()[1].lines().next().unwrap().contains("fields=id,firstname"));
}
