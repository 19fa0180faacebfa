//! The types of one operation: `{P}Request` (deriving `wacr_macros::Operation`), `{P}Query`
//! with its sort-field enum and filters, `{P}Body`, the `{P}Response` alias and `{P}Error`.
//! Query types render themselves to query pairs and parse from them, so the client and the
//! server share one wire form.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::doc::{self, Doc};
use super::{to_ident, Context, Side, Travel, WireEnumDef, WireValue};
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
    let body_field = body.as_ref().map(|b| quote!(#[doc = " The request body."] pub body: #b,));
    let default = (params.is_empty() && body.is_none()).then(|| quote!(Default,));
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
    }
}

/// The `#[operation(...)]` attributes `#[derive(Operation)]` reads: the route (`method`, `path`,
/// `new`), the operation (`id`, `scope`, `status`; `scope = none(Scope)` when it needs none) and
/// the exchange (`output`, `error`, and `shape` and `sends_message` where they differ from the
/// defaults). Each group starts a new attribute unless it fits on the previous one, and a group
/// too long for one line is split, so that every attribute fits on a line.
fn operation_attr(cx: &Context, op: &Operation) -> TokenStream {
    let scope = match op.scope.as_deref().and_then(|s| cx.api.scope(s)) {
        Some(s) => format!("Scope::{}", s.variant),
        None => "none(Scope)".to_owned(),
    };
    let shape = match op.response.envelope {
        EnvelopeKind::Data => None,
        EnvelopeKind::List => Some("List"),
        EnvelopeKind::Flat => Some("Flat"),
        EnvelopeKind::None => Some("Bare"),
    };
    let mut exchange = vec![
        format!("output = {}", ident::op::response(&op.type_prefix)),
        format!("error = {}", ident::op::error(&op.type_prefix)),
    ];
    exchange.extend(shape.map(|s| format!("shape = {s}")));
    exchange.extend(op.sends_message.then(|| "sends_message".to_owned()));
    let groups = [
        vec![format!("method = {}", op.method), format!("path = {:?}", op.path), "new".to_owned()],
        vec![format!("id = {:?}", op.id), format!("scope = {scope}"), format!("status = {}", op.response.status)],
        exchange,
    ];
    let attrs = pack_keys(&groups, "#[operation()]".len()).into_iter().map(|keys| {
        let keys: TokenStream = keys.join(", ").parse().expect("the keys are built from validated names: a bug in wacr-codegen otherwise");
        quote!(#[operation(#keys)])
    });
    quote!(#(#attrs)*)
}

/// The widest attribute line prettyplease keeps on one line (its margin).
const ATTR_WIDTH: usize = 89;

/// `groups` of keys as the key lists of attributes, each at most [`ATTR_WIDTH`] wide with
/// `overhead` characters around the keys: a group joins the previous line when it fits whole,
/// else starts a line; a group wider than a line breaks between keys.
pub(super) fn pack_keys(groups: &[Vec<String>], overhead: usize) -> Vec<Vec<String>> {
    let width = |keys: &[String]| overhead + keys.iter().map(String::len).sum::<usize>() + 2 * keys.len().saturating_sub(1);
    let mut lines: Vec<Vec<String>> = Vec::new();
    for group in groups {
        let joined = lines.last().map(|last| [last.as_slice(), group].concat());
        match (lines.last_mut(), joined) {
            (Some(last), Some(joined)) if width(&joined) <= ATTR_WIDTH => *last = joined,
            _ => {
                lines.push(Vec::new());
                for key in group {
                    let line = lines.last_mut().expect("a line was pushed just above");
                    if !line.is_empty() && width(&[line.as_slice(), std::slice::from_ref(key)].concat()) > ATTR_WIDTH {
                        lines.push(vec![key.clone()]);
                    } else {
                        line.push(key.clone());
                    }
                }
            }
        }
    }
    lines
}

fn request_doc(cx: &Context, op: &Operation) -> Doc {
    let scope = match &op.scope {
        Some(s) => format!("scope `{s}`"),
        None => "no scope (any valid token)".to_owned(),
    };
    // The description and the route are one paragraph, on two lines.
    let route = format!("`{} {}`, {scope}, {} on success.", op.method, op.path, op.response.status);
    let text = match op.description.trim() {
        "" => route,
        description => format!("{}\n{route}", doc::escape(description)),
    };
    let mut doc = Doc::new(&op.summary).markdown(text).inline();
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
            doc = doc.fact(format!("Contradiction {id} ({}): {}.", doc::escape(&c.summary), doc::escape(&c.resolution)));
        }
    }
    doc.provenance(&op.provenance)
}

