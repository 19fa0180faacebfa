//! Fault injection: rules that make calls of chosen API operations slow, fail (429, 500, 503 in
//! the API's error envelope) or lose their connection, so that a client's retries and timeouts
//! can be tested. [`Faults`] is the registry, [`Faults::layer`] applies it in front of the API
//! router, [`routes`] serves `/_sandbox/faults`, [`file`](mod@file) reads `--faults FILE`.
//!
//! Rules live in the database (`table`), so every sandbox serving one database applies the
//! same rules: one added or removed through any sandbox's admin API, or by a start with
//! `--faults FILE` (whose rules replace the database's), is in force on all of them, the
//! counters are counted across them, and a `{times: N}` rule fires N times in all. Rules outlast
//! a restart, as the clock does. A firing rule acts before the API sees the call: a call
//! answered with a status or dropped is not processed (nothing is read, written or counted
//! against a rate limit), and a latency is waited before the call goes on.
//!
//! What a call costs: each sandbox keeps the rules as it last read them, and a call of an
//! operation that no rule targets is decided on that copy, without the database. A call that a
//! rule targets counts itself in the database (one UPDATE per rule consulted, two for a spent
//! `{times: N}` rule). Each sandbox polls the rule set's version every [`REFRESH`] and reads the
//! rules again when it moved, so a rule added through another sandbox is in force here within
//! [`REFRESH`] plus one read of the database (a change made here is in force here at once). A
//! removed rule stops firing everywhere at once: counting a call finds it gone.

pub mod file;
mod layer;
mod routes;
mod rule;
mod table;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::Instrument;
use wacr_runtime::OperationInfo;

use crate::db::Db;
use crate::sql::Connection;

pub use layer::{FaultLayer, FaultService};
pub use routes::routes;
pub use rule::{Action, DEFAULT_RETRY_AFTER, Fire, InvalidRule, MAX_LATENCY_MS, Match, NewRule, Rule, RuleError, STATUSES};

/// How often each sandbox looks for rule changes made through the other sandboxes on its
/// database: the bound, plus one read, on how long such a change takes to be in force here.
/// Short enough that a test adding a rule through one sandbox and calling another barely waits;
/// a poll is one single-row read, so ten a second cost the database next to nothing.
pub const REFRESH: Duration = Duration::from_millis(100);

/// Why a change of the rules failed.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    /// The rule is refused (every reason, by field).
    #[error(transparent)]
    Invalid(#[from] InvalidRule),
    /// The database refused a statement.
    #[error("fault rules: database: {0}")]
    Database(#[from] rusqlite::Error),
}

/// The fault rules of a sandbox: cheap to clone, shared by every clone, and, through the
/// database, by every sandbox on it.
///
/// A call of an operation consults the rules that target it in the order they were added; the
/// first that fires acts, and the later ones are not consulted for that call (their counters
/// and random draws do not move). A `{times: N}` rule that has fired N times (on any sandbox)
/// stays listed and no longer fires.
///
/// Repeatable runs: each sandbox draws a rule's probability from its own generator for that
/// rule, seeded from the sandbox's generator (seeded with `seed`, `--fault-seed`) when it first
/// reads the rule, in id order. With the same seed, the rules added in the same order since the
/// start fire on the same of their matching calls, in the same order, whatever other traffic
/// there is, on one sandbox; sandboxes sharing a database each draw for the calls they serve.
#[derive(Clone)]
pub struct Faults {
    db: Db,
    known: Arc<Mutex<Known>>,
}

/// The rules as this sandbox last read them.
struct Known {
    /// Seeds the generator of each rule as it is first read.
    seeds: fastrand::Rng,
    /// In id order, the order they are consulted.
    rules: Vec<Active>,
    /// The version of the rule set these are (`None`: not read yet).
    version: Option<i64>,
}

/// A rule in force.
struct Active {
    id: u64,
    target: &'static OperationInfo,
    fire: Fire,
    action: Action,
    rng: fastrand::Rng,
}

/// What a rule that fired does to one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Firing {
    pub rule: u64,
    /// The operation id of the call.
    pub operation: &'static str,
    pub action: Action,
}

/// The rules this sandbox knows that target one call's operation, in order.
struct Candidates {
    operation: &'static str,
    ids: Vec<u64>,
}

