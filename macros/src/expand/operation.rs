//! `#[derive(Operation)]`: `impl Operation`, the optional `impl Exchange` and the constructor.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{Ident, LitStr};

use super::new::new_fn;
use super::{runtime, status_literal};
use crate::ast::Operation;
use crate::attr::ScopeSpec;
use crate::syntax::{self, Piece};
use crate::valid;

pub(crate) fn operation_impls(operation: &Operation) -> TokenStream {
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
