//! The delivery tables (migration 0004) as the worker and the start see them: the endpoints a
//! start configures, the kept signing secret, the deliveries due next (each resource's oldest
//! pending one per endpoint, so one resource's events go out in commit order), and the record
//! of each attempt with what it made of its delivery.

use std::time::Duration;

use rusqlite::{OptionalExtension, params};
use crate::sql::{Connection, Engine};

use super::Secret;
use crate::clock::Ts;
use crate::store::Result;

/// Makes `urls` the active endpoints (new ones added); the others keep their pending
/// deliveries for a later start that names them again.
pub fn set_endpoints(conn: &Connection, urls: &[String]) -> Result<()> {
    crate::store::in_transaction(conn, |tx| {
        tx.execute("UPDATE webhook_endpoints SET active = 0", [])?;
        for url in urls {
            tx.execute("INSERT INTO webhook_endpoints (url) VALUES (?1) ON CONFLICT (url) DO UPDATE SET active = 1", [url])?;
        }
        Ok(())
    })
}

/// The signing secret: `given` (kept for later starts), else the kept one, else a new one
/// (kept). The flag says whether this call generated it.
pub fn secret(conn: &Connection, given: Option<&Secret>) -> Result<(Secret, bool)> {
    let upsert = "INSERT INTO webhook_secret (id, secret) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET secret = excluded.secret";
    if let Some(secret) = given {
        conn.execute(upsert, [secret.expose()])?;
        return Ok((secret.clone(), false));
    }
    let kept: Option<String> = conn.query_row("SELECT secret FROM webhook_secret WHERE id = 1", [], |r| r.get(0)).optional()?;
    if let Some(secret) = kept.and_then(|s| s.parse().ok()) {
        return Ok((secret, false));
    }
    let secret = Secret::generate();
    conn.execute(upsert, [secret.expose()])?;
    Ok((secret, true))
}

/// A delivery to attempt.
#[derive(Clone, Debug)]
pub struct Due {
    /// The event's row (commit order).
    pub event: i64,
    pub endpoint: i64,
    pub resource: String,
    /// Attempts made so far.
    pub attempts: i64,
    pub next_attempt_at: Ts,
    /// The `webhook-id`.
    pub event_id: String,
    pub payload: String,
    pub url: String,
}

/// The oldest pending delivery of each resource at each active endpoint, soonest first, at
/// most `limit`.
pub fn heads(conn: &Connection, limit: usize) -> Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.event_id, d.endpoint_id, d.resource, d.attempts, d.next_attempt_at, e.event_id, e.payload, p.url \
         FROM webhook_deliveries d \
         JOIN webhook_endpoints p ON p.id = d.endpoint_id \
         JOIN webhook_events e ON e.id = d.event_id \
         WHERE d.state = 'pending' AND p.active = 1 AND NOT EXISTS ( \
             SELECT 1 FROM webhook_deliveries o WHERE o.state = 'pending' AND o.endpoint_id = d.endpoint_id \
             AND o.resource = d.resource AND o.event_id < d.event_id) \
         ORDER BY d.next_attempt_at, d.event_id LIMIT ?1",
    )?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        Ok(Due {
            event: r.get(0)?,
            endpoint: r.get(1)?,
            resource: r.get(2)?,
            attempts: r.get(3)?,
            next_attempt_at: Ts(r.get(4)?),
            event_id: r.get(5)?,
            payload: r.get(6)?,
            url: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Claims each of `candidates` that is still due at `now` for one attempt: its
/// `next_attempt_at` moves to `lease_until`, so that no other worker (another replica on the
/// same PostgreSQL database, or another process on the same SQLite file) attempts it too; the
/// attempt's record sets the real next time. A worker that dies mid-attempt leaves the claim to
/// expire, and the delivery is attempted again (at least once, as Standard Webhooks expects).
/// Returns the claimed ones. On PostgreSQL a row another replica is claiming is skipped
/// (`FOR UPDATE SKIP LOCKED`) instead of waited for; SQLite's single writer makes the
/// conditional UPDATE atomic by itself.
pub fn claim(conn: &Connection, candidates: Vec<Due>, now: Ts, lease_until: Ts) -> Result<Vec<Due>> {
    let sql = match conn.engine() {
        Engine::Postgres => {
            "UPDATE webhook_deliveries SET next_attempt_at = ?4 WHERE (event_id, endpoint_id) IN ( \
                 SELECT event_id, endpoint_id FROM webhook_deliveries \
                 WHERE event_id = ?1 AND endpoint_id = ?2 AND state = 'pending' AND next_attempt_at <= ?3 \
                 FOR UPDATE SKIP LOCKED)"
        }
        Engine::Sqlite => {
            "UPDATE webhook_deliveries SET next_attempt_at = ?4 \
             WHERE event_id = ?1 AND endpoint_id = ?2 AND state = 'pending' AND next_attempt_at <= ?3"
        }
    };
    let mut claimed = Vec::with_capacity(candidates.len());
    for mut due in candidates {
        if conn.prepare_cached(sql)?.execute(params![due.event, due.endpoint, now.0, lease_until.0])? == 1 {
            due.next_attempt_at = now;
            claimed.push(due);
        }
    }
    Ok(claimed)
}

/// One attempt's result.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub started_at: Ts,
    pub duration: Duration,
    /// The response's status; `None` when none came (`error` says why).
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Attempt {
    /// A 2xx answer.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What an attempt made of its delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Tried again at this time.
    Retry(Ts),
    /// No attempt left: kept as failed.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Retry(_) => "retry",
            Outcome::Failed => "failed",
        }
    }
}

