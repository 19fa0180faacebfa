//! Validate: the cross-item rules of the spec, one function per rule (serde's `check.rs`), each
//! reporting every violation with its location and, where one helps, a hint. Nothing here stops
//! at the first problem and nothing here panics.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{did_you_mean, Diagnostics, Loc};
use crate::ident;
use crate::spec::*;
use crate::yaml::{At, Entries, Kind};

pub(crate) mod examples;

pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
pub const CONTENT_TYPES: &[&str] = &["json", "multipart", "json_or_multipart"];
pub const ENVELOPES: &[&str] = &["data", "list", "flat", "none"];
pub const FORMATS: &[&str] = &["email", "url", "phone"];
pub const OPERATOR_VALUES: &[&str] = &["scalar", "list", "pair", "boolean"];
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
    if !api.base_url.value.starts_with("https://") && !api.base_url.value.starts_with("http://") {
        diags.error(api.base_url.loc, "`base_url` must be an http(s) address");
    }
    if api.auth.scheme.value != "bearer" {
        diags.error_help(api.auth.scheme.loc, format!("unsupported auth scheme `{}`", api.auth.scheme.value), "the only scheme the API uses is `bearer`");
    }
    let p = &api.pagination;
    if p.per_page_min > p.per_page_default || p.per_page_default > p.per_page_max {
        diags.error(p.per_page_loc, format!("pagination: per_page default {} is outside {}..={}", p.per_page_default, p.per_page_min, p.per_page_max));
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

/// Two wire names that become one Rust field name.
fn check_field_idents(fields: &Entries<Field>, relations: Option<&Entries<Field>>, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let all = fields.items.iter().chain(relations.into_iter().flat_map(|r| r.items.iter()));
    for (name, _) in all {
        if !name.value.chars().any(|c| c.is_ascii_alphanumeric()) {
            diags.error_help(
                name.loc,
                format!("`{}` has no ASCII letter or digit to make a Rust field name from", name.value),
                "wire names of fields and parameters need at least one letter or digit",
            );
            continue;
        }
        let id = ident::field(&name.value);
        if let Some(other) = seen.insert(id.clone(), &name.value) {
            if other == name.value {
                diags.error(name.loc, format!("`{}` is declared twice", name.value));
            } else {
                diags.error_help(name.loc, format!("`{}` and `{other}` both become the Rust field `{id}`", name.value), "rename one of them");
            }
        }
    }
}

fn check_type_ref(ty: &At<TypeRef>, cx: &Cx<'_>, diags: &mut Diagnostics) {
    if let TypeRef::Named(n) = ty.value.leaf()
        && cx.unresolved(&ty.value) && cx.complete {
            let help = did_you_mean(n, cx.type_names()).unwrap_or_else(|| "declare it under `models` or `enums` of a resource file".into());
            diags.error_help(ty.loc, format!("unknown model or enum `{n}`"), help);
        }
}

/// Rules must fit the field's type, and every reference must resolve.
fn check_field_rules(what: &str, name: &str, f: &Field, siblings: &Entries<Field>, cx: &Cx<'_>, diags: &mut Diagnostics) {
    check_type_ref(&f.ty, cx, diags);
    let ty = &f.ty.value;
    let leaf = ty.leaf();
    let is_array = matches!(ty, TypeRef::Array(_));
    let misfit = |rule: &str, loc: Loc, fits: &str, diags: &mut Diagnostics| {
        diags.error_help(loc, format!("rule `{rule}` does not fit {what} `{name}` of type `{ty}`"), format!("`{rule}` applies to {fits}"));
    };
    for (rule, loc) in [("max_length", f.max_length.as_ref().map(|a| a.loc)), ("min_length", f.min_length.as_ref().map(|a| a.loc))] {
        if let Some(loc) = loc
            && !ty.is_string_like() {
                misfit(rule, loc, "strings", diags);
            }
    }
    for (rule, loc) in [("format", f.format.as_ref().map(|a| a.loc)), ("pattern", f.pattern.as_ref().map(|a| a.loc))] {
        if let Some(loc) = loc
            && !leaf.is_string_like() {
                misfit(rule, loc, "strings", diags);
            }
    }
    if let Some(fmt) = &f.format
        && !FORMATS.contains(&fmt.value.as_str()) {
            let help = did_you_mean(&fmt.value, FORMATS.iter().copied()).unwrap_or_else(|| format!("use one of: {}", FORMATS.join(", ")));
            diags.error_help(fmt.loc, format!("unknown format `{}`", fmt.value), help);
        }
    if let Some(p) = &f.pattern
        && let Err(e) = regex_lite::Regex::new(&p.value) {
            diags.error(p.loc, format!("pattern does not compile: {e}"));
        }
    for (rule, v) in [("min", &f.min), ("max", &f.max)] {
        if let Some(v) = v
            && !leaf.is_numeric() {
                misfit(rule, v.loc, "integers and numbers", diags);
            }
    }
    if let (Some(min), Some(max)) = (&f.min, &f.max)
        && min.value > max.value {
            diags.error(min.loc, format!("`min` {} is greater than `max` {} on `{name}`", min.value, max.value));
        }
    if let (Some(min), Some(max)) = (&f.min_length, &f.max_length)
        && min.value > max.value {
            diags.error(min.loc, format!("`min_length` {} is greater than `max_length` {} on `{name}`", min.value, max.value));
        }
    for (rule, loc) in [
        ("min_items", f.min_items.as_ref().map(|a| a.loc)),
        ("max_items", f.max_items.as_ref().map(|a| a.loc)),
        ("unique_items", f.unique_items.as_ref().map(|a| a.loc)),
        ("unique_by", f.unique_by.as_ref().map(|a| a.loc)),
    ] {
        if let Some(loc) = loc
            && !is_array {
                misfit(rule, loc, "arrays", diags);
            }
    }
    if let Some(by) = f.unique_by.as_ref().filter(|_| cx.complete && !cx.unresolved(ty)) {
        match cx.leaf_model(ty) {
            Some((mname, m)) if m.fields.get(&by.value).is_none() => {
                diags.error(by.loc, format!("`unique_by: {}` is not a field of `{mname}`", by.value));
            }
            None if is_array => diags.error(by.loc, "`unique_by` needs an array of models"),
            _ => {}
        }
    }
    for (rule, loc) in [("max_size", f.max_size.as_ref().map(|a| a.loc)), ("extensions", f.extensions.as_ref().map(|a| a.loc))] {
        if let Some(loc) = loc
            && leaf != &TypeRef::File {
                misfit(rule, loc, "files", diags);
            }
    }
    if cx.complete {
        for list in [&f.required_with, &f.required_without] {
            for other in list {
                check_sibling(other, name, siblings, diags);
            }
        }
        if let Some(ri) = &f.required_if {
            check_sibling(&ri.field, name, siblings, diags);
        }
    }
    if let Some(TypeRef::Named(e)) = Some(leaf)
        && let Some(def) = cx.enums.get(e.as_str()) {
            for node in f.default.iter().chain(f.example.iter()) {
                if let Kind::Str(s) = &node.kind
                    && !def.values.iter().any(|v| &v.value == s) {
                        let values: Vec<&str> = def.values.iter().map(|v| v.value.as_str()).collect();
                        let help = did_you_mean(s, values.iter().copied()).unwrap_or_else(|| format!("the values of `{e}` are: {}", values.join(", ")));
                        diags.error_help(node.loc, format!("`{s}` is not a value of enum `{e}`"), help);
                    }
            }
        }
    if let Some(d) = &f.default {
        let fits = match (&d.kind, leaf) {
            (Kind::Null, _) => f.nullable,
            (Kind::Int(_), TypeRef::Integer | TypeRef::Number) => true,
            (Kind::Float(_), TypeRef::Number) => true,
            (Kind::Bool(_), TypeRef::Boolean) => true,
            (Kind::Str(_), t) => t.is_string_like() || matches!(t, TypeRef::Named(_)),
            (_, TypeRef::Json) => true,
            (Kind::Seq(_), _) => is_array,
            _ => false,
        };
        if !fits {
            diags.error(d.loc, format!("default of `{name}` is {}, which does not fit type `{ty}`", d.type_name()));
        }
    }
    for (rule, _) in f.messages.iter() {
        if !MESSAGE_RULES.contains(&rule.value.as_str()) {
            let help = did_you_mean(&rule.value, MESSAGE_RULES.iter().copied()).unwrap_or_else(|| format!("message keys are rule names: {}", MESSAGE_RULES.join(", ")));
            diags.error_help(rule.loc, format!("unknown rule `{}` in messages of `{name}`", rule.value), help);
        } else if !rule_present(&rule.value, f, cx) {
            diags.error_help(rule.loc, format!("message for rule `{}`, which `{name}` does not have", rule.value), format!("add the `{}` rule to the field, or remove the message", rule.value));
        }
    }
}

fn rule_present(rule: &str, f: &Field, cx: &Cx<'_>) -> bool {
    match rule {
        "required" => f.required.as_ref().is_some_and(|r| r.value) || !f.required_without.is_empty() || !f.required_with.is_empty() || f.required_if.is_some(),
        "max_length" => f.max_length.is_some(),
        "min_length" => f.min_length.is_some(),
        "min" => f.min.is_some(),
        "max" => f.max.is_some(),
        "min_items" => f.min_items.is_some(),
        "max_items" => f.max_items.is_some(),
        "unique_items" => f.unique_items.is_some() || f.unique_by.is_some(),
        "format" => f.format.is_some(),
        "pattern" => f.pattern.is_some(),
        "enum" => matches!(f.ty.value.leaf(), TypeRef::Named(n) if cx.enums.contains_key(n.as_str())),
        "type" => true,
        "unique" => f.unique.is_some(),
        "exists" => f.exists.is_some(),
        "rule" => f.rule.is_some(),
        "required_with" => !f.required_with.is_empty(),
        "required_without" => !f.required_without.is_empty(),
        "required_if" => f.required_if.is_some(),
        "max_size" => f.max_size.is_some(),
        "extensions" => f.extensions.is_some(),
        _ => false,
    }
}

fn check_sibling(other: &At<String>, name: &str, siblings: &Entries<Field>, diags: &mut Diagnostics) {
    if siblings.get(&other.value).is_none() {
        let help = did_you_mean(&other.value, siblings.keys()).unwrap_or_else(|| "name another field of the same body".into());
        diags.error_help(other.loc, format!("`{name}` refers to `{}`, which is not a sibling field", other.value), help);
    }
}

fn check_operation(id: &At<String>, op: &Operation, cx: &Cx<'_>, spec: &Spec, diags: &mut Diagnostics) {
    let idn = id.value.as_str();
    if !METHODS.contains(&op.method.value.as_str()) {
        let help = did_you_mean(&op.method.value.to_uppercase(), METHODS.iter().copied()).unwrap_or_else(|| format!("use one of: {}", METHODS.join(", ")));
        diags.error_help(op.method.loc, format!("unknown method `{}` in operation `{idn}`", op.method.value), help);
    }
    if cx.complete {
        check_path(idn, op, diags);
    }
    check_field_idents(&op.path_params, None, diags);
    check_field_idents(&op.query, None, diags);
    for (n, f) in op.path_params.iter() {
        check_field_rules("path parameter", &n.value, f, &op.path_params, cx, diags);
        if !matches!(f.ty.value, TypeRef::String | TypeRef::Integer) {
            diags.error(f.ty.loc, format!("path parameter `{}` must be a string or an integer", n.value));
        }
    }
    let reserved = reserved_query_names(spec);
    for (n, f) in op.query.iter() {
        check_field_rules("query parameter", &n.value, f, &op.query, cx, diags);
        if reserved.contains(&n.value.as_str()) {
            diags.error_help(n.loc, format!("query parameter `{}` is a list-query convention", n.value), "use `list:`, `include:` or `fields:` instead of declaring it");
        }
        if matches!(f.ty.value.leaf(), TypeRef::Named(m) if cx.models.contains_key(m.as_str())) || f.ty.value == TypeRef::File {
            diags.error(f.ty.loc, format!("query parameter `{}` must be a scalar, an enum or an array of them", n.value));
        }
    }
    check_body(idn, op, cx, diags);
    check_response(idn, op, cx, diags);
    check_includes(idn, op, cx, diags);
    if let Some(list) = &op.list {
        check_list(idn, op, list, cx, diags);
    }
    for rl in &op.rate_limits {
        if rl.limit.value <= 0 || rl.per_seconds.value <= 0 {
            diags.error(rl.limit.loc, "a rate limit needs a positive `limit` and `per_seconds`");
        }
        for placeholder in placeholders(&rl.key.value) {
            let known = placeholder == "tenant_id" || op.body.as_ref().is_some_and(|b| b.fields.get(placeholder).is_some());
            if !known && cx.complete {
                diags.error_help(rl.key.loc, format!("rate-limit key names `{{{placeholder}}}`, which is neither tenant_id nor a body field"), "keys may use {tenant_id} and the operation's body fields");
            }
        }
    }
    for ex in &op.examples {
        check_example(idn, op, ex, cx, diags);
        examples::check(spec, idn, op, ex, cx, cx.complete, diags);
    }
}

fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        out.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out
}

