//! Server emitter: `generated/wacr-server/src/server.rs`, the traits an implementer writes (one
//! per resource group, one method per operation) and the axum router that runs every request
//! through the glue of `wacr_runtime::server` before and after calling them; plus
//! `generated/wacr-server/tests/auth_matrix.rs`, which checks 401/401/403 for every operation.
//!
//! The generated code stays declarative: the spec's conventions, validation rules and query
//! checks become constants, and each handler is a short sequence of runtime calls.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::ident::{self, to_ident as ident};
use crate::ir::*;
use crate::validate::GLUE_CODES;
use crate::write::{rust_file, Output};

mod matrix;
pub mod receiver;
mod rules;

pub use matrix::matrix_test;
use rules::{query_spec, rules};

pub const PATH: &str = "generated/wacr-server/src/server.rs";
pub const MATRIX_PATH: &str = "generated/wacr-server/tests/auth_matrix.rs";

/// Room for the text parts of a multipart body, on top of its largest files.
const MULTIPART_SLACK: i64 = 1 << 20;

pub fn emit(api: &Api) -> Output {
    let mut items = vec![prelude(), conventions(api), rules(api), error_code()];
    items.extend(api.groups.iter().map(group_trait));
    items.push(routers(api));
    items.extend(api.groups.iter().flat_map(|g| g.operations.iter().map(move |op| handler(api, g, op))));
    Output { path: PATH.into(), contents: rust_file(quote!(#(#items)*), &api.files.join(", ")) }
}

fn prelude() -> TokenStream {
    quote! {
        use std::future::Future;

        use wacr_models as m;
        use wacr_runtime::server as rt;
        use rt::axum::Router;
        use rt::axum::extract::State;
        use rt::axum::routing;
    }
}

/// `CONVENTIONS`: everything of `api.yaml` the glue writes or checks.
fn conventions(api: &Api) -> TokenStream {
    let e = &api.envelope;
    let (success, message, data, meta, links) = (&e.success, &e.message, &e.data, &e.meta, &e.links);
    let (error, code_key, details, errors) = (&e.error, &e.code, &e.details, &e.errors);
    let p = &api.pagination;
    let [page_default, page_min, per_page_default, per_page_min, per_page_max] =
        [p.page_default, p.page_min, p.per_page_default, p.per_page_min, p.per_page_max].map(u32_lit);
    let r = &api.rate_limit;
    let (limit, remaining, retry_after) = (&r.limit_header, &r.remaining_header, &r.retry_after_header);
    let per_minute = u32_lit(r.default_per_minute);
    let auth_header = &api.auth_header;
    let fields_key = &api.list_query.fields;
    let (sort_key, include_key, filter_key) = (&api.list_query.sort, &api.list_query.include, &api.list_query.filter);
    let [unauthorized, insufficient_scope, validation, rate_limited, not_found, internal] = GLUE_CODES.map(|(name, status)| code(api, name, status));
    let method_not_allowed = glue_only_code(api, 405, "METHOD_NOT_ALLOWED", "Method not allowed");
    let unsupported = glue_only_code(api, 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type");
    let too_large = glue_only_code(api, 413, "PAYLOAD_TOO_LARGE", "Payload too large");
    let required_scope_key = detail_key(api, "INSUFFICIENT_SCOPE", "required_scope");
    let retry_after_key = detail_key(api, "RATE_LIMIT_EXCEEDED", "retry_after");
    let max_upload = Literal::usize_unsuffixed(max_upload(api));
    quote! {
        /// The conventions of `api-spec/api.yaml` the glue follows: envelope keys, the codes and
        /// messages of the errors the glue answers itself, pagination bounds and rate-limit
        /// headers. 405, 413 and 415 are not in the spec's catalogue; the glue names them after
        /// their HTTP status.
        pub const CONVENTIONS: rt::Conventions = rt::Conventions {
            envelope: rt::EnvelopeKeys {
                success: #success, message: #message, data: #data, meta: #meta, links: #links,
                error: #error, code: #code_key, details: #details, errors: #errors,
            },
            auth_header: #auth_header,
            codes: rt::GlueCodes {
                unauthorized: #unauthorized,
                insufficient_scope: #insufficient_scope,
                validation: #validation,
                rate_limited: #rate_limited,
                not_found: #not_found,
                internal: #internal,
                method_not_allowed: #method_not_allowed,
                unsupported_media_type: #unsupported,
                payload_too_large: #too_large,
            },
            required_scope_key: #required_scope_key,
            retry_after_key: #retry_after_key,
            pagination: rt::Pagination {
                page_default: #page_default, page_min: #page_min,
                per_page_default: #per_page_default, per_page_min: #per_page_min, per_page_max: #per_page_max,
            },
            query: rt::QueryKeys { page: "page", per_page: "per_page", fields: #fields_key, sort: #sort_key, include: #include_key, filter: #filter_key },
            rate_limit: rt::RateLimitHeaders {
                default_per_minute: #per_minute, limit: #limit, remaining: #remaining, retry_after: #retry_after,
            },
            max_upload: #max_upload,
        };
    }
}

/// A catalogue code the glue answers with: `validate` checks that api.yaml declares it with this
/// status (the name stands in for the message of a spec that does not).
fn code(api: &Api, name: &str, status: u16) -> TokenStream {
    match api.error(name) {
        Some(e) => code_tokens(&e.code, e.status, &e.message),
        None => code_tokens(name, status, name),
    }
}

/// A code of the spec with this status, else the glue's own.
fn glue_only_code(api: &Api, status: u16, code: &str, message: &str) -> TokenStream {
    match api.errors.iter().find(|e| e.status == status) {
        Some(e) => code_tokens(&e.code, e.status, &e.message),
        None => code_tokens(code, status, message),
    }
}

fn code_tokens(code: &str, status: u16, message: &str) -> TokenStream {
    let status = Literal::u16_unsuffixed(status);
    quote!(rt::Code { code: #code, status: #status, message: #message })
}

/// The wire name of the first `details` field of a code, or the glue's default.
fn detail_key(api: &Api, code: &str, default: &str) -> String {
    api.error(code).and_then(|e| e.details.first()).map_or_else(|| default.to_owned(), |f| f.wire.clone())
}

/// The default multipart limit: the largest sum of file sizes of one operation, plus room.
fn max_upload(api: &Api) -> usize {
    let per_op = api.operations().filter_map(|op| op.body.as_ref()).map(|b| {
        b.fields.iter().filter(|f| f.ty.is_file()).filter_map(|f| f.rules.max_size).fold(0i64, i64::saturating_add)
    });
    usize::try_from(per_op.max().unwrap_or(0).saturating_add(MULTIPART_SLACK)).unwrap_or(usize::MAX)
}

/// `error_code`: an operation's typed error as the envelope writes it.
fn error_code() -> TokenStream {
    quote! {
        fn error_code<C: Into<m::ErrorCode>>(code: C) -> rt::CodeInfo {
            let code = code.into();
            rt::CodeInfo { status: code.status().unwrap_or(500), message: code.default_message(), code: code.as_str().to_owned() }
        }
    }
}

/// `pub trait ContactsApi`: one method per operation.
fn group_trait(g: &Group) -> TokenStream {
    let name = ident(&trait_name(g));
    let text = format!(" {}: {}", g.title, doc_escape(&g.description));
    let methods = g.operations.iter().map(|op| {
        let method = ident(&op.name);
        let (request, response, error) = types(op);
        let docs = method_doc(op);
        let rejected = per_item(op).then(|| quote!(, rejected: rt::Rejected));
        quote! {
            #docs
            fn #method(&self, ctx: &rt::Principal<m::Scope>, req: #request #rejected)
                -> impl Future<Output = Result<#response, rt::ApiError<#error>>> + Send;
        }
    });
    quote! {
        #[doc = #text]
        ///
        /// The router has authenticated the caller, checked the scope and rate limit, and
        /// parsed and validated the request before a method runs; a list's `page`, `per_page`
        /// and `sort` come with the spec's defaults filled in, and relations not asked for with
        /// `?include=` are dropped from the response.
        pub trait #name: rt::Authenticator<m::Scope> {
            #(#methods)*
        }
    }
}

fn method_doc(op: &Operation) -> TokenStream {
    let scope = op.scope.as_ref().map_or_else(|| "no scope".to_owned(), |s| format!("scope `{s}`"));
    let mut lines = vec![format!(" {}: {}", op.summary, doc_escape(&op.description)), String::new()];
    lines.push(format!(" `{} {}`, {scope}, {} on success.", op.method, op.path, op.response.status));
    let codes: Vec<String> = op.error_codes().iter().filter(|e| !e.common || e.code == "INTERNAL_ERROR").map(|e| format!("`{}`", e.code)).collect();
    lines.push(format!(" Errors: {}.", codes.join(", ")));
    let request = ident::op::request(&op.type_prefix);
    lines.push(format!(" See [`m::{request}`] for the rules and where they come from."));
    if per_item(op) {
        lines.push(" `rejected` holds the items that broke their rules, left out of the body: report them one by one.".to_owned());
    }
    crate::write::doc_attrs(lines)
}

/// The body has a `per_item_errors` array: the method also takes the rejected items.
pub(super) fn per_item(op: &Operation) -> bool {
    op.body.iter().flat_map(|b| &b.fields).any(|f| f.rules.per_item_errors)
}

fn types(op: &Operation) -> (TokenStream, TokenStream, TokenStream) {
    let p = &op.type_prefix;
    let [request, response, error] = [ident::op::request(p), ident::op::response(p), ident::op::error(p)].map(|n| ident(&n));
    (quote!(m::#request), quote!(m::#response), quote!(m::#error))
}

/// `router`, `router_with`, one `*_router` per group, the route tables and `OPERATIONS`.
fn routers(api: &Api) -> TokenStream {
    let traits: Vec<Ident> = api.groups.iter().map(|g| ident(&trait_name(g))).collect();
    let route_fns: Vec<Ident> = api.groups.iter().map(|g| ident(&format!("{}_routes", ident::field(&g.name)))).collect();
    let group_routers = api.groups.iter().zip(&traits).zip(&route_fns).map(|((g, t), routes)| {
        let router = ident(&format!("{}_router", ident::field(&g.name)));
        let doc = format!(" The {} operations alone, for an implementation of [`{t}`] only.", g.title);
        let adds = g.operations.iter().map(|op| {
            let path = &op.path;
            let method = ident(&op.method.to_lowercase());
            let handler = ident(&handler_name(op));
            quote!(.route(#path, routing::#method(#handler::<S>)))
        });
        quote! {
            #[doc = #doc]
            pub fn #router<S: #t>(service: S, config: rt::Config) -> Router {
                rt::finish(#routes(Router::new()), service, config, &CONVENTIONS)
            }

            fn #routes<S: #t>(router: Router<rt::Shared<S>>) -> Router<rt::Shared<S>> {
                router #(#adds)*
            }
        }
    });
    let all = route_fns.iter().fold(quote!(Router::new()), |inner, f| quote!(#f(#inner)));
    let rows = api.operations().map(|op| {
        let (request, _, _) = types(op);
        quote!(wacr_runtime::OperationInfo::of::<#request>())
    });
    quote! {
        /// Every operation's id, method and path template (as the routes below have it), in spec
        /// order: for code that matches requests outside the router, such as a fault injector.
        pub const OPERATIONS: &[wacr_runtime::OperationInfo] = &[#(#rows),*];

        /// Every group trait: what [`router`] serves.
        pub trait Api: #(#traits)+* {}

        impl<T: #(#traits)+*> Api for T {}

        /// The whole API with the default [`rt::Config`] (1 MiB JSON bodies, the spec's per-token
        /// rate limit in memory, a 30 s request timeout, 256 requests at once): unknown paths
        /// answer 404 NOT_FOUND, known paths with another method 405, both in the error envelope.
        pub fn router<S: Api>(service: S) -> Router {
            router_with(service, rt::Config::default())
        }

        /// The whole API with a given configuration.
        pub fn router_with<S: Api>(service: S, config: rt::Config) -> Router {
            rt::finish(#all, service, config, &CONVENTIONS)
        }

        #(#group_routers)*
    }
}

/// One handler: begin (auth, scope, limit), path, query, body, operation limits, the trait
/// method, the envelope.
fn handler(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let trait_ = ident(&trait_name(group));
    let name = ident(&handler_name(op));
    let method = ident(&op.name);
    let (request, _, _) = types(op);
    let message = match &op.response.message {
        Some(m) => quote!(Some(#m)),
        None => quote!(None),
    };
    let own_messages: Vec<TokenStream> = op.errors.iter().filter_map(|e| e.message.as_ref().map(|m| (&e.code, m))).map(|(c, m)| quote!((#c, #m))).collect();
    let own_messages = (!own_messages.is_empty()).then(|| quote!(.with_error_messages(&[#(#own_messages),*])));
    let mut steps = Vec::new();
    let mut fields = Vec::new();
    for p in &op.path_params {
        let (field, wire) = (ident(&p.rust), &p.wire);
        steps.push(quote!(let #field = call.path(#wire)?;));
        fields.push(quote!(#field));
    }
    if op.has_query() {
        steps.push(query_step(api, op));
        fields.push(quote!(query));
    }
    if let Some(body) = &op.body {
        let rules = ident(&body_rules(op));
        let ty = ident(&ident::op::body(&op.type_prefix));
        let read = match body.content_type {
            ContentType::Json => quote!(json),
            ContentType::Multipart => quote!(multipart),
            ContentType::JsonOrMultipart => quote!(json_or_multipart),
        };
        steps.push(quote!(let body = call.#read::<m::#ty>(rules::#rules).await?;));
        fields.push(quote!(body));
        if per_item(op) {
            steps.push(quote!(let rejected = call.rejected();));
        }
    }
    if !op.rate_limits.is_empty() {
        let limits = op.rate_limits.iter().map(|r| {
            let (key, limit, per) = (&r.key, u32_lit(r.limit), u64_lit(r.per_seconds));
            quote!(rt::RateRule::new(#key, #limit, #per))
        });
        steps.push(quote!(call.rate_limits(&[#(#limits),*])?;));
    }
    let include = op.include_model().is_some().then(|| quote!(let include = query.include;));
    let mutable = (!fields.is_empty()).then(|| quote!(mut));
    let respond = respond(op);
    let rejected = per_item(op).then(|| quote!(, rejected));
    quote! {
        async fn #name<S: #trait_>(State(s): rt::State<S>, req: rt::Request) -> rt::Reply {
            let #mutable call = s.begin::<#request>(req, #message).await? #own_messages;
            #(#steps)*
            #include
            let request = #request { #(#fields),* };
            let result = #trait_::#method(s.service(), call.principal(), request #rejected).await;
            Ok(#respond)
        }
    }
}

/// Parses the query and fills the spec's defaults (page, per_page, sort).
fn query_step(api: &Api, op: &Operation) -> TokenStream {
    let ty = ident(&ident::op::query(&op.type_prefix));
    let spec = match query_spec(op) {
        Some(()) => {
            let name = ident(&query_rules(op));
            quote!(&rules::#name)
        }
        None => quote!(&rt::QuerySpec::PLAIN),
    };
    let mutable = op.list.as_ref().map(|_| quote!(mut));
    let mut defaults = Vec::new();
    if let Some(list) = &op.list {
        let p = &api.pagination;
        let (page, per_page) = (u32_lit(p.page_default), u32_lit(p.per_page_default));
        defaults.push(quote!(query.page.get_or_insert(#page);));
        defaults.push(quote!(query.per_page.get_or_insert(#per_page);));
        if let Some(default) = list.default_sort.as_deref().filter(|_| !list.sort.is_empty()) {
            let prefix = &api.list_query.descending_prefix;
            let (field, dir) = match default.strip_prefix(prefix.as_str()) {
                Some(field) => (field, quote!(desc)),
                None => (default, quote!(asc)),
            };
            let sort_ty = ident(&ident::op::sort_field(&op.type_prefix));
            let variant = ident(&ident::variant(field));
            defaults.push(quote! {
                if query.sort.is_empty() {
                    query.sort.push(m::Sort::#dir(m::#sort_ty::#variant));
                }
            });
        }
    }
    quote! {
        let #mutable query = call.query(#spec, |pairs| m::#ty::from_pairs(pairs))?;
        #(#defaults)*
    }
}

/// The envelope writer of the operation, with the include filter when it has one.
fn respond(op: &Operation) -> TokenStream {
    let has_include = op.include_model().is_some();
    let many = matches!(op.response.data, Some(Ty::Array(_)));
    let result = match (has_include, op.response.envelope, many) {
        (false, _, _) => quote!(result),
        (true, EnvelopeKind::List, _) => quote!(result.map(|page| page.map(|item| rt::retain(item, include)))),
        (true, _, true) => quote!(result.map(|items| items.into_iter().map(|item| rt::retain(item, include)).collect())),
        (true, _, false) => quote!(result.map(|data| rt::retain(data, include))),
    };
    let writer = match (op.response.envelope, &op.response.data) {
        (_, None) | (EnvelopeKind::Data, _) => quote!(data),
        (EnvelopeKind::List, _) => quote!(list),
        (EnvelopeKind::Flat, _) => quote!(flat),
        (EnvelopeKind::None, _) => quote!(bare),
    };
    quote!(call.#writer(#result, error_code))
}

fn trait_name(g: &Group) -> String {
    format!("{}Api", g.type_name)
}

fn handler_name(op: &Operation) -> String {
    ident::field(&op.id)
}

fn body_rules(op: &Operation) -> String {
    format!("{}_BODY", const_name(&op.type_prefix))
}

fn query_rules(op: &Operation) -> String {
    format!("{}_QUERY", const_name(&op.type_prefix))
}

/// `CREATE_CONTACT` from `CreateContact`: the field spelling of `ident`, upper-cased.
fn const_name(name: &str) -> String {
    ident::bare(&ident::field(name)).to_uppercase()
}

/// A count of the spec as a `u32` literal: `validate` keeps counts and limits within 0..=u32::MAX
/// (a value outside is clamped).
fn u32_lit(n: i64) -> Literal {
    Literal::u32_unsuffixed(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// A count or size of the spec as a `u64` literal: `validate` keeps them at 0 or more.
fn u64_lit(n: i64) -> Literal {
    Literal::u64_unsuffixed(u64::try_from(n).unwrap_or_default())
}

/// Spec prose in a doc comment: link brackets and `<...>` escaped outside code spans.
fn doc_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.trim().split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            for c in part.chars() {
                if matches!(c, '[' | ']' | '<' | '>') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}
