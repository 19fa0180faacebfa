//! The fault rules in the database (`sandbox_fault_rules`, `sandbox_fault_version`), which
//! every sandbox serving it shares, on either engine: the rule set's changes (each moving the
//! version in its transaction), its reads, and the counting of one matching call, which holds
//! a `{times: N}` rule to N firings in all by a conditional UPDATE.

use rusqlite::OptionalExtension;

use super::{Fire, NewRule, Rule};
use crate::sql::{Connection, Row};

/// Adds `rule` after the others; the rule with its id.
pub(super) fn add(conn: &Connection, rule: &NewRule) -> rusqlite::Result<Rule> {
    let tx = conn.unchecked_transaction()?;
    let added = insert(&tx, rule)?;
    bump(&tx)?;
    tx.commit()?;
    Ok(added)
}

/// Replaces every rule with `rules` (a start with `--faults FILE`); them with their ids.
pub(super) fn replace(conn: &Connection, rules: &[NewRule]) -> rusqlite::Result<Vec<Rule>> {
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM sandbox_fault_rules", [])?;
    let added = rules.iter().map(|rule| insert(&tx, rule)).collect::<rusqlite::Result<Vec<_>>>()?;
    bump(&tx)?;
    tx.commit()?;
    Ok(added)
}

/// Removes the rule `id`; it, or `None` when there is none.
pub(super) fn remove(conn: &Connection, id: u64) -> rusqlite::Result<Option<Rule>> {
    let Ok(id) = i64::try_from(id) else { return Ok(None) };
    let tx = conn.unchecked_transaction()?;
    let found = tx.query_row("SELECT id, rule, matched, fired FROM sandbox_fault_rules WHERE id = ?1", [id], decode).optional()?;
    if found.is_some() {
        tx.execute("DELETE FROM sandbox_fault_rules WHERE id = ?1", [id])?;
        bump(&tx)?;
    }
    tx.commit()?;
    Ok(found)
}

/// Removes every rule (ids are not reused).
pub(super) fn clear(conn: &Connection) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM sandbox_fault_rules", [])?;
    bump(&tx)?;
    tx.commit()
}

/// The rules in force, in the order they are consulted, with their counters.
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<Rule>> {
    conn.prepare_cached("SELECT id, rule, matched, fired FROM sandbox_fault_rules ORDER BY id")?.query_map([], decode)?.collect()
}

/// The version of the rule set: it moves with every change of the set, not with the counters.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    let found = conn.query_row("SELECT version FROM sandbox_fault_version WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(found.unwrap_or(0))
}

/// Counts a call that consulted the rule `id`, and its firing when `fires`: a `{times: N}`
/// rule fires only while it has fired fewer than N times, which the UPDATE's condition decides
/// row-atomically, so that sandboxes sharing the database fire it N times in all. Whether it
/// fired; a rule removed meanwhile neither fires nor counts.
pub(super) fn count(conn: &Connection, id: u64, fires: bool) -> rusqlite::Result<bool> {
    let id = i64::try_from(id).unwrap_or(i64::MAX);
    let fire = "UPDATE sandbox_fault_rules SET matched = matched + 1, fired = fired + 1 WHERE id = ?1 AND (times IS NULL OR fired < times)";
    if fires && conn.execute(fire, [id])? == 1 {
        return Ok(true);
    }
    conn.execute("UPDATE sandbox_fault_rules SET matched = matched + 1 WHERE id = ?1", [id])?;
    Ok(false)
}

fn insert(conn: &Connection, rule: &NewRule) -> rusqlite::Result<Rule> {
    let json = serde_json::to_string(rule).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let times = match rule.fire {
        Fire::Times(n) => Some(i64::try_from(n).unwrap_or(i64::MAX)),
        _ => None,
    };
    conn.execute("INSERT INTO sandbox_fault_rules (rule, times) VALUES (?1, ?2)", rusqlite::params![json, times])?;
    let id = u64::try_from(conn.last_insert_rowid()).unwrap_or_default();
    Ok(Rule { id, matches: rule.matches.clone(), fire: rule.fire, action: rule.action, matched: 0, fired: 0 })
}

/// Moves the version on (in the caller's transaction).
fn bump(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sandbox_fault_version (id, version) VALUES (1, 1) \
         ON CONFLICT (id) DO UPDATE SET version = sandbox_fault_version.version + 1",
        [],
    )?;
    Ok(())
}

/// A row of `id, rule, matched, fired`.
fn decode(row: &Row<'_>) -> rusqlite::Result<Rule> {
    let text: String = row.get(1)?;
    let rule: NewRule = serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
    let count = |at| row.get::<_, i64>(at).map(|n| u64::try_from(n).unwrap_or_default());
    Ok(Rule { id: count(0)?, matches: rule.matches, fire: rule.fire, action: rule.action, matched: count(2)?, fired: count(3)? })
}
