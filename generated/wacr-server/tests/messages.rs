//! Multipart bodies and operation-specific rate limits through the generated routers: Send
//! Media takes `multipart/form-data` (text parts typed and validated, the file checked and
//! handed to the implementation), and Resend OTP allows 3 resends per phone per 5 minutes.

mod support;

use serde_json::json;
use support::{Server, send, serve};
use wacr_models::*;
use wacr_server::{ApiError, AuthApi, Authenticator, Config, MessagesApi, Principal};

const TOKEN: &str = "token";

struct Service;

impl Authenticator<Scope> for Service {
    async fn authenticate(&self, token: &str) -> Option<Principal<Scope>> {
        (token == TOKEN).then(|| Principal::new(7, "t", ScopeSet::all()))
    }
}

impl MessagesApi for Service {
    async fn send_media(&self, _: &Principal<Scope>, req: SendMediaMessageRequest) -> Result<SendMediaMessageResponse, ApiError<SendMediaMessageError>> {
        let body = req.body;
        let file = body.media_file.as_ref();
        Ok(MediaMessageSent {
            message_id: "wamid.1".into(),
            contact_id: body.contact_id.unwrap_or(0),
            phone: body.phone,
            media_type: Open::Known(body.media_type),
            media_url: file.map_or_else(|| body.media_url.clone().unwrap_or_default(), |f| format!("stored/{}/{}", f.name, f.size())),
            caption: body.caption,
            filename: body.contact_firstname,
            status: Open::Known(MessageStatus::Sent),
            sent_at: "2025-01-01T00:00:00Z".into(),
            chat_id: 1,
            chat_message_id: 1,
        })
    }

    async fn send_text(&self, _: &Principal<Scope>, _: SendTextMessageRequest) -> Result<SendTextMessageResponse, ApiError<SendTextMessageError>> {
        Err(SendTextMessageError::InternalError.into())
    }

    async fn send_template(&self, _: &Principal<Scope>, _: SendTemplateMessageRequest) -> Result<SendTemplateMessageResponse, ApiError<SendTemplateMessageError>> {
        Err(SendTemplateMessageError::InternalError.into())
    }

    async fn send_interactive(&self, _: &Principal<Scope>, _: SendInteractiveMessageRequest) -> Result<SendInteractiveMessageResponse, ApiError<SendInteractiveMessageError>> {
        Err(SendInteractiveMessageError::InternalError.into())
    }

    async fn list(&self, _: &Principal<Scope>, _: ListMessagesRequest) -> Result<ListMessagesResponse, ApiError<ListMessagesError>> {
        Err(ListMessagesError::InternalError.into())
    }

    async fn get(&self, _: &Principal<Scope>, _: GetMessageRequest) -> Result<GetMessageResponse, ApiError<GetMessageError>> {
        Err(GetMessageError::InternalError.into())
    }
}

impl AuthApi for Service {
    async fn resend_otp(&self, _: &Principal<Scope>, req: ResendOtpRequest) -> Result<ResendOtpResponse, ApiError<ResendOtpError>> {
        let body = req.body;
        Ok(OtpSent {
            message_id: "wamid.2".into(),
            contact_id: 1,
            phone: body.phone,
            template_name: body.template_name,
            language: body.language.unwrap_or_else(|| "en".into()),
            code_sent: true,
            expiry_minutes: body.expiry_minutes.unwrap_or(10),
            expires_at: "2025-01-01T00:10:00Z".into(),
            status: "sent".into(),
            sent_at: "2025-01-01T00:00:00Z".into(),
        })
    }

    async fn send_otp(&self, _: &Principal<Scope>, _: SendOtpRequest) -> Result<SendOtpResponse, ApiError<SendOtpError>> {
        Err(SendOtpError::InternalError.into())
    }

    async fn verify_otp(&self, _: &Principal<Scope>, _: VerifyOtpRequest) -> Result<VerifyOtpResponse, ApiError<VerifyOtpError>> {
        Err(ApiError::new(VerifyOtpError::InvalidCode).with_details(InvalidCodeDetails { attempts_remaining: 4 }))
    }

    async fn otp_status(&self, _: &Principal<Scope>, _: CheckOtpStatusRequest) -> Result<CheckOtpStatusResponse, ApiError<CheckOtpStatusError>> {
        Err(CheckOtpStatusError::InternalError.into())
    }

