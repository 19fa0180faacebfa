//! wacr-macros: derive entry points; parsing, validation and expansion live in their own modules.
//!
//! Each derive runs the same pipeline (`derive`): `ast` reads the input and its attributes
//! (`attr`, `serde_attr`), `valid` checks it and records every error (`ctxt`), then `expand`
//! generates the impls, or `fallback` emits the errors with stub impls so that nothing else
//! fails after them. `syntax` holds the naming rules and small wire grammars.
//! The generated code refers to `::wacr_runtime` (overridable with `crate = path`), so a crate
//! using these derives depends on `wacr-runtime`, and on nothing else (serde is reached through
//! the runtime).

mod ast;
mod attr;
mod ctxt;
mod derive;
mod expand;
mod fallback;
mod input;
mod query;
mod serde_attr;
mod syntax;
mod valid;

use proc_macro::TokenStream;

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
    input::derive(input, derive::resource)
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
    input::derive(input, derive::scope)
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
/// - `new` (optional, no value): also write an inherent `new`, taking the `#[path_param]`
///   fields and a field named `body` in declaration order, with every other field (the
///   `query`) at its `Default`, and a `#[must_use]` `with_<field>` for each of those;
/// - `crate` (optional): the runtime crate when it is not `::wacr_runtime`.
///
/// With `output = Type, error = Type` (both or neither), the derive also implements
/// `wacr_runtime::Exchange`, the operation's typed exchange: `Output` is the success data,
/// `Error` the error enum (a `WireEnum`), `Body` the type of the field named `body` (`()`
/// without one) and `query_pairs` calls `to_pairs()` on the field named `query` (as
/// [`Query`](derive@Query) writes it; none without one). `shape = Flat` (a `Shape` variant:
/// `Data`, the default, `List`, `Flat` or `Bare`) says where the data sits in the response body,
/// and the flag `sends_message` marks an operation that delivers a message.
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
/// #[operation(id = "get_contact", method = GET, path = "/contacts/{id}", new)]
/// #[operation(scope = ApiScope::ContactsRead, status = 200)]
/// struct GetContact {
///     #[path_param]
///     id: String,
///     query: Vec<(String, String)>,
/// }
///
/// #[derive(Operation)]
/// #[operation(id = "get_account", method = GET, path = "/account", scope = none(ApiScope), status = 200)]
/// struct GetAccount;
///
/// assert_eq!(GetContact::METHOD, Method::Get);
/// assert_eq!(GetContact::SCOPE, Some(ApiScope::ContactsRead));
/// let request = GetContact::new("a/b").with_query(vec![("include".into(), "groups".into())]);
/// assert_eq!(request.render_path(), "/contacts/a%2Fb");
/// assert_eq!(request.query.len(), 1);
/// assert_eq!(GetAccount::SCOPE, None);
/// ```
///
/// The exchange, for a client that sends any operation with one generic function:
///
/// ```
/// use wacr_macros::{Operation, Scope, WireEnum};
/// use wacr_runtime::{Exchange, Shape};
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Scope)]
/// enum ApiScope {
///     #[scope("groups:write")]
///     GroupsWrite,
/// }
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
/// enum CreateGroupError {
///     #[wire("VALIDATION_ERROR")]
///     ValidationError,
/// }
///
/// struct CreateGroupBody {
///     name: String,
/// }
///
/// #[derive(Operation)]
/// #[operation(id = "create_group", method = POST, path = "/groups", new)]
/// #[operation(scope = ApiScope::GroupsWrite, status = 201)]
/// #[operation(output = u64, error = CreateGroupError, shape = Flat)]
/// struct CreateGroupRequest {
///     body: CreateGroupBody,
/// }
///
/// let request = CreateGroupRequest::new(CreateGroupBody { name: "VIP".into() });
/// assert_eq!(request.body().map(|body| body.name.as_str()), Some("VIP"));
/// assert!(request.query_pairs().is_empty());
/// assert_eq!((CreateGroupRequest::SHAPE, CreateGroupRequest::SENDS_MESSAGE), (Shape::Flat, false));
/// ```
#[proc_macro_derive(Operation, attributes(operation, path_param))]
pub fn derive_operation(input: TokenStream) -> TokenStream {
    input::derive(input, derive::operation)
}

