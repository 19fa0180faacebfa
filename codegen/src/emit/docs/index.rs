//! `generated/docs/README.md`: the index of the reference. Every group and operation (method,
//! path, scope), the scope and error-code catalogues, the shared conventions (envelope,
//! pagination, list query, filter operators, rate limits) and the contradictions found in the
//! WA.cr documentation with the way the spec resolves each.

use serde_json::json;

use super::{anchor, code, fence, header, json, md, op_link, page, provenance, scope, table, DIR};
use crate::ir::*;
use crate::write::Output;

pub fn emit(api: &Api) -> Output {
    let sections = [
        intro(api),
        operations(api),
        scopes(api),
        errors(api),
        envelope(api),
        pagination(api),
        list_query(api),
        rate_limit(api),
        contradictions(api),
    ];
    let mut out = header(api);
    out.push_str(&sections.join("\n"));
    if api.events.is_some() {
        out.push_str("\n## Webhooks\n\nThe events the API POSTs when a resource changes, their payload and how to verify a delivery: [events.md](events.md).\n");
    }
    Output { path: format!("{DIR}/README.md"), contents: out }
}

fn intro(api: &Api) -> String {
    let ops = api.operations().count();
    let inferred = api.operations().filter(|op| op.provenance.is_inferred()).count();
    format!(
        "# {} {} reference\n\n{}\n\n\
         Generated from the spec (`api-spec/`), like the models, the client and the server, so it \
         says exactly what they do. {ops} operations in {} groups; {} documented on a page of the \
         WA.cr (or sibling RASL) documentation, {inferred} inferred where a page is missing. Every \
         operation, field and error says where it comes from: **documented** with the page, or \
         **inferred** with the reason.\n\n\
         - Base URL: `{}` ({}); every client and server lets you change it.\n\
         - Authentication: {} (header `{}`).\n\
         - Rust: the `wacr-client` crate, one method per operation (`client.contacts().get(..)`); \
         every page shows the call, compiled in `generated/wacr-client/tests/doc_snippets.rs`.\n\
         - Try it locally: `cargo run -p wacr-sandbox -- --example-data` serves the API at \
         `http://127.0.0.1:8080/api/v2` with the records the examples name; every curl command and \
         Rust call of these pages answers there as documented (`sandbox/tests/docs_run.rs` runs them \
         all; the exceptions are listed in `sandbox/README.md`).\n\
         - OpenAPI 3.1: `generated/openapi.yaml`.\n",
        api.title,
        api.version,
        md(&api.description),
        api.groups.len(),
        ops - inferred,
        api.base_url,
        provenance(&api.base_url_provenance),
        md(&api.auth_description),
        api.auth_header,
    )
}

fn operations(api: &Api) -> String {
    let mut out = "## Operations\n\n".to_owned();
    for g in &api.groups {
        out.push_str(&format!("### [{}]({})\n\n{}\n\n", md(&g.title), page(&g.name), md(&g.description)));
        let rows = g.operations.iter().map(|op| {
            let origin = if op.provenance.is_inferred() { "inferred" } else { "documented" };
            vec![op_link(op), format!("`{}`", op.method), format!("`{}`", op.path), scope(op), origin.to_owned()]
        });
        out.push_str(&table(&["Operation", "Method", "Path", "Scope", "Provenance"], rows));
        out.push('\n');
    }
    out
}

fn scopes(api: &Api) -> String {
    let rows = api.scopes.iter().map(|s| {
        let users: Vec<String> = api.operations().filter(|op| op.scope.as_deref() == Some(&s.wire)).map(op_link).collect();
        vec![format!("`{}`", s.wire), md(&s.description), users.join(", "), provenance(&s.provenance)]
    });
    let none: Vec<String> = api.operations().filter(|op| op.scope.is_none()).map(op_link).collect();
    format!(
        "## Scopes\n\nA token holds a set of scopes; an operation requires one, or none. A token without \
         the required scope gets 403 `INSUFFICIENT_SCOPE`.\n\n{}\nNo scope (any valid token of an active tenant): {}.\n",
        table(&["Scope", "Allows", "Operations", "Provenance"], rows),
        none.join(", ")
    )
}

