//! What `parse` makes of a file: the type of each scalar (YAML 1.1, as serde-saphyr resolves
//! it), mapping keys as text, and where every key and value was written.

use super::{parse, Kind, Node};
use crate::diag::{Diagnostics, FileId};

fn read(text: &str) -> Node {
    let mut diags = Diagnostics::default();
    let node = parse(FileId(0), text, &mut diags);
    assert!(!diags.has_errors(), "{text:?}: {:?}", diags.sorted());
    node.expect("a valid file gives a tree")
}

fn entries(node: &Node) -> Vec<(&str, &Node)> {
    match &node.kind {
        Kind::Map(entries) => entries.iter().map(|(k, v)| (k.name.as_str(), v)).collect(),
        other => panic!("expected a mapping, found {other:?}"),
    }
}

#[test]
fn scalars_get_their_yaml_types() {
    let doc = read("a: ~\nb: yes\nc: -7\nd: 1.5\ne: '1'\nf: text\ng: [1, off]\n");
    let kinds: Vec<&Kind> = entries(&doc).into_iter().map(|(_, v)| &v.kind).collect();
    assert_eq!(kinds[..6], [&Kind::Null, &Kind::Bool(true), &Kind::Int(-7), &Kind::Float(1.5), &Kind::Str("1".into()), &Kind::Str("text".into())]);
    let Kind::Seq(items) = kinds[6] else { panic!("g is a list") };
    assert_eq!(items.iter().map(|n| &n.kind).collect::<Vec<_>>(), [&Kind::Int(1), &Kind::Bool(false)]);
}

#[test]
fn keys_are_read_as_text() {
    let doc = read("200: a\ntrue: b\n~: c\nname: d\n");
    let keys: Vec<&str> = entries(&doc).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["200", "true", "null", "name"]);
}

#[test]
fn keys_and_values_keep_where_they_were_written() {
    let text = "top:\n  inner: value\n";
    let doc = read(text);
    let (_, top) = entries(&doc)[0];
    let Kind::Map(inner) = &top.kind else { panic!("top is a mapping") };
    let (key, value) = &inner[0];
    assert_eq!((key.loc.line, key.loc.col, &text[key.loc.start..key.loc.start + key.loc.len]), (2, 3, "inner"));
    assert_eq!((value.loc.line, value.loc.col, &text[value.loc.start..value.loc.start + value.loc.len]), (2, 10, "value"));
    assert_eq!(value.key_loc, Some(key.loc));
    assert_eq!(top.key_loc.map(|l| (l.line, l.col)), Some((1, 1)));
}

#[test]
fn a_syntax_error_is_reported_where_it_is() {
    let mut diags = Diagnostics::default();
    assert_eq!(parse(FileId(0), "a: 1\na: 2\n", &mut diags), None);
    let found = diags.sorted();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "invalid YAML: duplicate key `a`");
    assert_eq!(found[0].loc.map(|l| l.line), Some(2));
}
