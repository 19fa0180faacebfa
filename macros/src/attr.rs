//! Parsing of the helper attributes (`#[resource]`, `#[include]`, `#[scope]`, `#[operation]`,
//! `#[path_param]`, `#[wire]`), and the key-value parsing `serde_attr` shares. Lenient by
//! design: a bad key is recorded and skipped so the keys after it are still read and reported.

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

/// Runs `on_key` for each known key of `attr`, recording unknown and duplicate keys (and
/// errors from `on_key`) and skipping their values so that later keys are still read.
fn parse_keys(
    errors: &Errors,
    attr: &Attribute,
    known: &[&str],
    seen: &mut Vec<String>,
    on_key: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>,
) {
    let name = path_text(attr.path());
    let problem = |key: &str| {
        if !known.contains(&key) {
            let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            Some(format!("unknown key `{key}` in #[{name}(...)]; expected one of {}", expected.join(", ")))
        } else if seen.iter().any(|seen| seen == key) {
            Some(format!("duplicate key `{key}` in #[{name}(...)]; keep one"))
        } else {
            seen.push(key.to_owned());
            None
        }
    };
    each_key(errors, attr, problem, on_key);
}

/// Runs `on_key` for each key of `attr` that `problem` finds nothing wrong with; records
/// every problem and error, and skips the value of a key in error so that later keys are
/// still read.
pub(crate) fn each_key(
    errors: &Errors,
    attr: &Attribute,
    mut problem: impl FnMut(&str) -> Option<String>,
    mut on_key: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>,
) {
    let result = attr.parse_nested_meta(|meta| {
        let key = path_text(&meta.path);
        if let Some(message) = problem(&key) {
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

/// A key without a value, like `new`.
fn flag(meta: &ParseNestedMeta, key: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!("`{key}` takes no value; write it alone, as `{key}`")))
    }
}

pub(crate) fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

/// Consumes the rest of a key's value, up to the next top-level comma.
pub(crate) fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
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

pub(crate) fn lit_str(meta: &ParseNestedMeta, key: &str, example: &str) -> syn::Result<LitStr> {
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
