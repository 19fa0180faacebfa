//! Comments: internal notes on a contact's chat. A text message opens the chat, then a note
//! is added to it and the chat's notes are listed, newest first.
//!
//! ```sh
//! WACR_TOKEN=... cargo run -p wacr-client --example comments
//! ```
//!
//! `WACR_BASE_URL` defaults to a local sandbox, `http://127.0.0.1:8080`.

use wacr_client::models::{AddCommentBody, SendTextMessageBody};
use wacr_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = client()?;
    let phone = std::env::var("WACR_PHONE").unwrap_or_else(|_| "+919876500002".to_owned());

    // The notes belong to a chat conversation, which the first message to the number opens.
    let sent = client.messages().send_text(SendTextMessageBody::new(phone, "Thanks for your order!")).await?;
    println!("sent message {} to {} (chat {})", sent.message_id, sent.phone, sent.chat_id);
    let mobile = sent.phone;

    let mut note = AddCommentBody::new("<b>Follow up</b> on Monday about the delivery date");
    note.status_message = Some("Callback".into());
    note.ref_message_id = Some(sent.message_id.clone());
    let added = client.comments().add(mobile.clone(), note).await?;
    println!("added note {} to chat {} (sender {})", added.chat_message_id, added.interaction_id, added.sender_id);

    let comments = client.comments().list(mobile).await?;
    for c in &comments {
        println!("note {} [{}] {:?}: {}", c.id, c.r#type, c.status_message, c.message);
    }
    Ok(())
}

/// A client for `WACR_BASE_URL` (default: a local sandbox) with the token in `WACR_TOKEN`.
fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let base_url = std::env::var("WACR_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("WACR_TOKEN").map_err(|_| "set WACR_TOKEN to an API token (the sandbox prints one when it starts)")?;
    Ok(Client::builder().base_url(base_url).token(token).build()?)
}
