//! Parsing of the helper attributes (`#[resource]`, `#[include]`, `#[scope]`, `#[operation]`,
//! `#[path_param]`, `#[wire]`) and of the serde attributes the checks and the lean
//! `Serialize` and `Deserialize` derives read. Lenient by design: a bad key is
//! recorded and skipped so the keys after it are still read and reported.

use proc_macro2::TokenTree;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, Ident, LitInt, LitStr, Meta, Path, Token, Type};

use crate::ctxt::Errors;

/// `#[resource(include = Name, crate = path)]` on the struct.
#[derive(Default)]
pub(crate) struct ResourceAttrs {
    pub include_enum: Option<Ident>,
    pub krate: Option<Path>,
}

/// `#[include]` or `#[include(rename = "wire")]` on a relation field.
pub(crate) struct IncludeAttr<'a> {
    pub original: &'a Attribute,
    pub rename: Option<LitStr>,
}

/// What the checks need from a field's `#[serde(...)]` attributes.
#[derive(Default)]
pub(crate) struct SerdeField {
    pub rename: Option<String>,
    pub skip_serializing_if: Option<LitStr>,
}

/// `#[operation(id = ..., method = ..., path = ..., scope = ..., status = ..., crate = ...)]`,
/// and the exchange keys `output = ..., error = ..., shape = ..., sends_message`.
#[derive(Default)]
pub(crate) struct OperationAttrs<'a> {
    pub original: Option<&'a Attribute>,
    pub id: Option<LitStr>,
    pub method: Option<Ident>,
    pub path: Option<LitStr>,
    pub scope: Option<ScopeSpec>,
    pub status: Option<LitInt>,
    pub krate: Option<Path>,
    /// `new`: also write the constructor and the `with_…` methods.
    pub new: bool,
    /// `output = Type`: the success data, for `Exchange`.
    pub output: Option<Type>,
    /// `error = Type`: the error enum, for `Exchange`.
    pub error: Option<Type>,
    /// `shape = Flat`: where the data sits in the response body (a `Shape` variant).
    pub shape: Option<Ident>,
    /// `sends_message`: the operation delivers a WhatsApp message.
    pub sends_message: bool,
    /// Every key written, valid or not, so a bad value is not also reported as missing.
    pub keys: Vec<String>,
}

/// `#[wire(name = "...", code = Path, crate = path)]` on a wire enum.
#[derive(Default)]
pub(crate) struct WireAttrs {
    pub name: Option<LitStr>,
    pub code: Option<Path>,
    pub krate: Option<Path>,
}

/// `#[wire("value")]` or `#[wire("CODE", status = 404)]` on a variant of a wire enum.
#[derive(Default)]
pub(crate) struct WireVariantAttr<'a> {
    pub original: Option<&'a Attribute>,
    pub wire: Option<LitStr>,
    pub status: Option<LitInt>,
}

/// Which of the lean serde derives reads the attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Serialize,
    Deserialize,
}

/// What the lean `Serialize` and `Deserialize` derives read of a field's `#[serde(...)]`.
#[derive(Default)]
pub(crate) struct SerdeLean {
    /// `rename = "x"`, or `rename(serialize = "x", deserialize = "y")`: (written as, read as).
    pub rename: (Option<String>, Option<String>),
    /// `default`: absent reads as `Default::default()`.
    pub default: bool,
    /// `skip`, `skip_serializing`, `skip_deserializing`: (never written, never read).
    pub skip: (bool, bool),
    /// `skip_serializing_if = "path"`.
    pub skip_if: Option<LitStr>,
}

/// The container's `#[serde(rename = "...", rename_all = "...")]`.
#[derive(Default)]
pub(crate) struct SerdeContainer {
    pub rename: (Option<String>, Option<String>),
    pub rename_all: Option<LitStr>,
}

/// The value of `scope = ...` in `#[operation]`.
pub(crate) enum ScopeSpec {
    /// `scope = Scope::ContactsRead`: a path to a variant of the scope enum.
    Variant(Path),
    /// `scope = none(Scope)`: the operation needs no scope; names the scope enum.
    None(Type),
}

mod kw {
    syn::custom_keyword!(none);
}

