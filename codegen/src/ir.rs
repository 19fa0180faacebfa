//! IR: the validated spec lowered for the emitters: Rust names beside wire names, provenance
//! resolved (inherited from the enclosing item), common errors merged into each operation.
//! Emitters see only this module; derived facts are methods here, not recomputed per emitter.
//! Its structs mirror those of `spec` on purpose (the same shapes, resolved), which the
//! repeat check excepts.

use std::collections::{BTreeMap, BTreeSet};

use crate::ident;
use crate::spec;

mod events;
mod lower;

pub use events::{ChangeKind, Event, EventResource, Events, Signing};
pub use lower::lower;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    Documented { page: String },
    Inferred { reason: String },
}

impl Provenance {
    fn from_spec(p: &Option<spec::Provenance>, parent: &Provenance) -> Provenance {
        match p {
            Some(spec::Provenance::Documented { page }) => Provenance::Documented { page: page.value.clone() },
            Some(spec::Provenance::Inferred { reason }) => Provenance::Inferred { reason: reason.value.clone() },
            None => parent.clone(),
        }
    }

    pub fn is_inferred(&self) -> bool {
        matches!(self, Provenance::Inferred { .. })
    }

    /// `Documented: <page>` or `Inferred: <reason>`, for doc comments.
    pub fn sentence(&self) -> String {
        match self {
            Provenance::Documented { page } => format!("Documented: <{page}>"),
            Provenance::Inferred { reason } => format!("Inferred: {reason}"),
        }
    }
}

/// What a named type resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedKind {
    Model,
    Enum,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    Date,
    File,
    Json,
    Named(String, NamedKind),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

impl Ty {
    pub fn leaf(&self) -> &Ty {
        match self {
            Ty::Array(t) | Ty::Map(t) => t.leaf(),
            t => t,
        }
    }

    /// The spec's spelling, e.g. `array<Group>`.
    pub fn spec_name(&self) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Date => "date".into(),
            Ty::File => "file".into(),
            Ty::Json => "json".into(),
            Ty::Named(n, _) => n.clone(),
            Ty::Array(t) => format!("array<{}>", t.spec_name()),
            Ty::Map(t) => format!("map<{}>", t.spec_name()),
        }
    }

    pub fn is_file(&self) -> bool {
        self.leaf() == &Ty::File
    }
}

/// Validation rules of a field, as the server glue checks them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    pub max_length: Option<i64>,
    pub min_length: Option<i64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    pub unique_items: bool,
    pub unique_by: Option<String>,
    /// The items (objects) that break their rules go to the implementation instead of failing
    /// the request (`rt::Field::per_item`).
    pub per_item_errors: bool,
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub max_size: Option<i64>,
    pub extensions: Vec<String>,
    pub required_with: Vec<String>,
    pub required_without: Vec<String>,
    pub required_if: Option<(String, serde_json::Value)>,
    pub unique: Option<String>,
    pub exists: Option<String>,
    pub rule: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    pub description: String,
    pub required: bool,
    pub nullable: bool,
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
    pub rules: Rules,
    pub messages: BTreeMap<String, String>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

impl Field {
    /// Optional and nullable: absent, null and a value mean three different things.
    pub fn is_tristate(&self) -> bool {
        !self.required && self.nullable
    }

    /// The documented message for a rule, if any.
    pub fn message(&self, rule: &str) -> Option<&str> {
        self.messages.get(rule).map(String::as_str)
    }
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub wire: String,
    pub variant: String,
    pub description: String,
    pub provenance: Provenance,
}

