//! The `#[serde(...)]` attributes the derives read: strictly for the lean `Serialize` and
//! `Deserialize` (an unsupported key is an error), loosely for `Resource` and `New`, which sit
//! beside serde's own derive and leave its attributes to it.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token};

use crate::attr::{each_key, lit_str, skip_value};
use crate::ctxt::Errors;

/// Which of the lean serde derives reads the attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Serialize,
    Deserialize,
}

impl Direction {
    /// The derive's name, for messages.
    pub(crate) fn derive(self) -> &'static str {
        match self {
            Direction::Serialize => "Serialize",
            Direction::Deserialize => "Deserialize",
        }
    }
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

/// Field keys of `#[serde]` the lean derives honour.
const FIELD_KEYS: &[&str] = &["rename", "default", "skip", "skip_serializing", "skip_deserializing", "skip_serializing_if"];
/// Container keys of `#[serde]` the lean derives honour.
const CONTAINER_KEYS: &[&str] = &["rename", "rename_all"];

/// Reads what the lean serde derives need from a field's `#[serde(...)]`, recording the keys
/// they do not support (there is no `flatten`, `alias`, `with`, ...).
pub(crate) fn field(errors: &Errors, attrs: &[Attribute], direction: Direction) -> SerdeLean {
    let mut out = SerdeLean::default();
    keys(errors, attrs, FIELD_KEYS, direction, |key, meta| {
        match key {
            "rename" => out.rename = rename(meta)?,
            // Serializing ignores `default`; `New` reads it this way too, as a default.
            "default" if meta.input.peek(Token![=]) && direction == Direction::Serialize => {
                out.default = true;
                skip_value(meta)?;
            }
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
    out
}

/// Reads the container's `#[serde(...)]` for the lean serde derives.
pub(crate) fn container(errors: &Errors, attrs: &[Attribute], direction: Direction) -> SerdeContainer {
    let mut out = SerdeContainer::default();
    keys(errors, attrs, CONTAINER_KEYS, direction, |key, meta| {
        match key {
            "rename" => out.rename = rename(meta)?,
            _ => out.rename_all = Some(lit_str(meta, key, "camelCase")?),
        }
        Ok(())
    });
    out
}

/// Runs `on_key` for each supported key of the `#[serde(...)]` attributes; an unsupported key
/// is an error that points at it and says what to do instead.
fn keys(errors: &Errors, attrs: &[Attribute], known: &[&str], direction: Direction, mut on_key: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>) {
    let derive = direction.derive();
    let unsupported = |key: &str| {
        (!known.contains(&key)).then(|| format!("#[serde({key})] is not supported by wacr_macros::{derive}; derive serde::{derive} instead"))
    };
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        each_key(errors, attr, unsupported, &mut on_key);
    }
}

/// `rename = "x"` (both ways) or `rename(serialize = "x", deserialize = "y")`.
fn rename(meta: &ParseNestedMeta) -> syn::Result<(Option<String>, Option<String>)> {
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

/// A field's `#[serde(...)]` as `Resource` reads it (its rename and `skip_serializing_if`),
/// whatever else it holds: serde's derive reports the rest.
pub(crate) fn loose_field(attrs: &[Attribute]) -> SerdeLean {
    field(&Errors::default(), attrs, Direction::Serialize)
}

/// The container's `#[serde(rename_all = "...")]`, read as `loose_field` reads a field.
pub(crate) fn loose_rename_all(attrs: &[Attribute]) -> Option<String> {
    container(&Errors::default(), attrs, Direction::Serialize).rename_all.as_ref().map(LitStr::value)
}

/// Whether a field's `#[serde(...)]` lets deserialization leave it out (`default`, `skip` or
/// `skip_deserializing`): such a field is not an argument of the `New` derive's `new`.
pub(crate) fn defaulted(attrs: &[Attribute]) -> bool {
    let field = loose_field(attrs);
    field.default || field.skip.1
}