const RESOURCE_KEYS: &[&str] = &["include", "crate"];
const INCLUDE_KEYS: &[&str] = &["rename"];
const CRATE_KEYS: &[&str] = &["crate"];
const OPERATION_KEYS: &[&str] =
    &["id", "method", "path", "scope", "status", "new", "output", "error", "shape", "sends_message", "crate"];
const WIRE_KEYS: &[&str] = &["name", "code", "crate"];
/// Field keys of `#[serde]` the lean derives honour.
const SERDE_FIELD_KEYS: &[&str] = &["rename", "default", "skip", "skip_serializing", "skip_deserializing", "skip_serializing_if"];
/// Container keys of `#[serde]` the lean derives honour.
const SERDE_CONTAINER_KEYS: &[&str] = &["rename", "rename_all"];

/// Reads `#[resource(...)]` on a struct.
pub(crate) fn resource(errors: &Errors, attrs: &[Attribute]) -> ResourceAttrs {
    let mut out = ResourceAttrs::default();
    let mut seen = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("resource")) {
        parse_keys(errors, attr, RESOURCE_KEYS, &mut seen, |key, meta| {
            match key {
                "include" => {
                    out.include_enum = Some(ident(meta, key, "ContactInclude", "the enum name")?)
                }
                _ => out.krate = Some(crate_path(meta)?),
            }
            Ok(())
        });
    }
    out
}

/// Reads `#[include]` on a field, if present.
pub(crate) fn include<'a>(errors: &Errors, attrs: &'a [Attribute]) -> Option<IncludeAttr<'a>> {
    let mut found: Option<IncludeAttr> = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("include")) {
        if found.is_some() {
            errors.spanned(attr, "duplicate #[include] on this field; keep one");
            continue;
        }
        let mut rename = None;
        match &attr.meta {
            Meta::Path(_) => {}
            Meta::List(_) => {
                parse_keys(errors, attr, INCLUDE_KEYS, &mut Vec::new(), |key, meta| {
                    rename = Some(lit_str(meta, key, "groups")?);
                    Ok(())
                })
            }
            Meta::NameValue(_) => errors.spanned(
                attr,
                "expected #[include] or #[include(rename = \"wire_name\")]",
            ),
        }
        found = Some(IncludeAttr {
            original: attr,
            rename,
        });
    }
    found
}

/// Reads the `rename` and `skip_serializing_if` of a field's `#[serde(...)]`. Malformed serde
/// attributes are left for serde's own derive to report.
pub(crate) fn serde_field(attrs: &[Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(serde_rename(&meta)?);
            } else if meta.path.is_ident("skip_serializing_if") {
                out.skip_serializing_if = Some(meta.value()?.parse()?);
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    out
}

/// Whether a field's `#[serde(...)]` lets deserialization leave it out (`default`, `skip` or
/// `skip_deserializing`): such a field is not an argument of the `New` derive's `new`.
/// Malformed serde attributes are left for the serde derive to report.
pub(crate) fn serde_defaulted(attrs: &[Attribute]) -> bool {
    let mut defaulted = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = |k: &str| meta.path.is_ident(k);
            defaulted |= key("default") || key("skip") || key("skip_deserializing");
            skip_value(&meta)
        });
    }
    defaulted
}

/// Reads the container's `#[serde(rename_all = "...")]`.
pub(crate) fn serde_rename_all(attrs: &[Attribute]) -> Option<String> {
    let mut rule = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                rule = Some(serde_rename(&meta)?);
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    rule
}

/// `rename = "x"` or `rename(serialize = "x", ...)`: the serialized name.
fn serde_rename(meta: &ParseNestedMeta) -> syn::Result<String> {
    if meta.input.peek(Token![=]) {
        return Ok(meta.value()?.parse::<LitStr>()?.value());
    }
    let mut name = String::new();
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            name = inner.value()?.parse::<LitStr>()?.value();
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(name)
}

