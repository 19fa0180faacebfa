//! IR: the validated spec lowered for the emitters: Rust names beside wire names, provenance
//! resolved (inherited from the enclosing item), common errors merged into each operation.
//! Emitters see only this module; derived facts are methods here, not recomputed per emitter.

use std::collections::BTreeMap;

use crate::diag::Sources;
use crate::ident;
use crate::spec::{self, TypeRef};
use crate::yaml::Entries;

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
}

/// Lowers a validated spec. Call only after `validate` reported no errors.
pub fn lower(spec: &spec::Spec, sources: &Sources) -> Api {
    let unknown = Provenance::Inferred { reason: "no provenance given".into() };
    let names = Names::new(spec);
    let api = &spec.api;
    let file_name = |id| {
        let p = sources.path(id);
        format!("api-spec/{}", p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
    };
    let mut files = vec![file_name(api.file)];
    files.extend(spec.groups.iter().map(|g| file_name(g.file)));

    let mut out = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        base_url: api.base_url.value.clone(),
        base_url_provenance: Provenance::from_spec(&api.base_url_provenance, &unknown),
        auth_description: api.auth.description.clone(),
        auth_header: api.auth.header.clone(),
        scopes: api
            .scopes
            .iter()
            .map(|(n, s)| Scope {
                wire: n.value.clone(),
                variant: ident::variant(&n.value),
                description: s.description.clone(),
                provenance: Provenance::from_spec(&s.provenance, &unknown),
            })
            .collect(),
        errors: api
            .errors
            .iter()
            .map(|(n, e)| {
                let prov = Provenance::from_spec(&e.provenance, &unknown);
                ErrorCode {
                    code: n.value.clone(),
                    variant: ident::variant(&n.value),
                    status: e.status.value as u16,
                    description: e.description.clone(),
                    message: e.message.clone(),
                    details: lower_fields(&e.details, &names, &prov, true),
                    provenance: prov,
                    note: e.note.clone(),
                }
            })
            .collect(),
        common_errors: api.common_errors.iter().map(|c| c.value.clone()).collect(),
        input_errors: api.input_errors.iter().map(|c| c.value.clone()).collect(),
        envelope: {
            let e = &api.envelope;
            Envelope {
                provenance: Provenance::from_spec(&e.provenance, &unknown),
                success: e.success.clone(),
                message: e.message.clone(),
                data: e.data.clone(),
                meta: e.meta.clone(),
                links: e.links.clone(),
                error: e.error.clone(),
                code: e.code.clone(),
                details: e.details.clone(),
                errors: e.errors.clone(),
            }
        },
        pagination: {
            let p = &api.pagination;
            let prov = Provenance::from_spec(&p.provenance, &unknown);
            Pagination {
                page_default: p.page_default,
                page_min: p.page_min,
                per_page_default: p.per_page_default,
                per_page_min: p.per_page_min,
                per_page_max: p.per_page_max,
                meta: lower_fields(&p.meta, &names, &prov, true),
                links: lower_fields(&p.links, &names, &prov, true),
                provenance: prov,
            }
        },
        list_query: {
            let q = &api.list_query;
            ListQuery {
                provenance: Provenance::from_spec(&q.provenance, &unknown),
                sort: q.sort.clone(),
                descending_prefix: q.descending_prefix.clone(),
                search: q.search.clone(),
                search_aliases: q.search_aliases.clone(),
                fields: q.fields.clone(),
                include: q.include.clone(),
                filter: q.filter.clone(),
            }
        },
        operators: api
            .filter_operators
            .iter()
            .map(|(n, o)| Operator {
                wire: n.value.clone(),
                variant: ident::variant(&n.value),
                aliases: o.aliases.clone(),
                value: o.value.value.clone(),
                description: o.description.clone(),
            })
            .collect(),
        rate_limit: {
            let r = &api.rate_limit;
            let prov = Provenance::from_spec(&r.provenance, &unknown);
            RateLimit {
                headers_provenance: Provenance::from_spec(&r.headers_provenance, &prov),
                provenance: prov,
                default_per_minute: r.default_per_minute,
                limit_header: r.limit_header.clone(),
                remaining_header: r.remaining_header.clone(),
                retry_after_header: r.retry_after_header.clone(),
            }
        },
        contradictions: api
            .contradictions
            .iter()
            .map(|c| Contradiction {
                id: c.id,
                summary: c.summary.clone(),
                resolution: c.resolution.clone(),
                operations: c.operations.iter().map(|o| o.value.clone()).collect(),
            })
            .collect(),
        groups: Vec::new(),
        models: Vec::new(),
        enums: Vec::new(),
        files,
    };
    for g in &spec.groups {
        for (n, e) in g.enums.iter() {
            out.enums.push(Enum {
                name: n.value.clone(),
                group: g.group.value.clone(),
                description: e.description.clone(),
                provenance: Provenance::from_spec(&e.provenance, &unknown),
                note: e.note.clone(),
                values: e.values.iter().map(|v| (v.value.clone(), ident::variant(&v.value))).collect(),
            });
        }
        for (n, m) in g.models.iter() {
            let prov = Provenance::from_spec(&m.provenance, &unknown);
            out.models.push(Model {
                name: n.value.clone(),
                group: g.group.value.clone(),
                description: m.description.clone(),
                note: m.note.clone(),
                fields: lower_fields(&m.fields, &names, &prov, true),
                relations: lower_fields(&m.relations, &names, &prov, false),
                provenance: prov,
            });
        }
    }
    for g in &spec.groups {
        let group = Group {
            name: g.group.value.clone(),
            type_name: ident::type_name(&g.group.value),
            title: g.title.clone(),
            description: g.description.clone(),
            file: file_name(g.file),
            operations: g.operations.iter().map(|(id, op)| lower_operation(&id.value, op, &g.group.value, &out, &names)).collect(),
        };
        out.groups.push(group);
    }
    out
}

