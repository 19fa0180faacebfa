//! What a derive emits when it found errors: the combined `compile_error!`s plus stub impls
//! (and the include enum), so that the user sees the real mistakes and no cascade of
//! "trait not implemented" or "cannot find type" errors after them (thiserror's `fallback.rs`).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{LeanStruct, Operation, Relation, Resource, Scope, WireEnum};
use crate::expand::{self, operation, resource, wire};
use crate::serde_attr::Direction;

pub(crate) fn resource(resource: &Resource, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let name = resource.include_enum();
    let ident = &resource.original.ident;
    if name == *ident {
        // The enum would clash with the struct; emitting it would only add errors.
        return error;
    }
    let rt = expand::runtime(resource.attrs.krate.as_ref());
    let relations = distinct(resource.relations());
    let include_enum = resource::include_enum(resource.original, &name, &relations, &rt);
    let (impl_generics, ty_generics, where_clause) = resource.original.generics.split_for_impl();
    let set = quote!(#rt::include::IncludeSet<#name>);
    quote! {
        #error
        #include_enum
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #rt::include::Resource for #ident #ty_generics #where_clause {
                type Include = #name;
                fn retain_includes(&mut self, _: #set) {
                    ::core::unreachable!()
                }
                fn included(&self) -> #set {
                    ::core::unreachable!()
                }
            }
        };
    }
}

pub(crate) fn scope(scope: &Scope, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    if !scope.is_enum() {
        // A struct or union lacks the supertraits (`Copy`, `Ord`, ...); stubs would not compile.
        return error;
    }
    let rt = expand::runtime(scope.krate.as_ref());
    let serde = quote!(#rt::__private::serde);
    let ident = &scope.original.ident;
    quote! {
        #error
        const _: () = {
            #[automatically_derived]
            impl #rt::scope::ScopeEnum for #ident {
                const ALL: &'static [Self] = &[];
                fn as_str(self) -> &'static str {
                    ::core::unreachable!()
                }
                fn index(self) -> u32 {
                    ::core::unreachable!()
                }
            }

            #[automatically_derived]
            impl ::core::fmt::Display for #ident {
                fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::unreachable!()
                }
            }

            #[automatically_derived]
            impl ::core::str::FromStr for #ident {
                type Err = #rt::scope::ScopeError;
                fn from_str(_: &str) -> ::core::result::Result<Self, Self::Err> {
                    ::core::unreachable!()
                }
            }

            #[automatically_derived]
            impl #serde::Serialize for #ident {
                fn serialize<__S>(&self, _: __S) -> ::core::result::Result<__S::Ok, __S::Error>
                where
                    __S: #serde::Serializer,
                {
                    ::core::unreachable!()
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #ident {
                fn deserialize<__D>(_: __D) -> ::core::result::Result<Self, __D::Error>
                where
                    __D: #serde::Deserializer<'de>,
                {
                    ::core::unreachable!()
                }
            }
        };
    }
}

pub(crate) fn operation(operation: &Operation, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let rt = expand::runtime(operation.attrs.krate.as_ref());
    let items = quote! {
        const ID: &'static str = "";
        const METHOD: #rt::operation::Method = #rt::operation::Method::Get;
        const PATH: &'static str = "";
        const PATH_PARAMS: &'static [&'static str] = &[];
        const SUCCESS_STATUS: u16 = 0;
        fn render_path(&self) -> ::std::string::String {
            ::core::unreachable!()
        }
    };
    let operation_impl = operation::operation_impl(operation, &rt, items);
    // The exchange and the constructor need only the types and the fields, so uses of them
    // raise no errors of their own.
    let exchange = operation::exchange_impl(operation, &rt);
    let constructor = operation::constructor(operation);
    quote! {
        #error
        const _: () = {
            #operation_impl
            #exchange
            #constructor
        };
    }
}

pub(crate) fn wire_enum(wire: &WireEnum, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let input = wire.original;
    if !matches!(input.data, syn::Data::Enum(_)) || !input.generics.params.is_empty() {
        // Stubs for a struct (no `Copy`) or a generic enum would only add errors.
        return error;
    }
    let rt = expand::runtime(wire.attrs.krate.as_ref());
    let ident = &input.ident;
    let code = wire.attrs.code.as_ref().map(|code| {
        quote! {
            pub const fn status(self) -> u16 { ::core::unreachable!() }
            pub fn code(self) -> #code { ::core::unreachable!() }
            pub fn from_code(_: &#code) -> ::core::option::Option<Self> { ::core::unreachable!() }
        }
    });
    let traits = wire::wire_traits(ident, &rt, &quote!(""), &quote!(::core::unreachable!()));
    let values = wire.attrs.code.is_none().then(|| wire::value_traits(ident, &rt));
    quote! {
        #error
        const _: () = {
            impl #ident {
                pub const ALL: &'static [Self] = &[];
                pub const fn as_str(self) -> &'static str { ::core::unreachable!() }
                #code
            }
            #traits
            #values
        };
    }
}

pub(crate) fn lean_struct(lean: &LeanStruct, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let input = lean.original;
    if !matches!(input.data, syn::Data::Struct(_)) || !input.generics.params.is_empty() {
        return error;
    }
    let serde = quote!(::wacr_runtime::__private::serde);
    let ident = &input.ident;
    let stub = match lean.direction {
        Direction::Serialize => quote! {
            impl #serde::Serialize for #ident {
                fn serialize<__S: #serde::Serializer>(&self, _: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    ::core::unreachable!()
                }
            }
        },
        Direction::Deserialize => quote! {
            impl<'de> #serde::Deserialize<'de> for #ident {
                fn deserialize<__D: #serde::Deserializer<'de>>(_: __D) -> ::core::result::Result<Self, __D::Error> {
                    ::core::unreachable!()
                }
            }
        },
    };
    quote! {
        #error
        const _: () = {
            #stub
        };
    }
}

/// The relations without repeated names or variants, so the stub enum compiles.
fn distinct(relations: Vec<Relation>) -> Vec<Relation> {
    let mut seen = BTreeSet::new();
    let mut keep = |relation: &Relation| {
        let wire_new = seen.insert(relation.wire.to_ascii_lowercase());
        let variant_new = seen.insert(format!("variant {}", relation.variant));
        wire_new && variant_new
    };
    relations
        .into_iter()
        .filter(|relation| keep(relation))
        .collect()
}
