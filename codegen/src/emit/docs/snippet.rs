//! The examples of each operation's page: a Rust function that calls the operation with the
//! generated client, built from the operation's first success example (path parameters, query
//! and body as typed values, then a field of the typed response), and the same request as curl.
//! The Rust functions are also written to `generated/wacr-client/tests/doc_snippets.rs`, so a
//! spec change that renames an operation or a field breaks the build until the pages follow,
//! with a `run` by operation id that the sandbox's tests call against a live sandbox.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::ident::{self, to_ident as id};
use crate::ir::*;
use crate::write::{format_file, Output};

pub const TEST_PATH: &str = "generated/wacr-client/tests/doc_snippets.rs";

/// The Rust example of one operation.
pub struct Snippet {
    /// The function's name: the operation id.
    pub name: String,
    /// The `use` items and the function.
    pub tokens: TokenStream,
}

impl Snippet {
    /// Parsed once: the page shows it formatted on its own, the test file holds its items.
    pub fn parse(self) -> Parsed {
        let file = syn::parse2::<syn::File>(self.tokens)
            .unwrap_or_else(|e| panic!("the snippet of `{}` is not Rust ({e}): this is a bug in wacr-codegen", self.name));
        Parsed { name: self.name, file }
    }
}

/// A [`Snippet`] parsed.
pub struct Parsed {
    name: String,
    file: syn::File,
}

impl Parsed {
    /// Formatted as the page shows it.
    pub fn text(&self) -> String {
        // A blank line between the imports and the function, as a person would write it.
        prettyplease::unparse(&self.file).replacen("\npub async fn", "\n\npub async fn", 1)
    }

