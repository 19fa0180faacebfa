//! A fault rule on the wire (what `POST /_sandbox/faults` and `--faults FILE` take, and the
//! list answers), its typed validation errors, and the operation a rule targets, found in the
//! generated table of operations (`wacr_server::OPERATIONS`).

use std::fmt;

use serde::{Deserialize, Serialize};
use wacr_runtime::OperationInfo;

use crate::server::BASE_PATH;

/// The statuses a rule can answer with.
pub const STATUSES: [u16; 3] = [429, 500, 503];
/// The longest latency a rule may add: longer waits are a hung server, which `drop` covers.
pub const MAX_LATENCY_MS: u64 = 600_000;
/// The `Retry-After` of a 429 or 503 whose rule gives none.
pub const DEFAULT_RETRY_AFTER: u64 = 1;

/// A rule as it is given: which calls it matches, when it fires, what it does then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    #[serde(rename = "match")]
    pub matches: Match,
    /// When it fires; `{always: true}` when left out.
    #[serde(default)]
    pub fire: Fire,
    pub action: Action,
}

/// A rule in the registry: its id (an integer the server assigns: 1, 2, ..., never reused),
/// the rule as given, and how many calls it was consulted for (`matched`) and acted on
/// (`fired`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: u64,
    #[serde(rename = "match")]
    pub matches: Match,
    pub fire: Fire,
    pub action: Action,
    pub matched: u64,
    pub fired: u64,
}

/// The calls a rule matches: those of an operation, named by its id (`list_contacts`) or its
/// route (`GET /contacts/{id}`, the spec's path template, with or without the `/api/v2` base
/// path; parameter names may differ). Both may be given if they name the same operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

/// When a rule fires on a matching call: `{always: true}`, `{times: N}` (the next N matching
/// calls, then never), `{probability: P}` (each matching call with probability P, drawn from
/// the rule's seeded generator).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fire {
    Always(bool),
    Times(u64),
    Probability(f64),
}

impl Default for Fire {
    fn default() -> Self {
        Fire::Always(true)
    }
}

/// What a firing rule does, in this order: wait `latency_ms`; then answer `status` (429, 500,
/// 503, in the API's error envelope, `Retry-After: retry_after` on 429 and 503), or close the
/// connection unanswered (`drop`), or, with neither, let the call go on to the API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(ms) = self.latency_ms {
            parts.push(format!("latency {ms} ms"));
        }
        if let Some(status) = self.status {
            parts.push(format!("status {status}"));
        }
        if self.drop {
            parts.push("drop".to_owned());
        }
        f.write_str(&parts.join(", "))
    }
}

/// One reason a rule is refused, with the field it is about.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("a rule matches an `operation` or a `route` (or both)")]
    NoTarget,
    #[error("`{0}` is not an operation id of the API (such as list_contacts)")]
    UnknownOperation(String),
    #[error("`{0}` is not a route: write the method and the path template, such as `GET /contacts/{{id}}`")]
    RouteShape(String),
    #[error("no operation of the API is at `{0}`")]
    UnknownRoute(String),
    #[error("operation `{operation}` is at `{at}`, not at `{route}`")]
    Mismatch { operation: String, at: String, route: String },
    #[error("`always` is true when given (leave `fire` out, or use `times` or `probability`)")]
    AlwaysFalse,
    #[error("`times` is at least 1")]
    NoTimes,
    #[error("`probability` is between 0 and 1, not {0}")]
    Probability(f64),
    #[error("a rule does something: `latency_ms`, `status` or `drop`")]
    NoAction,
    #[error("status {0} is not one a rule answers with (429, 500 or 503)")]
    Status(u16),
    #[error("`retry_after` goes with status 429 or 503")]
    RetryAfter,
    #[error("`status` and `drop` exclude each other: a dropped connection has no status")]
    StatusAndDrop,
    #[error("`latency_ms` is at most {MAX_LATENCY_MS}, not {0}")]
    Latency(u64),
}

impl RuleError {
    /// The field the error is about, as the 422's `errors` keys it.
    pub fn field(&self) -> &'static str {
        match self {
            RuleError::NoTarget | RuleError::Mismatch { .. } => "match",
            RuleError::UnknownOperation(_) => "match.operation",
            RuleError::RouteShape(_) | RuleError::UnknownRoute(_) => "match.route",
            RuleError::AlwaysFalse => "fire.always",
            RuleError::NoTimes => "fire.times",
            RuleError::Probability(_) => "fire.probability",
            RuleError::NoAction | RuleError::StatusAndDrop => "action",
            RuleError::Status(_) => "action.status",
            RuleError::RetryAfter => "action.retry_after",
            RuleError::Latency(_) => "action.latency_ms",
        }
    }
}

