//! The OpenAPI 3.0.3 rendering of the 3.1 document, for the tools that read only 3.0
//! (progenitor, many generators): the same tree with each 3.1 form said the 3.0 way.
//!
//! Schemas: a `type` list with `null` becomes `nullable: true`; `anyOf: [X, {type: null}]`
//! becomes X (through `allOf` when X is a `$ref`) with `nullable: true`; `{type: null}` alone an
//! object without members that may be null; `const` a one-value `enum`; a `$ref` with siblings is wrapped in
//! `allOf` (3.0 ignores a `$ref`'s siblings); `examples` becomes `example`; a numeric
//! `exclusiveMinimum` (`exclusiveMaximum`) becomes `minimum` with `exclusiveMinimum: true`. Elsewhere: the
//! licence has no SPDX `identifier`, and a bearer requirement lists no roles (3.0 allows them for
//! OAuth only; the scope stays in `x-required-scope`).

use serde_json::{json, Map, Value};

pub(super) fn document(mut doc: Value) -> Value {
    doc["openapi"] = json!("3.0.3");
    if let Some(license) = doc["info"].get_mut("license").and_then(Value::as_object_mut)
        && license.swap_remove("identifier").is_some()
    {
        // 3.0 names a licence by URL: the SPDX list defines each identifier of the expression.
        license.insert("url".into(), json!("https://spdx.org/licenses/"));
    }
    if let Some(o) = doc.as_object_mut() {
        o.swap_remove("webhooks");
    }
    // The type of each component schema: 3.0 wants a `type` beside `nullable`, also on a `$ref`.
    let types: Map<String, Value> = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, s)| Some((format!("#/components/schemas/{name}"), s.get("type")?.clone())))
        .collect();
    inline_form_enums(&mut doc);
    let schema = |s: &mut Value| schema(s, &types);
    if let Some(components) = doc.get_mut("components") {
        children(components, "schemas").for_each(schema);
    }
    for item in children(&mut doc, "paths") {
        members(item).for_each(|op| operation(op, &schema));
    }
    doc
}

/// A form field's enum is written into the multipart body's schema instead of referred to:
/// OpenAPI Generator's rust client names a referred enum of a form parameter by a path that
/// does not exist (`models::models::MediaType`).
fn inline_form_enums(doc: &mut Value) {
    let component = |r: &str| r.strip_prefix("#/components/schemas/").map(str::to_owned);
    let forms: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.pointer("/requestBody/content/multipart~1form-data/schema/$ref")?.as_str().and_then(component))
        .collect();
    let schemas = doc["components"]["schemas"].clone();
    for form in forms {
        let Some(properties) = doc["components"]["schemas"][&form].get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for property in properties.values_mut().filter_map(Value::as_object_mut) {
            let target = property.get("$ref").and_then(Value::as_str).and_then(component).map(|name| &schemas[&name]);
            if let Some(Value::Object(target)) = target.filter(|t| t.get("enum").is_some()) {
                property.swap_remove("$ref");
                for (key, value) in target {
                    property.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }
}

/// The members of `v[key]`, an object's values or an array's items (none when it is absent:
/// indexing a `Value` mutably would add the key).
fn children<'a>(v: &'a mut Value, key: &str) -> impl Iterator<Item = &'a mut Value> {
    v.get_mut(key).into_iter().flat_map(members)
}

/// An object's values or an array's items.
fn members(v: &mut Value) -> Box<dyn Iterator<Item = &mut Value> + '_> {
    match v {
        Value::Object(m) => Box::new(m.values_mut()),
        Value::Array(a) => Box::new(a.iter_mut()),
        _ => Box::new(std::iter::empty()),
    }
}

fn operation(op: &mut Value, schema: &impl Fn(&mut Value)) {
    for requirement in children(op, "security") {
        members(requirement).for_each(|roles| *roles = json!([]));
    }
    // The schema of each parameter, header and media type.
    let holder_schema = |holder: &mut Value| holder.get_mut("schema").into_iter().for_each(schema);
    children(op, "parameters").for_each(holder_schema);
    if let Some(body) = op.get_mut("requestBody") {
        children(body, "content").for_each(holder_schema);
    }
    for response in children(op, "responses") {
        children(response, "content").for_each(holder_schema);
        children(response, "headers").for_each(holder_schema);
    }
}