/// Derives an inherent `new` for a struct with named fields: it takes the fields a
/// deserializer cannot leave out, in declaration order, and starts the others (those with
/// `#[serde(default)]`, `#[serde(skip)]` or `#[serde(skip_deserializing)]`) at their
/// `Default`. Request bodies use it: `new` takes the required fields, and the optional ones
/// are not sent until set. A `String` field is taken as `impl Into<String>`, so a literal
/// does (`new("VIP")`); `#[operation(new)]` writes its `new` the same way.
///
/// ```
/// use wacr_macros::New;
///
/// #[derive(New)]
/// struct CreateGroupBody {
///     name: String,
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     color: Option<String>,
/// }
///
/// let body = CreateGroupBody::new("VIP");
/// assert_eq!((body.name.as_str(), body.color), ("VIP", None));
/// assert_eq!(CreateGroupBody::new(String::from("VIP")).name, "VIP");
/// ```
#[proc_macro_derive(New, attributes(serde))]
pub fn derive_new(input: TokenStream) -> TokenStream {
    input::derive(input, expand::new::derive_new)
}

/// Derives the query-string form of an operation's query parameters: an inherent
/// `to_pairs(&self) -> Vec<(String, String)>`, leaving out what is not set, and
/// `from_pairs(pairs) -> Result<Self, wacr_runtime::QueryError>`, which ignores keys it does
/// not know. The struct implements `Default`.
///
/// Each field's form follows its type: `Option<T>` is one value (`T: Display + FromStr`),
/// `Vec<T>` a comma list, `IncludeSet<T>` a set of relation names. A field's key is its name;
/// `#[query(rename = "...")]` sets another and `#[query(alias = "q")]` adds one `from_pairs`
/// also accepts. A `#[derive(Filters)]` type is marked `#[query(filters = "filter")]`, naming
/// the key its `filter[field][op]=value` pairs start with. On the struct, `#[query(crate =
/// path)]` names the runtime crate when it is not `::wacr_runtime`.
///
/// [`Filters`](derive@Filters) gives such a type `OPERATORS` (each field's wire name with the
/// `FilterOp`s it allows), `is_empty`, `push_pair` (one parsed pair, checked against the
/// field's operators) and `write_pairs`. Each field is a `Vec<Filter<T, Ops>>`, whose operator
/// set `Ops` ([`FilterOps`](derive@FilterOps)) lists the operators the field allows: `Filter`
/// has a constructor only for those, so any other operator does not compile.
/// `#[filter(rename = "...")]` sets a field's wire name.
///
/// ```
/// use wacr_macros::{FilterOps, Filters, Query};
/// use wacr_runtime::{Filter, FilterOp};
///
/// #[derive(Debug, Default, PartialEq, Query)]
/// struct ListContactsQuery {
///     page: Option<u32>,
///     #[query(alias = "q")]
///     search: Option<String>,
///     fields: Vec<String>,
///     #[query(filters = "filter")]
///     filters: ListContactsFilters,
/// }
///
/// #[derive(Debug, Default, PartialEq, Filters)]
/// struct ListContactsFilters {
///     status_id: Vec<Filter<i64, EqInOps>>,
/// }
///
/// #[derive(FilterOps)]
/// #[filter(Eq, In)]
/// enum EqInOps {}
///
/// let mut query = ListContactsQuery { page: Some(2), fields: vec!["id".into(), "phone".into()], ..Default::default() };
/// query.filters.status_id.push(Filter::is_in([1, 2]));
/// let pairs = query.to_pairs();
/// assert_eq!(pairs, [("page", "2"), ("fields", "id,phone"), ("filter[status_id][in]", "1,2")]
///     .map(|(k, v)| (k.to_owned(), v.to_owned())));
/// let parsed = ListContactsQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
/// assert_eq!(parsed, Ok(query));
/// assert_eq!(ListContactsQuery::from_pairs([("q", "ann")]).unwrap().search.as_deref(), Some("ann"));
/// let refused = ListContactsQuery::from_pairs([("filter[status_id][like]", "1")]);
/// assert!(refused.is_err());
/// assert_eq!(ListContactsFilters::OPERATORS, &[("status_id", &[FilterOp::Eq, FilterOp::In][..])]);
/// ```
///
/// `like` is not in `EqInOps`, so a `like` condition on `status_id` does not compile:
///
/// ```compile_fail
/// # use wacr_macros::{FilterOps, Filters};
/// # use wacr_runtime::Filter;
/// # #[derive(Default, Filters)]
/// # struct ListContactsFilters { status_id: Vec<Filter<i64, EqInOps>> }
/// # #[derive(FilterOps)]
/// # #[filter(Eq, In)]
/// # enum EqInOps {}
/// let mut filters = ListContactsFilters::default();
/// filters.status_id.push(Filter::like("1"));
/// ```
#[proc_macro_derive(Query, attributes(query))]
pub fn derive_query(input: TokenStream) -> TokenStream {
    input::derive(input, query::derive_query)
}

