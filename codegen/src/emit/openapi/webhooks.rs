//! The `webhooks` object of the OpenAPI 3.1 document: one `POST` per event type of
//! `events.yaml`, with the Standard Webhooks signature headers as parameters and the payload
//! as a component schema (`ContactCreatedWebhook`). Every part of a payload is a component a
//! client generator reads as is: the event info with its type pinned (`ContactCreatedWebhookEvent`,
//! a `const`, never merged onto a shared `type` through `allOf`, which openapi-python-client cannot
//! merge), the changes (`ContactCreatedWebhookChanges`), the resource (`ContactWebhookData`, shared
//! by the events of one resource) and the parts every payload shares (`WebhookTenant`,
//! `WebhookMetadata`, `WebhookResourceRef`, `WebhookEmptyObject`). OpenAPI 3.0 has no webhooks:
//! its rendering drops them with the schemas only they use ([`component_names`]).

use serde_json::{json, Map, Value};

use super::{json_object, provenance_text};
use crate::ir::*;

/// The tag of the webhooks, for the document's `tags`.
pub(super) fn tag(api: &Api) -> Option<Value> {
    let e = api.events.as_ref()?;
    Some(json!({"name": "webhooks", "description": format!("{}\n\nProvenance: {}.", e.description, provenance_text(&e.provenance))}))
}

/// The `webhooks` object, or `None` for a spec without events.
pub(super) fn webhooks(api: &Api) -> Option<Value> {
    let e = api.events.as_ref()?;
    Some(Value::Object(e.events.iter().map(|ev| (ev.wire.clone(), json!({"post": operation(e, ev)}))).collect()))
}

/// The component schemas only the webhooks use.
pub fn component_names(api: &Api) -> Vec<String> {
    let mut only_webhooks = Map::new();
    schemas(api, &mut only_webhooks);
    only_webhooks.into_iter().map(|(name, _)| name).collect()
}

/// The payload schemas and their parts, for `components.schemas`.
pub(super) fn schemas(api: &Api, schemas: &mut Map<String, Value>) {
    let Some(e) = &api.events else { return };
    let string = || json!({"type": "string"});
    schemas.insert("WebhookTenant".into(), object(&["id", "name", "domain"], json!({"id": {"type": "integer", "format": "int64"}, "name": string(), "domain": string()}), "The tenant the resource belongs to"));
    schemas.insert(
        "WebhookMetadata".into(),
        object(
            &["source", "environment", "request_id"],
            json!({"source": {"type": "string", "const": "api_webhook_manager"}, "environment": string(), "request_id": {"type": "string", "format": "uuid"}}),
            "Where the event comes from",
        ),
    );
    schemas.insert("WebhookResourceRef".into(), object(&["type", "id"], json!({"type": string(), "id": {"type": "integer", "format": "int64"}}), "A reference to a related resource"));
    if e.events.iter().any(|ev| ev.changes == ChangeKind::Deleted) {
        schemas.insert("WebhookEmptyObject".into(), json!({"type": "object", "description": "An object without properties", "maxProperties": 0}));
    }
    for ev in &e.events {
        let Some(r) = e.resource(&ev.resource) else { continue };
        if !schemas.contains_key(&data_name(r)) {
            schemas.insert(data_name(r), data(r));
        }
        schemas.insert(part_name(ev, "Event"), event_info(e, ev));
        schemas.insert(part_name(ev, "Changes"), changes(api, e, ev, r));
        schemas.insert(schema_name(ev), payload(ev, r));
    }
}

fn object(required: &[&str], properties: Value, description: &str) -> Value {
    json_object([("type", json!("object")), ("description", json!(description)), ("required", json!(required)), ("properties", properties)])
}

fn schema_name(ev: &Event) -> String {
    format!("{}Webhook", ev.variant)
}

/// The schema of one event's own part of its payload (`ContactCreatedWebhookEvent`).
fn part_name(ev: &Event, part: &str) -> String {
    format!("{}Webhook{part}", ev.variant)
}

