//! api.yaml changes: base URL, authentication, scopes, the error-code catalogue and the errors
//! every operation shares, envelope keys, pagination, list-query names, filter operators,
//! rate limits and the API's docs. (`info.version` is not a change: it is what the report
//! checks.)

use super::fields::{self, docs_change, Place};
use super::{keyed, set_diff, Anchor, Class, Ctx, Dir, API_FILE};
use crate::ir::Api;

pub(crate) fn diff(cx: &mut Ctx) {
    let (o, n) = (cx.old, cx.new);
    let at = |path: &[&str]| Anchor::new(API_FILE, path);
    if o.base_url != n.base_url {
        // wacr-client's default base URL; a server does not read it.
        cx.push("base-url-changed", format!("base URL {} -> {}", o.base_url, n.base_url), at(&["base_url"]), Class::BreakingClients, Class::None);
    }
    if o.auth_header != n.auth_header {
        cx.push("auth-changed", format!("auth header {} -> {}", o.auth_header, n.auth_header), at(&["auth", "header"]), Class::BreakingBoth, Class::None);
    }
    scopes(cx);
    errors(cx);
    shared_errors(cx, "common_errors", &o.common_errors, &n.common_errors);
    shared_errors(cx, "input_errors", &o.input_errors, &n.input_errors);
    conventions(cx);
    operators(cx);
    rate_limit(cx);
    let docs = [
        ("title", o.title != n.title),
        ("description", o.description != n.description),
        ("license", o.license != n.license),
        ("auth description", o.auth_description != n.auth_description),
        ("contradictions", format!("{:?}", o.contradictions) != format!("{:?}", n.contradictions)),
    ];
    docs_change(cx, "api", "api-docs", at(&["info"]), &docs);
}

fn scopes(cx: &mut Ctx) {
    let (removed, both, added) = keyed(&cx.old.scopes, &cx.new.scopes, |s| s.wire.clone());
    let at = |s: &str| Anchor::new(API_FILE, &["scopes", s]);
    for s in removed {
        cx.push_old("scope-removed", format!("scope `{}` removed", s.wire), at(&s.wire), Class::BreakingClients, Class::BreakingBoth);
    }
    for s in added {
        // `Scope` is matched by servers (the principal's scopes).
        let rust = cx.rust_added(Dir::Request, false);
        cx.push("scope-added", format!("scope `{}` added", s.wire), at(&s.wire), Class::Additive, rust);
    }
    for (os, ns) in both {
        let docs = [("description", os.description != ns.description), ("provenance", os.provenance != ns.provenance)];
        docs_change(cx, &format!("scope `{}`", ns.wire), "scope-docs", at(&ns.wire), &docs);
    }
}

fn errors(cx: &mut Ctx) {
    let (removed, both, added) = keyed(&cx.old.errors, &cx.new.errors, |e| e.code.clone());
    let at = |c: &str| Anchor::new(API_FILE, &["errors", c]);
    for e in removed {
        cx.push_old("error-removed", format!("error code `{}` removed from the catalogue", e.code), at(&e.code), Class::BreakingServers, Class::BreakingBoth);
    }
    for e in added {
        // `ErrorCode` is matched by clients; its `Unknown` keeps old clients decoding.
        let rust = cx.rust_added(Dir::Response, false);
        cx.push("error-added", format!("error code `{}` added to the catalogue", e.code), at(&e.code), Class::Additive, rust);
    }
    for (oe, ne) in both {
        let name = format!("error `{}`", ne.code);
        if oe.status != ne.status {
            cx.push("error-status-changed", format!("{name}: status {} -> {}", oe.status, ne.status), at(&ne.code).at("status"), Class::BreakingBoth, Class::None);
        }
        fields::diff(cx, &oe.details, &ne.details, &Place { subject: &format!("{name} details"), anchor: at(&ne.code).at("details"), dir: Dir::Response });
        let docs = [
            ("description", oe.description != ne.description),
            ("message", oe.message != ne.message),
            ("provenance", oe.provenance != ne.provenance),
            ("note", oe.note != ne.note),
        ];
        docs_change(cx, &name, "error-docs", at(&ne.code), &docs);
    }
}

/// `common_errors` and `input_errors`: a code every (input-taking) operation returns.
fn shared_errors(cx: &mut Ctx, key: &str, old: &[String], new: &[String]) {
    let (removed, added) = set_diff(old, new);
    for c in removed {
        let message = format!("error code `{c}` removed from `{key}`: no longer returned by every operation");
        cx.push_old("common-error-removed", message, Anchor::new(API_FILE, &[key, &format!("={c}")]), Class::BreakingServers, Class::BreakingBoth);
    }
    for c in added {
        let message = format!("error code `{c}` added to `{key}`: every operation may return it");
        let rust = cx.rust_added(Dir::Response, false);
        cx.push("common-error-added", message, Anchor::new(API_FILE, &[key, &format!("={c}")]), Class::Additive, rust);
    }
}

