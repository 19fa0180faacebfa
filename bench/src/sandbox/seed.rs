//! The bench's 100,000 contacts, written through the sandbox's SQL layer so that one seeding
//! serves both engines: multi-row INSERTs of explicit ids in one transaction (a few hundred
//! statements instead of one round trip per contact, which on PostgreSQL would be most of the
//! seeding time), then the id sequence moved above them (a no-op on SQLite).

use rusqlite::params;
use rusqlite::types::Value;
use wacr_sandbox::sql::{Connection, params_from_iter};

const FIRST: [&str; 20] = [
    "Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina", "Hugo", "Ines", "Joao", "Karin", "Luis", "Marta", "Nuno", "Olga", "Pedro",
    "Quinn", "Rita", "Sara", "Tomas",
];
const LAST: [&str; 10] = ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa"];
const TYPES: [&str; 3] = ["lead", "customer", "guest"];
const GROUPS: [&str; 5] = ["VIP", "Newsletter", "Events", "Partners", "Churned"];

const COLUMNS: &str =
    "id, tenant_id, firstname, lastname, company, type, email, phone, phone_key, status_id, source_id, city, group_id, created_at, updated_at";
/// Values per contact: one per column.
const PER_ROW: usize = 15;
/// Contacts per INSERT: 15,000 parameters, under both engines' limits (SQLite 32,766,
/// PostgreSQL 65,535).
const PER_STATEMENT: usize = 1000;

/// What the contacts refer to: the tenant's sources, statuses and groups.
struct Refs {
    tenant: i64,
    now: i64,
    first_id: i64,
    sources: Vec<i64>,
    statuses: Vec<i64>,
    groups: Vec<i64>,
}

/// Inserts `n` contacts spread over the tenant's sources, statuses, types and a few groups,
/// in one transaction: (first contact id, a source id, a status id).
pub fn contacts(conn: &mut Connection, tenant: i64, n: usize) -> rusqlite::Result<(i64, i64, i64)> {
    let tx = conn.transaction()?;
    let now: i64 = tx.query_row("SELECT created_at FROM tenants WHERE id = ?1", [tenant], |r| r.get(0))?;
    for name in GROUPS {
        tx.execute("INSERT INTO groups (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO NOTHING", params![tenant, name, now])?;
    }
    let ids = |sql: &str| -> rusqlite::Result<Vec<i64>> { tx.prepare(sql)?.query_map([tenant], |r| r.get(0))?.collect() };
    let refs = Refs {
        tenant,
        now,
        first_id: tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM contacts", [], |r| r.get(0))?,
        sources: ids("SELECT id FROM sources WHERE tenant_id = ?1 ORDER BY id")?,
        statuses: ids("SELECT id FROM statuses WHERE tenant_id = ?1 ORDER BY id")?,
        groups: ids("SELECT id FROM groups WHERE tenant_id = ?1 ORDER BY id")?,
    };
    let full = insert(PER_STATEMENT);
    for start in (0..n).step_by(PER_STATEMENT) {
        let end = (start + PER_STATEMENT).min(n);
        let tail;
        let sql = if end - start == PER_STATEMENT { &full } else { tail = insert(end - start); &tail };
        tx.execute(sql, params_from_iter((start..end).flat_map(|i| refs.contact(i, n))))?;
    }
    tx.ids_follow(&["contacts"])?;
    tx.commit()?;
    Ok((refs.first_id, refs.sources[0], refs.statuses[0]))
}

/// `INSERT INTO contacts (…) VALUES (?, …), …` for `rows` contacts.
fn insert(rows: usize) -> String {
    let row = format!("({})", vec!["?"; PER_ROW].join(", "));
    format!("INSERT INTO contacts ({COLUMNS}) VALUES {}", vec![row.as_str(); rows].join(", "))
}

impl Refs {
    /// Contact `i` of `n`, in the order of [`COLUMNS`].
    fn contact(&self, i: usize, n: usize) -> [Value; PER_ROW] {
        let text = |s: &str| Value::Text(s.to_owned());
        let group_id = if i.is_multiple_of(4) { "[]".to_owned() } else { format!("[{}]", self.groups[i % self.groups.len()]) };
        let created = Value::Integer(self.now - ((n - i) as i64) * 1_000_000);
        [
            Value::Integer(self.first_id + i as i64),
            Value::Integer(self.tenant),
            text(FIRST[i % FIRST.len()]),
            text(LAST[(i / FIRST.len()) % LAST.len()]),
            if i.is_multiple_of(5) { text("Acme Ltd") } else { Value::Null },
            text(TYPES[i % TYPES.len()]),
            Value::Text(format!("contact{i}@bench.test")),
            Value::Text(format!("+1555{i:07}")),
            Value::Text(format!("1555{i:07}")),
            Value::Integer(self.statuses[i % self.statuses.len()]),
            Value::Integer(self.sources[i % self.sources.len()]),
            if i.is_multiple_of(3) { text("Lisbon") } else { Value::Null },
            Value::Text(group_id),
            created.clone(),
            created,
        ]
    }
}

#[cfg(test)]
pub(super) mod tests {
    use wacr_sandbox::{DbPath, startup};

    /// Seeds 2,500 contacts (two full statements and a tail) into a fresh `db`, and checks
    /// them and that the next contact the sandbox creates gets the next id.
    pub(in crate::sandbox) fn seeds_contacts_and_moves_the_ids_on(db: &DbPath) {
        let started = startup::prepare(&crate::sandbox::config(db)).unwrap();
        let tenant = started.primary_tenant;
        let (first, source, status) = started.db.with(|conn| super::contacts(conn, tenant, 2_500)).unwrap();
        started.db.with(|conn| {
            let sql = "SELECT COUNT(*), MIN(id), MAX(id), COUNT(DISTINCT phone_key), SUM(CASE WHEN company IS NULL THEN 0 ELSE 1 END) \
                       FROM contacts WHERE tenant_id = ?1 AND email LIKE '%@bench.test'";
            let seeded: (i64, i64, i64, i64, i64) =
                conn.query_row(sql, [tenant], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
            assert_eq!(seeded, (2_500, first, first + 2_499, 2_500, 500));
            conn.execute(
                "INSERT INTO contacts (tenant_id, firstname, lastname, type, phone, phone_key, status_id, source_id, created_at, updated_at) \
                 VALUES (?1, 'Next', 'One', 'lead', '+19990000000', '19990000000', ?2, ?3, 0, 0)",
                [tenant, status, source],
            )
            .unwrap();
            assert_eq!(conn.last_insert_rowid(), first + 2_500);
        });
    }

    #[test]
    fn contacts_are_seeded_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        seeds_contacts_and_moves_the_ids_on(&DbPath::File(dir.path().join("sandbox.db")));
    }
}
