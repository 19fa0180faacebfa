//! The message history (`messages.yaml`: List Messages, Get Message): outbound statuses
//! progress sent -> delivered -> read with the time since sending (by the virtual clock),
//! computed when read, so no background task is needed. A send that is to fail (a simulated
//! delivery failure, or a free-form message outside the 24-hour window) reads `failed`, with
//! its reason in `error`, from the time it would have been delivered.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use crate::sql::{Connection, Row};
use serde::Serialize;
use wacr_runtime::ResourceRef;
use wacr_server::models::{ListMessagesQuery, ListMessagesSortField, Message, MessageDetail, MessageError, MessageRelationships, Open, Page, WireEnum};

use crate::clock::{SECOND, Ts};
use crate::store::query::{ListSql, wire};
use crate::store::{Ctx, Error, Result};
use crate::webhooks::{Change, Resource, outbox};

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

impl DeliverySimulation {
    /// Keeps it in the database, where the sends read it ([`DeliverySimulation::stored`]).
    pub fn store(&self, conn: &Connection) -> Result<()> {
        conn.execute(
            "INSERT INTO sandbox_settings (id, delivered_after_secs, read_after_secs) VALUES (1, ?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET delivered_after_secs = excluded.delivered_after_secs, read_after_secs = excluded.read_after_secs",
            params![self.delivered_after_secs, self.read_after_secs],
        )?;
        Ok(())
    }

    /// The one the latest start stored, else the default.
    pub fn stored(conn: &Connection) -> Result<DeliverySimulation> {
        let sql = "SELECT delivered_after_secs, read_after_secs FROM sandbox_settings WHERE id = 1";
        let row = conn.prepare_cached(sql)?.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        Ok(row.map_or_else(DeliverySimulation::default, |(delivered_after_secs, read_after_secs)| DeliverySimulation {
            delivered_after_secs,
            read_after_secs,
        }))
    }
}

pub(crate) const COLUMNS: &str = "m.id, m.chat_id, m.sender_id, m.type, m.message, m.eff_status, m.message_id, m.sent_at, m.direction, \
    m.created_at, m.updated_at, m.status, m.status_message, m.ref_message_id, m.url, m.staff_id, m.fail_delivery";

/// Why a send fails after it was accepted (`messages.fail_delivery`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The recipient's digits end in `0000400`: WhatsApp cannot deliver it.
    Undeliverable = 1,
    /// A free-form message outside the 24-hour customer service window.
    OutsideWindow = 2,
}

impl Failure {
    fn from_column(value: i64) -> Option<Failure> {
        match value {
            1 => Some(Failure::Undeliverable),
            2 => Some(Failure::OutsideWindow),
            _ => None,
        }
    }

    /// The WhatsApp Cloud API's error for it.
    fn error(self) -> MessageError {
        let (code, title, message) = match self {
            Failure::Undeliverable => (131026, "Message undeliverable", "Unable to deliver the message (simulated delivery failure)"),
            Failure::OutsideWindow => {
                (131047, "Re-engagement message", "More than 24 hours have passed since the recipient last replied to the sender number")
            }
        };
        MessageError { code, title: title.into(), message: message.into() }
    }
}

/// The history with each outbound status as it reads at `now` (the numbers are ours, not input).
pub(crate) fn source(ctx: &Ctx, sim: &DeliverySimulation) -> String {
    let delivered = ctx.now.0 - sim.delivered_after_secs * SECOND;
    let read = ctx.now.0 - sim.read_after_secs * SECOND;
    format!(
        "(SELECT *, CASE WHEN direction = 'outbound' AND status = 'sent' THEN CASE \
         WHEN fail_delivery <> 0 AND sent_at <= {delivered} THEN 'failed' \
         WHEN fail_delivery = 0 AND sent_at <= {read} THEN 'read' \
         WHEN fail_delivery = 0 AND sent_at <= {delivered} THEN 'delivered' \
         ELSE 'sent' END ELSE status END AS eff_status FROM messages) m"
    )
}

pub(crate) fn detail_from_row(row: &Row<'_>, sim: &DeliverySimulation) -> rusqlite::Result<MessageDetail> {
    let status: Option<String> = row.get(5)?;
    let stored: String = row.get(11)?;
    let sent_at = Ts(row.get(7)?);
    let mut updated_at = Ts(row.get(10)?);
    let mut status_message: Option<String> = row.get(12)?;
    let mut error = None;
    if status.as_deref() != Some(stored.as_str()) {
        let delay = if status.as_deref() == Some("read") { sim.read_after_secs } else { sim.delivered_after_secs };
        updated_at = updated_at.max(sent_at.plus_secs(delay));
        if status.as_deref() == Some("failed") {
            let failed = Failure::from_column(row.get(16)?).unwrap_or(Failure::Undeliverable).error();
            status_message = Some(format!("{}: {}", failed.title, failed.message));
            error = Some(failed);
        }
    }
    Ok(MessageDetail {
        id: row.get(0)?,
        interaction_id: row.get(1)?,
        sender_id: row.get(2)?,
        r#type: open(row.get(3)?),
        message: row.get(4)?,
        is_read: status.as_deref() == Some("read"),
        status: open(status),
        message_id: row.get(6)?,
        sent_at: sent_at.iso(),
        direction: open(row.get(8)?),
        created_at: Some(Ts(row.get(9)?).iso()),
        updated_at: Some(updated_at.iso()),
        status_message,
        ref_message_id: row.get(13)?,
        url: row.get(14)?,
        staff_id: row.get(15)?,
        error,
    })
}