/// Reads `#[name(crate = path)]` on a container whose helper `name` takes only that key:
/// `#[scope(...)]` on a scope enum, `#[query(...)]` and `#[filter(...)]` on their structs.
pub(crate) fn crate_container(errors: &Errors, attrs: &[Attribute], name: &str) -> Option<Path> {
    let mut krate = None;
    let mut seen = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(name)) {
        parse_keys(errors, attr, CRATE_KEYS, &mut seen, |_, meta| {
            krate = Some(crate_path(meta)?);
            Ok(())
        });
    }
    krate
}

/// Reads `#[scope("resource:action")]` on a variant: whether the attribute is present, and the
/// scope string if it is well-formed.
pub(crate) fn scope_variant(errors: &Errors, attrs: &[Attribute]) -> (bool, Option<LitStr>) {
    let mut found = None;
    let mut present = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("scope")) {
        if std::mem::replace(&mut present, true) {
            errors.spanned(attr, "duplicate #[scope(...)] on this variant; keep one");
            continue;
        }
        match attr.parse_args::<LitStr>() {
            Ok(scope) => found = Some(scope),
            Err(_) => errors.spanned(
                attr,
                "expected the scope string in quotes, like #[scope(\"contacts:read\")]",
            ),
        }
    }
    (present, found)
}

/// Reads `#[operation(...)]` on a request struct.
pub(crate) fn operation<'a>(errors: &Errors, attrs: &'a [Attribute]) -> OperationAttrs<'a> {
    let mut out = OperationAttrs::default();
    let mut seen = Vec::new();
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("operation"))
    {
        out.original.get_or_insert(attr);
        parse_keys(errors, attr, OPERATION_KEYS, &mut seen, |key, meta| {
            match key {
                "id" => out.id = Some(lit_str(meta, key, "get_contact")?),
                "method" => out.method = Some(ident(meta, key, "GET", "an HTTP method")?),
                "path" => out.path = Some(lit_str(meta, key, "/contacts/{id}")?),
                "scope" => out.scope = Some(scope_spec(meta)?),
                "status" => out.status = Some(status(meta)?),
                // Meant all the same when malformed, so calls to `new` raise no errors of their own.
                "new" => {
                    out.new = true;
                    flag(meta, key)?;
                }
                "output" => out.output = Some(value(meta, key, "GetContactResponse")?.parse()?),
                "error" => out.error = Some(value(meta, key, "GetContactError")?.parse()?),
                "shape" => out.shape = Some(ident(meta, key, "Flat", "a `Shape` variant")?),
                "sends_message" => {
                    out.sends_message = true;
                    flag(meta, key)?;
                }
                _ => out.krate = Some(crate_path(meta)?),
            }
            Ok(())
        });
    }
    out.keys = seen;
    out
}

/// Reads `#[path_param]` on a field, if present.
pub(crate) fn path_param<'a>(errors: &Errors, attrs: &'a [Attribute]) -> Option<&'a Attribute> {
    let mut found = None;
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("path_param"))
    {
        if found.is_some() {
            errors.spanned(attr, "duplicate #[path_param] on this field; keep one");
        } else if !matches!(attr.meta, Meta::Path(_)) {
            errors.spanned(
                attr,
                "#[path_param] takes no arguments; the field name is the `{param}` it fills",
            );
        }
        found.get_or_insert(attr);
    }
    found
}

/// Reads `#[wire(...)]` on a wire enum.
pub(crate) fn wire_container(errors: &Errors, attrs: &[Attribute]) -> WireAttrs {
    let mut out = WireAttrs::default();
    let mut seen = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("wire")) {
        parse_keys(errors, attr, WIRE_KEYS, &mut seen, |key, meta| {
            match key {
                "name" => out.name = Some(lit_str(meta, key, "sort field")?),
                "code" => out.code = Some(value(meta, key, "ErrorCode")?.parse()?),
                _ => out.krate = Some(crate_path(meta)?),
            }
            Ok(())
        });
    }
    out
}

/// Reads `#[wire("value")]` or `#[wire("CODE", status = 404)]` on a variant.
pub(crate) fn wire_variant<'a>(errors: &Errors, attrs: &'a [Attribute]) -> WireVariantAttr<'a> {
    let mut out = WireVariantAttr::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("wire")) {
        if out.original.replace(attr).is_some() {
            errors.spanned(attr, "duplicate #[wire(...)] on this variant; keep one");
            continue;
        }
        if let Err(error) = attr.parse_args_with(|input: ParseStream| wire_variant_args(input, &mut out)) {
            errors.push(error);
        }
    }
    out
}

