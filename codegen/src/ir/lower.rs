//! Lowering: the validated spec to the IR. Named types resolve to models or enums, provenance
//! is inherited from the enclosing item, and the common errors join each operation's own.
//! Lowering runs only on a spec `validate` accepted: where a lookup could fail on an unchecked
//! spec, it takes a plain default instead.

use std::collections::BTreeMap;

use super::*;
use crate::diag::Sources;
use crate::spec::{self, TypeRef};
use crate::yaml::Entries;

/// Lowers a validated spec. Call only after `validate` reported no errors.
pub fn lower(spec: &spec::Spec, sources: &Sources) -> Api {
    let names = Names::new(spec);
    let file_name = |id| {
        let p = sources.path(id);
        format!("api-spec/{}", p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
    };
    let mut out = catalogue(&spec.api, &names);
    out.files.push(file_name(spec.api.file));
    out.files.extend(spec.groups.iter().map(|g| file_name(g.file)));
    for g in &spec.groups {
        types(g, &names, &mut out);
    }
    out.events = spec.events.as_ref().map(|e| events::lower(e, file_name(e.file)));
    for g in &spec.groups {
        let operations = g.operations.iter().map(|(id, op)| lower_operation(&id.value, op, &g.group.value, &out, &names)).collect();
        out.groups.push(Group {
            name: g.group.value.clone(),
            type_name: ident::type_name(&g.group.value),
            title: g.title.clone(),
            description: g.description.clone(),
            file: file_name(g.file),
            operations,
        });
    }
    out
}

/// The provenance of an item that names none (validate requires it where it matters).
fn unknown() -> Provenance {
    Provenance::Inferred { reason: "no provenance given".into() }
}

/// Everything of api.yaml, with no groups, models or files yet.
fn catalogue(api: &spec::Api, names: &Names) -> Api {
    let unknown = unknown();
    Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        base_url: api.base_url.value.clone(),
        base_url_provenance: Provenance::from_spec(&api.base_url_provenance, &unknown),
        license: api.info.license.as_ref().map(|(l, p)| (l.value.clone(), Provenance::from_spec(p, &unknown))),
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
        errors: api.errors.iter().map(|(n, e)| error_code(&n.value, e, names)).collect(),
        common_errors: api.common_errors.iter().map(|c| c.value.clone()).collect(),
        input_errors: api.input_errors.iter().map(|c| c.value.clone()).collect(),
        envelope: envelope(&api.envelope),
        pagination: pagination(&api.pagination, names),
        list_query: list_query(&api.list_query),
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
        rate_limit: rate_limit(&api.rate_limit),
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
        files: Vec::new(),
        events: None,
    }
}

fn error_code(code: &str, e: &spec::ErrorDef, names: &Names) -> ErrorCode {
    let prov = Provenance::from_spec(&e.provenance, &unknown());
    ErrorCode {
        code: code.to_owned(),
        variant: ident::variant(code),
        status: u16::try_from(e.status.value).unwrap_or(500),
        description: e.description.clone(),
        message: e.message.clone(),
        details: lower_fields(&e.details, names, &prov, true),
        provenance: prov,
        note: e.note.clone(),
    }
}

