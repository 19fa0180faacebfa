//! Code generation, one module per derive: each turns a checked model of the input (`ast`) into
//! the impls. Generated items name everything by absolute path and sit in `const _: () = {}`,
//! except the documented include enum. `fallback` reuses the pieces that must exist even when
//! the input has errors.

pub(crate) mod lean;
pub(crate) mod new;
pub(crate) mod operation;
pub(crate) mod resource;
pub(crate) mod scope;
pub(crate) mod wire;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};
use syn::{Ident, LitInt, Path};

/// The runtime crate path: `::wacr_runtime` unless overridden with `crate = ...`.
pub(crate) fn runtime(krate: Option<&Path>) -> TokenStream {
    krate.map_or_else(|| quote!(::wacr_runtime), ToTokens::to_token_stream)
}

/// The status as an unsuffixed literal at the user's span, so `200u16` and `200` both work.
fn status_literal(lit: &LitInt) -> Literal {
    let mut status = Literal::u16_unsuffixed(
        lit.base10_parse()
            .expect("valid::operation checked the status"),
    );
    status.set_span(lit.span());
    status
}

fn indices(len: usize) -> impl Iterator<Item = Literal> {
    (0..len).map(|index| Literal::u32_unsuffixed(u32::try_from(index).expect("at most 64 values")))
}

/// `Display` (each variant's string) and `FromStr` (through the function `parse`, failing with
/// `error`) of an enum of unit variants: the include and scope enums.
pub(crate) fn string_impls(ident: &Ident, variants: &[&Ident], strings: &[impl ToTokens], error: TokenStream, parse: TokenStream) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match *self { #(Self::#variants => ::core::fmt::Formatter::write_str(f, #strings),)* }
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = #error;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                #parse(value)
            }
        }
    }
}
