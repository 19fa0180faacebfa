//! From a `Config` to a ready database: open and migrate, seed on first start (and the second
//! tenant when it is asked for later), issue the extra `--token`s, and report every token text
//! issued by this start (the only moment it is known). Every live token gets the limit of
//! this start; a token that had another is reported (and logged as a warning). The webhook
//! endpoints of this start become the active ones, and the signing secret is settled. Every
//! start issues an admin token (earlier starts' ones stay valid). [`reset`] seeds again.

use std::net::SocketAddr;
use std::path::PathBuf;

use rusqlite::params;
use crate::sql::Connection;

use crate::clock::{Clock, Ts};
use crate::db::{Db, DbPath};
use crate::examples;
use crate::faults::NewRule;
use crate::error::{Error, Result};
use crate::seed::{self, SeededTenant, TenantSeed};
use crate::store::messages::DeliverySimulation;
use crate::store::templates::Fixture;
use crate::store::tokens::{self, IssuedToken, Relimited, TokenSpec};
use crate::webhooks::{self, Secret, queue};

/// What a sandbox runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub db: DbPath,
    /// Extra tokens for the primary tenant (replacing tokens of the same name).
    pub tokens: Vec<TokenSpec>,
    pub second_tenant: bool,
    /// The per-minute limit of every token: those this start issues, and those of earlier
    /// starts (updated, with a warning, when they had another).
    pub rate_limit_per_minute: i64,
    /// The WhatsApp templates fixture read by Sync Templates; `None`: the built-in one.
    pub templates_fixture: Option<PathBuf>,
    pub delivery: DeliverySimulation,
    /// The primary tenant of a first start (tests seed other shapes).
    pub primary: TenantSeed,
    /// Also seed, on a first start, the records the API reference's examples name (contact 1,
    /// group 1, message 5021, ...), so that each example answers as documented.
    pub example_data: bool,
    /// The bounds of the generated router (body limits, timeouts, concurrency); its rate
    /// limiter is replaced by the sandbox's own.
    pub server: wacr_server::Config,
    /// Refused bearer tokens a client address may present per minute before every request of
    /// it gets 429 until the minute ends; 0 turns the check off.
    pub failed_logins_per_minute: u32,
    /// Where change events are delivered, signed with what, retried how.
    pub webhooks: webhooks::Settings,
    /// Where the per-token, failed-login and OTP limits are counted: memory (the default), or
    /// Redis shared by every sandbox on it (the OTP limits then leave the database).
    pub rate_limit_store: wacr_server::RateLimitStore,
    /// The fault rules in force from the start (`--faults FILE`): when there are any, they
    /// replace the rules the database holds (see `crate::faults`).
    pub faults: Vec<NewRule>,
    /// Seeds the probability rules' generators (`--fault-seed`).
    pub fault_seed: u64,
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
            example_data: false,
            server: wacr_server::Config::default(),
            failed_logins_per_minute: 10,
            webhooks: webhooks::Settings::default(),
            rate_limit_store: wacr_server::RateLimitStore::Memory,
            faults: Vec::new(),
            fault_seed: 0,
        }
    }
}

impl Config {
    /// The templates fixture as it is now (read on every sync, so edits are picked up), with
    /// the example templates when the example data is asked for.
    pub fn load_fixture(&self) -> Result<Fixture> {
        let mut fixture = match &self.templates_fixture {
            None => Fixture::builtin(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.clone(), source })?;
                Fixture::parse(&text)?
            }
        };
        if self.example_data {
            examples::add_templates(&mut fixture);
        }
        Ok(fixture)
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
    /// Tokens of earlier starts whose limit this start changed.
    pub relimited: Vec<Relimited>,
    /// The webhook signing secret: the configured one, else the one kept in the database.
    pub webhook_secret: Secret,
    /// The admin token issued by this start.
    pub admin_token: String,
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
    let now = db.clock().now();
    db.with(|conn| {
        let first_start = seed::is_empty(conn)?;
        let mut seeded = Vec::new();
        if first_start {
            seeded.push(seed_primary(conn, config, &fixture, now)?);
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
        let relimited = tokens::set_rate_limits(conn, config.rate_limit_per_minute)?;
        for token in &relimited {
            let (name, tenant, was, now) = (&token.name, token.tenant_id, token.was, config.rate_limit_per_minute);
            tracing::warn!(token = %name, tenant, was, now, "token `{name}` had a limit of {was} requests a minute; --rate-limit sets {now}");
        }
        queue::set_endpoints(conn, &config.webhooks.urls)?;
        config.delivery.store(conn)?;
        let (webhook_secret, _) = queue::secret(conn, config.webhooks.secret.as_ref())?;
        let admin_token = tokens::issue_admin(conn, now)?;
        Ok(Started { db: db.clone(), first_start, seeded, issued, primary_tenant, relimited, webhook_secret, admin_token })
    })
}