    /// `pub mod <name> { .. }` of the test file, with the snippet's items.
    fn into_module(self) -> syn::Item {
        let name = id(&self.name);
        let doc = format!(" The example of `{}` in `generated/docs/`.", self.name);
        let mut module: syn::ItemMod = syn::parse_quote!(#[doc = #doc] pub mod #name {});
        module.content = module.content.map(|(brace, _)| (brace, self.file.items));
        syn::Item::Mod(module)
    }
}

/// The example an operation's snippets are built from: the first one that succeeds.
pub fn example(op: &Operation) -> Option<&Example> {
    op.examples.iter().find(|e| op.example_status(e) == op.response.status && (e.request.is_some() || !op.has_body()))
}

/// The Rust example of every operation, in the order of `api.operations()`.
pub fn all(api: &Api) -> Vec<Snippet> {
    let mut b = Builder::new(api);
    api.operations().map(|op| b.snippet(op)).collect()
}

/// The same request as a curl command (`$WACR_TOKEN` holds the token).
pub fn curl(api: &Api, op: &Operation, ex: &Example) -> String {
    let url = format!("{}{}", api.base_url, ex.path.as_deref().unwrap_or(&op.path));
    let method = if op.method == "GET" { String::new() } else { format!(" -X {}", op.method) };
    let mut lines = vec![
        format!("curl -g{method} \"{url}\""),
        format!("-H \"{}: Bearer $WACR_TOKEN\"", api.auth_header),
        "-H \"Accept: application/json\"".to_owned(),
    ];
    match (&ex.request, op.body.as_ref().map(|b| b.content_type)) {
        (Some(Value::Object(fields)), Some(ContentType::Multipart)) => {
            for (k, v) in fields {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                lines.push(format!("-F '{}'", shell_quoted(&format!("{k}={v}"))));
            }
        }
        (Some(body), Some(_)) => {
            lines.push("-H \"Content-Type: application/json\"".to_owned());
            lines.push(format!("-d '{}'", shell_quoted(&body.to_string())));
        }
        _ => {}
    }
    lines.join(" \\\n  ")
}

/// Text for inside single quotes.
fn shell_quoted(text: &str) -> String {
    text.replace('\'', "'\\''")
}

/// `generated/wacr-client/tests/doc_snippets.rs`: every snippet (of [`all`], parsed) in a module
/// of its own; `run`, which calls the snippet of an operation id (the sandbox's tests run each
/// one against a live sandbox); and a test that builds each one's future (without sending
/// anything) and checks that it is `Send`. The snippets' items move into the modules as they
/// are, not parsed again.
pub fn test_file(api: &Api, snippets: Vec<Parsed>) -> Output {
    let names: Vec<Ident> = snippets.iter().map(|s| id(&s.name)).collect();
    let ids = snippets.iter().map(|s| s.name.as_str());
    let tokens = quote! {
        //! The Rust examples of the API reference (`generated/docs/`), compiled: a spec change that
        //! renames an operation or a field breaks this build until the pages follow. `run` calls
        //! one by its operation id; `sandbox/tests/docs_run.rs` runs every one against a sandbox.

        /// Runs the example of operation `id` with `client`; `None` for an unknown id.
        pub async fn run(client: &wacr_client::Client, id: &str) -> Option<Result<(), wacr_client::AnyError>> {
            Some(match id {
                #(#ids => #names::#names(client).await,)*
                _ => return None,
            })
        }

        fn assert_send<T: Send>(_: T) {}

        #[test]
        fn every_snippet_builds_a_send_future() {
            let client = wacr_client::Client::new("doc-snippets").expect("a client without a network call");
            #(assert_send(#names::#names(&client));)*
            assert_send(run(&client, ""));
        }
    };
    let mut file: syn::File = syn::parse2(tokens).expect("the frame of the snippet test file is Rust: a bug in wacr-codegen otherwise");
    file.items.splice(0..0, snippets.into_iter().map(Parsed::into_module));
    Output { path: TEST_PATH.into(), contents: format_file(&file, &api.files.join(", ")) }
}

/// Whether a model is held by a request (closed enums, `Patch` for optional nullable fields)
/// or a response, as `emit::models` decides it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// What one query pair of an example sets.
enum QueryPart {
    /// A field of the `…Query`, with its value.
    Field(Ident, TokenStream),
    /// A condition on a field of its `…Filters`.
    Filter(Ident, TokenStream),
}

/// Builds statements and expressions, collecting the model types they name.
struct Builder<'a> {
    api: &'a Api,
    uses: BTreeSet<String>,
    received: BTreeSet<&'a str>,
}

impl<'a> Builder<'a> {
    fn new(api: &'a Api) -> Self {
        Builder { api, uses: BTreeSet::new(), received: api.received_models() }
    }

