//! `events.yaml`: the webhook events, the resources they carry and the delivery facts (signing,
//! retries, timeout). The file is optional: a spec without it has no webhooks.

use super::provenance;
use crate::diag::{Diagnostics, FileId, Loc};
use crate::spec::*;
use crate::yaml::{FromNode, MapReader, Node};

pub(super) fn decode(file: FileId, node: &Node, diags: &mut Diagnostics) -> Option<Events> {
    MapReader::read(node, "events file", diags, |r, diags| Events {
        file,
        loc: node.loc,
        description: r.req("description", diags).unwrap_or_default(),
        provenance: provenance(r, diags),
        note: r.opt("note", diags),
        conventions: r.req_with("conventions", diags, decode_conventions).unwrap_or_default(),
        signing: r.req_with("signing", diags, decode_signing).unwrap_or_default(),
        retry: r.req_with("retry", diags, decode_retry).unwrap_or_default(),
        timeout: r.req_with("timeout", diags, decode_timeout).unwrap_or_default(),
        resources: r.req("resources", diags).unwrap_or_default(),
        events: r.req("events", diags).unwrap_or_default(),
    })
}

fn decode_conventions(node: &Node, diags: &mut Diagnostics) -> Option<EventConventions> {
    MapReader::read(node, "conventions", diags, |r, diags| {
        let (created, updated, deleted) = r
            .req_with("changes", diags, |n, diags| {
                MapReader::read(n, "changes conventions", diags, |c, diags| {
                    let mut text = |k: &'static str| c.req::<String>(k, diags).unwrap_or_default();
                    (text("created"), text("updated"), text("deleted"))
                })
            })
            .unwrap_or_default();
        let event_id = r.req("event_id", diags).unwrap_or_default();
        EventConventions { created, updated, deleted, event_id, provenance: sourced(r, node.key_loc.unwrap_or(node.loc), "conventions", diags) }
    })
}

fn decode_signing(node: &Node, diags: &mut Diagnostics) -> Option<Signing> {
    MapReader::read(node, "signing", diags, |r, diags| {
        let mut text = |k: &'static str| r.req::<String>(k, diags).unwrap_or_default();
        let signing = Signing {
            scheme: text("scheme"),
            id_header: text("id_header"),
            timestamp_header: text("timestamp_header"),
            signature_header: text("signature_header"),
            signature: text("signature"),
            secret: text("secret"),
            ..Signing::default()
        };
        let tolerance_seconds = r.req("tolerance_seconds", diags).unwrap_or(300);
        Signing { tolerance_seconds, provenance: sourced(r, node.key_loc.unwrap_or(node.loc), "signing", diags), ..signing }
    })
}

fn decode_retry(node: &Node, diags: &mut Diagnostics) -> Option<Retry> {
    MapReader::read(node, "retry", diags, |r, diags| Retry {
        schedule_seconds: r.req("schedule_seconds", diags).unwrap_or_default(),
        description: r.req("description", diags).unwrap_or_default(),
        provenance: sourced(r, node.key_loc.unwrap_or(node.loc), "retry", diags),
    })
}

fn decode_timeout(node: &Node, diags: &mut Diagnostics) -> Option<Timeout> {
    MapReader::read(node, "timeout", diags, |r, diags| Timeout { seconds: r.req("seconds", diags).unwrap_or(10), provenance: sourced(r, node.key_loc.unwrap_or(node.loc), "timeout", diags) })
}

/// The provenance of a delivery fact, which the page never states: required, at its section.
fn sourced(r: &mut MapReader<'_>, loc: Loc, what: &str, diags: &mut Diagnostics) -> Option<Provenance> {
    let p = provenance(r, diags);
    if p.is_none() {
        diags.error_help(loc, format!("`{what}` has no provenance"), "add `documented: <page address>` or `inferred: <reason>`");
    }
    p
}

impl FromNode for EventResource {
    const EXPECTED: &'static str = "an event resource";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "event resource", diags, |r, diags| {
            let model = r.req("model", diags);
            let resource = EventResource {
                loc: node.loc,
                model: crate::yaml::At { value: String::new(), loc: node.loc },
                relationships: r.opt("relationships", diags).unwrap_or_default(),
                provenance: provenance(r, diags),
                note: r.opt("note", diags),
            };
            // A resource without a model is dropped, its other problems reported.
            model.map(|model| EventResource { model, ..resource })
        })
        .flatten()
    }
}

impl FromNode for Event {
    const EXPECTED: &'static str = "an event";
    fn from_node(node: &Node, diags: &mut Diagnostics) -> Option<Self> {
        MapReader::read(node, "event", diags, |r, diags| Event {
            loc: node.loc,
            description: r.req("description", diags).unwrap_or_default(),
            changes: r.opt("changes", diags),
            modified_fields: r.opt("modified_fields", diags).unwrap_or_default(),
            provenance: provenance(r, diags),
            note: r.opt("note", diags),
        })
    }
}