/// The query struct: its fields declare their query form, which `#[derive(Query)]` renders
/// and parses (`Option` one value, `Vec` a comma list, `IncludeSet` relations, and the
/// filters type behind its key).
fn query(cx: &Context, op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::query(&op.type_prefix));
    let mut fields = Vec::new();
    fields.extend(include_param(cx, op));
    if let Some(list) = &op.list {
        fields.extend(list_params(cx, op, list));
    }
    if op.fields {
        let rename = rename(&cx.api.list_query.fields, "fields");
        fields.push(quote!(
            #[doc = " Only these fields of each item (`?fields=`); empty: all of them."]
            #[doc = ""]
            #[doc = " A selection that leaves out a field the typed model requires cannot decode into it:"]
            #[doc = " send such a request with `wacr_client::Client::execute_json`."]
            #rename
            pub fields: Vec<String>
        ));
    }
    fields.extend(op.query.iter().map(|f| operation_param(cx, op, f)));
    let docs = Doc::default().markdown(format!("The query parameters of {}.", doc::escape(&op.summary))).tokens();
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq, Query)]
        pub struct #name {
            #(#fields,)*
        }
    }
}

/// `#[query(rename = "...")]` when the wire key is not the field's name.
fn rename(key: &str, field: &str) -> Option<TokenStream> {
    (key != field).then(|| quote!(#[query(rename = #key)]))
}

fn include_param(cx: &Context, op: &Operation) -> Option<TokenStream> {
    let model = op.include_model()?;
    let include = to_ident(&ident::include_enum(model));
    let key = &cx.api.list_query.include;
    let text = format!(" Relations to load (`?{key}=`): {}.", op.include.join(", "));
    let rename = rename(key, "include");
    Some(quote!(#[doc = #text] #rename pub include: rt::IncludeSet<#include>))
}

fn list_params(cx: &Context, op: &Operation, list: &List) -> Vec<TokenStream> {
    let (p, q) = (&cx.api.pagination, &cx.api.list_query);
    let page_doc = format!(" The page to return (from {}; default {}).", p.page_min, p.page_default);
    let per_page_doc = format!(" Items per page ({} to {}; default {}).", p.per_page_min, p.per_page_max, p.per_page_default);
    let mut params = vec![
        quote!(#[doc = #page_doc] pub page: Option<u32>),
        quote!(#[doc = #per_page_doc] pub per_page: Option<u32>),
    ];
    if !list.sort.is_empty() {
        let key = &q.sort;
        let field = to_ident(&ident::op::sort_field(&op.type_prefix));
        let default = list.default_sort.as_ref().map(|d| format!(" Default: `{d}`.")).unwrap_or_default();
        let text = format!(" Sort keys, first one first (`?{key}=`); empty: the server's order.{default}");
        let rename = rename(key, "sort");
        params.push(quote!(#[doc = #text] #rename pub sort: Vec<rt::Sort<#field>>));
    }
    if !list.search.is_empty() {
        let key = &q.search;
        let aliases = &q.search_aliases;
        let text = format!(" Partial match over {} (`?{key}=`).", list.search.join(", "));
        let rename = rename(key, "search");
        let aliases = (!aliases.is_empty()).then(|| quote!(#[query(#(alias = #aliases),*)]));
        params.push(quote!(#[doc = #text] #rename #aliases pub search: Option<String>));
    }
    if !list.filters.is_empty() {
        let filters = to_ident(&ident::op::filters(&op.type_prefix));
        let key = &q.filter;
        params.push(quote!(
            #[doc = " Filter conditions (`?filter[field][op]=`)."]
            #[query(filters = #key)]
            pub filters: #filters
        ));
    }
    params
}

/// `NotIn` for `not_in`: the `rt::FilterOp` variant; the runtime enum has those of `api.yaml`.
fn operator(cx: &Context, wire: &str) -> Ident {
    let variant = cx.api.operators.iter().find(|o| o.wire == wire).map_or_else(|| ident::variant(wire), |o| o.variant.clone());
    to_ident(&variant)
}

/// An operation-specific query parameter: always optional on the type (the server checks
/// requiredness), a list when the spec type is an array. `validate` checks that its type is a
/// scalar, an enum or an array of them.
fn operation_param(cx: &Context, op: &Operation, f: &Field) -> TokenStream {
    let (wire, name) = (&f.wire, to_ident(&f.rust));
    let docs = doc::field(f, &op.provenance).tokens();
    let item = cx.ty(f.ty.leaf(), Side::Request);
    let rename = rename(wire, ident::bare(&f.rust));
    if matches!(f.ty, Ty::Array(_)) {
        quote!(#docs #rename pub #name: Vec<#item>)
    } else {
        quote!(#docs #rename pub #name: Option<#item>)
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

/// The filters struct: each field is a `Vec<rt::Filter<T, Ops>>` whose operator set `Ops` is
/// the field's operators, so `#[derive(Filters)]` reads them from the type and a condition
/// with another operator does not compile.
fn filters(cx: &Context, op: &Operation, list: &List) -> TokenStream {
    let name = to_ident(&ident::op::filters(&op.type_prefix));
    let fields = list.filters.iter().map(|f| {
        let (field, ty) = (to_ident(&f.rust), cx.ty(f.ty.leaf(), Side::Request));
        let ops = to_ident(&operator_set(cx, &f.ops));
        let wire = &f.field;
        let rename = (ident::bare(&f.rust) != wire).then(|| quote!(#[filter(rename = #wire)]));
        let list = f.ops.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
        let docs = Doc::new(&f.description).inline().fact(format!("Operators: {list}.")).own_provenance(&f.provenance, &op.provenance).tokens();
        quote!(#docs #rename pub #field: Vec<rt::Filter<#ty, #ops>>)
    });
    let text = format!(" The filter conditions of {}; all of them must hold.", doc::escape(&op.summary));
    quote! {
        #[doc = #text]
        #[derive(Clone, Debug, Default, PartialEq, Filters)]
        pub struct #name {
            #(#fields,)*
        }
    }
}

/// `EqNeInNotInOps`: the name of the operator set of a filter field with these operators.
fn operator_set(cx: &Context, ops: &[String]) -> String {
    ident::filter_ops(ops.iter().map(|o| operator(cx, o).to_string()))
}

/// One operator set per distinct operator list of the spec's filter fields, in order of first
/// use: a field's `Filter<T, Ops>` has a constructor only for the operators of its set.
pub(super) fn operator_sets(cx: &Context) -> TokenStream {
    let mut seen: Vec<&[String]> = Vec::new();
    let lists = cx.api.operations().filter_map(|op| op.list.as_ref()).flat_map(|l| &l.filters).map(|f| f.ops.as_slice());
    for ops in lists {
        if !seen.contains(&ops) {
            seen.push(ops);
        }
    }
    let sets = seen.iter().map(|ops| {
        let name = to_ident(&operator_set(cx, ops));
        let variants = ops.iter().map(|o| operator(cx, o));
        let list = ops.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
        let text = format!(" The filter operators {list}: a filter field of type `Filter<T, {name}>` takes these and no other.");
        quote! {
            #[doc = #text]
            #[derive(Clone, Copy, Debug, FilterOps)]
            #[filter(#(#variants),*)]
            pub enum #name {}
        }
    });
    quote!(#(#sets)*)
}

fn body(cx: &Context, op: &Operation, body: &Body) -> TokenStream {
    let name = to_ident(&ident::op::body(&op.type_prefix));
    let fields = body.fields.iter().map(|f| cx.field(f, Side::Request, &op.provenance));
    let derive_default = body.fields.iter().all(|f| !f.required).then(|| quote!(Default,));
    let encoding = match body.content_type {
        ContentType::Json => "JSON",
        ContentType::Multipart => "`multipart/form-data`",
        ContentType::JsonOrMultipart => "JSON, or `multipart/form-data` when a file is set",
    };
    let text = format!(" The request body of {} ({encoding}).", doc::escape(&op.summary));
    let multipart = multipart(&name, body);
    // `New`: `new` takes the required fields; the optional ones have `#[serde(default)]`.
    let derives = Travel::Sent.derives(quote!(Clone, Debug, #derive_default PartialEq, New));
    quote! {
        #[doc = #text]
        #derives
        pub struct #name {
            #(#fields,)*
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
        // `validate` rejects an optional nullable file list: it has no multipart form.
        (true, false, _) => FileShape::OptionalMany,
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
    // The note and provenance qualify the status and message, so they finish that sentence.
    let docs = Doc::default().markdown(head).note(r.note.as_deref()).own_provenance(&r.provenance, &op.provenance).inline().tokens();
    quote! {
        #docs
        pub type #name = #data;
    }
}

fn error(op: &Operation) -> TokenStream {
    let name = to_ident(&ident::op::error(&op.type_prefix));
    let codes = op.error_codes();
    let variants = codes.iter().map(|e| to_ident(&e.variant));
    let docs = codes.iter().map(|e| error_variant_doc(op, e).tokens());
    let text = format!(" An error {} can return: only the codes the spec lists for it.", doc::escape(&op.summary));
    quote! {
        #[doc = #text]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, WireError)]
        pub enum #name {
            #(#docs #variants,)*
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
