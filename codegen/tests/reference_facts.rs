//! Compares the OpenAPI export, operation by operation, with the reference fact sheet
//! (`tests/reference/wacr-api-facts.yaml`, a copy of shared/reference): method, path, scope,
//! body fields and their requiredness, parameters and documented error codes.

use std::path::Path;

use serde_json::Value;

mod openapi_doc;

fn load() -> (Value, Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = wacr_codegen::check(&root.join("../api-spec")).unwrap_or_else(|f| panic!("{}", f.render()));
    let doc = wacr_codegen::emit::openapi::document(&api);
    let text = std::fs::read_to_string(root.join("tests/reference/wacr-api-facts.yaml")).unwrap();
    let facts: Value = serde_saphyr::from_str(&text).expect("fact sheet parses");
    (doc, facts)
}

/// The value of a fact that may be written `x` or `{value: x, inferred: true}`.
fn value(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("value").and_then(Value::as_str),
        _ => None,
    }
}

fn find_op<'a>(doc: &'a Value, id: &str) -> Option<(&'a str, &'a str, &'a Value)> {
    for (path, item) in doc["paths"].as_object()? {
        for (method, op) in item.as_object()? {
            if op["operationId"] == id {
                return Some((path, method, op));
            }
        }
    }
    None
}

fn body_schema<'a>(doc: &'a Value, op: &Value) -> Option<&'a Value> {
    let content = op.get("requestBody")?["content"].as_object()?;
    let schema = content.values().next()?["schema"]["$ref"].as_str()?;
    let name = schema.rsplit('/').next()?;
    doc["components"]["schemas"].get(name)
}

#[test]
fn every_reference_endpoint_matches_the_openapi_export() {
    let (doc, facts) = load();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (_group, endpoints) in facts["endpoints"].as_object().unwrap() {
        for ep in endpoints.as_array().unwrap() {
            let id = ep["id"].as_str().unwrap();
            let Some((path, method, op)) = find_op(&doc, id) else {
                problems.push(format!("{id}: missing from the export"));
                continue;
            };
            checked += 1;
            if method.to_uppercase() != ep["method"].as_str().unwrap() {
                problems.push(format!("{id}: method {method} != {}", ep["method"]));
            }
            if let Some(p) = value(&ep["path"])
                && p != path {
                    problems.push(format!("{id}: path {path} != {p}"));
                }
            check_scope(id, &ep["scope"], op, &mut problems);
            check_body(id, ep, &doc, op, &mut problems);
            check_errors(id, ep, op, &mut problems);
            check_query(id, ep, op, &mut problems);
        }
    }
    assert_eq!(checked, 43, "every endpoint of the fact sheet is exported");
    assert!(problems.is_empty(), "export disagrees with the reference facts:\n{}", problems.join("\n"));
}

fn check_scope(id: &str, scope: &Value, op: &Value, problems: &mut Vec<String>) {
    let exported = op["x-required-scope"].as_str();
    match value(scope) {
        Some(s) if s.contains(':') && !s.contains(' ') => {
            if exported != Some(s) {
                problems.push(format!("{id}: scope {exported:?} != {s}"));
            }
            let roles = &op["security"][0]["bearerAuth"];
            if roles[0].as_str() != Some(s) {
                problems.push(format!("{id}: security roles {roles} do not name {s}"));
            }
        }
        Some(s) if s.starts_with("none") => {
            if exported.is_some() {
                problems.push(format!("{id}: the docs list no scope but the export requires {exported:?}"));
            }
        }
        _ => {
            // unknown in the docs: the spec must still name one (inferred)
            if exported.is_none() {
                problems.push(format!("{id}: no scope chosen for an endpoint whose scope is unknown"));
            }
        }
    }
}

