//! The send path every message shares (text, template, media, interactive, OTP): the WhatsApp
//! setup check, the recipient contact (by id, by phone, or auto-created from the tenant's
//! default lead settings under the contacts limit), opt-out, the conversations limit, the
//! simulated WhatsApp Cloud API call, and the records it leaves (chat, chat row, history row).
//!
//! Simulated outcomes, keyed on the recipient's digits (documented in the sandbox README):
//! ending in `0000500` the Cloud API call fails (500 MESSAGE_SEND_FAILED, nothing is kept);
//! ending in `0000400` the send is accepted and its delivery later fails (status `failed`).
//! A free-form message (anything but a template) to a chat whose last inbound message is more
//! than 24 hours old by the virtual clock (or that has none) is accepted and later fails with
//! the WhatsApp Cloud API's 131047 "Re-engagement message".

use rusqlite::params;
use crate::sql::Connection;

use super::account::{self, chat_active_this_month, conversations_this_month};
use wacr_server::models::{Contact, ContactType, CreateContactBody};

use super::contacts;
use super::messages::{Failure, record_progress};
use super::{Ctx, Error, Result, phone_key, random_hex};
use crate::clock::Ts;

/// Recipient digits that make the Cloud API call fail.
pub const FAIL_SEND_SUFFIX: &str = "0000500";
/// Recipient digits whose delivery fails after the send.
pub const FAIL_DELIVERY_SUFFIX: &str = "0000400";

/// Who a send goes to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipient {
    pub phone: String,
    /// Skips the lookup by phone and the auto-creation.
    pub contact_id: Option<i64>,
    /// Fields for an auto-created contact (Send Media's `contact.*`).
    pub auto: AutoContact,
}

/// What an auto-created contact gets besides the tenant's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoContact {
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub country_id: Option<i64>,
    pub assigned_id: Option<i64>,
    pub groups: Vec<i64>,
}

/// The tenant's WhatsApp sender, once the setup is known to be there.
pub(crate) struct Sender {
    pub phone: String,
}