fn errors(api: &Api) -> String {
    let rows = api.errors.iter().map(|e| {
        let details: Vec<String> = e.details.iter().map(|d| format!("`{}` ({})", d.wire, d.ty.spec_name())).collect();
        let note = e.note.as_deref().map(|n| format!(" Note: {}.", md(n))).unwrap_or_default();
        vec![
            format!("<a id=\"error-{}\"></a>`{}`", anchor(&e.code), e.code),
            e.status.to_string(),
            md(&e.message),
            format!("{}{note}", md(&e.description)),
            if details.is_empty() { "—".to_owned() } else { details.join(", ") },
            provenance(&e.provenance),
        ]
    });
    let common: Vec<String> = api.common_errors.iter().map(|c| format!("`{c}`")).collect();
    let input: Vec<String> = api.input_errors.iter().map(|c| format!("`{c}`")).collect();
    format!(
        "## Error codes\n\nEvery error answers with the error envelope (below) and one of these codes. \
         Every operation can return {} (`INSUFFICIENT_SCOPE` only when it requires a scope), and every \
         operation that takes query parameters or a body can return {}; each page lists the others an \
         operation returns, and when.\n\n{}",
        common.join(", "),
        input.join(", "),
        table(&["Code", "Status", "Default message", "When", "Details", "Provenance"], rows)
    )
}

fn envelope(api: &Api) -> String {
    let e = &api.envelope;
    let success = json!({&e.success: true, &e.message: "Contact retrieved successfully", &e.data: {"id": 1, "firstname": "Jane"}});
    let error = json!({
        &e.success: false,
        &e.message: "The given data was invalid",
        &e.error: {&e.code: "VALIDATION_ERROR"},
        &e.errors: {"firstname": ["First name is required"]}
    });
    let limit = json!({&e.success: false, &e.message: "Plan limit reached", &e.error: {&e.code: "FEATURE_LIMIT_EXCEEDED", &e.details: {"feature": "contacts", "current": 5000, "maximum": 5000}}});
    format!(
        "## Envelope\n\n{}.\n\nA success puts the data under `{}`; deletes answer `{}: null`. A few \
         operations (batch contacts, Add Comment) put the fields of their data at the top level, \
         beside `{}` and `{}` (\"flat\", said on their pages).\n\n{}\nAn error has `{}: false`, a \
         message and `{}: {{{}, {}}}`; a 422 `VALIDATION_ERROR` adds `{}`, each field's messages \
         (the documented messages where the pages give them).\n\n{}\n{}",
        provenance(&e.provenance),
        e.data,
        e.data,
        e.success,
        e.message,
        fence("json", &json(&success)),
        e.success,
        e.error,
        e.code,
        e.details,
        e.errors,
        fence("json", &json(&error)),
        fence("json", &json(&limit)),
    )
}

fn pagination(api: &Api) -> String {
    let p = &api.pagination;
    let e = &api.envelope;
    let field_rows = |fields: &[Field], part: &str| -> Vec<Vec<String>> {
        fields
            .iter()
            .map(|f| vec![format!("`{part}.{}`", f.wire), format!("`{}`{}", f.ty.spec_name(), if f.nullable { ", nullable" } else { "" }), md(&f.description)])
            .collect()
    };
    let mut rows = field_rows(&p.meta, &e.meta);
    rows.extend(field_rows(&p.links, &e.links));
    format!(
        "## Pagination\n\nList operations take `page` (from {}, default {}) and `per_page` ({} to {}, \
         default {}), and answer a page: the items under `{}`, with `{}` and `{}` ({}). The client \
         pages lazily with `list_pages` and `list_all` streams.\n\n{}",
        p.page_min,
        p.page_default,
        p.per_page_min,
        p.per_page_max,
        p.per_page_default,
        e.data,
        e.meta,
        e.links,
        provenance(&p.provenance),
        table(&["Key", "Type", "Meaning"], rows)
    )
}

