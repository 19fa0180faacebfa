//! The spec as written: one struct per YAML shape of `api-spec/` (format: api-spec/README.md).
//! Every name and value that a later error may point at keeps its location (`At`).

use crate::diag::{FileId, Loc};
use crate::yaml::{At, Entries, Node};

/// The whole spec: `api.yaml` plus one file per resource group, in `groups` order.
#[derive(Debug)]
pub struct Spec {
    pub api: Api,
    pub groups: Vec<GroupFile>,
    /// `events.yaml`, when the spec has webhook events.
    pub events: Option<Events>,
}

/// Where a fact comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// Stated on this documentation page.
    Documented { page: At<String> },
    /// Deduced, for this reason.
    Inferred { reason: At<String> },
}

#[derive(Debug)]
pub struct Api {
    pub file: FileId,
    pub info: Info,
    pub base_url: At<String>,
    pub base_url_provenance: Option<Provenance>,
    pub auth: Auth,
    pub groups: Vec<At<String>>,
    pub scopes: Entries<ScopeDef>,
    pub errors: Entries<ErrorDef>,
    pub common_errors: Vec<At<String>>,
    /// Errors every operation that takes input (query parameters or a body) can return.
    pub input_errors: Vec<At<String>>,
    pub envelope: Envelope,
    pub pagination: Pagination,
    pub list_query: ListQuery,
    pub filter_operators: Entries<FilterOperator>,
    pub rate_limit: RateLimit,
    pub contradictions: Vec<Contradiction>,
}

#[derive(Debug, Default)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: String,
    /// The licence of the API description (an SPDX expression), with where it comes from.
    pub license: Option<(At<String>, Option<Provenance>)>,
}

#[derive(Debug)]
pub struct Auth {
    pub scheme: At<String>,
    pub header: String,
    pub description: String,
    pub provenance: Option<Provenance>,
}

#[derive(Debug)]
pub struct ScopeDef {
    pub loc: Loc,
    pub description: String,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct ErrorDef {
    pub loc: Loc,
    pub status: At<i64>,
    pub description: String,
    pub message: String,
    pub details: Entries<Field>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

/// The wire key of each envelope part.
#[derive(Debug, Default)]
pub struct Envelope {
    pub provenance: Option<Provenance>,
    pub success: String,
    pub message: String,
    pub data: String,
    pub meta: String,
    pub links: String,
    pub error: String,
    pub code: String,
    pub details: String,
    pub errors: String,
}

#[derive(Debug, Default)]
pub struct Pagination {
    pub provenance: Option<Provenance>,
    pub page_default: i64,
    pub page_min: i64,
    pub per_page_default: i64,
    pub per_page_min: i64,
    pub per_page_max: i64,
    /// Where `per_page: {default}` is written.
    pub per_page_loc: Loc,
    pub meta: Entries<Field>,
    pub links: Entries<Field>,
}

/// Query-parameter names of the list conventions.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub provenance: Option<Provenance>,
    pub sort: String,
    pub descending_prefix: String,
    pub search: String,
    pub search_aliases: Vec<String>,
    pub fields: String,
    pub include: String,
    pub filter: String,
}

#[derive(Debug)]
pub struct FilterOperator {
    pub loc: Loc,
    pub aliases: Vec<String>,
    pub value: At<String>,
    pub description: String,
}

#[derive(Debug, Default)]
pub struct RateLimit {
    pub provenance: Option<Provenance>,
    pub default_per_minute: i64,
    pub headers_provenance: Option<Provenance>,
    pub limit_header: String,
    pub remaining_header: String,
    pub retry_after_header: String,
}

#[derive(Debug)]
pub struct Contradiction {
    pub loc: Loc,
    pub id: i64,
    pub summary: String,
    pub resolution: String,
    pub operations: Vec<At<String>>,
}

/// One resource group file.
#[derive(Debug)]
pub struct GroupFile {
    pub file: FileId,
    pub group: At<String>,
    pub title: String,
    pub description: String,
    pub enums: Entries<EnumDef>,
    pub models: Entries<Model>,
    pub operations: Entries<Operation>,
}

#[derive(Debug)]
pub struct EnumDef {
    pub loc: Loc,
    pub description: String,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
    pub values: Vec<At<String>>,
}

#[derive(Debug)]
pub struct Model {
    pub loc: Loc,
    pub description: String,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
    pub fields: Entries<Field>,
    pub relations: Entries<Field>,
}

/// A type expression: `string`, `array<Contact>`, `map<integer>`, `ContactType`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeRef {
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    Date,
    File,
    Json,
    Named(String),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The innermost type of arrays and maps.
    pub fn leaf(&self) -> &TypeRef {
        match self {
            TypeRef::Array(t) | TypeRef::Map(t) => t.leaf(),
            t => t,
        }
    }

