//! `generated/wacr-cli/src/commands.rs`: the command table (`wacr_runtime::cli::Cli`) as
//! statics, one `const` per operation. Flags are the wire names in kebab case; a flag that would
//! shadow a global or list option is prefixed (`--body-data`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::example;
use crate::emit::models::doc::rules_in;
use crate::ident;
use crate::ir::*;

/// Flags the command line defines itself on every operation; a spec field of the same name
/// gets a prefix.
const RESERVED: &[&str] = &[
    "base-url", "token", "profile", "output", "all", "dry-run", "verbose", "timeout", "max-attempts", "data", "help", "version",
    "page", "per-page", "sort", "search", "filter", "include", "fields", "file",
];

pub fn emit(api: &Api) -> TokenStream {
    let about = format!("The command-line client of the {}", api.title);
    let (base, auth) = (&api.base_url, &api.auth_header);
    let q = &api.list_query;
    let (sort, descending, search, filter, include, fields) = (&q.sort, &q.descending_prefix, &q.search, &q.filter, &q.include, &q.fields);
    let groups = api.groups.iter().map(|g| group_ident(&g.name));
    let group_items = api.groups.iter().map(|g| group(api, g));
    quote! {
        //! The command table of `wacr`: every resource group and operation of the spec, with its
        //! flags, help and example. `wacr_runtime::cli` builds the commands from it and runs them.

        use wacr_runtime::cli::{Arg, Body, Cli, Encoding, Filter, Group, Kind, List, Operation, QueryKeys};
        use wacr_runtime::{Method, Shape};

        /// The command line.
        pub static CLI: Cli = Cli {
            name: "wacr",
            version: env!("CARGO_PKG_VERSION"),
            about: #about,
            default_base_url: #base,
            auth_header: #auth,
            // `page` and `per_page` are the pagination parameters of every list operation
            query_keys: QueryKeys { page: "page", per_page: "per_page", sort: #sort, descending: #descending, search: #search, filter: #filter, include: #include, fields: #fields },
            groups: &[#(#groups),*],
        };

        #(#group_items)*
    }
}

/// The `const` of a group or operation: its name as a Rust name, in upper case.
fn const_ident(name: &str) -> Ident {
    format_ident!("{}", ident::bare(&ident::field(name)).to_uppercase())
}

fn group_ident(name: &str) -> Ident {
    const_ident(name)
}

fn op_ident(op: &Operation) -> Ident {
    const_ident(&op.id)
}

fn group(api: &Api, g: &Group) -> TokenStream {
    let name = group_ident(&g.name);
    let description = g.description.trim();
    // the first sentence: the list of groups shows one line each
    let about = description.split_once(". ").map_or(description, |(first, _)| first).trim_end_matches('.');
    let wire = &g.name;
    let ops = g.operations.iter().map(op_ident);
    let doc = format!(" `wacr {wire}`");
    let items = g.operations.iter().map(|op| operation(api, op));
    quote! {
        #[doc = #doc]
        const #name: Group = Group { name: #wire, about: #about, operations: &[#(#ops),*] };
        #(#items)*
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let ident = op_ident(op);
    let doc = format!(" `{}`", op.route());
    let (id, name, about, help) = (&op.id, kebab(&op.name), op.summary.trim(), help(op));
    let example = option(example::command(api, op).as_deref());
    let method = format_ident!("{}", pascal(&op.method));
    let shape = format_ident!("{}", shape(op.response.envelope));
    let (path, sends) = (&op.path, op.sends_message);
    let params = op.path_params.iter().map(|f| arg(api, f, ""));
    let query = op.query.iter().map(|f| arg(api, f, "query-"));
    let list = option_tokens(op.list.as_ref().map(|l| list(api, l)));
    let include = &op.include;
    let fields = op.fields;
    let body = option_tokens(op.body.as_ref().map(|b| body(api, b)));
    quote! {
        #[doc = #doc]
        const #ident: Operation = Operation {
            id: #id,
            name: #name,
            about: #about,
            help: #help,
            example: #example,
            method: Method::#method,
            path: #path,
            shape: Shape::#shape,
            sends_message: #sends,
            params: &[#(#params),*],
            query: &[#(#query),*],
            list: #list,
            include: &[#(#include),*],
            fields: #fields,
            body: #body,
        };
    }
}

/// `--help` of an operation: summary, description, route, scope and errors.
fn help(op: &Operation) -> String {
    let mut text = op.summary.trim().to_owned();
    if !op.description.trim().is_empty() {
        text += &format!("\n\n{}", op.description.trim());
    }
    let scope = op.scope.as_deref().map_or("none".to_owned(), |s| format!("`{s}`"));
    text += &format!("\n\n{} (scope {scope}; {} on success).", op.route(), op.response.status);
    if op.sends_message {
        text += " Sends a WhatsApp message: never re-sent after a failure that may have reached the server.";
    }
    let errors: Vec<String> = op.error_codes().iter().map(|e| format!("{} {}", e.code, e.status)).collect();
    if !errors.is_empty() {
        text += &format!("\nErrors: {}.", errors.join(", "));
    }
    for r in &op.rate_limits {
        text += &format!("\nRate limit: {} per {} s ({}).", r.limit, r.per_seconds, r.key);
    }
    text
}

fn list(api: &Api, l: &crate::ir::List) -> TokenStream {
    let sort = &l.sort;
    let default_sort = option(l.default_sort.as_deref());
    let search = &l.search;
    let filters = l.filters.iter().map(|f| {
        let (field, ops, help) = (&f.field, &f.ops, f.description.trim());
        let values = enum_values(api, &f.ty);
        quote!(Filter { field: #field, ops: &[#(#ops),*], help: #help, values: &[#(#values),*] })
    });
    let p = &api.pagination;
    let (min, max, default) = (p.per_page_min, p.per_page_max, p.per_page_default);
    quote! {
        List { sort: &[#(#sort),*], default_sort: #default_sort, search: &[#(#search),*], filters: &[#(#filters),*], per_page: (#min, #max, #default) }
    }
}

fn body(api: &Api, b: &crate::ir::Body) -> TokenStream {
    let encoding = format_ident!("{}", match b.content_type {
        ContentType::Json => "Json",
        ContentType::Multipart => "Multipart",
        ContentType::JsonOrMultipart => "JsonOrMultipart",
    });
    let fields = b.fields.iter().map(|f| arg(api, f, "body-"));
    quote!(Body { encoding: Encoding::#encoding, fields: &[#(#fields),*] })
}

/// A field as an `Arg`: its flag, help with the rules, kind and whether it repeats.
fn arg(api: &Api, f: &Field, prefix: &str) -> TokenStream {
    let wire = &f.wire;
    let flag = flag(f, prefix);
    let mut help = vec![format!("{}.", f.description.trim().trim_end_matches('.'))];
    help.extend(rules_in(f, str::to_owned));
    help.extend(f.required.then(|| "Required.".to_owned()));
    help.extend(f.default.as_ref().map(|d| format!("Default: {d}.")));
    let help = help.join(" ");
    let (kind, many) = kind(api, &f.ty);
    let required = f.required;
    quote!(Arg { wire: #wire, flag: #flag, help: #help, kind: #kind, many: #many, required: #required })
}

/// The flag of a field: its wire name in kebab case, prefixed when the command line uses it.
pub(super) fn flag(f: &Field, prefix: &str) -> String {
    let flag = kebab(&f.wire);
    if RESERVED.contains(&flag.as_str()) { format!("{prefix}{flag}") } else { flag }
}

/// The flag kind of a type, and whether it is an array of that kind.
fn kind(api: &Api, ty: &Ty) -> (TokenStream, bool) {
    match ty {
        Ty::Array(inner) if !matches!(**inner, Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::Named(_, NamedKind::Model)) => (kind(api, inner).0, true),
        Ty::String | Ty::DateTime | Ty::Date => (quote!(Kind::String), false),
        Ty::Integer => (quote!(Kind::Integer), false),
        Ty::Number => (quote!(Kind::Number), false),
        Ty::Boolean => (quote!(Kind::Boolean), false),
        Ty::File => (quote!(Kind::File), false),
        Ty::Named(_, NamedKind::Enum) => {
            let values = enum_values(api, ty);
            (quote!(Kind::Enum(&[#(#values),*])), false)
        }
        _ => (quote!(Kind::Json), false),
    }
}

/// The wire values of an enum type (of its items, for an array); none for other types.
fn enum_values(api: &Api, ty: &Ty) -> Vec<String> {
    match ty.leaf() {
        Ty::Named(name, NamedKind::Enum) => api.enum_(name).map(|e| e.values.iter().map(|(wire, _)| wire.clone()).collect()).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn shape(envelope: EnvelopeKind) -> &'static str {
    match envelope {
        EnvelopeKind::Data => "Data",
        EnvelopeKind::List => "List",
        EnvelopeKind::Flat => "Flat",
        EnvelopeKind::None => "Bare",
    }
}

pub(super) fn kebab(name: &str) -> String {
    name.replace(['_', '.'], "-")
}

/// `GET` as the variant `Get` of `wacr_runtime::Method`.
fn pascal(method: &str) -> String {
    let lower = method.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn option(value: Option<&str>) -> TokenStream {
    option_tokens(value.map(|v| quote!(#v)))
}

fn option_tokens(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}