/// Resolves named types to models or enums.
struct Names {
    kinds: BTreeMap<String, NamedKind>,
}

impl Names {
    fn new(spec: &spec::Spec) -> Self {
        let mut kinds = BTreeMap::new();
        for g in &spec.groups {
            for (n, _) in g.models.iter() {
                kinds.insert(n.value.clone(), NamedKind::Model);
            }
            for (n, _) in g.enums.iter() {
                kinds.insert(n.value.clone(), NamedKind::Enum);
            }
        }
        Names { kinds }
    }

    fn ty(&self, t: &TypeRef) -> Ty {
        match t {
            TypeRef::String => Ty::String,
            TypeRef::Integer => Ty::Integer,
            TypeRef::Number => Ty::Number,
            TypeRef::Boolean => Ty::Boolean,
            TypeRef::DateTime => Ty::DateTime,
            TypeRef::Date => Ty::Date,
            TypeRef::File => Ty::File,
            TypeRef::Json => Ty::Json,
            TypeRef::Named(n) => Ty::Named(n.clone(), self.kinds.get(n).copied().unwrap_or(NamedKind::Model)),
            TypeRef::Array(t) => Ty::Array(Box::new(self.ty(t))),
            TypeRef::Map(t) => Ty::Map(Box::new(self.ty(t))),
        }
    }
}

fn lower_fields(fields: &Entries<spec::Field>, names: &Names, parent: &Provenance, required_default: bool) -> Vec<Field> {
    fields.iter().map(|(n, f)| lower_field(&n.value, f, names, parent, required_default)).collect()
}

