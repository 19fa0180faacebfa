//! Field rules: every field, parameter and detail gets a Rust name of its own, its type
//! resolves, and its rules fit its type and name fields that exist.

use std::collections::HashMap;

use super::{Cx, FORMATS, MESSAGE_RULES};
use crate::diag::{did_you_mean, Diagnostics, Loc};
use crate::ident;
use crate::spec::*;
use crate::yaml::{At, Entries, Kind};
/// Two wire names that become one Rust field name.
pub(super) fn check_field_idents(fields: &Entries<Field>, relations: Option<&Entries<Field>>, diags: &mut Diagnostics) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let all = fields.items.iter().chain(relations.into_iter().flat_map(|r| r.items.iter()));
    for (name, _) in all {
        if !name.value.chars().any(|c| c.is_ascii_alphanumeric()) {
            diags.error_help(
                name.loc,
                format!("`{}` has no ASCII letter or digit to make a Rust field name from", name.value),
                "wire names of fields and parameters need at least one letter or digit",
            );
            continue;
        }
        let id = ident::field(&name.value);
        if let Some(other) = seen.insert(id.clone(), &name.value) {
            if other == name.value {
                diags.error(name.loc, format!("`{}` is declared twice", name.value));
            } else {
                diags.error_help(name.loc, format!("`{}` and `{other}` both become the Rust field `{id}`", name.value), "rename one of them");
            }
        }
    }
}

pub(super) fn check_type_ref(ty: &At<TypeRef>, cx: &Cx<'_>, diags: &mut Diagnostics) {
    if let TypeRef::Named(n) = ty.value.leaf()
        && cx.unresolved(&ty.value) && cx.complete {
            let help = did_you_mean(n, cx.type_names()).unwrap_or_else(|| "declare it under `models` or `enums` of a resource file".into());
            diags.error_help(ty.loc, format!("unknown model or enum `{n}`"), help);
        }
}

/// Rules must fit the field's type, and every reference must resolve.
pub(super) fn check_field_rules(what: &str, name: &str, f: &Field, siblings: &Entries<Field>, cx: &Cx<'_>, diags: &mut Diagnostics) {
    check_type_ref(&f.ty, cx, diags);
    check_rule_types(what, name, f, diags);
    check_rule_values(name, f, diags);
    if cx.complete {
        check_references(name, f, siblings, cx, diags);
    }
    check_enum_values(f, cx, diags);
    check_default(name, f, diags);
    check_messages(name, f, cx, diags);
}

/// Each rule applies to the field's type: lengths and formats to strings, bounds to numbers,
/// item rules to arrays, sizes and extensions to files.
fn check_rule_types(what: &str, name: &str, f: &Field, diags: &mut Diagnostics) {
    fn loc<T>(rule: &Option<At<T>>) -> Option<Loc> {
        rule.as_ref().map(|a| a.loc)
    }
    let ty = &f.ty.value;
    let leaf = ty.leaf();
    let (string, array, file) = (ty.is_string_like(), matches!(ty, TypeRef::Array(_)), leaf == &TypeRef::File);
    let rules = [
        ("max_length", loc(&f.max_length), string, "strings"),
        ("min_length", loc(&f.min_length), string, "strings"),
        ("format", loc(&f.format), leaf.is_string_like(), "strings"),
        ("pattern", loc(&f.pattern), leaf.is_string_like(), "strings"),
        ("min", loc(&f.min), leaf.is_numeric(), "integers and numbers"),
        ("max", loc(&f.max), leaf.is_numeric(), "integers and numbers"),
        ("min_items", loc(&f.min_items), array, "arrays"),
        ("max_items", loc(&f.max_items), array, "arrays"),
        ("unique_items", loc(&f.unique_items), array, "arrays"),
        ("unique_by", loc(&f.unique_by), array, "arrays"),
        ("per_item_errors", loc(&f.per_item_errors), matches!(ty, TypeRef::Array(item) if matches!(**item, TypeRef::Named(_))), "arrays of models"),
        ("max_size", loc(&f.max_size), file, "files"),
        ("extensions", loc(&f.extensions), file, "files"),
    ];
    for (rule, loc, fits, kind) in rules {
        if let Some(loc) = loc.filter(|_| !fits) {
            diags.error_help(loc, format!("rule `{rule}` does not fit {what} `{name}` of type `{ty}`"), format!("`{rule}` applies to {kind}"));
        }
    }
}

