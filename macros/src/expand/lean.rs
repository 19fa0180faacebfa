//! The lean `Serialize` and `Deserialize` (and so `Sent` and `Received`): one call each into
//! `wacr_runtime::__private::{ser, de}`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::runtime;
use crate::ast::LeanStruct;

/// `Serialize` as one call: the fields as a tuple of references, `SkipIf` for the fields with
/// `skip_serializing_if`, written by `wacr_runtime::__private::ser`.
pub(crate) fn serialize_impl(lean: &LeanStruct) -> TokenStream {
    let rt = runtime(None);
    let (serde, ser) = (quote!(#rt::__private::serde), quote!(#rt::__private::ser));
    let ident = &lean.original.ident;
    let name = lean.name();
    let (fields, wires): (Vec<_>, Vec<_>) = lean.wire_fields().unzip();
    let values = fields.iter().map(|field| {
        let member = field.ident();
        match &field.serde.skip_if {
            Some(predicate) => {
                let predicate = predicate.parse::<syn::ExprPath>().unwrap_or_else(|e| syn::parse_quote_spanned!(e.span()=> ::core::compile_error!("expected a path to a function")));
                quote!(#ser::SkipIf(&self.#member, #predicate(&self.#member)))
            }
            None => quote!(&self.#member),
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #ident {
                fn serialize<__S: #serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    #ser::serialize_struct(serializer, #name, &[#(#wires),*], (#(#values,)*))
                }
            }
        };
    }
}

/// `Deserialize` as one call: the field types as a tuple (`Plain<T>`, or `OrDefault<T>` for
/// `#[serde(default)]`), read by `wacr_runtime::__private::de` into a tuple of values.
pub(crate) fn deserialize_impl(lean: &LeanStruct) -> TokenStream {
    let rt = runtime(None);
    let (serde, de) = (quote!(#rt::__private::serde), quote!(#rt::__private::de));
    let ident = &lean.original.ident;
    let (name, type_name) = (lean.name(), ident.to_string());
    let (fields, wires): (Vec<_>, Vec<_>) = lean.wire_fields().unzip();
    let types = fields.iter().map(|field| {
        let ty = &field.original.ty;
        if field.serde.default { quote!(#de::OrDefault<#ty>) } else { quote!(#de::Plain<#ty>) }
    });
    let values: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("__field{i}")).collect();
    let inits = lean.fields.iter().map(|field| {
        let member = field.ident();
        match fields.iter().position(|f| std::ptr::eq(f.original, field.original)) {
            Some(i) => {
                let value = &values[i];
                quote!(#member: #value)
            }
            None => quote!(#member: ::core::default::Default::default()),
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #ident {
                fn deserialize<__D: #serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    let (#(#values,)*) = #de::deserialize_struct::<(#(#types,)*), __D>(deserializer, #name, #type_name, &[#(#wires),*])?;
                    ::core::result::Result::Ok(#ident { #(#inits,)* })
                }
            }
        };
    }
}