/// The envelope's keys, pagination and the list-query parameter names.
fn conventions(cx: &mut Ctx) {
    let (o, n) = (cx.old, cx.new);
    let (oe, ne) = (&o.envelope, &n.envelope);
    let keys = |e: &crate::ir::Envelope| [&e.success, &e.message, &e.data, &e.meta, &e.links, &e.error, &e.code, &e.details, &e.errors].map(String::clone);
    if keys(oe) != keys(ne) {
        let message = format!("envelope keys {:?} -> {:?}", keys(oe), keys(ne));
        cx.push("envelope-changed", message, Anchor::new(API_FILE, &["envelope"]), Class::BreakingBoth, Class::None);
    }
    let (oq, nq) = (&o.list_query, &n.list_query);
    let names = |q: &crate::ir::ListQuery| (q.sort.clone(), q.descending_prefix.clone(), q.search.clone(), q.search_aliases.clone(), q.fields.clone(), q.include.clone(), q.filter.clone());
    if names(oq) != names(nq) {
        cx.push("list-query-changed", "list query parameter names changed".into(), Anchor::new(API_FILE, &["list_query"]), Class::BreakingBoth, Class::None);
    }
    pagination(cx, o, n);
}

fn pagination(cx: &mut Ctx, o: &Api, n: &Api) {
    let (op, np) = (&o.pagination, &n.pagination);
    let at = |path: &[&str]| Anchor::new(API_FILE, &[&["pagination"], path].concat());
    if (op.page_default, op.per_page_default) != (np.page_default, np.per_page_default) {
        let message = format!("pagination defaults: page {} -> {}, per_page {} -> {}", op.page_default, np.page_default, op.per_page_default, np.per_page_default);
        cx.push("pagination-default-changed", message, at(&["per_page", "default"]), Class::BreakingBoth, Class::None);
    }
    let bounds = [("page min", op.page_min, np.page_min, false), ("per_page min", op.per_page_min, np.per_page_min, false), ("per_page max", op.per_page_max, np.per_page_max, true)];
    for (what, before, after, upper) in bounds {
        if before == after {
            continue;
        }
        let key: Vec<&str> = what.split(' ').collect();
        let message = format!("pagination {what} {before} -> {after}");
        if (after < before) == upper {
            cx.push("pagination-tightened", message, at(&key), Class::BreakingClients, Class::None);
        } else {
            cx.push("pagination-loosened", message, at(&key), Class::Additive, Class::None);
        }
    }
    fields::diff(cx, &op.meta, &np.meta, &Place { subject: "pagination meta", anchor: at(&["meta"]), dir: Dir::Response });
    fields::diff(cx, &op.links, &np.links, &Place { subject: "pagination links", anchor: at(&["links"]), dir: Dir::Response });
}

fn operators(cx: &mut Ctx) {
    let (removed, both, added) = keyed(&cx.old.operators, &cx.new.operators, |op| op.wire.clone());
    let at = |w: &str| Anchor::new(API_FILE, &["filter_operators", w]);
    for op in removed {
        cx.push_old("operator-removed", format!("filter operator `{}` removed", op.wire), at(&op.wire), Class::BreakingClients, Class::None);
    }
    for op in added {
        cx.push("operator-added", format!("filter operator `{}` added", op.wire), at(&op.wire), Class::Additive, Class::None);
    }
    for (oo, no) in both {
        let (gone, _) = set_diff(&oo.aliases, &no.aliases);
        if oo.value != no.value || !gone.is_empty() {
            let message = format!("filter operator `{}`: value {} -> {}, aliases {:?} -> {:?}", no.wire, oo.value, no.value, oo.aliases, no.aliases);
            cx.push("operator-changed", message, at(&no.wire), Class::BreakingBoth, Class::None);
        }
        docs_change(cx, &format!("filter operator `{}`", no.wire), "operator-docs", at(&no.wire), &[("description", oo.description != no.description)]);
    }
}

fn rate_limit(cx: &mut Ctx) {
    let (o, n) = (&cx.old.rate_limit, &cx.new.rate_limit);
    let at = |path: &[&str]| Anchor::new(API_FILE, &[&["rate_limit"], path].concat());
    if o.default_per_minute != n.default_per_minute {
        let message = format!("default rate limit {} -> {} per minute", o.default_per_minute, n.default_per_minute);
        let (kind, wire) = if n.default_per_minute < o.default_per_minute { ("rate-limit-tightened", Class::BreakingClients) } else { ("rate-limit-loosened", Class::Additive) };
        cx.push(kind, message, at(&["default_per_minute"]), wire, Class::None);
    }
    let headers = |r: &crate::ir::RateLimit| [r.limit_header.clone(), r.remaining_header.clone(), r.retry_after_header.clone()];
    if headers(o) != headers(n) {
        let message = format!("rate-limit headers {:?} -> {:?}", headers(o), headers(n));
        cx.push("rate-limit-headers-changed", message, at(&["headers"]), Class::BreakingBoth, Class::None);
    }
}
