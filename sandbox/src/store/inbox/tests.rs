//! Unit tests of store::inbox: the conversation list (last message, unread inbound count),
//! a conversation with delivery states at the context's time, and the webhook log.

use std::time::Duration;

use wacr_server::models::SendTextMessageBody;

use super::*;
use crate::store::messages::{Inbound, receive, send_text};
use crate::store::testing::Fixture;
use crate::webhooks::queue;

const SIM: DeliverySimulation = DeliverySimulation { delivered_after_secs: 10, read_after_secs: 60 };

/// An inbound message from `phone`, as the customer.
fn inbound(f: &mut Fixture, phone: &str, text: &str) {
    let ctx = f.ctx();
    receive(&mut f.conn, &ctx, &Inbound::text(phone, text), &SIM).unwrap();
}

#[test]
fn conversations_list_the_last_message_and_inbound_since_the_last_reply() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    let ana = send_text(&mut f.conn, &ctx, &SendTextMessageBody::new("+15550003001", "Hi Ana")).unwrap();
    f.advance(1);
    let ctx = f.ctx();
    let bo = send_text(&mut f.conn, &ctx, &SendTextMessageBody::new("+15550003002", "Hi Bo")).unwrap();
    inbound(&mut f, "+15550003001", "hello");
    inbound(&mut f, "+15550003001", "anyone?");
    let list = conversations(&f.conn, &f.ctx(), &SIM).unwrap();
    let lines: Vec<_> = list.iter().map(|s| (s.party.contact_id, s.last.message.clone(), s.unread_inbound)).collect();
    assert_eq!(lines, [(ana.contact_id, Some("anyone?".into()), 2), (bo.contact_id, Some("Hi Bo".into()), 0)]);
    assert_eq!(list[0].party.phone, "+15550003001");
    // an answer marks the inbound messages read
    let ctx = f.ctx();
    send_text(&mut f.conn, &ctx, &SendTextMessageBody::new("+15550003001", "Yes?")).unwrap();
    let list = conversations(&f.conn, &f.ctx(), &SIM).unwrap();
    assert_eq!((list[0].party.contact_id, list[0].unread_inbound), (ana.contact_id, 0));
    let other = conversations(&f.conn, &f.other_ctx(), &SIM).unwrap();
    assert!(other.is_empty(), "another tenant sees none: {other:?}");
}

#[test]
fn a_conversation_shows_delivery_states_at_the_context_time() {
    let mut f = Fixture::new();
    let ctx = f.ctx();
    inbound(&mut f, "+15550003003", "hey");
    let sent = send_text(&mut f.conn, &ctx, &SendTextMessageBody::new("+15550003003", "Hi")).unwrap();
    let failing = send_text(&mut f.conn, &ctx, &SendTextMessageBody::new("+15550000400", "lost")).unwrap();
    let states = |f: &Fixture| -> Vec<(String, String)> {
        let view = conversation(&f.conn, &f.ctx(), sent.contact_id, &SIM).unwrap();
        view.messages.iter().map(|m| (m.direction.as_ref().unwrap().as_str().to_owned(), m.status.as_ref().unwrap().as_str().to_owned())).collect()
    };
    assert_eq!(states(&f), [("inbound".into(), "delivered".into()), ("outbound".into(), "sent".into())]);
    f.advance(10);
    assert_eq!(states(&f)[1].1, "delivered");
    f.advance(50);
    assert_eq!(states(&f)[1].1, "read");
    let lost = conversation(&f.conn, &f.ctx(), failing.contact_id, &SIM).unwrap();
    assert_eq!(lost.messages[0].status.as_ref().unwrap().as_str(), "failed");
    assert!(lost.messages[0].error.is_some(), "a failure says why");
    assert_eq!(conversation(&f.conn, &f.other_ctx(), sent.contact_id, &SIM).unwrap_err(), Error::not_found("contact"));
}

#[test]
fn the_webhook_log_lists_each_delivery_with_its_attempts() {
    let mut f = Fixture::new();
    queue::set_endpoints(&f.conn, &["http://127.0.0.1:9/hook".into()]).unwrap();
    f.contact("+15550003004");
    let log = webhook_log(&f.conn, &f.ctx(), 10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].r#type.as_str(), log[0].state.as_str(), log[0].attempts.len()), ("contact.created", "pending", 0));
    let due = queue::heads(&f.conn, 10).unwrap();
    let attempt = queue::Attempt { started_at: f.now, duration: Duration::from_millis(3), status: Some(503), error: None };
    queue::finish(&f.conn, &[(due[0].clone(), attempt)], &[Duration::from_secs(1)], f.now).unwrap();
    let log = webhook_log(&f.conn, &f.ctx(), 10).unwrap();
    let first = &log[0].attempts[0];
    assert_eq!((first.number, first.status_code, first.outcome.as_str(), first.duration_us), (1, Some(503), "retry", 3000));
    assert!(log[0].next_attempt_at.is_some());
    assert!(webhook_log(&f.conn, &f.other_ctx(), 10).unwrap().is_empty());
}
