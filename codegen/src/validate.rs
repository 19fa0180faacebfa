//! Validate: the cross-item rules of the spec, one function per rule (serde's `check.rs`), each
//! reporting every violation with its location and, where one helps, a hint. Nothing here stops
//! at the first problem and nothing here panics.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{did_you_mean, Diagnostics, Loc};
use crate::ident;
use crate::spec::*;
use crate::yaml::{At, Entries};

mod events;
pub(crate) mod examples;
mod fields;
mod operation;

use fields::{check_field_idents, check_field_rules, check_type_ref};
use operation::check_operation;

pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
pub const CONTENT_TYPES: &[&str] = &["json", "multipart", "json_or_multipart"];
pub const ENVELOPES: &[&str] = &["data", "list", "flat", "none"];
pub const FORMATS: &[&str] = &["email", "url", "phone"];
pub const OPERATOR_VALUES: &[&str] = &["scalar", "text", "list", "pair", "boolean"];
/// The error codes the server glue answers with itself, with the status each must have.
pub const GLUE_CODES: [(&str, u16); 6] = [
    ("UNAUTHORIZED", 401),
    ("INSUFFICIENT_SCOPE", 403),
    ("VALIDATION_ERROR", 422),
    ("RATE_LIMIT_EXCEEDED", 429),
    ("NOT_FOUND", 404),
    ("INTERNAL_ERROR", 500),
];
/// Rule names a `messages:` map may use.
pub const MESSAGE_RULES: &[&str] = &[
    "required", "max_length", "min_length", "min", "max", "min_items", "max_items", "unique_items", "format",
    "pattern", "enum", "type", "unique", "exists", "rule", "required_with", "required_without", "required_if",
    "max_size", "extensions",
];

/// Runs every rule.
///
/// When loading already reported errors, the spec may lack what those errors dropped (a file
/// that does not parse, a field without a type, an operation without a response) or hold a
/// stand-in default: the rules that report something as missing, unknown or unused then stay
/// silent, so every error is a real mistake rather than an echo of an earlier one. Checks
/// against the catalogues of api.yaml (scopes, error codes) only need api.yaml to be whole.
pub fn validate(spec: &Spec, diags: &mut Diagnostics) {
    let api_complete = !diags.has_errors_in(spec.api.file) && !diags.has_unlocated_errors();
    let mut cx = Cx::new(spec, !diags.has_errors());
    cx.api_complete = api_complete;
    check_api(spec, &cx, diags);
    check_groups(spec, &cx, diags);
    check_type_names(spec, &cx, diags);
    check_scopes(spec, &cx, diags);
    check_errors(spec, &cx, diags);
    check_operation_ids(spec, diags);
    if cx.complete {
        check_routes(spec, diags);
    }
    check_contradictions(spec, &cx, diags);
    for g in &spec.groups {
        for (name, e) in g.enums.iter() {
            check_enum(name, e, diags);
        }
        for (name, m) in g.models.iter() {
            check_model(name, m, &cx, diags);
        }
        for (id, op) in g.operations.iter() {
            check_operation(id, op, &cx, spec, diags);
        }
    }
    if let Some(events) = &spec.events {
        events::check_events(events, &cx, diags);
    }
}

/// What every rule may look up.
struct Cx<'a> {
    models: HashMap<&'a str, &'a Model>,
    enums: HashMap<&'a str, &'a EnumDef>,
    operations: HashMap<&'a str, &'a Operation>,
    error_codes: Vec<&'a str>,
    scopes: Vec<&'a str>,
    operators: Vec<&'a str>,
    /// Loading reported no error: nothing was dropped, so absence means absence.
    complete: bool,
    /// api.yaml loaded without error: its catalogues (scopes, error codes) are whole.
    api_complete: bool,
}

impl<'a> Cx<'a> {
    fn new(spec: &'a Spec, complete: bool) -> Self {
        let mut cx = Cx {
            models: HashMap::new(),
            enums: HashMap::new(),
            operations: HashMap::new(),
            error_codes: spec.api.errors.keys().collect(),
            scopes: spec.api.scopes.keys().collect(),
            operators: spec.api.filter_operators.keys().collect(),
            complete,
            api_complete: complete,
        };
        for g in &spec.groups {
            for (n, m) in g.models.iter() {
                cx.models.entry(n.value.as_str()).or_insert(m);
            }
            for (n, e) in g.enums.iter() {
                cx.enums.entry(n.value.as_str()).or_insert(e);
            }
            for (n, o) in g.operations.iter() {
                cx.operations.entry(n.value.as_str()).or_insert(o);
            }
        }
        cx
    }

