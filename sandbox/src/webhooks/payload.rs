//! The event payload, in the envelope of the RASL "Webhook Format Reference" (`event`, `tenant`,
//! `data {resource, relationships}`, `changes`, `metadata`): the typed `wacr_runtime::Event` of
//! the resource models as Get returns them (no includes), with the generated relationships, so
//! the payload is what a receiver decodes as `WebhookEvent`. [`build`] is where it is made.

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;
use wacr_runtime::{EventChanges, EventData, EventInfo, EventMetadata, EventResource, EventTenant, NoRelationships, ResourceRef};
use wacr_server::models::{Contact, ContactRelationships, Source, Status};

use crate::clock::Ts;

/// A resource that has events: its `type` in the payload, id and relationships.
pub trait Resource: Serialize {
    /// `contact`, `source`, `status` (the event types are `{TYPE}.{action}`).
    const TYPE: &'static str;

    /// `data.relationships`, as the generated payload model of the resource's events has them.
    type Relationships: Serialize;

    fn id(&self) -> i64;

    /// The related records by type and id.
    fn relationships(&self) -> Self::Relationships;

    /// The action part of the event type for a change's action (`created`, `updated`,
    /// `deleted`): the same, unless the resource names it otherwise (`message.received`).
    fn event_action(action: &'static str) -> &'static str {
        action
    }
}

impl Resource for Contact {
    const TYPE: &'static str = "contact";
    type Relationships = ContactRelationships;
    fn id(&self) -> i64 {
        self.id
    }
    fn relationships(&self) -> ContactRelationships {
        ContactRelationships { source: ResourceRef::new("source", self.source_id), status: ResourceRef::new("status", self.status_id) }
    }
}

impl Resource for Source {
    const TYPE: &'static str = "source";
    type Relationships = NoRelationships;
    fn id(&self) -> i64 {
        self.id
    }
    fn relationships(&self) -> NoRelationships {
        NoRelationships
    }
}

impl Resource for Status {
    const TYPE: &'static str = "status";
    type Relationships = NoRelationships;
    fn id(&self) -> i64 {
        self.id
    }
    fn relationships(&self) -> NoRelationships {
        NoRelationships
    }
}

/// What happened to a resource.
pub enum Change<'a, R> {
    Created(&'a R),
    Updated { previous: &'a R, current: &'a R },
    Deleted(&'a R),
}

impl<R> Change<'_, R> {
    /// `created`, `updated`, `deleted`.
    pub fn action(&self) -> &'static str {
        match self {
            Change::Created(_) => "created",
            Change::Updated { .. } => "updated",
            Change::Deleted(_) => "deleted",
        }
    }

    /// The resource as it is after the change (before it, for a deletion).
    fn subject(&self) -> &R {
        match self {
            Change::Created(r) | Change::Deleted(r) => r,
            Change::Updated { current, .. } => current,
        }
    }
}

/// The tenant block of the payload.
pub type Tenant = EventTenant;

/// An event ready to store: its id (the `webhook-id` of every attempt), type, the key that
/// orders the events of one resource, and the payload.
pub struct Event {
    pub id: String,
    pub r#type: String,
    pub resource: String,
    pub payload: Value,
}

