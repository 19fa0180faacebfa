//! The envelope of a webhook event (`api-spec/events.yaml`): what every event type shares,
//! generic over the resource model `T` and its relationships `R`. The generated
//! `wacr_models::WebhookEvent` picks `T` and `R` per event type.

use serde::de::{DeserializeOwned, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One webhook delivery: the event, its tenant, the resource, the change and its origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize, R: Serialize", deserialize = "T: DeserializeOwned, R: DeserializeOwned"))]
pub struct Event<T, R = NoRelationships> {
    pub event: EventInfo,
    pub tenant: EventTenant,
    pub data: EventData<T, R>,
    pub changes: EventChanges<T>,
    pub metadata: EventMetadata,
}

/// `event`: the id, type, time and format version of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventInfo {
    /// `evt_{unix seconds}_{random}`: the same on every delivery attempt.
    pub id: String,
    /// `{resource}.{action}`: `contact.created`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// ISO 8601 time the change happened.
    pub timestamp: String,
    /// The payload format version: `1.0`.
    pub version: String,
}

/// `tenant`: the account the changed resource belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTenant {
    pub id: i64,
    pub name: String,
    pub domain: String,
}

/// `data`: the resource as its GET operation returns it (without includes), with references
/// to related resources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize, R: Serialize", deserialize = "T: DeserializeOwned, R: DeserializeOwned"))]
pub struct EventData<T, R = NoRelationships> {
    pub resource: EventResource<T>,
    pub relationships: R,
}

/// `data.resource`: `{type, id, attributes}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
pub struct EventResource<T> {
    /// The resource type: `contact`, `source`, `status` or `message`.
    #[serde(rename = "type")]
    pub r#type: String,
    pub id: i64,
    pub attributes: T,
}

/// A reference to a related resource: `{"type": "source", "id": 3}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub r#type: String,
    pub id: i64,
}

impl ResourceRef {
    pub fn new(r#type: impl Into<String>, id: i64) -> Self {
        ResourceRef { r#type: r#type.into(), id }
    }
}

/// The `relationships` of a resource that names none: written `{}`, and any object is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoRelationships;

impl Serialize for NoRelationships {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Map::new().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for NoRelationships {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::<String, Value>::deserialize(deserializer).map(|_| NoRelationships)
    }
}

/// `changes`. Created: `previous` is `None`, `current` the resource, `modified_fields` `None`.
/// Updated: both resources and the sorted JSON names of the changed attributes. Deleted:
/// `previous` the resource, `current` `None` (written as the empty object `{}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
pub struct EventChanges<T> {
    pub previous: Option<T>,
    #[serde(with = "empty_object")]
    pub current: Option<T>,
    pub modified_fields: Option<Vec<String>>,
}

/// `metadata`: where the event comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// `api_webhook_manager`
    pub source: String,
    /// `production`, `sandbox`, ...
    pub environment: String,
    /// The UUID of the request that made the change.
    pub request_id: String,
}

/// `Option<T>` as an object that is empty for `None` (`changes.current` of a deletion).
mod empty_object {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => v.serialize(serializer),
            None => Map::new().serialize(serializer),
        }
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(map) if map.is_empty() => Ok(None),
            Value::Null => Ok(None),
            value => T::deserialize(value).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// `event.type` of a raw payload, if it has one: what the generated `WebhookEvent` decodes by.
pub fn event_type(value: &Value) -> Option<String> {
    value.get("event")?.get("type")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: i64,
        name: String,
    }

    fn payload(current: Value, previous: Value, modified: Value) -> Value {
        serde_json::json!({
            "event": {"id": "evt_1702468200_abc123", "type": "thing.updated", "timestamp": "2025-12-12T14:30:00.000Z", "version": "1.0"},
            "tenant": {"id": 1, "name": "Acme", "domain": "acme"},
            "data": {"resource": {"type": "thing", "id": 1, "attributes": {"id": 1, "name": "b"}}, "relationships": {}},
            "changes": {"previous": previous, "current": current, "modified_fields": modified},
            "metadata": {"source": "api_webhook_manager", "environment": "sandbox", "request_id": "8d0f0b9e-0000-4000-8000-000000000000"}
        })
    }

    #[test]
    fn a_deletion_has_an_empty_current_object_and_round_trips() {
        let raw = payload(serde_json::json!({}), serde_json::json!({"id": 1, "name": "a"}), Value::Null);
        let event: Event<Thing> = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(event.changes.current, None);
        assert_eq!(event.changes.previous, Some(Thing { id: 1, name: "a".into() }));
        assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    }

    #[test]
    fn an_update_keeps_both_resources_and_the_modified_fields() {
        let raw = payload(serde_json::json!({"id": 1, "name": "b"}), serde_json::json!({"id": 1, "name": "a"}), serde_json::json!(["name"]));
        let event: Event<Thing> = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(event.changes.modified_fields.as_deref(), Some(&["name".to_owned()][..]));
        assert_eq!(event.data.resource.attributes.name, "b");
        assert_eq!(event_type(&raw).as_deref(), Some("thing.updated"));
        assert_eq!(serde_json::to_value(&event).unwrap(), raw);
    }

    #[test]
    fn a_payload_without_a_type_has_none() {
        assert_eq!(event_type(&serde_json::json!({"event": {}})), None);
        assert_eq!(event_type(&serde_json::json!([1])), None);
    }
}
