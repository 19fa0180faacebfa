//! Operation rules: method, path and its parameters, query, body, response, includes, list
//! conventions, rate limits and examples of one operation.

use std::collections::HashSet;

use super::fields::{check_field_idents, check_field_rules, check_type_ref};
use super::{examples, Cx, CONTENT_TYPES, ENVELOPES, METHODS};
use crate::diag::{did_you_mean, Diagnostics};
use crate::spec::*;
use crate::yaml::{At, Kind};
pub(super) fn check_operation(id: &At<String>, op: &Operation, cx: &Cx<'_>, spec: &Spec, diags: &mut Diagnostics) {
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
    check_query_params(op, cx, spec, diags);
    check_body(idn, op, cx, diags);
    check_response(idn, op, cx, diags);
    check_includes(idn, op, cx, diags);
    if let Some(list) = &op.list {
        check_list(idn, op, list, cx, diags);
    }
    check_rate_limits(op, cx, diags);
    for ex in &op.examples {
        check_example(idn, op, ex, cx, diags);
        examples::check(spec, idn, op, ex, cx, cx.complete, diags);
    }
}

/// Query parameters: not a list-query convention, and a type that has a query form (a scalar,
/// an enum, or an array of them).
fn check_query_params(op: &Operation, cx: &Cx<'_>, spec: &Spec, diags: &mut Diagnostics) {
    let reserved = reserved_query_names(spec);
    let scalar = |t: &TypeRef| match t {
        TypeRef::Named(m) => !cx.models.contains_key(m.as_str()),
        TypeRef::Json | TypeRef::File | TypeRef::Array(_) | TypeRef::Map(_) => false,
        _ => true,
    };
    for (n, f) in op.query.iter() {
        check_field_rules("query parameter", &n.value, f, &op.query, cx, diags);
        if reserved.contains(&n.value.as_str()) {
            diags.error_help(n.loc, format!("query parameter `{}` is a list-query convention", n.value), "use `list:`, `include:` or `fields:` instead of declaring it");
        }
        let fits = match &f.ty.value {
            TypeRef::Array(item) => scalar(item),
            t => scalar(t),
        };
        if !fits {
            diags.error_help(f.ty.loc, format!("query parameter `{}` of type `{}` has no query form", n.value, f.ty.value), "a query parameter is a scalar, an enum or an array of them");
        }
    }
}

/// Rate limits: a positive `limit` that fits 32 bits and a positive period; the key names only
/// `{tenant_id}` and body fields.
fn check_rate_limits(op: &Operation, cx: &Cx<'_>, diags: &mut Diagnostics) {
    for rl in &op.rate_limits {
        if rl.limit.value <= 0 || rl.per_seconds.value <= 0 {
            diags.error(rl.limit.loc, "a rate limit needs a positive `limit` and `per_seconds`");
        } else if rl.limit.value > i64::from(u32::MAX) {
            diags.error_help(rl.limit.loc, format!("rate-limit `limit` {} is above {}", rl.limit.value, u32::MAX), "the server counts requests in 32 bits");
        }
        for placeholder in placeholders(&rl.key.value) {
            let known = placeholder == "tenant_id" || op.body.as_ref().is_some_and(|b| b.fields.get(placeholder).is_some());
            if !known && cx.complete {
                diags.error_help(rl.key.loc, format!("rate-limit key names `{{{placeholder}}}`, which is neither tenant_id nor a body field"), "keys may use {tenant_id} and the operation's body fields");
            }
        }
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
        let required = f.required.as_ref().is_some_and(|r| r.value);
        if matches!(&f.ty.value, TypeRef::Array(item) if **item == TypeRef::File) && f.nullable && !required {
            diags.error_help(n.loc, format!("file field `{}` is an optional nullable list, which has no multipart form", n.value), "make it `required: true`, or drop `nullable`");
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
    if let Some(data) = op.response.data.as_ref().filter(|d| !matches!(d.value, TypeRef::Named(_))) {
        diags.error_help(data.loc, format!("`data` of list operation `{id}` is `{}`; a list's `data` is the item model", data.value), format!("write `data: {mname}`"));
    }
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
        check_filter(fname, filter, m, cx, diags);
    }
}

/// A filter lists known operators, and filters a scalar field (nullable when `null` is one of
/// the operators).
fn check_filter(fname: &At<String>, filter: &Filter, m: &Model, cx: &Cx<'_>, diags: &mut Diagnostics) {
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
    let Some(f) = m.fields.get(&fname.value) else { return };
    let ty = filter.ty.as_ref().map_or(&f.ty.value, |t| &t.value);
    if matches!(ty, TypeRef::Array(_) | TypeRef::Map(_)) || cx.leaf_model(ty).is_some() {
        diags.error_help(fname.loc, format!("filter `{}` is on a `{ty}` field", fname.value), "give the filter a scalar `type:` (the type of one value)");
    }
    if filter.ops.iter().any(|o| o.value == "null") && !f.nullable {
        diags.error_help(fname.loc, format!("filter `{}` allows `null`, but the field is not nullable", fname.value), "add `nullable: true` to the field, or remove `null` from `ops`");
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