/// A refused rule: every reason, in field order.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {e}", e.field())).collect::<Vec<_>>().join("; "))]
pub struct InvalidRule(pub Vec<RuleError>);

impl NewRule {
    /// The operation the rule targets, when the rule is valid.
    pub fn check(&self) -> Result<&'static OperationInfo, InvalidRule> {
        let mut errors = Vec::new();
        let target = self.matches.target(&mut errors);
        errors.extend(self.fire.check().err());
        errors.extend(self.action.check());
        match target {
            Some(target) if errors.is_empty() => Ok(target),
            _ => Err(InvalidRule(errors)),
        }
    }
}

impl Match {
    /// The one operation the match names, when it names one.
    pub(super) fn operation(&self) -> Option<&'static OperationInfo> {
        self.target(&mut Vec::new())
    }

    /// The one operation the match names; `None` with the reasons in `errors`.
    fn target(&self, errors: &mut Vec<RuleError>) -> Option<&'static OperationInfo> {
        let by_id = self.operation.as_deref().map(|id| {
            wacr_server::OPERATIONS.iter().find(|op| op.id == id).ok_or_else(|| RuleError::UnknownOperation(id.to_owned()))
        });
        let by_route = self.route.as_deref().map(route_target);
        match (by_id, by_route) {
            (None, None) => errors.push(RuleError::NoTarget),
            (Some(Ok(op)), None) | (None, Some(Ok(op))) => return Some(op),
            (Some(Ok(op)), Some(Ok(at))) if op.id == at.id => return Some(op),
            (Some(Ok(op)), Some(Ok(_))) => {
                let (operation, route) = (op.id.to_owned(), self.route.clone().unwrap_or_default());
                errors.push(RuleError::Mismatch { operation, at: format!("{} {}", op.method, op.path), route });
            }
            (id, route) => errors.extend([id, route].into_iter().flatten().filter_map(Result::err)),
        }
        None
    }
}

/// The operation at a `METHOD /path/{param}` route.
fn route_target(route: &str) -> Result<&'static OperationInfo, RuleError> {
    let shape = || RuleError::RouteShape(route.to_owned());
    let (method, path) = route.trim().split_once(' ').ok_or_else(shape)?;
    let path = path.trim();
    if !path.starts_with('/') {
        return Err(shape());
    }
    let path = path.strip_prefix(BASE_PATH).filter(|p| p.starts_with('/')).unwrap_or(path);
    let found = wacr_server::OPERATIONS.iter().find(|op| op.method.as_str().eq_ignore_ascii_case(method) && same_template(op.path, path));
    found.ok_or_else(|| RuleError::UnknownRoute(route.trim().to_owned()))
}

/// Whether two path templates are the same but for the names of their `{parameters}`.
fn same_template(a: &str, b: &str) -> bool {
    let param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let (a, b) = (a.trim_end_matches('/').split('/'), b.trim_end_matches('/').split('/'));
    a.clone().count() == b.clone().count() && a.zip(b).all(|(x, y)| x == y || (param(x) && param(y)))
}

/// The operation the generated router matched: its method and matched path (with or without
/// the base path).
pub(crate) fn operation_at(method: &str, matched: &str) -> Option<&'static OperationInfo> {
    let path = matched.strip_prefix(BASE_PATH).filter(|p| p.starts_with('/')).unwrap_or(matched);
    wacr_server::OPERATIONS.iter().find(|op| op.method.as_str() == method && op.path == path)
}

impl Fire {
    fn check(&self) -> Result<(), RuleError> {
        match *self {
            Fire::Always(false) => Err(RuleError::AlwaysFalse),
            Fire::Times(0) => Err(RuleError::NoTimes),
            Fire::Probability(p) if !(0.0..=1.0).contains(&p) => Err(RuleError::Probability(p)),
            _ => Ok(()),
        }
    }
}

