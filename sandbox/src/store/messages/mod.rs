//! Messages (`messages.yaml`): the four sends (text, template, media, interactive) with their
//! rules, and the history, whose outbound statuses progress sent -> delivered -> read with the
//! time since sending (computed when read, so no background task is needed).

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::delivery::{self, Outgoing, Recipient};
use super::query::{ColType, FilterOp, FilterSpec, ListSpec, fetch_page};
use super::templates::{self, Template};
use super::validate::attribute;
use super::{Ctx, Error, FieldErrors, ListParams, Page, Result};
use crate::clock::{SECOND, Ts};

/// How fast simulated deliveries progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliverySimulation {
    /// Seconds after sending that a message reads `delivered` (or `failed`).
    pub delivered_after_secs: i64,
    /// Seconds after sending that a message reads `read`.
    pub read_after_secs: i64,
}

impl Default for DeliverySimulation {
    fn default() -> Self {
        DeliverySimulation { delivered_after_secs: 2, read_after_secs: 5 }
    }
}

/// A history record (MessageListItem).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub id: i64,
    pub interaction_id: Option<i64>,
    pub sender_id: Option<String>,
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    pub message: Option<String>,
    pub status: Option<String>,
    pub message_id: Option<String>,
    pub sent_at: Ts,
    pub is_read: bool,
    pub direction: String,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// A history record with its delivery details (Get Message).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageDetail {
    #[serde(flatten)]
    pub message: Message,
    pub status_message: Option<String>,
    pub ref_message_id: Option<String>,
    pub url: Option<String>,
    pub staff_id: Option<i64>,
}

/// An uploaded file as the HTTP layer received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub file_name: String,
    pub size: u64,
}

impl Upload {
    fn extension(&self) -> String {
        self.file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default()
    }
}

/// Send Text Message's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextSend {
    pub phone: String,
    pub message: String,
    pub contact_id: Option<i64>,
}

/// Send Text Message's result (TextMessageSent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextSent {
    pub message_id: String,
    pub contact_id: i64,
    pub phone: String,
    pub message: String,
    pub status: String,
    pub sent_at: Ts,
    pub chat_id: i64,
    pub chat_message_id: i64,
}

/// Send Template Message's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateSend {
    pub phone: String,
    pub template_name: String,
    pub language: String,
    pub contact_id: Option<i64>,
    pub header_image_url: Option<String>,
    pub header_image_file: Option<Upload>,
    pub header_video_url: Option<String>,
    pub header_video_file: Option<Upload>,
    pub header_document_url: Option<String>,
    pub header_document_file: Option<Upload>,
    pub header_document_name: Option<String>,
    pub header_field_1: Option<String>,
    /// field_1 .. field_10.
    pub fields: [Option<String>; 10],
    /// button_0 .. button_2.
    pub buttons: [Option<String>; 3],
    pub auto_generate_otp: bool,
    pub otp_field_number: Option<i64>,
}

/// Send Template Message's result (SendTemplateResult).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateSent {
    pub message_id: String,
    pub contact_id: i64,
    pub phone: String,
    pub template_name: String,
    pub language: String,
    pub status: String,
    pub sent_at: Ts,
    pub chat_id: i64,
    pub chat_message_id: i64,
}

/// Send Media Message's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaSend {
    pub phone: String,
    pub media_type: String,
    pub media_url: Option<String>,
    pub media_file: Option<Upload>,
    pub caption: Option<String>,
    pub filename: Option<String>,
    pub contact_id: Option<i64>,
    pub contact: delivery::AutoContact,
}

/// Send Media Message's result (MediaMessageSent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaSent {
    pub message_id: String,
    pub contact_id: i64,
    pub phone: String,
    pub media_type: String,
    pub media_url: String,
    pub caption: Option<String>,
    pub filename: Option<String>,
    pub status: String,
    pub sent_at: Ts,
    pub chat_id: i64,
    pub chat_message_id: i64,
}

/// A reply button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub id: String,
    pub title: String,
}

/// A list section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<ListRow>,
}

/// A list row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

/// Send Interactive Message's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InteractiveSend {
    pub phone: String,
    /// `button` or `list`.
    pub kind: String,
    pub body_text: String,
    pub header_text: Option<String>,
    pub footer_text: Option<String>,
    pub contact_id: Option<i64>,
    pub buttons: Vec<Button>,
    pub list_button_text: Option<String>,
    pub sections: Vec<Section>,
}

