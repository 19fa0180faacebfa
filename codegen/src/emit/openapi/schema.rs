//! JSON Schemas of the OpenAPI document: types, fields with their constraints, objects, and
//! the success and error envelopes of responses.

use serde_json::{json, Value};

use super::{json_object, provenance_text};
use crate::ir::*;

/// `format: phone` as the server checks it (`wacr_runtime`'s `phone_ok`): an optional leading
/// `+`, 7 to 15 ASCII digits, and the separators space, `-`, `(`, `)` and `.`. The pattern
/// bounds what the server leaves open (separators at most two in a row, one space around), so
/// that a generator's phones mostly fit the field's `maxLength` (with unbounded runs,
/// schemathesis spends minutes discarding long ones); every phone it admits, the server takes.
const PHONE_PATTERN: &str = r"^ ?\+?[ ().-]{0,2}(?:[0-9][ ().-]{0,2}){7,15} ?$";

/// `date` (filters) as the sandbox's filters read it: an ISO 8601 date, or a date-time
/// (RFC 3339, or local time to the minute or second). A day past the month's end counts on
/// into the next month, as PHP's dates do.
pub(super) const DATE_PATTERN: &str =
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?)?";

pub(super) fn success(api: &Api, op: &Operation) -> Value {
    let e = &api.envelope;
    let r = &op.response;
    let data = match (&r.data, selection_model(op)) {
        // With ?fields= each item has only the selected fields: the whole model, or a selection.
        (Some(Ty::Array(_)), Some(m)) if r.envelope != EnvelopeKind::List => array_of(selectable(m)),
        (Some(_), Some(m)) => selectable(m),
        (Some(t), None) => ty(t),
        (None, _) => json!({"type": "null"}),
    };
    let success = |value: bool| json!({"type": "boolean", "const": value});
    let message = || json!({"type": "string"});
    match r.envelope {
        EnvelopeKind::Data => json_object([
            ("type", json!("object")),
            ("required", json!([e.success, e.message, e.data])),
            ("properties", json_object([(&e.success, success(true)), (&e.message, message()), (&e.data, data)])),
        ]),
        EnvelopeKind::List => json_object([
            ("type", json!("object")),
            ("required", json!([e.success, e.message, e.data, e.meta, e.links])),
            (
                "properties",
                json_object([
                    (&e.success, success(true)),
                    (&e.message, message()),
                    (&e.data, array_of(data)),
                    (&e.meta, json!({"$ref": "#/components/schemas/PageMeta"})),
                    (&e.links, json!({"$ref": "#/components/schemas/PageLinks"})),
                ]),
            ),
        ]),
        EnvelopeKind::Flat => {
            let envelope = json!({
                "type": "object",
                "required": [e.success, e.message],
                "properties": {(&e.success): {"type": "boolean"}, (&e.message): message()},
            });
            json_object([("allOf", Value::Array(vec![envelope, data]))])
        }
        EnvelopeKind::None => data,
    }
}

/// `{"type": "array", "items": items}`.
fn array_of(items: Value) -> Value {
    json_object([("type", json!("array")), ("items", items)])
}

/// The model of the items an operation with `?fields=` projects.
pub(super) fn selection_model(op: &Operation) -> Option<&str> {
    match op.response.data.as_ref()?.leaf() {
        Ty::Named(n, _) if op.fields => Some(n.as_str()),
        _ => None,
    }
}

/// The model, or its selection (`{Model}Selection`) when `?fields=` picked some of its fields.
fn selectable(model: &str) -> Value {
    json!({
        "anyOf": [{"$ref": format!("#/components/schemas/{model}")}, {"$ref": format!("#/components/schemas/{model}Selection")}],
        "description": format!("A {model}, or with `?fields=` only the selected fields (and the included relations)"),
    })
}

/// The error envelope every error response references (`#/components/schemas/Error`): one
/// schema for all, so a generator makes one error type (progenitor requires it); the codes a
/// response answers with are listed on the response (`x-error-codes`), and `code` is an `ErrorCode`.
pub(super) fn error(api: &Api) -> Value {
    let e = &api.envelope;
    json!({
        "type": "object",
        "description": "The envelope of every error response",
        "required": [e.success, e.message, e.error],
        "properties": {
            (&e.success): {"type": "boolean", "const": false},
            (&e.message): {"type": "string"},
            (&e.error): {
                "type": "object",
                "required": [e.code],
                "properties": {
                    (&e.code): {"$ref": "#/components/schemas/ErrorCode"},
                    (&e.details): nullable(json!({"$ref": "#/components/schemas/ErrorDetails"})),
                },
            },
            (&e.errors): {"$ref": "#/components/schemas/FieldErrors"},
        },
    })
}

