//! Tests of the docs emitter on the real spec: every operation is on the index and on its
//! page with all its parts, the snippets are Rust, the output is deterministic.

use std::path::Path;

use super::*;

fn api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    crate::check(&dir).unwrap_or_else(|f| panic!("{}", f.render()))
}

fn file<'a>(out: &'a [Output], path: &str) -> &'a str {
    &out.iter().find(|o| o.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

#[test]
fn outputs_are_deterministic_and_complete() {
    let api = api();
    let out = emit(&api);
    assert_eq!(out, emit(&api));
    let mut paths: Vec<&str> = out.iter().map(|o| o.path.as_str()).collect();
    paths.sort();
    let mut want = vec![
        "generated/docs/README.md".to_owned(),
        snippet::TEST_PATH.to_owned(),
        examples::PATH.to_owned(),
    ];
    want.extend(api.groups.iter().map(|g| format!("generated/docs/{}.md", g.name)));
    want.push("generated/docs/events.md".to_owned());
    want.sort();
    assert_eq!(paths, want);
}

#[test]
fn every_event_has_its_section() {
    let api = api();
    let out = emit(&api);
    let page = file(&out, "generated/docs/events.md");
    let events = api.events.as_ref().expect("the spec has events");
    assert!(!events.events.is_empty());
    for e in &events.events {
        assert!(page.contains(&format!("\n### {}\n", e.wire)), "{} has no section", e.wire);
        assert!(page.contains(&format!("`WebhookReceiver::{}`", e.method)), "{} names no receiver method", e.wire);
    }
    for header in ["webhook-id", "webhook-timestamp", "webhook-signature", "## Verifying a delivery", "## Payload"] {
        assert!(page.contains(header), "the page lacks {header}");
    }
    assert!(file(&out, "generated/docs/README.md").contains("(events.md)"), "the index links the events page");
}

#[test]
fn every_operation_is_indexed_and_documented() {
    let api = api();
    let out = emit(&api);
    let index = file(&out, "generated/docs/README.md");
    for op in api.operations() {
        let page = file(&out, &format!("generated/docs/{}.md", op.group));
        assert!(index.contains(&format!("{}#{})", super::page(&op.group), op.id)), "{} is not on the index", op.id);
        assert!(page.contains(&format!("<a id=\"{}\"></a>", op.id)), "{} has no anchor", op.id);
        let section = &page[page.find(&format!("<a id=\"{}\"></a>", op.id)).unwrap()..];
        let section = &section[..section[1..].find("<a id=").map_or(section.len(), |i| i + 1)];
        for part in ["### Errors", "### Request", "```rust", &format!("pub async fn {}(", op.id), "Provenance: "] {
            assert!(section.contains(part), "{}: no `{part}`", op.id);
        }
        if !op.examples.is_empty() {
            assert!(section.contains("### Examples"), "{}: no examples", op.id);
        }
    }
    for code in api.errors.iter().map(|e| &e.code) {
        assert!(index.contains(&format!("<a id=\"error-{}\"></a>", code.to_lowercase())));
    }
    for c in &api.contradictions {
        assert!(index.contains(&format!("<a id=\"contradiction-{}\"></a>", c.id)));
    }
}

#[test]
fn snippets_and_tests_are_rust() {
    let api = api();
    for (op, s) in api.operations().zip(snippet::all(&api)) {
        let text = s.parse().text();
        assert!(text.contains(&format!("client.{}()", crate::ident::field(&op.group))), "{text}");
    }
    let out = emit(&api);
    for path in [snippet::TEST_PATH, examples::PATH] {
        syn::parse_file(file(&out, path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let tests = file(&out, examples::PATH).matches("#[test]").count();
    assert_eq!(tests, api.operations().map(|op| op.examples.len()).sum::<usize>());
}

#[test]
fn markdown_escapes_prose_not_code() {
    assert_eq!(md("a <b> | [c] *d*\n e"), r"a &lt;b&gt; \| \[c\] \*d\* e");
    assert_eq!(md("keep `filter[type][like]` and `<x>`"), "keep `filter[type][like]` and `<x>`");
    assert_eq!(code("a|b"), r"`a\|b`");
}
