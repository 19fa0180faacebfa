//! Unit-test fixture: a real SQLite file in a temp dir, seeded with the primary and the second
//! tenant, plus shortcuts for the records most tests need.

use crate::sql::Connection;

use super::{Ctx, Error, FieldErrors, Result};
use wacr_server::models::{Contact, ContactType, CreateContactBody};

use super::contacts;
use crate::clock::Ts;
use crate::db;
use crate::seed::{self, TenantSeed};
use crate::store::templates::Fixture as Templates;

pub(crate) struct Fixture {
    pub conn: Connection,
    pub tenant: i64,
    pub other: i64,
    pub now: Ts,
    pub token: String,
    /// Where the database is (another connection opens it here).
    pub path: db::DbPath,
    _dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(TenantSeed::primary(60))
    }

    /// The primary tenant seeded from `seed`, the second tenant as usual.
    pub fn with(seed: TenantSeed) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = db::test_database(dir.path().join("store.db"));
        let conn = db::open(&path).unwrap();
        let now = Ts(1_750_000_000_000_000);
        let primary = seed::seed_tenant(&conn, &seed, &Templates::builtin(), now).unwrap();
        let other = seed::seed_tenant(&conn, &TenantSeed::second(60), &Templates::builtin(), now).unwrap();
        let token = primary.tokens[0].token.clone();
        Fixture { conn, path, tenant: primary.tenant_id, other: other.tenant_id, now, token, _dir: dir }
    }

    /// Whether the fixture runs on SQLite (the list-count cache is SQLite's alone).
    pub fn on_sqlite(&self) -> bool {
        !matches!(self.path, db::DbPath::Postgres(_))
    }

    pub fn ctx(&self) -> Ctx {
        Ctx { tenant_id: self.tenant, now: self.now }
    }

    pub fn other_ctx(&self) -> Ctx {
        Ctx { tenant_id: self.other, now: self.now }
    }

    /// Moves the clock on.
    pub fn advance(&mut self, seconds: i64) {
        self.now = self.now.plus_secs(seconds);
    }

    /// The first source and status of a tenant.
    pub fn source_and_status(&self, tenant: i64) -> (i64, i64) {
        let q = |table: &str| -> i64 {
            self.conn.query_row(&format!("SELECT MIN(id) FROM {table} WHERE tenant_id = ?1"), [tenant], |r| r.get(0)).unwrap()
        };
        (q("sources"), q("statuses"))
    }

    pub fn new_contact(&self, phone: &str) -> CreateContactBody {
        let (source_id, status_id) = self.source_and_status(self.tenant);
        CreateContactBody::new("Jane", "Doe", phone, ContactType::Lead, source_id, status_id)
    }

    /// Creates a contact of the primary tenant.
    pub fn contact(&mut self, phone: &str) -> Contact {
        let new = self.new_contact(phone);
        let ctx = self.ctx();
        contacts::create(&mut self.conn, &ctx, &new).unwrap()
    }
}

/// The field messages of a VALIDATION_ERROR; any other outcome fails the test.
pub(crate) fn validation<T: std::fmt::Debug>(result: Result<T>) -> FieldErrors {
    match result {
        Err(Error::Validation(errors)) => errors,
        other => panic!("expected a validation error, got {other:?}"),
    }
}
