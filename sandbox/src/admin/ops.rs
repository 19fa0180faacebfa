//! The admin operations, as methods of [`Admin`]: the HTTP handlers (`routes`) and
//! `wacr_sandbox::Running` (Rust tests) both call these, so both take one code path.

use std::time::Duration;

use crate::sql::Connection;
use serde::{Deserialize, Serialize};
use wacr_server::models::{Contact, MessageDetail};

use super::Admin;
use crate::clock::{Reading, SECOND, Ts};
use crate::seed;
use crate::store::messages::{self, Inbound};
use crate::store::{self, Ctx, Error, Result, contacts};

/// A change of the clock, as `POST /_sandbox/clock` takes it: exactly one of `advance` (a
/// humantime duration, `25h`, `90s`, `1day 2h`) or `set` (an RFC 3339 date-time).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClockChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
}

/// The clock as the admin API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockBody {
    /// The virtual time, ISO 8601.
    pub now: String,
    /// How far the virtual time is ahead of the system time (negative: behind), whole seconds.
    pub offset_seconds: i64,
}

impl From<Reading> for ClockBody {
    fn from(r: Reading) -> Self {
        ClockBody { now: r.now.iso(), offset_seconds: r.offset_us.div_euclid(SECOND) }
    }
}

impl ClockChange {
    /// What to do: advance by a duration, or set a time; 422 on the field otherwise.
    pub fn parse(&self) -> Result<Result<Duration, Ts>> {
        match (&self.advance, &self.set) {
            (Some(text), None) => humantime::parse_duration(text.trim())
                .map(Ok)
                .map_err(|e| Error::field("advance", format!("The advance field must be a duration such as 25h or 90s ({e})."))),
            (None, Some(text)) => Ts::parse_rfc3339(text)
                .map(Err)
                .ok_or_else(|| Error::field("set", "The set field must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z.")),
            _ => Err(Error::field("advance", "Give exactly one of advance or set.")),
        }
    }
}

impl Admin {
    /// Runs `f` on the database with the clock read from it.
    async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, Ts) -> Result<T> + Send + 'static,
    {
        let clock = self.db().clock().clone();
        self.db().call(move |conn| f(conn, clock.sync(conn)?)).await
    }

    /// The virtual clock.
    pub async fn clock(&self) -> Result<Reading> {
        let clock = self.db().clock().clone();
        self.call(move |_, _| Ok(clock.reading())).await
    }

    /// Moves the virtual clock on.
    pub async fn advance_clock(&self, by: Duration) -> Result<Reading> {
        let clock = self.db().clock().clone();
        self.call(move |conn, _| Ok(clock.advance(conn, by)?)).await
    }

    /// Sets the virtual clock.
    pub async fn set_clock(&self, at: Ts) -> Result<Reading> {
        let clock = self.db().clock().clone();
        self.call(move |conn, _| Ok(clock.set(conn, at)?)).await
    }

    /// Stores a message from a customer to the primary tenant, as Get Message returns it.
    pub async fn inbound(&self, inbound: Inbound) -> Result<MessageDetail> {
        let (subdomain, sim) = (self.config().primary.subdomain.clone(), self.config().delivery);
        self.call(move |conn, now| {
            let ctx = Ctx { tenant_id: primary_tenant(conn, &subdomain)?, now };
            messages::receive(conn, &ctx, &inbound, &sim)
        })
        .await
    }

    /// Returns to the seed state (see `startup::reset`: the tokens stay valid).
    pub async fn reset(&self) -> Result<Reading> {
        let (config, clock) = (self.config().clone(), self.db().clock().clone());
        self.call(move |conn, _| {
            crate::startup::reset(conn, &config, &clock).map_err(|e| Error::Internal(format!("reset: {e}")))?;
            Ok(clock.reading())
        })
        .await
    }

    /// Sets or clears a contact's opt-out flag; returns the contact.
    pub async fn set_opt_out(&self, contact_id: i64, opted_out: bool) -> Result<Contact> {
        self.call(move |conn, now| {
            let tenant_id = contacts_tenant(conn, contact_id)?;
            let ctx = Ctx { tenant_id, now };
            contacts::set_opted_out(conn, &ctx, contact_id, opted_out)?;
            contacts::get(conn, &ctx, contact_id, Default::default())
        })
        .await
    }
}

/// The primary tenant's id.
fn primary_tenant(conn: &Connection, subdomain: &str) -> Result<i64> {
    seed::tenant_id(conn, subdomain)?.ok_or_else(|| Error::Internal(format!("no tenant `{subdomain}`")))
}

/// The tenant of a contact (contact ids are unique over all tenants).
fn contacts_tenant(conn: &Connection, contact_id: i64) -> Result<i64> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT tenant_id FROM contacts WHERE id = ?1", [contact_id], |r| r.get(0))
        .optional()?
        .ok_or(store::Error::not_found("contact"))
}
