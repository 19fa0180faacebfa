//! Unit tests of store::messages and the shared send path: contact lookup and auto-creation,
//! merge fields, opt-out, the conversations limit, the simulated Cloud API, template parameter
//! rules, media rules, interactive rules, and the history with its delivery progression.

use wacr_server::models::{
    CheckOtpStatusBody, Filter, IncludeSet, InteractiveButton, InteractiveRow, InteractiveSection, ListMessagesFilters,
    ListMessagesQuery, MessageDirection, MessageType, VerifyOtpBody,
};

use super::*;
use crate::seed::TenantSeed;
use crate::store::contacts;
use crate::store::testing::{Fixture, validation};

fn text(phone: &str, message: &str) -> SendTextMessageBody {
    SendTextMessageBody::new(phone, message)
}

fn history() -> ListMessagesQuery {
    ListMessagesQuery::default()
}

#[test]
fn text_auto_creates_the_contact_and_merges_fields() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let sent = send_text(&mut f.conn, &ctx, &text("+1 (555) 000-2001", "Hi @{contact_first_name}!")).unwrap();
    assert_eq!(sent.phone, "15550002001");
    assert_eq!(sent.status, SENT);
    assert!(sent.message_id.starts_with("wamid."));
    let contact = contacts::get(&f.conn, &ctx, sent.contact_id, IncludeSet::new()).unwrap();
    assert_eq!(sent.message, format!("Hi {}!", contact.firstname));
    assert_eq!((contact.r#type.as_str(), contact.assigned_id.is_some()), ("lead", true));
    // the second send finds the contact by its digits and reuses the chat
    let again = send_text(&mut f.conn, &ctx, &text("15550002001", "@{contact_phone} / @{contact_email}.")).unwrap();
    assert_eq!((again.contact_id, again.chat_id), (sent.contact_id, sent.chat_id));
    assert_eq!(again.message, "+15550002001 / .", "the created contact's phone is normalised");
    assert_ne!(again.chat_message_id, sent.chat_message_id);
}

#[test]
fn send_errors() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let unknown = SendTextMessageBody { contact_id: Some(999_999), ..text("+15550002002", "x") };
    assert_eq!(send_text(&mut f.conn, &ctx, &unknown).unwrap_err(), Error::NotFound { what: "contact", field: Some("contact_id") });
    let c = f.contact("+15550002003");
    contacts::set_opted_out(&f.conn, &ctx, c.id, true).unwrap();
    assert_eq!(send_text(&mut f.conn, &ctx, &text("+15550002003", "x")).unwrap_err(), Error::ContactOptedOut);
    let failing = send_text(&mut f.conn, &ctx, &text("+15550000500", "x")).unwrap_err();
    assert!(matches!(failing, Error::SendFailed(_)));
    assert!(contacts::find_by_phone(&f.conn, &ctx, "15550000500").unwrap().is_none(), "a failed send keeps nothing");
    // the second tenant has no WhatsApp and no default lead settings
    let other = f.other_ctx();
    assert_eq!(send_text(&mut f.conn, &other, &text("+15550002004", "x")).unwrap_err(), Error::WhatsappNotConfigured);
    f.conn.execute("UPDATE tenants SET whatsapp_configured = 1 WHERE id = ?1", [f.other]).unwrap();
    let errors = validation(send_text(&mut f.conn, &other, &text("+15550002004", "x")));
    assert!(errors.contains_key("contact"));
}

#[test]
fn auto_creation_respects_the_contacts_limit() {
    let mut seed = TenantSeed::primary(60);
    seed.plan.contacts = Some(1);
    let mut f = Fixture::with(seed);
    f.contact("+15550002101");
    let ctx = f.ctx();
    assert_eq!(
        send_text(&mut f.conn, &ctx, &text("+15550002102", "x")).unwrap_err(),
        Error::FeatureLimit { feature: "contacts", current: 1, maximum: 1 }
    );
    send_text(&mut f.conn, &ctx, &text("+15550002101", "existing contacts are fine")).unwrap();
}

#[test]
fn conversations_limit_counts_chats_this_month() {
    let mut seed = TenantSeed::primary(60);
    seed.plan.conversations = Some(2);
    let mut f = Fixture::with(seed);
    let ctx = f.ctx();
    send_text(&mut f.conn, &ctx, &text("+15550002201", "a")).unwrap();
    send_text(&mut f.conn, &ctx, &text("+15550002202", "b")).unwrap();
    send_text(&mut f.conn, &ctx, &text("+15550002201", "same chat, no new conversation")).unwrap();
    assert_eq!(
        send_text(&mut f.conn, &ctx, &text("+15550002203", "c")).unwrap_err(),
        Error::FeatureLimit { feature: "conversations", current: 2, maximum: 2 }
    );
    f.advance(40 * 86_400);
    let next_month = f.ctx();
    send_text(&mut f.conn, &next_month, &text("+15550002203", "a new month")).unwrap();
}