fn lower_field(wire: &str, f: &spec::Field, names: &Names, parent: &Provenance, required_default: bool) -> Field {
    Field {
        wire: wire.to_owned(),
        rust: ident::field(wire),
        ty: names.ty(&f.ty.value),
        description: f.description.clone().unwrap_or_default(),
        required: f.required.as_ref().map_or(required_default, |r| r.value),
        nullable: f.nullable,
        default: f.default.as_ref().map(|d| d.to_json()),
        example: f.example.as_ref().map(|d| d.to_json()),
        rules: Rules {
            max_length: f.max_length.as_ref().map(|v| v.value),
            min_length: f.min_length.as_ref().map(|v| v.value),
            min: f.min.as_ref().map(|v| v.value),
            max: f.max.as_ref().map(|v| v.value),
            min_items: f.min_items.as_ref().map(|v| v.value),
            max_items: f.max_items.as_ref().map(|v| v.value),
            unique_items: f.unique_items.as_ref().is_some_and(|v| v.value),
            unique_by: f.unique_by.as_ref().map(|v| v.value.clone()),
            format: f.format.as_ref().map(|v| v.value.clone()),
            pattern: f.pattern.as_ref().map(|v| v.value.clone()),
            max_size: f.max_size.as_ref().map(|v| v.value),
            extensions: f.extensions.as_ref().map(|v| v.value.clone()).unwrap_or_default(),
            required_with: f.required_with.iter().map(|v| v.value.clone()).collect(),
            required_without: f.required_without.iter().map(|v| v.value.clone()).collect(),
            required_if: f.required_if.as_ref().map(|r| (r.field.value.clone(), r.equals.to_json())),
            unique: f.unique.as_ref().map(|v| v.value.clone()),
            exists: f.exists.as_ref().map(|v| v.value.clone()),
            rule: f.rule.as_ref().map(|v| v.value.clone()),
        },
        messages: f.messages.iter().map(|(k, v)| (k.value.clone(), v.clone())).collect(),
        provenance: Provenance::from_spec(&f.provenance, parent),
        note: f.note.clone(),
    }
}

