//! Client emitter: `generated/wacr-client/src/client.rs`, the async client. One handle per
//! resource group (`client.contacts()`), one method per operation taking the path parameters,
//! the typed query and the typed body, and one `ClientRequest` impl per operation so
//! `Client::execute` can send any `…Request`. The HTTP plumbing lives in `wacr_runtime::client`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

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
    Output { path: PATH.into(), contents: rust_file(quote!(#(#items)*), &api.files.join(", ")) }
}

fn id(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(ident::bare(name), Span::call_site()))
}

fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

fn prelude(api: &Api) -> TokenStream {
    let e = &api.envelope;
    let (success, message, data, meta, links, error, code, details, errors) =
        (&e.success, &e.message, &e.data, &e.meta, &e.links, &e.error, &e.code, &e.details, &e.errors);
    let base = &api.base_url;
    let base_doc = docs(&[format!("The default base URL. {}", api.base_url_provenance.sentence())]);
    quote! {
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

        /// What a call returns: the typed data, or the typed error of the operation.
        pub type Result<T, E> = ::core::result::Result<T, c::Error<E>>;

        /// An operation the client can send: implemented for every generated `…Request`.
        pub trait ClientRequest: wacr_runtime::Operation {
            /// The success data.
            type Output: serde::de::DeserializeOwned;
            /// The error codes the operation documents.
            type Error: wacr_runtime::WireEnum;
            /// Where the data sits in the success body.
            const SHAPE: c::Shape;
            /// The query pairs to send.
            fn query_pairs(&self) -> Vec<(String, String)>;
            /// The request body.
            fn body(&self) -> c::Body;
        }
    }
}

fn client_struct(api: &Api) -> TokenStream {
    let handles = api.groups.iter().map(|g| {
        let method = id(&ident::field(&g.name));
        let ty = format_ident!("{}", g.type_name);
        let doc = docs(&[format!("{}: {}", g.title, g.description)]);
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
        }

        impl Client {
            /// A builder with the default base URL ([`DEFAULT_BASE_URL`]), 30 s request and
            /// 10 s connect timeouts and a `wacr-client/<version>` user agent.
            pub fn builder() -> c::ClientBuilder {
                c::ClientBuilder::new(DEFAULT_BASE_URL, ENVELOPE, concat!("wacr-client/", env!("CARGO_PKG_VERSION")))
            }

            /// A client with the default settings and this token.
            pub fn new(token: impl Into<String>) -> ::core::result::Result<Client, c::BuildError> {
                Client::builder().token(token).build().map(Client::from_transport)
            }

            /// A client over a transport built with [`Client::builder`].
            pub fn from_transport(transport: c::Transport) -> Client {
                Client { transport }
            }

            /// Sends any operation's request and returns its data.
            pub async fn execute<R: ClientRequest>(&self, request: R) -> Result<R::Output, R::Error> {
                self.execute_with_meta(request).await.map(|success| success.data)
            }

            /// Like [`Client::execute`], with the status, message and request id of the response.
            pub async fn execute_with_meta<R: ClientRequest>(&self, request: R) -> Result<c::Success<R::Output>, R::Error> {
                let call = c::Call {
                    operation_id: R::ID,
                    method: R::METHOD,
                    path: request.render_path(),
                    query: request.query_pairs(),
                    body: request.body(),
                    shape: R::SHAPE,
                };
                self.transport.send(call).await
            }

            #(#handles)*
        }
    }
}

fn group_handle(group: &Group) -> TokenStream {
    let ty = format_ident!("{}", group.type_name);
    let doc = docs(&[format!("{}: {}", group.title, group.description), String::new(), format!("Obtained from `Client::{}()`.", ident::field(&group.name))]);
    let methods = group.operations.iter().map(operation_method);
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            client: &'a Client,
        }

        impl #ty<'_> {
            #(#methods)*
        }
    }
}

fn path_param_type(f: &Field) -> TokenStream {
    match f.ty {
        Ty::Integer => quote!(i64),
        _ => quote!(String),
    }
}

fn method_doc(op: &Operation) -> TokenStream {
    let mut lines = vec![format!("{}: `{}`.", op.summary, op.route()), String::new()];
    if !op.description.is_empty() {
        lines.push(op.description.clone());
        lines.push(String::new());
    }
    lines.push(match &op.scope {
        Some(s) => format!("Requires the `{s}` scope."),
        None => "Requires no scope: any valid token of an active tenant.".to_owned(),
    });
    lines.push(String::new());
    lines.push(op.provenance.sentence());
    let codes: Vec<String> = op.error_codes().iter().map(|e| format!("`{}` ({})", e.code, e.status)).collect();
    lines.push(String::new());
    lines.push(format!("Errors: {}.", codes.join(", ")));
    docs(&lines)
}

fn operation_method(op: &Operation) -> TokenStream {
    let name = id(&op.name);
    let request = format_ident!("{}", ident::op::request(&op.type_prefix));
    let response = format_ident!("{}", ident::op::response(&op.type_prefix));
    let error = format_ident!("{}", ident::op::error(&op.type_prefix));
    let mut args = Vec::new();
    let mut fields = Vec::new();
    for p in &op.path_params {
        let arg = id(&p.rust);
        let ty = path_param_type(p);
        args.push(quote!(#arg: #ty));
        fields.push(quote!(#arg));
    }
    if op.has_query() {
        let q = format_ident!("{}", ident::op::query(&op.type_prefix));
        args.push(quote!(query: m::#q));
        fields.push(quote!(query));
    }
    if op.has_body() {
        let b = format_ident!("{}", ident::op::body(&op.type_prefix));
        args.push(quote!(body: m::#b));
        fields.push(quote!(body));
    }
    let doc = method_doc(op);
    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> Result<m::#response, m::#error> {
            self.client.execute(m::#request { #(#fields),* }).await
        }
    }
}

fn request_impl(op: &Operation) -> TokenStream {
    let request = format_ident!("{}", ident::op::request(&op.type_prefix));
    let response = format_ident!("{}", ident::op::response(&op.type_prefix));
    let error = format_ident!("{}", ident::op::error(&op.type_prefix));
    let shape = match op.response.envelope {
        EnvelopeKind::Data => quote!(c::Shape::Data),
        EnvelopeKind::List => quote!(c::Shape::List),
        EnvelopeKind::Flat => quote!(c::Shape::Flat),
        EnvelopeKind::None => quote!(c::Shape::Bare),
    };
    let query = if op.has_query() { quote!(self.query.to_pairs()) } else { quote!(Vec::new()) };
    let body = match op.body.as_ref().map(|b| b.content_type) {
        None => quote!(c::Body::Empty),
        Some(ContentType::Json) => quote!(c::json_body(&self.body)),
        Some(ContentType::Multipart) => quote!(c::multipart_body(&self.body)),
        Some(ContentType::JsonOrMultipart) => quote!(c::json_or_multipart_body(&self.body)),
    };
    quote! {
        impl ClientRequest for m::#request {
            type Output = m::#response;
            type Error = m::#error;
            const SHAPE: c::Shape = #shape;
            fn query_pairs(&self) -> Vec<(String, String)> {
                #query
            }
            fn body(&self) -> c::Body {
                #body
            }
        }
    }
}
