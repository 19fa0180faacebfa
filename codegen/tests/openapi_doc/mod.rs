//! Reading the OpenAPI export in tests: the error codes of a response, through the `$ref`s of
//! its schema.

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
