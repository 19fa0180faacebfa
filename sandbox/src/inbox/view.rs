//! What the templates show, built from the store's reads: the pages (askama templates compiled
//! into the binary from `src/inbox/templates/`), their lines (a conversation, a message with its
//! delivery ticks and failure reason, a webhook delivery with its attempts) and the side panels
//! (the virtual clock, the active fault rules).

use askama::Template;
use wacr_server::models::MessageDetail;

use crate::clock::{DateBound, SECOND, Ts};
use crate::faults::{Fire, Rule};
use crate::store::inbox::{LoggedAttempt, LoggedDelivery, Party, Summary};
use crate::store::messages::DeliverySimulation;

/// What every page shows beside its own content.
pub struct Panels {
    /// This page's path, where the clock form comes back to.
    pub here: String,
    pub clock: ClockView,
    /// The active fault rules, one line each.
    pub faults: Vec<String>,
    /// A message for the user (a refused reply, say).
    pub notice: Option<String>,
    /// Milliseconds until a shown delivery state moves with time alone; 0: none will.
    pub next_change_ms: i64,
}

/// The virtual clock.
pub struct ClockView {
    pub iso: String,
    /// `2026-12-07 02:30:00 UTC`
    pub text: String,
    /// How far it is from the system time.
    pub offset: String,
}

impl ClockView {
    pub fn new(now: Ts, offset_us: i64) -> ClockView {
        let offset = if offset_us == 0 {
            "The system time.".to_owned()
        } else {
            let ahead = humantime::format_duration(std::time::Duration::from_secs(offset_us.unsigned_abs() / SECOND as u64));
            format!("{ahead} {} the system time.", if offset_us > 0 { "ahead of" } else { "behind" })
        };
        ClockView { iso: now.iso(), text: readable(now), offset }
    }
}

/// `2026-12-07 02:30:00 UTC` from the API's ISO text.
pub fn readable(at: Ts) -> String {
    let iso = at.iso();
    match (iso.get(..10), iso.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => iso,
    }
}

/// A fault rule in one line: `#1 list_contacts: status 503, next 1 call (fired 0 of 0 calls)`.
pub fn fault_line(rule: &Rule) -> String {
    let target = rule.matches.operation.as_deref().or(rule.matches.route.as_deref()).unwrap_or("?");
    let when = match rule.fire {
        Fire::Always(_) => "always".to_owned(),
        Fire::Times(1) => "the next call".to_owned(),
        Fire::Times(n) => format!("the next {n} calls"),
        Fire::Probability(p) => format!("with probability {p}"),
    };
    format!("#{} {target}: {}, {when} (fired {} of {} matching calls)", rule.id, rule.action, rule.fired, rule.matched)
}

/// The login form.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub ui: &'static str,
    pub error: Option<&'static str>,
}

/// A failed page: its status and why.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ui: &'static str,
    pub status: String,
    pub reason: String,
}

/// The conversation list.
#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub ui: &'static str,
    pub section: &'static str,
    pub panels: Panels,
    pub conversations: Vec<ConversationLine>,
}

/// One conversation with its messages.
#[derive(Template)]
#[template(path = "conversation.html")]
pub struct ConversationPage {
    pub ui: &'static str,
    pub section: &'static str,
    pub panels: Panels,
    pub conversations: Vec<ConversationLine>,
    pub party: Party,
    pub messages: Vec<MessageLine>,
}

/// The webhook delivery log.
#[derive(Template)]
#[template(path = "webhooks.html")]
pub struct WebhooksPage {
    pub ui: &'static str,
    pub section: &'static str,
    pub panels: Panels,
    pub deliveries: Vec<DeliveryLine>,
}

/// A line of the conversation list.
pub struct ConversationLine {
    pub contact_id: i64,
    pub name: String,
    pub phone: String,
    /// `You: ` before an outbound last message.
    pub last_prefix: &'static str,
    pub last_text: String,
    pub last_at: String,
    pub unread: i64,
    pub selected: bool,
}

impl ConversationLine {
    pub fn new(summary: Summary, selected: Option<i64>) -> ConversationLine {
        let outbound = wire(summary.last.direction.as_ref()) == "outbound";
        ConversationLine {
            contact_id: summary.party.contact_id,
            selected: selected == Some(summary.party.contact_id),
            name: summary.party.name,
            phone: summary.party.phone,
            last_prefix: if outbound { "You: " } else { "" },
            last_text: shown_text(&summary.last),
            last_at: short(&summary.last.sent_at),
            unread: summary.unread_inbound,
        }
    }
}

