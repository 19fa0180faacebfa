//! Sample deliveries of every event type, as the sandbox sends them (`api-spec/events.yaml`:
//! conventions), built from one resource per resource type.

use serde_json::{json, Value};

/// The resource attributes (as GET returns them, without includes) and relationships of a
/// resource type.
pub fn resource(resource: &str) -> (Value, Value) {
    match resource {
        "contact" => (
            json!({
                "id": 42, "firstname": "Jane", "lastname": "Doe", "company": null, "type": "lead",
                "email": "jane@example.com", "phone": "34600000000", "status_id": 2, "source_id": 3,
                "description": null, "city": null, "state": null, "zip": null, "address": null,
                "country_id": null, "assigned_id": null, "group_id": [1], "is_opted_out": false,
                "created_at": "2025-12-12T14:30:00.000000Z", "updated_at": "2025-12-12T14:30:00.000000Z"
            }),
            json!({"source": {"type": "source", "id": 3}, "status": {"type": "status", "id": 2}}),
        ),
        "source" => (json!({"id": 3, "name": "Website Form", "created_at": "2025-12-12T14:30:00Z", "updated_at": "2025-12-12T14:30:00Z"}), json!({})),
        "status" => (
            json!({"id": 2, "name": "Hot Lead", "color": "#FF5733", "created_at": "2025-12-12T14:30:00Z", "updated_at": "2025-12-12T14:30:00Z"}),
            json!({}),
        ),
        "message" => (
            json!({
                "id": 7, "interaction_id": 5, "sender_id": "34600000000", "type": "text", "message": "Hi",
                "status": "sent", "message_id": "wamid.HBgL", "sent_at": "2025-12-12T14:30:00Z", "is_read": false
            }),
            json!({"contact": {"type": "contact", "id": 42}}),
        ),
        other => panic!("no sample resource for `{other}`"),
    }
}

/// A whole delivery of `event_type`, its `changes` as its kind implies.
pub fn payload(event_type: &str) -> Value {
    let (kind, action) = event_type.split_once('.').expect("`{resource}.{action}`");
    let (attributes, relationships) = resource(kind);
    let changes = match action {
        "created" | "received" => json!({"previous": null, "current": attributes, "modified_fields": null}),
        "deleted" => json!({"previous": attributes, "current": {}, "modified_fields": null}),
        _ => {
            let mut previous = attributes.clone();
            let changed = if kind == "message" { "status" } else { "updated_at" };
            previous[changed] = if kind == "message" { json!("delivered") } else { json!("2025-01-01T00:00:00Z") };
            json!({"previous": previous, "current": attributes, "modified_fields": [changed]})
        }
    };
    json!({
        "event": {"id": "evt_1702468200_abc123", "type": event_type, "timestamp": "2025-12-12T14:30:00.000Z", "version": "1.0"},
        "tenant": {"id": 123, "name": "Acme Corporation", "domain": "acme"},
        "data": {"resource": {"type": kind, "id": attributes["id"], "attributes": attributes}, "relationships": relationships},
        "changes": changes,
        "metadata": {"source": "api_webhook_manager", "environment": "sandbox", "request_id": "6f1c1f4e-8a3b-4c7d-9e2f-0a1b2c3d4e5f"}
    })
}