    fn type_names(&self) -> impl Iterator<Item = &str> {
        self.models.keys().chain(self.enums.keys()).copied()
    }

    /// A type expression naming a model or enum that does not exist (reported by
    /// `check_type_ref`; rules that need the type stay silent about it).
    fn unresolved(&self, t: &TypeRef) -> bool {
        matches!(t.leaf(), TypeRef::Named(n) if !self.models.contains_key(n.as_str()) && !self.enums.contains_key(n.as_str()))
    }

    /// The model a type expression names at its leaf, if any.
    fn leaf_model(&self, t: &TypeRef) -> Option<(&'a str, &'a Model)> {
        match t.leaf() {
            TypeRef::Named(n) => self.models.get_key_value(n.as_str()).map(|(k, v)| (*k, *v)),
            _ => None,
        }
    }
}

fn require_provenance(what: &str, name: &str, loc: Loc, p: &Option<Provenance>, diags: &mut Diagnostics) {
    if p.is_none() {
        diags.error_help(
            loc,
            format!("{what} `{name}` has no provenance"),
            "add `documented: <page address>` or `inferred: <reason>`",
        );
    }
}

fn check_api(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let api = &spec.api;
    if let Err(e) = semver::Version::parse(&api.info.version) {
        diags.error_help(None, format!("`info.version` `{}` in api.yaml is not a semver version: {e}", api.info.version), "write MAJOR.MINOR.PATCH, e.g. 0.1.0: the generated crates take it");
    }
    if !api.base_url.value.starts_with("https://") && !api.base_url.value.starts_with("http://") {
        diags.error(api.base_url.loc, "`base_url` must be an http(s) address");
    }
    if api.auth.scheme.value != "bearer" {
        diags.error_help(api.auth.scheme.loc, format!("unsupported auth scheme `{}`", api.auth.scheme.value), "the only scheme the API uses is `bearer`");
    }
    let p = &api.pagination;
    if p.per_page_min > p.per_page_default || p.per_page_default > p.per_page_max {
        diags.error(p.per_page_loc, format!("pagination: per_page default {} is outside {}..={}", p.per_page_default, p.per_page_min, p.per_page_max));
    } else if p.per_page_min < 0 || p.per_page_max > i64::from(u32::MAX) {
        diags.error_help(p.per_page_loc, format!("pagination: per_page {}..={} is outside 0..={}", p.per_page_min, p.per_page_max, u32::MAX), "page sizes are 32-bit counts");
    }
    for (name, op) in api.filter_operators.iter() {
        if !OPERATOR_VALUES.contains(&op.value.value.as_str()) {
            diags.error_help(op.value.loc, format!("filter operator `{}` has unknown value kind `{}`", name.value, op.value.value), format!("use one of: {}", OPERATOR_VALUES.join(", ")));
        }
    }
    if !api.filter_operators.keys().any(|k| k == "eq") && cx.complete {
        let loc = api.filter_operators.items.first().map(|(k, _)| k.loc);
        diags.error(loc, "filter_operators must declare `eq` (filter[field]=value)");
    }
    for (name, f) in api.pagination.meta.iter().chain(api.pagination.links.iter()) {
        check_field_rules("pagination field", &name.value, f, &Entries::default(), cx, diags);
    }
}

fn check_groups(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let mut seen = HashSet::new();
    for g in &spec.api.groups {
        if !seen.insert(g.value.as_str()) {
            diags.error(g.loc, format!("group `{}` is listed twice", g.value));
        }
        if ident::field(&g.value) != g.value {
            diags.error(g.loc, format!("group name `{}` must be snake_case", g.value));
        }
    }
    for gf in &spec.groups {
        if !spec.api.groups.iter().any(|g| g.value == gf.group.value) {
            let help = did_you_mean(&gf.group.value, spec.api.groups.iter().map(|g| g.value.as_str()))
                .unwrap_or_else(|| "the `group` key must repeat the file name".into());
            diags.error_help(gf.group.loc, format!("`group: {}` does not match its file name", gf.group.value), help);
        }
        if gf.operations.is_empty() && cx.complete {
            diags.error(gf.group.loc, format!("group `{}` has no operations", gf.group.value));
        }
    }
}

