//! Reads for the web inbox (`crate::inbox`): one conversation per contact with its last
//! message and unread inbound count, a contact's messages as Get Message shows them (delivery
//! state at `ctx.now`), and the webhook delivery log with every attempt.
//!
//! The sandbox has no read receipt from the app, so an inbound message counts as unread until
//! an outbound message to the same contact follows it (the app answered).

use rusqlite::params;
use crate::sql::Connection;
use wacr_server::models::MessageDetail;

use super::messages::{COLUMNS, DeliverySimulation, detail_from_row, source};
use super::{Ctx, Error, Result, contacts};
use crate::clock::Ts;

/// How many messages a conversation view shows (the latest).
pub const CONVERSATION_LIMIT: usize = 200;

/// A contact as the inbox names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub contact_id: i64,
    /// First and last name.
    pub name: String,
    pub phone: String,
    pub is_opted_out: bool,
}

/// One line of the conversation list.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub party: Party,
    /// The latest message either way.
    pub last: MessageDetail,
    /// Inbound messages after the latest outbound one.
    pub unread_inbound: i64,
}

/// A contact's conversation: its latest [`CONVERSATION_LIMIT`] messages, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    pub party: Party,
    pub messages: Vec<MessageDetail>,
}

/// Every contact with a message, the latest conversation first.
pub fn conversations(conn: &Connection, ctx: &Ctx, sim: &DeliverySimulation) -> Result<Vec<Summary>> {
    let sql = format!(
        "SELECT {COLUMNS}, c.id, c.firstname, c.lastname, c.phone, c.is_opted_out, \
         (SELECT count(*) FROM messages i WHERE i.tenant_id = ?1 AND i.contact_id = c.id AND i.direction = 'inbound' \
          AND i.id > coalesce((SELECT max(o.id) FROM messages o WHERE o.tenant_id = ?1 AND o.contact_id = c.id \
          AND o.direction = 'outbound'), 0)) \
         FROM {} JOIN (SELECT contact_id, max(id) AS last FROM messages WHERE tenant_id = ?1 AND contact_id IS NOT NULL \
         GROUP BY contact_id) l ON l.last = m.id JOIN contacts c ON c.id = l.contact_id AND c.tenant_id = ?1 \
         ORDER BY m.id DESC",
        source(ctx, sim)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([ctx.tenant_id], |row| {
        let base = COLUMNS.split(',').count();
        let party = Party {
            contact_id: row.get(base)?,
            name: name(row.get(base + 1)?, row.get(base + 2)?),
            phone: row.get(base + 3)?,
            is_opted_out: row.get(base + 4)?,
        };
        Ok(Summary { party, last: detail_from_row(row, sim)?, unread_inbound: row.get(base + 5)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The contact `contact_id` as the inbox names it; 404 when the tenant has no such contact.
pub fn party(conn: &Connection, ctx: &Ctx, contact_id: i64) -> Result<Party> {
    let contact = contacts::find(conn, ctx, contact_id)?.ok_or(Error::not_found("contact"))?;
    Ok(Party {
        contact_id,
        name: name(contact.firstname, contact.lastname),
        phone: contact.phone.unwrap_or_default(),
        is_opted_out: contact.is_opted_out,
    })
}

/// The id of the tenant's contact with this phone (compared by digits).
pub fn contact_with_phone(conn: &Connection, ctx: &Ctx, phone: &str) -> Result<Option<i64>> {
    Ok(contacts::find_by_phone(conn, ctx, phone)?.map(|c| c.id))
}

/// The conversation with contact `contact_id`; 404 when the tenant has no such contact.
pub fn conversation(conn: &Connection, ctx: &Ctx, contact_id: i64, sim: &DeliverySimulation) -> Result<Conversation> {
    let party = party(conn, ctx, contact_id)?;
    let sql = format!(
        "SELECT {COLUMNS} FROM {} WHERE m.tenant_id = ?1 AND m.contact_id = ?2 ORDER BY m.id DESC LIMIT ?3",
        source(ctx, sim)
    );
    let limit = i64::try_from(CONVERSATION_LIMIT).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![ctx.tenant_id, contact_id, limit], |row| detail_from_row(row, sim))?;
    let mut messages = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    messages.reverse();
    Ok(Conversation { party, messages })
}

fn name(first: String, last: String) -> String {
    if last.is_empty() { first } else { format!("{first} {last}") }
}

/// One webhook delivery (an event to one endpoint) with its attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedDelivery {
    /// The `webhook-id`.
    pub event_id: String,
    /// `contact.created`, ...
    pub r#type: String,
    pub url: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub recorded_at: Ts,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<Ts>,
    pub attempts: Vec<LoggedAttempt>,
}

/// One attempt of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedAttempt {
    /// 1 for the first.
    pub number: i64,
    pub started_at: Ts,
    pub duration_us: i64,
    /// `None`: no response came (`error` says why).
    pub status_code: Option<u16>,
    pub error: Option<String>,
    /// `delivered`, `retry` or `failed`.
    pub outcome: String,
}

/// The tenant's latest `limit` webhook deliveries, newest first, with their attempts.
pub fn webhook_log(conn: &Connection, ctx: &Ctx, limit: usize) -> Result<Vec<LoggedDelivery>> {
    let mut stmt = conn.prepare(
        "SELECT e.id, p.id, e.event_id, e.type, p.url, d.state, e.recorded_at, d.next_attempt_at FROM webhook_deliveries d \
         JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id \
         WHERE e.tenant_id = ?1 ORDER BY d.event_id DESC, p.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ctx.tenant_id, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        let state: String = r.get(5)?;
        let next = (state == "pending").then(|| r.get(7).map(Ts)).transpose()?;
        let delivery = LoggedDelivery {
            event_id: r.get(2)?,
            r#type: r.get(3)?,
            url: r.get(4)?,
            state,
            recorded_at: Ts(r.get(6)?),
            next_attempt_at: next,
            attempts: Vec::new(),
        };
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, delivery))
    })?;
    let found = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    found.into_iter().map(|(event, endpoint, delivery)| Ok(LoggedDelivery { attempts: attempts(conn, event, endpoint)?, ..delivery })).collect()
}

fn attempts(conn: &Connection, event: i64, endpoint: i64) -> Result<Vec<LoggedAttempt>> {
    let mut stmt = conn.prepare_cached(
        "SELECT attempt, started_at, duration_us, status_code, error, outcome FROM webhook_attempts \
         WHERE event_id = ?1 AND endpoint_id = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map([event, endpoint], |r| {
        Ok(LoggedAttempt {
            number: r.get(0)?,
            started_at: Ts(r.get(1)?),
            duration_us: r.get(2)?,
            status_code: r.get(3)?,
            error: r.get(4)?,
            outcome: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests;
