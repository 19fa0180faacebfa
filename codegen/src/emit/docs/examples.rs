//! `generated/wacr-models/tests/examples.rs`: one test per example of the spec. The request body
//! decodes into the typed `…Body` and re-encodes to the same JSON; the query parses into the
//! typed `…Query` and survives its own rendering; the path renders from the typed `…Request`;
//! and the response decodes into the typed data (or the error envelope, whose code must be one
//! the operation returns with that status) and re-encodes to the same JSON.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

pub const PATH: &str = "generated/wacr-models/tests/examples.rs";

pub fn emit(api: &Api) -> Output {
    let tests = api.operations().flat_map(|op| op.examples.iter().enumerate().map(move |(i, ex)| test(api, op, i, ex)));
    let helpers = helpers(api);
    let tokens = quote! {
        //! The examples of the spec (`examples:` of each operation) as round-trip tests of the
        //! models: every request, query and response decodes into its typed form and encodes
        //! back to the same JSON.

        use serde_json::Value;
        use wacr_models::*;

        #helpers
        #(#tests)*
    };
    Output { path: PATH.into(), contents: rust_file(tokens, &api.files.join(", ")) }
}

fn name(text: &str) -> Ident {
    Ident::new(text, Span::call_site())
}

/// JSON as a raw string literal, pretty-printed as the pages show it.
fn json_literal(value: &Value) -> Literal {
    let text = super::json(value);
    let hashes = (1..).find(|n| !text.contains(&format!("\"{}", "#".repeat(*n)))).unwrap_or(1);
    let hashes = "#".repeat(hashes);
    format!("r{hashes}\"{text}\"{hashes}").parse().expect("more hashes than the text holds make a raw string literal: a bug in wacr-codegen otherwise")
}

fn test(api: &Api, op: &Operation, index: usize, ex: &Example) -> TokenStream {
    let fn_name = format_ident!("{}_{}", ident::bare(&ident::field(&op.id)), index + 1);
    let doc = format!(" `{}`: {}", op.id, ex.name);
    let request = request(op, ex);
    let response = ex.response.as_ref().map(|r| response(api, op, ex, r));
    quote! {
        #[doc = #doc]
        #[test]
        fn #fn_name() {
            #request
            #response
        }
    }
}

