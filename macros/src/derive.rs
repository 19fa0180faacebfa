//! The derives that run the whole pipeline: read the input (`ast`), check it (`valid`), then
//! generate the impls (`expand`), or hand the errors to `fallback`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::{LeanStruct, Operation, Resource, Scope, WireEnum};
use crate::ctxt::Errors;
use crate::serde_attr::Direction;
use crate::{expand, fallback, valid};

/// Reads the input with `read` and checks it with `check`: the model, or what `fallback` emits
/// for the errors found.
fn checked<'a, T>(
    input: &'a DeriveInput,
    read: impl FnOnce(&Errors, &'a DeriveInput) -> T,
    check: impl FnOnce(&Errors, &T),
    fallback: impl FnOnce(&T, syn::Error) -> TokenStream,
) -> Result<T, TokenStream> {
    let errors = Errors::default();
    let model = read(&errors, input);
    check(&errors, &model);
    match errors.finish() {
        Ok(()) => Ok(model),
        Err(error) => Err(fallback(&model, error)),
    }
}

/// The output of a derive: `expand` of the checked model, or the fallback.
fn output<T>(checked: Result<T, TokenStream>, expand: impl FnOnce(&T) -> TokenStream) -> TokenStream {
    checked.map_or_else(|fallback| fallback, |model| expand(&model))
}

pub(crate) fn resource(input: &DeriveInput) -> TokenStream {
    output(checked(input, Resource::from_syn, valid::resource, fallback::resource), expand::resource::resource_impls)
}

pub(crate) fn scope(input: &DeriveInput) -> TokenStream {
    output(checked(input, Scope::from_syn, valid::scope, fallback::scope), expand::scope::scope_impls)
}

pub(crate) fn operation(input: &DeriveInput) -> TokenStream {
    output(checked(input, Operation::from_syn, valid::operation, fallback::operation), expand::operation::operation_impls)
}

/// `WireEnum`, or with `error` `WireError`: a `WireEnum` whose code enum is `ErrorCode` unless
/// `#[wire(code = ...)]` names another.
pub(crate) fn wire_enum(input: &DeriveInput, error: bool) -> TokenStream {
    let read = |errors: &Errors, input| {
        let mut wire = WireEnum::from_syn(errors, input);
        if error && wire.attrs.code.is_none() {
            wire.attrs.code = Some(syn::parse_quote_spanned!(input.ident.span()=> ErrorCode));
        }
        wire
    };
    output(checked(input, read, valid::wire_enum, fallback::wire_enum), expand::wire::wire_enum_impls)
}

/// The lean struct read for `direction`, checked.
fn lean_struct(input: &DeriveInput, direction: Direction) -> Result<LeanStruct<'_>, TokenStream> {
    checked(input, |errors, input| LeanStruct::from_syn(errors, input, direction), valid::lean_struct, fallback::lean_struct)
}

/// The lean `Serialize` or `Deserialize`.
pub(crate) fn lean(input: &DeriveInput, direction: Direction) -> TokenStream {
    output(lean_struct(input, direction), |lean| match direction {
        Direction::Serialize => expand::lean::serialize_impl(lean),
        Direction::Deserialize => expand::lean::deserialize_impl(lean),
    })
}

/// `Sent` and `Received`: the lean `Serialize` behind `cfg(feature = writer)` and the lean
/// `Deserialize` behind `cfg(feature = reader)`. Each direction reads the attributes for its
/// own renames; the errors are reported once and not behind a feature, so a bad attribute
/// fails every build.
pub(crate) fn sides(input: &DeriveInput, writer: &str, reader: &str) -> TokenStream {
    let (writing, reading) = match (lean_struct(input, Direction::Serialize), lean_struct(input, Direction::Deserialize)) {
        (Ok(writing), Ok(reading)) => (writing, reading),
        (Err(fallback), _) | (_, Err(fallback)) => return fallback,
    };
    let (serialize, deserialize) = (expand::lean::serialize_impl(&writing), expand::lean::deserialize_impl(&reading));
    quote! {
        #[cfg(feature = #writer)]
        #serialize
        #[cfg(feature = #reader)]
        #deserialize
    }
}