/// Send Interactive Message's result (InteractiveMessageSent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InteractiveSent {
    pub message_id: String,
    pub contact_id: i64,
    pub phone: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub sent_at: Ts,
    pub chat_id: i64,
    pub chat_message_id: i64,
}

/// Send Text Message.
pub fn send_text(conn: &mut Connection, ctx: &Ctx, req: &TextSend) -> Result<TextSent> {
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let text = delivery::merge_fields(&req.message, &contact);
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, Outgoing { kind: "text", text: text.clone(), url: None })?;
    tx.commit()?;
    Ok(TextSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        message: text,
        status: "sent".into(),
        sent_at: sent.sent_at,
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

/// Send Template Message: an APPROVED template of the tenant by name and language, with the
/// header media or text parameter and the body parameters the template needs.
pub fn send_template(conn: &mut Connection, ctx: &Ctx, req: &TemplateSend) -> Result<TemplateSent> {
    let tx = conn.transaction()?;
    delivery::require_templates_feature(&tx, ctx)?;
    let sender = delivery::sender(&tx, ctx)?;
    delivery::named_contact(&tx, ctx, req.contact_id)?;
    let template = templates::by_name(&tx, ctx, &req.template_name, &req.language)?
        .into_iter()
        .find(|t| t.status == "APPROVED")
        .ok_or(Error::NotFound { what: "template", field: Some("template_name") })?;
    let mut fields = req.fields.clone();
    let otp = if req.auto_generate_otp && template.category == "AUTHENTICATION" {
        let code = super::auth::otp_code();
        let n = req.otp_field_number.unwrap_or(1).clamp(1, 10) as usize;
        fields[n - 1] = Some(code.clone());
        Some(code)
    } else {
        None
    };
    let header_url = check_template_params(&template, req, &fields)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let url = match header_url {
        Some(HeaderMedia::Url(kind, url)) => Some(delivery::store_media(&tx, ctx, kind, &delivery::url_file_name(&url), None, Some(&url))?),
        Some(HeaderMedia::File(kind, file)) => {
            let name = req.header_document_name.clone().filter(|_| kind == "document").unwrap_or_else(|| file.file_name.clone());
            Some(delivery::store_media(&tx, ctx, kind, &name, Some(file.size), None)?)
        }
        None => None,
    };
    let values: Vec<String> = fields.iter().map(|f| delivery::merge_fields(f.as_deref().unwrap_or_default(), &contact)).collect();
    let body = templates::fill(&template.body_data, &values[..template.body_params_count.clamp(0, 10) as usize]);
    let out = Outgoing { kind: "template", text: body, url };
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, out)?;
    if let Some(code) = otp {
        let minutes = template.code_expiration_minutes.unwrap_or(10);
        super::auth::store_otp(&tx, ctx, &req.phone, "authentication", &code, minutes)?;
    }
    tx.commit()?;
    Ok(TemplateSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        template_name: template.template_name,
        language: template.language,
        status: "sent".into(),
        sent_at: sent.sent_at,
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

enum HeaderMedia<'a> {
    Url(&'static str, String),
    File(&'static str, &'a Upload),
}

/// The conditional rules: the header media or text parameter and field_1 .. field_N.
fn check_template_params<'a>(template: &Template, req: &'a TemplateSend, fields: &[Option<String>; 10]) -> Result<Option<HeaderMedia<'a>>> {
    let mut errors = FieldErrors::new();
    let mut media = None;
    let format = template.header_data_format.as_str();
    let slots = match format {
        "IMAGE" => Some(("image", "header_image_url", &req.header_image_url, "header_image_file", &req.header_image_file)),
        "VIDEO" => Some(("video", "header_video_url", &req.header_video_url, "header_video_file", &req.header_video_file)),
        "DOCUMENT" => Some(("document", "header_document_url", &req.header_document_url, "header_document_file", &req.header_document_file)),
        _ => None,
    };
    if let Some((kind, url_field, url, file_field, file)) = slots {
        match (url, file) {
            (_, Some(file)) => media = Some(HeaderMedia::File(kind, file)),
            (Some(url), None) => media = Some(HeaderMedia::Url(kind, url.clone())),
            (None, None) => {
                let message = format!(
                    "The {} field is required when the template has a {format} header and {} is not present.",
                    attribute(url_field),
                    attribute(file_field)
                );
                errors.insert(url_field.to_owned(), vec![message]);
            }
        }
    }
    if format == "TEXT" && template.header_params_count > 0 && blank(&req.header_field_1) {
        errors.insert("header_field_1".into(), vec!["The header field 1 field is required because the template header has a parameter.".into()]);
    }
    for n in 1..=template.body_params_count.clamp(0, 10) as usize {
        if blank(&fields[n - 1]) {
            let message = format!("The field {n} field is required because the template body has {} parameter(s).", template.body_params_count);
            errors.insert(format!("field_{n}"), vec![message]);
        }
    }
    if errors.is_empty() { Ok(media) } else { Err(Error::Validation(errors)) }
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// (extensions, bytes) allowed for each media type.
fn media_rule(media_type: &str) -> Option<(&'static [&'static str], u64)> {
    const MB: u64 = 1024 * 1024;
    Some(match media_type {
        "image" => (&["jpg", "jpeg", "png", "webp"], 5 * MB),
        "document" => (&["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv"], 100 * MB),
        "video" => (&["mp4", "3gp"], 16 * MB),
        "audio" => (&["mp3", "ogg", "amr", "aac", "opus"], 16 * MB),
        _ => return None,
    })
}

