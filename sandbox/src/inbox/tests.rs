//! Unit tests of the inbox's views: delivery ticks and failure reasons, when a shown state
//! moves with time, fault rule lines, the clock panel, and HTML escaping of what customers and
//! apps write.

use askama::Template;
use wacr_server::models::{MessageDetail, MessageDirection, MessageError, MessageStatus, MessageType, Open};

use super::UI;
use super::view::*;
use crate::clock::{SECOND, Ts};
use crate::faults::{Action, Fire, Match, Rule};
use crate::store::inbox::Party;
use crate::store::messages::DeliverySimulation;

const SIM: DeliverySimulation = DeliverySimulation { delivered_after_secs: 60, read_after_secs: 3600 };
const T0: Ts = Ts(1_750_000_000_000_000);

fn message(id: i64, direction: MessageDirection, status: MessageStatus, text: &str) -> MessageDetail {
    MessageDetail {
        id,
        interaction_id: Some(1),
        sender_id: None,
        r#type: Some(Open::Known(MessageType::Text)),
        message: Some(text.into()),
        status: Some(Open::Known(status)),
        message_id: None,
        sent_at: T0.iso(),
        is_read: false,
        direction: Some(Open::Known(direction)),
        created_at: None,
        updated_at: None,
        status_message: None,
        ref_message_id: None,
        url: None,
        staff_id: None,
        error: None,
    }
}

#[test]
fn messages_show_ticks_and_the_reason_of_a_failure() {
    let sent = MessageLine::new(message(1, MessageDirection::Outbound, MessageStatus::Sent, "Hi"));
    assert_eq!((sent.ticks, sent.status.as_str(), sent.reason.as_deref()), ("✓", "sent", None));
    let read = MessageLine::new(message(2, MessageDirection::Outbound, MessageStatus::Read, "Hi"));
    assert_eq!(read.ticks, "✓✓");
    let mut failed = message(3, MessageDirection::Outbound, MessageStatus::Failed, "late");
    failed.error = Some(MessageError { code: 131047, title: "Re-engagement message".into(), message: "More than 24 hours".into() });
    let failed = MessageLine::new(failed);
    assert_eq!(failed.ticks, "✕");
    assert_eq!(failed.reason.as_deref(), Some("Re-engagement message (131047): More than 24 hours"));
}

#[test]
fn the_next_change_is_the_first_time_driven_transition() {
    let sent = message(1, MessageDirection::Outbound, MessageStatus::Sent, "a");
    let delivered = message(2, MessageDirection::Outbound, MessageStatus::Delivered, "b");
    let inbound = message(3, MessageDirection::Inbound, MessageStatus::Delivered, "c");
    assert_eq!(next_change_ms(&[sent.clone(), delivered.clone()], &SIM, T0.plus_secs(10)), 50_000, "sent -> delivered at 60 s");
    assert_eq!(next_change_ms(&[delivered], &SIM, T0.plus_secs(10)), 3_590_000, "delivered -> read at 3600 s");
    assert_eq!(next_change_ms(&[inbound], &SIM, T0), 0, "an inbound message does not move");
    assert_eq!(next_change_ms(&[sent], &SIM, T0.plus_secs(120)), 1, "overdue: at once");
}

#[test]
fn fault_rules_read_as_one_line() {
    let rule = Rule {
        id: 3,
        matches: Match { operation: Some("send_text_message".into()), route: None },
        fire: Fire::Times(2),
        action: Action { status: Some(503), ..Action::default() },
        matched: 1,
        fired: 1,
    };
    assert_eq!(fault_line(&rule), "#3 send_text_message: status 503, the next 2 calls (fired 1 of 1 matching calls)");
}

#[test]
fn the_clock_says_how_far_it_is_from_the_system_time() {
    assert_eq!(ClockView::new(T0, 0).offset, "The system time.");
    assert_eq!(ClockView::new(T0, 25 * 3600 * SECOND).offset, "1day 1h ahead of the system time.");
    assert_eq!(ClockView::new(T0, -90 * SECOND).offset, "1m 30s behind the system time.");
    assert_eq!(readable(T0), "2025-06-15 15:06:40 UTC");
}

#[test]
fn what_people_write_is_escaped() {
    let clock = ClockView::new(T0, 0);
    let panels = Panels { here: format!("{UI}/"), clock, faults: vec!["<i>rule</i>".into()], notice: Some("<b>no</b>".into()), next_change_ms: 0 };
    let party = Party { contact_id: 7, name: "<script>alert(1)</script>".into(), phone: "+1555".into(), is_opted_out: false };
    let messages = vec![MessageLine::new(message(1, MessageDirection::Inbound, MessageStatus::Delivered, "<img src=x onerror=alert(1)>"))];
    let page = ConversationPage { ui: UI, section: "inbox", panels, conversations: Vec::new(), party, messages };
    let html = page.render().unwrap();
    for raw in ["<script>alert", "<img src=x", "<b>no</b>", "<i>rule</i>"] {
        assert!(!html.contains(raw), "{raw} is escaped");
    }
    assert!(html.contains("&#60;img src=x onerror=alert(1)&#62;") || html.contains("&lt;img src=x"), "{html}");
    assert!(html.contains("action=\"/_sandbox/ui/conversations/7/reply\""));
}
