//! The types of one operation: `{P}Request` (deriving `wacr_macros::Operation`), `{P}Query`
//! with its sort-field enum and filters, `{P}Body`, the `{P}Response` alias and `{P}Error`.
//! Query types render themselves to query pairs and parse from them, so the client and the
//! server share one wire form.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::doc::{self, Doc};
use super::{int, to_ident, Context, Side, Travel, WireEnumDef, WireValue};
use crate::ident;
use crate::ir::*;

/// Every item of one operation, in a fixed order.
pub(super) fn items(cx: &Context, op: &Operation) -> TokenStream {
    let mut items = vec![request(cx, op)];
    if op.has_query() {
        items.push(query(cx, op));
    }
    if let Some(list) = &op.list {
        if !list.sort.is_empty() {
            items.push(sort_field(op, list));
        }
        if !list.filters.is_empty() {
            items.push(filters(cx, op, list));
        }
    }
    if let Some(body) = &op.body {
        items.push(self::body(cx, op, body));
    }
    items.push(response(cx, op));
    items.push(error(op));
    quote!(#(#items)*)
}

fn request(cx: &Context, op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::request(&op.type_prefix));
    let params: Vec<Ident> = op.path_params.iter().map(|f| to_ident(&f.rust)).collect();
    let param_types: Vec<TokenStream> = op.path_params.iter().map(|f| cx.ty(&f.ty, Side::Request)).collect();
    let param_docs = op.path_params.iter().map(|f| doc::field(f, &op.provenance).tokens());
    let query = op.has_query().then(|| to_ident(&ident::op::query(&op.type_prefix)));
    let body = op.body.as_ref().map(|_| to_ident(&ident::op::body(&op.type_prefix)));
    let query_field = query.as_ref().map(|q| quote!(#[doc = " The query parameters."] pub query: #q,));
    let query_init = query.as_ref().map(|_| quote!(query: Default::default(),));
    let with_query = query.as_ref().map(|q| {
        quote! {
            /// Replaces the query parameters.
            #[must_use]
            pub fn with_query(mut self, query: #q) -> Self {
                self.query = query;
                self
            }
        }
    });
    let body_field = body.as_ref().map(|b| quote!(#[doc = " The request body."] pub body: #b,));
    let body_arg = body.as_ref().map(|b| quote!(body: #b));
    let body_init = body.as_ref().map(|_| quote!(body,));
    let default = (params.is_empty() && body.is_none()).then(|| quote!(Default,));
    let new_doc = new_doc(!params.is_empty(), body.is_some(), query.is_some());
    let operation = operation_attr(cx, op);
    let docs = request_doc(cx, op).tokens();
    quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq, Operation)]
        #operation
        pub struct #name {
            #(#param_docs #[path_param] pub #params: #param_types,)*
            #query_field
            #body_field
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#params: #param_types,)* #body_arg) -> Self {
                #name { #(#params,)* #query_init #body_init }
            }

            #with_query
        }
    }
}

/// `#[operation(method = GET, path = "...")]` and `#[operation(id = "...", scope = Scope::X,
/// status = 200)]`, read by `#[derive(Operation)]`; `scope = none(Scope)` when the operation
/// needs none. Two attributes, so that each fits on one line.
fn operation_attr(cx: &Context, op: &Operation) -> TokenStream {
    let (id, path, status) = (&op.id, &op.path, int(op.response.status));
    let method = Ident::new(&op.method, Span::call_site());
    let scope = match op.scope.as_deref().and_then(|s| cx.api.scope(s)) {
        Some(s) => {
            let variant = to_ident(&s.variant);
            quote!(Scope::#variant)
        }
        None => quote!(none(Scope)),
    };
    quote! {
        #[operation(method = #method, path = #path)]
        #[operation(id = #id, scope = #scope, status = #status)]
    }
}

/// The doc of `new`, naming what it takes.
fn new_doc(params: bool, body: bool, query: bool) -> String {
    let given = match (params, body) {
        (true, true) => "these path parameters and body",
        (true, false) => "these path parameters",
        (false, true) => "this body",
        (false, false) => "",
    };
    match (given.is_empty(), query) {
        (true, true) => " A request with no query parameters set.".to_owned(),
        (true, false) => " The request (the operation takes no parameters).".to_owned(),
        (false, true) => format!(" A request with {given}, and no query parameters set."),
        (false, false) => format!(" A request with {given}."),
    }
}

fn request_doc(cx: &Context, op: &Operation) -> Doc {
    let scope = match &op.scope {
        Some(s) => format!("scope `{s}`"),
        None => "no scope (any valid token)".to_owned(),
    };
    let mut doc = Doc::new(&op.summary).text(&op.description).markdown(format!(
        "`{} {}`, {scope}, {} on success.",
        op.method, op.path, op.response.status
    ));
    if !op.behaviour.is_empty() {
        let bullets = op.behaviour.iter().map(|b| {
            let own = (b.provenance != op.provenance).then(|| format!(" ({})", doc::provenance(&b.provenance)));
            format!("- {}{}", doc::escape(&b.text), own.unwrap_or_default())
        });
        doc = doc.markdown(format!("Behaviour:\n{}", bullets.collect::<Vec<_>>().join("\n")));
    }
    for note in op.note.iter().chain(&op.notes) {
        doc = doc.note(Some(note));
    }
    for id in &op.contradictions {
        if let Some(c) = cx.api.contradictions.iter().find(|c| c.id == *id) {
            doc = doc.markdown(format!("Contradiction {id} ({}): {}.", doc::escape(&c.summary), doc::escape(&c.resolution)));
        }
    }
    doc.provenance(&op.provenance)
}

/// One query parameter: its field, how it renders to pairs and how it parses from one.
struct Param {
    field: TokenStream,
    render: TokenStream,
    parse: TokenStream,
}

fn query(cx: &Context, op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::query(&op.type_prefix));
    let mut params = Vec::new();
    params.extend(include_param(cx, op));
    if let Some(list) = &op.list {
        params.extend(list_params(cx, op, list));
    }
    if op.fields {
        let key = &cx.api.list_query.fields;
        params.push(Param {
            field: quote!(
                #[doc = " Only these fields of each item (`?fields=`); empty: all of them."]
                #[doc = ""]
                #[doc = " A selection that leaves out a field the typed model requires cannot decode into it:"]
                #[doc = " send such a request with `wacr_client::Client::execute_json`."]
                pub fields: Vec<String>
            ),
            render: quote!(pairs.list(#key, &self.fields);),
            parse: quote!(#key => query.fields = rt::query::parse_list(key, value)?,),
        });
    }
    params.extend(op.query.iter().map(|f| operation_param(cx, op, f)));
    let filter_arm = op.list.as_ref().filter(|l| !l.filters.is_empty()).map(|_| filter_arm(cx));
    // One known key and nothing to do for the others reads better as a match all the same.
    let single = (params.len() == 1 && filter_arm.is_none()).then(|| quote!(#[allow(clippy::single_match)]));
    let filter_arm = filter_arm.unwrap_or(quote!({}));
    let docs = Doc::default().markdown(format!("The query parameters of {}.", doc::escape(&op.summary))).tokens();
    let (fields, render, parse) = (params.iter().map(|p| &p.field), params.iter().map(|p| &p.render), params.iter().map(|p| &p.parse));
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            /// The query pairs to send, leaving out what is not set.
            pub fn to_pairs(&self) -> Vec<(String, String)> {
                let mut pairs = rt::query::QueryPairs::new();
                #(#render)*
                pairs.into_pairs()
            }

            /// Parses decoded query pairs; parameters the operation does not know are ignored.
            #single
            pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, rt::QueryError> {
                let mut query = Self::default();
                for (key, value) in pairs {
                    match key {
                        #(#parse)*
                        _ => #filter_arm,
                    }
                }
                Ok(query)
            }
        }
    }
}

fn include_param(cx: &Context, op: &Operation) -> Option<Param> {
    let model = op.include_model()?;
    let include = to_ident(&ident::include_enum(model));
    let key = &cx.api.list_query.include;
    let text = format!(" Relations to load (`?{key}=`): {}.", op.include.join(", "));
    Some(Param {
        field: quote!(#[doc = #text] pub include: rt::IncludeSet<#include>),
        render: quote!(pairs.include(#key, &self.include);),
        parse: quote!(#key => query.include = rt::query::parse_include(key, value)?,),
    })
}

fn list_params(cx: &Context, op: &Operation, list: &List) -> Vec<Param> {
    let (p, q) = (&cx.api.pagination, &cx.api.list_query);
    let page_doc = format!(" The page to return (from {}; default {}).", p.page_min, p.page_default);
    let per_page_doc = format!(" Items per page ({} to {}; default {}).", p.per_page_min, p.per_page_max, p.per_page_default);
    let mut params = vec![
        Param {
            field: quote!(#[doc = #page_doc] pub page: Option<u32>),
            render: quote!(pairs.opt("page", &self.page);),
            parse: quote!("page" => query.page = Some(rt::query::parse_scalar(key, value)?),),
        },
        Param {
            field: quote!(#[doc = #per_page_doc] pub per_page: Option<u32>),
            render: quote!(pairs.opt("per_page", &self.per_page);),
            parse: quote!("per_page" => query.per_page = Some(rt::query::parse_scalar(key, value)?),),
        },
    ];
    if !list.sort.is_empty() {
        let key = &q.sort;
        let field = to_ident(&ident::op::sort_field(&op.type_prefix));
        let default = list.default_sort.as_ref().map(|d| format!(" Default: `{d}`.")).unwrap_or_default();
        let text = format!(" Sort keys, first one first (`?{key}=`); empty: the server's order.{default}");
        params.push(Param {
            field: quote!(#[doc = #text] pub sort: Vec<rt::Sort<#field>>),
            render: quote!(pairs.list(#key, &self.sort);),
            parse: quote!(#key => query.sort = rt::query::parse_list(key, value)?,),
        });
    }
    if !list.search.is_empty() {
        let key = &q.search;
        let aliases = &q.search_aliases;
        let text = format!(" Partial match over {} (`?{key}=`).", list.search.join(", "));
        params.push(Param {
            field: quote!(#[doc = #text] pub search: Option<String>),
            render: quote!(pairs.opt(#key, &self.search);),
            parse: quote!(#key #(| #aliases)* => query.search = Some(value.to_owned()),),
        });
    }
    if !list.filters.is_empty() {
        let filters = to_ident(&ident::op::filters(&op.type_prefix));
        let key = &q.filter;
        let render = list.filters.iter().map(|f| {
            let (wire, field) = (&f.field, to_ident(&f.rust));
            quote!(pairs.filter(#key, #wire, &self.filters.#field);)
        });
        params.push(Param {
            field: quote!(#[doc = " Filter conditions (`?filter[field][op]=`)."] pub filters: #filters),
            render: quote!(#(#render)*),
            parse: quote!(),
        });
    }
    params
}

/// The fallback arm of `from_pairs`: `filter[field][op]` keys go to the filters type.
fn filter_arm(cx: &Context) -> TokenStream {
    let key = &cx.api.list_query.filter;
    quote! {
        if let Some((field, op)) = rt::query::filter_key(#key, key) {
            query.filters.push_pair(key, field, op, value)?;
        }
    }
}

/// `rt::FilterOp::NotIn` for `not_in`; the runtime enum has the variants of `api.yaml`.
fn operator(cx: &Context, wire: &str) -> TokenStream {
    let variant = cx.api.operators.iter().find(|o| o.wire == wire).map_or_else(|| ident::variant(wire), |o| o.variant.clone());
    let variant = to_ident(&variant);
    quote!(rt::FilterOp::#variant)
}

/// An operation-specific query parameter: always optional on the type (the server checks
/// requiredness), a list when the spec type is an array.
fn operation_param(cx: &Context, op: &Operation, f: &Field) -> Param {
    let (wire, name) = (&f.wire, to_ident(&f.rust));
    let docs = doc::field(f, &op.provenance).tokens();
    let item = cx.ty(f.ty.leaf(), Side::Request);
    let scalar = !matches!(f.ty.leaf(), Ty::Named(_, NamedKind::Model) | Ty::Json | Ty::File);
    assert!(scalar, "query parameter `{wire}` of `{}` has type {}, which has no query form", op.id, f.ty.spec_name());
    if matches!(f.ty, Ty::Array(_)) {
        return Param {
            field: quote!(#docs pub #name: Vec<#item>),
            render: quote!(pairs.list(#wire, &self.#name);),
            parse: quote!(#wire => query.#name = rt::query::parse_list(key, value)?,),
        };
    }
    Param {
        field: quote!(#docs pub #name: Option<#item>),
        render: quote!(pairs.opt(#wire, &self.#name);),
        parse: quote!(#wire => query.#name = Some(rt::query::parse_scalar(key, value)?),),
    }
}

fn sort_field(op: &Operation, list: &List) -> TokenStream {
    let doc = Doc::default().markdown(format!("A field {} can sort by.", doc::escape(&op.summary)));
    super::wire_enum(WireEnumDef {
        name: ident::op::sort_field(&op.type_prefix),
        spec_name: Some("sort field".to_owned()),
        doc,
        values: list.sort.iter().map(|s| WireValue::new(s, &ident::variant(s))).collect(),
    })
}

fn filters(cx: &Context, op: &Operation, list: &List) -> TokenStream {
    let name = to_ident(&ident::op::filters(&op.type_prefix));
    let fields: Vec<Ident> = list.filters.iter().map(|f| to_ident(&f.rust)).collect();
    let wires: Vec<&str> = list.filters.iter().map(|f| f.field.as_str()).collect();
    let types = list.filters.iter().map(|f| cx.ty(f.ty.leaf(), Side::Request));
    let operators = list.filters.iter().map(|f| {
        let ops = f.ops.iter().map(|o| operator(cx, o));
        quote!(&[#(#ops),*])
    });
    let docs = list.filters.iter().map(|f| {
        let ops = f.ops.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
        Doc::new(&f.description).markdown(format!("Operators: {ops}.")).own_provenance(&f.provenance, &op.provenance).tokens()
    });
    let empty = fields.iter().map(|f| quote!(self.#f.is_empty())).reduce(|a, b| quote!(#a && #b));
    let text = format!(" The filter conditions of {}; all of them must hold.", doc::escape(&op.summary));
    quote! {
        #[doc = #text]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#docs pub #fields: Vec<rt::FilterCond<#types>>,)*
        }

        impl #name {
            /// The fields that can be filtered by, with the operators each allows.
            pub const OPERATORS: &'static [(&'static str, &'static [rt::FilterOp])] = &[#((#wires, #operators)),*];

            /// Whether no condition is set.
            pub fn is_empty(&self) -> bool {
                #empty
            }

            /// Adds the condition of one `filter[field][op]=value` pair (`key` is the whole key,
            /// for errors).
            pub fn push_pair(&mut self, key: &str, field: &str, op: Option<&str>, value: &str) -> Result<(), rt::QueryError> {
                let allowed = rt::query::allowed_ops(Self::OPERATORS, key, field)?;
                match field {
                    #(#wires => self.#fields.push(rt::query::parse_filter(key, op, value, allowed)?),)*
                    _ => {}
                }
                Ok(())
            }
        }
    }
}

fn body(cx: &Context, op: &Operation, body: &Body) -> TokenStream {
    let name = to_ident(&ident::op::body(&op.type_prefix));
    let fields = body.fields.iter().map(|f| cx.field(f, Side::Request, &op.provenance));
    let required: Vec<&Field> = body.fields.iter().filter(|f| f.required).collect();
    let args: Vec<Ident> = required.iter().map(|f| to_ident(&f.rust)).collect();
    let arg_types = required.iter().map(|f| cx.field_ty(f, Side::Request).0);
    let defaults = body.fields.iter().filter(|f| !f.required).map(|f| to_ident(&f.rust));
    let derive_default = required.is_empty().then(|| quote!(Default,));
    let init = if required.is_empty() {
        quote!(Self::default())
    } else {
        quote!(#name { #(#args,)* #(#defaults: Default::default(),)* })
    };
    let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let encoding = match body.content_type {
        ContentType::Json => "JSON",
        ContentType::Multipart => "`multipart/form-data`",
        ContentType::JsonOrMultipart => "JSON, or `multipart/form-data` when a file is set",
    };
    let text = format!(" The request body of {} ({encoding}).", doc::escape(&op.summary));
    let multipart = multipart(&name, body);
    let derives = Travel::Sent.derives(quote!(Clone, Debug, #derive_default PartialEq));
    quote! {
        #[doc = #text]
        #derives
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            /// A body with the required fields; the others are not sent.
            #many
            pub fn new(#(#args: #arg_types),*) -> Self {
                #init
            }
        }

        #multipart
    }
}

/// `rt::MultipartBody` for a body with file fields: lists and sets its files by wire name.
fn multipart(name: &Ident, body: &Body) -> Option<TokenStream> {
    let files: Vec<&Field> = body.fields.iter().filter(|f| f.ty.is_file()).collect();
    if files.is_empty() {
        return None;
    }
    let wires: Vec<&str> = files.iter().map(|f| f.wire.as_str()).collect();
    let list = files.iter().map(|f| {
        let (wire, field) = (&f.wire, to_ident(&f.rust));
        match file_shape(f) {
            FileShape::One => quote!(files.push((#wire, &self.#field));),
            FileShape::Optional => quote!(if let Some(file) = &self.#field { files.push((#wire, file)); }),
            FileShape::Patch => quote!(if let rt::Patch::Set(file) = &self.#field { files.push((#wire, file)); }),
            FileShape::Many => quote!(for file in &self.#field { files.push((#wire, file)); }),
            FileShape::OptionalMany => quote!(for file in self.#field.iter().flatten() { files.push((#wire, file)); }),
        }
    });
    let set = files.iter().map(|f| {
        let (wire, field) = (&f.wire, to_ident(&f.rust));
        let value = match file_shape(f) {
            FileShape::One => quote!(self.#field = file),
            FileShape::Optional => quote!(self.#field = Some(file)),
            FileShape::Patch => quote!(self.#field = rt::Patch::Set(file)),
            FileShape::Many => quote!(self.#field.push(file)),
            FileShape::OptionalMany => quote!(self.#field.get_or_insert_with(Vec::new).push(file)),
        };
        quote!(#wire => #value,)
    });
    Some(quote! {
        impl rt::MultipartBody for #name {
            const FILE_FIELDS: &'static [&'static str] = &[#(#wires),*];

            fn files(&self) -> Vec<(&'static str, &rt::File)> {
                let mut files = Vec::new();
                #(#list)*
                files
            }

            fn set_file(&mut self, field: &str, file: rt::File) -> Result<(), rt::File> {
                match field {
                    #(#set)*
                    _ => return Err(file),
                }
                Ok(())
            }
        }
    })
}

/// How a file field holds its files, following `Context::field_ty`.
enum FileShape {
    One,
    Optional,
    Patch,
    Many,
    OptionalMany,
}

fn file_shape(f: &Field) -> FileShape {
    let many = matches!(f.ty, Ty::Array(_));
    match (many, f.required, f.is_tristate()) {
        (false, true, _) => FileShape::One,
        (false, false, false) => FileShape::Optional,
        (false, false, true) => FileShape::Patch,
        (true, true, _) => FileShape::Many,
        (true, false, false) => FileShape::OptionalMany,
        (true, false, true) => panic!("file field `{}` is an optional nullable list, which has no multipart form", f.wire),
    }
}

fn response(cx: &Context, op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::response(&op.type_prefix));
    let r = &op.response;
    let data = match &r.data {
        None => quote!(()),
        Some(item) if op.is_list() => {
            let item = cx.ty(item, Side::Response);
            quote!(rt::Page<#item>)
        }
        Some(ty) => cx.ty(ty, Side::Response),
    };
    let e = &cx.api.envelope;
    let shape = match (r.envelope, &r.data) {
        (_, None) => format!("nothing: the envelope's `{}` is null", e.data),
        (EnvelopeKind::Data, _) => format!("the envelope's `{}`", e.data),
        (EnvelopeKind::List, _) => format!("the envelope's `{}`, `{}` and `{}`", e.data, e.meta, e.links),
        (EnvelopeKind::Flat, _) => format!("the fields at the top level of the envelope, beside `{}` and `{}`", e.success, e.message),
        (EnvelopeKind::None, _) => "the whole response body (no envelope)".to_owned(),
    };
    let message = r.message.as_ref().map(|m| format!(", \"{}\"", doc::escape(m))).unwrap_or_default();
    let head = format!("What a successful {} answers ({}{message}): {shape}.", doc::escape(&op.summary), r.status);
    let docs = Doc::default().markdown(head).note(r.note.as_deref()).own_provenance(&r.provenance, &op.provenance).tokens();
    quote! {
        #docs
        pub type #name = #data;
    }
}

fn error(op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::error(&op.type_prefix));
    let codes = op.error_codes();
    let variants = codes.iter().map(|e| to_ident(&e.variant));
    let wires = codes.iter().map(|e| e.code.as_str());
    let statuses = codes.iter().map(|e| int(e.status));
    let docs = codes.iter().map(|e| error_variant_doc(op, e).tokens());
    let text = format!(" An error {} can return: only the codes the spec lists for it.", doc::escape(&op.summary));
    quote! {
        #[doc = #text]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, WireEnum)]
        #[wire(code = ErrorCode)]
        pub enum #name {
            #(#docs #[wire(#wires, status = #statuses)] #variants,)*
        }
    }
}

/// `NOT_FOUND` (404): every `when` the operation lists for the code, then where that comes
/// from when it is not the operation's own page; a common code's provenance is on `ErrorCode`.
fn error_variant_doc(op: &Operation, e: &OpError) -> Doc {
    let whens: Vec<String> = op
        .errors
        .iter()
        .filter(|x| x.code == e.code)
        .filter_map(|x| x.when.as_deref().map(|w| match &x.field {
            Some(field) => format!("{} (`{field}`)", doc::escape(w)),
            None => doc::escape(w),
        }))
        .collect();
    let head = match (whens.is_empty(), e.common) {
        (false, _) => format!("`{}` ({}): {}.", e.code, e.status, whens.join("; ")),
        (true, true) => format!("`{}` ({}): returned by every operation.", e.code, e.status),
        (true, false) => format!("`{}` ({}).", e.code, e.status),
    };
    let own = (!e.common && e.provenance != op.provenance).then(|| format!(" {}", doc::provenance(&e.provenance)));
    Doc::default().markdown(head + &own.unwrap_or_default())
}