fn data_name(r: &EventResource) -> String {
    format!("{}WebhookData", r.model)
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `event`, its `type` pinned to this event's: each event has its own schema, so that no
/// generator has to merge a `const` onto a shared string.
fn event_info(e: &Events, ev: &Event) -> Value {
    object(
        &["id", "type", "timestamp", "version"],
        json!({
            "id": {"type": "string", "description": e.event_id, "pattern": "^evt_[0-9]+_[a-z0-9]+$"},
            "type": {"type": "string", "description": "`{resource}.{action}`", "const": ev.wire},
            "timestamp": {"type": "string", "format": "date-time"},
            "version": {"type": "string", "const": "1.0"},
        }),
        &format!("The `{}` event: its id (the same on every delivery attempt), type, time and payload format version", ev.wire),
    )
}

/// `data`: the resource and its relationships, the same for every event of the resource.
fn data(r: &EventResource) -> Value {
    let relationships: Map<String, Value> = r.relationships.iter().map(|(name, _)| (name.clone(), reference("WebhookResourceRef"))).collect();
    let names: Vec<&str> = relationships.keys().map(String::as_str).collect();
    json!({
        "type": "object",
        "description": format!("The `{}` an event concerns, with the resources it refers to", r.wire),
        "required": ["resource", "relationships"],
        "properties": {
            "resource": {
                "type": "object",
                "required": ["type", "id", "attributes"],
                "properties": {"type": {"type": "string", "const": r.wire}, "id": {"type": "integer", "format": "int64"}, "attributes": reference(&r.model)},
            },
            "relationships": {"type": "object", "required": names, "properties": relationships},
        },
    })
}

fn changes(api: &Api, e: &Events, ev: &Event, r: &EventResource) -> Value {
    let model = || reference(&r.model);
    let null = || json!({"type": "null"});
    let attribute_names = || -> Vec<String> {
        match (ev.modified_fields.is_empty(), api.model(&r.model)) {
            (false, _) | (true, None) => ev.modified_fields.clone(),
            (true, Some(m)) => m.fields.iter().map(|f| f.wire.clone()).collect(),
        }
    };
    let (previous, current, modified, rule) = match ev.changes {
        ChangeKind::Created => (null(), model(), null(), &e.changes_created),
        ChangeKind::Updated => (model(), model(), json!({"type": "array", "items": {"type": "string", "enum": attribute_names()}}), &e.changes_updated),
        ChangeKind::Deleted => (model(), reference("WebhookEmptyObject"), null(), &e.changes_deleted),
    };
    json!({
        "type": "object",
        "description": rule,
        "required": ["previous", "current", "modified_fields"],
        "properties": {"previous": previous, "current": current, "modified_fields": modified},
    })
}

fn payload(ev: &Event, r: &EventResource) -> Value {
    json_object([
        ("type", json!("object")),
        ("description", json!(format!("The payload of `{}`: {}\n\nProvenance: {}.", ev.wire, ev.description, provenance_text(&ev.provenance)))),
        ("required", json!(["event", "tenant", "data", "changes", "metadata"])),
        (
            "properties",
            json_object([
                ("event", reference(&part_name(ev, "Event"))),
                ("tenant", reference("WebhookTenant")),
                ("data", reference(&data_name(r))),
                ("changes", reference(&part_name(ev, "Changes"))),
                ("metadata", reference("WebhookMetadata")),
            ]),
        ),
    ])
}

fn operation(e: &Events, ev: &Event) -> Value {
    let s = &e.signing;
    let header = |name: &str, description: String, schema: Value| json!({"name": name, "in": "header", "required": true, "description": description, "schema": schema});
    let signing = format!("Provenance: {}.", provenance_text(&s.provenance));
    let retry = e.retry_schedule_seconds.iter().map(|s| format!("{s} s")).collect::<Vec<_>>().join(", ");
    let description = format!(
        "{}\n\nSigned as {}: verify `{}` before trusting the body, with the subscription's secret ({}), and refuse a timestamp more than {} s off. \
         Answer with any 2xx within {} s; anything else is retried after {retry} (the same `{}` every time).\n\nProvenance: {}.",
        ev.description, s.scheme, s.signature_header, s.secret, s.tolerance_seconds, e.timeout_seconds, s.id_header, provenance_text(&ev.provenance),
    );
    json_object([
        ("operationId", json!(format!("webhook_{}", ev.method))),
        ("summary", json!(ev.wire)),
        ("description", json!(description)),
        ("tags", json!(["webhooks"])),
        ("security", json!([])),
        (
            "parameters",
            json!([
                header(&s.id_header, format!("The delivery's id: the same on every attempt, so a receiver can drop a repeat. {signing}"), json!({"type": "string"})),
                header(&s.timestamp_header, format!("Unix seconds of the attempt; refuse it more than {} s off. {signing}", s.tolerance_seconds), json!({"type": "string", "pattern": "^[0-9]+$"})),
                header(&s.signature_header, format!("{}. {signing}", s.signature.trim_end_matches('.')), json!({"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"})),
            ]),
        ),
        ("requestBody", json!({"required": true, "content": {"application/json": {"schema": reference(&schema_name(ev))}}})),
        (
            "responses",
            json!({
                "204": {"description": "Received: any 2xx ends the delivery"},
                "401": {"description": "The signature or timestamp does not verify: the delivery is retried"},
            }),
        ),
        ("x-provenance", json!(provenance_text(&ev.provenance))),
        ("x-retry-schedule-seconds", json!(e.retry_schedule_seconds)),
        ("x-timeout-seconds", json!(e.timeout_seconds)),
    ])
}