/// Builds the typed request from the example's path, query and body, and checks its path.
fn request(op: &Operation, ex: &Example) -> TokenStream {
    let request = name(&ident::op::request(&op.type_prefix));
    let mut stmts = Vec::new();
    let mut args = Vec::new();
    for (p, value) in op.example_params(ex) {
        args.push(match p.ty {
            Ty::Integer => {
                let n = Literal::i64_unsuffixed(value.parse().unwrap_or_default());
                quote!(#n)
            }
            _ => quote!(#value.to_owned()),
        });
    }
    if let Some(body) = &op.body {
        let ty = name(&ident::op::body(&op.type_prefix));
        let json = json_literal(ex.request.as_ref().unwrap_or(&Value::Object(Default::default())));
        let files = body.fields.iter().any(|f| f.ty.is_file());
        // File fields travel as multipart parts, never in the JSON form of a body.
        let check = if files { quote!(decode::<#ty>(#json)) } else { quote!(round_trip::<#ty>(#json)) };
        stmts.push(quote!(let body = #check;));
        args.push(quote!(body));
    }
    let with_query = op.has_query().then(|| {
        let ty = name(&ident::op::query(&op.type_prefix));
        let keys = ex.query.iter().map(|(k, _)| k);
        let values = ex.query.iter().map(|(_, v)| v);
        stmts.push(quote! {
            let query = #ty::from_pairs([#((#keys, #values)),*]).expect("the example query parses");
            let rendered = query.to_pairs();
            let again = #ty::from_pairs(rendered.iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("the rendered query parses");
            assert_eq!(again, query, "the query survives its rendering");
        });
        quote!(.with_query(query))
    });
    let path = ex.path.as_deref().unwrap_or(&op.path);
    let route = path.split_once('?').map_or(path, |(r, _)| r);
    quote! {
        #(#stmts)*
        let request = #request::new(#(#args),*) #with_query;
        assert_eq!(request.render_path(), #route);
    }
}

/// Decodes the response into its typed form and checks that it encodes back unchanged.
fn response(api: &Api, op: &Operation, ex: &Example, body: &Value) -> TokenStream {
    let json = json_literal(body);
    let status = op.example_status(ex);
    if status != op.response.status {
        let error = name(&ident::op::error(&op.type_prefix));
        let details = body
            .get(&api.envelope.error)
            .and_then(|e| e.get(&api.envelope.details))
            .filter(|d| !d.is_null())
            .and_then(|_| body.get(&api.envelope.error)?.get(&api.envelope.code)?.as_str())
            .and_then(|code| api.error(code))
            .filter(|e| !e.details.is_empty())
            .map(|e| {
                let ty = name(&ident::error_details(&e.variant));
                quote!(round_trip::<#ty>(envelope.error.details.clone().expect("details"));)
            });
        return quote! {
            let envelope = round_trip::<ErrorEnvelope>(#json);
            let code = #error::from_code(&envelope.error.code).expect("a code the operation returns");
            assert_eq!(code.status(), #status);
            #details
        };
    }
    let response = name(&ident::op::response(&op.type_prefix));
    let message = op.response.message.as_deref().unwrap_or_default();
    let part = match op.response.envelope {
        EnvelopeKind::None => quote!(body),
        EnvelopeKind::Data => quote!(part(&body, &[DATA])[DATA].clone()),
        EnvelopeKind::List => quote!(part(&body, &[DATA, META, LINKS])),
        EnvelopeKind::Flat => quote!(without(&body, &[SUCCESS, MESSAGE])),
    };
    let envelope = (op.response.envelope != EnvelopeKind::None).then(|| quote!(success(&body, #message);));
    quote! {
        let body: Value = serde_json::from_str(#json).expect("the example is JSON");
        #envelope
        round_trip::<#response>(#part);
    }
}

/// The fixed helpers of the test file, with the envelope keys of `api.yaml`.
fn helpers(api: &Api) -> TokenStream {
    let e = &api.envelope;
    let (success, message, data, meta, links) = (&e.success, &e.message, &e.data, &e.meta, &e.links);
    quote! {
        const SUCCESS: &str = #success;
        const MESSAGE: &str = #message;
        const DATA: &str = #data;
        const META: &str = #meta;
        const LINKS: &str = #links;

        /// Decodes `json` into `T`.
        fn decode<T: serde::de::DeserializeOwned>(json: &str) -> T {
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{} does not decode: {e}\n{json}", std::any::type_name::<T>()))
        }

        /// Decodes `json` into `T` and checks that it encodes back to the same JSON.
        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: impl Into<Json>) -> T {
            let json = json.into().0;
            let typed: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{} does not decode: {e}\n{json:#}", std::any::type_name::<T>()));
            let back = serde_json::to_value(&typed).expect("the typed value encodes");
            assert_eq!(normal(back), normal(json), "{} does not encode back to the example", std::any::type_name::<T>());
            typed
        }

        /// A JSON value, from a value or from text.
        struct Json(Value);

        impl From<Value> for Json {
            fn from(value: Value) -> Json {
                Json(value)
            }
        }

        impl From<&str> for Json {
            fn from(text: &str) -> Json {
                Json(serde_json::from_str(text).expect("the example is JSON"))
            }
        }

        /// Numbers compared by value: JSON does not tell `2` from `2.0`, an `f64` field does.
        fn normal(value: Value) -> Value {
            match value {
                Value::Number(n) => match n.as_f64() {
                    Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => Value::from(f as i64),
                    _ => Value::Number(n),
                },
                Value::Array(items) => Value::Array(items.into_iter().map(normal).collect()),
                Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normal(v))).collect()),
                other => other,
            }
        }

        /// The success envelope's flag and message.
        fn success(body: &Value, message: &str) {
            assert_eq!(body[SUCCESS], Value::Bool(true), "a success response says so");
            if !message.is_empty() {
                assert_eq!(body[MESSAGE], message, "the operation's message");
            }
        }

        /// Only these keys of the body.
        fn part(body: &Value, keys: &[&str]) -> Value {
            Value::Object(keys.iter().filter_map(|k| Some((k.to_string(), body.get(*k)?.clone()))).collect())
        }

        /// The body without these keys.
        fn without(body: &Value, keys: &[&str]) -> Value {
            let mut body = body.clone();
            if let Value::Object(map) = &mut body {
                for k in keys {
                    map.shift_remove(*k);
                }
            }
            body
        }
    }
}
