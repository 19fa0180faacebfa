//! From a `Config` to a ready database: open and migrate, seed on first start (and the second
//! tenant when it is asked for later), issue the extra `--token`s, and report every token text
//! issued by this start (the only moment it is known).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::clock::Ts;
use crate::db::{Db, DbPath};
use crate::error::{Error, Result};
use crate::seed::{self, SeededTenant, TenantSeed};
use crate::store::messages::DeliverySimulation;
use crate::store::templates::Fixture;
use crate::store::tokens::{self, IssuedToken, TokenSpec};

/// What a sandbox runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub db: DbPath,
    /// Extra tokens for the primary tenant (replacing tokens of the same name).
    pub tokens: Vec<TokenSpec>,
    pub second_tenant: bool,
    /// The per-minute limit of the tokens this start issues.
    pub rate_limit_per_minute: i64,
    /// The WhatsApp templates fixture read by Sync Templates; `None`: the built-in one.
    pub templates_fixture: Option<PathBuf>,
    pub delivery: DeliverySimulation,
    /// The primary tenant of a first start (tests seed other shapes).
    pub primary: TenantSeed,
    /// Refused bearer tokens a client address may present per minute before every request of
    /// it gets 429 until the minute ends; 0 turns the check off.
    pub failed_logins_per_minute: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: DbPath::File(PathBuf::from("wacr-sandbox.db")),
            tokens: Vec::new(),
            second_tenant: false,
            rate_limit_per_minute: 60,
            templates_fixture: None,
            delivery: DeliverySimulation::default(),
            primary: TenantSeed::primary(60),
            failed_logins_per_minute: 10,
        }
    }
}

impl Config {
    /// The templates fixture as it is now (read on every sync, so edits are picked up).
    pub fn load_fixture(&self) -> Result<Fixture> {
        match &self.templates_fixture {
            None => Ok(Fixture::builtin()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.clone(), source })?;
                Ok(Fixture::parse(&text)?)
            }
        }
    }
}

/// A database ready to serve.
pub struct Started {
    pub db: Db,
    /// Whether this start created the data.
    pub first_start: bool,
    /// Tenants seeded by this start.
    pub seeded: Vec<SeededTenant>,
    /// Every token issued by this start, seeded or asked for.
    pub issued: Vec<IssuedToken>,
    /// The primary tenant's id.
    pub primary_tenant: i64,
}

/// [`prepare`] on tokio's blocking pool.
pub async fn prepare_blocking(config: &Config) -> Result<Started> {
    let config = config.clone();
    tokio::task::spawn_blocking(move || prepare(&config)).await?
}

/// Opens, migrates and seeds.
pub fn prepare(config: &Config) -> Result<Started> {
    let db = Db::open(&config.db)?;
    let fixture = config.load_fixture()?;
    let now = Ts::now();
    db.with(|conn| {
        let first_start = seed::is_empty(conn)?;
        let mut seeded = Vec::new();
        if first_start {
            let mut primary = config.primary.clone();
            for token in &mut primary.tokens {
                token.rate_limit_per_minute = config.rate_limit_per_minute;
            }
            seeded.push(seed::seed_tenant(conn, &primary, &fixture, now)?);
        }
        let second = TenantSeed::second(config.rate_limit_per_minute);
        if config.second_tenant && seed::tenant_id(conn, &second.subdomain)?.is_none() {
            seeded.push(seed::seed_tenant(conn, &second, &fixture, now)?);
        }
        let primary_tenant = seed::tenant_id(conn, &config.primary.subdomain)?
            .ok_or_else(|| Error::NoTenant(config.primary.subdomain.clone()))?;
        let mut issued: Vec<IssuedToken> = seeded.iter().flat_map(|t| t.tokens.clone()).collect();
        for spec in &config.tokens {
            issued.push(tokens::issue(conn, primary_tenant, &spec.name, spec.scopes, config.rate_limit_per_minute, now)?);
        }
        Ok(Started { db: db.clone(), first_start, seeded, issued, primary_tenant })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &std::path::Path) -> Config {
        Config { db: DbPath::File(dir.join("s.db")), ..Config::default() }
    }

    #[test]
    fn first_start_seeds_then_later_starts_keep_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(&config(dir.path())).unwrap();
        assert!(first.first_start);
        assert_eq!(first.issued.len(), 1);
        let token = first.issued[0].token.clone();
        drop(first);
        let mut again = config(dir.path());
        again.second_tenant = true;
        again.tokens = vec!["ci:contacts:read".parse().unwrap()];
        let second = prepare(&again).unwrap();
        assert!(!second.first_start);
        let names: Vec<_> = second.issued.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["second", "ci"]);
        let principal = second.db.with(|c| tokens::authenticate(c, &token)).unwrap().unwrap();
        assert_eq!(principal.tenant_id, second.primary_tenant);
        assert_eq!(principal.scopes, wacr_server::models::ScopeSet::all());
    }

    #[test]
    fn memory_databases_work() {
        let started = prepare(&Config { db: DbPath::Memory, rate_limit_per_minute: 7, ..Config::default() }).unwrap();
        assert_eq!(started.issued[0].rate_limit_per_minute, 7);
    }
}
