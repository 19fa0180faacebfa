//! Fault injection: rules that make calls of chosen API operations slow, fail (429, 500, 503 in
//! the API's error envelope) or lose their connection, so that a client's retries and timeouts
//! can be tested. [`Faults`] is the registry, [`Faults::layer`] applies it in front of the API
//! router, [`routes`] serves `/_sandbox/faults`, [`file`](mod@file) reads `--faults FILE`.
//!
//! Rules are kept in memory, per process: a restart starts with the `--faults` file's rules
//! only. A firing rule acts before the API sees the call: a call answered with a status or
//! dropped is not processed (nothing is read, written or counted against a rate limit), and a
//! latency is waited before the call goes on.

pub mod file;
mod layer;
mod routes;
mod rule;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use wacr_runtime::OperationInfo;

pub use layer::{FaultLayer, FaultService};
pub use routes::routes;
pub use rule::{Action, DEFAULT_RETRY_AFTER, Fire, InvalidRule, MAX_LATENCY_MS, Match, NewRule, Rule, RuleError, STATUSES};

/// The fault rules of a sandbox: cheap to clone, shared by every clone.
///
/// A call of an operation consults the rules that target it in the order they were added; the
/// first that fires acts, and the later ones are not consulted for that call (their counters
/// and random draws do not move). A `{times: N}` rule that has fired N times stays listed and
/// no longer fires.
///
/// Repeatable runs: each rule draws from its own generator, seeded when the rule is added by
/// the registry's generator (seeded with `seed`, `--fault-seed`). With the same seed, the rules
/// added in the same order since the start fire on the same of their matching calls, in the same
/// order, whatever other traffic there is.
#[derive(Clone)]
pub struct Faults {
    registry: Arc<Mutex<Registry>>,
}

struct Registry {
    next_id: u64,
    /// Seeds the generator of each rule as it is added.
    seeds: fastrand::Rng,
    rules: Vec<Active>,
}

/// A rule in force.
struct Active {
    rule: Rule,
    target: &'static OperationInfo,
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

impl Faults {
    /// No rules; probability rules draw from generators seeded by `seed`.
    pub fn new(seed: u64) -> Faults {
        let registry = Registry { next_id: 1, seeds: fastrand::Rng::with_seed(seed), rules: Vec::new() };
        Faults { registry: Arc::new(Mutex::new(registry)) }
    }

    /// Adds a rule after the others; returns it with its id.
    pub fn add(&self, rule: NewRule) -> Result<Rule, InvalidRule> {
        let target = rule.check()?;
        let mut registry = self.lock();
        let id = registry.next_id;
        registry.next_id += 1;
        let rng = fastrand::Rng::with_seed(registry.seeds.u64(..));
        let rule = Rule { id, matches: rule.matches, fire: rule.fire, action: rule.action, matched: 0, fired: 0 };
        registry.rules.push(Active { rule: rule.clone(), target, rng });
        Ok(rule)
    }

    /// The rules in force, in the order they are consulted, with their counters.
    pub fn list(&self) -> Vec<Rule> {
        self.lock().rules.iter().map(|active| active.rule.clone()).collect()
    }

    /// Removes the rule `id`; returns it, or `None` when there is none.
    pub fn remove(&self, id: u64) -> Option<Rule> {
        let mut registry = self.lock();
        let at = registry.rules.iter().position(|active| active.rule.id == id)?;
        Some(registry.rules.remove(at).rule)
    }

    /// Removes every rule (ids are not reused).
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// The layer that applies the rules to the calls of a router: see [`FaultLayer`].
    pub fn layer(&self) -> FaultLayer {
        FaultLayer::new(self.clone())
    }

    /// Consults the rules for one call, by its method and the route the router matched (with or
    /// without the base path); the firing rule, if any. Without rules, nothing is looked up.
    pub fn fire(&self, method: &str, matched_path: &str) -> Option<Firing> {
        let mut registry = self.lock();
        if registry.rules.is_empty() {
            return None;
        }
        let operation = rule::operation_at(method, matched_path)?;
        registry.rules.iter_mut().filter(|active| active.target.id == operation.id).find_map(Active::consult)
    }

    /// The registry holds no lock across an await and no code that panics, so a poisoned lock
    /// still has consistent data.
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Active {
    /// Counts a matching call; the firing when the rule fires on it.
    fn consult(&mut self) -> Option<Firing> {
        let rule = &mut self.rule;
        rule.matched += 1;
        let fires = match rule.fire {
            Fire::Always(_) => true,
            Fire::Times(n) => rule.fired < n,
            Fire::Probability(p) => self.rng.f64() < p,
        };
        fires.then(|| {
            rule.fired += 1;
            Firing { rule: rule.id, operation: self.target.id, action: rule.action }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(fire: Fire) -> NewRule {
        NewRule { matches: Match { operation: Some("list_contacts".into()), route: None }, fire, action: Action { status: Some(503), ..Action::default() } }
    }

    #[test]
    fn rules_fire_in_order_and_count_their_calls() {
        let faults = Faults::new(0);
        let once = faults.add(rule(Fire::Times(1))).unwrap();
        let always = faults.add(rule(Fire::Always(true))).unwrap();
        assert_eq!((once.id, always.id), (1, 2));
        let list = || faults.fire("GET", "/contacts");
        assert_eq!(list().unwrap().rule, 1);
        assert_eq!(faults.fire("GET", "/api/v2/contacts").unwrap().rule, 2);
        assert!(faults.fire("GET", "/contacts/{id}").is_none());
        let counters: Vec<_> = faults.list().iter().map(|r| (r.id, r.matched, r.fired)).collect();
        assert_eq!(counters, [(1, 2, 1), (2, 1, 1)]);
        assert_eq!(faults.remove(2).map(|r| r.id), Some(2));
        assert_eq!(faults.remove(2), None);
        assert!(list().is_none());
        faults.clear();
        assert!(faults.list().is_empty());
        assert_eq!(faults.add(rule(Fire::Always(true))).unwrap().id, 3);
    }

    #[test]
    fn probability_rules_repeat_with_their_seed() {
        let fired = |seed| {
            let faults = Faults::new(seed);
            faults.add(rule(Fire::Probability(0.5))).unwrap();
            (0..64).map(|_| faults.fire("GET", "/contacts").is_some()).collect::<Vec<_>>()
        };
        assert_eq!(fired(7), fired(7));
        assert_ne!(fired(7), fired(8));
        let hits = fired(7).iter().filter(|f| **f).count();
        assert!((16..=48).contains(&hits), "{hits} of 64");
        let never = Faults::new(1);
        never.add(rule(Fire::Probability(0.0))).unwrap();
        assert!((0..100).all(|_| never.fire("GET", "/contacts").is_none()));
    }

    #[test]
    fn an_invalid_rule_is_not_added() {
        let faults = Faults::new(0);
        let error = faults.add(rule(Fire::Times(0))).unwrap_err();
        assert_eq!(error.0, [RuleError::NoTimes]);
        assert!(faults.list().is_empty());
    }
}