#[derive(Clone, Debug)]
pub struct ErrorCode {
    pub code: String,
    pub variant: String,
    pub status: u16,
    pub description: String,
    pub message: String,
    pub details: Vec<Field>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub group: String,
    pub description: String,
    pub provenance: Provenance,
    pub note: Option<String>,
    /// (wire value, Rust variant)
    pub values: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub group: String,
    pub description: String,
    pub provenance: Provenance,
    pub note: Option<String>,
    pub fields: Vec<Field>,
    /// Loaded by `?include=`; absent from the JSON unless asked for.
    pub relations: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Filter {
    pub field: String,
    pub rust: String,
    pub ty: Ty,
    pub nullable: bool,
    pub ops: Vec<String>,
    pub description: String,
    pub provenance: Provenance,
}

#[derive(Clone, Debug)]
pub struct List {
    pub sort: Vec<String>,
    pub default_sort: Option<String>,
    pub search: Vec<String>,
    pub filters: Vec<Filter>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    Json,
    Multipart,
    JsonOrMultipart,
}

#[derive(Clone, Debug)]
pub struct Body {
    pub content_type: ContentType,
    pub fields: Vec<Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// `{success, message, data}`
    Data,
    /// `{success, message, data: [..], meta, links}`
    List,
    /// `{success, message, ...fields of the data model}`
    Flat,
    /// The data model is the whole body.
    None,
}

#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub message: Option<String>,
    /// For list operations: the item type.
    pub data: Option<Ty>,
    pub envelope: EnvelopeKind,
    pub provenance: Provenance,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct OpError {
    pub code: String,
    pub variant: String,
    pub status: u16,
    pub when: Option<String>,
    pub message: Option<String>,
    pub field: Option<String>,
    pub provenance: Provenance,
    /// Added from `common_errors`, not listed on the operation.
    pub common: bool,
}

#[derive(Clone, Debug)]
pub struct RateLimitRule {
    pub key: String,
    pub limit: i64,
    pub per_seconds: i64,
    pub when: Option<String>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub text: String,
    pub provenance: Provenance,
}

#[derive(Clone, Debug)]
pub struct Example {
    pub name: String,
    /// The request path with its query string, as written.
    pub path: Option<String>,
    /// The decoded query pairs of `path`.
    pub query: Vec<(String, String)>,
    pub request: Option<serde_json::Value>,
    pub status: Option<u16>,
    pub response: Option<serde_json::Value>,
    /// Why the request breaks the body's schema on purpose, when it does.
    pub invalid: Option<String>,
    /// Where the request comes from: a documentation page, or `None` when it was written to
    /// fit the spec (responses are always written: the pages show none).
    pub provenance: Option<Provenance>,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    /// `GetContact`: prefix of the generated request, body, query and error types.
    pub type_prefix: String,
    /// Method name inside the group: `get`.
    pub name: String,
    pub group: String,
    pub summary: String,
    pub description: String,
    pub method: String,
    /// Delivers a WhatsApp message: the client never re-sends it after a timeout or a failure
    /// that may have reached the server, unless the caller opts in.
    pub sends_message: bool,
    pub path: String,
    /// `None`: the docs list no scope (any valid token).
    pub scope: Option<String>,
    pub provenance: Provenance,
    pub note: Option<String>,
    pub path_params: Vec<Field>,
    pub query: Vec<Field>,
    pub include: Vec<String>,
    pub fields: bool,
    pub list: Option<List>,
    pub body: Option<Body>,
    pub response: Response,
    pub errors: Vec<OpError>,
    pub rate_limits: Vec<RateLimitRule>,
    pub behaviour: Vec<Note>,
    pub notes: Vec<String>,
    pub examples: Vec<Example>,
    /// Ids of the contradictions resolved for this operation.
    pub contradictions: Vec<i64>,
}

impl Operation {
    /// The status of an example's response: its own, or the success status.
    pub fn example_status(&self, ex: &Example) -> u16 {
        ex.status.unwrap_or(self.response.status)
    }

    /// The path-parameter values of an example (`/contacts/1`: `id` is `1`), in path order;
    /// the operation's own path when the example has none.
    pub fn example_params(&self, ex: &Example) -> Vec<(&Field, String)> {
        let path = ex.path.as_deref().unwrap_or(&self.path);
        let route = path.split_once('?').map_or(path, |(r, _)| r);
        self.path
            .split('/')
            .zip(route.split('/'))
            .filter_map(|(t, v)| t.strip_prefix('{').and_then(|t| t.strip_suffix('}')).map(|name| (name, v)))
            .filter_map(|(name, v)| self.path_params.iter().find(|p| p.wire == name).map(|p| (p, v.to_owned())))
            .collect()
    }

    pub fn is_list(&self) -> bool {
        self.list.is_some()
    }

    pub fn has_body(&self) -> bool {
        self.body.is_some()
    }

    pub fn has_query(&self) -> bool {
        !self.query.is_empty() || self.list.is_some() || !self.include.is_empty() || self.fields
    }

    pub fn is_multipart(&self) -> bool {
        self.body.as_ref().is_some_and(|b| b.content_type != ContentType::Json)
    }

    /// The model the `include` names are relations of.
    pub fn include_model(&self) -> Option<&str> {
        if self.include.is_empty() {
            return None;
        }
        match self.response.data.as_ref()?.leaf() {
            Ty::Named(n, NamedKind::Model) => Some(n),
            _ => None,
        }
    }