/// One schema and every schema in it, said the 3.0 way.
/// `types`: the type of each component schema, by its `$ref`.
fn schema(s: &mut Value, types: &Map<String, Value>) {
    let Some(o) = s.as_object_mut() else { return };
    // First, while a `{type: null}` alternative is still recognisable.
    nullable(o, types);
    let sub = |s: &mut Value| schema(s, types);
    o.get_mut("properties").into_iter().flat_map(members).for_each(sub);
    for key in ["items", "additionalProperties", "not"] {
        o.get_mut(key).into_iter().for_each(sub);
    }
    for key in ["anyOf", "allOf", "oneOf"] {
        o.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().for_each(sub);
    }
    // 3.1's numeric exclusive bounds are 3.0's `minimum`/`maximum` with a boolean beside.
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = o.get(exclusive).filter(|v| v.is_number()).cloned() {
            o.insert(bound.into(), n);
            o.insert(exclusive.into(), json!(true));
        }
    }
    if let Some(v) = o.swap_remove("const") {
        o.insert("enum".into(), json!([v]));
    }
    if let Some(Value::Array(mut examples)) = o.swap_remove("examples")
        && !examples.is_empty()
    {
        o.insert("example".into(), examples.swap_remove(0));
    }
    if o.len() > 1
        && let Some(r) = o.swap_remove("$ref")
    {
        o.insert("allOf".into(), json!([{"$ref": r}]));
    }
}

/// The 3.1 ways of admitting `null` as `nullable: true`.
fn nullable(o: &mut Map<String, Value>, types: &Map<String, Value>) {
    match o.get("type") {
        Some(Value::Array(types)) => {
            let other: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            if other.len() == 1 && other.len() < types.len() {
                o.insert("type".into(), other[0].clone());
                o.insert("nullable".into(), json!(true));
            }
        }
        Some(t) if t == "null" => {
            // 3.0 has no null type, and `nullable` needs a type beside it. Generators turn
            // `enum: [null]` into an enum without variants (OpenAPI Generator's rust client
            // does not compile): an object without members, or null. The 3.1 document says
            // it is only ever null.
            o.insert("type".into(), json!("object"));
            o.insert("nullable".into(), json!(true));
            o.insert("maxProperties".into(), json!(0));
        }
        _ => {}
    }
    let Some(Value::Array(any)) = o.get("anyOf") else { return };
    let [a, b] = any.as_slice() else { return };
    let inner = match (a["type"] == "null", b["type"] == "null") {
        (false, true) => a.clone(),
        (true, false) => b.clone(),
        _ => return,
    };
    o.swap_remove("anyOf");
    match inner {
        Value::Object(m) if !m.contains_key("$ref") => o.extend(m),
        other => {
            if let Some(t) = other["$ref"].as_str().and_then(|r| types.get(r)) {
                o.insert("type".into(), t.clone());
            }
            o.insert("allOf".into(), json!([other]));
        }
    }
    o.insert("nullable".into(), json!(true));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_form_field_enum_is_written_in_place() {
        let mut doc = json!({
            "paths": {"/m": {"post": {"requestBody": {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Form"}}}}}}},
            "components": {"schemas": {
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Form": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind", "description": "d"}, "n": {"type": "integer"}}},
            }},
        });
        super::inline_form_enums(&mut doc);
        assert_eq!(doc["components"]["schemas"]["Form"]["properties"], json!({"kind": {"description": "d", "type": "string", "enum": ["a", "b"]}, "n": {"type": "integer"}}));
    }

    fn render(mut s: serde_json::Value) -> serde_json::Value {
        let types = serde_json::Map::from_iter([("#/components/schemas/Group".to_owned(), json!("object"))]);
        super::schema(&mut s, &types);
        s
    }

    #[test]
    fn each_3_1_form_becomes_its_3_0_form() {
        assert_eq!(render(json!({"type": ["string", "null"], "enum": ["a", null]})), json!({"type": "string", "nullable": true, "enum": ["a", null]}));
        assert_eq!(render(json!({"type": "null"})), json!({"type": "object", "nullable": true, "maxProperties": 0}));
        assert_eq!(
            render(json!({"anyOf": [{"$ref": "#/components/schemas/Group"}, {"type": "null"}], "description": "d"})),
            json!({"description": "d", "type": "object", "allOf": [{"$ref": "#/components/schemas/Group"}], "nullable": true})
        );
        assert_eq!(render(json!({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]})), json!({"type": "integer", "minimum": 1, "nullable": true}));
        assert_eq!(render(json!({"type": "boolean", "const": false})), json!({"type": "boolean", "enum": [false]}));
        assert_eq!(render(json!({"type": "integer", "exclusiveMinimum": 0})), json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0}));
        assert_eq!(render(json!({"$ref": "#/components/schemas/Group", "description": "d"})), json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/Group"}]}));
        assert_eq!(render(json!({"type": "string", "examples": ["x", "y"]})), json!({"type": "string", "example": "x"}));
        // Nested schemas too.
        assert_eq!(render(json!({"type": "array", "items": {"type": ["integer", "null"]}})), json!({"type": "array", "items": {"type": "integer", "nullable": true}}));
    }
}
