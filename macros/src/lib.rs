//! wacr-macros: derive entry points; parsing, validation and expansion live in their own modules.
//!
//! Each derive runs the same pipeline: `ast` reads the input and its attributes (`attr`),
//! `valid` checks it and records every error (`ctxt`), then `expand` generates the impls, or
//! `fallback` emits the errors with stub impls so that nothing else fails after them. `syntax`
//! holds the naming rules and small wire grammars.
//! The generated code refers to `::wacr_runtime` (overridable with `crate = path`), so a crate
//! using these derives depends on `wacr-runtime`, and on nothing else (serde is reached through
//! the runtime).

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod syntax;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `wacr_runtime::Resource` for a model whose relations load on request
/// (`?include=groups,source`), and generates the enum of those relations.
///
/// Mark each relation field `#[include]`. Its wire name is `#[include(rename = "...")]` if
/// given, else the field's serde name (`rename`, or the container's `rename_all`), else the
/// field name. A relation must be an `Option` with
/// `#[serde(skip_serializing_if = "Option::is_none")]`, so that it is absent from the JSON, not
/// null, when it was not requested.
///
/// The generated enum is named `{Struct}Include` (or `#[resource(include = Name)]`), has the
/// struct's visibility and one variant per relation, in field order, named in UpperCamelCase
/// (`lead_source` becomes `LeadSource`). It derives `Clone`, `Copy`, `Debug`, `Eq`, `Ord` and
/// `Hash` and implements `wacr_runtime::Include`, `Display` (the wire name) and `FromStr`
/// (case-insensitive). A struct without `#[include]` fields gets an enum without variants,
/// which can never be constructed; its `IncludeSet` is always empty and parsing any name fails.
///
/// `Resource::retain_includes` sets every relation that was not requested to `None`;
/// `Resource::included` reports the relations that are `Some`. `#[resource(crate = path)]`
/// names the runtime crate when it is not `::wacr_runtime`.
///
/// ```
/// use serde::Serialize;
/// use wacr_macros::Resource;
/// use wacr_runtime::{IncludeSet, Resource as _};
///
/// #[derive(Serialize, Resource)]
/// struct Contact {
///     id: u64,
///     #[include]
///     #[serde(skip_serializing_if = "Option::is_none")]
///     groups: Option<Vec<String>>,
///     #[include]
///     #[serde(skip_serializing_if = "Option::is_none")]
///     source: Option<String>,
/// }
///
/// let requested = IncludeSet::<ContactInclude>::parse("source").unwrap();
/// let mut contact = Contact { id: 1, groups: Some(vec![]), source: Some("web".into()) };
/// contact.retain_includes(requested);
/// assert_eq!(serde_json::to_string(&contact).unwrap(), r#"{"id":1,"source":"web"}"#);
/// assert_eq!(contact.included(), IncludeSet::from(ContactInclude::Source));
/// ```
#[proc_macro_derive(Resource, attributes(resource, include))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_resource(&input).into()
}

/// Derives `wacr_runtime::ScopeEnum`, `Display`, `FromStr` and serde's `Serialize` and
/// `Deserialize` (as the wire string) for an enum of API scopes.
///
/// Every variant is a unit variant with its scope string, `#[scope("resource:action")]`, in
/// lowercase and unique. The enum itself must derive `Clone`, `Copy`, `Debug`, `PartialEq`,
/// `Eq`, `PartialOrd`, `Ord` and `Hash` (the supertraits of `ScopeEnum`). `FromStr` matches the
/// string exactly and fails with `wacr_runtime::ScopeError`. `#[scope(crate = path)]` on the
/// enum names the runtime crate when it is not `::wacr_runtime`.
///
/// ```
/// use wacr_macros::Scope;
/// use wacr_runtime::ScopeSet;
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
/// enum ApiScope {
///     #[scope("contacts:read")]
///     ContactsRead,
///     #[scope("contacts:write")]
///     ContactsWrite,
/// }
///
/// assert_eq!(ApiScope::ContactsRead.to_string(), "contacts:read");
/// assert_eq!(serde_json::to_string(&ApiScope::ContactsWrite).unwrap(), r#""contacts:write""#);
/// let granted = ScopeSet::<ApiScope>::parse("contacts:read").unwrap();
/// assert!(!granted.allows(Some(ApiScope::ContactsWrite)));
/// ```
#[proc_macro_derive(Scope, attributes(scope))]
pub fn derive_scope(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_scope(&input).into()
}

/// Derives `wacr_runtime::Operation` for the request type of one API operation.
///
/// The struct carries
/// `#[operation(id = "...", method = ..., path = "...", scope = ..., status = ...)]`:
///
/// - `id`: the operation id, snake_case (`"get_contact"`);
/// - `method`: `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, without quotes;
/// - `path`: the path template, starting with `/`, with `{param}`s (`"/contacts/{id}"`);
/// - `scope`: the scope a token needs, as a path to a variant of a `#[derive(Scope)]` enum
///   (`Scope::ContactsRead`); an operation that needs no scope writes `none(Scope)`, naming
///   the scope enum. A variant that does not exist is a compile error at that path;
/// - `status`: the HTTP status of success, in `100..=599`;
/// - `crate` (optional): the runtime crate when it is not `::wacr_runtime`.
///
/// Every `{param}` of the path needs a field of the same name marked `#[path_param]` (not
/// `#[path]`, which is a built-in attribute), and every such field must appear in the path.
/// `render_path` fills each parameter with the field's `Display` value, percent-encoded.
///
/// ```
/// use wacr_macros::{Operation, Scope};
/// use wacr_runtime::{Method, Operation as _};
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
/// enum ApiScope {
///     #[scope("contacts:read")]
///     ContactsRead,
/// }
///
/// #[derive(Operation)]
/// #[operation(id = "get_contact", method = GET, path = "/contacts/{id}", scope = ApiScope::ContactsRead, status = 200)]
/// struct GetContact {
///     #[path_param]
///     id: String,
/// }
///
/// #[derive(Operation)]
/// #[operation(id = "get_account", method = GET, path = "/account", scope = none(ApiScope), status = 200)]
/// struct GetAccount;
///
/// assert_eq!(GetContact::METHOD, Method::Get);
/// assert_eq!(GetContact::SCOPE, Some(ApiScope::ContactsRead));
/// assert_eq!(GetContact { id: "a/b".into() }.render_path(), "/contacts/a%2Fb");
/// assert_eq!(GetAccount::SCOPE, None);
/// ```
#[proc_macro_derive(Operation, attributes(operation, path_param))]
pub fn derive_operation(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_operation(&input).into()
}
