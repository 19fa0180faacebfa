//! Messages (`messages.yaml`): the four sends (text, template, media, interactive) with the
//! rules that depend on the data or on another field (the template's parameters, each media
//! type's files, row ids across a list's sections); `history` keeps the records they leave.

mod history;
pub mod inbound;

use std::collections::BTreeSet;

use crate::sql::Connection;
use wacr_server::models::{
    File, InteractiveMessageSent, InteractiveType, MediaMessageSent, MediaType, MessageStatus, Open, SendInteractiveMessageBody,
    SendMediaMessageBody, SendTemplateMessageBody, SendTemplateResult, SendTextMessageBody, Template, TemplateCategory,
    TemplateHeaderFormat, TemplateStatus, TextMessageSent,
};

use super::delivery::{self, AutoContact, Outgoing, Recipient};
use super::templates;
use super::{Ctx, Error, FieldErrors, Result};

pub(crate) use history::{Failure, record_progress};
pub use history::{DeliverySimulation, get, list};
pub(crate) use history::{COLUMNS, detail_from_row, source};
pub use inbound::{Inbound, InboundMedia, receive};

/// The status of every accepted send.
const SENT: Open<MessageStatus> = Open::Known(MessageStatus::Sent);

/// Send Text Message.
pub fn send_text(conn: &mut Connection, ctx: &Ctx, req: &SendTextMessageBody) -> Result<TextMessageSent> {
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let text = delivery::merge_fields(&req.message, &contact);
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, Outgoing { kind: "text", text: text.clone(), url: None })?;
    tx.commit()?;
    Ok(TextMessageSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        message: text,
        status: SENT,
        sent_at: sent.sent_at.iso(),
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

/// Send Template Message: an APPROVED template of the tenant by name and language, with the
/// header media or text parameter and the body parameters the template needs.
pub fn send_template(conn: &mut Connection, ctx: &Ctx, req: &SendTemplateMessageBody) -> Result<SendTemplateResult> {
    let tx = conn.transaction()?;
    delivery::require_templates_feature(&tx, ctx)?;
    let sender = delivery::sender(&tx, ctx)?;
    delivery::named_contact(&tx, ctx, req.contact_id)?;
    let template = templates::by_name(&tx, ctx, &req.template_name, &req.language)?
        .into_iter()
        .find(|t| t.status.known() == Some(TemplateStatus::Approved))
        .ok_or(Error::NotFound { what: "template", field: Some("template_name") })?;
    let mut fields = [
        &req.field_1, &req.field_2, &req.field_3, &req.field_4, &req.field_5, &req.field_6, &req.field_7, &req.field_8, &req.field_9,
        &req.field_10,
    ]
    .map(Clone::clone);
    let otp = if req.auto_generate_otp == Some(true) && template.category.known() == Some(TemplateCategory::Authentication) {
        let code = super::auth::otp_code();
        let n = req.otp_field_number.unwrap_or(1).clamp(1, 10) as usize;
        fields[n - 1] = Some(code.clone());
        Some(code)
    } else {
        None
    };
    let header = check_template_params(&template, req, &fields)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let url = match header {
        Some(HeaderMedia::Url(kind, url)) => Some(delivery::store_media(&tx, ctx, kind, &delivery::url_file_name(url), None, Some(url))?),
        Some(HeaderMedia::File(kind, file)) => {
            let name = req.header_document_name.clone().filter(|_| kind == "document").unwrap_or_else(|| file.name.clone());
            Some(delivery::store_media(&tx, ctx, kind, &name, Some(file.size() as u64), None)?)
        }
        None => None,
    };
    let values: Vec<String> = fields.iter().map(|f| delivery::merge_fields(f.as_deref().unwrap_or_default(), &contact)).collect();
    let body = templates::fill(&template.body_data, &values[..template.body_params_count.clamp(0, 10) as usize]);
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, Outgoing { kind: "template", text: body, url })?;
    if let Some(code) = otp {
        let minutes = template.code_expiration_minutes.unwrap_or(10);
        super::auth::store_otp(&tx, ctx, &req.phone, "authentication", &code, minutes)?;
    }
    tx.commit()?;
    Ok(SendTemplateResult {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        template_name: template.template_name,
        language: Some(template.language),
        status: Some(SENT),
        sent_at: Some(sent.sent_at.iso()),
        chat_id: Some(sent.chat_id),
        chat_message_id: Some(sent.chat_message_id),
    })
}

/// The header media a template send carries: the kind, and a URL or an upload.
enum HeaderMedia<'a> {
    Url(&'static str, &'a str),
    File(&'static str, &'a File),
}

