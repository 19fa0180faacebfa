//! Webhook events (`events.yaml`): event types, their resources and payloads, delivery. A
//! receiver is a client of the events (it reads them as it reads responses), the API their
//! sender: "clients" below are receivers.

use super::{del, r, B, C, N, S};
use crate::case;

// Old receivers decode it as `WebhookEvent::Unknown`; an exhaustive `match` breaks.
case!(
    event_added,
    [r("events.yaml", "  message.status_updated:", "  message.status_updated:", "  message.deleted:\n    description: A message was deleted\n    inferred: a test event\n  message.status_updated:")],
    [("event-added", A, C)]
);
case!(event_removed, [del("events.yaml", "  contact.deleted:")], [("event-removed", C, B)]);
case!(
    event_renamed,
    [r("events.yaml", "events:", "  message.status_updated:", "  message.delivery_updated:")],
    [("event-renamed", C, B)]
);
// A resource goes with its events.
case!(
    event_resource_removed,
    [del("events.yaml", "  message:"), del("events.yaml", "  message.received:"), del("events.yaml", "  message.status_updated:")],
    [("event-resource-removed", C, B), ("event-removed", C, B), ("event-removed", C, B)]
);
case!(
    event_resource_added,
    [
        r("events.yaml", "resources:", "  status:\n", "  template:\n    model: Template\n    inferred: a test resource\n  status:\n"),
        r("events.yaml", "events:", "  status.created:", "  template.created:\n    description: A template was approved\n    inferred: a test event\n  status.created:"),
    ],
    [("event-resource-added", A, A), ("event-added", A, C)]
);
// The payload is the resource's model: a field removed from it is a model change, and the
// model counts as received (a receiver reads it).
// (List Messages' example drops it too: a docs change beside it.)
case!(
    event_payload_field_removed,
    [
        del("messages.yaml", "      sender_id: {type: string, nullable: true, description: Identifier of the sender}"),
        r("messages.yaml", "  list_messages:", "sender_id: \"919800000000\", ", ""),
        r("messages.yaml", "  list_messages:", "sender_id: \"919999999999\", ", ""),
    ],
    [("field-removed", C, B), ("operation-docs", D, D)]
);
case!(
    event_payload_field_added,
    [r("sources.yaml", "  Source:", "      created_at:", "      channel: {type: string, required: false, description: Where the leads come from}\n      created_at:")],
    [("field-added-optional", A, S)]
);
// `MessageDirection` is read (messages and their events) and sent (`filter[direction]`):
// additive on the wire through `Open::Unknown`, breaking an exhaustive `match` of receivers and
// API clients, and of servers reading the filter.
case!(
    event_model_enum_value_added,
    [r("messages.yaml", "  MessageDirection:", "values: [inbound, outbound]", "values: [inbound, outbound, internal]")],
    [("enum-value-added", A, B)]
);
case!(
    event_relationship_added,
    [r("events.yaml", "  message:", "relationships: {contact: contact}", "relationships: {contact: contact, status: status}")],
    [("event-relationship-added", A, S)]
);
// The first relationship turns `Event<Status>` into `Event<Status, StatusRelationships>`.
case!(
    event_first_relationship_added,
    [r("events.yaml", "  status:\n", "    model: Status\n", "    model: Status\n    relationships: {source: source}\n")],
    [("event-relationship-added", A, B)]
);
case!(
    event_relationship_removed,
    [r("events.yaml", "  contact:", "relationships: {source: source, status: status}", "relationships: {source: source}")],
    [("event-relationship-removed", C, B)]
);
case!(
    event_changes_kind_changed,
    [r("events.yaml", "  message.received:", "    changes: created\n", "    changes: updated\n")],
    [("event-changes-changed", C, N)]
);
// More attribute names in `modified_fields`: receivers must be ready for them.
case!(
    event_modified_fields_widened,
    [r("events.yaml", "  message.status_updated:", "modified_fields: [status, is_read, error, updated_at]", "modified_fields: [status, is_read, error, message, updated_at]")],
    [("event-modified-fields-changed", C, N)]
);
case!(
    event_modified_fields_narrowed,
    [r("events.yaml", "  message.status_updated:", "modified_fields: [status, is_read, error, updated_at]", "modified_fields: [status, updated_at]")],
    [("event-modified-fields-changed", S, N)]
);
case!(
    event_docs_only,
    [r("events.yaml", "  contact.deleted:", "description: A contact was deleted permanently", "description: A contact was deleted for good")],
    [("event-docs", D, D)]
);
// A shorter window is for the sender to meet; receivers must answer within a shorter timeout.
case!(event_tolerance_tightened, [r("events.yaml", "signing:", "tolerance_seconds: 300", "tolerance_seconds: 60")], [("event-tolerance-changed", S, N)]);
case!(event_timeout_shortened, [r("events.yaml", "timeout:", "seconds: 10", "seconds: 5")], [("event-timeout-changed", C, N)]);
case!(event_retry_schedule_changed, [r("events.yaml", "retry:", "[1, 5, 30, 120]", "[1, 5, 30, 120, 600]")], [("event-retry-changed", D, N)]);
case!(
    event_signing_header_renamed,
    [r("events.yaml", "signing:", "signature_header: webhook-signature", "signature_header: x-webhook-signature")],
    [("event-signing-changed", B, N)]
);

#[test]
fn event_changes_are_located_in_events_yaml() {
    let spec = std::fs::read_to_string("../api-spec/events.yaml").unwrap();
    let line_of = |text: &str| spec.lines().position(|l| l == text).unwrap() as u32 + 1;
    let added = crate::check(&[r("events.yaml", "events:", "  message.status_updated:", "  message.delivery_updated:")], &[("event-renamed", C, B)]);
    let loc = &added.changes[0].location;
    assert_eq!((loc.file.as_str(), loc.line, loc.col, loc.old), ("api-spec/events.yaml", line_of("  message.status_updated:"), 3, false), "{loc}");
    let removed = crate::check(&[del("events.yaml", "  contact.deleted:")], &[("event-removed", C, B)]);
    let loc = &removed.changes[0].location;
    assert_eq!((loc.line, loc.old), (line_of("  contact.deleted:"), true), "{loc}");
    let tolerance = crate::check(&[r("events.yaml", "signing:", "tolerance_seconds: 300", "tolerance_seconds: 60")], &[("event-tolerance-changed", S, N)]);
    assert_eq!(tolerance.changes[0].location.line, line_of("  tolerance_seconds: 300"));
}