impl Faults {
    /// The rules of `db`, read by [`Faults::start`] or the first change made through this
    /// registry; probability rules draw from generators seeded by `seed`.
    pub fn new(db: Db, seed: u64) -> Faults {
        let known = Known { seeds: fastrand::Rng::with_seed(seed), rules: Vec::new(), version: None };
        Faults { db, known: Arc::new(Mutex::new(known)) }
    }

    /// Adds a rule after the others; returns it with its id.
    pub async fn add(&self, rule: NewRule) -> Result<Rule, FaultError> {
        rule.check()?;
        self.write(move |conn| table::add(conn, &rule)).await
    }

    /// The rules in force, in the order they are consulted, with their counters (counted by
    /// every sandbox on the database).
    pub async fn list(&self) -> Result<Vec<Rule>, FaultError> {
        Ok(self.db.call(|conn| table::list(conn)).await?)
    }

    /// Removes the rule `id`; returns it, or `None` when there is none.
    pub async fn remove(&self, id: u64) -> Result<Option<Rule>, FaultError> {
        self.write(move |conn| table::remove(conn, id)).await
    }

    /// Removes every rule (ids are not reused).
    pub async fn clear(&self) -> Result<(), FaultError> {
        self.write(table::clear).await
    }

    /// The rules in force at start: `rules` replace the database's when there are any (each
    /// start with `--faults FILE` starts them afresh, with zero counters); without, the
    /// database's stay. The caller has checked `rules`.
    pub async fn start(&self, rules: Vec<NewRule>) -> Result<(), FaultError> {
        if rules.is_empty() {
            self.refresh().await?;
            return Ok(());
        }
        self.write(move |conn| table::replace(conn, &rules)).await.map(drop)
    }

    /// Reads the rules again when another sandbox changed them since the last read; whether
    /// it did (one single-row read when not).
    pub async fn refresh(&self) -> Result<bool, FaultError> {
        let known = Arc::clone(&self.known);
        Ok(self.db.call(move |conn| catch_up(&known, conn)).await?)
    }

    /// Polls for changes made through the other sandboxes every [`REFRESH`] until aborted; a
    /// change found is published to the web inbox's open pages. A failing read is logged once
    /// until a read succeeds again.
    pub fn spawn_refresh(&self) -> JoinHandle<()> {
        let faults = self.clone();
        let poll = async move {
            let mut tick = tokio::time::interval(REFRESH);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                tick.tick().await;
                match faults.refresh().await {
                    Ok(changed) => {
                        failing = false;
                        if changed {
                            faults.db.changes().publish();
                        }
                    }
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!(error = %e, "reading the fault rules failed; the rules last read stay in force");
                    }
                    Err(_) => {}
                }
            }
        };
        tokio::spawn(poll.instrument(tracing::info_span!("fault_rules")))
    }

    /// The layer that applies the rules to the calls of a router: see [`FaultLayer`].
    pub fn layer(&self) -> FaultLayer {
        FaultLayer::new(self.clone())
    }

    /// Consults the rules for one call, by its method and the route the router matched (with or
    /// without the base path); the firing rule, if any. When no rule targets the call's
    /// operation, the database is not read.
    pub async fn fire(&self, method: &str, matched_path: &str) -> Option<Firing> {
        let candidates = self.candidates(method, matched_path)?;
        self.consult(candidates).await
    }

    /// The rules that target the call's operation, from the rules last read; `None` when none.
    fn candidates(&self, method: &str, matched_path: &str) -> Option<Candidates> {
        let known = lock(&self.known);
        if known.rules.is_empty() {
            return None;
        }
        let operation = rule::operation_at(method, matched_path)?;
        let ids: Vec<u64> = known.rules.iter().filter(|active| active.target.id == operation.id).map(|active| active.id).collect();
        (!ids.is_empty()).then_some(Candidates { operation: operation.id, ids })
    }

    /// Counts the call against the candidates in order, in the database, until one fires. A
    /// failing count is logged and the call goes on unfaulted.
    async fn consult(&self, candidates: Candidates) -> Option<Firing> {
        let known = Arc::clone(&self.known);
        let consulted = self.db.call(move |conn| {
            for id in candidates.ids {
                let Some((fires, action)) = lock(&known).draw(id) else { continue };
                if table::count(conn, id, fires)? {
                    return Ok(Some(Firing { rule: id, operation: candidates.operation, action }));
                }
            }
            Ok(None)
        });
        consulted.await.unwrap_or_else(|e: rusqlite::Error| {
            tracing::error!(error = %e, "counting a call against the fault rules failed; the call goes on");
            None
        })
    }

    /// Runs a change of the rules, then reads them again (a failed read is logged: the next
    /// poll reads them).
    async fn write<T, F>(&self, change: F) -> Result<T, FaultError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let known = Arc::clone(&self.known);
        let written = self.db.call(move |conn| {
            let value = change(conn)?;
            if let Err(e) = catch_up(&known, conn) {
                tracing::warn!(error = %e, "reading the fault rules after a change failed");
            }
            Ok::<_, rusqlite::Error>(value)
        });
        Ok(written.await?)
    }
}

