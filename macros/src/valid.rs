//! The checks: one function per rule, each recording an error on the attribute or field at
//! fault with a message that says how to fix it. Stage 2 of parse → check → expand.

use std::collections::BTreeMap;

use quote::{ToTokens, quote};
use syn::{GenericArgument, LitStr, PathArguments, Type};

use crate::ast::{Field, LeanStruct, Operation, Relation, Resource, Scope, WireEnum};
use crate::attr::ScopeSpec;
use crate::ctxt::Errors;
use crate::syntax::{self, Piece};

/// The most values an include or scope enum may have (the runtime sets are 64-bit).
const MAX_VALUES: usize = 64;
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
/// The longest field tuple `wacr_runtime::__private::{ser, de}` implement.
const MAX_LEAN_FIELDS: usize = 32;

pub(crate) fn resource(errors: &Errors, resource: &Resource) {
    for field in resource
        .fields
        .iter()
        .filter(|field| field.include.is_some())
    {
        // Advice about `Option::is_none` only makes sense once the field is an Option.
        if check_relation_is_option(errors, field) {
            check_skip_serializing_if(errors, field);
        }
        check_include_name(errors, resource, field);
    }
    let relations = resource.relations();
    check_unique_includes(errors, &relations);
    check_include_enum_name(errors, resource);
    if relations.len() > MAX_VALUES {
        let message = format!(
            "a resource can have at most {MAX_VALUES} #[include] fields; found {}",
            relations.len()
        );
        errors.spanned(&resource.original.ident, message);
    }
}

pub(crate) fn scope(errors: &Errors, scope: &Scope) {
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for variant in &scope.variants {
        let ident = &variant.original.ident;
        if !variant.original.fields.is_empty() {
            let message =
                format!("scope variant `{ident}` must be a unit variant; remove its fields");
            errors.spanned(&variant.original.fields, message);
        }
        let Some(lit) = &variant.scope else {
            if variant.has_scope_attr {
                continue; // malformed, already reported
            }
            let guess = syntax::scope_guess(&ident.to_string());
            let message = format!(
                "variant `{ident}` has no scope string; add #[scope(\"{guess}\")] above it"
            );
            errors.spanned(ident, message);
            continue;
        };
        let value = lit.value();
        if !syntax::is_scope_string(&value) {
            let message = format!(
                "malformed scope \"{value}\"; a scope is `resource:action` in lowercase, like \"contacts:read\""
            );
            errors.spanned(lit, message);
        } else if let Some(first) = earlier(&mut seen, value.clone(), ident) {
            let message = format!(
                "duplicate scope \"{value}\": variant `{first}` already has it; give each variant its own scope"
            );
            errors.spanned(lit, message);
        }
    }
    if scope.variants.len() > MAX_VALUES {
        let message = format!(
            "a scope enum can have at most {MAX_VALUES} variants; found {}",
            scope.variants.len()
        );
        errors.spanned(&scope.original.ident, message);
    }
}

pub(crate) fn operation(errors: &Errors, operation: &Operation) {
    let Some(attr) = operation.attrs.original else {
        let message = "#[derive(Operation)] needs an #[operation(id = \"...\", method = GET, \
                       path = \"/...\", scope = Scope::Variant, status = 200)] attribute";
        errors.spanned(&operation.original.ident, message);
        return;
    };
    check_required_keys(errors, operation, attr);
    // In the order the keys are usually written, so the messages read top to bottom.
    check_id(errors, operation);
    check_method(errors, operation);
    let params = check_path(errors, operation);
    if let Some(params) = params.filter(|_| operation.is_struct()) {
        check_path_params(errors, operation, &params);
    }
    check_scope(errors, operation);
    check_status(errors, operation);
    check_exchange(errors, operation, attr);
    for field in operation
        .path_fields()
        .filter(|field| field.original.ident.is_none())
    {
        errors.spanned(
            field.path_param,
            "#[path_param] needs a named field: the name is the `{param}` it fills",
        );
    }
}

