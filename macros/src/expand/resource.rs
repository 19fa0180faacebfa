//! `#[derive(Resource)]`: the include enum and `impl Resource`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{DeriveInput, Ident};

use super::{indices, runtime, string_impls};
use crate::ast::{Relation, Resource};

pub(crate) fn resource_impls(resource: &Resource) -> TokenStream {
    let rt = runtime(resource.attrs.krate.as_ref());
    let relations = resource.relations();
    let include_enum = include_enum(resource.original, &resource.include_enum(), &relations, &rt);
    let resource_impl = resource_impl(resource, &relations, &rt);
    quote! {
        #include_enum
        const _: () = {
            #resource_impl
        };
    }
}

fn resource_impl(resource: &Resource, relations: &[Relation], rt: &TokenStream) -> TokenStream {
    let name = resource.include_enum();
    let ident = &resource.original.ident;
    let (impl_generics, ty_generics, where_clause) = resource.original.generics.split_for_impl();
    let set = quote!(#rt::include::IncludeSet<#name>);
    let fields: Vec<Ident> = relations
        .iter()
        .map(|relation| relation.field.ident())
        .collect();
    let variants: Vec<&Ident> = relations.iter().map(|relation| &relation.variant).collect();
    // Without relations the parameter is unused and nothing is inserted: avoid both warnings.
    let requested = if relations.is_empty() {
        format_ident!("_requested")
    } else {
        format_ident!("requested")
    };
    let included = if relations.is_empty() {
        quote!(#rt::include::IncludeSet::new())
    } else {
        quote! {
            let mut included = #rt::include::IncludeSet::new();
            #(if ::core::option::Option::is_some(&self.#fields) { included.insert(#name::#variants); })*
            included
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #rt::include::Resource for #ident #ty_generics #where_clause {
            type Include = #name;
            fn retain_includes(&mut self, #requested: #set) {
                #(if !#requested.contains(#name::#variants) { self.#fields = ::core::option::Option::None; })*
            }
            fn included(&self) -> #set {
                #included
            }
        }
    }
}

/// The include enum of a resource and its trait impls; `fallback` emits it too, so that a
/// mistake elsewhere in the struct is not followed by "cannot find type" errors.
pub(crate) fn include_enum(
    input: &DeriveInput,
    name: &Ident,
    relations: &[Relation],
    rt: &TokenStream,
) -> TokenStream {
    let vis = &input.vis;
    let doc = format!(
        "The relations of [`{}`] that `?include=` can load.",
        input.ident
    );
    let variants: Vec<&Ident> = relations.iter().map(|relation| &relation.variant).collect();
    let wires: Vec<&str> = relations
        .iter()
        .map(|relation| relation.wire.as_str())
        .collect();
    let docs = relations.iter().map(|relation| {
        format!(
            "`{}`: loads the field `{}`.",
            relation.wire,
            relation.field.name()
        )
    });
    let indices = indices(relations.len());
    let strings = string_impls(name, &variants, &wires, quote!(#rt::include::IncludeError), quote!(#rt::__private::include_from_str));
    quote! {
        #[doc = #doc]
        #[derive(
            ::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::cmp::PartialEq,
            ::core::cmp::Eq, ::core::cmp::PartialOrd, ::core::cmp::Ord, ::core::hash::Hash,
        )]
        #vis enum #name {
            #(#[doc = #docs] #variants,)*
        }

        const _: () = {
            #[automatically_derived]
            impl #rt::include::Include for #name {
                const ALL: &'static [Self] = &[#(Self::#variants),*];
                const NAMES: &'static [&'static str] = &[#(#wires),*];
                fn as_str(self) -> &'static str {
                    match self { #(Self::#variants => #wires,)* }
                }
                fn index(self) -> u32 {
                    match self { #(Self::#variants => #indices,)* }
                }
            }

            #strings
        };
    }
}