/// Reads the rules into `known` when their version moved; whether it did. The version is read
/// first: a change committed between the two reads moves it again, so the next call reads the
/// rules again and none is missed.
fn catch_up(known: &Mutex<Known>, conn: &Connection) -> rusqlite::Result<bool> {
    let version = table::version(conn)?;
    if lock(known).version == Some(version) {
        return Ok(false);
    }
    let rules = table::list(conn)?;
    lock(known).learn(rules, version);
    Ok(true)
}

/// The registry holds no lock across an await and no code that panics, so a poisoned lock
/// still has consistent data.
fn lock(known: &Mutex<Known>) -> MutexGuard<'_, Known> {
    known.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Known {
    /// Takes `rules` (in id order) as the rules in force; a rule already known keeps its
    /// generator, a new one gets the next seed. A rule whose operation this build does not
    /// have (written by another version) is left out here, with a warning.
    fn learn(&mut self, rules: Vec<Rule>, version: i64) {
        let mut generators: HashMap<u64, fastrand::Rng> = self.rules.drain(..).map(|active| (active.id, active.rng)).collect();
        for rule in rules {
            let Some(target) = rule.matches.operation() else {
                tracing::warn!(rule = rule.id, "a fault rule names no operation of this build; it is not applied here");
                continue;
            };
            let rng = generators.remove(&rule.id).unwrap_or_else(|| fastrand::Rng::with_seed(self.seeds.u64(..)));
            self.rules.push(Active { id: rule.id, target, fire: rule.fire, action: rule.action, rng });
        }
        self.version = Some(version);
    }

    /// Whether the rule `id` would fire by its own terms (a `{times: N}` rule: the database
    /// decides) and what it does; `None` when it is no longer known.
    fn draw(&mut self, id: u64) -> Option<(bool, Action)> {
        let active = self.rules.iter_mut().find(|active| active.id == id)?;
        let fires = match active.fire {
            Fire::Always(_) | Fire::Times(_) => true,
            Fire::Probability(p) => active.rng.f64() < p,
        };
        Some((fires, active.action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DbPath, test_database};

    fn rule(fire: Fire) -> NewRule {
        NewRule { matches: Match { operation: Some("list_contacts".into()), route: None }, fire, action: Action { status: Some(503), ..Action::default() } }
    }

    /// A database of its own (a PostgreSQL schema under `WACR_TEST_POSTGRES`), kept with its
    /// directory.
    fn database() -> (DbPath, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        (test_database(dir.path().join("sandbox.db")), dir)
    }

    async fn registry(path: &DbPath, seed: u64) -> Faults {
        let faults = Faults::new(Db::open(path).unwrap(), seed);
        faults.start(Vec::new()).await.unwrap();
        faults
    }

    #[tokio::test]
    async fn rules_fire_in_order_and_count_their_calls() {
        let (path, _dir) = database();
        let faults = registry(&path, 0).await;
        let once = faults.add(rule(Fire::Times(1))).await.unwrap();
        let always = faults.add(rule(Fire::Always(true))).await.unwrap();
        assert_eq!((once.id, always.id), (1, 2));
        assert_eq!(faults.fire("GET", "/contacts").await.unwrap().rule, 1);
        assert_eq!(faults.fire("GET", "/api/v2/contacts").await.unwrap().rule, 2);
        assert!(faults.fire("GET", "/contacts/{id}").await.is_none());
        let counters: Vec<_> = faults.list().await.unwrap().iter().map(|r| (r.id, r.matched, r.fired)).collect();
        assert_eq!(counters, [(1, 2, 1), (2, 1, 1)]);
        assert_eq!(faults.remove(2).await.unwrap().map(|r| r.id), Some(2));
        assert_eq!(faults.remove(2).await.unwrap(), None);
        assert!(faults.fire("GET", "/contacts").await.is_none());
        faults.clear().await.unwrap();
        assert!(faults.list().await.unwrap().is_empty());
        assert_eq!(faults.add(rule(Fire::Always(true))).await.unwrap().id, 3);
    }

    #[tokio::test]
    async fn probability_rules_repeat_with_their_seed() {
        let fired = |seed| async move {
            let (path, _dir) = database();
            let faults = registry(&path, seed).await;
            faults.add(rule(Fire::Probability(0.5))).await.unwrap();
            let mut fired = Vec::new();
            for _ in 0..64 {
                fired.push(faults.fire("GET", "/contacts").await.is_some());
            }
            fired
        };
        assert_eq!(fired(7).await, fired(7).await);
        assert_ne!(fired(7).await, fired(8).await);
        let hits = fired(7).await.iter().filter(|f| **f).count();
        assert!((16..=48).contains(&hits), "{hits} of 64");
        let (path, _dir) = database();
        let never = registry(&path, 1).await;
        never.add(rule(Fire::Probability(0.0))).await.unwrap();
        for _ in 0..100 {
            assert!(never.fire("GET", "/contacts").await.is_none());
        }
    }

    #[tokio::test]
    async fn an_invalid_rule_is_not_added() {
        let (path, _dir) = database();
        let faults = registry(&path, 0).await;
        let Err(FaultError::Invalid(error)) = faults.add(rule(Fire::Times(0))).await else { panic!("refused") };
        assert_eq!(error.0, [RuleError::NoTimes]);
        assert!(faults.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn registries_on_one_database_share_rules_and_times() {
        let (path, _dir) = database();
        let (a, b) = (registry(&path, 0).await, registry(&path, 0).await);
        let twice = a.add(rule(Fire::Times(2))).await.unwrap();
        assert!(b.fire("GET", "/contacts").await.is_none(), "b has not read the rules yet");
        assert!(b.refresh().await.unwrap(), "b reads the new rule");
        assert!(!b.refresh().await.unwrap(), "nothing moved since");
        let fired = [b.fire("GET", "/contacts").await, a.fire("GET", "/contacts").await, b.fire("GET", "/contacts").await, a.fire("GET", "/contacts").await];
        assert_eq!(fired.map(|f| f.map(|f| f.rule)), [Some(twice.id), Some(twice.id), None, None], "twice in all");
        let listed = a.list().await.unwrap();
        assert_eq!((listed[0].matched, listed[0].fired), (4, 2));
        b.clear().await.unwrap();
        assert!(a.refresh().await.unwrap());
        assert!(a.fire("GET", "/contacts").await.is_none());
    }

    #[tokio::test]
    async fn a_start_with_rules_replaces_the_database_s() {
        let (path, _dir) = database();
        let first = registry(&path, 0).await;
        first.add(rule(Fire::Always(true))).await.unwrap();
        let again = Faults::new(Db::open(&path).unwrap(), 0);
        again.start(vec![rule(Fire::Times(3))]).await.unwrap();
        let listed = again.list().await.unwrap();
        assert_eq!(listed.iter().map(|r| (r.id, r.fire)).collect::<Vec<_>>(), [(2, Fire::Times(3))]);
        let without = registry(&path, 0).await;
        assert_eq!(without.fire("GET", "/contacts").await.map(|f| f.rule), Some(2), "a start without rules keeps the database's");
    }

    #[tokio::test]
    async fn a_call_no_rule_targets_does_not_wait_for_the_database() {
        let (path, _dir) = database();
        let faults = registry(&path, 0).await;
        faults.add(rule(Fire::Always(true))).await.unwrap();
        let on_sqlite = faults.db.with(|c| c.engine()) == crate::sql::Engine::Sqlite;
        let busy = faults.db.clone();
        let holder = std::thread::spawn(move || busy.with(|_| std::thread::sleep(Duration::from_millis(400))));
        std::thread::sleep(Duration::from_millis(50));
        let other = tokio::time::timeout(Duration::from_millis(100), faults.fire("GET", "/contacts/{id}")).await;
        assert_eq!(other, Ok(None), "decided without the database");
        // SQLite's one connection is held; PostgreSQL would lend the call another session
        if on_sqlite {
            let targeted = tokio::time::timeout(Duration::from_millis(100), faults.fire("GET", "/contacts")).await;
            assert!(targeted.is_err(), "a targeted call counts itself in the database");
        }
        holder.join().unwrap();
    }
}