    /// The snippet of one operation (the models it names are its `use`s).
    fn snippet(&mut self, op: &Operation) -> Snippet {
        let ex = example(op);
        let name = id(&op.id);
        let call = self.call(op, ex);
        let uses: Vec<Ident> = std::mem::take(&mut self.uses).iter().map(|u| id(u)).collect();
        let models = (!uses.is_empty()).then(|| quote!(use wacr_client::models::{#(#uses),*};));
        let tokens = quote! {
            #models
            use wacr_client::{AnyError, Client};

            pub async fn #name(client: &Client) -> Result<(), AnyError> {
                #call
                Ok(())
            }
        };
        Snippet { name: op.id.clone(), tokens }
    }

    fn name(&mut self, name: &str) -> Ident {
        self.uses.insert(name.to_owned());
        id(name)
    }

    /// The statements of the call: query, body, the call itself and a use of its result.
    fn call(&mut self, op: &Operation, ex: Option<&Example>) -> TokenStream {
        let mut stmts = Vec::new();
        let mut args: Vec<TokenStream> = Vec::new();
        for p in &op.path_params {
            let value = ex.and_then(|e| op.example_params(e).into_iter().find(|(f, _)| f.wire == p.wire).map(|(_, v)| v));
            let value = value.or_else(|| p.example.as_ref().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))).unwrap_or_else(|| "1".to_owned());
            args.push(match p.ty {
                Ty::Integer => int(value.parse().unwrap_or(1)),
                // A string path parameter is `impl Into<String>`: the literal itself.
                _ => quote!(#value),
            });
        }
        if op.has_query() {
            match self.query(op, ex) {
                Some(query) => {
                    stmts.push(query);
                    args.push(quote!(query));
                }
                None => {
                    let query = self.name(&ident::op::query(&op.type_prefix));
                    args.push(quote!(#query::default()));
                }
            }
        }
        if let Some(body) = &op.body {
            stmts.push(self.body(op, body, ex.and_then(|e| e.request.as_ref())));
            args.push(quote!(body));
        }
        let group = id(&ident::field(&op.group));
        let method = id(&op.name);
        let call = quote!(client.#group().#method(#(#args),*).await?);
        stmts.push(self.result(op, call));
        quote!(#(#stmts)*)
    }

    /// `let contact = ...; println!(..)`: binds the data and reads its first field.
    fn result(&mut self, op: &Operation, call: TokenStream) -> TokenStream {
        let first = |name: &str| self.api.model(name).and_then(|m| m.fields.first()).map(|f| id(&f.rust));
        match &op.response.data {
            None => {
                let message = op.response.message.clone().unwrap_or_else(|| format!("{} done", op.summary));
                let message = message.replace('{', "{{").replace('}', "}}");
                quote! {
                    #call;
                    println!(#message);
                }
            }
            Some(Ty::Named(name, NamedKind::Model)) if op.is_list() => {
                let item = id(&ident::field(name));
                let field = first(name);
                quote! {
                    let page = #call;
                    for #item in &page.items {
                        println!("{:?}", #item.#field);
                    }
                    println!("page {} of {}", page.meta.current_page, page.meta.last_page);
                }
            }
            Some(Ty::Named(name, NamedKind::Model)) => {
                let var = id(&ident::field(name));
                let field = first(name);
                quote! {
                    let #var = #call;
                    println!("{:?}", #var.#field);
                }
            }
            Some(Ty::Array(item)) => match item.as_ref() {
                Ty::Named(name, NamedKind::Model) => {
                    let (one, all) = (id(&ident::field(name)), format_ident!("{}s", ident::bare(&ident::field(name))));
                    let field = first(name);
                    quote! {
                        let #all = #call;
                        for #one in &#all {
                            println!("{:?}", #one.#field);
                        }
                    }
                }
                _ => print_data(call),
            },
            Some(_) => print_data(call),
        }
    }

    fn body(&mut self, op: &Operation, body: &Body, request: Option<&Value>) -> TokenStream {
        let ty = self.name(&ident::op::body(&op.type_prefix));
        let empty = serde_json::Map::new();
        let fields = request.and_then(Value::as_object).unwrap_or(&empty);
        let args: Vec<TokenStream> = body.fields.iter().filter(|f| f.required).map(|f| self.argument(f, fields.get(&f.wire))).collect();
        let sets: Vec<TokenStream> = body
            .fields
            .iter()
            .filter(|f| !f.required && !f.ty.is_file() && fields.contains_key(&f.wire))
            .map(|f| {
                let name = id(&f.rust);
                let value = self.field(f, fields.get(&f.wire), Side::Request);
                quote!(body.#name = #value;)
            })
            .collect();
        if sets.is_empty() {
            quote!(let body = #ty::new(#(#args),*);)
        } else {
            quote! {
                let mut body = #ty::new(#(#args),*);
                #(#sets)*
            }
        }
    }

    /// A constructor argument: a `String` one is `impl Into<String>`, so the literal itself
    /// (`.into()` would not know its target).
    fn argument(&mut self, f: &Field, v: Option<&Value>) -> TokenStream {
        match (&f.ty, f.nullable, v) {
            (Ty::String | Ty::DateTime | Ty::Date, false, Some(Value::String(s))) => quote!(#s),
            (Ty::String | Ty::DateTime | Ty::Date, false, _) => quote!(String::new()),
            _ => self.field(f, v, Side::Request),
        }
    }

    /// A field's value with its presence, as `emit::models` types it: `T`, `Option<T>` or
    /// `Patch<T>`.
    fn field(&mut self, f: &Field, v: Option<&Value>, side: Side) -> TokenStream {
        let v = v.filter(|v| !v.is_null());
        match (f.required, f.nullable, v) {
            (true, false, Some(v)) => self.value(v, &f.ty, side),
            // `validate::examples` checks that an example has every required field.
            (true, false, None) => quote!(Default::default()),
            (false, true, v) if side == Side::Request => {
                let patch = self.name("Patch");
                match v {
                    Some(v) => {
                        let value = self.value(v, &f.ty, side);
                        quote!(#patch::Set(#value))
                    }
                    None => quote!(#patch::Null),
                }
            }
            (_, _, Some(v)) => {
                let value = self.value(v, &f.ty, side);
                quote!(Some(#value))
            }
            (_, _, None) => quote!(None),
        }
    }

    fn value(&mut self, v: &Value, ty: &Ty, side: Side) -> TokenStream {
        match (ty, v) {
            (Ty::String | Ty::DateTime | Ty::Date, Value::String(s)) => quote!(#s.into()),
            (Ty::Integer, Value::Number(n)) => int(n.as_i64().unwrap_or_default()),
            (Ty::Number, Value::Number(n)) => {
                let n = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default().abs());
                if v.as_f64().is_some_and(|f| f < 0.0) { quote!(-#n) } else { quote!(#n) }
            }
            (Ty::Boolean, Value::Bool(b)) => quote!(#b),
            (Ty::Named(name, NamedKind::Enum), Value::String(s)) => {
                let path = self.enum_value(name, s);
                if side == Side::Response { quote!(#path.into()) } else { path }
            }
            (Ty::Named(name, NamedKind::Model), Value::Object(fields)) => self.model_value(name, fields),
            (Ty::Array(item), Value::Array(items)) => {
                let items = items.iter().map(|v| self.value(v, item, side)).collect::<Vec<_>>();
                vec_of(&items)
            }
            (Ty::Map(item), Value::Object(entries)) => {
                let keys = entries.keys();
                let values = entries.values().map(|v| self.value(v, item, side)).collect::<Vec<_>>();
                quote!([#((#keys.into(), #values)),*].into_iter().collect())
            }
            // `validate::examples` checks that every value of an example fits its type.
            _ => quote!(Default::default()),
        }
    }

    /// A model literal with the example's fields (relations left out). `validate` resolves
    /// every named type, so the model exists.
    fn model_value(&mut self, name: &str, fields: &serde_json::Map<String, Value>) -> TokenStream {
        let Some(model) = self.api.model(name) else { return quote!(Default::default()) };
        let side = if self.received.contains(name) { Side::Response } else { Side::Request };
        let ty = self.name(name);
        let inits: Vec<TokenStream> = model
            .fields
            .iter()
            .map(|f| {
                let name = id(&f.rust);
                let value = self.field(f, fields.get(&f.wire), side);
                quote!(#name: #value)
            })
            .collect();
        let relations = model.relations.iter().map(|r| id(&r.rust));
        quote!(#ty { #(#inits,)* #(#relations: None,)* })
    }

    fn enum_value(&mut self, name: &str, wire: &str) -> TokenStream {
        let known = self.api.enum_(name).and_then(|e| e.values.iter().find(|(w, _)| w == wire));
        let variant = known.map_or_else(|| ident::variant(wire), |(_, v)| v.clone());
        let (ty, variant) = (self.name(name), id(&variant));
        quote!(#ty::#variant)
    }

    /// What one example query pair sets: a field of the query, or a condition of its filters.
    fn query_pair(&mut self, op: &Operation, key: &str, value: &str) -> Option<QueryPart> {
        let q = &self.api.list_query;
        let values = || value.split(',').map(str::trim);
        if key == q.include {
            let include = self.name(&ident::include_enum(op.include_model().unwrap_or_default()));
            let variants = values().map(|v| id(&ident::type_name(v)));
            return Some(QueryPart::Field(id("include"), quote!([#(#include::#variants),*].into_iter().collect())));
        }
        if key == "page" || key == "per_page" {
            let n = Literal::u32_unsuffixed(value.parse().unwrap_or(1));
            return Some(QueryPart::Field(id(key), quote!(Some(#n))));
        }
        if key == q.sort {
            let (sort, field) = (self.name("Sort"), self.name(&ident::op::sort_field(&op.type_prefix)));
            let keys: Vec<TokenStream> = values()
                .map(|v| match v.strip_prefix(q.descending_prefix.as_str()) {
                    Some(f) => {
                        let f = id(&ident::variant(f));
                        quote!(#sort::desc(#field::#f))
                    }
                    None => {
                        let f = id(&ident::variant(v));
                        quote!(#sort::asc(#field::#f))
                    }
                })
                .collect();
            return Some(QueryPart::Field(id("sort"), vec_of(&keys)));
        }
        if key == q.search || q.search_aliases.iter().any(|a| a == key) {
            return Some(QueryPart::Field(id("search"), quote!(Some(#value.into()))));
        }
        if key == q.fields {
            let names: Vec<TokenStream> = values().map(|n| quote!(#n.into())).collect();
            return Some(QueryPart::Field(id("fields"), vec_of(&names)));
        }
        if let Some(rest) = key.strip_prefix(q.filter.as_str()).and_then(|k| k.strip_prefix('[')) {
            return self.filter(op, rest, value);
        }
        let f = op.query.iter().find(|f| f.wire == key)?;
        let value = if matches!(f.ty, Ty::Array(_)) {
            let items = values().map(|v| self.scalar(f.ty.leaf(), v)).collect::<Vec<_>>();
            vec_of(&items)
        } else {
            let v = self.scalar(&f.ty, value);
            quote!(Some(#v))
        };
        Some(QueryPart::Field(id(&f.rust), value))
    }

    /// `status_id` and `Filter::is_in([1, 2])`: the constructor of the operator, named after
    /// it (`is_in` for `in`, a keyword), with the values as its arguments.
    fn filter(&mut self, op: &Operation, rest: &str, value: &str) -> Option<QueryPart> {
        let (field, wire_op) = match rest.split_once(']') {
            Some((field, tail)) if !tail.is_empty() => (field, tail.trim_start_matches('[').trim_end_matches(']')),
            Some((field, _)) => (field, "eq"),
            None => (rest, "eq"),
        };
        let filter = op.list.as_ref()?.filters.iter().find(|f| f.field == field)?;
        let operator = self.api.operators.iter().find(|o| o.wire == wire_op || o.aliases.iter().any(|a| a == wire_op))?;
        let filter_ty = self.name("Filter");
        let constructor = format_ident!("{}", if operator.wire == "in" { "is_in" } else { operator.wire.as_str() });
        let ty = filter.ty.leaf().clone();
        let args = match operator.value.as_str() {
            "list" => {
                let items = value.split(',').map(|v| self.filter_value(&ty, v.trim())).collect::<Vec<_>>();
                quote!([#(#items),*])
            }
            "pair" => {
                let (low, high) = value.split_once(',').unwrap_or((value, value));
                let (low, high) = (self.filter_value(&ty, low.trim()), self.filter_value(&ty, high.trim()));
                quote!(#low, #high)
            }
            "boolean" => {
                let b = value == "true" || value == "1";
                quote!(#b)
            }
            "text" => quote!(#value),
            _ => self.filter_value(&ty, value),
        };
        Some(QueryPart::Filter(id(&filter.rust), quote!(#filter_ty::#constructor(#args))))
    }

    /// A value of a filter constructor, which takes `impl Into<T>`: text as a `&str` literal.
    fn filter_value(&mut self, ty: &Ty, value: &str) -> TokenStream {
        match ty {
            Ty::Integer | Ty::Number | Ty::Boolean | Ty::Named(_, NamedKind::Enum) => self.scalar(ty, value),
            _ => quote!(#value),
        }
    }

    /// `let query = ListContactsQuery { sort: .., filters: .., ..Default::default() };`, or
    /// `None` when the example sets nothing.
    fn query(&mut self, op: &Operation, ex: Option<&Example>) -> Option<TokenStream> {
        let mut fields: Vec<(Ident, TokenStream)> = Vec::new();
        let mut filters: Vec<(Ident, Vec<TokenStream>)> = Vec::new();
        for (k, v) in ex.map(|e| e.query.as_slice()).unwrap_or_default() {
            match self.query_pair(op, k, v) {
                Some(QueryPart::Field(name, value)) => fields.push((name, value)),
                Some(QueryPart::Filter(name, cond)) => match filters.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, conds)) => conds.push(cond),
                    None => filters.push((name, vec![cond])),
                },
                None => {}
            }
        }
        if !filters.is_empty() {
            let ty = self.name(&ident::op::filters(&op.type_prefix));
            let inits = filters.iter().map(|(name, conds)| {
                let conds = vec_of(conds);
                quote!(#name: #conds)
            });
            let all = op.list.as_ref().map_or(0, |l| l.filters.len());
            let rest = (filters.len() < all).then(|| quote!(..Default::default()));
            fields.push((id("filters"), quote!(#ty { #(#inits,)* #rest })));
        }
        if fields.is_empty() {
            return None;
        }
        let query = self.name(&ident::op::query(&op.type_prefix));
        let rest = (fields.len() < query_fields(op)).then(|| quote!(..Default::default()));
        let (names, values) = (fields.iter().map(|(n, _)| n), fields.iter().map(|(_, v)| v));
        Some(quote!(let query = #query { #(#names: #values,)* #rest };))
    }

    /// A query value of a scalar type.
    fn scalar(&mut self, ty: &Ty, value: &str) -> TokenStream {
        match ty {
            Ty::Integer => int(value.parse().unwrap_or_default()),
            Ty::Number => {
                let n = Literal::f64_unsuffixed(value.parse().unwrap_or_default());
                quote!(#n)
            }
            Ty::Boolean => {
                let b = value == "true" || value == "1";
                quote!(#b)
            }
            Ty::Named(name, NamedKind::Enum) => self.enum_value(name, value),
            _ => quote!(#value.into()),
        }
    }
}

/// How many fields the `…Query` of an operation has (as `emit::models` lays it out).
fn query_fields(op: &Operation) -> usize {
    let include = usize::from(op.include_model().is_some());
    let list = op.list.as_ref().map_or(0, |l| 2 + usize::from(!l.sort.is_empty()) + usize::from(!l.search.is_empty()) + usize::from(!l.filters.is_empty()));
    include + list + usize::from(op.fields) + op.query.len()
}

/// `let data = ...; println!("{data:?}")`: prints data of no model.
fn print_data(call: TokenStream) -> TokenStream {
    quote! {
        let data = #call;
        println!("{data:?}");
    }
}

/// `Vec::from([a, b])`: unlike `vec![..]`, prettyplease lays it out like any call.
fn vec_of(items: &[TokenStream]) -> TokenStream {
    if items.is_empty() { quote!(Vec::new()) } else { quote!(Vec::from([#(#items),*])) }
}

fn int(value: i64) -> TokenStream {
    let abs = Literal::i64_unsuffixed(value.abs());
    if value < 0 { quote!(-#abs) } else { quote!(#abs) }
}