fn check_body(id: &str, ep: &Value, doc: &Value, op: &Value, problems: &mut Vec<String>) {
    let Some(fields) = ep["request_body"]["fields"].as_object() else { return };
    let Some(schema) = body_schema(doc, op) else {
        problems.push(format!("{id}: the reference has a body, the export none"));
        return;
    };
    let props = schema["properties"].as_object().unwrap();
    let required: Vec<&str> = schema["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    for (name, f) in fields {
        // `field_1_to_field_10` and `button_0_to_button_2` stand for numbered fields.
        if let Some((first, last)) = name.split_once("_to_") {
            for n in [first, last] {
                if !props.contains_key(n) {
                    problems.push(format!("{id}: body field {n} missing"));
                }
            }
            continue;
        }
        if name.contains('.') && !props.contains_key(name) {
            // `options.continue_on_error` lives in a nested model
            continue;
        }
        if !props.contains_key(name) {
            problems.push(format!("{id}: body field {name} missing"));
            continue;
        }
        if f["required"] == Value::Bool(true) && !required.contains(&name.as_str()) {
            problems.push(format!("{id}: body field {name} should be required"));
        }
        if let Some(rules) = f["rules"].as_array() {
            for r in rules.iter().filter_map(Value::as_str) {
                check_rule(id, name, r, &props[name], problems);
            }
        }
        if let Some(values) = f["enum"].as_array() {
            let exported = resolve(doc, &props[name]).to_string();
            for v in values.iter().filter_map(Value::as_str) {
                if !exported.contains(&format!("\"{v}\"")) {
                    problems.push(format!("{id}: body field {name} lacks enum value {v}"));
                }
            }
        }
    }
}

/// Follows a `$ref` (possibly under a nullable `anyOf`) to its schema.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let r = schema["$ref"].as_str().or_else(|| schema["anyOf"][0]["$ref"].as_str());
    match r.and_then(|r| r.rsplit('/').next()) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

fn check_rule(id: &str, name: &str, rule: &str, schema: &Value, problems: &mut Vec<String>) {
    let s = schema.to_string();
    let Some((kind, n)) = rule.split_once(':') else {
        if rule == "email" && !s.contains("\"format\":\"email\"") {
            problems.push(format!("{id}: {name} should have format email"));
        }
        return;
    };
    let Ok(n) = n.trim().parse::<i64>() else { return };
    let numeric = s.contains("\"integer\"") || s.contains("\"number\"");
    let key = match (kind, numeric) {
        ("max", false) => "maxLength",
        ("min", false) => "minLength",
        ("max", true) => "maximum",
        ("min", true) => "minimum",
        _ => return,
    };
    let has_bound = s.contains(&format!("\"{key}\":{n}"));
    let has_min_items = kind == "min" && s.contains(&format!("\"minItems\":{n}"));
    if !has_bound && !has_min_items {
        problems.push(format!("{id}: {name} should have {key} {n} (rule {rule}), has {s}"));
    }
}

fn check_errors(id: &str, ep: &Value, op: &Value, problems: &mut Vec<String>) {
    let Some(errors) = ep["errors"].as_array() else { return };
    for e in errors {
        let (Some(status), Some(code)) = (e["http"].as_i64(), e["code"].as_str()) else { continue };
        if code.contains(' ') {
            continue; // "none given"
        }
        if !openapi_doc::error_codes(op, &status.to_string()).iter().any(|c| c == code) {
            problems.push(format!("{id}: error {status} {code} missing"));
        }
    }
}

fn check_query(id: &str, ep: &Value, op: &Value, problems: &mut Vec<String>) {
    let Some(params) = ep["query_params"].as_object() else { return };
    let names: Vec<&str> = op["parameters"].as_array().map(|a| a.iter().filter_map(|p| p["name"].as_str()).collect()).unwrap_or_default();
    for (name, fact) in params {
        if fact == "unknown" {
            continue;
        }
        if name == "filters" || name == "filter_operators" || name.starts_with("filter[") {
            if name.starts_with("filter[") && !names.contains(&name.as_str()) {
                problems.push(format!("{id}: query parameter {name} missing"));
            }
            continue;
        }
        if !names.contains(&name.as_str()) {
            problems.push(format!("{id}: query parameter {name} missing"));
        }
    }
}

#[test]
fn openapi_export_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = wacr_codegen::check(&root.join("../api-spec")).unwrap();
    let a = wacr_codegen::render(&api);
    let b = wacr_codegen::render(&wacr_codegen::check(&root.join("../api-spec")).unwrap());
    assert_eq!(a, b);
}
