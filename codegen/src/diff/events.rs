//! Webhook event changes (`events.yaml`): event types added, removed or renamed, what each
//! one's `changes` holds, the resources events carry (their model and relationships), and the
//! delivery facts (signing, timeout, retries) and docs.
//!
//! A webhook receiver is a client of the events: integrators' code behind `WebhookReceiver`
//! or `wacr_client::webhooks::verify` reads them, as it reads responses, and the API (the
//! sandbox, any server of the spec) writes them. So an event travels like a response
//! (`Dir::Response`): "breaking for clients" is breaking for receivers, "breaking for
//! servers" for the sender. The fields of a payload are the resource model's, compared once as
//! that model (`types`, which counts event models as received).

use super::fields::docs_change;
use super::types::renames;
use super::{keyed, set_diff, Anchor, Class, Ctx, Dir};
use crate::ir::{Event, EventResource, Events, Ty, NamedKind};

pub(crate) fn diff(cx: &mut Ctx) {
    let (old, new) = (cx.old.events.as_ref(), cx.new.events.as_ref());
    let file = new.or(old).map(|e| e.file.clone()).unwrap_or_default();
    let ((old_resources, old_events), (new_resources, new_events)) = (lists(old), lists(new));
    let renamed = resources(cx, &file, old_resources, new_resources);
    events(cx, &file, old_events, new_events, &renamed);
    if let (Some(o), Some(n)) = (old, new) {
        delivery(cx, &file, o, n);
    }
}

/// The resources and events of a side; none when it has no `events.yaml`.
fn lists(events: Option<&Events>) -> (&[EventResource], &[Event]) {
    events.map_or((&[], &[]), |e| (e.resources.as_slice(), e.events.as_slice()))
}

