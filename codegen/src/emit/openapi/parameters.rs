//! The path and query parameters of an operation: its own, the list query's (paging, sort,
//! search, filters), `include` and `fields`, each with the values the spec's examples give it.

use serde_json::{json, Map, Value};

use super::operation::example_names;
use super::{json_object, schema};
use crate::ir::*;

fn param(name: &str, location: &str, required: bool, schema: Value, description: &str) -> Value {
    let mut p = json_object([("name", json!(name)), ("in", json!(location)), ("required", json!(required)), ("schema", schema)]);
    if !description.is_empty() {
        p["description"] = json!(description);
    }
    p
}

pub(super) fn parameters(api: &Api, op: &Operation) -> Vec<Value> {
    let mut out = Vec::new();
    for f in &op.path_params {
        out.push(param(&f.wire, "path", true, schema::field(f), &f.description));
    }
    for f in &op.query {
        out.push(param(&f.wire, "query", f.required, schema::field(f), &f.description));
    }
    if let Some(list) = &op.list {
        list_parameters(api, list, &mut out);
    }
    let q = &api.list_query;
    if !op.include.is_empty() {
        let alt = op.include.iter().map(|i| regex_escape(i)).collect::<Vec<_>>().join("|");
        out.push(param(
            &q.include,
            "query",
            false,
            json!({"type": "string", "pattern": format!("^\\s*(({alt})\\s*(,\\s*|$))*$")}),
            &format!("Comma-separated relations to include. Allowed: {}", op.include.join(", ")),
        ));
    }
    if op.fields {
        out.push(param(&q.fields, "query", false, json!({"type": "string"}), "Comma-separated fields to return"));
    }
    out
}

/// Paging, sort, search and filter parameters of a list operation.
fn list_parameters(api: &Api, list: &List, out: &mut Vec<Value>) {
    let q = &api.list_query;
    let p = &api.pagination;
    out.push(param("page", "query", false, json!({"type": "integer", "minimum": p.page_min, "default": p.page_default}), "Page number"));
    let per_page = json!({"type": "integer", "minimum": p.per_page_min, "maximum": p.per_page_max, "default": p.per_page_default});
    out.push(param("per_page", "query", false, per_page, "Items per page"));
    if !list.sort.is_empty() {
        let mut allowed = Vec::new();
        for s in &list.sort {
            allowed.push(s.clone());
            allowed.push(format!("{}{s}", q.descending_prefix));
        }
        let alt = allowed.iter().map(|a| regex_escape(a)).collect::<Vec<_>>().join("|");
        let mut schema = json!({"type": "string", "pattern": format!("^({alt})(,({alt}))*$")});
        if let Some(d) = &list.default_sort {
            schema["default"] = json!(d);
        }
        let description = format!("Comma-separated sort fields; a leading `{}` sorts descending. Allowed: {}", q.descending_prefix, list.sort.join(", "));
        out.push(param(&q.sort, "query", false, schema, &description));
    }
    if !list.search.is_empty() {
        let d = format!("Partial match over {}", list.search.join(", "));
        out.push(param(&q.search, "query", false, json!({"type": "string"}), &d));
        for a in &q.search_aliases {
            out.push(param(a, "query", false, json!({"type": "string"}), &format!("Alias of `{}`", q.search)));
        }
    }
    for f in &list.filters {
        for op_name in &f.ops {
            let (name, schema) = filter_param(api, &q.filter, f, op_name);
            out.push(param(&name, "query", false, schema, &f.description));
        }
    }
}

fn filter_param(api: &Api, filter: &str, f: &Filter, op_name: &str) -> (String, Value) {
    let name = if op_name == "eq" { format!("{filter}[{}]", f.field) } else { format!("{filter}[{}][{op_name}]", f.field) };
    let kind = api.operators.iter().find(|o| o.wire == op_name).map_or("scalar", |o| o.value.as_str());
    let schema = match kind {
        "boolean" => json!({"type": "boolean"}),
        "text" => json!({"type": "string"}),
        "list" | "pair" => json!({"type": "string", "description": "comma-separated values"}),
        _ => schema::ty(&f.ty),
    };
    (name, schema)
}

/// `s` as a literal in a pattern that ECMAScript (with the `u` flag) and Python both read: only
/// the syntax characters are escaped (`\-` is an invalid escape under `u` outside a class).
fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if "\\.+*?()|[]{}^$".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

/// Each path and query parameter gets the values the spec's examples give it (typed by the
/// parameter's schema), so tools that replay examples (schemathesis) send realistic requests.
pub(super) fn add_examples(op: &Operation, params: &mut [Value]) {
    let names = example_names(op);
    for p in params.iter_mut() {
        let (Some(wire), Some(location)) = (p["name"].as_str().map(str::to_owned), p["in"].as_str().map(str::to_owned)) else { continue };
        let mut examples = Map::new();
        for (ex, name) in op.examples.iter().zip(&names) {
            let text = match location.as_str() {
                "path" => op.example_params(ex).into_iter().find(|(f, v)| f.wire == wire && !v.starts_with('{')).map(|(_, v)| v),
                _ => ex.query.iter().find(|(k, _)| *k == wire).map(|(_, v)| v.clone()),
            };
            if let Some(text) = text {
                examples.insert(name.clone(), json_object([("summary", json!(name)), ("value", typed(&p["schema"], &text))]));
            }
        }
        if !examples.is_empty() {
            p["examples"] = Value::Object(examples);
        }
    }
}

/// A query or path text as the JSON value its schema describes (`1` an integer for an integer).
fn typed(schema: &Value, text: &str) -> Value {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"integer")
        && let Ok(n) = text.parse::<i64>()
    {
        return json!(n);
    }
    if types.contains(&"number")
        && let Ok(n) = text.parse::<f64>()
    {
        return json!(n);
    }
    if types.contains(&"boolean") {
        match text {
            "true" | "1" => return json!(true),
            "false" | "0" => return json!(false),
            _ => {}
        }
    }
    json!(text)
}
