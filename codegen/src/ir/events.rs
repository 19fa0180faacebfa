//! The webhook events of `events.yaml`, lowered: each event with its resource, Rust names and
//! what its `changes` hold, and the delivery facts (signing, retries, timeout) the OpenAPI
//! document and the docs state. As in `ir.rs`, the structs mirror those of `spec` on purpose
//! (the same shapes, provenance resolved).

use super::Provenance;
use crate::ident;
use crate::spec;

/// What `changes` holds for an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// `previous` null, `current` the resource, `modified_fields` null.
    Created,
    /// `previous` and `current` the resource, `modified_fields` the changed attributes.
    Updated,
    /// `previous` the resource, `current` an empty object, `modified_fields` null.
    Deleted,
}

impl ChangeKind {
    pub fn parse(text: &str) -> Option<ChangeKind> {
        match text {
            "created" => Some(ChangeKind::Created),
            "updated" => Some(ChangeKind::Updated),
            "deleted" => Some(ChangeKind::Deleted),
            _ => None,
        }
    }
}

/// A resource type events carry.
#[derive(Clone, Debug)]
pub struct EventResource {
    /// `data.resource.type`: `contact`.
    pub wire: String,
    /// The model of `data.resource.attributes` and of `changes.previous` / `current`.
    pub model: String,
    /// `ContactEvent`: the payload type of this resource's events.
    pub payload: String,
    /// `ContactRelationships`, or `None` when the payload names no related resource.
    pub relationships_type: Option<String>,
    /// (relationship name, resource type it refers to)
    pub relationships: Vec<(String, String)>,
    pub provenance: Provenance,
}

/// One event type.
#[derive(Clone, Debug)]
pub struct Event {
    /// `contact.created`
    pub wire: String,
    /// `contact`
    pub resource: String,
    /// `ContactCreated`: the variant of `WebhookEvent`.
    pub variant: String,
    /// `contact_created`: the receiver method.
    pub method: String,
    pub description: String,
    pub changes: ChangeKind,
    /// The attributes `modified_fields` can name; empty: any attribute.
    pub modified_fields: Vec<String>,
    pub provenance: Provenance,
}

/// `events.yaml`, lowered.
#[derive(Clone, Debug)]
pub struct Events {
    /// `api-spec/events.yaml`, for the headers of the files generated from it.
    pub file: String,
    pub description: String,
    pub provenance: Provenance,
    pub note: Option<String>,
    /// What `changes` holds per kind (created, updated, deleted) and the event id form.
    pub changes_created: String,
    pub changes_updated: String,
    pub changes_deleted: String,
    pub event_id: String,
    pub conventions_provenance: Provenance,
    pub signing: Signing,
    pub retry_schedule_seconds: Vec<i64>,
    pub retry_description: String,
    pub retry_provenance: Provenance,
    pub timeout_seconds: i64,
    pub timeout_provenance: Provenance,
    pub resources: Vec<EventResource>,
    pub events: Vec<Event>,
}

/// How a delivery is signed: the header names, the signature and secret forms, the tolerance.
#[derive(Clone, Debug)]
pub struct Signing {
    pub scheme: String,
    pub id_header: String,
    pub timestamp_header: String,
    pub signature_header: String,
    pub signature: String,
    pub secret: String,
    pub tolerance_seconds: i64,
    pub provenance: Provenance,
}

impl Events {
    pub fn resource(&self, wire: &str) -> Option<&EventResource> {
        self.resources.iter().find(|r| r.wire == wire)
    }
}

impl super::Api {
    /// The models an event payload holds (each resource's model, the models its fields and
    /// relations name): both sides write and read them.
    pub fn event_models(&self) -> std::collections::BTreeSet<&str> {
        let mut seen = std::collections::BTreeSet::new();
        for r in self.events.iter().flat_map(|e| &e.resources) {
            self.reach(&super::Ty::Named(r.model.clone(), super::NamedKind::Model), true, &mut seen);
        }
        seen
    }
}

/// Lowers a validated `events.yaml`.
pub(super) fn lower(e: &spec::Events, file: String) -> Events {
    let unknown = Provenance::Inferred { reason: "no provenance given".into() };
    let top = Provenance::from_spec(&e.provenance, &unknown);
    let prov = |p: &Option<spec::Provenance>| Provenance::from_spec(p, &top);
    let s = &e.signing;
    Events {
        file,
        description: e.description.clone(),
        provenance: top.clone(),
        note: e.note.clone(),
        changes_created: e.conventions.created.clone(),
        changes_updated: e.conventions.updated.clone(),
        changes_deleted: e.conventions.deleted.clone(),
        event_id: e.conventions.event_id.clone(),
        conventions_provenance: prov(&e.conventions.provenance),
        signing: Signing {
            scheme: s.scheme.clone(),
            id_header: s.id_header.clone(),
            timestamp_header: s.timestamp_header.clone(),
            signature_header: s.signature_header.clone(),
            signature: s.signature.clone(),
            secret: s.secret.clone(),
            tolerance_seconds: s.tolerance_seconds,
            provenance: prov(&s.provenance),
        },
        retry_schedule_seconds: e.retry.schedule_seconds.iter().map(|s| s.value).collect(),
        retry_description: e.retry.description.clone(),
        retry_provenance: prov(&e.retry.provenance),
        timeout_seconds: e.timeout.seconds,
        timeout_provenance: prov(&e.timeout.provenance),
        resources: e.resources.iter().map(|(wire, r)| resource(&wire.value, r, &top)).collect(),
        events: e.events.iter().map(|(wire, ev)| event(&wire.value, ev, &top)).collect(),
    }
}

fn resource(wire: &str, r: &spec::EventResource, top: &Provenance) -> EventResource {
    let relationships: Vec<(String, String)> = r.relationships.iter().map(|(n, t)| (n.value.clone(), t.value.clone())).collect();
    EventResource {
        wire: wire.to_owned(),
        model: r.model.value.clone(),
        payload: ident::event_payload(wire),
        relationships_type: (!relationships.is_empty()).then(|| ident::event_relationships(wire)),
        relationships,
        provenance: Provenance::from_spec(&r.provenance, top),
    }
}

fn event(wire: &str, e: &spec::Event, top: &Provenance) -> Event {
    let (resource, action) = wire.split_once('.').unwrap_or((wire, ""));
    let changes = e.changes.as_ref().map_or(action, |c| c.value.as_str());
    Event {
        wire: wire.to_owned(),
        resource: resource.to_owned(),
        variant: ident::type_name(wire),
        method: ident::field(wire),
        description: e.description.clone(),
        changes: ChangeKind::parse(changes).unwrap_or(ChangeKind::Updated),
        modified_fields: e.modified_fields.iter().map(|f| f.value.clone()).collect(),
        provenance: Provenance::from_spec(&e.provenance, top),
    }
}
