//! `#[derive(Scope)]`: `ScopeEnum`, `Display`, `FromStr` and the serde impls of a scope enum.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, LitStr};

use super::{indices, runtime, string_impls};
use crate::ast::Scope;

pub(crate) fn scope_impls(scope: &Scope) -> TokenStream {
    let rt = runtime(scope.krate.as_ref());
    let ident = &scope.original.ident;
    let name = ident.to_string();
    let serde = quote!(#rt::__private::serde);
    let variants: Vec<&Ident> = scope
        .variants
        .iter()
        .map(|variant| &variant.original.ident)
        .collect();
    let strings: Vec<String> = scope
        .variants
        .iter()
        .filter_map(|v| v.scope.as_ref())
        .map(LitStr::value)
        .collect();
    let indices = indices(variants.len());
    let string_impls = string_impls(ident, &variants, &strings, quote!(#rt::scope::ScopeError), quote!(#rt::__private::scope_from_str));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #rt::scope::ScopeEnum for #ident {
                const ALL: &'static [Self] = &[#(Self::#variants),*];
                fn as_str(self) -> &'static str {
                    match self { #(Self::#variants => #strings,)* }
                }
                fn index(self) -> u32 {
                    match self { #(Self::#variants => #indices,)* }
                }
            }

            #string_impls

            #[automatically_derived]
            impl #serde::Serialize for #ident {
                fn serialize<__S>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
                where
                    __S: #serde::Serializer,
                {
                    match *self {
                        #(Self::#variants => #serde::Serializer::serialize_str(serializer, #strings),)*
                    }
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #ident {
                fn deserialize<__D>(deserializer: __D) -> ::core::result::Result<Self, __D::Error>
                where
                    __D: #serde::Deserializer<'de>,
                {
                    #rt::__private::deserialize_scope(deserializer, #name)
                }
            }
        };
    }
}