/// A message in a conversation.
pub struct MessageLine {
    pub id: i64,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The MessageType: `text`, `template`, `image`, ...
    pub kind: String,
    pub text: String,
    pub url: Option<String>,
    /// `sent`, `delivered`, `read`, `failed` (inbound: as stored).
    pub status: String,
    /// ✓, ✓✓ or ✕ for the status.
    pub ticks: &'static str,
    /// Why it failed.
    pub reason: Option<String>,
    pub iso: String,
    pub at: String,
}

impl MessageLine {
    pub fn new(m: MessageDetail) -> MessageLine {
        let status = wire(m.status.as_ref()).to_owned();
        let ticks = match status.as_str() {
            "sent" => "✓",
            "delivered" | "read" => "✓✓",
            "failed" => "✕",
            _ => "",
        };
        let reason = (status == "failed").then(|| match &m.error {
            Some(e) => format!("{} ({}): {}", e.title, e.code, e.message),
            None => m.status_message.clone().unwrap_or_else(|| "no reason given".into()),
        });
        MessageLine {
            id: m.id,
            direction: wire(m.direction.as_ref()).to_owned(),
            kind: wire(m.r#type.as_ref()).to_owned(),
            text: shown_text(&m),
            url: m.url.clone(),
            status,
            ticks,
            reason,
            at: short(&m.sent_at),
            iso: m.sent_at,
        }
    }
}

/// `2026-12-07 02:30:00` from the API's `2026-12-07T02:30:00.000000Z`.
fn short(iso: &str) -> String {
    iso.get(..19).unwrap_or(iso).replace('T', " ")
}

/// A wire value, or empty.
fn wire<E: wacr_server::models::WireEnum>(value: Option<&wacr_server::models::Open<E>>) -> &str {
    value.map(|v| v.as_str()).unwrap_or_default()
}

/// The message's text, else what it carries.
fn shown_text(m: &MessageDetail) -> String {
    match m.message.as_deref() {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => format!("({})", wire(m.r#type.as_ref())),
    }
}

/// Milliseconds from `now` until the first of `messages` whose state moves with time alone
/// (sent -> delivered -> read) moves; 0 when none will.
pub fn next_change_ms(messages: &[MessageDetail], sim: &DeliverySimulation, now: Ts) -> i64 {
    let due = messages.iter().filter(|m| wire(m.direction.as_ref()) == "outbound").filter_map(|m| {
        let sent = DateBound::parse(&m.sent_at)?.start;
        let after = match wire(m.status.as_ref()) {
            "sent" => sim.delivered_after_secs,
            "delivered" => sim.read_after_secs,
            _ => return None,
        };
        Some(sent.plus_secs(after))
    });
    due.min().map_or(0, |at| ((at.0 - now.0) / 1000).max(1))
}

/// A line of the webhook log.
pub struct DeliveryLine {
    pub kind: String,
    pub event_id: String,
    pub url: String,
    pub state: String,
    pub recorded_at: String,
    pub next_attempt: Option<String>,
    pub attempts: Vec<AttemptLine>,
}

/// One attempt of a delivery.
pub struct AttemptLine {
    pub number: i64,
    pub at: String,
    /// `HTTP 503` or the error.
    pub result: String,
    pub took: String,
    pub outcome: String,
}

impl DeliveryLine {
    pub fn new(d: LoggedDelivery) -> DeliveryLine {
        DeliveryLine {
            kind: d.r#type,
            event_id: d.event_id,
            url: d.url,
            state: d.state,
            recorded_at: readable(d.recorded_at),
            next_attempt: d.next_attempt_at.map(readable),
            attempts: d.attempts.into_iter().map(AttemptLine::new).collect(),
        }
    }
}

impl AttemptLine {
    fn new(a: LoggedAttempt) -> AttemptLine {
        let result = match (a.status_code, a.error) {
            (Some(code), _) => format!("HTTP {code}"),
            (None, Some(error)) => error,
            (None, None) => "no response".into(),
        };
        AttemptLine { number: a.number, at: readable(a.started_at), result, took: format!("{} ms", a.duration_us / 1000), outcome: a.outcome }
    }
}

