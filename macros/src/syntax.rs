//! The small wire grammars and naming rules the derives check, in one place and tested by
//! tables: include names, scope strings, operation ids, path templates, serde `rename_all`.

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};

/// One piece of a path template: literal text or a `{param}`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Literal(&'a str),
    Param(&'a str),
}

/// The enum variant for an include wire name, or `None` if the name cannot become one.
pub(crate) fn include_variant(wire: &str) -> Option<String> {
    let mut chars = wire.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let variant = wire.to_upper_camel_case();
    (starts_with_letter && rest_ok && variant != "Self").then_some(variant)
}

/// `resource:action`, both lowercase words of `a-z`, `0-9` and `_` starting with a letter.
pub(crate) fn is_scope_string(scope: &str) -> bool {
    let word = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    scope
        .split_once(':')
        .is_some_and(|(resource, action)| word(resource) && word(action))
}

/// A plausible scope string for a variant name: `ContactsRead` gives `contacts:read`.
pub(crate) fn scope_guess(variant: &str) -> String {
    let snake = variant.to_snake_case();
    match snake.rsplit_once('_') {
        Some((resource, action)) => format!("{resource}:{action}"),
        None => format!("{snake}:read"),
    }
}

/// Lowercase snake_case: `get_contact`, `list_groups2`.
pub(crate) fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('_')
        && !id.contains("__")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The snake_case spelling of an id, for "did you mean" hints.
pub(crate) fn to_snake_case(id: &str) -> String {
    id.to_snake_case()
}

/// Splits a path template into literal text and `{param}`s.
pub(crate) fn parse_template(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let brace = rest.find(['{', '}']).unwrap_or(rest.len());
        if brace > 0 {
            pieces.push(Piece::Literal(&rest[..brace]));
        }
        rest = &rest[brace..];
        if rest.starts_with('}') {
            return Err("`}` without a matching `{`".to_owned());
        }
        if let Some(after) = rest.strip_prefix('{') {
            let close = after.find('}').ok_or("`{` without a matching `}`")?;
            let name = &after[..close];
            if !is_param_name(name) {
                return Err(format!(
                    "`{{{name}}}` is not a parameter; write `{{name}}` with a snake_case field name"
                ));
            }
            pieces.push(Piece::Param(name));
            rest = &after[close + 1..];
        }
    }
    Ok(pieces)
}

fn is_param_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A field's wire name under serde's container `rename_all` rule, or `None` for a rule serde
/// does not know (serde's own derive reports that).
pub(crate) fn apply_rename_all(rule: &str, field: &str) -> Option<String> {
    let pascal: String = field.split('_').map(capitalize).collect();
    Some(match rule {
        "lowercase" | "snake_case" => field.to_owned(),
        "UPPERCASE" | "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "PascalCase" => pascal,
        "camelCase" => lowercase_first(&pascal),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.replace('_', "-").to_ascii_uppercase(),
        _ => return None,
    })
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn lowercase_first(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_variants() {
        let cases = [
            ("groups", Some("Groups")),
            ("source_id", Some("SourceId")),
            ("contact.groups", Some("ContactGroups")),
            ("lead-source", Some("LeadSource")),
            ("2fa", None),
            ("", None),
            ("a b", None),
            ("self", None),
        ];
        for (wire, variant) in cases {
            assert_eq!(include_variant(wire).as_deref(), variant, "wire {wire:?}");
        }
    }

    #[test]
    fn scope_strings() {
        let valid = [
            "contacts:read",
            "messages:send",
            "account:read",
            "otp_codes:verify2",
        ];
        let invalid = [
            "contacts",
            "Contacts:read",
            "contacts:Read",
            "contacts:",
            ":read",
            "a:b:c",
            "contacts read",
            "1x:read",
        ];
        assert!(valid.iter().all(|s| is_scope_string(s)));
        assert!(invalid.iter().all(|s| !is_scope_string(s)), "{invalid:?}");
    }

    #[test]
    fn scope_guesses() {
        assert_eq!(scope_guess("ContactsRead"), "contacts:read");
        assert_eq!(scope_guess("MessagesSend"), "messages:send");
        assert_eq!(scope_guess("Account"), "account:read");
    }

    #[test]
    fn snake_case_ids() {
        let valid = ["get_contact", "list_groups2", "send_otp"];
        let invalid = [
            "GetContact",
            "getContact",
            "get-contact",
            "_get",
            "get_",
            "get__contact",
            "2get",
            "",
        ];
        assert!(valid.iter().all(|s| is_snake_case(s)));
        assert!(invalid.iter().all(|s| !is_snake_case(s)), "{invalid:?}");
        assert_eq!(to_snake_case("GetContact"), "get_contact");
    }

    #[test]
    fn templates() {
        use Piece::{Literal, Param};
        assert_eq!(parse_template("/contacts"), Ok(vec![Literal("/contacts")]));
        assert_eq!(
            parse_template("/groups/{group_id}/contacts/{id}"),
            Ok(vec![
                Literal("/groups/"),
                Param("group_id"),
                Literal("/contacts/"),
                Param("id")
            ])
        );
        assert_eq!(
            parse_template("/a/{id}.json"),
            Ok(vec![Literal("/a/"), Param("id"), Literal(".json")])
        );
        for bad in [
            "/a/{id",
            "/a/id}",
            "/a/{}",
            "/a/{Id}",
            "/a/{a b}",
            "/a/{{id}}",
        ] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rename_all_rules() {
        let cases = [
            ("camelCase", "lead_source", "leadSource"),
            ("PascalCase", "lead_source", "LeadSource"),
            ("kebab-case", "lead_source", "lead-source"),
            ("SCREAMING_SNAKE_CASE", "lead_source", "LEAD_SOURCE"),
            ("SCREAMING-KEBAB-CASE", "lead_source", "LEAD-SOURCE"),
            ("snake_case", "lead_source", "lead_source"),
            ("lowercase", "lead_source", "lead_source"),
            ("UPPERCASE", "groups", "GROUPS"),
        ];
        for (rule, field, wire) in cases {
            assert_eq!(
                apply_rename_all(rule, field).as_deref(),
                Some(wire),
                "{rule}"
            );
        }
        assert_eq!(apply_rename_all("Train-Case", "a"), None);
    }
}