fn template(name: &str, language: &str, phone: &str) -> SendTemplateMessageBody {
    SendTemplateMessageBody::new(phone, name, language)
}

#[test]
fn template_parameters_follow_the_template() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let phone = "+15550002301";
    let missing = validation(send_template(&mut f.conn, &ctx, &template("order_update", "en", phone)));
    assert_eq!(missing.keys().collect::<Vec<_>>(), ["header_field_1", "field_1", "field_2", "field_3"], "in the template's order");
    let mut ok = template("order_update", "en", phone);
    ok.header_field_1 = Some("#1001".into());
    ok.field_1 = Some("@{contact_first_name}".into());
    ok.field_2 = Some("#1001".into());
    ok.field_3 = Some("Friday".into());
    ok.button_0 = Some("1001".into());
    let sent = send_template(&mut f.conn, &ctx, &ok).unwrap();
    assert_eq!((sent.template_name.as_str(), sent.language.as_deref(), sent.status), ("order_update", Some("en"), Some(SENT)));
    let stored = get(&f.conn, &ctx, history_id(&f, &sent.message_id), &DeliverySimulation::default()).unwrap();
    assert_eq!(stored.message.as_deref(), Some("Hi 15550002301, your order #1001 has shipped and arrives on Friday."));
    assert_eq!(stored.r#type, Some(Open::Known(MessageType::Template)));

    let no_image = validation(send_template(&mut f.conn, &ctx, &template("promo_image", "en", phone)));
    assert!(no_image.contains_key("header_image_url") && no_image.contains_key("field_2"));
    let mut image = template("promo_image", "en", phone);
    image.header_image_file = Some(File::new("promo.png", "image/png", vec![0u8; 1000]));
    image.field_1 = Some("Ann".into());
    image.field_2 = Some("20%".into());
    let sent = send_template(&mut f.conn, &ctx, &image).unwrap();
    let stored = get(&f.conn, &ctx, history_id(&f, &sent.message_id), &DeliverySimulation::default()).unwrap();
    assert!(stored.url.unwrap().ends_with("/promo.png"));
    let mut doc = template("invoice_document", "en_GB", phone);
    doc.header_document_url = Some("https://files.example.com/inv.pdf".into());
    (doc.field_1, doc.field_2) = (Some("A".into()), Some("B".into()));
    send_template(&mut f.conn, &ctx, &doc).unwrap();
}

#[test]
fn template_errors() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let not_found = Error::NotFound { what: "template", field: Some("template_name") };
    assert_eq!(send_template(&mut f.conn, &ctx, &template("nope", "en", "+15550002401")).unwrap_err(), not_found);
    assert_eq!(send_template(&mut f.conn, &ctx, &template("seasonal_sale", "en", "+15550002401")).unwrap_err(), not_found, "rejected");
    assert_eq!(send_template(&mut f.conn, &ctx, &template("order_update", "fr", "+15550002401")).unwrap_err(), not_found, "language");
    let other = f.other_ctx();
    assert_eq!(
        send_template(&mut f.conn, &other, &template("welcome_message", "en", "+15550002401")).unwrap_err(),
        Error::FeatureNotAvailable { feature: "whatsapp_templates" }
    );
    // templates may go to contacts outside the service window, but not to opted-out ones
    let c = f.contact("+15550002402");
    contacts::set_opted_out(&f.conn, &ctx, c.id, true).unwrap();
    let mut to_opted_out = template("welcome_message", "en", "+15550002402");
    to_opted_out.contact_id = Some(c.id);
    assert_eq!(send_template(&mut f.conn, &ctx, &to_opted_out).unwrap_err(), Error::ContactOptedOut);
}

#[test]
fn auto_generated_otp_can_be_verified() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let mut req = template("otp_verification", "en", "+15550002501");
    req.auto_generate_otp = Some(true);
    req.field_2 = Some("10".into());
    send_template(&mut f.conn, &ctx, &req).unwrap();
    let status = crate::store::auth::otp_status(&f.conn, &ctx, &CheckOtpStatusBody::new("+15550002501")).unwrap();
    assert!(status.has_active_otp);
    let history = list(&f.conn, &ctx, &history(), &DeliverySimulation::default()).unwrap();
    let body = history.items[0].message.clone().unwrap();
    let code = &body[1..7];
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{body}");
    crate::store::auth::verify_otp(&f.conn, &ctx, &VerifyOtpBody::new("15550002501", code)).unwrap();
}

