//! Inbound messages: what a customer sends the tenant's WhatsApp number (the admin API's
//! `POST /_sandbox/inbound`). The sender becomes a contact by the sends' own lookup and
//! auto-creation rules, the message joins the phone's chat as `direction = inbound` (which
//! opens the 24-hour customer service window), and `message.received` goes to the outbox.

use rusqlite::params;
use crate::sql::Connection;
use serde::{Deserialize, Serialize};
use wacr_server::models::{MediaType, MessageDetail, WireEnum};

use super::history::{self, DeliverySimulation, MessageResource};
use crate::store::delivery::{self, Recipient};
use crate::store::{Ctx, Error, FieldErrors, Result, phone_key, random_hex};
use crate::webhooks::{Change, outbox};

/// A message from a customer: text, or media with an optional caption.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// The customer's phone (any formatting; its digits identify the chat).
    pub phone: String,
    /// The text of a text message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The file of a media message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<InboundMedia>,
}

/// The media of an inbound message.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InboundMedia {
    /// `image`, `video`, `audio` or `document` (the MediaType values).
    pub r#type: String,
    /// Where the file is (http or https).
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Inbound {
    /// A text message from `phone`.
    pub fn text(phone: impl Into<String>, text: impl Into<String>) -> Inbound {
        Inbound { phone: phone.into(), text: Some(text.into()), media: None }
    }
}

/// The longest text WhatsApp carries.
const MAX_TEXT: usize = 4096;

/// What is stored: the MessageType, the text (or caption) and the media URL.
struct Content {
    kind: &'static str,
    text: String,
    url: Option<String>,
}

/// The field rules: a phone with 7 to 15 digits, and exactly one of a non-empty text (at most
/// 4096 characters) or a media object with a known type and an http(s) URL.
fn check(inbound: &Inbound) -> Result<Content> {
    let mut errors = FieldErrors::new();
    let mut add = |field: &str, message: &str| errors.entry(field.to_owned()).or_default().push(message.to_owned());
    let digits = phone_key(&inbound.phone);
    if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        add("phone", "The phone field must hold 7 to 15 digits.");
    }
    let content = match (&inbound.text, &inbound.media) {
        (Some(text), None) => {
            if text.trim().is_empty() {
                add("text", "The text field must not be empty.");
            } else if text.chars().count() > MAX_TEXT {
                add("text", "The text field must not be greater than 4096 characters.");
            }
            Some(Content { kind: "text", text: text.clone(), url: None })
        }
        (None, Some(media)) => {
            let kind = MediaType::from_wire(&media.r#type).map(MediaType::as_str);
            if kind.is_none() {
                add("media.type", "The media.type field must be one of: image, video, audio, document.");
            }
            if !(media.url.starts_with("https://") || media.url.starts_with("http://")) {
                add("media.url", "The media.url field must be an http or https URL.");
            }
            let text = media.caption.clone().unwrap_or_default();
            kind.map(|kind| Content { kind, text, url: Some(media.url.clone()) })
        }
        (Some(_), Some(_)) => {
            add("text", "Send either text or media, not both.");
            None
        }
        (None, None) => {
            add("text", "The text field is required when media is not present.");
            None
        }
    };
    match content {
        Some(content) if errors.is_empty() => Ok(content),
        _ => Err(Error::Validation(errors)),
    }
}

/// Stores a customer's message to the tenant and returns it as Get Message reads it.
pub fn receive(conn: &mut Connection, ctx: &Ctx, inbound: &Inbound, sim: &DeliverySimulation) -> Result<MessageDetail> {
    let content = check(inbound)?;
    let tx = conn.transaction()?;
    delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: inbound.phone.clone(), ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::inbound_chat(&tx, ctx, &contact, &inbound.phone)?;
    let (digits, wamid) = (phone_key(&inbound.phone), format!("wamid.{}", random_hex(24).to_ascii_uppercase()));
    tx.execute(
        "INSERT INTO chat_messages (tenant_id, chat_id, is_note, type, message, url, message_id, sender_id, created_at) \
         VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![ctx.tenant_id, chat.id, content.kind, content.text, content.url, wamid, digits, ctx.now.0],
    )?;
    let chat_message_id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO messages (tenant_id, chat_id, chat_message_id, contact_id, sender_id, type, message, status, message_id, \
         direction, url, sent_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'delivered', ?8, 'inbound', ?9, ?10, ?10, ?10)",
        params![ctx.tenant_id, chat.id, chat_message_id, contact.id, digits, content.kind, content.text, wamid, content.url, ctx.now.0],
    )?;
    let stored = history::get(&tx, ctx, tx.last_insert_rowid(), sim)?;
    let message = history::item(stored.clone());
    outbox::record(&tx, ctx, Change::Created(&MessageResource { message: &message, contact_id: contact.id }))?;
    tx.commit()?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Fixture;

    #[test]
    fn the_rules_name_the_fields() {
        let fields = |inbound: Inbound| match check(&inbound) {
            Err(Error::Validation(errors)) => errors.into_keys().collect::<Vec<_>>(),
            other => panic!("{:?}", other.map(|c| c.kind)),
        };
        assert_eq!(fields(Inbound { phone: "12".into(), ..Inbound::default() }), ["phone", "text"]);
        assert_eq!(fields(Inbound::text("+15550001234", " ")), ["text"]);
        let media = InboundMedia { r#type: "sticker".into(), url: "ftp://x".into(), caption: None };
        assert_eq!(fields(Inbound { media: Some(media), ..Inbound::text("+15550001234", "and text") }), ["text"]);
        let media = InboundMedia { r#type: "sticker".into(), url: "ftp://x".into(), caption: None };
        assert_eq!(fields(Inbound { phone: "+15550001234".into(), text: None, media: Some(media) }), ["media.type", "media.url"]);
        let photo = InboundMedia { r#type: "image".into(), url: "https://example.com/a.jpg".into(), caption: Some("look".into()) };
        let content = check(&Inbound { phone: "+15550001234".into(), text: None, media: Some(photo) }).unwrap();
        assert_eq!((content.kind, content.text.as_str(), content.url.as_deref()), ("image", "look", Some("https://example.com/a.jpg")));
    }

    #[test]
    fn an_inbound_message_auto_creates_its_contact_and_opens_the_window() {
        let mut f = Fixture::new();
        let (ctx, sim) = (f.ctx(), DeliverySimulation::default());
        let got = receive(&mut f.conn, &ctx, &Inbound::text("+1 555 000 7001", "hello?"), &sim).unwrap();
        assert_eq!((got.direction.map(|d| d.as_str().to_owned()), got.message.as_deref()), (Some("inbound".into()), Some("hello?")));
        assert_eq!(got.sender_id.as_deref(), Some("15550007001"));
        let contact = crate::store::contacts::find_by_phone(&f.conn, &ctx, "15550007001").unwrap().unwrap();
        assert_eq!(contact.firstname, "15550007001", "auto-created as a send would");
        let chat = delivery::Chat { id: got.interaction_id.unwrap() };
        assert!(delivery::window_open(&f.conn, &ctx, &chat).unwrap());
        f.advance(delivery::WINDOW_SECS);
        assert!(!delivery::window_open(&f.conn, &f.ctx(), &chat).unwrap(), "closed 24 h later");
        let later = f.ctx();
        let again = receive(&mut f.conn, &later, &Inbound::text("15550007001", "again"), &sim).unwrap();
        assert_eq!(again.interaction_id, got.interaction_id, "the same chat");
        let events: Vec<String> = f.conn.prepare("SELECT type FROM webhook_events").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(events, ["contact.created", "message.received", "message.received"]);
    }
}