    /// Distinct error codes the operation can return, in order.
    pub fn error_codes(&self) -> Vec<&OpError> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for e in &self.errors {
            if !seen.contains(&e.code.as_str()) {
                seen.push(e.code.as_str());
                out.push(e);
            }
        }
        out
    }

    /// `GET /contacts/{id}`
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    /// `Contacts`: the group's trait and client handle are named from it.
    pub type_name: String,
    pub title: String,
    pub description: String,
    pub file: String,
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug)]
pub struct Envelope {
    pub provenance: Provenance,
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

#[derive(Clone, Debug)]
pub struct Pagination {
    pub provenance: Provenance,
    pub page_default: i64,
    pub page_min: i64,
    pub per_page_default: i64,
    pub per_page_min: i64,
    pub per_page_max: i64,
    pub meta: Vec<Field>,
    pub links: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct ListQuery {
    pub provenance: Provenance,
    pub sort: String,
    pub descending_prefix: String,
    pub search: String,
    pub search_aliases: Vec<String>,
    pub fields: String,
    pub include: String,
    pub filter: String,
}

#[derive(Clone, Debug)]
pub struct Operator {
    pub wire: String,
    pub variant: String,
    pub aliases: Vec<String>,
    pub value: String,
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct RateLimit {
    pub provenance: Provenance,
    pub default_per_minute: i64,
    pub headers_provenance: Provenance,
    pub limit_header: String,
    pub remaining_header: String,
    pub retry_after_header: String,
}

#[derive(Clone, Debug)]
pub struct Contradiction {
    pub id: i64,
    pub summary: String,
    pub resolution: String,
    pub operations: Vec<String>,
}

/// The lowered spec.
#[derive(Clone, Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: String,
    pub base_url: String,
    pub base_url_provenance: Provenance,
    /// The licence of the API description (an SPDX expression) and where it comes from.
    pub license: Option<(String, Provenance)>,
    pub auth_description: String,
    pub auth_header: String,
    pub scopes: Vec<Scope>,
    pub errors: Vec<ErrorCode>,
    pub common_errors: Vec<String>,
    /// Errors every operation that takes input can return (the glue validates it).
    pub input_errors: Vec<String>,
    pub envelope: Envelope,
    pub pagination: Pagination,
    pub list_query: ListQuery,
    pub operators: Vec<Operator>,
    pub rate_limit: RateLimit,
    pub contradictions: Vec<Contradiction>,
    pub groups: Vec<Group>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
    /// The spec files, relative to the root (`api-spec/api.yaml`, ...), for headers.
    pub files: Vec<String>,
    /// The webhook events (`events.yaml`), when the spec has them.
    pub events: Option<Events>,
}

impl Api {
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| g.operations.iter())
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    pub fn enum_(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    pub fn error(&self, code: &str) -> Option<&ErrorCode> {
        self.errors.iter().find(|e| e.code == code)
    }

    pub fn scope(&self, wire: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.wire == wire)
    }

    /// Adds the models a type names to `seen`, and the models their fields (and, with
    /// `relations`, their relations) name.
    pub fn reach<'a>(&'a self, ty: &Ty, relations: bool, seen: &mut BTreeSet<&'a str>) {
        let Ty::Named(name, NamedKind::Model) = ty.leaf() else { return };
        let Some(model) = self.model(name) else { return };
        if seen.insert(&model.name) {
            for f in model.fields.iter().chain(model.relations.iter().filter(|_| relations)) {
                self.reach(&f.ty, relations, seen);
            }
        }
    }

    /// The models a request body holds, nested ones and their relations included.
    pub fn sent_models(&self) -> BTreeSet<&str> {
        let mut sent = BTreeSet::new();
        for f in self.operations().filter_map(|op| op.body.as_ref()).flat_map(|b| &b.fields) {
            self.reach(&f.ty, true, &mut sent);
        }
        sent
    }

    /// The models a response holds (its data or an error's details), nested ones and their
    /// relations included.
    pub fn received_models(&self) -> BTreeSet<&str> {
        let mut received = BTreeSet::new();
        for data in self.operations().filter_map(|op| op.response.data.as_ref()) {
            self.reach(data, true, &mut received);
        }
        for f in self.errors.iter().flat_map(|e| &e.details) {
            self.reach(&f.ty, true, &mut received);
        }
        received
    }
}