fn reserved_query_names(spec: &Spec) -> Vec<&str> {
    let q = &spec.api.list_query;
    let mut v = vec!["page", "per_page", q.sort.as_str(), q.search.as_str(), q.fields.as_str(), q.include.as_str(), q.filter.as_str()];
    v.extend(q.search_aliases.iter().map(String::as_str));
    v
}

fn check_path(id: &str, op: &Operation, diags: &mut Diagnostics) {
    let path = &op.path;
    if !path.value.starts_with('/') {
        diags.error_help(path.loc, format!("path of `{id}` must start with `/`"), format!("write `/{}`", path.value));
    }
    if path.value.contains("//") || (path.value.len() > 1 && path.value.ends_with('/')) {
        diags.error(path.loc, format!("path `{}` has an empty segment", path.value));
    }
    let in_path = placeholders(&path.value);
    for p in &in_path {
        if op.path_params.get(p).is_none() {
            let help = did_you_mean(p, op.path_params.keys()).unwrap_or_else(|| format!("declare `{p}` under `path_params`"));
            diags.error_help(path.loc, format!("path parameter `{{{p}}}` of `{id}` is not declared"), help);
        }
    }
    for (name, _) in op.path_params.iter() {
        if !in_path.contains(&name.value.as_str()) {
            diags.error_help(name.loc, format!("path parameter `{}` does not appear in the path `{}`", name.value, path.value), format!("add `{{{}}}` to the path, or remove the parameter", name.value));
        }
    }
}