impl Action {
    fn check(&self) -> Vec<RuleError> {
        let mut errors = Vec::new();
        if self.latency_ms.is_none() && self.status.is_none() && !self.drop {
            errors.push(RuleError::NoAction);
        }
        if self.status.is_some() && self.drop {
            errors.push(RuleError::StatusAndDrop);
        }
        if let Some(ms) = self.latency_ms.filter(|ms| *ms > MAX_LATENCY_MS) {
            errors.push(RuleError::Latency(ms));
        }
        if let Some(status) = self.status.filter(|s| !STATUSES.contains(s)) {
            errors.push(RuleError::Status(status));
        }
        if self.retry_after.is_some() && !matches!(self.status, Some(429 | 503)) {
            errors.push(RuleError::RetryAfter);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: serde_json::Value) -> NewRule {
        serde_json::from_value(json).unwrap()
    }

    fn errors(json: serde_json::Value) -> Vec<RuleError> {
        rule(json).check().unwrap_err().0
    }

    #[test]
    fn a_rule_targets_one_operation_by_id_or_route() {
        let by_id = rule(serde_json::json!({"match": {"operation": "get_contact"}, "action": {"status": 500}}));
        assert_eq!(by_id.fire, Fire::Always(true));
        assert_eq!(by_id.check().unwrap().path, "/contacts/{id}");
        for route in ["GET /contacts/{id}", "get /api/v2/contacts/{contact}", " GET  /contacts/{id}/ "] {
            let by_route = rule(serde_json::json!({"match": {"route": route}, "action": {"drop": true}}));
            assert_eq!(by_route.check().unwrap().id, "get_contact", "{route}");
        }
        let both = rule(serde_json::json!({"match": {"operation": "create_contact", "route": "POST /contacts"}, "action": {"latency_ms": 5}}));
        assert_eq!(both.check().unwrap().id, "create_contact");
        let batch = rule(serde_json::json!({"match": {"route": "POST /contacts/batch"}, "action": {"latency_ms": 5}}));
        assert_eq!(batch.check().unwrap().id, "batch_create_contacts");
    }

    #[test]
    fn every_reason_is_reported_at_its_field() {
        let all = errors(serde_json::json!({
            "match": {"operation": "list_contact", "route": "GET contacts"},
            "fire": {"probability": 1.5},
            "action": {"status": 404, "drop": true, "retry_after": 3, "latency_ms": 600_001}
        }));
        let fields: Vec<_> = all.iter().map(RuleError::field).collect();
        assert_eq!(fields, ["match.operation", "match.route", "fire.probability", "action", "action.latency_ms", "action.status", "action.retry_after"]);
        assert_eq!(all[0].to_string(), "`list_contact` is not an operation id of the API (such as list_contacts)");
        assert_eq!(errors(serde_json::json!({"match": {}, "fire": {"times": 0}, "action": {}})), [RuleError::NoTarget, RuleError::NoTimes, RuleError::NoAction]);
        assert_eq!(errors(serde_json::json!({"match": {"route": "DELETE /contacts"}, "fire": {"always": false}, "action": {"drop": true}})), [RuleError::UnknownRoute("DELETE /contacts".into()), RuleError::AlwaysFalse]);
        let mismatch = errors(serde_json::json!({"match": {"operation": "list_contacts", "route": "GET /contacts/{id}"}, "action": {"status": 503}}));
        assert_eq!(mismatch[0].to_string(), "operation `list_contacts` is at `GET /contacts`, not at `GET /contacts/{id}`");
        let invalid = InvalidRule(vec![RuleError::NoTarget, RuleError::RetryAfter]);
        assert_eq!(invalid.to_string(), "match: a rule matches an `operation` or a `route` (or both); action.retry_after: `retry_after` goes with status 429 or 503");
    }

    #[test]
    fn unknown_keys_and_shapes_are_refused_when_decoding() {
        let bad = [
            serde_json::json!({"match": {"operation": "get_contact"}, "action": {"status": 500}, "id": 3}),
            serde_json::json!({"match": {"operation": "get_contact", "path": "/x"}, "action": {"status": 500}}),
            serde_json::json!({"match": {"operation": "get_contact"}, "fire": {"sometimes": true}, "action": {"status": 500}}),
            serde_json::json!({"match": {"operation": "get_contact"}}),
        ];
        for json in bad {
            assert!(serde_json::from_value::<NewRule>(json.clone()).is_err(), "{json}");
        }
    }

    #[test]
    fn the_router_s_matched_paths_name_their_operation() {
        assert_eq!(operation_at("GET", "/api/v2/contacts/{id}").unwrap().id, "get_contact");
        assert_eq!(operation_at("DELETE", "/contacts/batch").unwrap().id, "batch_delete_contacts");
        assert!(operation_at("PUT", "/contacts/{id}").is_none());
        let shown = Action { latency_ms: Some(20), status: Some(503), retry_after: Some(1), drop: false };
        assert_eq!(shown.to_string(), "latency 20 ms, status 503");
    }
}