/// The primary tenant of a first start, with the example records when they are asked for.
fn seed_primary(conn: &Connection, config: &Config, fixture: &Fixture, now: Ts) -> Result<SeededTenant> {
    let mut primary = config.primary.clone();
    for token in &mut primary.tokens {
        token.rate_limit_per_minute = config.rate_limit_per_minute;
    }
    if config.example_data {
        examples::adapt(&mut primary);
    }
    let tenant = seed::seed_tenant(conn, &primary, fixture, now)?;
    if config.example_data {
        examples::seed(conn, tenant.tenant_id, now)?;
    }
    Ok(tenant)
}

/// A live or revoked API token as stored, kept across a reset.
struct KeptToken {
    id: i64,
    subdomain: String,
    name: String,
    token_hash: String,
    scopes: String,
    rate_limit_per_minute: i64,
    revoked_at: Option<i64>,
    created_at: i64,
}

/// Returns the data to the seed state of a first start (the second tenant too when it was
/// there), in one transaction: every tenant's records and the webhook events go, the virtual
/// clock returns to the system time, the tenants are seeded again. The API tokens are kept
/// (same ids, same texts), so a running test carries on; so are the admin tokens, the webhook
/// endpoints and the signing secret. Returns the time of the new seed.
pub fn reset(conn: &mut Connection, config: &Config, clock: &Clock) -> Result<Ts> {
    let fixture = config.load_fixture()?;
    let tx = conn.transaction()?;
    let kept = {
        let mut stmt = tx.prepare(
            "SELECT k.id, t.subdomain, k.name, k.token_hash, k.scopes, k.rate_limit_per_minute, k.revoked_at, k.created_at \
             FROM tokens k JOIN tenants t ON t.id = k.tenant_id ORDER BY k.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KeptToken {
                id: r.get(0)?, subdomain: r.get(1)?, name: r.get(2)?, token_hash: r.get(3)?, scopes: r.get(4)?,
                rate_limit_per_minute: r.get(5)?, revoked_at: r.get(6)?, created_at: r.get(7)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let second = TenantSeed::second(config.rate_limit_per_minute);
    let had_second = seed::tenant_id(&tx, &second.subdomain)?.is_some();
    tx.execute_batch("DELETE FROM webhook_events; DELETE FROM rate_counters; DELETE FROM tenants; DELETE FROM plans;")?;
    let now = clock.clear(&tx)?;
    seed_primary(&tx, config, &fixture, now)?;
    if had_second {
        seed::seed_tenant(&tx, &second, &fixture, now)?;
    }
    tx.execute("DELETE FROM tokens", [])?;
    for t in &kept {
        tx.execute(
            "INSERT INTO tokens (id, tenant_id, name, token_hash, scopes, rate_limit_per_minute, revoked_at, created_at) \
             SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8 FROM tenants WHERE subdomain = ?2",
            params![t.id, t.subdomain, t.name, t.token_hash, t.scopes, t.rate_limit_per_minute, t.revoked_at, t.created_at],
        )?;
    }
    tx.commit()?;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a subscriber writes.
    #[derive(Clone, Default)]
    struct Logged(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Logged {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logged {
        type Writer = Logged;
        fn make_writer(&'a self) -> Logged {
            self.clone()
        }
    }

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
    fn a_new_rate_limit_applies_to_earlier_tokens_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let first = prepare(&config(dir.path())).unwrap();
        assert!(first.relimited.is_empty());
        let token = first.issued[0].token.clone();
        drop(first);
        let logged = Logged::default();
        let subscriber = tracing_subscriber::fmt().with_writer(logged.clone()).with_ansi(false).without_time().finish();
        let again = tracing::subscriber::with_default(subscriber, || prepare(&Config { rate_limit_per_minute: 600, ..config(dir.path()) }).unwrap());
        assert_eq!(again.relimited, [Relimited { tenant_id: again.primary_tenant, name: "default".into(), was: 60 }]);
        let principal = again.db.with(|c| tokens::authenticate(c, &token)).unwrap().unwrap();
        assert_eq!(principal.rate_limit_per_minute, 600);
        let text = String::from_utf8(logged.0.lock().unwrap().clone()).unwrap();
        assert!(text.lines().any(|l| l.contains("WARN") && l.contains("had a limit of 60") && l.contains("sets 600")), "{text}");
        assert!(!text.contains(&token), "the token is not logged: {text}");
    }

    #[test]
    fn memory_databases_work() {
        let started = prepare(&Config { db: DbPath::Memory, rate_limit_per_minute: 7, ..Config::default() }).unwrap();
        assert_eq!(started.issued[0].rate_limit_per_minute, 7);
    }
}