fn check_body(id: &str, op: &Operation, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let Some(body) = &op.body else { return };
    if !CONTENT_TYPES.contains(&body.content_type.value.as_str()) {
        let help = did_you_mean(&body.content_type.value, CONTENT_TYPES.iter().copied()).unwrap_or_else(|| format!("use one of: {}", CONTENT_TYPES.join(", ")));
        diags.error_help(body.content_type.loc, format!("unknown content type `{}`", body.content_type.value), help);
    }
    if op.method.value == "GET" {
        diags.error(body.loc, format!("`{id}` is a GET and cannot have a body"));
    }
    check_field_idents(&body.fields, None, diags);
    let multipart = body.content_type.value != "json";
    for (n, f) in body.fields.iter() {
        check_field_rules("body field", &n.value, f, &body.fields, cx, diags);
        if f.ty.value.leaf() == &TypeRef::File && !multipart {
            diags.error_help(f.ty.loc, format!("file field `{}` in a JSON body", n.value), "set `content_type: multipart` (or json_or_multipart)");
        }
    }
}

fn check_response(id: &str, op: &Operation, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let r = &op.response;
    if !(200..=299).contains(&r.status.value) {
        diags.error(r.status.loc, format!("success status {} of `{id}` is not 2xx", r.status.value));
    }
    if let Some(data) = &r.data {
        check_type_ref(data, cx, diags);
    }
    if let Some(env) = &r.envelope {
        if !ENVELOPES.contains(&env.value.as_str()) {
            let help = did_you_mean(&env.value, ENVELOPES.iter().copied()).unwrap_or_else(|| format!("use one of: {}", ENVELOPES.join(", ")));
            diags.error_help(env.loc, format!("unknown envelope `{}`", env.value), help);
        }
        if env.value == "list" && op.list.is_none() && cx.complete {
            diags.error_help(env.loc, format!("`{id}` has `envelope: list` but no `list:`"), "add `list:` (sort, search, filters) to the operation");
        }
        let data_unknown = !cx.complete || r.data.as_ref().is_some_and(|d| cx.unresolved(&d.value));
        if env.value == "flat" && !data_unknown && !matches!(r.data.as_ref().map(|d| &d.value), Some(TypeRef::Named(n)) if cx.models.contains_key(n.as_str())) {
            diags.error(env.loc, "`envelope: flat` needs `data` to be a model: its fields sit beside success and message");
        }
    }
    if op.list.is_some() && r.data.is_none() && cx.complete {
        diags.error(r.loc, format!("list operation `{id}` needs `data`: the item type"));
    }
}

