//! Code generation: each derive runs parse → check → expand here, and hands a failure to
//! `fallback`. Generated items name everything by absolute path and sit in `const _: () = {}`,
//! except the documented include enum.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{DeriveInput, Ident, LitInt, LitStr, Path};

use crate::ast::{LeanStruct, Operation, Relation, Resource, Scope, WireEnum};
use crate::attr::Direction;
use crate::attr::ScopeSpec;
use crate::ctxt::Errors;
use crate::syntax::{self, Piece};
use crate::{fallback, valid};

pub(crate) fn derive_resource(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let resource = Resource::from_syn(&errors, input);
    valid::resource(&errors, &resource);
    match errors.finish() {
        Ok(()) => resource_impls(&resource),
        Err(error) => fallback::resource(&resource, error),
    }
}

pub(crate) fn derive_scope(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let scope = Scope::from_syn(&errors, input);
    valid::scope(&errors, &scope);
    match errors.finish() {
        Ok(()) => scope_impls(&scope),
        Err(error) => fallback::scope(&scope, error),
    }
}

pub(crate) fn derive_operation(input: &DeriveInput) -> TokenStream {
    let errors = Errors::default();
    let operation = Operation::from_syn(&errors, input);
    valid::operation(&errors, &operation);
    match errors.finish() {
        Ok(()) => operation_impls(&operation),
        Err(error) => fallback::operation(&operation, error),
    }
}

pub(crate) fn derive_wire_enum(input: &DeriveInput) -> TokenStream {
    wire_enum(input, false)
}

/// `WireError`: a `WireEnum` whose code enum is `ErrorCode` unless `#[wire(code = ...)]` names
/// another.
pub(crate) fn derive_wire_error(input: &DeriveInput) -> TokenStream {
    wire_enum(input, true)
}

fn wire_enum(input: &DeriveInput, error: bool) -> TokenStream {
    let errors = Errors::default();
    let mut wire = WireEnum::from_syn(&errors, input);
    if error && wire.attrs.code.is_none() {
        wire.attrs.code = Some(syn::parse_quote_spanned!(input.ident.span()=> ErrorCode));
    }
    valid::wire_enum(&errors, &wire);
    match errors.finish() {
        Ok(()) => wire_enum_impls(&wire),
        Err(error) => fallback::wire_enum(&wire, error),
    }
}

pub(crate) fn derive_lean(input: &DeriveInput, direction: Direction) -> TokenStream {
    let errors = Errors::default();
    let lean = LeanStruct::from_syn(&errors, input, direction);
    valid::lean_struct(&errors, &lean);
    match (errors.finish(), direction) {
        (Ok(()), Direction::Serialize) => serialize_impl(&lean),
        (Ok(()), Direction::Deserialize) => deserialize_impl(&lean),
        (Err(error), _) => fallback::lean_struct(&lean, error),
    }
}

/// `Sent` and `Received`: the lean `Serialize` behind `cfg(feature = writer)` and the lean
/// `Deserialize` behind `cfg(feature = reader)`. Each direction reads the attributes for its
/// own renames; the errors are reported once and not behind a feature, so a bad attribute
/// fails every build.
pub(crate) fn derive_sides(input: &DeriveInput, writer: &str, reader: &str) -> TokenStream {
    let errors = Errors::default();
    let lean = LeanStruct::from_syn(&errors, input, Direction::Serialize);
    valid::lean_struct(&errors, &lean);
    if let Err(error) = errors.finish() {
        return fallback::lean_struct(&lean, error);
    }
    let read = Errors::default();
    let reading = LeanStruct::from_syn(&read, input, Direction::Deserialize);
    valid::lean_struct(&read, &reading);
    if let Err(error) = read.finish() {
        return fallback::lean_struct(&reading, error);
    }
    let (serialize, deserialize) = (serialize_impl(&lean), deserialize_impl(&reading));
    quote! {
        #[cfg(feature = #writer)]
        #serialize
        #[cfg(feature = #reader)]
        #deserialize
    }
}