fn check_type_names(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, (&str, Loc)> = HashMap::new();
    let reserved = generated_type_names(spec);
    for g in &spec.groups {
        let names = g.models.iter().map(|(n, m)| (n, "model", m.loc)).chain(g.enums.iter().map(|(n, e)| (n, "enum", e.loc)));
        for (name, kind, _) in names {
            if ident::type_name(&name.value) != name.value {
                diags.error_help(name.loc, format!("{kind} name `{}` is not UpperCamelCase", name.value), format!("rename it `{}`", ident::type_name(&name.value)));
            }
            if let Some((other, _)) = seen.get(&name.value) {
                diags.error(name.loc, format!("{kind} `{}` is already declared as {} {other}", name.value, crate::yaml::article(other)));
            } else {
                seen.insert(name.value.clone(), (kind, name.loc));
            }
            if let Some(op) = reserved.get(&name.value) {
                diags.error_help(name.loc, format!("{kind} `{}` collides with a type generated for operation `{op}`", name.value), "rename the model");
            }
        }
    }
    let _ = cx;
}

/// Names the emitters derive from operation ids and that models must not take.
pub fn generated_type_names(spec: &Spec) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for g in &spec.groups {
        for (id, _) in g.operations.iter() {
            for suffix in ["Request", "Body", "Query", "Error"] {
                out.insert(format!("{}{suffix}", ident::type_name(&id.value)), id.value.clone());
            }
        }
    }
    for fixed in ["Scope", "ErrorCode", "Page", "PageMeta", "PageLinks"] {
        out.insert(fixed.to_owned(), "(shared)".to_owned());
    }
    if let Some(events) = &spec.events {
        for fixed in ["WebhookEvent", "Event", "EventInfo", "EventTenant", "EventData", "EventResource", "EventChanges", "EventMetadata", "ResourceRef", "NoRelationships"] {
            out.insert(fixed.to_owned(), "(events)".to_owned());
        }
        for (resource, _) in events.resources.iter() {
            out.insert(ident::event_payload(&resource.value), format!("(events of `{}`)", resource.value));
            out.insert(ident::event_relationships(&resource.value), format!("(events of `{}`)", resource.value));
        }
    }
    out
}

fn check_scopes(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let mut used = HashSet::new();
    let mut variants: HashMap<String, &str> = HashMap::new();
    for (name, def) in spec.api.scopes.iter() {
        let ok = name.value.split_once(':').is_some_and(|(r, a)| {
            !r.is_empty() && !a.is_empty() && name.value.chars().all(|c| c.is_ascii_lowercase() || c == ':' || c == '_' || c == '-')
        });
        if !ok {
            diags.error_help(name.loc, format!("scope `{}` is not of the form `resource:action`", name.value), "scopes are lowercase, e.g. `contacts:read`, with no spaces");
        }
        require_provenance("scope", &name.value, name.loc, &def.provenance, diags);
        let v = ident::variant(&name.value);
        if let Some(other) = variants.insert(v.clone(), &name.value) {
            diags.error(name.loc, format!("scope `{}` and `{other}` both become the Rust variant `{v}`", name.value));
        }
    }
    for g in &spec.groups {
        for (id, op) in g.operations.iter() {
            let s = op.scope.value.as_str();
            if s == "none" {
                continue;
            }
            used.insert(s);
            if !cx.scopes.contains(&s) && cx.api_complete {
                let help = did_you_mean(s, cx.scopes.iter().copied())
                    .unwrap_or_else(|| "declare it under `scopes` in api.yaml, or write `scope: none`".into());
                diags.error_help(op.scope.loc, format!("unknown scope `{s}` in operation `{}`", id.value), help);
            }
        }
    }
    for (name, _) in spec.api.scopes.iter() {
        if !used.contains(name.value.as_str()) && cx.complete {
            diags.error_help(name.loc, format!("scope `{}` is declared but no operation requires it", name.value), "remove it, or name it in the operation that needs it");
        }
    }
}