/// Send Media Message: a file (extension and size per media type) or a URL; the caption is
/// dropped for audio, which WhatsApp does not caption.
pub fn send_media(conn: &mut Connection, ctx: &Ctx, req: &MediaSend) -> Result<MediaSent> {
    let (extensions, max_bytes) = media_rule(&req.media_type)
        .ok_or_else(|| Error::field("media_type", "The selected media type is invalid."))?;
    let mut errors = FieldErrors::new();
    if let Some(file) = &req.media_file {
        if !extensions.contains(&file.extension().as_str()) {
            errors.entry("media_file".into()).or_default().push(format!("The media file must be a file of type: {}.", extensions.join(", ")));
        }
        if file.size > max_bytes {
            errors.entry("media_file".into()).or_default().push(format!("The media file must not be greater than {} kilobytes.", max_bytes / 1024));
        }
    } else if req.media_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
        errors.insert("media_url".into(), vec!["The media url field is required when media file is not present.".into()]);
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, auto: req.contact.clone() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let (stored_name, url) = match (&req.media_file, &req.media_url) {
        (Some(file), _) => (file.file_name.clone(), delivery::store_media(&tx, ctx, &req.media_type, &file.file_name, Some(file.size), None)?),
        (None, Some(url)) => {
            let name = delivery::url_file_name(url);
            let stored = delivery::store_media(&tx, ctx, &req.media_type, &name, None, Some(url))?;
            (name, stored)
        }
        (None, None) => unreachable!("checked above"),
    };
    let caption = req.caption.clone().filter(|_| req.media_type != "audio");
    let filename = req.filename.clone().or_else(|| (req.media_type == "document").then_some(stored_name));
    let out = Outgoing { kind: &req.media_type, text: caption.clone().unwrap_or_default(), url: Some(url.clone()) };
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, out)?;
    tx.commit()?;
    Ok(MediaSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        media_type: req.media_type.clone(),
        media_url: url,
        caption,
        filename,
        status: "sent".into(),
        sent_at: sent.sent_at,
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

/// Send Interactive Message: up to 3 reply buttons with distinct ids, or a list of up to 10
/// sections whose row ids are distinct across the whole list.
pub fn send_interactive(conn: &mut Connection, ctx: &Ctx, req: &InteractiveSend) -> Result<InteractiveSent> {
    check_interactive(req)?;
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let out = Outgoing { kind: "interactive", text: req.body_text.clone(), url: None };
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, out)?;
    tx.commit()?;
    Ok(InteractiveSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        kind: req.kind.clone(),
        status: "sent".into(),
        sent_at: sent.sent_at,
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

fn check_interactive(req: &InteractiveSend) -> Result<()> {
    let mut errors = FieldErrors::new();
    let mut add = |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    match req.kind.as_str() {
        "button" => {
            if req.buttons.is_empty() {
                add("buttons", "The buttons field is required when type is button.".into());
            }
            if req.buttons.len() > 3 {
                add("buttons", "The buttons field must not have more than 3 items.".into());
            }
            let ids: BTreeSet<&str> = req.buttons.iter().map(|b| b.id.as_str()).collect();
            if ids.len() != req.buttons.len() {
                add("buttons", "Button IDs must be unique.".into());
            }
        }
        "list" => {
            if blank(&req.list_button_text) {
                add("list_button_text", "The list button text field is required when type is list.".into());
            }
            if req.sections.is_empty() {
                add("sections", "The sections field is required when type is list.".into());
            }
            if req.sections.len() > 10 {
                add("sections", "The sections field must not have more than 10 items.".into());
            }
            let rows: Vec<&str> = req.sections.iter().flat_map(|s| s.rows.iter().map(|r| r.id.as_str())).collect();
            let distinct: BTreeSet<&str> = rows.iter().copied().collect();
            if distinct.len() != rows.len() {
                add("sections", "Row IDs must be unique across all sections.".into());
            }
        }
        _ => add("type", "The selected type is invalid.".into()),
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::Validation(errors)) }
}

const LIST: ListSpec = ListSpec {
    sort: &[("created_at", "m.created_at"), ("updated_at", "m.updated_at")],
    default_sort: Some(("created_at", true)),
    search: &["m.message"],
    filters: &[
        FilterSpec { field: "type", column: "m.type", ty: ColType::Text, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn] },
        FilterSpec { field: "status", column: "m.eff_status", ty: ColType::Text, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn] },
        FilterSpec {
            field: "interaction_id",
            column: "m.chat_id",
            ty: ColType::Int,
            ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn],
        },
        FilterSpec { field: "direction", column: "m.direction", ty: ColType::Text, ops: &[FilterOp::Eq, FilterOp::Ne, FilterOp::In, FilterOp::NotIn] },
    ],
    id_column: "m.id",
};