/// Records each attempt and moves its delivery on: delivered, retried after the schedule's
/// next wait, or failed when the schedule is spent. One transaction for them all.
pub fn finish(conn: &Connection, done: &[(Due, Attempt)], schedule: &[Duration], now: Ts) -> Result<Vec<Outcome>> {
    crate::store::in_transaction(conn, |tx| done.iter().map(|(due, attempt)| finish_one(tx, due, attempt, schedule, now)).collect())
}

fn finish_one(conn: &Connection, due: &Due, attempt: &Attempt, schedule: &[Duration], now: Ts) -> Result<Outcome> {
    let number = due.attempts + 1;
    let outcome = if attempt.succeeded() {
        Outcome::Delivered
    } else {
        match usize::try_from(due.attempts).ok().and_then(|n| schedule.get(n)) {
            Some(wait) => Outcome::Retry(Ts(now.0.saturating_add(micros(*wait)))),
            None => Outcome::Failed,
        }
    };
    conn.prepare_cached(
        "INSERT INTO webhook_attempts (event_id, endpoint_id, attempt, started_at, duration_us, status_code, error, outcome) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![due.event, due.endpoint, number, attempt.started_at.0, micros(attempt.duration), attempt.status, attempt.error, outcome.as_str()])?;
    let (state, next) = match outcome {
        Outcome::Retry(at) => ("pending", at.0),
        other => (other.as_str(), due.next_attempt_at.0),
    };
    conn.prepare_cached("UPDATE webhook_deliveries SET state = ?3, attempts = ?4, next_attempt_at = ?5 WHERE event_id = ?1 AND endpoint_id = ?2")?
        .execute(params![due.event, due.endpoint, state, number, next])?;
    Ok(outcome)
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// A delivery as the tables hold it (for tests and tools).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub event_id: String,
    pub r#type: String,
    pub url: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
}

/// Every delivery, in commit order.
pub fn deliveries(conn: &Connection) -> Result<Vec<Delivery>> {
    let mut stmt = conn.prepare(
        "SELECT e.event_id, e.type, p.url, d.state, d.attempts FROM webhook_deliveries d \
         JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints p ON p.id = d.endpoint_id ORDER BY d.event_id, p.id",
    )?;
    let rows = stmt.query_map([], |r| Ok(Delivery { event_id: r.get(0)?, r#type: r.get(1)?, url: r.get(2)?, state: r.get(3)?, attempts: r.get(4)? }))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A recorded attempt (for tests and tools).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub attempt: i64,
    pub status_code: Option<u16>,
    pub duration_us: i64,
    pub error: Option<String>,
    /// `delivered`, `retry` or `failed`.
    pub outcome: String,
}

/// The attempts of one event (by its `webhook-id`), oldest first.
pub fn attempts(conn: &Connection, event_id: &str) -> Result<Vec<Recorded>> {
    let mut stmt = conn.prepare(
        "SELECT a.attempt, a.status_code, a.duration_us, a.error, a.outcome FROM webhook_attempts a \
         JOIN webhook_events e ON e.id = a.event_id WHERE e.event_id = ?1 ORDER BY a.id",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok(Recorded { attempt: r.get(0)?, status_code: r.get(1)?, duration_us: r.get(2)?, error: r.get(3)?, outcome: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Each event's `webhook-id` and the time its change was written (microseconds), in commit order.
pub fn recorded_at(conn: &Connection) -> Result<Vec<(String, Ts)>> {
    let mut stmt = conn.prepare("SELECT event_id, recorded_at FROM webhook_events ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, Ts(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
