//! Reading the OpenAPI export in tests: every object of it, and the error codes of a response.
//! (Each test file uses what it needs of it.)
#![allow(dead_code)]

use serde_json::Value;

/// The error codes a response of `op` answers with at `status` (its `x-error-codes`), after
/// checking that its schema is the shared error envelope.
pub fn error_codes(op: &Value, status: &str) -> Vec<String> {
    let response = &op["responses"][status];
    if response.is_null() {
        return Vec::new();
    }
    assert_eq!(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error", "{status}: {response}");
    response["x-error-codes"].as_array().unwrap_or_else(|| panic!("{status}: no x-error-codes")).iter().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// Every object in `v` (the document, a schema), depth first.
pub fn objects<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            out.push(v);
            map.values().for_each(|c| objects(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| objects(c, out)),
        _ => {}
    }
}