/// Derives the `filter[field][op]=value` form of an operation's filter conditions; see
/// [`Query`](derive@Query).
#[proc_macro_derive(Filters, attributes(filter))]
pub fn derive_filters(input: TokenStream) -> TokenStream {
    input::derive(input, query::derive_filters)
}

/// Derives an operator set of filter fields: `#[filter(Eq, Ne, In)]` on a (usually empty)
/// enum lists the `FilterOp` variants it allows, and the enum gets
/// `wacr_runtime::query::Operators` and one `Allows<op::…>` per operator; see
/// [`Query`](derive@Query). `#[filter(crate = path)]` names the runtime crate.
#[proc_macro_derive(FilterOps, attributes(filter))]
pub fn derive_filter_ops(input: TokenStream) -> TokenStream {
    input::derive(input, query::derive_filter_ops)
}

/// Derives the wire form of an enum of unit variants, each written on the wire as a fixed
/// string: `#[wire("lead")]` on every variant.
///
/// Generates the inherent `ALL` (every value, in declaration order) and `const fn as_str`, and
/// implements `wacr_runtime::WireEnum`, `Display` (the wire string), `FromStr` (exact match,
/// failing with `wacr_runtime::UnknownValue`) and serde's `Serialize` and `Deserialize` (the wire
/// string; an unknown one is serde's `unknown variant` error, naming the allowed values).
/// Each impl costs its user compile time, so error enums (below) get only what they need.
///
/// On the enum, `#[wire(name = "sort field")]` sets the name parse errors use (default: the
/// enum's name), and `#[wire(crate = path)]` names the runtime crate when it is not
/// `::wacr_runtime`.
///
/// An enum of error codes writes `#[wire(code = ErrorCode)]`, naming an enum that has a
/// variant of the same name for each of its own. A variant gives its code and HTTP status,
/// `#[wire("NOT_FOUND", status = 404)]`, or leaves both to the code enum's variant: then the
/// code enum has `const fn known(&self) -> Option<(&'static str, u16)>`, which a const block
/// reads at compile time (a code it does not know fails the build). The enum also gets
/// `const fn status`, `code()`,
/// `from_code(&ErrorCode)` and `From<Self> for ErrorCode`, and no `FromStr` or serde impls: an
/// error code travels as the code enum.
///
/// ```
/// use wacr_macros::WireEnum;
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
/// enum ContactType {
///     #[wire("lead")]
///     Lead,
///     #[wire("customer")]
///     Customer,
/// }
///
/// #[derive(Debug, PartialEq)]
/// enum ErrorCode {
///     NotFound,
///     RateLimitExceeded,
///     Unknown(String),
/// }
///
/// impl ErrorCode {
///     const fn known(&self) -> Option<(&'static str, u16)> {
///         match self {
///             ErrorCode::NotFound => Some(("NOT_FOUND", 404)),
///             ErrorCode::RateLimitExceeded => Some(("RATE_LIMIT_EXCEEDED", 429)),
///             ErrorCode::Unknown(_) => None,
///         }
///     }
/// }
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, WireEnum)]
/// #[wire(code = ErrorCode)]
/// enum GetContactError {
///     #[wire("NOT_FOUND", status = 404)]
///     NotFound,
///     RateLimitExceeded,
/// }
///
/// assert_eq!(ContactType::ALL, &[ContactType::Lead, ContactType::Customer]);
/// assert_eq!("customer".parse::<ContactType>(), Ok(ContactType::Customer));
/// assert_eq!(serde_json::to_string(&ContactType::Lead).unwrap(), r#""lead""#);
/// let error = serde_json::from_str::<ContactType>(r#""guest""#).unwrap_err();
/// assert!(error.to_string().starts_with("unknown variant `guest`, expected `lead` or `customer`"));
/// assert_eq!(GetContactError::NotFound.status(), 404);
/// assert_eq!(ErrorCode::from(GetContactError::NotFound), ErrorCode::NotFound);
/// assert_eq!(GetContactError::RateLimitExceeded.as_str(), "RATE_LIMIT_EXCEEDED");
/// assert_eq!(GetContactError::RateLimitExceeded.status(), 429);
/// assert_eq!(GetContactError::from_code(&ErrorCode::RateLimitExceeded), Some(GetContactError::RateLimitExceeded));
/// ```
#[proc_macro_derive(WireEnum, attributes(wire))]
pub fn derive_wire_enum(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::wire_enum(input, false))
}

