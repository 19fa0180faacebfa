//! `#[derive(Query)]` and `#[derive(Filters)]`: the query-string form of an operation's query
//! parameters and of its `filter[field][op]=` conditions, so that client and server share one
//! wire form and the generated models declare it instead of spelling it out.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt as _;
use syn::{DeriveInput, Ident, LitStr, Type};

use crate::attr;
use crate::ctxt::Errors;
use crate::expand::runtime;
use crate::input::named_fields;

/// How one query field renders and parses, read from its type and `#[query(...)]`.
enum Kind {
    /// `Option<T>`: one `key=value` when set.
    Scalar,
    /// `Vec<T>`: one `key=a,b` when not empty.
    List,
    /// `IncludeSet<T>`: `key=a,b` of relation names.
    Include,
    /// `#[query(filters = "filter")]`: a `#[derive(Filters)]` type behind that key.
    Filters(LitStr),
}

struct QueryField<'a> {
    ident: &'a Ident,
    key: String,
    aliases: Vec<LitStr>,
    kind: Kind,
}

/// The last path segment of a type: `Option` for `Option<u32>`, `IncludeSet` for
/// `rt::IncludeSet<ContactInclude>`.
fn outer(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn query_field<'a>(errors: &Errors, field: &'a syn::Field) -> Option<QueryField<'a>> {
    let ident = field.ident.as_ref()?;
    let mut key = ident.unraw().to_string();
    let mut aliases = Vec::new();
    let mut filters = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("query")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                key = meta.value()?.parse::<LitStr>()?.value();
            } else if meta.path.is_ident("alias") {
                aliases.push(meta.value()?.parse::<LitStr>()?);
            } else if meta.path.is_ident("filters") {
                filters = Some(meta.value()?.parse::<LitStr>()?);
            } else {
                return Err(meta.error("unknown key in #[query(...)]; expected `rename`, `alias` or `filters`"));
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    let kind = match (filters, outer(&field.ty).as_deref()) {
        (Some(prefix), _) => Kind::Filters(prefix),
        (None, Some("Option")) => Kind::Scalar,
        (None, Some("Vec")) => Kind::List,
        (None, Some("IncludeSet")) => Kind::Include,
        (None, _) => {
            let message = format!(
                "query field `{}` needs a query form: make it Option<T> (one value), Vec<T> (a comma list) or \
                 IncludeSet<T> (relations), or mark a filters type #[query(filters = \"filter\")]",
                ident.unraw()
            );
            errors.spanned(&field.ty, message);
            return None;
        }
    };
    Some(QueryField { ident, key, aliases, kind })
}