    async fn list_templates(&self, _: &Principal<Scope>, _: ListAuthTemplatesRequest) -> Result<ListAuthTemplatesResponse, ApiError<ListAuthTemplatesError>> {
        Err(ListAuthTemplatesError::InternalError.into())
    }
}

/// A multipart body of text parts and at most one file part.
fn form(texts: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in texts {
        out.extend_from_slice(format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, file_name, bytes)) = file {
        let head = format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--B--\r\n");
    out
}

async fn media(s: &Server, body: &[u8]) -> support::Reply {
    send(s, "POST", "/messages/media", Some(TOKEN), Some("multipart/form-data; boundary=B"), body).await
}

#[tokio::test]
async fn multipart_bodies_are_typed_validated_and_carry_their_file() {
    let s = serve(wacr_server::messages_router(Service, Config::default())).await;
    let texts = [("phone", "+919999999999"), ("media_type", "image"), ("caption", "Hi"), ("contact_id", "12"), ("contact[firstname]", "Jo")];
    let ok = media(&s, &form(&texts, Some(("media_file", "photo.JPG", b"\xff\xd8 jpeg")))).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let data = &ok.json["data"];
    assert_eq!((data["media_url"].as_str(), data["contact_id"].as_i64()), (Some("stored/photo.JPG/7"), Some(12)), "{}", ok.text);
    assert_eq!(data["filename"], "Jo", "contact[firstname] reaches the dotted field contact.firstname");

    let bad = media(&s, &form(&[("phone", "123"), ("media_type", "gif"), ("contact_id", "x")], Some(("media_file", "movie.exe", b"MZ")))).await;
    bad.assert_error(422, "VALIDATION_ERROR");
    assert_eq!(bad.field_errors("phone"), ["The phone field must be at least 10 characters."]);
    assert_eq!(bad.field_errors("media_type"), ["The selected media type is invalid."]);
    assert!(bad.field_errors("media_file")[0].starts_with("The media file field must be a file of type: jpg, jpeg, png"), "{}", bad.text);
    assert_eq!(bad.field_errors("contact_id"), ["The contact id field must be an integer."]);

    let neither = media(&s, &form(&[("phone", "+919999999999"), ("media_type", "audio")], None)).await;
    assert_eq!(neither.field_errors("media_url"), ["The media url field is required when media file is not present."]);
    assert_eq!(neither.field_errors("media_file"), ["The media file field is required when media url is not present."]);

    let json = send(&s, "POST", "/messages/media", Some(TOKEN), Some("application/json"), b"{}").await;
    json.assert_error(415, "UNSUPPORTED_MEDIA_TYPE");
    let broken = send(&s, "POST", "/messages/media", Some(TOKEN), Some("multipart/form-data; boundary=B"), b"--B\r\nnonsense").await;
    broken.assert_error(422, "VALIDATION_ERROR");
    assert!(broken.field_errors("body")[0].contains("multipart"), "{}", broken.text);
}

#[tokio::test]
async fn uploads_over_the_limit_are_413() {
    let s = serve(wacr_server::messages_router(Service, Config::default().with_upload_limit(1024))).await;
    let body = form(&[("phone", "+919999999999"), ("media_type", "image")], Some(("media_file", "a.png", &[0; 4096])));
    media(&s, &body).await.assert_error(413, "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn otp_resends_are_limited_per_phone() {
    let s = serve(wacr_server::auth_router(Service, Config::default())).await;
    let resend = |phone: &'static str| {
        let s = &s;
        async move { support::json(s, "POST", "/auth/resend", TOKEN, &json!({"phone": phone, "template_name": "otp"})).await }
    };
    for _ in 0..3 {
        let ok = resend("+911111111111").await;
        assert_eq!((ok.status, ok.json["message"].as_str()), (200, Some("OTP resent successfully")), "{}", ok.text);
    }
    let limited = resend("+911111111111").await;
    limited.assert_error(429, "RATE_LIMIT_EXCEEDED");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((295..=300).contains(&retry), "{retry}");
    assert_eq!(limited.json["error"]["details"]["retry_after"], retry);
    assert_eq!(resend("+912222222222").await.status, 200, "another phone has its own window");

    let invalid = support::json(&s, "POST", "/auth/verify", TOKEN, &json!({"phone": "+91", "code": "1"})).await;
    invalid.assert_error(422, "INVALID_CODE");
    assert_eq!(invalid.json["error"]["details"], json!({"attempts_remaining": 4}));
    assert!(invalid.json.get("errors").is_none(), "only VALIDATION_ERROR carries errors");
}