const COLUMNS: &str = "m.id, m.chat_id, m.sender_id, m.type, m.message, m.eff_status, m.message_id, m.sent_at, m.direction, \
    m.created_at, m.updated_at, m.status, m.status_message, m.ref_message_id, m.url, m.staff_id";

/// The history with each outbound status as it reads at `now` (the numbers are ours, not input).
fn source(ctx: &Ctx, sim: &DeliverySimulation) -> String {
    let delivered = ctx.now.0 - sim.delivered_after_secs * SECOND;
    let read = ctx.now.0 - sim.read_after_secs * SECOND;
    format!(
        "(SELECT *, CASE WHEN direction = 'outbound' AND status = 'sent' THEN CASE \
         WHEN fail_delivery = 1 AND sent_at <= {delivered} THEN 'failed' \
         WHEN fail_delivery = 0 AND sent_at <= {read} THEN 'read' \
         WHEN fail_delivery = 0 AND sent_at <= {delivered} THEN 'delivered' \
         ELSE 'sent' END ELSE status END AS eff_status FROM messages) m"
    )
}

fn detail_from_row(row: &Row<'_>, sim: &DeliverySimulation) -> rusqlite::Result<MessageDetail> {
    let status: Option<String> = row.get(5)?;
    let stored: String = row.get(11)?;
    let sent_at = Ts(row.get(7)?);
    let mut updated_at = Ts(row.get(10)?);
    let mut status_message: Option<String> = row.get(12)?;
    if status.as_deref() != Some(stored.as_str()) {
        let delay = if status.as_deref() == Some("read") { sim.read_after_secs } else { sim.delivered_after_secs };
        updated_at = updated_at.max(sent_at.plus_secs(delay));
        if status.as_deref() == Some("failed") {
            status_message = Some("Message undeliverable (simulated delivery failure)".into());
        }
    }
    Ok(MessageDetail {
        message: Message {
            id: row.get(0)?,
            interaction_id: row.get(1)?,
            sender_id: row.get(2)?,
            message_type: row.get(3)?,
            message: row.get(4)?,
            is_read: status.as_deref() == Some("read"),
            status,
            message_id: row.get(6)?,
            sent_at,
            direction: row.get(8)?,
            created_at: Ts(row.get(9)?),
            updated_at,
        },
        status_message,
        ref_message_id: row.get(13)?,
        url: row.get(14)?,
        staff_id: row.get(15)?,
    })
}

/// List Messages.
pub fn list(conn: &Connection, ctx: &Ctx, params: &ListParams, sim: &DeliverySimulation) -> Result<Page<Message>> {
    let page = fetch_page(conn, &LIST, params, &source(ctx, sim), ("m.tenant_id = ?", vec![ctx.tenant_id.into()]), COLUMNS, |row| {
        detail_from_row(row, sim)
    })?;
    Ok(page.map(|d| d.message))
}

/// Get Message.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64, sim: &DeliverySimulation) -> Result<MessageDetail> {
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE m.tenant_id = ?1 AND m.id = ?2", source(ctx, sim));
    conn.query_row(&sql, params![ctx.tenant_id, id], |row| detail_from_row(row, sim))
        .optional()?
        .ok_or(Error::not_found("message"))
}

#[cfg(test)]
mod tests;
