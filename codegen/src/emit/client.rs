//! Client emitter: `generated/wacr-client/src/client.rs`, the async client. One handle per
//! resource group (`client.contacts()`), one method per operation taking the path parameters,
//! the typed query and the typed body. `Client::execute` sends any `…Request` through the
//! `Exchange` the models derive; the client adds only each body's encoding and each list's
//! paging. The HTTP plumbing lives in `wacr_runtime::client`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::emit::models::doc;
use crate::ident;
use crate::ir::*;
use crate::write::{rust_file, Output};

pub const PATH: &str = "generated/wacr-client/src/client.rs";

pub fn emit(api: &Api) -> Output {
    let mut items = vec![prelude(api), client_struct(api)];
    for group in &api.groups {
        items.push(group_handle(group));
        items.extend(group.operations.iter().map(request_impl));
    }
    items.push(blocking_groups(api));
    Output { path: PATH.into(), contents: rust_file(quote!(#(#items)*), &api.files.join(", ")) }
}

fn id(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(ident::bare(name), Span::call_site()))
}

fn docs(lines: &[String]) -> TokenStream {
    crate::write::doc_attrs(lines.iter().map(|l| format!(" {l}")))
}

fn prelude(api: &Api) -> TokenStream {
    let e = &api.envelope;
    let (success, message, data, meta, links, error, code, details, errors) =
        (&e.success, &e.message, &e.data, &e.meta, &e.links, &e.error, &e.code, &e.details, &e.errors);
    let base = &api.base_url;
    let limit_header = api.rate_limit.limit_header.to_lowercase();
    let remaining_header = api.rate_limit.remaining_header.to_lowercase();
    let retry_after_header = api.rate_limit.retry_after_header.to_lowercase();
    let base_doc = docs(&[format!("The default base URL. {}", doc::provenance(&api.base_url_provenance))]);
    quote! {
        use std::future::Future;
        use wacr_models as m;
        use wacr_runtime::client as c;

        #base_doc
        pub const DEFAULT_BASE_URL: &str = #base;

        /// The wire keys of the response envelope (api.yaml `envelope`).
        pub const ENVELOPE: c::EnvelopeKeys = c::EnvelopeKeys {
            success: #success,
            message: #message,
            data: #data,
            meta: #meta,
            links: #links,
            error: #error,
            code: #code,
            details: #details,
            errors: #errors,
        };

        /// The response header names (api.yaml `rate_limit.headers`, plus `x-request-id`).
        pub const HEADERS: c::HeaderNames = c::HeaderNames {
            request_id: "x-request-id",
            limit: #limit_header,
            remaining: #remaining_header,
            retry_after: #retry_after_header,
        };

        /// What a call returns: the typed data, or the typed error of the operation.
        pub type Result<T, E> = ::core::result::Result<T, c::Error<E>>;

        /// The HTTP call of a request: its route, query, body and how to read the answer.
        fn call_of<R: ClientRequest>(request: &R) -> c::Call {
            c::Call {
                operation_id: R::ID,
                method: R::METHOD,
                path: request.render_path(),
                query: request.query_pairs(),
                body: request.body().map_or(c::Body::Empty, ClientBody::encode),
                shape: R::SHAPE,
                sends_message: R::SENDS_MESSAGE,
            }
        }

        /// An operation the client can send: every generated `…Request`, through the
        /// [`Exchange`](wacr_runtime::Exchange) its `#[operation]` attribute declares.
        pub trait ClientRequest: wacr_runtime::Exchange<Output: serde::de::DeserializeOwned, Body: ClientBody> {}

        impl<R: wacr_runtime::Exchange<Output: serde::de::DeserializeOwned, Body: ClientBody>> ClientRequest for R {}

        /// A request body as the client sends it: JSON, unless the operation's spec says
        /// multipart.
        pub trait ClientBody: serde::Serialize + Sized {
            /// The body on the wire.
            fn encode(&self) -> c::Body {
                c::json_body(self)
            }
        }

        /// No body: never encoded, as `Exchange::body` is `None`.
        impl ClientBody for () {}

        /// A list operation's request: [`Client::pages`] and [`Client::items`] follow its pages.
        pub trait ListRequest: ClientRequest<Output = wacr_runtime::Page<Self::Item>> + Clone + Send + Sync + 'static {
            /// One item of a page.
            type Item: serde::de::DeserializeOwned + Send + 'static;
            /// The page the request asks for; `None` is the first.
            fn page_mut(&mut self) -> &mut Option<u32>;
        }
    }
}

fn client_struct(api: &Api) -> TokenStream {
    let handles = api.groups.iter().map(|g| {
        let method = id(&ident::field(&g.name));
        let ty = format_ident!("{}", g.type_name);
        let doc = docs(&[format!("{}: {}", doc::escape(&g.title), doc::escape(&g.description))]);
        quote! {
            #doc
            pub fn #method(&self) -> #ty<'_> {
                #ty { client: self }
            }
        }
    });
    quote! {
        /// The WA.cr API client. Cheap to clone: clones share one connection pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: c::Transport,
            options: c::CallOptions,
        }

        impl Client {
            /// A builder with the default base URL ([`DEFAULT_BASE_URL`]), 30 s request and
            /// 10 s connect timeouts and a `wacr-client/<version>` user agent; its `build()`
            /// returns the `Client` (`build_transport()` the bare [`c::Transport`]).
            pub fn builder() -> c::ClientBuilder<Client> {
                c::ClientBuilder::new(DEFAULT_BASE_URL, ENVELOPE, concat!("wacr-client/", env!("CARGO_PKG_VERSION"))).header_names(HEADERS).for_client()
            }

            /// A client with the default settings and this token.
            pub fn new(token: impl Into<String>) -> ::core::result::Result<Client, c::BuildError> {
                Client::builder().token(token).build()
            }

            /// A client over a transport built with [`c::ClientBuilder::build_transport`].
            pub fn from_transport(transport: c::Transport) -> Client {
                Client { transport, options: c::CallOptions::default() }
            }

            /// The HTTP stack underneath, to send a hand-made [`c::Call`].
            pub fn transport(&self) -> &c::Transport {
                &self.transport
            }

            /// The same client with another per-attempt timeout for the calls made through it.
            #[must_use]
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Client {
                Client { transport: self.transport.clone(), options: c::CallOptions { timeout: Some(timeout), ..self.options } }
            }

            /// The same client with another retry policy for the calls made through it.
            #[must_use]
            pub fn with_retry(&self, policy: c::RetryPolicy) -> Client {
                Client { transport: self.transport.clone(), options: c::CallOptions { retry: Some(policy), ..self.options } }
            }

            /// The same client, declaring the calls made through it safe to repeat: a POST or
            /// PATCH is then retried after a timeout, a dropped connection or a 5xx, which may
            /// have reached the server (by default only GET, PUT and DELETE are).
            #[must_use]
            pub fn idempotent(&self) -> Client {
                Client { transport: self.transport.clone(), options: c::CallOptions { idempotent: true, ..self.options } }
            }

            /// Sends any operation's request and returns its data.
            pub async fn execute<R: ClientRequest>(&self, request: R) -> Result<R::Output, R::Error> {
                self.transport.send_with(call_of(&request), self.options).await.map(|success| success.data)
            }

            /// Sends any operation's request and returns its data as undecoded JSON: for `?fields=`
            /// selections, which may leave out fields the typed model requires.
            pub async fn execute_json<R: ClientRequest>(&self, request: R) -> Result<::serde_json::Value, R::Error> {
                self.transport.send_with(call_of(&request), self.options).await.map(|success| success.data)
            }

            /// Like [`Client::execute`], with the status, message and request id of the response.
            pub async fn execute_with_meta<R: ClientRequest>(&self, request: R) -> Result<c::Success<R::Output>, R::Error> {
                self.transport.send_with(call_of(&request), self.options).await
            }

            /// Every page of a list request, fetched lazily from its page (default 1) on, with the
            /// same filters.
            pub fn pages<R: ListRequest>(&self, mut request: R) -> c::Pages<R::Item, R::Error>
            where
                R::Error: Send,
            {
                let client = self.clone();
                let first = request.page_mut().unwrap_or(1);
                Box::pin(c::pages(first, move |page| {
                    let client = client.clone();
                    let mut request = request.clone();
                    *request.page_mut() = Some(page);
                    async move { client.execute(request).await }
                }))
            }

            /// Every item of a list request across all pages, fetched lazily page by page.
            pub fn items<R: ListRequest>(&self, request: R) -> c::Items<R::Item, R::Error>
            where
                R::Error: Send,
            {
                Box::pin(c::items(self.pages(request)))
            }

            #(#handles)*
        }

        impl From<c::Transport> for Client {
            fn from(transport: c::Transport) -> Client {
                Client::from_transport(transport)
            }
        }
    }
}