/// 422 WHATSAPP_NOT_CONFIGURED unless the account has WhatsApp set up.
pub(crate) fn sender(conn: &Connection, ctx: &Ctx) -> Result<Sender> {
    let (configured, phone): (bool, String) = conn.query_row(
        "SELECT whatsapp_configured, whatsapp_phone FROM tenants WHERE id = ?1",
        [ctx.tenant_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if configured { Ok(Sender { phone }) } else { Err(Error::WhatsappNotConfigured) }
}

/// 403 FEATURE_NOT_AVAILABLE unless the plan includes WhatsApp templates.
pub(crate) fn require_templates_feature(conn: &Connection, ctx: &Ctx) -> Result<()> {
    if account::plan(conn, ctx)?.features.whatsapp_templates {
        Ok(())
    } else {
        Err(Error::FeatureNotAvailable { feature: "whatsapp_templates" })
    }
}

/// 404 (field contact_id) when `contact_id` names no contact of the tenant.
pub(crate) fn named_contact(conn: &Connection, ctx: &Ctx, contact_id: Option<i64>) -> Result<Option<Contact>> {
    match contact_id {
        None => Ok(None),
        Some(id) => contacts::find(conn, ctx, id)?.map(Some).ok_or(Error::NotFound { what: "contact", field: Some("contact_id") }),
    }
}

/// The recipient contact: the named one, the one with the phone, or a new one.
pub(crate) fn resolve(conn: &Connection, ctx: &Ctx, recipient: &Recipient) -> Result<Contact> {
    if let Some(contact) = named_contact(conn, ctx, recipient.contact_id)? {
        return Ok(contact);
    }
    if let Some(contact) = contacts::find_by_phone(conn, ctx, &recipient.phone)? {
        return Ok(contact);
    }
    auto_create(conn, ctx, recipient)
}

const NO_DEFAULTS: &str =
    "Default lead status, source and assignee must be configured in Application settings to auto-create contacts";

fn auto_create(conn: &Connection, ctx: &Ctx, recipient: &Recipient) -> Result<Contact> {
    let (status, source, assigned): (Option<i64>, Option<i64>, Option<i64>) = conn.query_row(
        "SELECT default_status_id, default_source_id, default_assigned_id FROM tenants WHERE id = ?1",
        [ctx.tenant_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (Some(status_id), Some(source_id), Some(default_assigned)) = (status, source, assigned) else {
        return Err(Error::field("contact", NO_DEFAULTS));
    };
    contacts::check_limit(conn, ctx)?;
    let auto = &recipient.auto;
    let digits = phone_key(&recipient.phone);
    // an email another contact already has is left off rather than failing the send
    let email = match &auto.email {
        Some(email) => {
            let sql = "SELECT EXISTS (SELECT 1 FROM contacts WHERE tenant_id = ?1 AND email = ?2)";
            let taken: bool = conn.query_row(sql, params![ctx.tenant_id, email], |r| r.get(0))?;
            (!taken).then(|| email.clone())
        }
        None => None,
    };
    let firstname = auto.firstname.clone().unwrap_or_else(|| digits.clone());
    let lastname = auto.lastname.clone().unwrap_or_default();
    let new = CreateContactBody {
        email,
        country_id: auto.country_id,
        assigned_id: Some(auto.assigned_id.unwrap_or(default_assigned)),
        groups: Some(auto.groups.clone()),
        ..CreateContactBody::new(firstname, lastname, recipient.phone.trim().to_owned(), ContactType::Lead, source_id, status_id)
    };
    contacts::insert(conn, ctx, &new)
}

/// A chat the message can go to: not opted out, within the conversations limit.
pub(crate) struct Chat {
    pub id: i64,
}

/// 403 CONTACT_OPTED_OUT, then 403 FEATURE_LIMIT_EXCEEDED (conversations) for a chat that has
/// no outbound message yet this month when the month's conversations are at the limit.
pub(crate) fn open_chat(conn: &Connection, ctx: &Ctx, contact: &Contact, phone: &str) -> Result<Chat> {
    if contact.is_opted_out {
        return Err(Error::ContactOptedOut);
    }
    let existing = find_chat(conn, ctx, phone)?;
    let is_new_conversation = match existing {
        Some(id) => !chat_active_this_month(conn, ctx, id)?,
        None => true,
    };
    if is_new_conversation
        && let Some(maximum) = account::plan(conn, ctx)?.conversations.filter(|l| *l >= 0)
    {
        let current = conversations_this_month(conn, ctx)?;
        if current >= maximum {
            return Err(Error::FeatureLimit { feature: "conversations", current, maximum });
        }
    }
    Ok(Chat { id: keep_chat(conn, ctx, contact, phone, existing)? })
}

/// The tenant's chat with `phone`, if there is one.
fn find_chat(conn: &Connection, ctx: &Ctx, phone: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    let sql = "SELECT id FROM chats WHERE tenant_id = ?1 AND mobile = ?2";
    Ok(conn.query_row(sql, params![ctx.tenant_id, phone_key(phone)], |r| r.get(0)).optional()?)
}

/// The chat `existing` (now the contact's), or a new one with `phone`.
fn keep_chat(conn: &Connection, ctx: &Ctx, contact: &Contact, phone: &str, existing: Option<i64>) -> Result<i64> {
    match existing {
        Some(id) => {
            conn.execute("UPDATE chats SET contact_id = ?2 WHERE id = ?1", params![id, contact.id])?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO chats (tenant_id, contact_id, mobile, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![ctx.tenant_id, contact.id, phone_key(phone), ctx.now.0],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// The chat a customer's message arrives in: its phone's chat, or a new one. Neither opt-out
/// nor the conversations limit applies, which bound what the business sends.
pub(crate) fn inbound_chat(conn: &Connection, ctx: &Ctx, contact: &Contact, phone: &str) -> Result<Chat> {
    let existing = find_chat(conn, ctx, phone)?;
    Ok(Chat { id: keep_chat(conn, ctx, contact, phone, existing)? })
}

/// The length of the customer service window, in seconds.
pub const WINDOW_SECS: i64 = 24 * 60 * 60;

/// Whether the chat's customer wrote within the last 24 hours: a free-form message may go out.
pub(crate) fn window_open(conn: &Connection, ctx: &Ctx, chat: &Chat) -> Result<bool> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT MAX(sent_at) FROM messages WHERE chat_id = ?1 AND direction = 'inbound'")?
        .query_row([chat.id], |r| r.get(0))?;
    Ok(last.is_some_and(|at| Ts(at).plus_secs(WINDOW_SECS) > ctx.now))
}

/// What is sent.
pub(crate) struct Outgoing<'a> {
    /// The MessageType (`text`, `template`, `image`, ..., `interactive`).
    pub kind: &'a str,
    pub text: String,
    pub url: Option<String>,
}

/// The records a send leaves.
pub(crate) struct Sent {
    pub wamid: String,
    pub phone: String,
    pub chat_id: i64,
    pub chat_message_id: i64,
    pub sent_at: Ts,
}

/// The simulated Cloud API call, then the chat row and the history row.
pub(crate) fn dispatch(conn: &Connection, ctx: &Ctx, sender: &Sender, contact: &Contact, chat: &Chat, phone: &str, out: Outgoing<'_>) -> Result<Sent> {
    let digits = phone_key(phone);
    if digits.ends_with(FAIL_SEND_SUFFIX) {
        return Err(Error::SendFailed(format!("simulated WhatsApp Cloud API failure for {digits}")));
    }
    let wamid = format!("wamid.{}", random_hex(24).to_ascii_uppercase());
    conn.execute(
        "INSERT INTO chat_messages (tenant_id, chat_id, is_note, type, message, url, message_id, sender_id, created_at) \
         VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![ctx.tenant_id, chat.id, out.kind, out.text, out.url, wamid, sender.phone, ctx.now.0],
    )?;
    let chat_message_id = conn.last_insert_rowid();
    let failure = if digits.ends_with(FAIL_DELIVERY_SUFFIX) {
        Some(Failure::Undeliverable)
    } else if out.kind != "template" && !window_open(conn, ctx, chat)? {
        Some(Failure::OutsideWindow)
    } else {
        None
    };
    conn.execute(
        "INSERT INTO messages (tenant_id, chat_id, chat_message_id, contact_id, sender_id, type, message, status, fail_delivery, \
         message_id, direction, url, sent_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sent', ?8, ?9, 'outbound', ?10, ?11, ?11, ?11)",
        params![
            ctx.tenant_id, chat.id, chat_message_id, contact.id, sender.phone, out.kind, out.text,
            failure.map_or(0, |f| f as i64), wamid, out.url, ctx.now.0
        ],
    )?;
    record_progress(conn, ctx, conn.last_insert_rowid(), contact.id, failure.is_some())?;
    Ok(Sent { wamid, phone: digits, chat_id: chat.id, chat_message_id, sent_at: ctx.now })
}

/// Replaces the merge fields `@{contact_first_name}`, `@{contact_last_name}`,
/// `@{contact_email}` and `@{contact_phone}` with the contact's values.
pub(crate) fn merge_fields(text: &str, contact: &Contact) -> String {
    text.replace("@{contact_first_name}", &contact.firstname)
        .replace("@{contact_last_name}", &contact.lastname)
        .replace("@{contact_email}", contact.email.as_deref().unwrap_or_default())
        .replace("@{contact_phone}", contact.phone.as_deref().unwrap_or_default())
}

/// Where the sandbox says it stored a media file (the bytes are not kept).
pub(crate) fn store_media(conn: &Connection, ctx: &Ctx, kind: &str, file_name: &str, size: Option<u64>, source_url: Option<&str>) -> Result<String> {
    let safe: String = file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let url = format!("https://media.wacr-sandbox.invalid/{}/{}/{safe}", ctx.tenant_id, random_hex(8));
    conn.execute(
        "INSERT INTO media (tenant_id, kind, file_name, size, source_url, url, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![ctx.tenant_id, kind, file_name, size.map(|s| s as i64), source_url, url, ctx.now.0],
    )?;
    Ok(url)
}

/// The last path segment of a URL, without its query (a file name for stored media).
pub(crate) fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || name.contains(':') { "file".into() } else { name.to_owned() }
}
