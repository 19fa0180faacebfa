//! The example of an operation's `--help`: the spec example its docs use, as a `wacr` command
//! line. Path values are positionals, query pairs and scalar body fields flags, and whatever a
//! flag cannot carry (objects, arrays of objects) goes in `--data`.

use serde_json::{Map, Value};

use super::table::{flag, kebab};
use crate::emit::docs::snippet;
use crate::ir::*;

/// `wacr contacts get 1 --include groups`, or `None` without a successful example.
pub fn command(api: &Api, op: &Operation) -> Option<String> {
    let ex = snippet::example(op)?;
    let mut words = vec!["wacr".to_owned(), op.group.clone(), kebab(&op.name)];
    words.extend(op.example_params(ex).into_iter().map(|(_, v)| shell(&v)));
    for (key, value) in &ex.query {
        words.extend(query_flag(api, op, key, value));
    }
    if let (Some(body), Some(Value::Object(fields))) = (&op.body, &ex.request) {
        let mut rest = Map::new();
        for (key, value) in fields {
            match body.fields.iter().find(|f| &f.wire == key).and_then(|f| flag_value(f, value).map(|v| (f, v))) {
                Some((f, v)) => words.extend([format!("--{}", flag(f, "body-")), shell(&v)]),
                None => {
                    rest.insert(key.clone(), value.clone());
                }
            }
        }
        if !rest.is_empty() {
            words.extend(["--data".to_owned(), shell(&Value::Object(rest).to_string())]);
        }
    }
    Some(words.join(" "))
}

/// The flag of a query pair: a list option, `--filter FIELD:OP=VALUE`, or the parameter's own.
fn query_flag(api: &Api, op: &Operation, key: &str, value: &str) -> Vec<String> {
    let q = &api.list_query;
    if let Some(rest) = key.strip_prefix(&format!("{}[", q.filter)) {
        let condition = rest.trim_end_matches(']').replace("][", ":");
        return vec!["--filter".to_owned(), shell(&format!("{condition}={value}"))];
    }
    let known = [(q.search.as_str(), "search"), (q.sort.as_str(), "sort"), (q.include.as_str(), "include"), (q.fields.as_str(), "fields"), ("page", "page"), ("per_page", "per-page")];
    let alias = q.search_aliases.iter().any(|a| a == key).then_some("search");
    if let Some(name) = known.iter().find(|(wire, _)| *wire == key).map(|(_, name)| *name).or(alias) {
        return vec![format!("--{name}"), shell(value)];
    }
    match op.query.iter().find(|f| f.wire == key) {
        Some(f) => vec![format!("--{}", flag(f, "query-")), shell(value)],
        None => Vec::new(),
    }
}

/// A body value a flag carries: a scalar, or an array of scalars (comma-separated).
fn flag_value(f: &Field, value: &Value) -> Option<String> {
    let scalar = |v: &Value| match v {
        Value::String(s) if !s.contains(',') || !matches!(f.ty, Ty::Array(_)) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match (&f.ty, value) {
        (Ty::Array(inner), Value::Array(items)) if !matches!(**inner, Ty::Named(_, NamedKind::Model) | Ty::Json | Ty::Array(_) | Ty::Map(_)) => {
            items.iter().map(scalar).collect::<Option<Vec<_>>>().map(|v| v.join(","))
        }
        (Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_, NamedKind::Model), _) => None,
        _ => scalar(value),
    }
}

/// A word for a POSIX shell: as it is when it is plain, else single-quoted.
fn shell(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,:/@+=%".contains(c));
    if plain { word.to_owned() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}