fn envelope(e: &spec::Envelope) -> Envelope {
    Envelope {
        provenance: Provenance::from_spec(&e.provenance, &unknown()),
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
}

fn pagination(p: &spec::Pagination, names: &Names) -> Pagination {
    let prov = Provenance::from_spec(&p.provenance, &unknown());
    Pagination {
        page_default: p.page_default,
        page_min: p.page_min,
        per_page_default: p.per_page_default,
        per_page_min: p.per_page_min,
        per_page_max: p.per_page_max,
        meta: lower_fields(&p.meta, names, &prov, true),
        links: lower_fields(&p.links, names, &prov, true),
        provenance: prov,
    }
}

fn list_query(q: &spec::ListQuery) -> ListQuery {
    ListQuery {
        provenance: Provenance::from_spec(&q.provenance, &unknown()),
        sort: q.sort.clone(),
        descending_prefix: q.descending_prefix.clone(),
        search: q.search.clone(),
        search_aliases: q.search_aliases.clone(),
        fields: q.fields.clone(),
        include: q.include.clone(),
        filter: q.filter.clone(),
    }
}

fn rate_limit(r: &spec::RateLimit) -> RateLimit {
    let prov = Provenance::from_spec(&r.provenance, &unknown());
    RateLimit {
        headers_provenance: Provenance::from_spec(&r.headers_provenance, &prov),
        provenance: prov,
        default_per_minute: r.default_per_minute,
        limit_header: r.limit_header.clone(),
        remaining_header: r.remaining_header.clone(),
        retry_after_header: r.retry_after_header.clone(),
    }
}

/// The enums and models of a group file.
fn types(g: &spec::GroupFile, names: &Names, out: &mut Api) {
    for (n, e) in g.enums.iter() {
        out.enums.push(Enum {
            name: n.value.clone(),
            group: g.group.value.clone(),
            description: e.description.clone(),
            provenance: Provenance::from_spec(&e.provenance, &unknown()),
            note: e.note.clone(),
            values: e.values.iter().map(|v| (v.value.clone(), ident::variant(&v.value))).collect(),
        });
    }
    for (n, m) in g.models.iter() {
        let prov = Provenance::from_spec(&m.provenance, &unknown());
        out.models.push(Model {
            name: n.value.clone(),
            group: g.group.value.clone(),
            description: m.description.clone(),
            note: m.note.clone(),
            fields: lower_fields(&m.fields, names, &prov, true),
            relations: lower_fields(&m.relations, names, &prov, false),
            provenance: prov,
        });
    }
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
        rules: rules(f),
        messages: f.messages.iter().map(|(k, v)| (k.value.clone(), v.clone())).collect(),
        provenance: Provenance::from_spec(&f.provenance, parent),
        note: f.note.clone(),
    }
}

fn rules(f: &spec::Field) -> Rules {
    let value = |v: &Option<crate::yaml::At<i64>>| v.as_ref().map(|v| v.value);
    let text = |v: &Option<crate::yaml::At<String>>| v.as_ref().map(|v| v.value.clone());
    Rules {
        max_length: value(&f.max_length),
        min_length: value(&f.min_length),
        min: f.min.as_ref().map(|v| v.value),
        max: f.max.as_ref().map(|v| v.value),
        min_items: value(&f.min_items),
        max_items: value(&f.max_items),
        unique_items: f.unique_items.as_ref().is_some_and(|v| v.value),
        unique_by: text(&f.unique_by),
        per_item_errors: f.per_item_errors.as_ref().is_some_and(|v| v.value),
        format: text(&f.format),
        pattern: text(&f.pattern),
        max_size: value(&f.max_size),
        extensions: f.extensions.as_ref().map(|v| v.value.clone()).unwrap_or_default(),
        required_with: f.required_with.iter().map(|v| v.value.clone()).collect(),
        required_without: f.required_without.iter().map(|v| v.value.clone()).collect(),
        required_if: f.required_if.as_ref().map(|r| (r.field.value.clone(), r.equals.to_json())),
        unique: text(&f.unique),
        exists: text(&f.exists),
        rule: text(&f.rule),
    }
}

fn lower_operation(id: &str, op: &spec::Operation, group: &str, api: &Api, names: &Names) -> Operation {
    let prov = Provenance::from_spec(&op.provenance, &unknown());
    let scope = (op.scope.value != "none").then(|| op.scope.value.clone());
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
        errors: op_errors(op, scope.is_some(), api, &prov),
        scope,
        note: op.note.clone(),
        path_params: lower_fields(&op.path_params, names, &prov, true),
        query: lower_fields(&op.query, names, &prov, false),
        include: op.include.iter().map(|i| i.value.clone()).collect(),
        fields: op.fields,
        list: op.list.as_ref().map(|l| list(l, op, api, names, &prov)),
        body: op.body.as_ref().map(|b| Body {
            content_type: match b.content_type.value.as_str() {
                "multipart" => ContentType::Multipart,
                "json_or_multipart" => ContentType::JsonOrMultipart,
                _ => ContentType::Json,
            },
            fields: lower_fields(&b.fields, names, &prov, false),
        }),
        response: response(op, names, &prov),
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
        examples: op.examples.iter().map(example).collect(),
        contradictions: api.contradictions.iter().filter(|c| c.operations.iter().any(|o| o == id)).map(|c| c.id).collect(),
        provenance: prov,
    }
}

