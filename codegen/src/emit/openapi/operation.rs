//! One operation of the OpenAPI document: its description, request body, responses (the
//! spec's errors and those the generated router answers by itself) and examples.

use serde_json::{json, Map, Value};

use super::{json_object, parameters, provenance_text, schema};
use crate::ir::*;

pub(super) fn operation(api: &Api, op: &Operation) -> Value {
    let roles: Vec<&String> = op.scope.iter().collect();
    let mut o = json!({
        "operationId": op.id,
        "summary": op.summary,
        "description": description(op),
        "tags": [op.group],
        "security": [{"bearerAuth": roles}],
        "x-required-scope": op.scope,
    });
    o["x-provenance"] = provenance(&op.provenance);
    let mut params = parameters::parameters(api, op);
    parameters::add_examples(op, &mut params);
    if !params.is_empty() {
        o["parameters"] = Value::Array(params);
    }
    if let Some(body) = &op.body {
        let mut request = request_body(op, body);
        add_examples(&mut request["content"], op, |ex| ex.request.as_ref());
        mark_invalid_examples(op, &mut request["content"]);
        o["requestBody"] = request;
    }
    let mut responses = responses(api, op);
    let links = links(api, op);
    if !links.is_empty()
        && let Some(success) = responses.get_mut(&op.response.status.to_string())
    {
        success["links"] = Value::Object(links);
    }
    for (status, response) in responses.iter_mut() {
        add_examples(&mut response["content"], op, |ex| ex.response.as_ref().filter(|_| op.example_status(ex).to_string() == *status));
    }
    o["responses"] = Value::Object(responses);
    if !op.rate_limits.is_empty() {
        o["x-rate-limits"] = op.rate_limits.iter().map(|r| json!({"key": r.key, "limit": r.limit, "per_seconds": r.per_seconds})).collect();
    }
    o
}

fn provenance(p: &Provenance) -> Value {
    match p {
        Provenance::Documented { page } => json!({"documented": page}),
        Provenance::Inferred { reason } => json!({"inferred": reason}),
    }
}

fn description(op: &Operation) -> String {
    let mut d = op.description.clone();
    d.push_str(&format!("\n\nProvenance: {}.", provenance_text(&op.provenance)));
    if op.scope.is_none() {
        d.push_str("\n\nNo scope is required: any valid token of an active tenant may call it.");
    }
    if !op.behaviour.is_empty() {
        d.push_str("\n\nBehaviour:");
        for b in &op.behaviour {
            d.push_str(&format!("\n- {}", b.text));
        }
    }
    for n in op.note.iter().chain(op.notes.iter()) {
        d.push_str(&format!("\n\nNote: {n}"));
    }
    d
}

/// The spec's examples under a name each, unique within the operation.
pub(super) fn example_names(op: &Operation) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for ex in &op.examples {
        let mut name = ex.name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{} ({n})", ex.name);
            n += 1;
        }
        names.push(name);
    }
    names
}

/// OpenAPI Example Objects for each media type of `content`: the examples `value` gives one for.
fn add_examples<'a>(content: &mut Value, op: &'a Operation, value: impl Fn(&'a Example) -> Option<&'a Value>) {
    let examples: Map<String, Value> = op
        .examples
        .iter()
        .zip(example_names(op))
        .filter_map(|(ex, name)| value(ex).map(|v| (name.clone(), json_object([("summary", json!(name)), ("value", v.clone())]))))
        .collect();
    if examples.is_empty() {
        return;
    }
    if let Some(media) = content.as_object_mut() {
        for m in media.values_mut() {
            m["examples"] = Value::Object(examples.clone());
        }
    }
}

/// Marks the request examples that break the body's schema on purpose (the spec says why) with
/// `x-invalid-example`, which the Redocly configuration (redocly.yaml) reads to leave them out
/// of its example checks.
fn mark_invalid_examples(op: &Operation, content: &mut Value) {
    for (ex, name) in op.examples.iter().zip(example_names(op)) {
        let Some(reason) = ex.invalid.as_ref().filter(|_| ex.request.is_some()) else { continue };
        for media in content.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
            media["examples"][&name]["x-invalid-example"] = json!(reason);
        }
    }
}