fn group_handle(group: &Group) -> TokenStream {
    let ty = format_ident!("{}", group.type_name);
    let doc = docs(&[format!("{}: {}", doc::escape(&group.title), doc::escape(&group.description)), String::new(), format!("Obtained from `Client::{}()`.", ident::field(&group.name))]);
    let methods = group.operations.iter().map(operation_method);
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            client: &'a Client,
        }

        impl<'a> #ty<'a> {
            #(#methods)*
        }
    }
}

/// The blocking facade's handles (feature `blocking`), one per group as in the async client,
/// each method the async one waited for on the facade's runtime (a list's streams iterated
/// there). Re-exported by
/// `wacr_client::blocking`.
fn blocking_groups(api: &Api) -> TokenStream {
    let handles = api.groups.iter().map(|g| {
        let method = id(&ident::field(&g.name));
        let ty = format_ident!("{}", g.type_name);
        let doc = format!(" {}: blocking [`crate::{ty}`].", doc::escape(&g.title));
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #ty<'_> {
                #ty { client: self }
            }
        }
    });
    let groups = api.groups.iter().map(|g| {
        let ty = format_ident!("{}", g.type_name);
        let doc = format!(" {}, blocking: from `blocking::Client::{}()`.", doc::escape(&g.title), ident::field(&g.name));
        let methods = g.operations.iter().map(|op| blocking_method(op, &g.name, &ty));
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ty<'a> {
                client: &'a crate::blocking::Client,
            }

            impl #ty<'_> {
                #(#methods)*
            }
        }
    });
    quote! {
        /// The blocking facade's resource handles, re-exported by `wacr_client::blocking`.
        #[cfg(feature = "blocking")]
        #[doc(hidden)]
        pub mod blocking_groups {
            use super::{m, Result};

            impl crate::blocking::Client {
                #(#handles)*
            }

            #(#groups)*
        }
    }
}

