//! Reading the OpenAPI export in tests: every object of it, and the error codes of a response
//! through the `$ref`s of its schema. (Each test file uses what it needs of it.)
#![allow(dead_code)]

use serde_json::Value;

/// The error codes a response of `op` answers with at `status`: its schema is the `$ref` of
/// one code's envelope (`#/components/schemas/NotFoundError`), or `anyOf` several, each
/// envelope naming its code as the `const` of `error.code`.
pub fn error_codes(doc: &Value, op: &Value, status: &str) -> Vec<String> {
    let schema = &op["responses"][status]["content"]["application/json"]["schema"];
    let refs: Vec<&str> = match schema["anyOf"].as_array() {
        Some(any) => any.iter().filter_map(|s| s["$ref"].as_str()).collect(),
        None => schema["$ref"].as_str().into_iter().collect(),
    };
    refs.into_iter()
        .map(|r| {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r} is not a component schema"));
            &doc["components"]["schemas"][name]["properties"]["error"]["properties"]["code"]["const"]
        })
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
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
