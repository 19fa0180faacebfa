//! `generated/docs/<group>.md`: one page per resource group. Per operation: summary and
//! description, method, path and scope, parameters (path, pagination, sort, search, filters,
//! include, fields, the operation's own), the body with every rule and documented message, the
//! success response, the errors, rate limits, behaviour, notes, provenance, the contradictions
//! that touch it, and the request in curl and in Rust followed by the spec's examples. Then the
//! group's models and enums.

use super::snippet;
use super::{anchor, code, fence, header, json, md, page, provenance, scope, table, ty, type_anchor, DIR};
use crate::ir::*;
use crate::write::Output;

/// The page of `group`; `snippets` are the Rust examples of its operations, formatted.
pub fn emit(api: &Api, group: &Group, snippets: &[String]) -> Output {
    let mut out = header(api);
    out.push_str(&format!("# {}\n\n{}\n\n[Index](README.md) · `{}`\n\n", md(&group.title), md(&group.description), group.file));
    let rows = group.operations.iter().map(|op| vec![format!("[{}](#{})", md(&op.summary), anchor(&op.id)), format!("`{}`", op.method), format!("`{}`", op.path), scope(op)]);
    out.push_str(&table(&["Operation", "Method", "Path", "Scope"], rows));
    for (op, rust) in group.operations.iter().zip(snippets) {
        out.push('\n');
        out.push_str(&operation(api, op, rust));
    }
    let models: Vec<&Model> = api.models.iter().filter(|m| m.group == group.name).collect();
    let enums: Vec<&Enum> = api.enums.iter().filter(|e| e.group == group.name).collect();
    if !models.is_empty() || !enums.is_empty() {
        out.push_str("\n## Types\n");
        for m in models {
            out.push('\n');
            out.push_str(&model(api, m));
        }
        for e in enums {
            out.push('\n');
            out.push_str(&enum_(e));
        }
    }
    Output { path: format!("{DIR}/{}", page(&group.name)), contents: out }
}