/// The conditional rules: the header media or text parameter and field_1 .. field_N.
fn check_template_params<'a>(template: &Template, req: &'a SendTemplateMessageBody, fields: &[Option<String>; 10]) -> Result<Option<HeaderMedia<'a>>> {
    let mut errors = FieldErrors::new();
    let mut media = None;
    let format = template.header_data_format.known();
    let slots = match format {
        Some(TemplateHeaderFormat::Image) => Some(("image", "header image url", &req.header_image_url, "header image file", &req.header_image_file)),
        Some(TemplateHeaderFormat::Video) => Some(("video", "header video url", &req.header_video_url, "header video file", &req.header_video_file)),
        Some(TemplateHeaderFormat::Document) => {
            Some(("document", "header document url", &req.header_document_url, "header document file", &req.header_document_file))
        }
        _ => None,
    };
    if let Some((kind, url_label, url, file_label, file)) = slots {
        match (url, file) {
            (_, Some(file)) => media = Some(HeaderMedia::File(kind, file)),
            (Some(url), None) => media = Some(HeaderMedia::Url(kind, url)),
            (None, None) => {
                let format = template.header_data_format.as_str();
                let message = format!("The {url_label} field is required when the template has a {format} header and {file_label} is not present.");
                errors.insert(url_label.replace(' ', "_"), vec![message]);
            }
        }
    }
    if format == Some(TemplateHeaderFormat::Text) && template.header_params_count > 0 && blank(&req.header_field_1) {
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

/// The extensions and bytes each media type allows (the spec's rules allow the union).
fn media_rule(media_type: MediaType) -> (&'static [&'static str], u64) {
    const MB: u64 = 1024 * 1024;
    match media_type {
        MediaType::Image => (&["jpg", "jpeg", "png", "webp"], 5 * MB),
        MediaType::Document => (&["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv"], 100 * MB),
        MediaType::Video => (&["mp4", "3gp"], 16 * MB),
        MediaType::Audio => (&["mp3", "ogg", "amr", "aac", "opus"], 16 * MB),
    }
}

/// What an auto-created recipient gets from a media send's `contact_*` fields.
fn auto_contact(req: &SendMediaMessageBody) -> AutoContact {
    AutoContact {
        firstname: req.contact_firstname.clone(),
        lastname: req.contact_lastname.clone(),
        email: req.contact_email.clone(),
        // the API's contact has a numeric country_id; a country given as text is dropped
        country_id: req.contact_country.as_deref().and_then(|c| c.trim().parse().ok()),
        assigned_id: req.contact_assigned_id,
        groups: req.contact_groups.as_deref().unwrap_or_default().split(',').filter_map(|g| g.trim().parse().ok()).collect(),
    }
}

/// Send Media Message: a file (extension and size per media type) or a URL; the caption is
/// dropped for audio, which WhatsApp does not caption.
pub fn send_media(conn: &mut Connection, ctx: &Ctx, req: &SendMediaMessageBody) -> Result<MediaMessageSent> {
    let kind = req.media_type.as_str();
    if let Some(file) = &req.media_file {
        check_media_file(req.media_type, file)?;
    }
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, auto: auto_contact(req) };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let (stored_name, url) = match (&req.media_file, &req.media_url) {
        (Some(file), _) => (file.name.clone(), delivery::store_media(&tx, ctx, kind, &file.name, Some(file.size() as u64), None)?),
        (None, Some(url)) => {
            let name = delivery::url_file_name(url);
            let stored = delivery::store_media(&tx, ctx, kind, &name, None, Some(url))?;
            (name, stored)
        }
        (None, None) => return Err(Error::Internal("a media send without media_file or media_url passed the glue".into())),
    };
    let caption = req.caption.clone().filter(|_| req.media_type != MediaType::Audio);
    let filename = req.filename.clone().or_else(|| (req.media_type == MediaType::Document).then_some(stored_name));
    let out = Outgoing { kind, text: caption.clone().unwrap_or_default(), url: Some(url.clone()) };
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, out)?;
    tx.commit()?;
    Ok(MediaMessageSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        media_type: Open::Known(req.media_type),
        media_url: url,
        caption,
        filename,
        status: SENT,
        sent_at: sent.sent_at.iso(),
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

/// The file rules of the media type.
fn check_media_file(media_type: MediaType, file: &File) -> Result<()> {
    let (extensions, max_bytes) = media_rule(media_type);
    let mut messages = Vec::new();
    if !file.extension().is_some_and(|e| extensions.contains(&e.as_str())) {
        messages.push(format!("The media file must be a file of type: {}.", extensions.join(", ")));
    }
    if file.size() as u64 > max_bytes {
        messages.push(format!("The media file must not be greater than {} kilobytes.", max_bytes / 1024));
    }
    if messages.is_empty() { Ok(()) } else { Err(Error::Validation(FieldErrors::from([("media_file".to_owned(), messages)]))) }
}

/// Send Interactive Message: reply buttons, or a list whose row ids are distinct across the
/// whole list (the spec's rules cover the counts and the ids within one array).
pub fn send_interactive(conn: &mut Connection, ctx: &Ctx, req: &SendInteractiveMessageBody) -> Result<InteractiveMessageSent> {
    if req.r#type == InteractiveType::List {
        let rows: Vec<&str> = req.sections.iter().flatten().flat_map(|s| s.rows.iter().map(|r| r.id.as_str())).collect();
        if rows.iter().collect::<BTreeSet<_>>().len() != rows.len() {
            return Err(Error::field("sections", "Row IDs must be unique across all sections."));
        }
    }
    let tx = conn.transaction()?;
    let sender = delivery::sender(&tx, ctx)?;
    let recipient = Recipient { phone: req.phone.clone(), contact_id: req.contact_id, ..Recipient::default() };
    let contact = delivery::resolve(&tx, ctx, &recipient)?;
    let chat = delivery::open_chat(&tx, ctx, &contact, &req.phone)?;
    let out = Outgoing { kind: "interactive", text: req.body_text.clone(), url: None };
    let sent = delivery::dispatch(&tx, ctx, &sender, &contact, &chat, &req.phone, out)?;
    tx.commit()?;
    Ok(InteractiveMessageSent {
        message_id: sent.wamid,
        contact_id: contact.id,
        phone: sent.phone,
        r#type: Open::Known(req.r#type),
        status: SENT,
        sent_at: sent.sent_at.iso(),
        chat_id: sent.chat_id,
        chat_message_id: sent.chat_message_id,
    })
}

#[cfg(test)]
mod tests;
