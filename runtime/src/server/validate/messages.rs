//! The messages of validation errors: the spec's documented message for a rule, else the
//! Laravel-style default ("The firstname field is required.") with the field's label.

use serde_json::{Map, Value};

use super::checks::lit_eq;
use super::{Field, Format, Kind, Lit, Rule};

/// The requirement an absent value of a field fails.
#[derive(Clone, Copy)]
pub(super) enum Missing {
    /// `required`.
    Required,
    /// `required_with`, `required_without` or `required_if`.
    Rule(&'static Rule),
}

/// The first requirement `f` fails while absent, if any.
pub(super) fn missing(f: &Field, object: &Map<String, Value>, present: &dyn Fn(&str) -> bool) -> Option<Missing> {
    if f.required {
        return Some(Missing::Required);
    }
    let fails = |rule: &&Rule| match rule {
        Rule::RequiredWith(others) => others.iter().all(|o| present(o)),
        Rule::RequiredWithout(others) => !others.iter().any(|o| present(o)),
        Rule::RequiredIf(other, lit) => object.get(*other).is_some_and(|v| lit_eq(lit, v)),
        _ => false,
    };
    f.rules.iter().find(fails).map(Missing::Rule)
}

/// The message of a failed requirement of the field at `path`.
pub(super) fn missing_message(f: &Field, missing: Missing, path: &str) -> String {
    let l = label(path);
    match missing {
        Missing::Rule(Rule::RequiredWith(others)) => {
            let names = labels(others);
            say_required(f, "required_with", || format!("The {l} field is required when {names} is present."))
        }
        Missing::Rule(Rule::RequiredWithout(others)) => {
            let names = labels(others);
            say_required(f, "required_without", || format!("The {l} field is required when {names} is not present."))
        }
        Missing::Rule(Rule::RequiredIf(other, lit)) => {
            let (other, value) = (label(other), lit_text(lit));
            say_required(f, "required_if", || format!("The {l} field is required when {other} is {value}."))
        }
        Missing::Required | Missing::Rule(_) => say(f, "required", || format!("The {l} field is required.")),
    }
}

/// The documented message for `rule`, else the default.
pub(super) fn say(f: &Field, rule: &str, default: impl FnOnce() -> String) -> String {
    f.documented(rule).map_or_else(default, str::to_owned)
}

/// Like [`say`], falling back to the documented `required` message.
pub(super) fn say_required(f: &Field, rule: &str, default: impl FnOnce() -> String) -> String {
    f.documented(rule).or_else(|| f.documented("required")).map_or_else(default, str::to_owned)
}

pub(super) fn type_message(kind: &Kind, path: &str) -> String {
    let l = label(path);
    let what = match kind {
        Kind::String | Kind::Enum(_) => "must be a string",
        Kind::DateTime | Kind::Date => "must be a valid date",
        Kind::Integer => "must be an integer",
        Kind::Number => "must be a number",
        Kind::Boolean => "must be true or false",
        Kind::File => "must be a file",
        Kind::Object(_) | Kind::Map(_) => "must be an object",
        Kind::Array(_) => "must be an array",
        Kind::Json => "is invalid",
    };
    format!("The {l} field {what}.")
}

pub(super) fn format_message(format: Format, label: &str) -> String {
    match format {
        Format::Email => format!("The {label} field must be a valid email address."),
        Format::Url => format!("The {label} field must be a valid URL."),
        Format::Phone => format!("The {label} field must be a valid phone number."),
    }
}

/// A field name as Laravel writes it in messages: underscores become spaces.
pub(super) fn label(path: &str) -> String {
    path.replace('_', " ")
}

/// [`label`] written into a message when it is formatted, so that checking a rule that holds
/// allocates nothing.
pub(super) struct Label<'a>(pub &'a str);

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, part) in self.0.split('_').enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

pub(super) fn labels(names: &[&str]) -> String {
    names.iter().map(|n| label(n)).collect::<Vec<_>>().join(" / ")
}

pub(super) fn lit_text(lit: &Lit) -> String {
    match lit {
        Lit::Str(s) => (*s).to_owned(),
        Lit::Int(i) => i.to_string(),
        Lit::Num(n) => n.to_string(),
        Lit::Bool(b) => b.to_string(),
    }
}