fn lower_operation(id: &str, op: &spec::Operation, group: &str, api: &Api, names: &Names) -> Operation {
    let unknown = Provenance::Inferred { reason: "no provenance given".into() };
    let prov = Provenance::from_spec(&op.provenance, &unknown);
    let scope = (op.scope.value != "none").then(|| op.scope.value.clone());
    let response = Response {
        status: op.response.status.value as u16,
        message: op.response.message.clone(),
        data: op.response.data.as_ref().map(|d| names.ty(&d.value)),
        envelope: match op.response.envelope.as_ref().map(|e| e.value.as_str()) {
            Some("flat") => EnvelopeKind::Flat,
            Some("none") => EnvelopeKind::None,
            Some("list") => EnvelopeKind::List,
            _ if op.list.is_some() => EnvelopeKind::List,
            _ => EnvelopeKind::Data,
        },
        provenance: Provenance::from_spec(&op.response.provenance, &prov),
        note: op.response.note.clone(),
    };
    let mut errors: Vec<OpError> = op
        .errors
        .iter()
        .map(|e| {
            let def = api.error(&e.code.value);
            OpError {
                code: e.code.value.clone(),
                variant: ident::variant(&e.code.value),
                status: def.map_or(500, |d| d.status),
                when: e.when.clone(),
                message: e.message.clone(),
                field: e.field.as_ref().map(|f| f.value.clone()),
                provenance: Provenance::from_spec(&e.provenance, &prov),
                common: false,
            }
        })
        .collect();
    let takes_input = op.body.is_some() || !op.query.is_empty() || op.list.is_some() || !op.include.is_empty() || op.fields;
    let input = api.input_errors.iter().filter(|_| takes_input);
    for code in api.common_errors.iter().chain(input) {
        if code == "INSUFFICIENT_SCOPE" && scope.is_none() {
            continue;
        }
        if errors.iter().any(|e| &e.code == code) {
            continue;
        }
        let def = api.error(code);
        errors.push(OpError {
            code: code.clone(),
            variant: ident::variant(code),
            status: def.map_or(500, |d| d.status),
            when: None,
            message: None,
            field: None,
            provenance: def.map_or(unknown.clone(), |d| d.provenance.clone()),
            common: true,
        });
    }
    let item_model = op.response.data.as_ref().and_then(|d| match d.value.leaf() {
        TypeRef::Named(n) => Some(n.clone()),
        _ => None,
    });
    let list = op.list.as_ref().map(|l| List {
        sort: l.sort.iter().map(|s| s.value.clone()).collect(),
        default_sort: l.default_sort.as_ref().map(|s| s.value.clone()),
        search: l.search.iter().map(|s| s.value.clone()).collect(),
        filters: l
            .filters
            .iter()
            .map(|(n, f)| {
                let field = item_model.as_deref().and_then(|m| api.model(m)).and_then(|m| m.fields.iter().find(|x| x.wire == n.value));
                Filter {
                    field: n.value.clone(),
                    rust: ident::field(&n.value),
                    ty: f.ty.as_ref().map(|t| names.ty(&t.value)).or_else(|| field.map(|x| x.ty.clone())).unwrap_or(Ty::String),
                    nullable: field.is_some_and(|x| x.nullable),
                    ops: f.ops.iter().map(|o| o.value.clone()).collect(),
                    description: f.description.clone().or_else(|| field.map(|x| x.description.clone())).unwrap_or_default(),
                    provenance: Provenance::from_spec(&f.provenance, &prov),
                }
            })
            .collect(),
    });
    Operation {
        id: id.to_owned(),
        type_prefix: ident::type_name(id),
        name: ident::field(op.name.as_ref().map_or(id, |n| n.value.as_str())),
        group: group.to_owned(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        method: op.method.value.clone(),
        sends_message: op.sends_message,
        path: op.path.value.clone(),
        scope,
        note: op.note.clone(),
        path_params: lower_fields(&op.path_params, names, &prov, true),
        query: lower_fields(&op.query, names, &prov, false),
        include: op.include.iter().map(|i| i.value.clone()).collect(),
        fields: op.fields,
        list,
        body: op.body.as_ref().map(|b| Body {
            content_type: match b.content_type.value.as_str() {
                "multipart" => ContentType::Multipart,
                "json_or_multipart" => ContentType::JsonOrMultipart,
                _ => ContentType::Json,
            },
            fields: lower_fields(&b.fields, names, &prov, false),
        }),
        response,
        errors,
        rate_limits: op
            .rate_limits
            .iter()
            .map(|r| RateLimitRule {
                key: r.key.value.clone(),
                limit: r.limit.value,
                per_seconds: r.per_seconds.value,
                when: r.when.clone(),
                provenance: Provenance::from_spec(&r.provenance, &prov),
                note: r.note.clone(),
            })
            .collect(),
        behaviour: op.behaviour.iter().map(|b| Note { text: b.note.clone(), provenance: Provenance::from_spec(&b.provenance, &prov) }).collect(),
        notes: op.notes.clone(),
        examples: op
            .examples
            .iter()
            .map(|e| Example {
                name: e.name.clone(),
                path: e.path.as_ref().map(|p| p.value.clone()),
                query: e.path.as_ref().and_then(|p| p.value.split_once('?')).map(|(_, q)| crate::validate::examples::query_pairs(q)).unwrap_or_default(),
                request: e.request.as_ref().map(|r| r.to_json()),
                status: e.status.as_ref().map(|s| s.value as u16),
                response: e.response.as_ref().map(|r| r.to_json()),
                provenance: e.provenance.as_ref().map(|p| Provenance::from_spec(&Some(p.clone()), &unknown)),
            })
            .collect(),
        contradictions: api.contradictions.iter().filter(|c| c.operations.iter().any(|o| o == id)).map(|c| c.id).collect(),
        provenance: prov,
    }
}