/// The event of one change, or `None` for an update that changed no attribute.
pub fn build<R: Resource>(change: &Change<'_, R>, tenant: &Tenant, now: Ts) -> serde_json::Result<Option<Event>> {
    let subject = change.subject();
    let changes = match change {
        Change::Created(current) => EventChanges { previous: None, current: Some(*current), modified_fields: None },
        Change::Deleted(previous) => EventChanges { previous: Some(*previous), current: None, modified_fields: None },
        Change::Updated { previous, current } => {
            let modified = modified_fields(&serde_json::to_value(previous)?, &serde_json::to_value(current)?);
            if modified.is_empty() {
                return Ok(None);
            }
            EventChanges { previous: Some(*previous), current: Some(*current), modified_fields: Some(modified) }
        }
    };
    let (id, r#type) = (event_id(now), format!("{}.{}", R::TYPE, R::event_action(change.action())));
    let payload = wacr_runtime::Event {
        event: EventInfo { id: id.clone(), r#type: r#type.clone(), timestamp: timestamp(now), version: "1.0".into() },
        tenant: tenant.clone(),
        data: EventData {
            resource: EventResource { r#type: R::TYPE.into(), id: subject.id(), attributes: subject },
            relationships: subject.relationships(),
        },
        changes,
        metadata: EventMetadata { source: "api_webhook_manager".into(), environment: "sandbox".into(), request_id: request_id() },
    };
    let payload = serde_json::to_value(&payload)?;
    Ok(Some(Event { id, r#type, resource: format!("{}:{}", R::TYPE, subject.id()), payload }))
}

/// The sorted names of the attributes whose values differ (`updated_at` among them when it moved).
fn modified_fields(previous: &Value, current: &Value) -> Vec<String> {
    let empty = Map::new();
    let (before, after) = (previous.as_object().unwrap_or(&empty), current.as_object().unwrap_or(&empty));
    let mut names: Vec<String> =
        before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).cloned().collect();
    names.sort();
    names.dedup();
    names
}

/// `evt_{unix seconds}_{12 random lowercase letters and digits}`.
fn event_id(now: Ts) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let random: String = (0..12).map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())])).collect();
    format!("evt_{}_{random}", now.0.div_euclid(crate::clock::SECOND))
}

/// ISO 8601 with milliseconds, as the reference's example (`2025-12-12T14:30:00.000Z`).
fn timestamp(now: Ts) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(now.0) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&format)
        .unwrap_or_default()
}

/// A UUID v4 from the OS random source.
fn request_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(name: &str, color: Option<&str>, updated_at: &str) -> Status {
        Status { id: 7, name: name.into(), color: color.map(Into::into), created_at: "2025-01-01T00:00:00.000000Z".into(), updated_at: updated_at.into() }
    }

    fn tenant() -> Tenant {
        Tenant { id: 1, name: "Acme".into(), domain: "acme".into() }
    }

    #[test]
    fn an_update_lists_exactly_the_attributes_that_changed() {
        let (before, after) = (status("New", Some("#fff"), "a"), status("Won", Some("#fff"), "b"));
        let event = build(&Change::Updated { previous: &before, current: &after }, &tenant(), Ts(1_702_468_200_000_000)).unwrap().unwrap();
        assert_eq!(event.payload["changes"]["modified_fields"], json!(["name", "updated_at"]));
        assert_eq!(event.payload["changes"]["previous"]["name"], "New");
        assert_eq!(event.payload["event"]["timestamp"], "2023-12-13T11:50:00.000Z");
        assert!(event.id.starts_with("evt_1702468200_") && event.id.len() == "evt_1702468200_".len() + 12, "{}", event.id);
        assert_eq!((event.r#type.as_str(), event.resource.as_str()), ("status.updated", "status:7"));
        let same = build(&Change::Updated { previous: &before, current: &before }, &tenant(), Ts(0)).unwrap();
        assert!(same.is_none(), "no event for an update that changed nothing");
    }

    #[test]
    fn created_and_deleted_follow_the_envelope() {
        let s = status("New", None, "a");
        let created = build(&Change::Created(&s), &tenant(), Ts(0)).unwrap().unwrap().payload;
        assert_eq!(created["changes"], json!({"previous": null, "current": created["data"]["resource"]["attributes"], "modified_fields": null}));
        assert_eq!(created["data"]["resource"]["type"], "status");
        assert_eq!(created["data"]["relationships"], json!({}));
        assert_eq!(created["metadata"]["source"], "api_webhook_manager");
        let request_id = created["metadata"]["request_id"].as_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(request_id).unwrap().get_version_num(), 4);
        let deleted = build(&Change::Deleted(&s), &tenant(), Ts(0)).unwrap().unwrap().payload;
        assert_eq!(deleted["changes"]["current"], json!({}));
        assert_eq!(deleted["changes"]["previous"]["name"], "New");
        assert_eq!(deleted["tenant"], json!({"id": 1, "name": "Acme", "domain": "acme"}));
    }
}