/// The named fields of a struct, or an error naming the derive.
pub(crate) fn named_fields<'a>(input: &'a DeriveInput, derive: &str) -> syn::Result<Vec<&'a syn::Field>> {
    match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(fields), .. }) => Ok(fields.named.iter().collect()),
        _ => Err(syn::Error::new_spanned(&input.ident, format!("#[derive({derive})] applies to structs with named fields"))),
    }
}

/// `new` of a struct with named fields: the fields serde cannot leave out are its arguments, in
/// declaration order; the others (`#[serde(default)]`, `skip`, `skip_deserializing`) start at
/// their `Default`.
pub(crate) fn derive_new(input: &DeriveInput) -> TokenStream {
    let fields = match named_fields(input, "New") {
        Ok(fields) => fields,
        Err(error) => return error.into_compile_error(),
    };
    let (defaults, args): (Vec<&syn::Field>, Vec<&syn::Field>) =
        fields.into_iter().partition(|f| crate::attr::serde_defaulted(&f.attrs));
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
/// `#[derive(New)]` and `#[operation(new)]` write.
fn new_fn(ident: &Ident, doc: &str, args: &[impl ToTokens], types: &[&syn::Type], defaults: &[impl ToTokens]) -> TokenStream {
    quote! {
        #[doc = #doc]
        #[allow(clippy::too_many_arguments)]
        pub fn new(#(#args: #types),*) -> Self {
            #ident { #(#args,)* #(#defaults: ::core::default::Default::default(),)* }
        }
    }
}

/// The runtime crate path: `::wacr_runtime` unless overridden with `crate = ...`.
pub(crate) fn runtime(krate: Option<&Path>) -> TokenStream {
    krate.map_or_else(|| quote!(::wacr_runtime), ToTokens::to_token_stream)
}

fn resource_impls(resource: &Resource) -> TokenStream {
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

            #[automatically_derived]
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match *self { #(Self::#variants => ::core::fmt::Formatter::write_str(f, #wires),)* }
                }
            }

            #[automatically_derived]
            impl ::core::str::FromStr for #name {
                type Err = #rt::include::IncludeError;
                fn from_str(name: &str) -> ::core::result::Result<Self, Self::Err> {
                    #rt::__private::include_from_str(name)
                }
            }
        };
    }
}

fn scope_impls(scope: &Scope) -> TokenStream {
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

            #[automatically_derived]
            impl ::core::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    match *self { #(Self::#variants => ::core::fmt::Formatter::write_str(f, #strings),)* }
                }
            }

            #[automatically_derived]
            impl ::core::str::FromStr for #ident {
                type Err = #rt::scope::ScopeError;
                fn from_str(scope: &str) -> ::core::result::Result<Self, Self::Err> {
                    #rt::__private::scope_from_str(scope)
                }
            }

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

