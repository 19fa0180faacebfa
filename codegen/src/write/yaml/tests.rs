//! The YAML writer against serde-saphyr's serializer: the real OpenAPI document, tricky
//! scalars, and random trees must come out byte for byte the same.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::Yaml;

fn saphyr(value: &Value) -> String {
    serde_saphyr::to_string(value).expect("serde-saphyr serialises JSON")
}

fn to_string(value: &Value) -> String {
    super::to_string(&Yaml::from_json(value))
}

#[test]
fn the_openapi_document_is_written_as_serde_saphyr_writes_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let api = crate::check(&dir).expect("the real spec validates");
    let doc = crate::emit::openapi::document(&api);
    assert_eq!(to_string(&doc), saphyr(&doc));
}

#[test]
fn tricky_scalars_are_written_as_serde_saphyr_writes_them() {
    let words = [
        "", " ", "a", "-", "--- x", "...", "#", ".", "- a", "-a", "?", "? a", "a: b", "a:", "a:b", "a #b", "a#b", "~", "null", "Null",
        "TRUE", "yes", "No", "off", "y", "=", "<<", "1", "-1", "+1", "1.5", ".5", "1e5", "1_000", "0x1F", "0b1_", "0o7", "1:30", "01:30", "1:ab", "1:60", "1:5:9",
        "190:20:30.15", "2024-01-02", "2024-1-2 3:04:05 +01:00", "2024-01-02T03:04:05.5Z", ".inf", "-.NaN", "nan", "'q'", "\"q\"", "[a]",
        "{a}", "a, b", "*a", "&a", "!a", "|a", "a|", ">a", "%a", "@a", "`a", "a\tb", "a\nb", "a\n", "\n", "\n\n", "a\n\n", " a\nb", "\na\n  b",
        "a\r\nb", "\u{85}", "\u{2028}", "\u{FEFF}a", "\u{1b}", "\u{7f}", "\u{9f}", "\u{FFFE}", "é", "日本", "a\\b",
    ];
    let long = [
        "word ".repeat(30),
        format!("{} trailing   ", "x".repeat(90)),
        "a".repeat(120),
        format!("{}  {}", "b".repeat(79), "c".repeat(10)),
        format!("{} \t{} {}", "d".repeat(70), "e".repeat(20), "f".repeat(5)),
        format!("key: {}", "g ".repeat(50)),
        "é ".repeat(60),
        "ab  ".repeat(30),
        "ab   cd ".repeat(15),
    ];
    let all: Vec<String> = words.iter().map(|w| w.to_string()).chain(long).collect();
    let values: Vec<Value> = all.iter().map(|w| json!(w)).chain([json!(1.5), json!(-0.0), json!(1e300), json!(u64::MAX), json!(i64::MIN)]).collect();
    let doc = json!({
        "map": all.iter().map(|w| (w.clone(), json!(w))).collect::<serde_json::Map<_, _>>(),
        "seq": values,
        "nested": [[values.clone(), {}], [[]], {"a": [], "b": {}, "c": [{"d": values}]}],
    });
    assert_eq!(to_string(&doc), saphyr(&doc));
    for v in doc["seq"].as_array().unwrap() {
        assert_eq!(to_string(v), saphyr(v), "{v:?} at the root");
    }
}

/// Strings from characters that matter to YAML, sometimes long enough to fold.
fn text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a", "b", " ", "  ", "\n", ":", ": ", "#", " #", "-", "- ", "?", "'", "\"", "\t", "\r", "é", "\u{85}", "\u{2028}", "1", "0x", ".", "_",
        "e", "y", "~", "[", ",", "{", "*", "&", "!", "|", ">", "%", "@", "`", "\u{FEFF}", "\0", "T", "Z", "+", "2024-01-02", "null", "word ",
        "longerword ",
    ]);
    prop_oneof![
        prop::collection::vec(piece.clone(), 0..6).prop_map(|p| p.concat()),
        prop::collection::vec(piece, 10..60).prop_map(|p| p.concat()),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn random_trees_are_written_as_serde_saphyr_writes_them(doc in tree()) {
        prop_assert_eq!(to_string(&doc), saphyr(&doc));
    }
}