    pub fn is_string_like(&self) -> bool {
        matches!(self, TypeRef::String | TypeRef::DateTime | TypeRef::Date)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, TypeRef::Integer | TypeRef::Number)
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::String => f.write_str("string"),
            TypeRef::Integer => f.write_str("integer"),
            TypeRef::Number => f.write_str("number"),
            TypeRef::Boolean => f.write_str("boolean"),
            TypeRef::DateTime => f.write_str("datetime"),
            TypeRef::Date => f.write_str("date"),
            TypeRef::File => f.write_str("file"),
            TypeRef::Json => f.write_str("json"),
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::Array(t) => write!(f, "array<{t}>"),
            TypeRef::Map(t) => write!(f, "map<{t}>"),
        }
    }
}

/// `required_if: {field: type, equals: button}`
#[derive(Clone, Debug, PartialEq)]
pub struct RequiredIf {
    pub field: At<String>,
    pub equals: Node,
}

/// A model field, body field, parameter or error detail.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub loc: Loc,
    pub ty: At<TypeRef>,
    pub description: Option<String>,
    pub required: Option<At<bool>>,
    pub nullable: bool,
    pub default: Option<Node>,
    pub example: Option<Node>,
    pub max_length: Option<At<i64>>,
    pub min_length: Option<At<i64>>,
    pub min: Option<At<f64>>,
    pub max: Option<At<f64>>,
    pub min_items: Option<At<i64>>,
    pub max_items: Option<At<i64>>,
    pub unique_items: Option<At<bool>>,
    pub unique_by: Option<At<String>>,
    /// An array of objects whose items that break their rules are reported one by one.
    pub per_item_errors: Option<At<bool>>,
    pub format: Option<At<String>>,
    pub pattern: Option<At<String>>,
    pub max_size: Option<At<i64>>,
    pub extensions: Option<At<Vec<String>>>,
    pub required_with: Vec<At<String>>,
    pub required_without: Vec<At<String>>,
    pub required_if: Option<RequiredIf>,
    pub unique: Option<At<String>>,
    pub exists: Option<At<String>>,
    pub rule: Option<At<String>>,
    pub messages: Entries<String>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct Operation {
    pub loc: Loc,
    pub name: Option<At<String>>,
    pub summary: String,
    pub description: String,
    pub method: At<String>,
    /// Delivers a WhatsApp message: a retry could deliver it twice.
    pub sends_message: bool,
    pub path: At<String>,
    pub scope: At<String>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
    pub path_params: Entries<Field>,
    pub query: Entries<Field>,
    pub include: Vec<At<String>>,
    pub fields: bool,
    pub list: Option<List>,
    pub body: Option<Body>,
    pub response: Response,
    pub errors: Vec<ErrorRef>,
    pub rate_limits: Vec<RateLimitRule>,
    pub behaviour: Vec<Behaviour>,
    pub notes: Vec<String>,
    pub examples: Vec<Example>,
}