pub(crate) fn wire_enum(errors: &Errors, wire: &WireEnum) {
    check_no_generics(errors, wire.original, "WireEnum");
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for variant in &wire.variants {
        let ident = &variant.original.ident;
        if !variant.original.fields.is_empty() {
            let message = format!("wire enum variant `{ident}` must be a unit variant; remove its fields");
            errors.spanned(&variant.original.fields, message);
        }
        let attr = &variant.attr;
        let Some(lit) = &attr.wire else {
            // An error variant without an attribute takes its code and status from the code
            // enum's variant of the same name.
            if attr.original.is_none() && wire.attrs.code.is_none() {
                let guess = syntax::to_snake_case(&ident.to_string());
                errors.spanned(ident, format!("variant `{ident}` has no wire value; add #[wire(\"{guess}\")] above it"));
            }
            continue; // malformed attributes are already reported
        };
        if let Some(first) = earlier(&mut seen, lit.value(), ident) {
            let message = format!("duplicate wire value \"{}\": variant `{first}` already has it", lit.value());
            errors.spanned(lit, message);
        }
        check_wire_status(errors, wire, variant.original, attr);
    }
}

/// An error enum (`#[wire(code = ...)]`) gives every variant its HTTP status; others give none.
fn check_wire_status(errors: &Errors, wire: &WireEnum, variant: &syn::Variant, attr: &crate::attr::WireVariantAttr) {
    let ident = &variant.ident;
    match (&wire.attrs.code, &attr.status) {
        (Some(_), None) => {
            let value = attr.wire.as_ref().map(LitStr::value).unwrap_or_default();
            let message = format!("variant `{ident}` of an error enum needs its HTTP status, like #[wire(\"{value}\", status = 404)]");
            errors.spanned(attr.original, message);
        }
        (Some(_), Some(status)) => {
            if !status.base10_parse::<u16>().is_ok_and(|s| (100..=599).contains(&s)) {
                errors.spanned(status, "the status must be an HTTP status code between 100 and 599");
            }
        }
        (None, Some(status)) => {
            errors.spanned(status, "`status` is for error enums: add #[wire(code = ErrorCode)] to the enum, or remove it");
        }
        (None, None) => {}
    }
}