fn response(op: &spec::Operation, names: &Names, prov: &Provenance) -> Response {
    let r = &op.response;
    Response {
        status: u16::try_from(r.status.value).unwrap_or(200),
        message: r.message.clone(),
        data: r.data.as_ref().map(|d| names.ty(&d.value)),
        envelope: match r.envelope.as_ref().map(|e| e.value.as_str()) {
            Some("flat") => EnvelopeKind::Flat,
            Some("none") => EnvelopeKind::None,
            Some("list") => EnvelopeKind::List,
            _ if op.list.is_some() => EnvelopeKind::List,
            _ => EnvelopeKind::Data,
        },
        provenance: Provenance::from_spec(&r.provenance, prov),
        note: r.note.clone(),
    }
}

/// The operation's own errors, then the common ones (and the input ones when it takes input)
/// it does not list: INSUFFICIENT_SCOPE only when it needs a scope.
fn op_errors(op: &spec::Operation, scoped: bool, api: &Api, prov: &Provenance) -> Vec<OpError> {
    let error = |code: &str| {
        let def = api.error(code);
        let provenance = def.map_or_else(unknown, |d| d.provenance.clone());
        let status = def.map_or(500, |d| d.status);
        OpError { code: code.to_owned(), variant: ident::variant(code), status, when: None, message: None, field: None, provenance, common: true }
    };
    let mut errors: Vec<OpError> = op
        .errors
        .iter()
        .map(|e| OpError {
            when: e.when.clone(),
            message: e.message.clone(),
            field: e.field.as_ref().map(|f| f.value.clone()),
            provenance: Provenance::from_spec(&e.provenance, prov),
            common: false,
            ..error(&e.code.value)
        })
        .collect();
    let takes_input = op.body.is_some() || !op.query.is_empty() || op.list.is_some() || !op.include.is_empty() || op.fields;
    let input = api.input_errors.iter().filter(|_| takes_input);
    for code in api.common_errors.iter().chain(input) {
        if (code == "INSUFFICIENT_SCOPE" && !scoped) || errors.iter().any(|e| &e.code == code) {
            continue;
        }
        errors.push(error(code));
    }
    errors
}

/// A list operation's conventions; a filter without its own type or description takes those
/// of the item model's field.
fn list(l: &spec::List, op: &spec::Operation, api: &Api, names: &Names, prov: &Provenance) -> List {
    let item_model = op.response.data.as_ref().and_then(|d| match d.value.leaf() {
        TypeRef::Named(n) => api.model(n),
        _ => None,
    });
    let filter = |(n, f): (&crate::yaml::At<String>, &spec::Filter)| {
        let field = item_model.and_then(|m| m.fields.iter().find(|x| x.wire == n.value));
        Filter {
            field: n.value.clone(),
            rust: ident::field(&n.value),
            ty: f.ty.as_ref().map(|t| names.ty(&t.value)).or_else(|| field.map(|x| x.ty.clone())).unwrap_or(Ty::String),
            nullable: field.is_some_and(|x| x.nullable),
            ops: f.ops.iter().map(|o| o.value.clone()).collect(),
            description: f.description.clone().or_else(|| field.map(|x| x.description.clone())).unwrap_or_default(),
            provenance: Provenance::from_spec(&f.provenance, prov),
        }
    };
    List {
        sort: l.sort.iter().map(|s| s.value.clone()).collect(),
        default_sort: l.default_sort.as_ref().map(|s| s.value.clone()),
        search: l.search.iter().map(|s| s.value.clone()).collect(),
        filters: l.filters.iter().map(filter).collect(),
    }
}

fn example(e: &spec::Example) -> Example {
    Example {
        name: e.name.clone(),
        path: e.path.as_ref().map(|p| p.value.clone()),
        query: e.path.as_ref().and_then(|p| p.value.split_once('?')).map(|(_, q)| crate::validate::examples::query_pairs(q)).unwrap_or_default(),
        request: e.request.as_ref().map(|r| r.to_json()),
        status: e.status.as_ref().and_then(|s| u16::try_from(s.value).ok()),
        response: e.response.as_ref().map(|r| r.to_json()),
        invalid: e.invalid.clone(),
        provenance: e.provenance.as_ref().map(|p| Provenance::from_spec(&Some(p.clone()), &unknown())),
    }
}
