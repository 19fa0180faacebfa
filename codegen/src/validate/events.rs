//! Events: the rules of `events.yaml`, checked like operations. Every item says where it comes
//! from; each resource names a model of the spec and relationships to declared resources; each
//! event type is `{resource}.{action}` of a declared resource, no two give the same Rust name,
//! its `changes` kind is known, and its `modified_fields` are attributes of the resource's model.

use std::collections::HashMap;

use super::{require_provenance, Cx};
use crate::diag::{did_you_mean, Diagnostics};
use crate::ident;
use crate::ir::ChangeKind;
use crate::spec::*;
use crate::yaml::At;

pub(super) fn check_events(e: &Events, cx: &Cx<'_>, diags: &mut Diagnostics) {
    require_provenance("events file", "events.yaml", e.loc, &e.provenance, diags);
    check_delivery(e, diags);
    for (name, r) in e.resources.iter() {
        check_resource(name, r, e, cx, diags);
    }
    let mut variants: HashMap<String, &At<String>> = HashMap::new();
    for (ty, ev) in e.events.iter() {
        require_provenance("event", &ty.value, ty.loc, &ev.provenance, diags);
        if let Some(other) = variants.insert(ident::type_name(&ty.value), ty) {
            diags.error_help(
                ty.loc,
                format!("duplicate event type: `{}` and `{}` (line {}) both become `{}`", ty.value, other.value, other.loc.line, ident::type_name(&ty.value)),
                "event types are unique once `.` and `_` are ignored: rename one",
            );
        }
        check_event(ty, ev, e, cx, diags);
    }
}

fn check_delivery(e: &Events, diags: &mut Diagnostics) {
    for delay in &e.retry.schedule_seconds {
        if delay.value < 1 {
            diags.error(delay.loc, format!("retry delay {} must be at least 1 second", delay.value));
        }
    }
}

fn check_resource(name: &At<String>, r: &EventResource, e: &Events, cx: &Cx<'_>, diags: &mut Diagnostics) {
    require_provenance("event resource", &name.value, name.loc, &r.provenance, diags);
    check_lower_word(name, "resource type", diags);
    if !cx.models.contains_key(r.model.value.as_str()) {
        unknown(&r.model, "model", cx.models.keys().copied(), diags);
    }
    for (rel, target) in r.relationships.iter() {
        check_lower_word(rel, "relationship", diags);
        if e.resources.get(&target.value).is_none() {
            unknown(target, "event resource", e.resources.keys(), diags);
        }
    }
}

fn check_event(ty: &At<String>, ev: &Event, e: &Events, cx: &Cx<'_>, diags: &mut Diagnostics) {
    let Some((resource, action)) = ty.value.split_once('.') else {
        diags.error_help(ty.loc, format!("event type `{}` is not `{{resource}}.{{action}}`", ty.value), "write it like `contact.created`");
        return;
    };
    if !action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') || action.is_empty() {
        diags.error(ty.loc, format!("the action of event type `{}` must be lower-case letters and `_`", ty.value));
    }
    let kind = match &ev.changes {
        Some(c) => ChangeKind::parse(&c.value).or_else(|| {
            diags.error_help(c.loc, format!("unknown changes kind `{}`", c.value), "use created, updated or deleted");
            None
        }),
        None => ChangeKind::parse(action).or_else(|| {
            diags.error_help(ty.loc, format!("event `{}` needs `changes: created | updated | deleted`", ty.value), "only the actions created, updated and deleted imply it");
            None
        }),
    };
    let Some(r) = e.resources.get(resource) else {
        let resource = At { value: resource.to_owned(), loc: ty.loc };
        unknown(&resource, "event resource", e.resources.keys(), diags);
        return;
    };
    if !ev.modified_fields.is_empty() && kind.is_some_and(|k| k != ChangeKind::Updated) {
        diags.error(ev.modified_fields[0].loc, format!("`modified_fields` of `{}`: only an update lists modified fields", ty.value));
    }
    let Some(model) = cx.models.get(r.model.value.as_str()) else { return };
    for f in &ev.modified_fields {
        if model.fields.get(&f.value).is_none() {
            let hint = did_you_mean(&f.value, model.fields.keys()).unwrap_or_else(|| format!("the fields of `{}` are: {}", r.model.value, model.fields.keys().collect::<Vec<_>>().join(", ")));
            diags.error_help(f.loc, format!("`modified_fields` of `{}` names `{}`, which model `{}` lacks", ty.value, f.value, r.model.value), hint);
        }
    }
}

fn check_lower_word(name: &At<String>, what: &str, diags: &mut Diagnostics) {
    if name.value.is_empty() || !name.value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        diags.error(name.loc, format!("{what} `{}` must be lower-case letters and `_`", name.value));
    }
}

fn unknown<'a>(name: &At<String>, what: &str, candidates: impl IntoIterator<Item = &'a str>, diags: &mut Diagnostics) {
    let message = format!("unknown {what} `{}`", name.value);
    match did_you_mean(&name.value, candidates) {
        Some(hint) => diags.error_help(name.loc, message, hint),
        None => diags.error(name.loc, message),
    }
}
