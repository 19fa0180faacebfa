//! The outbox: the store calls [`record`] inside the transaction of each change to a contact,
//! source or status, so the event and its deliveries (one per active endpoint) commit or roll
//! back with the change. The delivery worker is woken after the commit: `record` marks the
//! thread, and `Db::with` (which ran the store function on this thread) takes the mark and
//! notifies.

use std::cell::Cell;

use rusqlite::params;
use crate::sql::Connection;

use super::payload::{self, Change, Resource, Tenant};
use crate::store::{Ctx, Result};

thread_local! {
    static WRITTEN: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread recorded an event since the last call (and clears the mark).
pub(crate) fn take_written() -> bool {
    WRITTEN.with(|w| w.replace(false))
}

/// Writes the event of `change` and its pending deliveries; an update that changed nothing
/// writes none.
pub(crate) fn record<R: Resource>(conn: &Connection, ctx: &Ctx, change: Change<'_, R>) -> Result<()> {
    let tenant = tenant(conn, ctx.tenant_id)?;
    let Some(event) = payload::build(&change, &tenant, ctx.now)? else { return Ok(()) };
    let recorded_at = ctx.now.0;
    conn.prepare_cached(
        "INSERT INTO webhook_events (event_id, tenant_id, type, resource, payload, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![event.id, ctx.tenant_id, event.r#type, event.resource, event.payload.to_string(), recorded_at])?;
    let row = conn.last_insert_rowid();
    let deliveries = conn
        .prepare_cached(
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, resource, next_attempt_at) \
             SELECT ?1, id, ?2, ?3 FROM webhook_endpoints WHERE active = 1",
        )?
        .execute(params![row, event.resource, recorded_at])?;
    if deliveries > 0 {
        WRITTEN.with(|w| w.set(true));
    }
    Ok(())
}

/// The tenant block: the company name (the subdomain when it has none) and the subdomain.
fn tenant(conn: &Connection, tenant_id: i64) -> Result<Tenant> {
    let (name, domain): (Option<String>, String) = conn
        .prepare_cached("SELECT company_name, subdomain FROM tenants WHERE id = ?1")?
        .query_row([tenant_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Tenant { id: tenant_id, name: name.unwrap_or_else(|| domain.clone()), domain })
}