/// `"value"`, then optionally `, status = 404`.
fn wire_variant_args(input: ParseStream, out: &mut WireVariantAttr) -> syn::Result<()> {
    if !input.peek(LitStr) {
        return Err(input.error("expected the wire value in quotes, like #[wire(\"lead\")]"));
    }
    out.wire = Some(input.parse()?);
    if input.is_empty() {
        return Ok(());
    }
    input.parse::<Token![,]>()?;
    let key: Ident = input.parse()?;
    if key != "status" {
        let message = format!("unknown key `{key}` in #[wire(...)]; a variant takes its wire value and `status`");
        return Err(syn::Error::new_spanned(key, message));
    }
    input.parse::<Token![=]>()?;
    if !input.peek(LitInt) {
        return Err(input.error("`status` takes a number without quotes, like status = 404"));
    }
    out.status = Some(input.parse()?);
    input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after `status`"));
    }
    Ok(())
}

/// Reads what the lean serde derives need from a field's `#[serde(...)]`, recording the keys
/// they do not support (there is no `flatten`, `alias`, `with`, ...).
pub(crate) fn serde_lean_field(errors: &Errors, attrs: &[Attribute], direction: Direction) -> SerdeLean {
    let mut out = SerdeLean::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        serde_lean_keys(errors, attr, SERDE_FIELD_KEYS, direction, |key, meta| {
            match key {
                "rename" => out.rename = serde_lean_rename(meta)?,
                "default" if meta.input.peek(Token![=]) && direction == Direction::Serialize => skip_value(meta)?,
                "default" if meta.input.peek(Token![=]) => {
                    let message = "wacr_macros::Deserialize supports a bare `default` only; implement Default for the field's type";
                    return Err(syn::Error::new_spanned(&meta.path, message));
                }
                "default" => out.default = true,
                "skip" => out.skip = (true, true),
                "skip_serializing" => out.skip.0 = true,
                "skip_deserializing" => out.skip.1 = true,
                _ => out.skip_if = Some(lit_str(meta, key, "Option::is_none")?),
            }
            Ok(())
        });
    }
    out
}

/// Reads the container's `#[serde(...)]` for the lean serde derives.
pub(crate) fn serde_lean_container(errors: &Errors, attrs: &[Attribute], direction: Direction) -> SerdeContainer {
    let mut out = SerdeContainer::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        serde_lean_keys(errors, attr, SERDE_CONTAINER_KEYS, direction, |key, meta| {
            match key {
                "rename" => out.rename = serde_lean_rename(meta)?,
                _ => out.rename_all = Some(lit_str(meta, key, "camelCase")?),
            }
            Ok(())
        });
    }
    out
}