/// The parts of the error envelope: `ErrorDetails` and `FieldErrors`.
pub(super) fn error_parts() -> [(&'static str, Value); 2] {
    [
        ("ErrorDetails", json!({"type": "object", "description": "What the error concerns (its fields depend on the code)", "additionalProperties": true})),
        (
            "FieldErrors",
            json!({
                "type": "object",
                "description": "Field -> messages, on 422 VALIDATION_ERROR",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }),
        ),
    ]
}

/// An object schema from fields. Required fields of a request body must be present (not blank).
pub(super) fn object(fields: &[Field], description: &str, request: bool) -> Value {
    let mut props = serde_json::Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field(f);
        if request && f.rules.per_item_errors {
            per_item(&mut schema);
        }
        if f.required && f.rules.required_without.is_empty() && f.rules.required_if.is_none() && f.rules.required_with.is_empty() {
            required.push(&f.wire);
            if request && !f.nullable {
                present(&mut schema);
            }
        }
        props.insert(f.wire.clone(), schema);
    }
    let mut s = json_object([("type", json!("object")), ("properties", Value::Object(props))]);
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    let conditions: Vec<Value> = if request { fields.iter().flat_map(conditions).collect() } else { Vec::new() };
    if !conditions.is_empty() {
        s["allOf"] = Value::Array(conditions);
    }
    if !description.is_empty() {
        s["description"] = json!(description);
    }
    s
}

/// The items of a `per_item_errors` array: an item that breaks its rules is reported in the
/// response, item by item, and does not fail the request, so any object is a valid item.
fn per_item(schema: &mut Value) {
    let item = schema["items"].take();
    schema["items"] = json!({
        "anyOf": [item, {"type": "object"}],
        "description": "An item that breaks the item schema's rules is not created; the response reports it with its index and messages",
    });
}

/// The conditional requirements of a request field (`required_with`, `required_without`,
/// `required_if`), each as "the field is filled, or the condition does not hold": JSON Schema
/// that OpenAPI 3.0 reads too (`anyOf`, `not`, `enum`).
fn conditions(f: &Field) -> Vec<Value> {
    let r = &f.rules;
    let mut filled = ty(&f.ty);
    present(&mut filled);
    let has = |name: &str, schema: Value| json!({"required": [name], "properties": {(name): schema}});
    let this = has(&f.wire, filled);
    let mut out = Vec::new();
    if !r.required_with.is_empty() {
        out.push(json!({"anyOf": [this, {"not": {"required": r.required_with}}]}));
    }
    if !r.required_without.is_empty() {
        let others = r.required_without.iter().map(|o| json!({"required": [o]}));
        out.push(json!({"anyOf": std::iter::once(this.clone()).chain(others).collect::<Vec<_>>()}));
    }
    if let Some((other, value)) = &r.required_if {
        out.push(json!({"anyOf": [this, {"not": has(other, json!({"enum": [value]}))}]}));
    }
    out
}

/// A required request field must be present in Laravel's sense, as the router checks it: a
/// string not blank, an array not empty (`"name": ""` is "The name field is required.").
fn present(schema: &mut Value) {
    match schema["type"].as_str() {
        Some("string") if schema.get("format").is_none_or(|f| f.as_str() != Some("binary")) && schema.get("enum").is_none() => {
            if schema.get("pattern").is_none() {
                schema["pattern"] = json!("\\S");
            } else if schema.get("minLength").is_none() {
                schema["minLength"] = json!(1);
            }
        }
        Some("array") if schema.get("minItems").is_none() => schema["minItems"] = json!(1),
        _ => {}
    }
}

