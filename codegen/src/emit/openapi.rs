//! OpenAPI emitter: `generated/openapi.yaml` (3.1), so any tool in the ecosystem can read the
//! API, and its 3.0.3 rendering `generated/openapi-3.0.yaml` for the tools that read only 3.0.
//! The document is built as JSON (`serde_json` keeps key order) and written as YAML by
//! serde-saphyr. Shared schemas (models, bodies, the error envelope) are components behind
//! `$ref`. The required scope of an operation is written twice: as the role list of its bearer
//! security requirement (OpenAPI 3.1 allows role names for non-OAuth schemes) and as
//! `x-required-scope`.

mod operation;
mod parameters;
mod schema;
mod v30;
pub mod webhooks;

use serde_json::{json, Map, Value};

use crate::ir::*;
use crate::write::{header, Output};

pub const PATH: &str = "generated/openapi.yaml";
pub const PATH_30: &str = "generated/openapi-3.0.yaml";

/// The OpenAPI 3.1 document.
pub fn emit(api: &Api) -> Output {
    write(api, PATH, &document(api))
}

/// The same document in OpenAPI 3.0.3, for the tools that read only 3.0.
pub fn emit_30(api: &Api) -> Output {
    write(api, PATH_30, &document_30(api))
}

fn write(api: &Api, path: &str, doc: &Value) -> Output {
    let mut contents = header("#", &api.files.join(", "));
    // A JSON value has string keys and finite numbers only: serde-saphyr writes any of them.
    serde_saphyr::to_fmt_writer(&mut contents, doc).expect("a JSON value is always written as YAML");
    if !contents.ends_with('\n') {
        contents.push('\n');
    }
    Output { path: path.into(), contents }
}

/// The OpenAPI 3.0.3 rendering of [`document`].
pub fn document_30(api: &Api) -> Value {
    let mut doc = document(api);
    // 3.0 has no webhooks: their tag and the schemas only they use go with them.
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for name in webhooks::component_names(api) {
            schemas.shift_remove(&name);
        }
    }
    if let (Some(tags), Some(_)) = (doc["tags"].as_array_mut(), &api.events) {
        tags.retain(|t| t["name"] != "webhooks");
    }
    v30::document(doc)
}

/// The OpenAPI document.
pub fn document(api: &Api) -> Value {
    let mut paths = Map::new();
    for op in api.operations() {
        let item = paths.entry(op.path.as_str()).or_insert_with(|| json!({}));
        item[op.method.to_lowercase()] = operation::operation(api, op);
    }
    let tags = api.groups.iter().map(|g| json!({"name": g.name, "description": g.description})).chain(webhooks::tag(api)).collect();
    let mut doc = json_object([
        ("openapi", json!("3.1.0")),
        ("info", info(api)),
        ("servers", json!([{"url": api.base_url, "description": provenance_text(&api.base_url_provenance)}])),
        ("security", json!([{"bearerAuth": []}])),
        ("tags", tags),
        ("paths", Value::Object(paths)),
        ("components", components(api)),
    ]);
    if let Some(hooks) = webhooks::webhooks(api) {
        doc["webhooks"] = hooks;
    }
    doc
}

fn info(api: &Api) -> Value {
    let mut info = json!({"title": api.title, "version": api.version, "description": api.description});
    if let Some((license, provenance)) = &api.license {
        info["license"] = json!({"name": license, "identifier": license, "x-provenance": provenance_text(provenance)});
    }
    info
}

/// A JSON object of `entries`, in order. The values are moved in: `json!` would copy each
/// one through `serde_json::to_value`, for every level a schema is nested in.
fn json_object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn provenance_text(p: &Provenance) -> String {
    match p {
        Provenance::Documented { page } => format!("documented: {page}"),
        Provenance::Inferred { reason } => format!("inferred: {reason}"),
    }
}

/// The models a response can carry: the operations' data and what those models hold.
fn answered_models(api: &Api) -> std::collections::HashSet<&str> {
    fn named(t: &Ty) -> Option<&str> {
        match t.leaf() {
            Ty::Named(n, NamedKind::Model) => Some(n.as_str()),
            _ => None,
        }
    }
    let mut found: std::collections::HashSet<&str> = api.operations().filter_map(|op| op.response.data.as_ref().and_then(named)).collect();
    let mut todo: Vec<&str> = found.iter().copied().collect();
    while let Some(name) = todo.pop() {
        let Some(m) = api.model(name) else { continue };
        for inner in m.fields.iter().chain(&m.relations).filter_map(|f| named(&f.ty)) {
            if found.insert(inner) {
                todo.push(inner);
            }
        }
    }
    found
}

fn components(api: &Api) -> Value {
    let mut schemas = Map::new();
    for en in &api.enums {
        let values: Vec<&String> = en.values.iter().map(|(w, _)| w).collect();
        let description = format!("{}\n\nProvenance: {}.", en.description, provenance_text(&en.provenance));
        schemas.insert(en.name.clone(), json!({"type": "string", "description": description, "enum": values}));
    }
    let answered = answered_models(api);
    for m in &api.models {
        // A model only requests carry (an interactive button) says what a request must fill.
        let request = !answered.contains(m.name.as_str());
        let mut s = schema::object(&m.fields, &format!("{}\n\nProvenance: {}.", m.description, provenance_text(&m.provenance)), request);
        let props = s["properties"].as_object_mut().expect("an object schema has properties");
        for r in &m.relations {
            let mut rs = schema::ty(&r.ty);
            rs["description"] = json!(format!("{} (present only when requested with ?include={})", r.description, r.wire));
            props.insert(r.wire.clone(), rs);
        }
        schemas.insert(m.name.clone(), s);
    }
    for op in api.operations() {
        if let Some(body) = &op.body {
            let mut s = schema::object(&body.fields, "", true);
            s["description"] = json!(format!("Request body of `{}`", op.id));
            schemas.insert(format!("{}Body", op.type_prefix), s);
        }
    }
    for model in api.operations().filter_map(schema::selection_model) {
        let Some(full) = schemas.get(model) else { continue };
        let mut s = full.clone();
        if let Some(o) = s.as_object_mut() {
            o.swap_remove("required");
        }
        s["description"] = json!(format!("A {model} reduced to the fields a `?fields=` query selected: every property is optional"));
        schemas.insert(format!("{model}Selection"), s);
    }
    schemas.insert("PageMeta".into(), schema::object(&api.pagination.meta, "Pagination metadata", false));
    schemas.insert("PageLinks".into(), schema::object(&api.pagination.links, "Pagination links", false));
    let codes: Vec<String> = api.errors.iter().map(|e| e.code.clone()).chain(operation::router_only_codes(api)).collect();
    schemas.insert(
        "ErrorCode".into(),
        json!({
            "type": "string",
            "description": "Every error code of the API (the last ones are answered only by the router: 405, 413, 415)",
            "enum": codes,
        }),
    );
    schemas.insert("Error".into(), schema::error(api));
    webhooks::schemas(api, &mut schemas);
    for (name, s) in schema::error_parts() {
        schemas.insert(name.into(), s);
    }
    let description = format!("{} The scopes an operation requires are listed as the roles of its security requirement and in `x-required-scope`.", api.auth_description);
    json_object([
        ("securitySchemes", json!({"bearerAuth": {"type": "http", "scheme": "bearer", "description": description}})),
        ("schemas", Value::Object(schemas)),
    ])
}
