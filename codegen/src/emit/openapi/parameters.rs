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
        out.push(param(
            &q.include,
            "query",
            false,
            json!({"type": "string", "pattern": list_pattern(&op.include)}),
            &format!("Comma-separated relations to include. Allowed: {}", op.include.join(", ")),
        ));
    }
    if let Some(model) = schema::selection_model(op).and_then(|m| api.model(m)) {
        let names: Vec<String> = model.fields.iter().map(|f| f.wire.clone()).collect();
        let description = format!("Comma-separated fields to return. Allowed: {}", names.join(", "));
        out.push(param(&q.fields, "query", false, json!({"type": "string", "pattern": list_pattern(&names)}), &description));
    }
    out
}

/// A comma-separated list of `names` as the glue takes it: at least one, no empty item, no
/// spaces.
fn list_pattern(names: &[String]) -> String {
    let alt = alternatives(names);
    format!("^({alt})(,({alt}))*$")
}

fn alternatives(names: &[String]) -> String {
    names.iter().map(|n| regex_escape(n)).collect::<Vec<_>>().join("|")
}

/// Paging, sort, search and filter parameters of a list operation.
fn list_parameters(api: &Api, list: &List, out: &mut Vec<Value>) {
    let q = &api.list_query;
    let p = &api.pagination;
    // The glue reads `page` as a u32 and answers 422 past it.
    let page = json!({"type": "integer", "minimum": p.page_min, "maximum": u32::MAX, "default": p.page_default});
    out.push(param("page", "query", false, page, "Page number"));
    let per_page = json!({"type": "integer", "minimum": p.per_page_min, "maximum": p.per_page_max, "default": p.per_page_default});
    out.push(param("per_page", "query", false, per_page, "Items per page"));
    if !list.sort.is_empty() {
        let mut allowed = Vec::new();
        for s in &list.sort {
            allowed.push(s.clone());
            allowed.push(format!("{}{s}", q.descending_prefix));
        }
        let mut schema = json!({"type": "string", "pattern": list_pattern(&allowed)});
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
        "list" => {
            let item = value_pattern(api, &f.ty);
            json!({"type": "string", "description": "comma-separated values, possibly none", "pattern": format!("^({item}(,{item})*)?$")})
        }
        "pair" => {
            let item = value_pattern(api, &f.ty);
            json!({"type": "string", "description": "two comma-separated values", "pattern": format!("^{item},{item}$")})
        }
        _ => schema::ty(&f.ty),
    };
    (name, schema)
}

/// Text with neither a comma nor surrounding spaces.
const TEXT_ITEM: &str = r"[^,\s]([^,]*[^,\s])?";

/// One value of a filter list as the filter parses it: an integer (i64), a value of the
/// enum, an ISO 8601 date or date-time, or text without a comma.
fn value_pattern(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Integer => "-?[0-9]{1,18}".to_owned(),
        Ty::Date | Ty::DateTime => format!("({})", schema::DATE_PATTERN),
        Ty::Named(n, _) => match api.enum_(n) {
            Some(e) => format!("({})", alternatives(&e.values.iter().map(|(w, _)| w.clone()).collect::<Vec<_>>())),
            None => TEXT_ITEM.to_owned(),
        },
        _ => TEXT_ITEM.to_owned(),
    }
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