fn request_body(op: &Operation, body: &Body) -> Value {
    let schema_ref = json!({"$ref": format!("#/components/schemas/{}Body", op.type_prefix)});
    let mut content = Map::new();
    if body.content_type != ContentType::Multipart {
        content.insert("application/json".into(), json_object([("schema", schema_ref.clone())]));
    }
    if body.content_type != ContentType::Json {
        let mut multipart = json_object([("schema", schema_ref)]);
        let encoding = file_names(body);
        if !encoding.is_empty() {
            multipart["encoding"] = Value::Object(encoding);
        }
        content.insert("multipart/form-data".into(), multipart);
    }
    // A body whose fields are all optional may be left out: the glue reads no body as `{}`.
    let required = body.fields.iter().any(|f| f.required || !f.rules.required_without.is_empty());
    json_object([("required", json!(required)), ("content", Value::Object(content))])
}

/// Links from a create operation to the operations on what it created: a POST on `/things`
/// whose data is a model with an `id` feeds that id to the `{id}` of every operation of its
/// group under `/things/{id}` (get, update, delete, sub-resources), so that tools can follow a
/// created resource (schemathesis' stateful phase).
fn links(api: &Api, op: &Operation) -> Map<String, Value> {
    let created = match &op.response.data {
        Some(Ty::Named(name, NamedKind::Model)) => api.model(name),
        _ => None,
    };
    if op.method != "POST" || !created.is_some_and(|m| m.fields.iter().any(|f| f.wire == "id")) {
        return Map::new();
    }
    let prefix = format!("{}/{{id}}", op.path);
    let pointer = format!("$response.body#/{}/id", api.envelope.data);
    api.operations()
        .filter(|o| o.group == op.group && (o.path == prefix || o.path.starts_with(&format!("{prefix}/"))))
        .map(|o| (o.type_prefix.clone(), json!({"operationId": o.id, "parameters": {"path.id": pointer}})))
        .collect()
}

/// The part headers of the file fields that take some extensions only: the glue checks a
/// file's extension (`extensions:`), so the part's `Content-Disposition` names a file with the
/// first of them (tools that send files, such as schemathesis, take the name from here).
fn file_names(body: &Body) -> Map<String, Value> {
    body.fields
        .iter()
        .filter(|f| matches!(f.ty.leaf(), Ty::File))
        .filter_map(|f| {
            let extension = f.rules.extensions.first()?;
            let header = json!({
                "description": format!("The file's name must end in .{}", f.rules.extensions.join(", .")),
                "schema": {"type": "string"},
                "example": format!("form-data; name=\"{0}\"; filename=\"{0}.{extension}\"", f.wire),
            });
            Some((f.wire.clone(), json!({"headers": {"Content-Disposition": header}})))
        })
        .collect()
}

fn responses(api: &Api, op: &Operation) -> Map<String, Value> {
    let mut out = Map::new();
    let r = &op.response;
    let description = r.message.as_ref().unwrap_or(&op.summary);
    out.insert(r.status.to_string(), json_object([("description", json!(description)), ("content", json_content(schema::success(api, op)))]));
    for (status, errs) in error_statuses(api, op) {
        let (codes, descs): (Vec<String>, Vec<String>) = errs.into_iter().unzip();
        let error = json!({"$ref": "#/components/schemas/Error"});
        let mut resp = json_object([("description", json!(descs.join("; "))), ("content", json_content(error)), ("x-error-codes", json!(codes))]);
        if status == 429 {
            let header = json!({"description": "Seconds to wait before retrying", "schema": {"type": "integer"}});
            resp["headers"] = json!({(&api.rate_limit.retry_after_header): header});
        }
        out.insert(status.to_string(), resp);
    }
    out
}