#[derive(Debug)]
pub struct List {
    pub loc: Loc,
    pub sort: Vec<At<String>>,
    pub default_sort: Option<At<String>>,
    pub search: Vec<At<String>>,
    pub filters: Entries<Filter>,
}

#[derive(Debug)]
pub struct Filter {
    pub loc: Loc,
    pub ops: Vec<At<String>>,
    pub ty: Option<At<TypeRef>>,
    pub description: Option<String>,
    pub provenance: Option<Provenance>,
}

#[derive(Debug)]
pub struct Body {
    pub loc: Loc,
    pub content_type: At<String>,
    pub fields: Entries<Field>,
}

#[derive(Debug)]
pub struct Response {
    pub loc: Loc,
    pub status: At<i64>,
    pub message: Option<String>,
    pub data: Option<At<TypeRef>>,
    pub envelope: Option<At<String>>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct ErrorRef {
    pub loc: Loc,
    pub code: At<String>,
    pub when: Option<String>,
    pub message: Option<String>,
    pub field: Option<At<String>>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct RateLimitRule {
    pub loc: Loc,
    pub key: At<String>,
    pub limit: At<i64>,
    pub per_seconds: At<i64>,
    pub when: Option<String>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct Behaviour {
    pub loc: Loc,
    pub note: String,
    pub provenance: Option<Provenance>,
}

#[derive(Debug)]
pub struct Example {
    pub loc: Loc,
    pub name: String,
    pub path: Option<At<String>>,
    pub request: Option<Node>,
    pub status: Option<At<i64>>,
    pub response: Option<Node>,
    /// Why the request breaks the body's schema on purpose (to show the error it is answered with).
    pub invalid: Option<String>,
    /// The page whose example request this is; `None`: written to fit the spec.
    pub provenance: Option<Provenance>,
}

/// `events.yaml`: the webhook events and how a delivery is signed, retried and timed out.
#[derive(Debug)]
pub struct Events {
    pub file: FileId,
    pub loc: Loc,
    pub description: String,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
    pub conventions: EventConventions,
    pub signing: Signing,
    pub retry: Retry,
    pub timeout: Timeout,
    pub resources: Entries<EventResource>,
    pub events: Entries<Event>,
}

/// What `changes` holds for each kind of change, and the form of an event id.
#[derive(Debug, Default)]
pub struct EventConventions {
    pub created: String,
    pub updated: String,
    pub deleted: String,
    pub event_id: String,
    pub provenance: Option<Provenance>,
}

/// How a delivery is signed (Standard Webhooks).
#[derive(Debug, Default)]
pub struct Signing {
    pub scheme: String,
    pub id_header: String,
    pub timestamp_header: String,
    pub signature_header: String,
    pub signature: String,
    pub secret: String,
    pub tolerance_seconds: i64,
    pub provenance: Option<Provenance>,
}

/// The delays between the attempts of a delivery.
#[derive(Debug, Default)]
pub struct Retry {
    pub schedule_seconds: Vec<At<i64>>,
    pub description: String,
    pub provenance: Option<Provenance>,
}

/// How long one delivery attempt may take.
#[derive(Debug, Default)]
pub struct Timeout {
    pub seconds: i64,
    pub provenance: Option<Provenance>,
}

/// A resource type events carry (`data.resource.type`): its model and the relationships the
/// payload names (relationship name -> resource type).
#[derive(Debug)]
pub struct EventResource {
    pub loc: Loc,
    pub model: At<String>,
    pub relationships: Entries<At<String>>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}

/// One event type (`contact.created`): `{resource}.{action}`.
#[derive(Debug)]
pub struct Event {
    pub loc: Loc,
    pub description: String,
    /// What `changes` holds: `created`, `updated` or `deleted`; default: the action.
    pub changes: Option<At<String>>,
    /// The attributes `modified_fields` can name; empty: any attribute of the resource.
    pub modified_fields: Vec<At<String>>,
    pub provenance: Option<Provenance>,
    pub note: Option<String>,
}
