//! Messages: send a text (with a merge field), a template with header and body parameters, an
//! image by URL and reply buttons; then read the history with filters and fetch one message.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example messages
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`; set `WACR_PHONE` to a
//! real number (with country code) when sending through the real API.

use wacr_client::models::{
    Filter, InteractiveButton, InteractiveType, ListMessagesQuery, ListMessagesSortField, MediaType, MessageDirection,
    SendInteractiveMessageBody, SendMediaMessageBody, SendTemplateMessageBody, SendTextMessageBody, Sort,
};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let phone = std::env::var("WACR_PHONE").unwrap_or_else(|_| "+919876500003".to_owned());

    let text = SendTextMessageBody::new(phone.clone(), "Hello @{contact_first_name}, your order has shipped.");
    let sent = client.messages().send_text(text).await?;
    println!("text {} to contact {}: {:?} ({})", sent.message_id, sent.contact_id, sent.message, sent.status);

    let mut template = SendTemplateMessageBody::new(phone.clone(), "order_update", "en");
    template.header_field_1 = Some("#1042".into());
    template.field_1 = Some("@{contact_first_name}".into());
    template.field_2 = Some("#1042".into());
    template.field_3 = Some("Friday".into());
    let sent = client.messages().send_template(template).await?;
    println!("template {} sent as {}", sent.template_name, sent.message_id);

    let mut media = SendMediaMessageBody::new(phone.clone(), MediaType::Image);
    media.media_url = Some("https://files.example.com/catalogue/summer.jpg".into());
    media.caption = Some("Our summer catalogue".into());
    // Or upload a file: media.media_file = Some(File::new("summer.jpg", "image/jpeg", bytes));
    let sent = client.messages().send_media(media).await?;
    println!("{} stored at {}", sent.media_type, sent.media_url);

    let mut buttons = SendInteractiveMessageBody::new(phone, InteractiveType::Button, "Confirm your appointment on Monday?");
    buttons.buttons = Some(vec![
        InteractiveButton { id: "confirm".into(), title: "Confirm".into() },
        InteractiveButton { id: "reschedule".into(), title: "Reschedule".into() },
    ]);
    let sent = client.messages().send_interactive(buttons).await?;
    println!("interactive {} ({})", sent.message_id, sent.r#type);

    let mut query = ListMessagesQuery { per_page: Some(10), ..Default::default() };
    query.sort.push(Sort::desc(ListMessagesSortField::CreatedAt));
    query.filters.direction.push(Filter::eq(MessageDirection::Outbound));
    query.filters.interaction_id.push(Filter::eq(sent.chat_id));
    let page = client.messages().list(query).await?;
    for m in &page.items {
        let kind = m.r#type.as_ref().map_or("?".to_owned(), ToString::to_string);
        let status = m.status.as_ref().map_or("?".to_owned(), ToString::to_string);
        println!("message {} {kind} {status}: {}", m.id, m.message.as_deref().unwrap_or_default());
    }
    if let Some(first) = page.items.first() {
        let detail = client.messages().get(first.id).await?;
        println!("message {}: {:?}, sent by staff {:?}", detail.id, detail.status.map(|s| s.to_string()), detail.staff_id);
    }
    Ok(())
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