fn media(kind: MediaType) -> SendMediaMessageBody {
    SendMediaMessageBody::new("+15550002601", kind)
}

#[test]
fn media_rules_per_type() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    // neither a file nor a URL never gets past the glue (required_without): here it is no send
    assert!(matches!(send_media(&mut f.conn, &ctx, &media(MediaType::Image)), Err(Error::Internal(_))));
    let mut big = media(MediaType::Image);
    big.media_file = Some(File::new("huge.gif", "image/gif", vec![0u8; 6 * 1024 * 1024]));
    let errors = validation(send_media(&mut f.conn, &ctx, &big));
    assert_eq!(
        errors["media_file"],
        ["The media file must be a file of type: jpg, jpeg, png, webp.", "The media file must not be greater than 5120 kilobytes."]
    );
    let mut doc = media(MediaType::Document);
    doc.media_file = Some(File::new("Report.PDF", "application/pdf", vec![0u8; 50 * 1024 * 1024]));
    doc.caption = Some("Q3".into());
    doc.contact_firstname = Some("Media".into());
    doc.contact_groups = Some(String::new());
    let sent = send_media(&mut f.conn, &ctx, &doc).unwrap();
    assert_eq!((sent.filename.as_deref(), sent.caption.as_deref()), (Some("Report.PDF"), Some("Q3")));
    assert!(sent.media_url.starts_with("https://media.wacr-sandbox.invalid/"));
    let contact = contacts::get(&f.conn, &ctx, sent.contact_id, IncludeSet::new()).unwrap();
    assert_eq!(contact.firstname, "Media");
    let mut audio = media(MediaType::Audio);
    audio.media_url = Some("https://cdn.example.com/voice.ogg?x=1".into());
    audio.caption = Some("dropped".into());
    let sent = send_media(&mut f.conn, &ctx, &audio).unwrap();
    assert_eq!((sent.caption, sent.filename), (None, None));
    let stored = get(&f.conn, &ctx, history_id(&f, &sent.message_id), &DeliverySimulation::default()).unwrap();
    assert_eq!(stored.r#type, Some(Open::Known(MessageType::Audio)));
}

/// The counts and the ids within one array are the spec's rules (the glue answers them, see
/// `tests/messages.rs`); row ids across sections are the store's.
#[test]
fn interactive_rules() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let button = |id: &str| InteractiveButton { id: id.into(), title: "T".into() };
    let mut req = SendInteractiveMessageBody::new("+15550002701", InteractiveType::Button, "Pick");
    req.buttons = Some(vec![button("a"), button("b")]);
    let sent = send_interactive(&mut f.conn, &ctx, &req).unwrap();
    assert_eq!(sent.r#type, Open::Known(InteractiveType::Button));
    let row = |id: &str| InteractiveRow { id: id.into(), title: "R".into(), description: None };
    let sections = vec![InteractiveSection { title: "A".into(), rows: vec![row("1"), row("2")] }, InteractiveSection { title: "B".into(), rows: vec![row("2")] }];
    let mut list_req = SendInteractiveMessageBody {
        r#type: InteractiveType::List,
        list_button_text: Some("Menu".into()),
        sections: Some(sections),
        ..req.clone()
    };
    assert_eq!(validation(send_interactive(&mut f.conn, &ctx, &list_req))["sections"], ["Row IDs must be unique across all sections."]);
    if let Some(sections) = list_req.sections.as_mut() {
        sections[1].rows[0].id = "3".into();
    }
    send_interactive(&mut f.conn, &ctx, &list_req).unwrap();
}

fn history_id(f: &Fixture, wamid: &str) -> i64 {
    f.conn.query_row("SELECT id FROM messages WHERE message_id = ?1", [wamid], |r| r.get(0)).unwrap()
}