/// Derives an operation's error enum: [`WireEnum`](derive@WireEnum) with
/// `#[wire(code = ErrorCode)]`, the code enum named `ErrorCode` in scope unless
/// `#[wire(code = Path)]` names another. Everything else is as there.
///
/// ```
/// use wacr_macros::WireError;
///
/// #[derive(Debug, PartialEq)]
/// enum ErrorCode {
///     NotFound,
///     Unknown(String),
/// }
///
/// impl ErrorCode {
///     const fn known(&self) -> Option<(&'static str, u16)> {
///         match self {
///             ErrorCode::NotFound => Some(("NOT_FOUND", 404)),
///             ErrorCode::Unknown(_) => None,
///         }
///     }
/// }
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, WireError)]
/// enum GetContactError {
///     NotFound,
/// }
///
/// assert_eq!(GetContactError::NotFound.status(), 404);
/// assert_eq!(ErrorCode::from(GetContactError::NotFound), ErrorCode::NotFound);
/// ```
#[proc_macro_derive(WireError, attributes(wire))]
pub fn derive_wire_error(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::wire_enum(input, true))
}

/// Derives serde's `Serialize` for a struct with named fields, as one call into generic code of
/// `wacr-runtime` (the fields as a tuple of references) instead of serde_derive's per-field
/// code: much less for the compiler to check, the same output.
///
/// It writes what serde_derive writes, and honours `#[serde(rename = "...")]` (and
/// `rename(serialize = "...")`), `skip`, `skip_serializing` and
/// `skip_serializing_if = "path"` on fields and the container's `rename` and `rename_all`; keys
/// that only concern deserializing (`default`, `skip_deserializing`) are accepted and ignored,
/// any other `#[serde]` key is a compile error (use serde's derive for `flatten`,
/// `serialize_with` and the rest). It takes at most 32 fields and no generic structs.
///
/// ```
/// #[derive(wacr_macros::Serialize)]
/// struct Contact {
///     id: i64,
///     #[serde(rename = "type")]
///     kind: String,
///     #[serde(skip_serializing_if = "Option::is_none")]
///     email: Option<String>,
/// }
///
/// let contact = Contact { id: 1, kind: "lead".into(), email: None };
/// assert_eq!(serde_json::to_string(&contact).unwrap(), r#"{"id":1,"type":"lead"}"#);
/// ```
#[proc_macro_derive(Serialize, attributes(serde))]
pub fn derive_serialize(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::lean(input, serde_attr::Direction::Serialize))
}