fn operation(api: &Api, op: &Operation, rust: &str) -> String {
    let mut out = format!("<a id=\"{}\"></a>\n\n## {}\n\n", anchor(&op.id), md(&op.summary));
    if !op.description.is_empty() {
        out.push_str(&format!("{}\n\n", md(&op.description)));
    }
    let sends = if op.sends_message { " · sends a WhatsApp message (never re-sent by a client retry)" } else { "" };
    // The changelog's entries name operations by id: its history is the entries naming it.
    out.push_str(&format!(
        "`{} {}` · scope {} · id `{}` · Rust `client.{}().{}(..)`{sends} · [history](../../CHANGELOG.md)\n\n",
        op.method,
        op.path,
        scope(op),
        op.id,
        crate::ident::field(&op.group),
        crate::ident::bare(&op.name)
    ));
    out.push_str(&format!("Provenance: {}.", provenance(&op.provenance)));
    if let Some(note) = &op.note {
        out.push_str(&format!(" Note: {}.", md(note)));
    }
    out.push_str("\n\n");
    let sections = [parameters(api, op), body(api, op), response(api, op), errors(api, op), rate_limits(op), behaviour(op), contradictions(api, op), usage(api, op, rust), examples(api, op)];
    for s in sections.into_iter().flatten() {
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// The cells of a field: name, type with presence, rules with their messages, description
/// with its note and its own provenance when it differs from the operation's.
fn field_row(api: &Api, f: &Field, required: bool, parent: &Provenance) -> Vec<String> {
    let mut presence = vec![if required { "required" } else { "optional" }];
    if f.nullable {
        presence.push("nullable");
    }
    let mut about = vec![md(&f.description)];
    about.extend(f.default.as_ref().map(|d| format!("Default: {}", code(&d.to_string()))));
    about.extend(f.example.as_ref().map(|e| format!("Example: {}", code(&e.to_string()))));
    about.extend(f.note.as_ref().map(|n| format!("Note: {}", md(n))));
    let mut about = sentences(&about);
    if &f.provenance != parent {
        about.push_str(&format!(" ({})", provenance(&f.provenance)));
    }
    vec![format!("`{}`", f.wire), ty(api, &f.ty), presence.join(", "), rules(f), about]
}

/// Every rule of a field, each with its documented message: `max length 255 ("...")`.
fn rules(f: &Field) -> String {
    let r = &f.rules;
    let msg = |rule: &str| f.message(rule).map(|m| format!(" — \"{}\"", md(m))).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    if f.required {
        parts.extend(f.message("required").map(|m| format!("required — \"{}\"", md(m))));
    }
    let counts = [("min_length", "min length", r.min_length), ("max_length", "max length", r.max_length), ("min_items", "min items", r.min_items), ("max_items", "max items", r.max_items)];
    parts.extend(counts.iter().filter_map(|(rule, name, v)| v.map(|v| format!("{name} {v}{}", msg(rule)))));
    let bounds = [("min", r.min), ("max", r.max)];
    parts.extend(bounds.iter().filter_map(|(rule, v)| v.map(|v| format!("{rule} {}{}", number(v), msg(rule)))));
    if r.unique_items {
        parts.push(format!("unique items{}{}", r.unique_by.as_ref().map(|b| format!(" by `{b}`")).unwrap_or_default(), msg("unique_items")));
    }
    if r.per_item_errors {
        parts.push("an item that breaks its rules is reported in the result, not as a 422 of the request".to_owned());
    }
    parts.extend(r.format.as_ref().map(|v| format!("format {v}{}", msg("format"))));
    parts.extend(r.pattern.as_ref().map(|v| format!("pattern {}{}", code(v), msg("pattern"))));
    parts.extend(r.max_size.map(|v| format!("max size {} bytes{}", v, msg("max_size"))));
    if !r.extensions.is_empty() {
        parts.push(format!("extensions {}{}", r.extensions.join(", "), msg("extensions")));
    }
    let list = |names: &[String]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if !r.required_with.is_empty() {
        parts.push(format!("required with {}{}", list(&r.required_with), msg("required_with")));
    }
    if !r.required_without.is_empty() {
        parts.push(format!("required without {}{}", list(&r.required_without), msg("required_without")));
    }
    parts.extend(r.required_if.as_ref().map(|(field, value)| format!("required if `{field}` is {}{}", code(&value.to_string()), msg("required_if"))));
    parts.extend(r.unique.as_ref().map(|v| format!("unique {}{}", md(v), msg("unique"))));
    parts.extend(r.exists.as_ref().map(|v| format!("must exist in {}{}", md(v), msg("exists"))));
    parts.extend(r.rule.as_ref().map(|v| format!("{}{}", md(v), msg("rule"))));
    for rule in ["enum", "type"] {
        parts.extend(f.message(rule).map(|m| format!("{rule} — \"{}\"", md(m))));
    }
    if parts.is_empty() { "—".to_owned() } else { parts.join("; ") }
}

/// Joins sentences, ending each but the last with a period when it has no stop of its own.
fn sentences(parts: &[String]) -> String {
    let parts: Vec<&String> = parts.iter().filter(|p| !p.is_empty()).collect();
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        out.push_str(p);
        if i + 1 < parts.len() {
            out.push_str(if p.ends_with(['.', '!', '?']) { " " } else { ". " });
        }
    }
    out
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { v.to_string() }
}

fn parameters(api: &Api, op: &Operation) -> Option<String> {
    if op.path_params.is_empty() && !op.has_query() {
        return None;
    }
    let q = &api.list_query;
    let mut out = "### Parameters\n\n".to_owned();
    if !op.path_params.is_empty() {
        let rows = op.path_params.iter().map(|f| field_row(api, f, true, &op.provenance));
        out.push_str(&format!("Path:\n\n{}\n", table(&["Name", "Type", "Presence", "Rules", "Description"], rows)));
    }
    let mut query = Vec::new();
    if let Some(list) = &op.list {
        let p = &api.pagination;
        query.push(format!("`page` (from {}, default {}) and `per_page` ({} to {}, default {}): see [pagination](README.md#pagination).", p.page_min, p.page_default, p.per_page_min, p.per_page_max, p.per_page_default));
        if !list.sort.is_empty() {
            let fields: Vec<String> = list.sort.iter().map(|s| format!("`{s}`")).collect();
            let default = list.default_sort.as_ref().map(|d| format!("; default `{d}`")).unwrap_or_default();
            query.push(format!("`{}`: {} (prefix `{}` for descending{default}).", q.sort, fields.join(", "), q.descending_prefix));
        }
        if !list.search.is_empty() {
            let fields: Vec<String> = list.search.iter().map(|s| format!("`{s}`")).collect();
            let aliases: Vec<String> = q.search_aliases.iter().map(|a| format!("`{a}`")).collect();
            query.push(format!("`{}` (alias {}): partial match over {}.", q.search, aliases.join(", "), fields.join(", ")));
        }
        if !list.filters.is_empty() {
            let rows = list.filters.iter().map(|f| {
                let ops: Vec<String> = f.ops.iter().map(|o| format!("`{o}`")).collect();
                let own = if f.provenance != op.provenance { format!(" ({})", provenance(&f.provenance)) } else { String::new() };
                vec![format!("`{}[{}]`", q.filter, f.field), ty(api, &f.ty), ops.join(", "), format!("{}{own}", md(&f.description))]
            });
            query.push(format!("`{}`: see [filter operators](README.md#filter-operators).\n\n{}", q.filter, table(&["Filter", "Type", "Operators", "Meaning"], rows)));
        }
    }
    if !op.include.is_empty() {
        let names: Vec<String> = op.include.iter().map(|i| format!("`{i}`")).collect();
        query.push(format!("`{}`: any of {} (comma-separated).", q.include, names.join(", ")));
    }
    if op.fields {
        query.push(format!("`{}`: a comma-separated list of the fields to return.", q.fields));
    }
    if !query.is_empty() {
        out.push_str("Query:\n\n");
        for line in query {
            out.push_str(&format!("- {line}\n"));
        }
        out.push('\n');
    }
    if !op.query.is_empty() {
        let rows = op.query.iter().map(|f| field_row(api, f, f.required, &op.provenance));
        out.push_str(&table(&["Query parameter", "Type", "Presence", "Rules", "Description"], rows));
    }
    Some(out)
}

fn body(api: &Api, op: &Operation) -> Option<String> {
    let body = op.body.as_ref()?;
    let encoding = match body.content_type {
        ContentType::Json => "JSON (`application/json`)",
        ContentType::Multipart => "`multipart/form-data`",
        ContentType::JsonOrMultipart => "JSON, or `multipart/form-data` to upload a file",
    };
    let rows = body.fields.iter().map(|f| field_row(api, f, f.required, &op.provenance));
    let patch = if body.fields.iter().any(Field::is_tristate) {
        "\n\nAn optional nullable field has three states: absent leaves the value unchanged, `null` clears it, a value sets it (`Patch` in Rust)."
    } else {
        ""
    };
    let files = match (body.fields.iter().any(|f| f.ty.is_file()), body.content_type) {
        (false, _) => "",
        (true, ContentType::JsonOrMultipart) => "\n\nA `file` field takes a `wacr_client::models::File` (`File::new(name, content_type, bytes)`); with a file set, the client sends the body as `multipart/form-data`, each file a part named like its field.",
        (true, _) => "\n\nA `file` field takes a `wacr_client::models::File` (`File::new(name, content_type, bytes)`), sent as the part named like its field.",
    };
    Some(format!(
        "### Request body\n\n{encoding}.{patch}{files}\n\n{}",
        table(&["Field", "Type", "Presence", "Rules and messages", "Description"], rows)
    ))
}

fn response(api: &Api, op: &Operation) -> Option<String> {
    let r = &op.response;
    let e = &api.envelope;
    let data = r.data.as_ref().map(|d| ty(api, d));
    let shape = match (r.envelope, data) {
        (_, None) => format!("`{}` is null.", e.data),
        (EnvelopeKind::Data, Some(d)) => format!("`{}`: {d}.", e.data),
        (EnvelopeKind::List, Some(d)) => format!("`{}`: a page of {d}, with `{}` and `{}` ([pagination](README.md#pagination)).", e.data, e.meta, e.links),
        (EnvelopeKind::Flat, Some(d)) => format!("the fields of {d} at the top level, beside `{}` and `{}` (no `{}`).", e.success, e.message, e.data),
        (EnvelopeKind::None, Some(d)) => format!("the body is {d} (no envelope)."),
    };
    let message = r.message.as_ref().map(|m| format!(", message \"{}\"", md(m))).unwrap_or_default();
    let own = if r.provenance != op.provenance { format!(" ({})", provenance(&r.provenance)) } else { String::new() };
    let note = r.note.as_ref().map(|n| format!(" Note: {}.", md(n))).unwrap_or_default();
    Some(format!("### Response\n\n`{}`{message}; {shape}{own}{note}\n", r.status))
}

fn errors(api: &Api, op: &Operation) -> Option<String> {
    let rows = op.errors.iter().map(|e| {
        let input = api.input_errors.contains(&e.code) && !api.common_errors.contains(&e.code);
        let when = match (&e.when, e.common) {
            (Some(w), _) => md(w),
            (None, true) if input => "the query or the body is invalid (any operation that takes input; see the index)".to_owned(),
            (None, true) => "returned by every operation (see the index)".to_owned(),
            (None, false) => "—".to_owned(),
        };
        let field = e.field.as_ref().map(|f| format!("`{f}`")).unwrap_or_default();
        let message = e.message.as_ref().map(|m| format!(" Message: \"{}\".", md(m))).unwrap_or_default();
        let own = if e.provenance != op.provenance && !e.common { format!(" ({})", provenance(&e.provenance)) } else { String::new() };
        vec![e.status.to_string(), format!("[`{}`](README.md#error-{})", e.code, anchor(&e.code)), field, format!("{when}{message}{own}")]
    });
    Some(format!("### Errors\n\n{}", table(&["Status", "Code", "Field", "When"], rows)))
}

fn rate_limits(op: &Operation) -> Option<String> {
    if op.rate_limits.is_empty() {
        return None;
    }
    let rows = op.rate_limits.iter().map(|r| {
        let note = r.note.as_ref().map(|n| format!(" Note: {}.", md(n))).unwrap_or_default();
        let own = if r.provenance != op.provenance { format!(" ({})", provenance(&r.provenance)) } else { String::new() };
        vec![code(&r.key), format!("{} per {} s", r.limit, r.per_seconds), format!("{}{note}{own}", r.when.as_deref().map(md).unwrap_or_default())]
    });
    Some(format!("### Rate limits\n\nBesides the token's per-minute limit:\n\n{}", table(&["Key", "Limit", "When"], rows)))
}

fn behaviour(op: &Operation) -> Option<String> {
    if op.behaviour.is_empty() && op.notes.is_empty() {
        return None;
    }
    let mut out = String::new();
    if !op.behaviour.is_empty() {
        out.push_str("### Behaviour\n\n");
        for b in &op.behaviour {
            let own = if b.provenance != op.provenance { format!(" ({})", provenance(&b.provenance)) } else { String::new() };
            out.push_str(&format!("- {}{own}\n", md(&b.text)));
        }
        out.push('\n');
    }
    if !op.notes.is_empty() {
        out.push_str("### Notes\n\n");
        for n in &op.notes {
            out.push_str(&format!("- {}\n", md(n)));
        }
        out.push('\n');
    }
    Some(out.trim_end().to_owned() + "\n")
}

fn contradictions(api: &Api, op: &Operation) -> Option<String> {
    if op.contradictions.is_empty() {
        return None;
    }
    let mut out = "### Contradictions\n\n".to_owned();
    for c in op.contradictions.iter().filter_map(|id| api.contradictions.iter().find(|c| c.id == *id)) {
        let text = sentences(&[md(&c.summary), format!("Resolved: {}", md(&c.resolution))]);
        out.push_str(&format!("- [{}](README.md#contradiction-{}): {text}.\n", c.id, c.id));
    }
    Some(out)
}

/// The request in curl and in Rust.
fn usage(api: &Api, op: &Operation, rust: &str) -> Option<String> {
    let ex = snippet::example(op);
    let curl = ex.map(|ex| snippet::curl(api, op, ex)).unwrap_or_default();
    let mut out = "### Request\n\n".to_owned();
    if !curl.is_empty() {
        out.push_str(&fence("sh", &curl));
        out.push('\n');
    }
    out.push_str(&fence("rust", rust));
    Some(out)
}

fn examples(api: &Api, op: &Operation) -> Option<String> {
    if op.examples.is_empty() {
        return None;
    }
    let mut out = "### Examples\n".to_owned();
    for ex in &op.examples {
        let origin = match &ex.provenance {
            Some(Provenance::Documented { page }) => format!("the request is the documented example of <{page}>"),
            Some(Provenance::Inferred { reason }) => format!("inferred: {}", md(reason)),
            None => "written to fit the spec".to_owned(),
        };
        out.push_str(&format!("\n**{}** ({origin})\n\n", md(&ex.name)));
        out.push_str(&format!("`{} {}`\n\n", op.method, ex.path.as_deref().unwrap_or(&op.path)));
        if let Some(r) = &ex.request {
            out.push_str(&fence("json", &json(r)));
            out.push('\n');
        }
        if let Some(r) = &ex.response {
            out.push_str(&format!("Response `{}`:\n\n{}", op.example_status(ex), fence("json", &json(r))));
        }
    }
    let _ = api;
    Some(out)
}

fn model(api: &Api, m: &Model) -> String {
    let mut out = format!("<a id=\"{}\"></a>\n\n### {}\n\n{}", type_anchor(&m.name), m.name, md(&m.description));
    if let Some(n) = &m.note {
        out.push_str(&format!(" Note: {}.", md(n)));
    }
    out.push_str(&format!("\n\nProvenance: {}.\n\n", provenance(&m.provenance)));
    let rows = m.fields.iter().map(|f| field_row(api, f, f.required, &m.provenance)).chain(m.relations.iter().map(|r| {
        let mut row = field_row(api, r, false, &m.provenance);
        row[2] = format!("relation: `include={}`", r.wire);
        row
    }));
    out.push_str(&table(&["Field", "Type", "Presence", "Rules", "Description"], rows));
    out
}

fn enum_(e: &Enum) -> String {
    let values: Vec<String> = e.values.iter().map(|(w, _)| format!("`{w}`")).collect();
    let note = e.note.as_ref().map(|n| format!(" Note: {}.", md(n))).unwrap_or_default();
    format!(
        "<a id=\"{}\"></a>\n\n### {}\n\n{}{note}\n\nValues: {}. Responses tolerate values added later (`Open::Unknown` in Rust).\n\nProvenance: {}.\n",
        type_anchor(&e.name),
        e.name,
        md(&e.description),
        values.join(", "),
        provenance(&e.provenance)
    )
}
