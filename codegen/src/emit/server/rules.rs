//! The `rules` module of the server glue: the validation table of every request body, of the
//! models a body nests, and of each query the glue checks beyond parsing it.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{body_rules, const_name, query_rules, u64_lit};
use crate::ident::to_ident as ident;
use crate::ir::*;

/// `pub mod rules`: the validation table of every body and of every model a body nests.
pub(super) fn rules(api: &Api) -> TokenStream {
    let mut nested = BTreeSet::new();
    for f in api.operations().filter_map(|op| op.body.as_ref()).flat_map(|b| &b.fields) {
        api.reach(&f.ty, false, &mut nested);
    }
    let models = api.models.iter().filter(|m| nested.contains(m.name.as_str())).map(|m| {
        let name = ident(&const_name(&m.name));
        let fields = m.fields.iter().map(|f| field(api, f));
        let doc = format!(" The rules of `{}` items inside a request body.", m.name);
        quote!(#[doc = #doc] pub const #name: &[rt::Field] = &[#(#fields),*];)
    });
    let bodies = api.operations().filter_map(|op| Some((op, op.body.as_ref()?))).map(|(op, body)| {
        let name = ident(&body_rules(op));
        let fields = body.fields.iter().map(|f| field(api, f));
        let doc = format!(" The rules of the {} body.", op.summary);
        quote!(#[doc = #doc] pub const #name: &[rt::Field] = &[#(#fields),*];)
    });
    let queries = api.operations().filter(|op| query_spec(op).is_some()).map(|op| {
        let name = ident(&query_rules(op));
        let spec = query_spec_tokens(api, op);
        let doc = format!(" What the glue checks in the {} query.", op.summary);
        quote!(#[doc = #doc] pub const #name: rt::QuerySpec = #spec;)
    });
    quote! {
        /// The spec's validation rules as the glue checks them, with the documented messages.
        /// Implementations use them for the messages of the rules only they can check:
        /// `rt::message(rules::CREATE_CONTACT_BODY, "phone", "unique")`.
        pub mod rules {
            use wacr_runtime::server as rt;
            #(#models)*
            #(#bodies)*
            #(#queries)*
        }
    }
}

/// `rt::field("firstname", rt::Kind::String).required().rules(&[..]).messages(&[..])`
fn field(api: &Api, f: &Field) -> TokenStream {
    let wire = &f.wire;
    let kind = kind(api, &f.ty);
    let required = f.required.then(|| quote!(.required()));
    let nullable = f.nullable.then(|| quote!(.nullable()));
    let per_item = f.rules.per_item_errors.then(|| quote!(.per_item()));
    let rules = rule_list(&f.rules);
    let rules = (!rules.is_empty()).then(|| quote!(.rules(&[#(#rules),*])));
    let messages = f.messages.iter().map(|(rule, text)| quote!((#rule, #text)));
    let messages = (!f.messages.is_empty()).then(|| quote!(.messages(&[#(#messages),*])));
    quote!(rt::field(#wire, #kind) #required #nullable #per_item #rules #messages)
}

fn kind(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(rt::Kind::String),
        Ty::Integer => quote!(rt::Kind::Integer),
        Ty::Number => quote!(rt::Kind::Number),
        Ty::Boolean => quote!(rt::Kind::Boolean),
        Ty::DateTime => quote!(rt::Kind::DateTime),
        Ty::Date => quote!(rt::Kind::Date),
        Ty::File => quote!(rt::Kind::File),
        Ty::Json => quote!(rt::Kind::Json),
        Ty::Named(name, NamedKind::Enum) => {
            let values = api.enum_(name).map(|e| e.values.iter().map(|(wire, _)| wire.clone()).collect::<Vec<_>>()).unwrap_or_default();
            quote!(rt::Kind::Enum(&[#(#values),*]))
        }
        Ty::Named(name, NamedKind::Model) => {
            let name = ident(&const_name(name));
            quote!(rt::Kind::Object(#name))
        }
        Ty::Array(item) => {
            let item = kind(api, item);
            quote!(rt::Kind::Array(&#item))
        }
        Ty::Map(item) => {
            let item = kind(api, item);
            quote!(rt::Kind::Map(&#item))
        }
    }
}

/// The rules the glue checks; `unique`, `exists` and free-text `rule` are the implementation's.
fn rule_list(r: &Rules) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let strs = |v: &[String]| quote!(&[#(#v),*]);
    if !r.required_with.is_empty() {
        let v = strs(&r.required_with);
        out.push(quote!(rt::Rule::RequiredWith(#v)));
    }
    if !r.required_without.is_empty() {
        let v = strs(&r.required_without);
        out.push(quote!(rt::Rule::RequiredWithout(#v)));
    }
    if let Some((other, value)) = &r.required_if {
        let lit = literal(value);
        out.push(quote!(rt::Rule::RequiredIf(#other, #lit)));
    }
    out.extend(r.max_length.map(|n| { let n = u64_lit(n); quote!(rt::Rule::MaxLength(#n)) }));
    out.extend(r.min_length.map(|n| { let n = u64_lit(n); quote!(rt::Rule::MinLength(#n)) }));
    out.extend(r.min.map(|n| { let n = Literal::f64_suffixed(n); quote!(rt::Rule::Min(#n)) }));
    out.extend(r.max.map(|n| { let n = Literal::f64_suffixed(n); quote!(rt::Rule::Max(#n)) }));
    out.extend(r.min_items.map(|n| { let n = u64_lit(n); quote!(rt::Rule::MinItems(#n)) }));
    out.extend(r.max_items.map(|n| { let n = u64_lit(n); quote!(rt::Rule::MaxItems(#n)) }));
    if r.unique_items && r.unique_by.is_none() {
        out.push(quote!(rt::Rule::UniqueItems));
    }
    out.extend(r.unique_by.as_ref().map(|by| quote!(rt::Rule::UniqueBy(#by))));
    // `validate` allows only the formats of `validate::FORMATS`.
    out.extend(r.format.as_deref().and_then(|f| match f {
        "email" => Some(quote!(rt::Rule::Format(rt::Format::Email))),
        "url" => Some(quote!(rt::Rule::Format(rt::Format::Url))),
        "phone" => Some(quote!(rt::Rule::Format(rt::Format::Phone))),
        _ => None,
    }));
    out.extend(r.pattern.as_ref().map(|p| quote!(rt::Rule::Pattern(#p))));
    out.extend(r.max_size.map(|n| { let n = u64_lit(n); quote!(rt::Rule::MaxSize(#n)) }));
    if !r.extensions.is_empty() {
        let v = strs(&r.extensions);
        out.push(quote!(rt::Rule::Extensions(#v)));
    }
    out
}

/// The value a `required_if` compares with: `validate` allows a string, a number or a boolean
/// (anything else would compare as its JSON text).
fn literal(value: &serde_json::Value) -> TokenStream {
    match value {
        serde_json::Value::String(s) => quote!(rt::Lit::Str(#s)),
        serde_json::Value::Bool(b) => quote!(rt::Lit::Bool(#b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => quote!(rt::Lit::Int(#i)),
            None => {
                let f = Literal::f64_suffixed(n.as_f64().unwrap_or_default());
                quote!(rt::Lit::Num(#f))
            }
        },
        other => {
            let text = other.to_string();
            quote!(rt::Lit::Str(#text))
        }
    }
}

/// What the glue checks in an operation's query beyond `from_pairs`, if anything.
pub(super) fn query_spec(op: &Operation) -> Option<()> {
    (op.is_list() || op.fields || !op.query.is_empty()).then_some(())
}

fn query_spec_tokens(api: &Api, op: &Operation) -> TokenStream {
    let paginated = op.is_list();
    let item_model = match op.response.data.as_ref().map(Ty::leaf) {
        Some(Ty::Named(name, NamedKind::Model)) => api.model(name),
        _ => None,
    };
    let fields = match (op.fields, item_model) {
        (true, Some(m)) => {
            let names = m.fields.iter().map(|f| &f.wire);
            quote!(Some(&[#(#names),*]))
        }
        _ => quote!(None),
    };
    let relations = item_model.map(|m| m.relations.iter().map(|f| f.wire.clone()).collect::<Vec<_>>()).unwrap_or_default();
    let rules = op.query.iter().map(|f| field(api, f));
    quote!(rt::QuerySpec { paginated: #paginated, fields: #fields, relations: &[#(#relations),*], rules: &[#(#rules),*] })
}