fn wire_enum_impls(wire: &WireEnum) -> TokenStream {
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

/// `Serialize` as one call: the fields as a tuple of references, `SkipIf` for the fields with
/// `skip_serializing_if`, written by `wacr_runtime::__private::ser`.
fn serialize_impl(lean: &LeanStruct) -> TokenStream {
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
fn deserialize_impl(lean: &LeanStruct) -> TokenStream {
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

fn operation_impls(operation: &Operation) -> TokenStream {
    let rt = runtime(operation.attrs.krate.as_ref());
    let attrs = &operation.attrs;
    let (Some(id), Some(method), Some(path), Some(status)) =
        (&attrs.id, &attrs.method, &attrs.path, &attrs.status)
    else {
        unreachable!("valid::operation checked the required keys");
    };
    let method = format_ident!(
        "{}",
        method_variant(&method.to_string()),
        span = method.span()
    );
    let status = status_literal(status);
    let template = path.value();
    let pieces = syntax::parse_template(&template).expect("valid::operation checked the template");
    let params = pieces.iter().filter_map(|piece| match piece {
        Piece::Param(name) => Some(*name),
        Piece::Literal(_) => None,
    });
    let render = render_path(operation, &pieces, &rt);
    let items = quote! {
        const ID: &'static str = #id;
        const METHOD: #rt::operation::Method = #rt::operation::Method::#method;
        const PATH: &'static str = #path;
        const PATH_PARAMS: &'static [&'static str] = &[#(#params),*];
        const SUCCESS_STATUS: u16 = #status;
        fn render_path(&self) -> ::std::string::String {
            #render
        }
    };
    let operation_impl = operation_impl(operation, &rt, items);
    let exchange = exchange_impl(operation, &rt);
    let constructor = constructor(operation);
    quote! {
        const _: () = {
            #operation_impl
            #exchange
            #constructor
        };
    }
}

/// With `#[operation(output = T, error = E)]`: `impl Exchange`. The body is the field named
/// `body` and the query pairs come from the field named `query` (its `to_pairs`, as
/// `#[derive(Query)]` writes it); `shape` and `sends_message` override the trait's defaults.
/// `fallback` uses it too, as the types are checked by rustc in either case.
pub(crate) fn exchange_impl(operation: &Operation, rt: &TokenStream) -> Option<TokenStream> {
    let attrs = &operation.attrs;
    let (Some(output), Some(error)) = (&attrs.output, &attrs.error) else {
        return None;
    };
    let ident = &operation.original.ident;
    let (impl_generics, ty_generics, where_clause) = operation.original.generics.split_for_impl();
    let field = |name: &str| operation.fields.iter().find(|f| f.original.ident.as_ref().is_some_and(|i| i.unraw() == name));
    let (body_type, body) = match field("body") {
        Some(f) => {
            let ty = &f.original.ty;
            (quote!(#ty), quote!(::core::option::Option::Some(&self.body)))
        }
        None => (quote!(()), quote!(::core::option::Option::None)),
    };
    let query = match field("query") {
        Some(f) => quote_spanned!(f.original.ty.span()=> self.query.to_pairs()),
        None => quote!(::std::vec::Vec::new()),
    };
    let shape = attrs
        .shape
        .as_ref()
        .filter(|shape| valid::SHAPES.contains(&shape.to_string().as_str()))
        .map(|shape| quote!(const SHAPE: #rt::operation::Shape = #rt::operation::Shape::#shape;));
    let sends = attrs.sends_message.then(|| quote!(const SENDS_MESSAGE: bool = true;));
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics #rt::operation::Exchange for #ident #ty_generics #where_clause {
            type Body = #body_type;
            type Output = #output;
            type Error = #error;
            #shape
            #sends
            fn body(&self) -> ::core::option::Option<&Self::Body> {
                #body
            }
            fn query_pairs(&self) -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> {
                #query
            }
        }
    })
}

/// With `#[operation(new)]`: `new`, taking the `#[path_param]` fields and the `body` field in
/// declaration order, every other field at its default; and `with_<field>` for each of those.
pub(crate) fn constructor(operation: &Operation) -> Option<TokenStream> {
    if !operation.attrs.new || !operation.is_struct() || operation.fields.iter().any(|f| f.original.ident.is_none()) {
        return None;
    }
    let ident = &operation.original.ident;
    let (impl_generics, ty_generics, where_clause) = operation.original.generics.split_for_impl();
    let is_arg = |f: &&crate::ast::Field| f.path_param.is_some() || f.name() == "body";
    let (args, defaults): (Vec<_>, Vec<_>) = operation.fields.iter().partition(is_arg);
    let arg_names: Vec<Ident> = args.iter().map(|f| f.ident()).collect();
    let arg_types: Vec<&syn::Type> = args.iter().map(|f| &f.original.ty).collect();
    let default_names: Vec<Ident> = defaults.iter().map(|f| f.ident()).collect();
    let params: Vec<String> = args.iter().filter(|f| f.path_param.is_some()).map(|f| format!("`{}`", f.name())).collect();
    let mut given = Vec::new();
    if !params.is_empty() {
        given.push(format!("the path parameters {}", params.join(", ")));
    }
    if args.iter().any(|f| f.path_param.is_none()) {
        given.push("this body".to_owned());
    }
    let rest: Vec<String> = default_names.iter().map(|f| format!("`{}`", f.unraw())).collect();
    let rest = match rest.len() {
        0 => String::new(),
        1 => format!("{} at its default", rest[0]),
        _ => format!("{} at their defaults", rest.join(", ")),
    };
    let doc = match (given.is_empty(), rest.is_empty()) {
        (true, true) => " The request (the operation takes no parameters).".to_owned(),
        (true, false) => format!(" A request with {rest}."),
        (false, true) => format!(" A request with {}.", given.join(" and ")),
        (false, false) => format!(" A request with {}; {rest}.", given.join(" and ")),
    };
    let withs = defaults.iter().map(|f| {
        let field = f.ident();
        let ty = &f.original.ty;
        let method = format_ident!("with_{}", field.unraw());
        let doc = format!(" Replaces `{}`.", field.unraw());
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #method(mut self, #field: #ty) -> Self {
                self.#field = #field;
                self
            }
        }
    });
    let new = new_fn(ident, &doc, &arg_names, &arg_types, &default_names);
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #new
            #(#withs)*
        }
    })
}