/// The error statuses of an operation, in order, each with its codes and what each means: the
/// spec's errors, then those the router adds.
fn error_statuses(api: &Api, op: &Operation) -> Vec<(u16, Vec<(String, String)>)> {
    let mut by_status: Vec<(u16, Vec<(String, String)>)> = Vec::new();
    let mut add = |status: u16, code: &str, desc: String| match by_status.iter_mut().find(|(s, _)| *s == status) {
        Some((_, v)) if v.iter().any(|(c, _)| c == code) => {}
        Some((_, v)) => v.push((code.to_owned(), desc)),
        None => by_status.push((status, vec![(code.to_owned(), desc)])),
    };
    for e in op.error_codes() {
        let desc = match &e.when {
            Some(w) => format!("{}: {w}", e.code),
            None => e.code.clone(),
        };
        add(e.status, &e.code, desc);
    }
    for g in router_errors(api, op) {
        add(g.status, &g.code, format!("{}: {}", g.code, g.when));
    }
    by_status.sort_by_key(|(s, _)| *s);
    by_status
}

/// `content` of a JSON response with this schema.
fn json_content(schema: Value) -> Value {
    json_object([("application/json", json_object([("schema", schema)]))])
}

/// An error the generated router (wacr-server's glue) answers by itself, before the
/// implementation runs.
struct RouterError {
    status: u16,
    code: String,
    when: &'static str,
}

/// The glue's own code for a status: the catalogue's code with that status, else the name the
/// glue gives it (as `emit::server` does for 405, 413 and 415).
fn glue_code(api: &Api, status: u16, fallback: &str) -> String {
    api.errors.iter().find(|e| e.status == status).map_or_else(|| fallback.to_owned(), |e| e.code.clone())
}

/// The errors the router answers from the shape of the operation, whether or not the spec lists
/// them: 404 when a path parameter does not parse, 422 when the query or body breaks a rule or
/// the body does not decode, 413 for a body over the limit, 415 for a body in a content type
/// the operation does not take. The spec's catalogue defines NOT_FOUND and VALIDATION_ERROR;
/// 413 and 415 are named by the glue. (405 is a property of a path, not of an operation.)
fn router_errors(api: &Api, op: &Operation) -> Vec<RouterError> {
    let mut out = Vec::new();
    if !op.path_params.is_empty() {
        out.push(RouterError { status: 404, code: glue_code(api, 404, "NOT_FOUND"), when: "a path parameter is not of its type (answered by the router)" });
    }
    if op.has_query() || op.body.is_some() {
        let when = match (op.has_query(), op.body.is_some()) {
            (true, false) => "a query parameter breaks a rule of the spec (answered by the router)",
            (false, true) => "the body is not decodable or breaks a rule of the spec (answered by the router)",
            _ => "a query parameter or the body breaks a rule of the spec (answered by the router)",
        };
        out.push(RouterError { status: 422, code: glue_code(api, 422, "VALIDATION_ERROR"), when });
    }
    if op.body.is_some() {
        out.push(RouterError { status: 413, code: glue_code(api, 413, "PAYLOAD_TOO_LARGE"), when: "the body is over the server's limit (answered by the router)" });
        out.push(RouterError {
            status: 415,
            code: glue_code(api, 415, "UNSUPPORTED_MEDIA_TYPE"),
            when: "the body is in a content type the operation does not take (answered by the router)",
        });
    }
    out
}

/// The codes only the router answers with, not in the spec's catalogue.
pub(super) fn router_only_codes(api: &Api) -> Vec<String> {
    [(405, "METHOD_NOT_ALLOWED"), (413, "PAYLOAD_TOO_LARGE"), (415, "UNSUPPORTED_MEDIA_TYPE")]
        .into_iter()
        .filter(|(status, _)| !api.errors.iter().any(|e| e.status == *status))
        .map(|(_, code)| code.to_owned())
        .collect()
}