/// Runs `on_key` for each supported key of a `#[serde(...)]`; an unsupported key is an error
/// that points at it and says what to do instead.
fn serde_lean_keys(errors: &Errors, attr: &Attribute, known: &[&str], direction: Direction, mut on_key: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>) {
    let derive = match direction {
        Direction::Serialize => "Serialize",
        Direction::Deserialize => "Deserialize",
    };
    let result = attr.parse_nested_meta(|meta| {
        let key = path_text(&meta.path);
        if !known.contains(&key.as_str()) {
            let message = format!("#[serde({key})] is not supported by wacr_macros::{derive}; derive serde::{derive} instead");
            errors.spanned(&meta.path, message);
            return skip_value(&meta);
        }
        if let Err(error) = on_key(&key, &meta) {
            errors.push(error);
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(error) = result {
        errors.push(error);
    }
}

/// `rename = "x"` (both ways) or `rename(serialize = "x", deserialize = "y")`.
fn serde_lean_rename(meta: &ParseNestedMeta) -> syn::Result<(Option<String>, Option<String>)> {
    if meta.input.peek(Token![=]) {
        let name = meta.value()?.parse::<LitStr>()?.value();
        return Ok((Some(name.clone()), Some(name)));
    }
    let mut names = (None, None);
    meta.parse_nested_meta(|inner| {
        let name = Some(inner.value()?.parse::<LitStr>()?.value());
        if inner.path.is_ident("serialize") {
            names.0 = name;
        } else if inner.path.is_ident("deserialize") {
            names.1 = name;
        } else {
            return Err(inner.error("expected `serialize = \"...\"` or `deserialize = \"...\"`"));
        }
        Ok(())
    })?;
    Ok(names)
}

/// Runs `on_key` for each known key of `attr`, recording unknown and duplicate keys (and
/// errors from `on_key`) and skipping their values so that later keys are still read.
fn parse_keys(
    errors: &Errors,
    attr: &Attribute,
    known: &[&str],
    seen: &mut Vec<String>,
    mut on_key: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>,
) {
    let name = attr
        .path()
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let result = attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        let problem = if !known.contains(&key.as_str()) {
            let expected = known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Some(format!(
                "unknown key `{}` in #[{name}(...)]; expected one of {expected}",
                path_text(&meta.path)
            ))
        } else if seen.contains(&key) {
            Some(format!("duplicate key `{key}` in #[{name}(...)]; keep one"))
        } else {
            None
        };
        if let Some(message) = problem {
            errors.spanned(&meta.path, message);
            return skip_value(&meta);
        }
        seen.push(key.clone());
        if let Err(error) = on_key(&key, &meta) {
            errors.push(error);
            skip_value(&meta)?;
        }
        Ok(())
    });
    if let Err(error) = result {
        errors.push(error);
    }
}

/// A key without a value, like `new`.
fn flag(meta: &ParseNestedMeta, key: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!("`{key}` takes no value; write it alone, as `{key}`")))
    }
}

fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

/// Consumes the rest of a key's value, up to the next top-level comma.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        meta.input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// The stream after `key =`, with a hint naming the key when the `=` is missing.
fn value<'a>(meta: &ParseNestedMeta<'a>, key: &str, example: &str) -> syn::Result<ParseStream<'a>> {
    if !meta.input.peek(Token![=]) {
        let message = format!("`{key}` needs a value, like {key} = {example}");
        return Err(syn::Error::new_spanned(&meta.path, message));
    }
    meta.value()
}

fn lit_str(meta: &ParseNestedMeta, key: &str, example: &str) -> syn::Result<LitStr> {
    let input = value(meta, key, &format!("\"{example}\""))?;
    if !input.peek(LitStr) {
        return Err(input.error(format!(
            "`{key}` takes a string, like {key} = \"{example}\""
        )));
    }
    input.parse()
}

fn ident(meta: &ParseNestedMeta, key: &str, example: &str, what: &str) -> syn::Result<Ident> {
    let input = value(meta, key, example)?;
    if !input.peek(Ident) {
        return Err(input.error(format!(
            "`{key}` takes {what} without quotes, like {key} = {example}"
        )));
    }
    input.parse()
}

fn status(meta: &ParseNestedMeta) -> syn::Result<LitInt> {
    let input = value(meta, "status", "200")?;
    if !input.peek(LitInt) {
        return Err(input.error("`status` takes a number without quotes, like status = 200"));
    }
    input.parse()
}

fn scope_spec(meta: &ParseNestedMeta) -> syn::Result<ScopeSpec> {
    let input = value(meta, "scope", "Scope::ContactsRead")?;
    if input.peek(kw::none) && input.peek2(syn::token::Paren) {
        input.parse::<kw::none>()?;
        let content;
        syn::parenthesized!(content in input);
        return Ok(ScopeSpec::None(content.parse()?));
    }
    input.parse().map(ScopeSpec::Variant).map_err(|_| {
        input.error(
            "`scope` takes a path to a scope variant, like scope = Scope::ContactsRead, \
             or none(Scope) for an operation that needs no scope",
        )
    })
}

/// `crate = path` or `crate = "path"`.
fn crate_path(meta: &ParseNestedMeta) -> syn::Result<Path> {
    let input = value(meta, "crate", "::wacr_runtime")?;
    if input.peek(LitStr) {
        return input.parse::<LitStr>()?.parse();
    }
    input.parse()
}