/// The (old, new) items of each rename, found in the removed and added lists by key.
fn renamed_pairs<'a, T>(renamed: &[(String, String)], removed: &[&'a T], added: &[&'a T], key: impl Fn(&T) -> &str) -> Vec<(&'a T, &'a T)> {
    let find = |list: &[&'a T], wanted: &str| list.iter().copied().find(|item| key(item) == wanted);
    renamed.iter().filter_map(|(o, n)| find(removed, o).zip(find(added, n))).collect()
}

/// Reports resource changes; returns the renamed resources as (old, new).
fn resources(cx: &mut Ctx, file: &str, old: &[EventResource], new: &[EventResource]) -> Vec<(String, String)> {
    let (removed, both, added) = keyed(old, new, |r| r.wire.clone());
    let renamed = renames(&removed, &added, |r| r.wire.clone(), |a, b| cx.same_ty(&model(a), &model(b)));
    let at = |wire: &str| Anchor::new(file, &["resources", wire]);
    for r in removed.iter().filter(|r| !renamed.iter().any(|(o, _)| *o == r.wire)) {
        let message = format!("event resource `{}` removed (payload `{}`)", r.wire, r.payload);
        cx.push_old("event-resource-removed", message, at(&r.wire), Class::BreakingClients, Class::BreakingBoth);
    }
    for r in added.iter().filter(|r| !renamed.iter().any(|(_, n)| *n == r.wire)) {
        // A new payload type; events of it are reported as events added.
        let message = format!("event resource `{}` added (payload `{}`)", r.wire, r.payload);
        cx.push("event-resource-added", message, at(&r.wire), Class::Additive, Class::Additive);
    }
    for (o, n) in &renamed {
        // `data.resource.type` reads differently, and the payload type has a new name.
        let message = format!("event resource `{o}` renamed to `{n}`");
        cx.push("event-resource-renamed", message, at(n), Class::BreakingClients, Class::BreakingBoth);
    }
    for (o, n) in both.into_iter().chain(renamed_pairs(&renamed, &removed, &added, |r| &r.wire)) {
        resource_pair(cx, at(&n.wire), o, n);
    }
    renamed
}

fn model(r: &EventResource) -> Ty {
    Ty::Named(r.model.clone(), NamedKind::Model)
}

fn resource_pair(cx: &mut Ctx, at: Anchor, o: &EventResource, n: &EventResource) {
    let name = format!("event resource `{}`", n.wire);
    if !cx.same_ty(&model(o), &model(n)) {
        // Receivers decode another shape, and the sender builds it.
        let message = format!("{name}: model `{}` -> `{}`", o.model, n.model);
        cx.push("event-model-changed", message, at.at("model"), Class::BreakingBoth, Class::BreakingBoth);
    }
    let (removed, both, added) = keyed(&o.relationships, &n.relationships, |(name, _)| name.clone());
    // Relationships are a struct the sender builds and receivers read; the first one (or the
    // last one gone) changes the payload type itself (`Event<M>` vs `Event<M, R>`).
    let payload_type_changed = o.relationships.is_empty() != n.relationships.is_empty();
    let rels = at.at("relationships");
    for (rel, _) in removed {
        let message = format!("{name}: relationship `{rel}` removed");
        cx.push_old("event-relationship-removed", message, rels.clone(), Class::BreakingClients, Class::BreakingBoth);
    }
    for (rel, _) in added {
        let rust = if payload_type_changed { Class::BreakingBoth } else { cx.rust_added(Dir::Response, true) };
        let message = format!("{name}: relationship `{rel}` added");
        cx.push("event-relationship-added", message, rels.at(rel.as_str()), Class::Additive, rust);
    }
    for ((rel, ot), (_, nt)) in both {
        if ot != nt {
            let message = format!("{name}: relationship `{rel}` refers to `{nt}`, was `{ot}`");
            cx.push("event-relationship-changed", message, rels.at(rel.as_str()), Class::BreakingClients, Class::None);
        }
    }
    docs_change(cx, &name, "event-resource-docs", at, &[("provenance", o.provenance != n.provenance)]);
}

fn events(cx: &mut Ctx, file: &str, old: &[Event], new: &[Event], renamed_resources: &[(String, String)]) {
    let (removed, both, added) = keyed(old, new, |e| e.wire.clone());
    let resource = |r: &str| renamed_resources.iter().find(|(o, _)| o == r).map_or(r.to_owned(), |(_, n)| n.clone());
    let same = |a: &Event, b: &Event| resource(&a.resource) == b.resource && a.changes == b.changes && a.modified_fields == b.modified_fields;
    let renamed = renames(&removed, &added, |e| e.wire.clone(), same);
    let at = |wire: &str| Anchor::new(file, &["events", wire]);
    for e in removed.iter().filter(|e| !renamed.iter().any(|(o, _)| *o == e.wire)) {
        // Receivers waiting for it never get it again; its variant and receiver method go.
        let message = format!("event `{}` removed", e.wire);
        cx.push_old("event-removed", message, at(&e.wire), Class::BreakingClients, Class::BreakingBoth);
    }
    for e in added.iter().filter(|e| !renamed.iter().any(|(_, n)| *n == e.wire)) {
        // Old receivers decode it as `WebhookEvent::Unknown`, and its receiver method has a
        // default body; a `match` over `WebhookEvent` without a wildcard arm breaks.
        let message = format!("event `{}` added", e.wire);
        let rust = cx.rust_added(Dir::Response, false);
        cx.push("event-added", message, at(&e.wire), Class::Additive, rust);
    }
    for (o, n) in &renamed {
        // The type string is the wire name: old receivers see an unknown type.
        let message = format!("event `{o}` renamed to `{n}` (variant and receiver method)");
        cx.push("event-renamed", message, at(n), Class::BreakingClients, Class::BreakingBoth);
    }
    for (o, n) in both.into_iter().chain(renamed_pairs(&renamed, &removed, &added, |e| &e.wire)) {
        event_pair(cx, at(&n.wire), o, n);
    }
}

fn event_pair(cx: &mut Ctx, at: Anchor, o: &Event, n: &Event) {
    let name = format!("event `{}`", n.wire);
    if o.changes != n.changes {
        // `changes.previous` / `modified_fields` are null or not by the kind: receivers read them.
        let message = format!("{name}: changes {:?} -> {:?}", o.changes, n.changes).to_lowercase();
        cx.push("event-changes-changed", message, at.at("changes"), Class::BreakingClients, Class::None);
    }
    if o.modified_fields != n.modified_fields {
        // An empty list allows any attribute: like an enum of a response, more names are for
        // receivers to handle, fewer for the sender to stop sending.
        let (gone, new) = set_diff(&o.modified_fields, &n.modified_fields);
        let widened = n.modified_fields.is_empty() || (!o.modified_fields.is_empty() && gone.is_empty());
        let narrowed = o.modified_fields.is_empty() || !gone.is_empty();
        let message = format!("{name}: modified_fields [{}] -> [{}] (added: {new:?}, removed: {gone:?})", o.modified_fields.join(", "), n.modified_fields.join(", "));
        let wire = match (widened, narrowed) {
            (true, false) => Dir::Response.widened(),
            (false, true) => Dir::Response.narrowed(),
            _ => Class::BreakingBoth,
        };
        cx.push("event-modified-fields-changed", message, at.at("modified_fields"), wire, Class::None);
    }
    let docs = [("description", o.description != n.description), ("provenance", o.provenance != n.provenance)];
    docs_change(cx, &name, "event-docs", at, &docs);
}

/// Signing, timeout, retries, and the docs of the whole file.
fn delivery(cx: &mut Ctx, file: &str, o: &Events, n: &Events) {
    let at = |path: &[&str]| Anchor::new(file, path);
    let (os, ns) = (&o.signing, &n.signing);
    let form = |s: &crate::ir::Signing| [s.scheme.clone(), s.id_header.clone(), s.timestamp_header.clone(), s.signature_header.clone(), s.signature.clone(), s.secret.clone()];
    if form(os) != form(ns) {
        // Both the sender's signature and every receiver's check change.
        cx.push("event-signing-changed", "event signing scheme, headers or forms changed".into(), at(&["signing"]), Class::BreakingBoth, Class::None);
    }
    if os.tolerance_seconds != ns.tolerance_seconds {
        // Receivers refuse older timestamps: a shorter window is for the sender to meet.
        let message = format!("event signing tolerance {} s -> {} s", os.tolerance_seconds, ns.tolerance_seconds);
        let wire = if ns.tolerance_seconds < os.tolerance_seconds { Dir::Response.narrowed() } else { Class::Additive };
        cx.push("event-tolerance-changed", message, at(&["signing", "tolerance_seconds"]), wire, Class::None);
    }
    if o.timeout_seconds != n.timeout_seconds {
        // Receivers must answer within it.
        let message = format!("event delivery timeout {} s -> {} s", o.timeout_seconds, n.timeout_seconds);
        let wire = if n.timeout_seconds < o.timeout_seconds { Class::BreakingClients } else { Class::Additive };
        cx.push("event-timeout-changed", message, at(&["timeout", "seconds"]), wire, Class::None);
    }
    if o.retry_schedule_seconds != n.retry_schedule_seconds {
        // Delivery stays at least once whatever the waits: they are the sender's business.
        let message = format!("event retry schedule {:?} -> {:?} (seconds)", o.retry_schedule_seconds, n.retry_schedule_seconds);
        cx.push("event-retry-changed", message, at(&["retry", "schedule_seconds"]), Class::DocsOnly, Class::None);
    }
    let docs = [
        ("description", o.description != n.description),
        ("note", o.note != n.note),
        ("conventions", (&o.changes_created, &o.changes_updated, &o.changes_deleted, &o.event_id, &o.conventions_provenance) != (&n.changes_created, &n.changes_updated, &n.changes_deleted, &n.event_id, &n.conventions_provenance)),
        ("retry", (&o.retry_description, &o.retry_provenance) != (&n.retry_description, &n.retry_provenance)),
        ("timeout", o.timeout_provenance != n.timeout_provenance),
        ("signing", os.provenance != ns.provenance),
        ("provenance", o.provenance != n.provenance),
    ];
    docs_change(cx, "events", "events-docs", at(&[]), &docs);
}