fn check_errors(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    for (code, def) in spec.api.errors.iter() {
        if !code.value.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()) || code.value.is_empty() {
            diags.error(code.loc, format!("error code `{}` must be SCREAMING_SNAKE_CASE", code.value));
        }
        if !(400..=599).contains(&def.status.value) {
            diags.error(def.status.loc, format!("error `{}` has status {}, which is not an HTTP error status (400..=599)", code.value, def.status.value));
        }
        require_provenance("error code", &code.value, code.loc, &def.provenance, diags);
        check_field_idents(&def.details, None, diags);
        for (name, f) in def.details.iter() {
            check_field_rules("error detail", &name.value, f, &def.details, cx, diags);
        }
    }
    check_glue_codes(spec, cx, diags);
    for c in &spec.api.input_errors {
        check_code(c, cx, "input_errors", diags);
    }
    for c in &spec.api.common_errors {
        check_code(c, cx, "common_errors", diags);
    }
    for g in &spec.groups {
        for (id, op) in g.operations.iter() {
            for e in &op.errors {
                check_code(&e.code, cx, &format!("operation `{}`", id.value), diags);
                if let Some(field) = &e.field {
                    let body_fields = op.body.as_ref().map(|b| &b.fields);
                    let known = body_fields.is_some_and(|b| b.get(&field.value).is_some()) || op.query.get(&field.value).is_some();
                    if !known && cx.complete {
                        let candidates = body_fields.into_iter().flat_map(|b| b.keys()).chain(op.query.keys());
                        let message = format!("error field `{}` is not a body field or query parameter of `{}`", field.value, id.value);
                        let candidates: Vec<&str> = candidates.collect();
                        let help = did_you_mean(&field.value, candidates.iter().copied()).unwrap_or_else(|| {
                            if candidates.is_empty() {
                                "the operation has no body fields or query parameters; remove `field`".to_owned()
                            } else {
                                format!("name one of: {}", candidates.join(", "))
                            }
                        });
                        diags.error_help(field.loc, message, help);
                    }
                }
            }
        }
    }
}

/// api.yaml declares every code of [`GLUE_CODES`] with its status.
fn check_glue_codes(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let errors = &spec.api.errors;
    for (code, status) in GLUE_CODES {
        match errors.get(code) {
            None if cx.api_complete => {
                let loc = errors.items.first().map(|(k, _)| k.loc);
                diags.error_help(loc, format!("api.yaml declares no `{code}` error, which the server glue answers with"), format!("declare `{code}` under `errors`, with status {status}"));
            }
            // A status outside 400..=599 is reported as such by `check_errors`.
            Some(def) if def.status.value != i64::from(status) && (400..=599).contains(&def.status.value) => {
                diags.error(def.status.loc, format!("`{code}` has status {}, but the server glue answers it with {status}", def.status.value));
            }
            _ => {}
        }
    }
}

fn check_code(c: &At<String>, cx: &Cx<'_>, place: &str, diags: &mut Diagnostics) {
    if !cx.error_codes.contains(&c.value.as_str()) && cx.api_complete {
        let help = did_you_mean(&c.value, cx.error_codes.iter().copied())
            .unwrap_or_else(|| "declare it under `errors` in api.yaml".into());
        diags.error_help(c.loc, format!("undeclared error code `{}` in {place}", c.value), help);
    }
}

fn check_operation_ids(spec: &Spec, diags: &mut Diagnostics) {
    let mut ids: HashMap<&str, (&str, Loc)> = HashMap::new();
    let mut types: HashMap<String, &str> = HashMap::new();
    for g in &spec.groups {
        let mut names: HashMap<String, &str> = HashMap::new();
        for (id, op) in g.operations.iter() {
            if ident::field(&id.value) != id.value {
                diags.error_help(id.loc, format!("operation id `{}` is not snake_case", id.value), format!("rename it `{}`", ident::field(&id.value)));
            }
            if let Some((group, first)) = ids.insert(&id.value, (&g.group.value, id.loc)) {
                diags.error_help(
                    id.loc,
                    format!("duplicate operation id `{}`: group `{group}` declares it too (line {})", id.value, first.line),
                    "operation ids are unique across the spec: rename one",
                );
            }
            let ty = ident::type_name(&id.value);
            if let Some(other) = types.insert(ty.clone(), &id.value)
                && other != id.value {
                    diags.error(id.loc, format!("operation ids `{}` and `{other}` both become the Rust type name `{ty}`", id.value));
                }
            let name = op.name.as_ref().map_or(id.value.as_str(), |n| n.value.as_str());
            let loc = op.name.as_ref().map_or(id.loc, |n| n.loc);
            let method = ident::field(name);
            if method != name {
                diags.error(loc, format!("method name `{name}` is not snake_case"));
            }
            if let Some(other) = names.insert(method.clone(), &id.value) {
                diags.error_help(loc, format!("operations `{other}` and `{}` both become `{}().{method}()`", id.value, g.group.value), "give one of them another `name`");
            }
            require_provenance("operation", &id.value, id.loc, &op.provenance, diags);
        }
    }
}