#[test]
fn history_progresses_and_filters() {
    let mut f = Fixture::new();
    let sim = DeliverySimulation::default();
    let ctx = f.ctx();
    // the customers wrote first: the free-form sends are inside the 24-hour window
    for phone in ["+15550002801", "+15550002802"] {
        receive(&mut f.conn, &ctx, &Inbound::text(phone, "hi"), &sim).unwrap();
    }
    let a = send_text(&mut f.conn, &ctx, &text("+15550002801", "first")).unwrap();
    let failing = send_text(&mut f.conn, &ctx, &text("+15550000400", "never arrives")).unwrap();
    f.advance(3);
    let ctx = f.ctx();
    send_text(&mut f.conn, &ctx, &text("+15550002802", "second")).unwrap();
    let status = |f: &Fixture, id: i64| get(&f.conn, &f.ctx(), id, &sim).unwrap();
    let a_id = history_id(&f, &a.message_id);
    assert_eq!(status(&f, a_id).status, Some(Open::Known(MessageStatus::Delivered)));
    let failed = status(&f, history_id(&f, &failing.message_id));
    assert_eq!(failed.status, Some(Open::Known(MessageStatus::Failed)));
    assert!(failed.status_message.is_some());
    f.advance(3);
    let read = status(&f, a_id);
    assert_eq!((read.status, read.is_read), (Some(Open::Known(MessageStatus::Read)), true));
    assert!(read.updated_at > read.created_at);

    let ctx = f.ctx();
    let bodies = |q: ListMessagesQuery| -> Vec<String> { list(&f.conn, &ctx, &q, &sim).unwrap().items.into_iter().map(|m| m.message.unwrap()).collect() };
    let by = |filters: ListMessagesFilters| ListMessagesQuery { filters, ..history() };
    assert_eq!(bodies(history()), ["second", "never arrives", "first", "hi", "hi"]);
    let by_status = by(ListMessagesFilters { status: vec![Filter::eq(MessageStatus::Read)], ..ListMessagesFilters::default() });
    assert_eq!(bodies(by_status), ["first"]);
    let by_chat = by(ListMessagesFilters { interaction_id: vec![Filter::eq(a.chat_id)], ..ListMessagesFilters::default() });
    assert_eq!(bodies(by_chat), ["first", "hi"]);
    assert_eq!(bodies(ListMessagesQuery { search: Some("arrive".into()), ..history() }), ["never arrives"]);
    let outbound = by(ListMessagesFilters { direction: vec![Filter::is_in([MessageDirection::Outbound])], ..ListMessagesFilters::default() });
    assert_eq!(bodies(outbound).len(), 3);
    assert!(list(&f.conn, &f.other_ctx(), &history(), &sim).unwrap().items.is_empty());
    assert_eq!(get(&f.conn, &f.other_ctx(), a_id, &sim).unwrap_err(), Error::not_found("message"));
}

#[test]
fn free_form_sends_outside_the_window_fail_by_the_re_engagement_rule() {
    let mut f = Fixture::new();
    let sim = DeliverySimulation::default();
    let ctx = f.ctx();
    let never_wrote = send_text(&mut f.conn, &ctx, &text("+15550002901", "hello?")).unwrap();
    assert_eq!(never_wrote.status, SENT, "accepted");
    let mut otp = template("order_update", "en", "+15550002901");
    otp.header_field_1 = Some("#1".into());
    (otp.field_1, otp.field_2, otp.field_3) = (Some("a".into()), Some("b".into()), Some("c".into()));
    let templated = send_template(&mut f.conn, &ctx, &otp).unwrap();
    receive(&mut f.conn, &ctx, &Inbound::text("+15550002902", "hi"), &sim).unwrap();
    f.advance(60 * 60);
    let ctx = f.ctx();
    let within = send_text(&mut f.conn, &ctx, &text("+15550002902", "an hour later")).unwrap();
    f.advance(24 * 60 * 60);
    let ctx = f.ctx();
    let outside = send_text(&mut f.conn, &ctx, &text("+15550002902", "a day later")).unwrap();
    f.advance(sim.read_after_secs);
    let status = |wamid: &str| get(&f.conn, &f.ctx(), history_id(&f, wamid), &sim).unwrap();
    for failed in [status(&never_wrote.message_id), status(&outside.message_id)] {
        assert_eq!(failed.status, Some(Open::Known(MessageStatus::Failed)));
        let error = failed.error.unwrap();
        assert_eq!((error.code, error.title.as_str()), (131047, "Re-engagement message"));
        assert!(error.message.starts_with("More than 24 hours have passed"));
        assert!(failed.status_message.unwrap().starts_with("Re-engagement message"));
    }
    for read in [status(&within.message_id), status(&templated.message_id)] {
        assert_eq!((read.status, read.error), (Some(Open::Known(MessageStatus::Read)), None), "inside the window, or a template");
    }
}
