//! Group and operation changes: added, removed, renamed (a new id or name on the same route),
//! moved; method, path, scope; parameters, body, includes, list conventions, response, error
//! codes, rate limits and docs.

use std::collections::BTreeSet;

use super::fields::{self, docs_change, Place};
use super::types::renames;
use super::{group_file, keyed, set_diff, Anchor, Class, Ctx, Dir};
use crate::ir::{ContentType, Group, List, OpError, Operation};

pub(crate) fn diff(cx: &mut Ctx) {
    let renamed_groups = groups(cx);
    let old: Vec<&Operation> = cx.old.operations().collect();
    let new: Vec<&Operation> = cx.new.operations().collect();
    let (removed, both, added) = keyed(&old, &new, |op| op.id.clone());
    let (removed, added): (Vec<&Operation>, Vec<&Operation>) = (removed.into_iter().copied().collect(), added.into_iter().copied().collect());
    let route = |op: &Operation| (op.method.clone(), normal_path(&op.path));
    let renamed = renames(&removed, &added, |op| op.id.clone(), |a, b| route(a) == route(b));
    for op in removed.iter().filter(|op| !renamed.iter().any(|(o, _)| *o == op.id)) {
        let message = format!("operation `{}` ({}) removed", op.id, op.route());
        cx.push_old("operation-removed", message, op_anchor(op), Class::BreakingClients, Class::BreakingBoth);
    }
    for op in added.iter().filter(|op| !renamed.iter().any(|(_, n)| *n == op.id)) {
        // The group's server trait gains a method without a default body.
        let message = format!("operation `{}` ({}) added", op.id, op.route());
        cx.push("operation-added", message, op_anchor(op), Class::Additive, Class::BreakingServers);
    }
    let mut pairs: Vec<(&Operation, &Operation)> = both.into_iter().map(|(o, n)| (*o, *n)).collect();
    for (o, n) in &renamed {
        let find = |list: &[&'_ Operation], id: &str| list.iter().position(|op| op.id == id);
        if let (Some(o), Some(n)) = (find(&removed, o), find(&added, n)) {
            pairs.push((removed[o], added[n]));
        }
    }
    for (o, n) in pairs {
        let moved = o.group != n.group && !renamed_groups.contains(&(o.group.clone(), n.group.clone()));
        pair(cx, o, n, moved);
    }
}

/// Reports group changes; returns the renamed groups as (old, new).
fn groups(cx: &mut Ctx) -> Vec<(String, String)> {
    let (removed, both, added) = keyed(&cx.old.groups, &cx.new.groups, |g| g.name.clone());
    let ids = |g: &Group| g.operations.iter().map(|op| op.id.clone()).collect::<BTreeSet<_>>();
    let renamed = renames(&removed, &added, |g| g.name.clone(), |a, b| !ids(a).is_disjoint(&ids(b)));
    let anchor = |g: &Group| Anchor::new(group_file(&g.name), &["group"]);
    for g in removed.iter().filter(|g| !renamed.iter().any(|(o, _)| *o == g.name)) {
        cx.push_old("group-removed", format!("group `{}` removed", g.name), anchor(g), Class::BreakingClients, Class::BreakingBoth);
    }
    for g in added.iter().filter(|g| !renamed.iter().any(|(_, n)| *n == g.name)) {
        // `router` takes one service implementing every group's trait: a new trait to implement.
        cx.push("group-added", format!("group `{}` added", g.name), anchor(g), Class::Additive, Class::BreakingServers);
    }
    for (o, n) in &renamed {
        let message = format!("group `{o}` renamed to `{n}` (client handle and server trait)");
        cx.push("group-renamed", message, Anchor::new(group_file(n), &["group"]), Class::None, Class::BreakingBoth);
    }
    for (o, n) in both {
        let docs = [("title", o.title != n.title), ("description", o.description != n.description)];
        docs_change(cx, &format!("group `{}`", n.name), "group-docs", Anchor::new(group_file(&n.name), &[]), &docs);
    }
    renamed
}

fn op_anchor(op: &Operation) -> Anchor {
    Anchor::new(group_file(&op.group), &["operations", &op.id])
}

/// A path with its parameter names left out: `/contacts/{}`.
fn normal_path(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

fn pair(cx: &mut Ctx, o: &Operation, n: &Operation, moved: bool) {
    let at = op_anchor(n);
    let name = format!("operation `{}`", n.id);
    if o.id != n.id || o.name != n.name || o.type_prefix != n.type_prefix {
        let message = format!("operation `{}` renamed to `{}` (method `{}` -> `{}`)", o.id, n.id, o.name, n.name);
        cx.push("operation-renamed", message, at.at("name"), Class::None, Class::BreakingBoth);
    }
    if moved {
        let message = format!("{name} moved from group `{}` to `{}`", o.group, n.group);
        cx.push("operation-moved", message, at.clone(), Class::None, Class::BreakingBoth);
    }
    if o.method != n.method {
        cx.push("operation-method-changed", format!("{name}: method {} -> {}", o.method, n.method), at.at("method"), Class::BreakingBoth, Class::None);
    }
    if normal_path(&o.path) != normal_path(&n.path) {
        cx.push("operation-path-changed", format!("{name}: path {} -> {}", o.path, n.path), at.at("path"), Class::BreakingBoth, Class::None);
    }
    scope(cx, o, n, &at);
    if o.sends_message != n.sends_message {
        // wacr-client stops (or starts) re-sending it after an ambiguous failure.
        let message = format!("{name}: sends_message {} -> {}", o.sends_message, n.sends_message);
        cx.push("operation-sends-message-changed", message, at.at("sends_message"), Class::BreakingClients, Class::None);
    }
    path_params(cx, o, n, &at);
    fields::diff(cx, &o.query, &n.query, &Place { subject: &format!("{name} query parameter"), anchor: at.at("query"), dir: Dir::Request });
    body(cx, o, n, &at);
    request_options(cx, o, n, &at);
    match (&o.list, &n.list) {
        (Some(ol), Some(nl)) => list(cx, ol, nl, &name, &at.at("list")),
        (None, Some(_)) => cx.push("pagination-added", format!("{name} is now a paginated list"), at.at("list"), Class::BreakingBoth, Class::BreakingBoth),
        (Some(_), None) => cx.push("pagination-removed", format!("{name} is no longer a paginated list"), at.clone(), Class::BreakingBoth, Class::BreakingBoth),
        (None, None) => {}
    }
    response(cx, o, n, &at);
    errors(cx, o, n, &at);
    rate_limits(cx, o, n, &at);
    let debug = |x: &dyn std::fmt::Debug| format!("{x:?}");
    let docs = [
        ("summary", o.summary != n.summary),
        ("description", o.description != n.description),
        ("provenance", o.provenance != n.provenance),
        ("note", o.note != n.note),
        ("behaviour", debug(&o.behaviour) != debug(&n.behaviour)),
        ("notes", o.notes != n.notes),
        ("examples", debug(&o.examples) != debug(&n.examples)),
        ("contradictions", o.contradictions != n.contradictions),
    ];
    docs_change(cx, &name, "operation-docs", at, &docs);
}

/// Path parameters are matched by position: their names are not on the wire, and the client
/// methods take them in order, so a rename reaches only the server's request struct.
fn path_params(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let mut old = o.path_params.clone();
    if old.len() == n.path_params.len() {
        for (of, nf) in old.iter_mut().zip(&n.path_params) {
            if of.wire != nf.wire {
                let message = format!("operation `{}`: path parameter `{}` renamed to `{}`", n.id, of.wire, nf.wire);
                cx.push("path-param-renamed", message, at.at("path_params").at(&nf.wire), Class::None, Class::BreakingServers);
                of.wire = nf.wire.clone();
            }
        }
    }
    let place = Place { subject: &format!("operation `{}` path parameter", n.id), anchor: at.at("path_params"), dir: Dir::Request };
    fields::diff(cx, &old, &n.path_params, &place);
}

fn scope(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let name = format!("operation `{}`", n.id);
    let (kind, wire) = match (&o.scope, &n.scope) {
        (a, b) if a == b => return,
        (None, Some(_)) => ("operation-scope-added", Class::BreakingClients),
        (Some(_), None) => ("operation-scope-removed", Class::Additive),
        _ => ("operation-scope-changed", Class::BreakingBoth),
    };
    let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
    cx.push(kind, format!("{name}: scope {} -> {}", show(&o.scope), show(&n.scope)), at.at("scope"), wire, Class::None);
}

fn body(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let empty = Vec::new();
    let (old, new) = (o.body.as_ref().map_or(&empty, |b| &b.fields), n.body.as_ref().map_or(&empty, |b| &b.fields));
    fields::diff(cx, old, new, &Place { subject: &format!("operation `{}` body", n.id), anchor: at.at("body").at("fields"), dir: Dir::Request });
    let (Some(ob), Some(nb)) = (&o.body, &n.body) else { return };
    if ob.content_type != nb.content_type {
        // Accepting both is additive; anything else changes what a request must be.
        let wire = if nb.content_type == ContentType::JsonOrMultipart { Class::Additive } else { Class::BreakingBoth };
        let message = format!("operation `{}`: body content type {:?} -> {:?}", n.id, ob.content_type, nb.content_type);
        cx.push("body-content-type-changed", message, at.at("body").at("content_type"), wire, Class::None);
    }
}

/// `?include=` names and `?fields=`.
fn request_options(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let name = format!("operation `{}`", n.id);
    let (removed, added) = set_diff(&o.include, &n.include);
    for v in removed {
        cx.push_old("include-removed", format!("{name}: include `{v}` removed"), op_anchor(o).at("include").at(format!("={v}")), Class::BreakingClients, Class::BreakingBoth);
    }
    for v in added {
        let rust = cx.rust_added(Dir::Request, false);
        cx.push("include-added", format!("{name}: include `{v}` added"), at.at("include").at(format!("={v}")), Class::Additive, rust);
    }
    if o.fields != n.fields {
        if n.fields {
            let rust = cx.rust_added(Dir::Request, true);
            cx.push("fields-param-added", format!("{name}: `?fields=` added"), at.at("fields"), Class::Additive, rust);
        } else {
            cx.push_old("fields-param-removed", format!("{name}: `?fields=` removed"), op_anchor(o).at("fields"), Class::BreakingClients, Class::BreakingBoth);
        }
    }
}

fn list(cx: &mut Ctx, o: &List, n: &List, name: &str, at: &Anchor) {
    let (removed, added) = set_diff(&o.sort, &n.sort);
    for v in removed {
        cx.push("sort-field-removed", format!("{name}: sort field `{v}` removed"), at.at("sort"), Class::BreakingClients, Class::BreakingBoth);
    }
    for v in added {
        let rust = cx.rust_added(Dir::Request, false);
        cx.push("sort-field-added", format!("{name}: sort field `{v}` added"), at.at("sort").at(format!("={v}")), Class::Additive, rust);
    }
    if o.default_sort != n.default_sort {
        let message = format!("{name}: default sort {:?} -> {:?}", o.default_sort, n.default_sort);
        cx.push("default-sort-changed", message, at.at("default_sort"), Class::BreakingBoth, Class::None);
    }
    let (removed, added) = set_diff(&o.search, &n.search);
    for v in removed {
        cx.push("search-field-removed", format!("{name}: search field `{v}` removed"), at.at("search"), Class::BreakingClients, Class::None);
    }
    for v in added {
        cx.push("search-field-added", format!("{name}: search field `{v}` added"), at.at("search").at(format!("={v}")), Class::Additive, Class::None);
    }
    let (removed, both, added) = keyed(&o.filters, &n.filters, |f| f.field.clone());
    let filters = at.at("filters");
    for f in removed {
        cx.push("filter-removed", format!("{name}: filter `{}` removed", f.field), filters.clone(), Class::BreakingClients, Class::BreakingBoth);
    }
    for f in added {
        let rust = cx.rust_added(Dir::Request, true);
        cx.push("filter-added", format!("{name}: filter `{}` added", f.field), filters.at(&f.field), Class::Additive, rust);
    }
    for (of, nf) in both {
        let here = filters.at(&nf.field);
        // A filter's nullability follows its model field, which reports the change.
        if !cx.same_ty(&of.ty, &nf.ty) {
            let message = format!("{name}: filter `{}` type {} -> {}", nf.field, of.ty.spec_name(), nf.ty.spec_name());
            cx.push("filter-type-changed", message, here.at("type"), Class::BreakingBoth, Class::BreakingBoth);
        }
        let (gone, new) = set_diff(&of.ops, &nf.ops);
        if !gone.is_empty() {
            let message = format!("{name}: filter `{}` no longer takes {}", nf.field, gone.join(", "));
            cx.push("filter-operators-removed", message, here.at("ops"), Class::BreakingClients, Class::None);
        }
        if !new.is_empty() {
            let message = format!("{name}: filter `{}` now takes {}", nf.field, new.join(", "));
            cx.push("filter-operators-added", message, here.at("ops"), Class::Additive, Class::None);
        }
        let docs = [("description", of.description != nf.description), ("provenance", of.provenance != nf.provenance)];
        docs_change(cx, &format!("{name} filter `{}`", nf.field), "filter-docs", here, &docs);
    }
}

fn response(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let (or, nr) = (&o.response, &n.response);
    let name = format!("operation `{}`", n.id);
    let at = at.at("response");
    if or.status != nr.status {
        cx.push("response-status-changed", format!("{name}: success status {} -> {}", or.status, nr.status), at.at("status"), Class::BreakingBoth, Class::None);
    }
    let same_data = match (&or.data, &nr.data) {
        (Some(a), Some(b)) => cx.same_ty(a, b),
        (a, b) => a == b,
    };
    if !same_data {
        let show = |d: &Option<crate::ir::Ty>| d.as_ref().map_or("none".to_owned(), |t| t.spec_name());
        let message = format!("{name}: response data {} -> {}", show(&or.data), show(&nr.data));
        cx.push("response-type-changed", message, at.at("data"), Class::BreakingBoth, Class::BreakingBoth);
    }
    if or.envelope != nr.envelope && o.list.is_some() == n.list.is_some() {
        let message = format!("{name}: response envelope {:?} -> {:?}", or.envelope, nr.envelope);
        cx.push("response-envelope-changed", message, at.at("envelope"), Class::BreakingBoth, Class::None);
    }
    let docs = [("message", or.message != nr.message), ("provenance", or.provenance != nr.provenance), ("note", or.note != nr.note)];
    docs_change(cx, &format!("{name} response"), "response-docs", at, &docs);
}

fn errors(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let name = format!("operation `{}`", n.id);
    // Codes that come and go with `common_errors` / `input_errors` are reported once there.
    let shared = |api: &crate::ir::Api| api.common_errors.iter().chain(&api.input_errors).cloned().collect::<BTreeSet<_>>();
    let moved: BTreeSet<String> = shared(cx.old).symmetric_difference(&shared(cx.new)).cloned().collect();
    let codes = |op: &Operation| op.error_codes().iter().map(|e| e.code.clone()).filter(|c| !moved.contains(c)).collect::<Vec<_>>();
    let (old_codes, new_codes) = (codes(o), codes(n));
    let (removed, added) = set_diff(&old_codes, &new_codes);
    for c in removed {
        let message = format!("{name}: error code `{c}` removed");
        cx.push_old("error-code-removed", message, op_anchor(o).at("errors").at(format!("code={c}")), Class::BreakingServers, Class::BreakingBoth);
    }
    for c in added {
        // Old clients decode an unknown code as `Open::Unknown`.
        let rust = cx.rust_added(Dir::Response, false);
        cx.push("error-code-added", format!("{name}: error code `{c}` added"), at.at("errors").at(format!("code={c}")), Class::Additive, rust);
    }
    // An operation may list a code more than once (one row per cause): the n-th row of a code
    // and field pairs with the n-th.
    let rows = |errors: &'_ [OpError]| -> Vec<(RowKey, OpError)> {
        let nth = |i: usize, e: &OpError| errors[..i].iter().filter(|x| x.code == e.code && x.field == e.field).count();
        errors.iter().enumerate().map(|(i, e)| ((nth(i, e), e.code.clone(), e.field.clone()), e.clone())).collect()
    };
    let (old_rows, new_rows) = (rows(&o.errors), rows(&n.errors));
    for ((_, oe), (_, ne)) in keyed(&old_rows, &new_rows, |(key, _)| key.clone()).1 {
        let docs = [("when", oe.when != ne.when), ("message", oe.message != ne.message), ("provenance", oe.provenance != ne.provenance)];
        docs_change(cx, &format!("{name} error `{}`", ne.code), "error-docs", at.at("errors").at(format!("code={}", ne.code)), &docs);
    }
}

/// An error row's place among the rows of its code and field, the code, the field.
type RowKey = (usize, String, Option<String>);

fn rate_limits(cx: &mut Ctx, o: &Operation, n: &Operation, at: &Anchor) {
    let name = format!("operation `{}`", n.id);
    let at = at.at("rate_limits");
    let (removed, both, added) = keyed(&o.rate_limits, &n.rate_limits, |r| r.key.clone());
    let rate = |limit: i64, per: i64| limit as f64 / per.max(1) as f64;
    for r in removed {
        cx.push("rate-limit-loosened", format!("{name}: rate limit `{}` removed", r.key), at.clone(), Class::Additive, Class::None);
    }
    for r in added {
        let message = format!("{name}: rate limit `{}` added ({} per {} s)", r.key, r.limit, r.per_seconds);
        cx.push("rate-limit-tightened", message, at.at(format!("key={}", r.key)), Class::BreakingClients, Class::None);
    }
    for (or, nr) in both {
        let (before, after) = (rate(or.limit, or.per_seconds), rate(nr.limit, nr.per_seconds));
        if before == after && or.limit == nr.limit {
            continue;
        }
        let message = format!("{name}: rate limit `{}` {} per {} s -> {} per {} s", nr.key, or.limit, or.per_seconds, nr.limit, nr.per_seconds);
        let here = at.at(format!("key={}", nr.key));
        // A smaller burst at the same rate also refuses calls that passed.
        if after < before || nr.limit < or.limit {
            cx.push("rate-limit-tightened", message, here, Class::BreakingClients, Class::None);
        } else {
            cx.push("rate-limit-loosened", message, here, Class::Additive, Class::None);
        }
    }
}
