//! `#[derive(New)]`, and the `new` that `#[operation(new)]` writes too.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{DeriveInput, Ident};

use crate::input::named_fields;

/// `new` of a struct with named fields: the fields serde cannot leave out are its arguments, in
/// declaration order; the others (`#[serde(default)]`, `skip`, `skip_deserializing`) start at
/// their `Default`.
pub(crate) fn derive_new(input: &DeriveInput) -> TokenStream {
    let fields = match named_fields(input, "New") {
        Ok(fields) => fields,
        Err(error) => return error.into_compile_error(),
    };
    let (defaults, args): (Vec<&syn::Field>, Vec<&syn::Field>) =
        fields.into_iter().partition(|f| crate::serde_attr::defaulted(&f.attrs));
    let arg_names: Vec<_> = args.iter().map(|f| &f.ident).collect();
    let arg_types: Vec<_> = args.iter().map(|f| &f.ty).collect();
    let default_names: Vec<_> = defaults.iter().map(|f| &f.ident).collect();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let doc = match (args.is_empty(), defaults.is_empty()) {
        (true, _) => " Every field at its default.",
        (false, true) => " With every field.",
        (false, false) => " With the required fields; the others start at their default.",
    };
    let new = new_fn(ident, doc, &arg_names, &arg_types, &default_names);
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #new
        }
    }
}

/// `pub fn new` taking `args` (of `types`), every field of `defaults` at its `Default`: what
/// `#[derive(New)]` and `#[operation(new)]` write. A `String` argument is taken as
/// `impl Into<String>`, so that `new("+91…", "Hello")` compiles.
pub(crate) fn new_fn(ident: &Ident, doc: &str, args: &[impl ToTokens], types: &[&syn::Type], defaults: &[impl ToTokens]) -> TokenStream {
    let (params, values): (Vec<_>, Vec<_>) = args
        .iter()
        .zip(types)
        .map(|(arg, ty)| match is_string(ty) {
            true => (quote!(#arg: impl ::core::convert::Into<#ty>), quote!(#arg: #arg.into())),
            false => (quote!(#arg: #ty), quote!(#arg)),
        })
        .unzip();
    quote! {
        #[doc = #doc]
        #[allow(clippy::too_many_arguments)]
        pub fn new(#(#params),*) -> Self {
            #ident { #(#values,)* #(#defaults: ::core::default::Default::default(),)* }
        }
    }
}

/// `String` (or a path ending in it, `std::string::String`), without generics.
fn is_string(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_none()),
        _ => false,
    }
}