/// JSON Schema of one field: its type, nullability and every constraint JSON Schema can say.
pub(super) fn field(f: &Field) -> Value {
    let mut s = ty(&f.ty);
    let r = &f.rules;
    let scalar = if matches!(f.ty, Ty::Array(_)) { &mut s["items"] } else { &mut s };
    scalar_rules(scalar, r);
    if let Some(v) = r.min_items {
        s["minItems"] = json!(v);
    }
    if let Some(v) = r.max_items {
        s["maxItems"] = json!(v);
    }
    if r.unique_items {
        s["uniqueItems"] = json!(true);
    }
    if f.nullable {
        s = nullable(s);
    }
    let mut desc = f.description.clone();
    if f.provenance.is_inferred() {
        desc.push_str(&format!(" ({})", provenance_text(&f.provenance)));
    }
    for (label, rule) in [("unique", &r.unique), ("must exist", &r.exists), ("rule", &r.rule)] {
        if let Some(t) = rule {
            desc.push_str(&format!(" [{label}: {t}]"));
        }
    }
    if !desc.is_empty() {
        s["description"] = json!(desc.trim());
    }
    if let Some(d) = &f.default {
        s["default"] = d.clone();
    }
    if let Some(e) = &f.example {
        s["examples"] = Value::Array(vec![e.clone()]);
    }
    if !f.messages.is_empty() {
        s["x-messages"] = json!(f.messages);
    }
    s
}

/// The constraints on a scalar value (of the field, or of each item of an array field).
fn scalar_rules(scalar: &mut Value, r: &Rules) {
    if let Some(v) = r.max_length {
        scalar["maxLength"] = json!(v);
    }
    if let Some(v) = r.min_length {
        scalar["minLength"] = json!(v);
    }
    if let Some(v) = r.min {
        scalar["minimum"] = num(v);
    }
    if let Some(v) = r.max {
        scalar["maximum"] = num(v);
    }
    if let Some(p) = &r.pattern {
        scalar["pattern"] = json!(p);
    }
    match r.format.as_deref() {
        Some("email") => scalar["format"] = json!("email"),
        Some("url") => scalar["format"] = json!("uri"),
        Some("phone") if r.pattern.is_none() => scalar["pattern"] = json!(PHONE_PATTERN),
        _ => {}
    }
    if let Some(max) = r.max_size {
        scalar["x-max-size"] = json!(max);
    }
    if !r.extensions.is_empty() {
        scalar["x-extensions"] = json!(r.extensions);
    }
}

fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 { json!(v as i64) } else { json!(v) }
}

/// The schema, also admitting `null`: a `type` list where it can, else `anyOf` (not `oneOf`,
/// which would reject `null` when the schema admits it already). A schema without constraints
/// (`{}`, any JSON value) already admits `null`.
fn nullable(mut s: Value) -> Value {
    if s.as_object().is_some_and(|m| m.is_empty()) {
        return s;
    }
    match s.get("type").cloned() {
        Some(Value::String(t)) if s.get("$ref").is_none() => {
            s["type"] = json!([t, "null"]);
            if let Some(Value::Array(values)) = s.get_mut("enum") {
                values.push(Value::Null);
            }
            s
        }
        _ => json_object([("anyOf", Value::Array(vec![s, json!({"type": "null"})]))]),
    }
}

pub(super) fn ty(t: &Ty) -> Value {
    match t {
        Ty::String => json!({"type": "string"}),
        Ty::Integer => json!({"type": "integer", "format": "int64"}),
        Ty::Number => json!({"type": "number"}),
        Ty::Boolean => json!({"type": "boolean"}),
        Ty::DateTime => json!({"type": "string", "format": "date-time"}),
        Ty::Date => json!({"type": "string", "pattern": format!("^{DATE_PATTERN}$")}),
        Ty::File => json!({"type": "string", "format": "binary"}),
        Ty::Json => json!({}),
        Ty::Named(n, _) => json!({"$ref": format!("#/components/schemas/{n}")}),
        Ty::Array(t) => array_of(ty(t)),
        Ty::Map(t) => json_object([("type", json!("object")), ("additionalProperties", ty(t))]),
    }
}

#[cfg(test)]
mod tests {
    use super::PHONE_PATTERN;

    /// The samples of the runtime's phone check.
    #[test]
    fn the_phone_pattern_is_the_servers_check() {
        let re = regex_lite::Regex::new(PHONE_PATTERN).unwrap();
        for ok in ["+919999999999", "(555) 123-4567", "0044 20 7946 0958", " +1 (555) 020-0070", "+44 20-7946.0958"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in ["123", "+91 99x", "++91999999999", "1234567890123456", "abc", "9199+99999999", "+１５５５１２３４５６７", "+١٥٥٥١٢٣٤٥٦٧"] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }
}