/// `/contacts/{id}` and `/contacts/{contact}` are the same route.
fn route_shape(path: &str) -> String {
    path.split('/').map(|seg| if seg.starts_with('{') { "{}" } else { seg }).collect::<Vec<_>>().join("/")
}

fn check_routes(spec: &Spec, diags: &mut Diagnostics) {
    let mut routes: HashMap<(String, String), &str> = HashMap::new();
    for g in &spec.groups {
        for (id, op) in g.operations.iter() {
            let key = (op.method.value.clone(), route_shape(&op.path.value));
            if let Some(other) = routes.insert(key, &id.value) {
                diags.error(op.path.loc, format!("route `{} {}` of `{}` is already taken by `{other}`", op.method.value, op.path.value, id.value));
            }
        }
    }
}

fn check_contradictions(spec: &Spec, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let mut ids = HashSet::new();
    for c in &spec.api.contradictions {
        if !ids.insert(c.id) {
            diags.error(c.loc, format!("contradiction {} is listed twice", c.id));
        }
        if c.resolution.trim().is_empty() {
            diags.error(c.loc, format!("contradiction {} has no resolution", c.id));
        }
        for op in &c.operations {
            if !cx.operations.contains_key(op.value.as_str()) && cx.complete {
                let help = did_you_mean(&op.value, cx.operations.keys().copied()).unwrap_or_else(|| "name an operation id".into());
                diags.error_help(op.loc, format!("contradiction {} names unknown operation `{}`", c.id, op.value), help);
            }
        }
    }
}

fn check_enum(name: &At<String>, e: &EnumDef, diags: &mut Diagnostics) {
    require_provenance("enum", &name.value, name.loc, &e.provenance, diags);
    if e.values.is_empty() {
        diags.error(name.loc, format!("enum `{}` has no values", name.value));
    }
    let mut variants: HashMap<String, &str> = HashMap::new();
    for v in &e.values {
        let var = ident::variant(&v.value);
        if var == "Unknown" {
            diags.error(v.loc, format!("enum value `{}` would take the reserved variant `Unknown`", v.value));
        }
        if let Some(other) = variants.insert(var.clone(), &v.value) {
            if other == v.value {
                diags.error(v.loc, format!("duplicate value `{}` in enum `{}`", v.value, name.value));
            } else {
                diags.error(v.loc, format!("enum values `{}` and `{other}` both become the variant `{var}`", v.value));
            }
        }
    }
}

fn check_model(name: &At<String>, m: &Model, cx: &Cx<'_>, diags: &mut Diagnostics) {
    require_provenance("model", &name.value, name.loc, &m.provenance, diags);
    check_field_idents(&m.fields, Some(&m.relations), diags);
    for (fname, f) in m.fields.iter() {
        check_field_rules("field", &fname.value, f, &m.fields, cx, diags);
        if f.ty.value.leaf() == &TypeRef::File {
            diags.error(f.ty.loc, format!("model field `{}` cannot be a file; files only appear in multipart bodies", fname.value));
        }
    }
    for (rname, r) in m.relations.iter() {
        check_type_ref(&r.ty, cx, diags);
        if (cx.leaf_model(&r.ty.value).is_none() && !cx.unresolved(&r.ty.value)) || matches!(r.ty.value, TypeRef::Map(_)) {
            diags.error_help(r.ty.loc, format!("relation `{}` of `{}` must be a model or array<model>", rname.value, name.value), "relations are what ?include= loads: other resources");
        }
    }
}
