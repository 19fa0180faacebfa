//! Models emitter: `generated/wacr-models/src/models.rs`, every type of the API in one file:
//! the scope and error-code catalogues, the error envelope, each group's enums and models, and
//! per operation its request (deriving `wacr_macros::Operation`), query, body, response alias
//! and error enum (`operation.rs`).
//!
//! Response models read enum fields as `rt::Open<E>`, so a value the server adds later never
//! breaks decoding; models only ever sent (request bodies) use the closed enums. Structs derive
//! the lean `Serialize` and `Deserialize` of `wacr-macros` (serde's traits, a fraction of
//! serde_derive's compile time) and enums its `WireEnum`. The generated file names the runtime
//! `rt`, and std and serde by path; it assumes no spec model or enum is named like a prelude
//! type (`Option`, `Result`), like a derive it imports, or like the fixed items here (`Scope`,
//! `ErrorCode`, `ErrorEnvelope`, `ErrorObject`).

pub(crate) mod doc;
pub mod events;
mod operation;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

use doc::Doc;

pub const PATH: &str = "generated/wacr-models/src/models.rs";

pub fn emit(api: &Api) -> Output {
    let cx = Context::new(api);
    let both = api.models.iter().any(|m| matches!(cx.travel(m), Travel::Both));
    let mut items = vec![prelude(both), scope_enum(&cx), error_code_enum(&cx)];
    items.extend(api.errors.iter().filter(|e| !e.details.is_empty()).map(|e| error_details(&cx, e)));
    items.push(error_envelope(&cx));
    items.push(pagination_check(&cx));
    items.push(operation::operator_sets(&cx));
    for group in &api.groups {
        items.extend(api.enums.iter().filter(|e| e.group == group.name).map(spec_enum));
        items.extend(api.models.iter().filter(|m| m.group == group.name).map(|m| model(&cx, m)));
        items.extend(group.operations.iter().map(|op| operation::items(&cx, op)));
    }
    Output { path: PATH.into(), contents: rust_file(quote!(#(#items)*), &api.files.join(", ")) }
}

/// Which way a type travels: received types tolerate unknown enum values, sent ones are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// What every emitter function needs: the API, the models that are only ever sent, and the
/// models that are only ever received.
struct Context<'a> {
    api: &'a Api,
    request_only: BTreeSet<&'a str>,
    response_only: BTreeSet<&'a str>,
}

/// Who writes and who reads a type, and so under which cargo feature of wacr-models it derives
/// `Serialize` and `Deserialize`: a client writes requests and reads responses (`client`), a
/// server the other way round (`server`); a type that travels both ways always derives both.
/// A client build then compiles neither the `Serialize` of responses nor the `Deserialize` of
/// requests (about a third of the crate's impls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Travel {
    Sent,
    Received,
    Both,
}

impl Travel {
    /// `#[derive(head)]` and the serde derives: `Sent` and `Received` compile each impl only
    /// on the side (the crate's `client` or `server` feature) that uses it.
    fn derives(self, head: TokenStream) -> TokenStream {
        match self {
            Travel::Both => quote!(#[derive(#head, Serialize, Deserialize)]),
            Travel::Sent => quote!(#[derive(#head, Sent)]),
            Travel::Received => quote!(#[derive(#head, Received)]),
        }
    }
}

impl<'a> Context<'a> {
    fn new(api: &'a Api) -> Self {
        // Event payloads travel both ways: a server writes them, any receiver reads them.
        let (sent, received, evented) = (api.sent_models(), api.received_models(), api.event_models());
        let request_only = sent.difference(&received).filter(|m| !evented.contains(*m)).copied().collect();
        let response_only = received.difference(&sent).filter(|m| !evented.contains(*m)).copied().collect();
        Context { api, request_only, response_only }
    }

    fn travel(&self, model: &Model) -> Travel {
        match (self.request_only.contains(model.name.as_str()), self.response_only.contains(model.name.as_str())) {
            (true, _) => Travel::Sent,
            (_, true) => Travel::Received,
            _ => Travel::Both,
        }
    }

    fn side_of(&self, model: &Model) -> Side {
        if self.request_only.contains(model.name.as_str()) { Side::Request } else { Side::Response }
    }

    /// The Rust type of a spec type.
    fn ty(&self, ty: &Ty, side: Side) -> TokenStream {
        match ty {
            Ty::String | Ty::DateTime | Ty::Date => quote!(String),
            Ty::Integer => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Boolean => quote!(bool),
            Ty::File => quote!(rt::File),
            Ty::Json => quote!(serde_json::Value),
            Ty::Named(name, NamedKind::Enum) if side == Side::Response => {
                let name = to_ident(name);
                quote!(rt::Open<#name>)
            }
            Ty::Named(name, _) => {
                let name = to_ident(name);
                quote!(#name)
            }
            Ty::Array(item) => {
                let item = self.ty(item, side);
                quote!(Vec<#item>)
            }
            Ty::Map(value) => {
                let value = self.ty(value, side);
                quote!(std::collections::BTreeMap<String, #value>)
            }
        }
    }

    /// The field's type with its presence: `T`, `Option<T>` or `rt::Patch<T>`, and the serde
    /// attributes that go with it.
    fn field_ty(&self, f: &Field, side: Side) -> (TokenStream, TokenStream) {
        let ty = self.ty(&f.ty, side);
        let (ty, serde) = match (f.required, f.nullable) {
            (true, false) => (ty, quote!()),
            // A missing `Option` reads as `None` without `default`; a body keeps it, so that
            // `New` leaves the field out of `new`.
            (true, true) if side == Side::Response => (quote!(Option<#ty>), quote!()),
            (true, true) => (quote!(Option<#ty>), quote!(#[serde(default)])),
            (false, true) if side == Side::Request => {
                (quote!(rt::Patch<#ty>), quote!(#[serde(default, skip_serializing_if = "rt::Patch::is_absent")]))
            }
            (false, _) => (quote!(Option<#ty>), quote!(#[serde(default, skip_serializing_if = "Option::is_none")])),
        };
        // Files travel as multipart parts, never in the serde form of a body.
        let serde = if f.ty.is_file() { quote!(#[serde(skip)]) } else { serde };
        (ty, serde)
    }

    /// One struct field with its docs and serde attributes.
    fn field(&self, f: &Field, side: Side, parent: &Provenance) -> TokenStream {
        let docs = doc::field(f, parent).tokens();
        let name = to_ident(&f.rust);
        let rename = rename(f);
        let (ty, serde) = self.field_ty(f, side);
        quote! {
            #docs
            #rename
            #serde
            pub #name: #ty
        }
    }
}


/// An identifier from a name `ident.rs` produced.
pub(super) use crate::ident::to_ident;

/// `#[serde(rename = "wire")]` when the Rust name differs from the wire name.
fn rename(f: &Field) -> TokenStream {
    if ident::bare(&f.rust) == f.wire {
        return quote!();
    }
    let wire = &f.wire;
    quote!(#[serde(rename = #wire)])
}

/// The imports; the plain serde derives only when a model travels both ways.
fn prelude(both_ways: bool) -> TokenStream {
    let serde = both_ways.then(|| quote!(Deserialize, Serialize,));
    quote! {
        use wacr_macros::{#serde FilterOps, Filters, New, Operation, Query, Received, Resource, Scope, Sent, WireEnum, WireError};
        use wacr_runtime as rt;
    }
}

/// A closed enum of wire strings, deriving `WireEnum` (`ALL`, `as_str`, `Display`, `FromStr`,
/// serde as the wire string). Shared by the spec's enums and the sort-field enums.
struct WireEnumDef {
    name: String,
    /// What the enum is, for parse errors, when not its name: `sort field`.
    spec_name: Option<String>,
    doc: Doc,
    values: Vec<WireValue>,
}

struct WireValue {
    wire: String,
    variant: String,
}

impl WireValue {
    fn new(wire: &str, variant: &str) -> Self {
        WireValue { wire: wire.to_owned(), variant: variant.to_owned() }
    }
}

fn wire_enum(def: WireEnumDef) -> TokenStream {
    let name = to_ident(&def.name);
    let docs = def.doc.tokens();
    let spec_name = def.spec_name.map(|n| quote!(#[wire(name = #n)]));
    let variants = def.values.iter().map(|v| to_ident(&v.variant));
    let wires = def.values.iter().map(|v| v.wire.as_str());
    // The wire value is the variant's doc too: rustdoc does not show `#[wire]`.
    let value_docs = def.values.iter().map(|v| format!(" `{}`", v.wire));
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, WireEnum)]
        #spec_name
        pub enum #name {
            #(#[doc = #value_docs] #[wire(#wires)] #variants,)*
        }
    }
}

fn spec_enum(e: &Enum) -> TokenStream {
    wire_enum(WireEnumDef {
        name: e.name.clone(),
        spec_name: None,
        doc: Doc::new(&e.description).note(e.note.as_deref()).provenance(&e.provenance),
        values: e.values.iter().map(|(wire, variant)| WireValue::new(wire, variant)).collect(),
    })
}

fn model(cx: &Context, m: &Model) -> TokenStream {
    let side = cx.side_of(m);
    let name = to_ident(&m.name);
    let mut doc = Doc::new(&m.description).note(m.note.as_deref()).provenance(&m.provenance);
    if !m.relations.is_empty() {
        let include = ident::include_enum(&m.name);
        doc = doc.markdown(format!("Relations load only when asked for with `?include=` ([`{include}`])."));
    }
    let fields = m.fields.iter().map(|f| cx.field(f, side, &m.provenance));
    let relations = m.relations.iter().map(|r| relation(cx, r, &m.provenance));
    let resource = (!m.relations.is_empty()).then(|| quote!(, Resource));
    let derives = cx.travel(m).derives(quote!(Clone, Debug, PartialEq #resource));
    let docs = doc.tokens();
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields,)*
            #(#relations,)*
        }
    }
}

/// A relation: `None`, and absent from the JSON, unless `?include=` asked for it.
fn relation(cx: &Context, r: &Field, parent: &Provenance) -> TokenStream {
    let docs = doc::field(r, parent).markdown(format!("Loaded with `?include={}`.", r.wire)).tokens();
    let name = to_ident(&r.rust);
    let ty = cx.ty(&r.ty, Side::Response);
    let rename = rename(r);
    quote! {
        #docs
        #[include]
        #rename
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>
    }
}

fn scope_enum(cx: &Context) -> TokenStream {
    let variants = cx.api.scopes.iter().map(|s| {
        let docs = Doc::new(&s.description).inline().provenance(&s.provenance).tokens();
        let variant = to_ident(&s.variant);
        let wire = &s.wire;
        quote! {
            #docs
            #[scope(#wire)]
            #variant
        }
    });
    quote! {
        /// A scope an API token can hold (`contacts:read`); each operation requires one, or none.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
        pub enum Scope {
            #(#variants,)*
        }
    }
}

fn error_code_enum(cx: &Context) -> TokenStream {
    let errors = &cx.api.errors;
    let variants: Vec<Ident> = errors.iter().map(|e| to_ident(&e.variant)).collect();
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let statuses = errors.iter().map(|e| int(e.status));
    let messages = errors.iter().map(|e| e.message.as_str());
    let docs = errors.iter().map(|e| {
        let head = format!("`{}` ({}): {}", e.code, e.status, doc::escape(&e.description));
        let message = format!("Default message: \"{}\".", doc::escape(&e.message));
        Doc::default().markdown(head).inline().fact(message).note(e.note.as_deref()).provenance(&e.provenance).tokens()
    });
    quote! {
        /// An error code of the error envelope (`error.code`). Codes this version does not know
        /// decode to [`ErrorCode::Unknown`], so a new server code never breaks decoding.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            #(#docs #variants,)*
            /// A code this version does not know, as the server sent it.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every known code, in spec order.
            pub const ALL: &'static [ErrorCode] = &[#(ErrorCode::#variants),*];

            /// The code for a wire string; never fails.
            pub fn from_wire(code: &str) -> ErrorCode {
                match code {
                    #(#codes => ErrorCode::#variants,)*
                    other => ErrorCode::Unknown(other.to_owned()),
                }
            }

            /// The code as written on the wire.
            pub fn as_str(&self) -> &str {
                match (self, self.known()) {
                    (ErrorCode::Unknown(code), _) => code,
                    (_, known) => known.map_or("", |(code, _)| code),
                }
            }

            /// The wire string and HTTP status of a known code; `None` for
            /// [`ErrorCode::Unknown`]. The operations' error enums read theirs from here.
            pub const fn known(&self) -> Option<(&'static str, u16)> {
                match self {
                    #(ErrorCode::#variants => Some((#codes, #statuses)),)*
                    ErrorCode::Unknown(_) => None,
                }
            }

            /// The HTTP status the API answers with, unless the code is unknown.
            pub const fn status(&self) -> Option<u16> {
                match self.known() {
                    Some((_, status)) => Some(status),
                    None => None,
                }
            }

            /// The message the API sends when an operation gives none of its own.
            pub const fn default_message(&self) -> Option<&'static str> {
                match self {
                    #(ErrorCode::#variants => Some(#messages),)*
                    ErrorCode::Unknown(_) => None,
                }
            }
        }

        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for ErrorCode {
            type Err = std::convert::Infallible;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Ok(ErrorCode::from_wire(code))
            }
        }

        impl serde::Serialize for ErrorCode {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for ErrorCode {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(ErrorCode::from_wire(&code))
            }
        }
    }
}

/// The typed `details` of one error code.
fn error_details(cx: &Context, e: &ErrorCode) -> TokenStream {
    let name = to_ident(&ident::error_details(&e.variant));
    let docs = Doc::default().markdown(format!("The `details` of a `{}` error.", e.code)).provenance(&e.provenance).tokens();
    let derives = Travel::Received.derives(quote!(Clone, Debug, PartialEq));
    let fields = e.details.iter().map(|f| cx.field(f, Side::Response, &e.provenance));
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields,)*
        }
    }
}

/// The error envelope, with its keys from `api.yaml: envelope`.
fn error_envelope(cx: &Context) -> TokenStream {
    let e = &cx.api.envelope;
    let (success, message, error, errors, code, details) = (&e.success, &e.message, &e.error, &e.errors, &e.code, &e.details);
    let docs = Doc::default()
        .markdown(format!("The body of every error response: `{{\"{success}\": false, \"{message}\", \"{error}\": {{\"{code}\", \"{details}\"}}}}`, with `\"{errors}\"` on validation errors."))
        .provenance(&e.provenance)
        .tokens();
    let derives = Travel::Received.derives(quote!(Clone, Debug, PartialEq));
    quote! {
        #docs
        #derives
        pub struct ErrorEnvelope {
            /// Always `false` on an error.
            #[serde(rename = #success, default)]
            pub success: bool,
            /// A human-readable message.
            #[serde(rename = #message)]
            pub message: String,
            /// The machine-readable error.
            #[serde(rename = #error)]
            pub error: ErrorObject,
            /// Validation messages by field (422 `VALIDATION_ERROR`).
            #[serde(rename = #errors, default, skip_serializing_if = "Option::is_none")]
            pub errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
        }

        /// The `error` object of the error envelope.
        #derives
        pub struct ErrorObject {
            /// The error code.
            #[serde(rename = #code)]
            pub code: ErrorCode,
            /// Code-specific details (see the `*Details` types), when the code has any.
            #[serde(rename = #details, default, skip_serializing_if = "Option::is_none")]
            pub details: Option<serde_json::Value>,
        }
    }
}

/// A compile-time check that `rt::PageMeta` and `rt::PageLinks` have exactly the fields and
/// types of `api.yaml: pagination`, so a spec edit there cannot silently diverge.
fn pagination_check(cx: &Context) -> TokenStream {
    let p = &cx.api.pagination;
    let destructure = |fields: &[Field]| {
        let names: Vec<Ident> = fields.iter().map(|f| to_ident(&f.rust)).collect();
        let types = fields.iter().map(|f| cx.field_ty(f, Side::Response).0);
        (quote!(#(#names),*), quote!(#(let _: #types = #names;)*))
    };
    let (meta_names, meta_types) = destructure(&p.meta);
    let (link_names, link_types) = destructure(&p.links);
    quote! {
        const _: fn(rt::PageMeta, rt::PageLinks) = |meta, links| {
            let rt::PageMeta { #meta_names } = meta;
            #meta_types
            let rt::PageLinks { #link_names } = links;
            #link_types
        };
    }
}

/// An unsuffixed integer literal (`200`, not `200u16`).
fn int(value: impl Into<i64>) -> Literal {
    Literal::i64_unsuffixed(value.into())
}

#[cfg(test)]
mod tests;