/// The values of the rules: a known format, a pattern that compiles, bounds in order, counts
/// and sizes of at least 0, and a `required_if` that compares with a scalar.
fn check_rule_values(name: &str, f: &Field, diags: &mut Diagnostics) {
    if let Some(fmt) = &f.format
        && !FORMATS.contains(&fmt.value.as_str())
    {
        let help = did_you_mean(&fmt.value, FORMATS.iter().copied()).unwrap_or_else(|| format!("use one of: {}", FORMATS.join(", ")));
        diags.error_help(fmt.loc, format!("unknown format `{}`", fmt.value), help);
    }
    if let Some(p) = &f.pattern
        && let Err(e) = regex_lite::Regex::new(&p.value)
    {
        diags.error(p.loc, format!("pattern does not compile: {e}"));
    }
    if let (Some(min), Some(max)) = (&f.min, &f.max)
        && min.value > max.value
    {
        diags.error(min.loc, format!("`min` {} is greater than `max` {} on `{name}`", min.value, max.value));
    }
    if let (Some(min), Some(max)) = (&f.min_length, &f.max_length)
        && min.value > max.value
    {
        diags.error(min.loc, format!("`min_length` {} is greater than `max_length` {} on `{name}`", min.value, max.value));
    }
    let counts = [("max_length", &f.max_length), ("min_length", &f.min_length), ("min_items", &f.min_items), ("max_items", &f.max_items), ("max_size", &f.max_size)];
    for (rule, v) in counts {
        if let Some(v) = v.as_ref().filter(|v| v.value < 0) {
            diags.error_help(v.loc, format!("`{rule}` of `{name}` is {}", v.value), "counts and sizes are 0 or more");
        }
    }
    if let Some(ri) = &f.required_if
        && !matches!(ri.equals.kind, Kind::Str(_) | Kind::Int(_) | Kind::Float(_) | Kind::Bool(_))
    {
        diags.error_help(ri.equals.loc, format!("`required_if` of `{name}` compares with {}", ri.equals.type_name()), "compare with a string, a number or a boolean");
    }
}

/// `required_with`, `required_without` and `required_if` name sibling fields; `unique_by`
/// names a field of the item model.
fn check_references(name: &str, f: &Field, siblings: &Entries<Field>, cx: &Cx<'_>, diags: &mut Diagnostics) {
    for other in f.required_with.iter().chain(&f.required_without).chain(f.required_if.as_ref().map(|ri| &ri.field)) {
        check_sibling(other, name, siblings, diags);
    }
    let ty = &f.ty.value;
    if let Some(by) = f.unique_by.as_ref().filter(|_| !cx.unresolved(ty)) {
        match cx.leaf_model(ty) {
            Some((mname, m)) if m.fields.get(&by.value).is_none() => {
                diags.error(by.loc, format!("`unique_by: {}` is not a field of `{mname}`", by.value));
            }
            None if matches!(ty, TypeRef::Array(_)) => diags.error(by.loc, "`unique_by` needs an array of models"),
            _ => {}
        }
    }
}

