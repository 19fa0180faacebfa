//! OpenAPI 3.1 emitter: `generated/openapi.yaml`, so any tool in the ecosystem can read the API.
//! The required scope of an operation is written twice: as the role list of its bearer security
//! requirement (OpenAPI 3.1 allows role names for non-OAuth schemes) and as `x-required-scope`.

use std::borrow::Cow;

use serde_json::Value;

use crate::ir::*;
use crate::write::yaml::{yaml, Mapping, Yaml};
use crate::write::{header, Output};

pub const PATH: &str = "generated/openapi.yaml";

pub fn emit(api: &Api) -> Output {
    let yaml = crate::write::yaml::to_string(&tree(api));
    let mut contents = header("#", &api.files.join(", "));
    contents.push_str(&yaml);
    if !contents.ends_with('\n') {
        contents.push('\n');
    }
    Output { path: PATH.into(), contents }
}

/// The OpenAPI document as JSON (for tests).
pub fn document(api: &Api) -> Value {
    tree(api).to_json()
}

/// The OpenAPI document, its text borrowed from the IR where it can be.
fn tree(api: &Api) -> Yaml<'_> {
    let mut paths = Mapping::new();
    for op in api.operations() {
        let item = paths.entry(op.path.as_str());
        if let Yaml::Null = item {
            *item = yaml!({});
        }
        item.as_map_mut().expect("a path item is a mapping").insert(op.method.to_lowercase(), operation(api, op));
    }
    yaml!({
        "openapi": "3.1.0",
        "info": {"title": &api.title, "version": &api.version, "description": &api.description},
        "servers": [{"url": &api.base_url, "description": provenance_text(&api.base_url_provenance)}],
        "security": [{"bearerAuth": []}],
        "tags": api.groups.iter().map(|g| yaml!({"name": &g.name, "description": &g.description})).collect::<Yaml>(),
        "paths": paths,
        "components": components(api),
    })
}

fn provenance_text(p: &Provenance) -> String {
    match p {
        Provenance::Documented { page } => format!("documented: {page}"),
        Provenance::Inferred { reason } => format!("inferred: {reason}"),
    }
}

fn provenance(p: &Provenance) -> Yaml<'_> {
    match p {
        Provenance::Documented { page } => yaml!({"documented": page}),
        Provenance::Inferred { reason } => yaml!({"inferred": reason}),
    }
}

fn operation<'a>(api: &'a Api, op: &'a Operation) -> Yaml<'a> {
    let mut o = Mapping::new();
    o.insert("operationId", &op.id);
    o.insert("summary", &op.summary);
    o.insert("description", op_description(op));
    o.insert("tags", yaml!([&op.group]));
    let roles: Vec<&str> = op.scope.iter().map(String::as_str).collect();
    o.insert("security", yaml!([{"bearerAuth": roles}]));
    o.insert("x-required-scope", op.scope.as_ref().map_or(Yaml::Null, Yaml::from));
    o.insert("x-provenance", provenance(&op.provenance));
    let mut params = parameters(api, op);
    parameter_examples(op, &mut params);
    if !params.is_empty() {
        o.insert("parameters", Yaml::Seq(params));
    }
    if let Some(body) = &op.body {
        let mut request = request_body(op, body);
        add_examples(&mut request["content"], op, |ex| ex.request.as_ref());
        o.insert("requestBody", request);
    }
    let mut responses = responses(api, op);
    for (status, response) in responses.as_map_mut().expect("responses are a mapping").iter_mut() {
        add_examples(&mut response["content"], op, |ex| ex.response.as_ref().filter(|_| op.example_status(ex).to_string() == status));
    }
    o.insert("responses", responses);
    if !op.rate_limits.is_empty() {
        o.insert("x-rate-limits", op.rate_limits.iter().map(|r| yaml!({"key": &r.key, "limit": r.limit, "per_seconds": r.per_seconds})).collect::<Yaml>());
    }
    Yaml::Map(o)
}