fn list_query(api: &Api) -> String {
    let q = &api.list_query;
    let aliases: Vec<String> = q.search_aliases.iter().map(|a| format!("`{a}`")).collect();
    let ops = api.operators.iter().map(|o| {
        let aliases: Vec<String> = o.aliases.iter().map(|a| code(a)).collect();
        let example = match o.value.as_str() {
            "list" => format!("`{}[status_id][{}]=1,2,3`", q.filter, o.wire),
            "pair" => format!("`{}[created_at][{}]=2025-01-01,2025-12-31`", q.filter, o.wire),
            "boolean" => format!("`{}[assigned_id][{}]=true`", q.filter, o.wire),
            "text" => format!("`{}[type][{}]=lea`", q.filter, o.wire),
            _ if o.wire == "eq" => format!("`{}[status_id]=3`", q.filter),
            _ => format!("`{}[field][{}]=value`", q.filter, o.wire),
        };
        vec![format!("`{}`", o.wire), if aliases.is_empty() { "—".to_owned() } else { aliases.join(", ") }, o.value.clone(), md(&o.description), example]
    });
    format!(
        "## List queries\n\nThe list operations share these query parameters ({}); each page says \
         which fields an operation sorts, searches and filters by, and what it can include.\n\n\
         - `{}=a,-b`: sort by `a`, then by `b` descending (prefix `{}`).\n\
         - `{}=text` (alias {}): partial match over the operation's search fields.\n\
         - `{}=a,b`: only these fields of each item, where the operation allows it.\n\
         - `{}=rel1,rel2`: load these relations of each item (absent from the JSON unless asked for).\n\
         - `{}[field]=value` or `{}[field][op]=value`: keep the items whose field matches; all \
         conditions must hold.\n\n### Filter operators\n\n{}\n\nWith `wacr-client`, a condition is \
         built by the constructor of `Filter` named after its operator (`Filter::eq(ContactType::Lead)`, \
         `Filter::is_in([1, 2])`, `Filter::like(\"lea\")`; `is_in` for `in`). The values are of the \
         field's type, its enum for an enum field, and `like` takes text. A filter field has only the \
         constructors of the operators it allows, so any other does not compile.",
        provenance(&q.provenance),
        q.sort,
        q.descending_prefix,
        q.search,
        aliases.join(", "),
        q.fields,
        q.include,
        q.filter,
        q.filter,
        table(&["Operator", "Aliases", "Value", "Meaning", "Example"], ops)
    )
}

fn rate_limit(api: &Api) -> String {
    let r = &api.rate_limit;
    let own: Vec<String> = api
        .operations()
        .filter(|op| !op.rate_limits.is_empty())
        .map(|op| {
            let rules: Vec<String> = op.rate_limits.iter().map(|l| format!("{} per {} s", l.limit, l.per_seconds)).collect();
            format!("{} ({})", op_link(op), rules.join(", "))
        })
        .collect();
    format!(
        "## Rate limits\n\nEach token may make {} requests a minute by default (its \
         `rate_limit_per_minute`, reported by Get Plan Limits; {}). Past it, the API answers 429 \
         `RATE_LIMIT_EXCEEDED` with the seconds to wait in `{}` and in the error's details. \
         Responses carry `{}` and `{}` ({}). The client retries a 429 after the advertised delay, \
         but never re-sends a message unless asked to.\n\nOperations with limits of their own: {}.\n",
        r.default_per_minute,
        provenance(&r.provenance),
        r.retry_after_header,
        r.limit_header,
        r.remaining_header,
        provenance(&r.headers_provenance),
        own.join("; ")
    )
}

fn contradictions(api: &Api) -> String {
    let rows = api.contradictions.iter().map(|c| {
        let ops: Vec<String> = c.operations.iter().filter_map(|id| api.operations().find(|op| &op.id == id)).map(op_link).collect();
        vec![format!("<a id=\"contradiction-{}\"></a>{}", c.id, c.id), md(&c.summary), md(&c.resolution), ops.join(", ")]
    });
    format!(
        "## Contradictions in the documentation\n\nWhere the WA.cr pages (or the sibling RASL pages) \
         disagree, the spec picks one reading and says so here; each operation's page repeats the \
         ones that touch it.\n\n{}",
        table(&["#", "Contradiction", "Resolution", "Operations"], rows)
    )
}
