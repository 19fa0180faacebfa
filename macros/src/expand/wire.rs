//! `#[derive(WireEnum)]` and `#[derive(WireError)]`: the wire strings of an enum, its traits, and
//! the error-code items of an error enum.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{Ident, Path};

use super::{runtime, status_literal};
use crate::ast::WireEnum;

pub(crate) fn wire_enum_impls(wire: &WireEnum) -> TokenStream {
    let rt = runtime(wire.attrs.krate.as_ref());
    let ident = &wire.original.ident;
    let variants: Vec<&Ident> = wire.variants.iter().map(|v| &v.original.ident).collect();
    let wires = wire.variants.iter().zip(&variants).map(|(v, ident)| match (&v.attr.wire, &wire.attrs.code) {
        (Some(lit), _) => quote!(#lit),
        (None, Some(code)) => known(code, ident, quote!(0)),
        (None, None) => quote!(""), // valid::wire_enum reported it
    });
    let name = wire.name();
    let inherent = quote! {
        /// Every value, in declaration order.
        pub const ALL: &'static [Self] = &[#(Self::#variants),*];

        /// The value as written on the wire.
        pub const fn as_str(self) -> &'static str {
            match self { #(Self::#variants => #wires,)* }
        }
    };
    let code = wire.attrs.code.as_ref().map(|code| error_code_items(wire, code));
    let (code_inherent, code_impls) = code.unzip();
    let traits = wire_traits(ident, &rt, &quote!(#name), &quote!(Self::as_str(self)));
    // An error code travels inside the error envelope, as the code enum: its own enum needs
    // neither serde nor parsing (and each impl costs the user compile time).
    let values = wire.attrs.code.is_none().then(|| value_traits(ident, &rt));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #ident {
                #inherent
                #code_inherent
            }
            #traits
            #values
            #code_impls
        };
    }
}

/// `WireEnum` and `Display` of a wire enum; `fallback` emits them with `unreachable!()` bodies.
pub(crate) fn wire_traits(ident: &Ident, rt: &TokenStream, name: &TokenStream, as_str: &TokenStream) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl #rt::value::WireEnum for #ident {
            const ALL: &'static [Self] = Self::ALL;
            const NAME: &'static str = #name;
            fn as_str(self) -> &'static str {
                #as_str
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#rt::value::WireEnum::as_str(*self))
            }
        }
    }
}

/// `FromStr`, `Serialize` and `Deserialize` of a value enum, as its wire string.
pub(crate) fn value_traits(ident: &Ident, rt: &TokenStream) -> TokenStream {
    let serde = quote!(#rt::__private::serde);
    // serde_derive's messages name the Rust type.
    let name = ident.to_string();
    quote! {
        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = #rt::value::UnknownValue;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                <Self as #rt::value::WireEnum>::parse_wire(value)
            }
        }

        #[automatically_derived]
        impl #serde::Serialize for #ident {
            fn serialize<__S: #serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(#rt::value::WireEnum::as_str(*self))
            }
        }

        #[automatically_derived]
        impl<'de> #serde::Deserialize<'de> for #ident {
            fn deserialize<__D: #serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                #rt::__private::de::deserialize_wire(deserializer, #name)
            }
        }
    }
}


/// The error-enum items of `#[wire(code = Code)]`: `status`, `code`, `from_code` and
/// `From<Self> for Code`; each variant maps to the variant of the same name of `Code`.
fn error_code_items(wire: &WireEnum, code: &Path) -> (TokenStream, TokenStream) {
    let ident = &wire.original.ident;
    let variants: Vec<&Ident> = wire.variants.iter().map(|v| &v.original.ident).collect();
    let statuses = wire.variants.iter().zip(&variants).map(|(v, ident)| match &v.attr.status {
        Some(status) => status_literal(status).into_token_stream(),
        None => known(code, ident, quote!(1)),
    });
    let inherent = quote! {
        /// The HTTP status of the error.
        pub const fn status(self) -> u16 {
            match self { #(Self::#variants => #statuses,)* }
        }

        /// The error code.
        pub fn code(self) -> #code {
            match self { #(Self::#variants => #code::#variants,)* }
        }

        /// The variant for a code, or `None` when this enum does not have it.
        #[allow(unreachable_patterns)]
        pub fn from_code(code: &#code) -> ::core::option::Option<Self> {
            match code {
                #(#code::#variants => ::core::option::Option::Some(Self::#variants),)*
                _ => ::core::option::Option::None,
            }
        }
    };
    let impls = quote! {
        #[automatically_derived]
        impl ::core::convert::From<#ident> for #code {
            fn from(error: #ident) -> #code {
                error.code()
            }
        }
    };
    (inherent, impls)
}

/// The wire string (`field` 0) or status (1) of an error variant without its own
/// `#[wire("CODE", status = N)]`: the code enum's variant of the same name knows both, and a
/// const block reads them at compile time.
fn known(code: &Path, variant: &Ident, field: TokenStream) -> TokenStream {
    quote!(const {
        match #code::#variant.known() {
            ::core::option::Option::Some(known) => known.#field,
            ::core::option::Option::None => ::core::panic!("the code enum does not know this code"),
        }
    })
}