pub(crate) fn lean_struct(errors: &Errors, lean: &LeanStruct) {
    let derive = lean.direction.derive();
    check_no_generics(errors, lean.original, derive);
    if let Some(rule) = &lean.serde.rename_all
        && syntax::apply_rename_all(&rule.value(), "a").is_none()
    {
        errors.spanned(rule, format!("unknown rename_all rule \"{}\"", rule.value()));
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut count = 0;
    for (field, wire) in lean.wire_fields() {
        count += 1;
        let name = field.ident().to_string();
        if let Some(first) = seen.get(&wire) {
            let message = format!("field `{name}` has the name \"{wire}\" on the wire, as field `{first}` has; rename one of them");
            errors.spanned(&field.original.ident, message);
        } else {
            seen.insert(wire, name);
        }
    }
    if count > MAX_LEAN_FIELDS {
        let message = format!("#[derive({derive})] of wacr_macros takes at most {MAX_LEAN_FIELDS} fields; found {count} (derive serde::{derive} instead)");
        errors.spanned(&lean.original.ident, message);
    }
}

/// The lean derives implement for the bare type; generic types need serde's own derives.
fn check_no_generics(errors: &Errors, input: &syn::DeriveInput, derive: &str) {
    if !input.generics.params.is_empty() {
        let message = format!("#[derive({derive})] does not support generic types; implement the traits by hand");
        errors.spanned(&input.generics, message);
    }
}

/// Whether the relation is an Option; records an error if not.
fn check_relation_is_option(errors: &Errors, field: &Field) -> bool {
    let ty = &field.original.ty;
    let option = is_option(ty);
    if !option {
        let message = format!(
            "#[include] field `{}` must be an Option, so the relation can be absent when it was not requested; \
             change its type to `Option<{}>`",
            field.name(),
            type_text(ty),
        );
        errors.spanned(ty, message);
    }
    option
}

fn check_skip_serializing_if(errors: &Errors, field: &Field) {
    let name = field.name();
    match &field.serde.skip_if {
        None => {
            let include = field.include.as_ref().map(|include| include.original);
            let message = format!(
                "#[include] field `{name}` must be absent from the JSON, not null, when it was not requested; \
                 add #[serde(skip_serializing_if = \"Option::is_none\")] to it"
            );
            errors.spanned(include, message);
        }
        Some(lit) if !is_option_is_none(lit) => {
            let message = format!(
                "#[include] field `{name}` must use skip_serializing_if = \"Option::is_none\", so it is \
                 absent exactly when it was not loaded; found \"{}\"",
                lit.value(),
            );
            errors.spanned(lit, message);
        }
        Some(_) => {}
    }
}

fn check_include_name(errors: &Errors, resource: &Resource, field: &Field) {
    let wire = resource.wire_name(field);
    if syntax::include_variant(&wire).is_some() {
        return;
    }
    let message = if wire.eq_ignore_ascii_case("self") {
        format!(
            "include name `{wire}` would become the reserved variant name `Self`; rename it with #[include(rename = \"...\")]"
        )
    } else {
        format!(
            "include name `{wire}` cannot become an enum variant; use a name that starts with a letter and has only \
             letters, digits, `_`, `-` or `.`, set with #[include(rename = \"...\")]"
        )
    };
    errors.spanned(relation_span(field), message);
}

fn check_unique_includes(errors: &Errors, relations: &[Relation]) {
    let mut wires: BTreeMap<String, &Relation> = BTreeMap::new();
    let mut variants: BTreeMap<String, &Relation> = BTreeMap::new();
    for relation in relations {
        let at = relation_span(relation.field);
        if let Some(first) = earlier(&mut wires, relation.wire.to_ascii_lowercase(), relation) {
            let message = format!(
                "duplicate include name `{}`: field `{}` already uses it (include names match case-insensitively); \
                 give one of them another name with #[include(rename = \"...\")]",
                relation.wire,
                first.field.name(),
            );
            errors.spanned(at, message);
        } else if let Some(first) = earlier(&mut variants, relation.variant.to_string(), relation) {
            let message = format!(
                "include names `{}` and `{}` both become the variant `{}`; rename one with #[include(rename = \"...\")]",
                first.wire, relation.wire, relation.variant,
            );
            errors.spanned(at, message);
        }
    }
}

fn check_include_enum_name(errors: &Errors, resource: &Resource) {
    let Some(name) = &resource.attrs.include_enum else {
        return;
    };
    if *name == resource.original.ident {
        let message = format!(
            "the include enum cannot share the struct's name `{name}`; pick another, like `{name}Include`"
        );
        errors.spanned(name, message);
    }
}

fn check_required_keys(errors: &Errors, operation: &Operation, attr: &syn::Attribute) {
    let required = [
        ("id", "id = \"get_contact\""),
        ("method", "method = GET"),
        ("path", "path = \"/contacts/{id}\""),
        (
            "scope",
            "scope = Scope::ContactsRead, or scope = none(Scope) for an operation that needs no scope",
        ),
        ("status", "status = 200"),
    ];
    for (key, example) in required {
        if !operation.attrs.keys.iter().any(|written| written == key) {
            errors.spanned(
                attr,
                format!("missing `{key}` in #[operation(...)]; add {example}"),
            );
        }
    }
}

fn check_id(errors: &Errors, operation: &Operation) {
    let Some(lit) = &operation.attrs.id else {
        return;
    };
    let id = lit.value();
    if syntax::is_snake_case(&id) {
        return;
    }
    let suggestion = syntax::to_snake_case(&id);
    let hint = if syntax::is_snake_case(&suggestion) {
        format!("write \"{suggestion}\"")
    } else {
        "like \"get_contact\"".to_owned()
    };
    errors.spanned(lit, format!("`id` must be snake_case; {hint}"));
}

fn check_method(errors: &Errors, operation: &Operation) {
    let Some(method) = &operation.attrs.method else {
        return;
    };
    let name = method.to_string();
    if METHODS.contains(&name.as_str()) {
        return;
    }
    let upper = name.to_ascii_uppercase();
    let message = if METHODS.contains(&upper.as_str()) {
        format!("unknown method `{name}`; write it in capitals: method = {upper}")
    } else {
        format!(
            "unknown method `{name}`; expected one of {}",
            METHODS.join(", ")
        )
    };
    errors.spanned(method, message);
}

fn check_status(errors: &Errors, operation: &Operation) {
    let Some(lit) = &operation.attrs.status else {
        return;
    };
    let valid = lit
        .base10_parse::<u16>()
        .is_ok_and(|status| (100..=599).contains(&status));
    if !valid {
        let message = format!(
            "`status` must be an HTTP status code in 100..=599; found {}",
            lit.base10_digits()
        );
        errors.spanned(lit, message);
    }
}

/// The exchange keys come together: `output` and `error` name the types, and `shape` and
/// `sends_message` only describe an exchange that has them.
fn check_exchange(errors: &Errors, operation: &Operation, attr: &syn::Attribute) {
    let attrs = &operation.attrs;
    let written = |key: &str| attrs.keys.iter().any(|k| k == key);
    let exchange = ["output", "error", "shape", "sends_message"];
    if exchange.iter().any(|key| written(key)) {
        // At the type that was given, else at the attribute.
        let given = attrs.output.as_ref().or(attrs.error.as_ref());
        for (key, example) in [("output", "output = GetContactResponse"), ("error", "error = GetContactError")] {
            if !written(key) {
                let message = format!("missing `{key}` in #[operation(...)]: the exchange keys need both `output` and `error`; add {example}");
                match given {
                    Some(ty) => errors.spanned(ty, message),
                    None => errors.spanned(attr, message),
                }
            }
        }
    }
    if let Some(shape) = &attrs.shape
        && !SHAPES.contains(&shape.to_string().as_str())
    {
        let message = format!("unknown shape `{shape}`; expected one of {}", SHAPES.join(", "));
        errors.spanned(shape, message);
    }
}

/// The variants of `wacr_runtime::Shape`.
pub(crate) const SHAPES: &[&str] = &["Data", "List", "Flat", "Bare"];

fn check_scope(errors: &Errors, operation: &Operation) {
    let Some(ScopeSpec::Variant(path)) = &operation.attrs.scope else {
        return;
    };
    if path.segments.len() >= 2 {
        return;
    }
    let message = if path.is_ident("none") || path.is_ident("None") {
        "an operation without a scope names the scope enum: write scope = none(Scope)"
    } else {
        "`scope` must name the enum and the variant, like scope = Scope::ContactsRead"
    };
    errors.spanned(path, message);
}

/// Checks the path template and returns its parameter names, or `None` if it is malformed.
fn check_path(errors: &Errors, operation: &Operation) -> Option<Vec<String>> {
    let lit = operation.attrs.path.as_ref()?;
    let path = lit.value();
    if !path.starts_with('/') {
        let message = format!("`path` must start with `/`; write \"/{path}\"");
        errors.spanned(lit, message);
    }
    if let Some(c) = path
        .chars()
        .find(|c| matches!(c, '?' | '#') || c.is_whitespace())
    {
        let message = format!(
            "`path` must not contain {c:?}; it is the path only (query parameters are fields of the request)"
        );
        errors.spanned(lit, message);
    }
    let pieces = match syntax::parse_template(&path) {
        Ok(pieces) => pieces,
        Err(problem) => {
            errors.spanned(lit, format!("malformed `path` template: {problem}"));
            return None;
        }
    };
    let mut params: Vec<String> = Vec::new();
    for piece in pieces {
        let Piece::Param(name) = piece else { continue };
        if params.iter().any(|seen| seen == name) {
            errors.spanned(
                lit,
                format!("`path` uses `{{{name}}}` twice; each parameter may appear once"),
            );
        } else {
            params.push(name.to_owned());
        }
    }
    Some(params)
}

fn check_path_params(errors: &Errors, operation: &Operation, params: &[String]) {
    let lit = operation
        .attrs
        .path
        .as_ref()
        .expect("params come from the path");
    let named = |name: &str| {
        let mut fields = operation.fields.iter();
        fields.find(|field| field.original.ident.is_some() && field.name() == name)
    };
    let mut unfilled = Vec::new();
    for param in params {
        match named(param) {
            Some(field) if field.path_param.is_some() => {}
            Some(_) => errors.spanned(
                lit,
                format!("`path` parameter `{{{param}}}` is filled by field `{param}`; mark that field #[path_param]"),
            ),
            None => unfilled.push(param),
        }
    }
    let named_fields = operation
        .path_fields()
        .filter(|field| field.original.ident.is_some());
    let stray: Vec<&Field> = named_fields
        .filter(|field| !params.contains(&field.name()))
        .collect();
    if let ([param], [field]) = (unfilled.as_slice(), stray.as_slice()) {
        // One of each is almost always a misspelling: report it once, at the field.
        let name = field.name();
        let message = format!(
            "#[path_param] field `{name}` does not match the `path` parameter `{{{param}}}`; \
             rename the field to `{param}` or the parameter to `{{{name}}}`"
        );
        errors.spanned(field.ident(), message);
        return;
    }
    for param in unfilled {
        let message = format!(
            "`path` parameter `{{{param}}}` has no field; add a field `#[path_param] {param}: ...` to the struct"
        );
        errors.spanned(lit, message);
    }
    for field in stray {
        let name = field.name();
        let message = format!(
            "#[path_param] field `{name}` is not in `path` \"{}\"; add `{{{name}}}` to the path or remove #[path_param]",
            lit.value(),
        );
        errors.spanned(field.path_param, message);
    }
}

/// The value first recorded under `key`, or `None` after recording `value` there: so a third
/// duplicate is still reported against the first, not the second.
fn earlier<V: Copy>(seen: &mut BTreeMap<String, V>, key: String, value: V) -> Option<V> {
    match seen.get(&key) {
        Some(first) => Some(*first),
        None => {
            seen.insert(key, value);
            None
        }
    }
}

/// Where to point for an include name: its rename literal, else the field name.
fn relation_span(field: &Field) -> proc_macro2::TokenStream {
    match field
        .include
        .as_ref()
        .and_then(|include| include.rename.as_ref())
    {
        Some(rename) => rename.to_token_stream(),
        None => field.ident().to_token_stream(),
    }
}

fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Group(group) => is_option(&group.elem),
        Type::Paren(paren) => is_option(&paren.elem),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().is_some_and(|last| {
            last.ident == "Option"
                && matches!(&last.arguments, PathArguments::AngleBracketed(args)
                    if args.args.len() == 1 && matches!(args.args[0], GenericArgument::Type(_)))
        }),
        _ => false,
    }
}

fn is_option_is_none(lit: &LitStr) -> bool {
    let value = lit.value();
    let path = value.trim_start_matches("::");
    [
        "Option::is_none",
        "core::option::Option::is_none",
        "std::option::Option::is_none",
    ]
    .contains(&path)
}

/// A type as a user would write it, for messages (`Vec<Group>`, not `Vec < Group >`).
fn type_text(ty: &Type) -> String {
    let text = quote!(#ty).to_string();
    let tidy = [
        (" < ", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
    ];
    tidy.iter()
        .fold(text, |text, (from, to)| text.replace(from, to))
}