/// One blocking method: the async method of the same name, waited for; for a list, its
/// `…_pages` and `…_all` too, as iterators driven on the facade's runtime.
fn blocking_method(op: &Operation, group: &str, ty: &Ident) -> TokenStream {
    let error = format_ident!("{}", ident::op::error(&op.type_prefix));
    let output = output_type(op);
    let call = blocking_call(op, group, ty, &op.name, quote!(wait), quote!(Result<#output, m::#error>));
    let streams = op.is_list().then(|| {
        let item = list_item(op);
        let pages = blocking_call(op, group, ty, &format!("{}_pages", ident::bare(&op.name)), quote!(iter), quote!(crate::blocking::Pages<#item, m::#error>));
        let all = blocking_call(op, group, ty, &format!("{}_all", ident::bare(&op.name)), quote!(iter), quote!(crate::blocking::Items<#item, m::#error>));
        quote!(#pages #all)
    });
    quote!(#call #streams)
}

/// The blocking `name`: the async handle's method of that name, through the facade's `wait`
/// (a future) or `iter` (a stream).
fn blocking_call(op: &Operation, group: &str, ty: &Ident, name: &str, drive: TokenStream, output: TokenStream) -> TokenStream {
    let (method, handle) = (id(name), id(&ident::field(group)));
    let (args, names) = method_args(op);
    let doc = format!(" Blocking [`crate::{ty}::{}`].", ident::bare(name));
    quote! {
        #[doc = #doc]
        pub fn #method(&self, #(#args),*) -> #output {
            self.client.#drive(self.client.async_client().#handle().#method(#(#names),*))
        }
    }
}

/// A method's parameters (path parameters, the query, the body) and their names.
fn method_args(op: &Operation) -> (Vec<TokenStream>, Vec<Ident>) {
    let mut args = Vec::new();
    let mut names = Vec::new();
    for p in &op.path_params {
        let (arg, ty) = (id(&p.rust), path_param_type(p));
        args.push(quote!(#arg: #ty));
        names.push(arg);
    }
    if op.has_query() {
        let q = format_ident!("{}", ident::op::query(&op.type_prefix));
        args.push(quote!(query: m::#q));
        names.push(format_ident!("query"));
    }
    if op.has_body() {
        let b = format_ident!("{}", ident::op::body(&op.type_prefix));
        args.push(quote!(body: m::#b));
        names.push(format_ident!("body"));
    }
    (args, names)
}

fn path_param_type(f: &Field) -> TokenStream {
    match f.ty {
        Ty::Integer => quote!(i64),
        _ => quote!(impl Into<String>),
    }
}

/// The data a method answers, named as itself (`m::Contact`, `wacr_runtime::Page<m::Contact>`)
/// so that rustdoc shows it in the signature; the `…Response` alias for any other shape.
fn output_type(op: &Operation) -> TokenStream {
    let named = |ty: &Ty| match ty {
        Ty::Named(n, NamedKind::Model) => Some(format_ident!("{}", n)),
        _ => None,
    };
    let data = op.response.data.as_ref();
    let output = match data {
        None => Some(quote!(())),
        Some(item) if op.is_list() => named(item).map(|n| quote!(wacr_runtime::Page<m::#n>)),
        Some(Ty::Array(item)) => named(item).map(|n| quote!(Vec<m::#n>)),
        Some(ty) => named(ty).map(|n| quote!(m::#n)),
    };
    output.unwrap_or_else(|| {
        let alias = format_ident!("{}", ident::op::response(&op.type_prefix));
        quote!(m::#alias)
    })
}

/// The summary, route, scope and description in one paragraph, then where the rest is: the request type has
/// the rules, behaviour and provenance, the error type the codes.
fn method_doc(op: &Operation) -> TokenStream {
    let scope = match &op.scope {
        Some(s) => format!("scope `{s}`"),
        None => "no scope".to_owned(),
    };
    let mut head = format!("{}: `{}`, {scope}.", op.summary, op.route());
    if !op.description.is_empty() {
        head = format!("{head} {}", doc::escape(&op.description));
    }
    let mut lines = vec![head, String::new()];
    let (request, error) = (ident::op::request(&op.type_prefix), ident::op::error(&op.type_prefix));
    let response = ident::op::response(&op.type_prefix);
    lines.push(format!(
        "Answers [`m::{response}`]; rules, behaviour and provenance: [`m::{request}`]; errors: [`m::{error}`]."
    ));
    docs(&lines)
}

fn operation_method(op: &Operation) -> TokenStream {
    let name = id(&op.name);
    let error = format_ident!("{}", ident::op::error(&op.type_prefix));
    let output = output_type(op);
    let (args, _) = method_args(op);
    let request = request_of(op);
    let doc = method_doc(op);
    let streams = op.is_list().then(|| list_streams(op, &args, &request));
    quote! {
        #doc
        pub fn #name(&self, #(#args),*) -> impl Future<Output = Result<#output, m::#error>> + 'a {
            self.client.execute(#request)
        }

        #streams
    }
}

/// The request from the method's arguments, through its constructors (`new(path params,
/// body)`, then `with_query`), which keep the calls on one line.
fn request_of(op: &Operation) -> TokenStream {
    let request = format_ident!("{}", ident::op::request(&op.type_prefix));
    let mut params: Vec<Ident> = op.path_params.iter().map(|p| id(&p.rust)).collect();
    if op.has_body() {
        params.push(format_ident!("body"));
    }
    let with_query = op.has_query().then(|| quote!(.with_query(query)));
    quote!(m::#request::new(#(#params),*) #with_query)
}

/// `list_pages` and `list_all`: every page, or every item, lazily, following `meta`.
fn list_streams(op: &Operation, args: &[TokenStream], request: &TokenStream) -> TokenStream {
    let pages = format_ident!("{}_pages", ident::bare(&op.name));
    let all = format_ident!("{}_all", ident::bare(&op.name));
    let error = format_ident!("{}", ident::op::error(&op.type_prefix));
    let item = list_item(op);
    let pages_doc = format!(" Every page of `{}`, fetched lazily from `query.page` (default 1) on, with the same filters.", op.name);
    let all_doc = format!(" Every item of `{}` across all pages, fetched lazily page by page.", op.name);
    quote! {
        #[doc = #pages_doc]
        pub fn #pages(&self, #(#args),*) -> c::Pages<#item, m::#error> {
            self.client.pages(#request)
        }

        #[doc = #all_doc]
        pub fn #all(&self, #(#args),*) -> c::Items<#item, m::#error> {
            self.client.items(#request)
        }
    }
}

/// The item type of a list operation's page: `validate` checks that a list's `data` names a
/// model (the unit type stands in for a spec that it did not check).
fn list_item(op: &Operation) -> TokenStream {
    match op.response.data.as_ref() {
        Some(Ty::Named(n, _)) => {
            let n = format_ident!("{}", n);
            quote!(m::#n)
        }
        _ => quote!(()),
    }
}

/// What the client adds to an operation beside its method: how its body is encoded and, for a
/// list, how to ask for a page. The rest of the exchange is the request's own `Exchange`.
fn request_impl(op: &Operation) -> TokenStream {
    let request = format_ident!("{}", ident::op::request(&op.type_prefix));
    let body = op.body.as_ref().map(|b| {
        let name = format_ident!("{}", ident::op::body(&op.type_prefix));
        let encode = match b.content_type {
            ContentType::Json => return quote!(impl ClientBody for m::#name {}),
            ContentType::Multipart => quote!(c::multipart_body(self)),
            ContentType::JsonOrMultipart => quote!(c::json_or_multipart_body(self)),
        };
        quote! {
            impl ClientBody for m::#name {
                fn encode(&self) -> c::Body {
                    #encode
                }
            }
        }
    });
    let list = op.is_list().then(|| {
        let item = list_item(op);
        quote! {
            impl ListRequest for m::#request {
                type Item = #item;
                fn page_mut(&mut self) -> &mut Option<u32> {
                    &mut self.query.page
                }
            }
        }
    });
    quote! {
        #body
        #list
    }
}