/// `to_pairs` and `from_pairs` of a query struct (which must implement `Default`).
pub(crate) fn derive_query(input: &DeriveInput) -> TokenStream {
    let fields = match named_fields(input, "Query") {
        Ok(fields) => fields,
        Err(error) => return error.into_compile_error(),
    };
    let errors = Errors::default();
    let fields: Vec<QueryField> = fields.into_iter().filter_map(|f| query_field(&errors, f)).collect();
    let krate = attr::crate_container(&errors, &input.attrs, "query");
    if let Err(error) = errors.finish() {
        return error.into_compile_error();
    }
    let rt = runtime(krate.as_ref());
    let q = quote!(#rt::query);
    let render = fields.iter().map(|f| {
        let (ident, key) = (f.ident, &f.key);
        match &f.kind {
            Kind::Scalar => quote!(pairs.opt(#key, &self.#ident);),
            Kind::List => quote!(pairs.list(#key, &self.#ident);),
            Kind::Include => quote!(pairs.include(#key, &self.#ident);),
            Kind::Filters(prefix) => quote!(self.#ident.write_pairs(#prefix, &mut pairs);),
        }
    });
    let arms = fields.iter().filter(|f| !matches!(f.kind, Kind::Filters(_))).map(|f| {
        let (ident, key, aliases) = (f.ident, &f.key, &f.aliases);
        let parse = match f.kind {
            Kind::Scalar => quote!(::core::option::Option::Some(#q::parse_scalar(key, value)?)),
            Kind::List => quote!(#q::parse_list(key, value)?),
            _ => quote!(#q::parse_include(key, value)?),
        };
        quote!(#key #(| #aliases)* => query.#ident = #parse,)
    });
    let filter_arms = fields.iter().filter_map(|f| match &f.kind {
        Kind::Filters(prefix) => {
            let ident = f.ident;
            Some(quote! {
                if let ::core::option::Option::Some((field, op)) = #q::filter_key(#prefix, key) {
                    query.#ident.push_pair(key, field, op, value)?;
                }
            })
        }
        _ => None,
    });
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The query pairs to send, leaving out what is not set.
            pub fn to_pairs(&self) -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> {
                let mut pairs = #q::QueryPairs::new();
                #(#render)*
                pairs.into_pairs()
            }

            /// Parses decoded query pairs; parameters the operation does not know are ignored.
            #[allow(clippy::single_match)]
            pub fn from_pairs<'a>(
                pairs: impl ::core::iter::IntoIterator<Item = (&'a str, &'a str)>,
            ) -> ::core::result::Result<Self, #rt::QueryError> {
                let mut query = <Self as ::core::default::Default>::default();
                for (key, value) in pairs {
                    match key {
                        #(#arms)*
                        _ => { #(#filter_arms)* }
                    }
                }
                ::core::result::Result::Ok(query)
            }
        }
    }
}

/// `OPERATORS`, `is_empty`, `push_pair` and `write_pairs` of a filters struct: each field is a
/// `Vec<Filter<T, Ops>>` (a `FilterField`), whose operator set `Ops` gives the operators it
/// allows, and filters by its own name (`#[filter(rename = "...")]` for another).
pub(crate) fn derive_filters(input: &DeriveInput) -> TokenStream {
    let fields = match named_fields(input, "Filters") {
        Ok(fields) => fields,
        Err(error) => return error.into_compile_error(),
    };
    let errors = Errors::default();
    let mut idents = Vec::new();
    let mut wires = Vec::new();
    let mut types = Vec::new();
    for field in &fields {
        let Some(ident) = field.ident.as_ref() else { continue };
        let mut wire = ident.unraw().to_string();
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("filter")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown key in #[filter(...)]; expected `rename = \"...\"` (a field's operators are those of its type, `Vec<Filter<T, Ops>>`)",
                    ))
                }
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        idents.push(ident);
        wires.push(wire);
        types.push(&field.ty);
    }
    let krate = attr::crate_container(&errors, &input.attrs, "filter");
    if let Err(error) = errors.finish() {
        return error.into_compile_error();
    }
    let rt = runtime(krate.as_ref());
    let q = quote!(#rt::query);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The fields that can be filtered by, with the operators each allows.
            pub const OPERATORS: &'static [(&'static str, &'static [#rt::FilterOp])] =
                &[#((#wires, <#types as #q::FilterField>::OPERATORS)),*];

            /// Whether no condition is set.
            pub fn is_empty(&self) -> bool {
                true #(&& self.#idents.is_empty())*
            }

            /// Adds the condition of one `filter[field][op]=value` pair (`key` is the whole key,
            /// for errors).
            pub fn push_pair(
                &mut self,
                key: &str,
                field: &str,
                op: ::core::option::Option<&str>,
                value: &str,
            ) -> ::core::result::Result<(), #rt::QueryError> {
                match field {
                    #(#wires => #q::FilterField::push_pair(&mut self.#idents, key, op, value),)*
                    _ => #q::allowed_ops(Self::OPERATORS, key, field).map(|_| ()),
                }
            }

            /// Appends the conditions as `prefix[field][op]=value` pairs.
            pub fn write_pairs(&self, prefix: &str, pairs: &mut #q::QueryPairs) {
                #(#q::FilterField::write_pairs(&self.#idents, prefix, #wires, pairs);)*
            }
        }
    }
}

/// `Operators` and one `Allows<op::X>` per operator of an operator set: a (usually empty)
/// enum marked `#[filter(Eq, Ne, In)]` with the `FilterOp` variants it allows.
pub(crate) fn derive_filter_ops(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let mut ops: Vec<Ident> = Vec::new();
    let mut krate = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("filter")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = Some(meta.value()?.parse::<syn::Path>()?);
            } else if let Some(op) = meta.path.get_ident() {
                ops.push(op.clone());
            } else {
                return Err(meta.error("expected a FilterOp variant (`Eq`, `NotIn`, ...) or `crate = path`"));
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    if ops.is_empty() {
        let message = format!("operator set `{}` allows no operator; list them, as #[filter(Eq, In)]", input.ident);
        errors.spanned(&input.ident, message);
    }
    if let Err(error) = errors.finish() {
        return error.into_compile_error();
    }
    let (set, rt) = (&input.ident, runtime(krate.as_ref()));
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let set = quote!(#set #ty_generics #where_clause);
    quote! {
        #[automatically_derived]
        impl #impl_generics #rt::query::Operators for #set {
            const ALLOWED: &'static [#rt::FilterOp] = &[#(#rt::FilterOp::#ops),*];
        }
        #(
            #[automatically_derived]
            impl #impl_generics #rt::query::Allows<#rt::query::op::#ops> for #set {}
        )*
    }
}
