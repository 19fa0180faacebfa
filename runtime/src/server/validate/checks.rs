//! What the rules test a value for: presence in Laravel's sense, equality with a literal,
//! duplicates, the string formats (email, URL, phone) and spec patterns.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use regex_lite::Regex;
use serde_json::Value;

use super::{Format, Lit};

/// Present in Laravel's sense of `required`: not missing, not null, not blank, not `[]`.
pub(super) fn filled(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

pub(super) fn lit_eq(lit: &Lit, v: &Value) -> bool {
    match (lit, v) {
        (Lit::Str(s), Value::String(x)) => s == x,
        (Lit::Int(i), Value::Number(x)) => x.as_i64() == Some(*i),
        (Lit::Num(n), Value::Number(x)) => x.as_f64() == Some(*n),
        (Lit::Bool(b), Value::Bool(x)) => b == x,
        _ => false,
    }
}

/// Whether two of `values` are equal, by a hash set of their canonical JSON text, so that a
/// long array costs linear time.
pub(super) fn has_duplicates<'v>(values: impl Iterator<Item = &'v Value>) -> bool {
    let mut seen = HashSet::new();
    values.map(canonical).any(|text| !seen.insert(text))
}

/// JSON text in which equal values are equal strings: object keys sorted (`Value` equality
/// ignores their order), numbers as serde_json writes them (1 and 1.0 differ, as in `Value`).
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, String)> = map.iter().map(|(k, v)| (k, canonical(v))).collect();
            entries.sort_unstable();
            let fields: Vec<String> = entries.into_iter().map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        scalar => scalar.to_string(),
    }
}

pub(super) fn format_ok(format: Format, s: &str) -> bool {
    match format {
        Format::Email => email_ok(s),
        Format::Url => url_ok(s),
        Format::Phone => phone_ok(s),
    }
}

pub(super) fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-');
    !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c == '@' || c.is_control())
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2)
}

pub(super) fn url_ok(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !host.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// ASCII digits with the usual separators, an optional leading `+`, 7 to 15 digits (E.164);
/// digits of other scripts are refused, so a phone has one spelling of each digit.
pub(super) fn phone_ok(s: &str) -> bool {
    let body = s.trim().strip_prefix('+').unwrap_or(s.trim());
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.')) && (7..=15).contains(&digits)
}

/// Matches with a compiled-once regex; a pattern that does not compile accepts everything
/// (the spec validator rejects such patterns before they get here).
pub(super) fn pattern_ok(pattern: &'static str, s: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    let regex = cache.entry(pattern).or_insert_with(|| Regex::new(pattern).ok());
    regex.as_ref().is_none_or(|r| r.is_match(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org"] {
            assert!(email_ok(ok), "{ok}");
        }
        for bad in ["a", "a@b", "@b.co", "a b@c.co", "a@b..co", "a@-b.co", "a@b.c"] {
            assert!(!email_ok(bad), "{bad}");
        }
        for ok in ["https://a.io", "http://localhost:8080/x?y#z", "HTTPS://user@a.io/p"] {
            assert!(url_ok(ok), "{ok}");
        }
        for bad in ["a.io", "ftp://a.io", "https://", "https://a b.io", "https:///x"] {
            assert!(!url_ok(bad), "{bad}");
        }
        for ok in ["+919999999999", "(555) 123-4567", "0044 20 7946 0958"] {
            assert!(phone_ok(ok), "{ok}");
        }
        for bad in ["123", "+91 99x", "++91999999999", "1234567890123456", "abc", "9199+99999999"] {
            assert!(!phone_ok(bad), "{bad}");
        }
        // Digits of other scripts are refused, not folded: full-width, Arabic-Indic, Devanagari.
        for other_script in ["+１５５５１２３４５６７", "+١٥٥٥١٢٣٤٥٦٧", "+१५५५१२३४५६७", "+1555１２３4567"] {
            assert!(!phone_ok(other_script), "{other_script}");
        }
    }

    #[test]
    fn duplicates_by_value() {
        use serde_json::json;
        let dup = |v: Value| has_duplicates(v.as_array().unwrap().iter());
        assert!(dup(json!([1, 2, 1])));
        assert!(!dup(json!([1, 1.0, "1"])), "as in Value equality, 1, 1.0 and \"1\" differ");
        assert!(dup(json!([{"a": 1, "b": [2]}, {"b": [2], "a": 1}])), "key order does not matter");
        assert!(!dup(json!([{"a": 1}, {"a": 2}, []])));
        let long: Vec<Value> = (0..100_000).map(Value::from).collect();
        assert!(!has_duplicates(long.iter()));
    }
}