/// A message as a webhook resource, related to its contact: `message.received` when it is
/// created (an inbound message), `message.status_updated` when its delivery status moves.
pub(crate) struct MessageResource<'a> {
    pub message: &'a Message,
    pub contact_id: i64,
}

impl Serialize for MessageResource<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.message.serialize(serializer)
    }
}

impl Resource for MessageResource<'_> {
    const TYPE: &'static str = "message";
    type Relationships = MessageRelationships;

    fn id(&self) -> i64 {
        self.message.id
    }

    fn relationships(&self) -> MessageRelationships {
        MessageRelationships { contact: ResourceRef::new("contact", self.contact_id) }
    }

    fn event_action(action: &'static str) -> &'static str {
        match action {
            "created" => "received",
            "updated" => "status_updated",
            other => other,
        }
    }
}

/// Writes the `message.status_updated` events of a message just sent, one per transition the
/// simulation will show (delivered then read, or failed), each at its instant: its payload the
/// message as List Messages reads it then, its delivery due then (by the virtual clock).
pub(crate) fn record_progress(conn: &Connection, ctx: &Ctx, id: i64, contact_id: i64, fails: bool) -> Result<()> {
    let sim = DeliverySimulation::stored(conn)?;
    let steps: &[i64] = if fails { &[sim.delivered_after_secs] } else { &[sim.delivered_after_secs, sim.read_after_secs] };
    for secs in steps {
        let at = Ctx { now: ctx.now.plus_secs(*secs), ..*ctx };
        let before = Ctx { now: Ts(at.now.0 - 1), ..*ctx };
        let (previous, current) = (item(get(conn, &before, id, &sim)?), item(get(conn, &at, id, &sim)?));
        let resource = |message| MessageResource { message, contact_id };
        outbox::record(conn, &at, Change::Updated { previous: &resource(&previous), current: &resource(&current) })?;
    }
    Ok(())
}

/// A stored wire value, known or not.
fn open<E: WireEnum>(text: Option<String>) -> Option<Open<E>> {
    text.map(|t| Open::from_wire(&t))
}

/// A history record as listed: the detail without its delivery fields.
pub(crate) fn item(d: MessageDetail) -> Message {
    Message {
        id: d.id,
        interaction_id: d.interaction_id,
        sender_id: d.sender_id,
        r#type: d.r#type,
        message: d.message,
        status: d.status,
        message_id: d.message_id,
        sent_at: d.sent_at,
        is_read: d.is_read,
        direction: d.direction,
        created_at: d.created_at,
        updated_at: d.updated_at,
        error: d.error,
    }
}

fn sort_column(field: ListMessagesSortField) -> &'static str {
    match field {
        ListMessagesSortField::CreatedAt => "m.created_at",
        ListMessagesSortField::UpdatedAt => "m.updated_at",
    }
}

/// List Messages.
pub fn list(conn: &Connection, ctx: &Ctx, q: &ListMessagesQuery, sim: &DeliverySimulation) -> Result<Page<Message>> {
    let f = &q.filters;
    let page = ListSql::new(source(ctx, sim), "m.tenant_id", ctx, q.page, q.per_page)
        .search(&["m.message"], q.search.as_deref())
        .order(&q.sort, sort_column, Some(("m.created_at", true)), "m.id")
        .filter("m.type", &f.r#type, wire)
        .filter("m.eff_status", &f.status, wire)
        .filter("m.chat_id", &f.interaction_id, Value::from)
        .filter("m.direction", &f.direction, wire)
        .fetch(conn, COLUMNS, |row| detail_from_row(row, sim))?;
    Ok(page.map(item))
}

/// Get Message.
pub fn get(conn: &Connection, ctx: &Ctx, id: i64, sim: &DeliverySimulation) -> Result<MessageDetail> {
    let sql = format!("SELECT {COLUMNS} FROM {} WHERE m.tenant_id = ?1 AND m.id = ?2", source(ctx, sim));
    conn.query_row(&sql, params![ctx.tenant_id, id], |row| detail_from_row(row, sim))
        .optional()?
        .ok_or(Error::not_found("message"))
}