fn check_includes(id: &str, op: &Operation, cx: &Cx<'_>, diags: &mut Diagnostics) {
    if op.include.is_empty() || !cx.complete || op.response.data.as_ref().is_some_and(|d| cx.unresolved(&d.value)) {
        return;
    }
    let model = op.response.data.as_ref().and_then(|d| cx.leaf_model(&d.value));
    let Some((mname, m)) = model else {
        diags.error_help(op.include[0].loc, format!("`{id}` lists includes but returns no model"), "includes load relations of the response model: remove `include`, or set `response.data` to a model");
        return;
    };
    let mut seen = HashSet::new();
    for inc in &op.include {
        if !seen.insert(inc.value.as_str()) {
            diags.error(inc.loc, format!("include `{}` is listed twice", inc.value));
        }
        if m.relations.get(&inc.value).is_none() {
            let help = did_you_mean(&inc.value, m.relations.keys()).unwrap_or_else(|| {
                if m.relations.is_empty() { format!("`{mname}` declares no relations") } else { format!("the relations of `{mname}` are: {}", m.relations.keys().collect::<Vec<_>>().join(", ")) }
            });
            diags.error_help(inc.loc, format!("include `{}` is not a relation of `{mname}`", inc.value), help);
        }
    }
}

fn check_list(id: &str, op: &Operation, list: &List, cx: &Cx<'_>, diags: &mut Diagnostics) {
    if !cx.complete || op.response.data.as_ref().is_some_and(|d| cx.unresolved(&d.value)) {
        return;
    }
    let Some((mname, m)) = op.response.data.as_ref().and_then(|d| cx.leaf_model(&d.value)) else {
        diags.error(list.loc, format!("list operation `{id}` must return a model"));
        return;
    };
    let field_names = || m.fields.keys();
    let check_field = |f: &At<String>, what: &str, diags: &mut Diagnostics| {
        if m.fields.get(&f.value).is_none() {
            let help = did_you_mean(&f.value, field_names()).unwrap_or_else(|| format!("the fields of `{mname}` are: {}", field_names().collect::<Vec<_>>().join(", ")));
            diags.error_help(f.loc, format!("{what} field `{}` is not a field of `{mname}`", f.value), help);
        }
    };
    for s in &list.sort {
        check_field(s, "sort", diags);
    }
    for s in &list.search {
        check_field(s, "search", diags);
        if let Some(f) = m.fields.get(&s.value) {
            let enum_field = matches!(&f.ty.value, TypeRef::Named(n) if cx.enums.contains_key(n.as_str()));
            if !f.ty.value.is_string_like() && !enum_field {
                diags.error_help(s.loc, format!("search field `{}` has type `{}`; search matches text", s.value, f.ty.value), "search string or enum fields only");
            }
        }
    }
    if let Some(d) = &list.default_sort {
        let bare = d.value.trim_start_matches('-');
        if !list.sort.iter().any(|s| s.value == bare) {
            diags.error_help(d.loc, format!("default sort `{}` is not one of the sort fields", d.value), "add the field to `sort`");
        }
    }
    for (fname, filter) in list.filters.iter() {
        check_field(fname, "filter", diags);
        if filter.ops.is_empty() {
            diags.error(filter.loc, format!("filter `{}` lists no operators", fname.value));
        }
        for op_name in &filter.ops {
            if !cx.operators.contains(&op_name.value.as_str()) {
                let help = did_you_mean(&op_name.value, cx.operators.iter().copied()).unwrap_or_else(|| format!("the operators are: {}", cx.operators.join(", ")));
                diags.error_help(op_name.loc, format!("unknown filter operator `{}`", op_name.value), help);
            }
        }
        if let Some(t) = &filter.ty {
            check_type_ref(t, cx, diags);
        }
        if let Some(f) = m.fields.get(&fname.value) {
            let ty = filter.ty.as_ref().map_or(&f.ty.value, |t| &t.value);
            if matches!(ty, TypeRef::Array(_) | TypeRef::Map(_)) || cx.leaf_model(ty).is_some() {
                diags.error_help(fname.loc, format!("filter `{}` is on a `{ty}` field", fname.value), "give the filter a scalar `type:` (the type of one value)");
            }
            if filter.ops.iter().any(|o| o.value == "null") && !f.nullable {
                diags.error_help(fname.loc, format!("filter `{}` allows `null`, but the field is not nullable", fname.value), "add `nullable: true` to the field, or remove `null` from `ops`");
            }
        }
    }
}

fn check_example(id: &str, op: &Operation, ex: &Example, cx: &Cx<'_>, diags: &mut Diagnostics) {
    match (&ex.request, &op.body) {
        _ if !cx.complete => {} // body fields may have been dropped
        (Some(req), Some(body)) => {
            if let Kind::Map(entries) = &req.kind {
                for (k, _) in entries {
                    if body.fields.get(&k.name).is_none() {
                        let help = did_you_mean(&k.name, body.fields.keys()).unwrap_or_else(|| "examples may only use the body's fields".into());
                        diags.error_help(k.loc, format!("example `{}` of `{id}` sends `{}`, which is not a body field", ex.name, k.name), help);
                    }
                }
            }
        }
        (Some(req), None) => {
            diags.error(req.loc, format!("example `{}` of `{id}` has a request body, but the operation takes none", ex.name));
        }
        _ => {}
    }
    if let Some(p) = &ex.path
        && !p.value.starts_with('/') {
            diags.error(p.loc, "example path must start with `/`");
        }
}