/// Derives serde's `Deserialize` for a struct with named fields, as one call into generic code
/// of `wacr-runtime` (the field types as a tuple) instead of serde_derive's field enum and
/// visitors for every struct: much less for the compiler to check, the same behaviour.
///
/// It reads a map (a JSON object) as serde_derive does: unknown keys are skipped, a key given
/// twice is `duplicate field`, a missing field is `missing field` unless it is an `Option`
/// (then `None`) or marked `#[serde(default)]`; and, like serde_derive, a sequence of the field
/// values in order. It honours `#[serde(rename = "...")]` (and
/// `rename(deserialize = "...")`), `default`, `skip` and `skip_deserializing` on fields and the
/// container's `rename` and `rename_all`; keys that only concern serializing are accepted and
/// ignored, any other `#[serde]` key is a compile error (use serde's derive for `flatten`,
/// `alias`, `deserialize_with` and the rest). It takes at most 32 fields and no generic
/// structs. `tests/serde_differential` checks it against serde_derive.
///
/// ```
/// #[derive(Debug, PartialEq, wacr_macros::Deserialize)]
/// struct Contact {
///     id: i64,
///     #[serde(rename = "type")]
///     kind: String,
///     email: Option<String>,
///     #[serde(default)]
///     group_id: Vec<i64>,
/// }
///
/// let contact: Contact = serde_json::from_str(r#"{"id": 1, "type": "lead", "extra": true}"#).unwrap();
/// assert_eq!(contact, Contact { id: 1, kind: "lead".into(), email: None, group_id: vec![] });
/// let missing = serde_json::from_str::<Contact>(r#"{"type": "lead"}"#).unwrap_err();
/// assert_eq!(missing.to_string(), "missing field `id` at line 1 column 16");
/// ```
#[proc_macro_derive(Deserialize, attributes(serde))]
pub fn derive_deserialize(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::lean(input, serde_attr::Direction::Deserialize))
}

/// Derives the wire form of a type the client sends and the server reads (a request body): the
/// lean [`Serialize`](derive@Serialize) when the deriving crate's `client` feature is on and the
/// lean [`Deserialize`](derive@Deserialize) when its `server` feature is on, so that each side
/// compiles only the impl it uses. It reads the same `#[serde]` keys as those two derives, and
/// reports a bad one whatever the features. The deriving crate declares both features.
///
/// ```
/// #[derive(wacr_macros::Sent)]
/// struct CreateGroupBody {
///     name: String,
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     color: Option<String>,
/// }
/// ```
///
/// With `client` on, `serde_json::to_string(&body)` writes `{"name":"VIP"}` for a body without
/// a color; with `server` on, `serde_json::from_str` reads it back.
#[proc_macro_derive(Sent, attributes(serde))]
pub fn derive_sent(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::sides(input, "client", "server"))
}

/// Derives the wire form of a type the server sends and the client reads (response data): the
/// lean [`Serialize`](derive@Serialize) with the deriving crate's `server` feature and the lean
/// [`Deserialize`](derive@Deserialize) with its `client` feature; see [`Sent`](derive@Sent).
#[proc_macro_derive(Received, attributes(serde))]
pub fn derive_received(input: TokenStream) -> TokenStream {
    input::derive(input, |input| derive::sides(input, "server", "client"))
}