/// The default and the example of an enum field are values of the enum.
fn check_enum_values(f: &Field, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let TypeRef::Named(e) = f.ty.value.leaf() else { return };
    let Some(def) = cx.enums.get(e.as_str()) else { return };
    for node in f.default.iter().chain(f.example.iter()) {
        if let Kind::Str(s) = &node.kind
            && !def.values.iter().any(|v| &v.value == s)
        {
            let values: Vec<&str> = def.values.iter().map(|v| v.value.as_str()).collect();
            let help = did_you_mean(s, values.iter().copied()).unwrap_or_else(|| format!("the values of `{e}` are: {}", values.join(", ")));
            diags.error_help(node.loc, format!("`{s}` is not a value of enum `{e}`"), help);
        }
    }
}

/// The default fits the field's type.
fn check_default(name: &str, f: &Field, diags: &mut Diagnostics) {
    let Some(d) = &f.default else { return };
    let (ty, leaf) = (&f.ty.value, f.ty.value.leaf());
    let fits = match (&d.kind, leaf) {
        (Kind::Null, _) => f.nullable,
        (Kind::Int(_), TypeRef::Integer | TypeRef::Number) => true,
        (Kind::Float(_), TypeRef::Number) => true,
        (Kind::Bool(_), TypeRef::Boolean) => true,
        (Kind::Str(_), t) => t.is_string_like() || matches!(t, TypeRef::Named(_)),
        (_, TypeRef::Json) => true,
        (Kind::Seq(_), _) => matches!(ty, TypeRef::Array(_)),
        _ => false,
    };
    if !fits {
        diags.error(d.loc, format!("default of `{name}` is {}, which does not fit type `{ty}`", d.type_name()));
    }
}

/// Every message names a rule the field has.
fn check_messages(name: &str, f: &Field, cx: &Cx<'_>, diags: &mut Diagnostics) {
    for (rule, _) in f.messages.iter() {
        if !MESSAGE_RULES.contains(&rule.value.as_str()) {
            let help = did_you_mean(&rule.value, MESSAGE_RULES.iter().copied()).unwrap_or_else(|| format!("message keys are rule names: {}", MESSAGE_RULES.join(", ")));
            diags.error_help(rule.loc, format!("unknown rule `{}` in messages of `{name}`", rule.value), help);
        } else if !rule_present(&rule.value, f, cx) {
            diags.error_help(rule.loc, format!("message for rule `{}`, which `{name}` does not have", rule.value), format!("add the `{}` rule to the field, or remove the message", rule.value));
        }
    }
}

fn rule_present(rule: &str, f: &Field, cx: &Cx<'_>) -> bool {
    match rule {
        "required" => f.required.as_ref().is_some_and(|r| r.value) || !f.required_without.is_empty() || !f.required_with.is_empty() || f.required_if.is_some(),
        "max_length" => f.max_length.is_some(),
        "min_length" => f.min_length.is_some(),
        "min" => f.min.is_some(),
        "max" => f.max.is_some(),
        "min_items" => f.min_items.is_some(),
        "max_items" => f.max_items.is_some(),
        "unique_items" => f.unique_items.is_some() || f.unique_by.is_some(),
        "format" => f.format.is_some(),
        "pattern" => f.pattern.is_some(),
        "enum" => matches!(f.ty.value.leaf(), TypeRef::Named(n) if cx.enums.contains_key(n.as_str())),
        "type" => true,
        "unique" => f.unique.is_some(),
        "exists" => f.exists.is_some(),
        "rule" => f.rule.is_some(),
        "required_with" => !f.required_with.is_empty(),
        "required_without" => !f.required_without.is_empty(),
        "required_if" => f.required_if.is_some(),
        "max_size" => f.max_size.is_some(),
        "extensions" => f.extensions.is_some(),
        _ => false,
    }
}

fn check_sibling(other: &At<String>, name: &str, siblings: &Entries<Field>, diags: &mut Diagnostics) {
    if siblings.get(&other.value).is_none() {
        let help = did_you_mean(&other.value, siblings.keys()).unwrap_or_else(|| "name another field of the same body".into());
        diags.error_help(other.loc, format!("`{name}` refers to `{}`, which is not a sibling field", other.value), help);
    }
}