/// `impl Operation` with the scope items and the given other `items`; `fallback` uses it with
/// stub items, so that a scope variant that does not exist is reported in either case.
pub(crate) fn operation_impl(
    operation: &Operation,
    rt: &TokenStream,
    items: TokenStream,
) -> TokenStream {
    let ident = &operation.original.ident;
    let (impl_generics, ty_generics, where_clause) = operation.original.generics.split_for_impl();
    let scope_type = operation.scope_type();
    let scope = match (&operation.attrs.scope, &scope_type) {
        (Some(ScopeSpec::Variant(path)), Some(_)) => quote!(::core::option::Option::Some(#path)),
        _ => quote!(::core::option::Option::None),
    };
    let scope_type =
        scope_type.map_or_else(|| quote!(#rt::__private::FallbackScope), |ty| quote!(#ty));
    quote! {
        #[automatically_derived]
        impl #impl_generics #rt::operation::Operation for #ident #ty_generics #where_clause {
            type Scope = #scope_type;
            const SCOPE: ::core::option::Option<Self::Scope> = #scope;
            #items
        }
    }
}

/// The body of `render_path`: literal text pushed as is, each parameter encoded. A parameter
/// whose type is not `Display` is reported at the field's type.
fn render_path(operation: &Operation, pieces: &[Piece], rt: &TokenStream) -> TokenStream {
    let template = operation
        .attrs
        .path
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_default();
    if pieces
        .iter()
        .all(|piece| matches!(piece, Piece::Literal(_)))
    {
        return quote!(::std::string::String::from(#template));
    }
    let pushes = pieces.iter().map(|piece| match piece {
        Piece::Literal(text) => quote!(path.push_str(#text);),
        Piece::Param(name) => {
            let field = operation.path_fields().find(|field| field.name() == *name);
            let field = field.expect("valid::operation matched params to fields");
            let ident = field.ident();
            quote_spanned!(field.original.ty.span()=> #rt::__private::push_path_param(&mut path, &self.#ident);)
        }
    });
    let capacity = template.len() + 16;
    quote! {
        let mut path = ::std::string::String::with_capacity(#capacity);
        #(#pushes)*
        path
    }
}

fn method_variant(method: &str) -> &'static str {
    match method {
        "GET" => "Get",
        "POST" => "Post",
        "PUT" => "Put",
        "PATCH" => "Patch",
        _ => "Delete",
    }
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