/// The spec's examples under a name each, unique within the operation.
fn example_names(op: &Operation) -> Vec<String> {
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
fn add_examples<'a>(content: &mut Yaml<'a>, op: &'a Operation, value: impl Fn(&'a Example) -> Option<&'a Value>) {
    let examples: Mapping<'a> = op
        .examples
        .iter()
        .zip(example_names(op))
        .filter_map(|(ex, name)| value(ex).map(|v| (name.clone(), yaml!({"summary": name, "value": Yaml::from_json(v)}))))
        .collect();
    if examples.is_empty() {
        return;
    }
    if let Some(media) = content.as_map_mut() {
        for m in media.values_mut() {
            m["examples"] = Yaml::Map(examples.clone());
        }
    }
}

/// Each path and query parameter gets the values the spec's examples give it (typed by the
/// parameter's schema), so tools that replay examples (schemathesis) send realistic requests.
fn parameter_examples(op: &Operation, params: &mut [Yaml<'_>]) {
    let names = example_names(op);
    for p in params.iter_mut() {
        let (Some(wire), Some(location)) = (p["name"].as_str().map(str::to_owned), p["in"].as_str().map(str::to_owned)) else { continue };
        let mut examples = Mapping::new();
        for (ex, name) in op.examples.iter().zip(&names) {
            let text = match location.as_str() {
                "path" => op.example_params(ex).into_iter().find(|(f, v)| f.wire == wire && !v.starts_with('{')).map(|(_, v)| v),
                _ => ex.query.iter().find(|(k, _)| *k == wire).map(|(_, v)| v.clone()),
            };
            if let Some(text) = text {
                examples.insert(name.clone(), yaml!({"summary": name.clone(), "value": typed(&p["schema"], &text)}));
            }
        }
        if !examples.is_empty() {
            p["examples"] = Yaml::Map(examples);
        }
    }
}

/// A query or path text as the JSON value its schema describes (`1` an integer for an integer).
fn typed(schema: &Yaml<'_>, text: &str) -> Yaml<'static> {
    let types: Vec<&str> = match &schema["type"] {
        Yaml::Str(t) => vec![t.as_ref()],
        Yaml::Seq(ts) => ts.iter().filter_map(Yaml::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"integer")
        && let Ok(n) = text.parse::<i64>()
    {
        return yaml!(n);
    }
    if types.contains(&"number")
        && let Ok(n) = text.parse::<f64>()
    {
        return yaml!(n);
    }
    if types.contains(&"boolean") {
        match text {
            "true" | "1" => return yaml!(true),
            "false" | "0" => return yaml!(false),
            _ => {}
        }
    }
    yaml!(text.to_owned())
}

fn op_description(op: &Operation) -> String {
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

fn param<'a>(name: impl Into<Cow<'a, str>>, location: &'static str, required: bool, schema: Yaml<'a>, description: impl Into<Cow<'a, str>>) -> Yaml<'a> {
    let mut p = yaml!({"name": name.into(), "in": location, "required": required, "schema": schema});
    let description = description.into();
    if !description.is_empty() {
        p["description"] = yaml!(description);
    }
    p
}

fn parameters<'a>(api: &'a Api, op: &'a Operation) -> Vec<Yaml<'a>> {
    let mut out = Vec::new();
    for f in &op.path_params {
        out.push(param(&f.wire, "path", true, field_schema(f), &f.description));
    }
    for f in &op.query {
        out.push(param(&f.wire, "query", f.required, field_schema(f), &f.description));
    }
    let q = &api.list_query;
    if let Some(list) = &op.list {
        let p = &api.pagination;
        out.push(param("page", "query", false, yaml!({"type": "integer", "minimum": p.page_min, "default": p.page_default}), "Page number"));
        out.push(param(
            "per_page",
            "query",
            false,
            yaml!({"type": "integer", "minimum": p.per_page_min, "maximum": p.per_page_max, "default": p.per_page_default}),
            "Items per page",
        ));
        if !list.sort.is_empty() {
            let mut allowed = Vec::new();
            for s in &list.sort {
                allowed.push(s.clone());
                allowed.push(format!("{}{s}", q.descending_prefix));
            }
            let alt = allowed.iter().map(|a| regex_escape(a)).collect::<Vec<_>>().join("|");
            let mut schema = yaml!({"type": "string", "pattern": format!("^({alt})(,({alt}))*$")});
            if let Some(d) = &list.default_sort {
                schema["default"] = yaml!(d);
            }
            out.push(param(
                &q.sort,
                "query",
                false,
                schema,
                format!("Comma-separated sort fields; a leading `{}` sorts descending. Allowed: {}", q.descending_prefix, list.sort.join(", ")),
            ));
        }
        if !list.search.is_empty() {
            let d = format!("Partial match over {}", list.search.join(", "));
            out.push(param(&q.search, "query", false, yaml!({"type": "string"}), d));
            for a in &q.search_aliases {
                out.push(param(a, "query", false, yaml!({"type": "string"}), format!("Alias of `{}`", q.search)));
            }
        }
        for f in &list.filters {
            for op_name in &f.ops {
                let (name, schema) = filter_param(api, &q.filter, f, op_name);
                out.push(param(name, "query", false, schema, &f.description));
            }
        }
    }
    if !op.include.is_empty() {
        let alt = op.include.iter().map(|i| regex_escape(i)).collect::<Vec<_>>().join("|");
        out.push(param(
            &q.include,
            "query",
            false,
            yaml!({"type": "string", "pattern": format!("^\\s*(({alt})\\s*(,\\s*|$))*$")}),
            format!("Comma-separated relations to include. Allowed: {}", op.include.join(", ")),
        ));
    }
    if op.fields {
        out.push(param(&q.fields, "query", false, yaml!({"type": "string"}), "Comma-separated fields to return"));
    }
    out
}

fn filter_param<'a>(api: &Api, filter: &str, f: &'a Filter, op_name: &str) -> (String, Yaml<'a>) {
    let name = if op_name == "eq" { format!("{filter}[{}]", f.field) } else { format!("{filter}[{}][{op_name}]", f.field) };
    let kind = api.operators.iter().find(|o| o.wire == op_name).map_or("scalar", |o| o.value.as_str());
    let scalar = ty_schema(&f.ty);
    let schema = match kind {
        "boolean" => yaml!({"type": "boolean"}),
        "list" | "pair" => yaml!({"type": "string", "description": "comma-separated values"}),
        _ => scalar,
    };
    (name, schema)
}

fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if "\\.+*?()|[]{}^$-".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

fn request_body<'a>(op: &Operation, body: &Body) -> Yaml<'a> {
    let schema_ref = yaml!({"$ref": format!("#/components/schemas/{}Body", op.type_prefix)});
    let mut content = Mapping::new();
    if body.content_type != ContentType::Multipart {
        content.insert("application/json", yaml!({"schema": schema_ref.clone()}));
    }
    if body.content_type != ContentType::Json {
        content.insert("multipart/form-data", yaml!({"schema": schema_ref}));
    }
    yaml!({"required": true, "content": content})
}

fn body_schema(body: &Body) -> Yaml<'_> {
    object_schema(&body.fields, "", true)
}

fn responses<'a>(api: &'a Api, op: &'a Operation) -> Yaml<'a> {
    let mut out = Mapping::new();
    let r = &op.response;
    let description = r.message.as_ref().unwrap_or(&op.summary);
    out.insert(r.status.to_string(), yaml!({"description": description, "content": json_content(success_schema(api, op))}));
    // (status, [(code, description)]): the spec's errors, then those the router adds.
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
    for (status, errs) in by_status {
        let (codes, descs): (Vec<String>, Vec<String>) = errs.into_iter().unzip();
        let mut resp = yaml!({"description": descs.join("; "), "content": json_content(error_schema(api, codes))});
        if status == 429 {
            resp["headers"] = yaml!({(&api.rate_limit.retry_after_header): {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}});
        }
        out.insert(status.to_string(), resp);
    }
    Yaml::Map(out)
}

/// `content` of a JSON response with this schema.
fn json_content(schema: Yaml<'_>) -> Yaml<'_> {
    yaml!({"application/json": {"schema": schema}})
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
fn router_only_codes(api: &Api) -> Vec<String> {
    [(405, "METHOD_NOT_ALLOWED"), (413, "PAYLOAD_TOO_LARGE"), (415, "UNSUPPORTED_MEDIA_TYPE")]
        .into_iter()
        .filter(|(status, _)| !api.errors.iter().any(|e| e.status == *status))
        .map(|(_, code)| code.to_owned())
        .collect()
}

fn success_schema<'a>(api: &'a Api, op: &'a Operation) -> Yaml<'a> {
    let e = &api.envelope;
    let r = &op.response;
    let data = match (&r.data, selection_model(op)) {
        // With ?fields= each item has only the selected fields: the whole model, or a selection.
        (Some(Ty::Array(_)), Some(m)) if r.envelope != EnvelopeKind::List => array_of(selectable(m)),
        (Some(_), Some(m)) => selectable(m),
        (Some(t), None) => ty_schema(t),
        (None, _) => yaml!({"type": "null"}),
    };
    match r.envelope {
        EnvelopeKind::Data => yaml!({
            "type": "object",
            "required": [&e.success, &e.message, &e.data],
            "properties": {(&e.success): {"type": "boolean", "const": true}, (&e.message): {"type": "string"}, (&e.data): data},
        }),
        EnvelopeKind::List => yaml!({
            "type": "object",
            "required": [&e.success, &e.message, &e.data, &e.meta, &e.links],
            "properties": {
                (&e.success): {"type": "boolean", "const": true},
                (&e.message): {"type": "string"},
                (&e.data): array_of(data),
                (&e.meta): {"$ref": "#/components/schemas/PageMeta"},
                (&e.links): {"$ref": "#/components/schemas/PageLinks"},
            },
        }),
        EnvelopeKind::Flat => yaml!({
            "allOf": [
                {
                    "type": "object",
                    "required": [&e.success, &e.message],
                    "properties": {(&e.success): {"type": "boolean"}, (&e.message): {"type": "string"}},
                },
                data,
            ],
        }),
        EnvelopeKind::None => data,
    }
}

/// `{"type": "array", "items": items}`.
fn array_of(items: Yaml<'_>) -> Yaml<'_> {
    yaml!({"type": "array", "items": items})
}

/// The model of the items an operation with `?fields=` projects.
fn selection_model(op: &Operation) -> Option<&str> {
    match op.response.data.as_ref()?.leaf() {
        Ty::Named(n, _) if op.fields => Some(n.as_str()),
        _ => None,
    }
}

/// The model, or its selection (`{Model}Selection`) when `?fields=` picked some of its fields.
fn selectable<'a>(model: &str) -> Yaml<'a> {
    yaml!({
        "anyOf": [{"$ref": format!("#/components/schemas/{model}")}, {"$ref": format!("#/components/schemas/{model}Selection")}],
        "description": format!("A {model}, or with `?fields=` only the selected fields (and the included relations)"),
    })
}

fn error_schema(api: &Api, codes: Vec<String>) -> Yaml<'_> {
    let e = &api.envelope;
    yaml!({
        "type": "object",
        "required": [&e.success, &e.message, &e.error],
        "properties": {
            (&e.success): {"type": "boolean", "const": false},
            (&e.message): {"type": "string"},
            (&e.error): {
                "type": "object",
                "required": [&e.code],
                "properties": {
                    (&e.code): {"type": "string", "enum": codes},
                    (&e.details): {"type": ["object", "null"]},
                },
            },
            (&e.errors): {
                "type": "object",
                "description": "Field -> messages, on 422 VALIDATION_ERROR",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    })
}

fn components(api: &Api) -> Yaml<'_> {
    let mut schemas = Mapping::new();
    for en in &api.enums {
        schemas.insert(
            en.name.as_str(),
            yaml!({
                "type": "string",
                "description": format!("{}\n\nProvenance: {}.", en.description, provenance_text(&en.provenance)),
                "enum": en.values.iter().map(|(w, _)| w).collect::<Yaml>(),
            }),
        );
    }
    for m in &api.models {
        let mut s = object_schema(&m.fields, format!("{}\n\nProvenance: {}.", m.description, provenance_text(&m.provenance)), false);
        let props = s["properties"].as_map_mut().expect("an object schema has properties");
        for r in &m.relations {
            let mut rs = ty_schema(&r.ty);
            rs["description"] = yaml!(format!("{} (present only when requested with ?include={})", r.description, r.wire));
            props.insert(r.wire.as_str(), rs);
        }
        schemas.insert(m.name.as_str(), s);
    }
    for op in api.operations() {
        if let Some(body) = &op.body {
            let mut s = body_schema(body);
            s["description"] = yaml!(format!("Request body of `{}`", op.id));
            schemas.insert(format!("{}Body", op.type_prefix), s);
        }
    }
    for model in api.operations().filter_map(selection_model) {
        let Some(full) = schemas.get(model) else { continue };
        let mut s = full.clone();
        if let Some(o) = s.as_map_mut() {
            o.swap_remove("required");
        }
        s["description"] = yaml!(format!("A {model} reduced to the fields a `?fields=` query selected: every property is optional"));
        schemas.insert(format!("{model}Selection"), s);
    }
    schemas.insert("PageMeta", object_schema(&api.pagination.meta, "Pagination metadata", false));
    schemas.insert("PageLinks", object_schema(&api.pagination.links, "Pagination links", false));
    let codes = api.errors.iter().map(|e| Yaml::from(&e.code)).chain(router_only_codes(api).into_iter().map(Yaml::from));
    schemas.insert(
        "ErrorCode",
        yaml!({
            "type": "string",
            "description": "Every error code of the API (the last ones are answered only by the router: 405, 413, 415)",
            "enum": codes.collect::<Yaml>(),
        }),
    );
    yaml!({
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": format!("{} The scopes an operation requires are listed as the roles of its security requirement and in `x-required-scope`.", api.auth_description),
            },
        },
        "schemas": schemas,
    })
}

/// An object schema from fields. Required fields of a request body must be present (not blank).
fn object_schema<'a>(fields: &'a [Field], description: impl Into<Cow<'a, str>>, request: bool) -> Yaml<'a> {
    let mut props = Mapping::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field_schema(f);
        if f.required && f.rules.required_without.is_empty() && f.rules.required_if.is_none() && f.rules.required_with.is_empty() {
            required.push(&f.wire);
            if request && !f.nullable {
                present(&mut schema);
            }
        }
        props.insert(f.wire.as_str(), schema);
    }
    let mut s = yaml!({"type": "object", "properties": props});
    if !required.is_empty() {
        s["required"] = yaml!(required);
    }
    let description = description.into();
    if !description.is_empty() {
        s["description"] = yaml!(description);
    }
    s
}

/// A required request field must be present in Laravel's sense, as the router checks it: a
/// string not blank, an array not empty (`"name": ""` is "The name field is required.").
fn present(schema: &mut Yaml<'_>) {
    match schema["type"].as_str() {
        Some("string") if schema.get("format").is_none_or(|f| f.as_str() != Some("binary")) && schema.get("enum").is_none() => {
            if schema.get("pattern").is_none() {
                schema["pattern"] = yaml!("\\S");
            } else if schema.get("minLength").is_none() {
                schema["minLength"] = yaml!(1i64);
            }
        }
        Some("array") if schema.get("minItems").is_none() => schema["minItems"] = yaml!(1i64),
        _ => {}
    }
}

/// JSON Schema of one field: its type, nullability and every constraint JSON Schema can say.
fn field_schema(f: &Field) -> Yaml<'_> {
    let mut s = ty_schema(&f.ty);
    let r = &f.rules;
    let target = if matches!(f.ty, Ty::Array(_)) { "items" } else { "" };
    {
        let scalar = if target.is_empty() { &mut s } else { &mut s["items"] };
        if let Some(v) = r.max_length {
            scalar["maxLength"] = yaml!(v);
        }
        if let Some(v) = r.min_length {
            scalar["minLength"] = yaml!(v);
        }
        if let Some(v) = r.min {
            scalar["minimum"] = num(v);
        }
        if let Some(v) = r.max {
            scalar["maximum"] = num(v);
        }
        if let Some(p) = &r.pattern {
            scalar["pattern"] = yaml!(p);
        }
        if let Some(fmt) = &r.format {
            match fmt.as_str() {
                "email" => scalar["format"] = yaml!("email"),
                "url" => scalar["format"] = yaml!("uri"),
                _ => {}
            }
        }
        if let Some(max) = r.max_size {
            scalar["x-max-size"] = yaml!(max);
        }
        if !r.extensions.is_empty() {
            scalar["x-extensions"] = r.extensions.iter().collect();
        }
    }
    if let Some(v) = r.min_items {
        s["minItems"] = yaml!(v);
    }
    if let Some(v) = r.max_items {
        s["maxItems"] = yaml!(v);
    }
    if r.unique_items {
        s["uniqueItems"] = yaml!(true);
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
        s["description"] = yaml!(desc.trim().to_owned());
    }
    if let Some(d) = &f.default {
        s["default"] = Yaml::from_json(d);
    }
    if let Some(e) = &f.example {
        s["examples"] = yaml!([Yaml::from_json(e)]);
    }
    if !f.messages.is_empty() {
        s["x-messages"] = Yaml::Map(f.messages.iter().collect());
    }
    s
}

fn num<'a>(v: f64) -> Yaml<'a> {
    if v.fract() == 0.0 && v.abs() < 1e15 { yaml!(v as i64) } else { yaml!(v) }
}

/// The schema, also admitting `null`: a `type` list where it can, else `anyOf` (not `oneOf`,
/// which would reject `null` when the schema admits it already). A schema without constraints
/// (`{}`, any JSON value) already admits `null`.
fn nullable(s: Yaml<'_>) -> Yaml<'_> {
    if matches!(&s, Yaml::Map(m) if m.is_empty()) {
        return s;
    }
    match s.get("type").cloned() {
        Some(Yaml::Str(t)) if s.get("$ref").is_none() => {
            let mut s = s;
            s["type"] = yaml!([t, "null"]);
            if let Some(Yaml::Seq(values)) = s.get_mut("enum") {
                values.push(Yaml::Null);
            }
            s
        }
        _ => yaml!({"anyOf": [s, {"type": "null"}]}),
    }
}

fn ty_schema(t: &Ty) -> Yaml<'_> {
    match t {
        Ty::String => yaml!({"type": "string"}),
        Ty::Integer => yaml!({"type": "integer", "format": "int64"}),
        Ty::Number => yaml!({"type": "number"}),
        Ty::Boolean => yaml!({"type": "boolean"}),
        Ty::DateTime => yaml!({"type": "string", "format": "date-time"}),
        Ty::Date => yaml!({"type": "string"}),
        Ty::File => yaml!({"type": "string", "format": "binary"}),
        Ty::Json => yaml!({}),
        Ty::Named(n, _) => yaml!({"$ref": format!("#/components/schemas/{n}")}),
        Ty::Array(t) => array_of(ty_schema(t)),
        Ty::Map(t) => yaml!({"type": "object", "additionalProperties": ty_schema(t)}),
    }
}
