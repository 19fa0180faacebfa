//! Model and enum changes: added, removed, renamed (same fields or same values under a new
//! name), their fields, their values and their docs. Which way a type travels (in requests,
//! responses or both, on either side of the diff) decides who a change breaks; the models of
//! webhook event payloads travel like responses (see `events`).

use std::collections::BTreeSet;

use super::fields::{self, docs_change, Place};
use super::{group_file, keyed, Anchor, Class, Ctx, Dir};
use crate::ir::{Api, Enum, Model, NamedKind, Ty};

/// The names of the models and enums each direction carries.
#[derive(Default)]
struct Usage {
    sent: BTreeSet<String>,
    received: BTreeSet<String>,
}

impl Usage {
    fn of(api: &Api) -> Usage {
        let mut u = Usage::default();
        for op in api.operations() {
            let list_filters = op.list.iter().flat_map(|l| l.filters.iter().map(|f| &f.ty));
            let inputs = op.path_params.iter().chain(&op.query).chain(op.body.iter().flat_map(|b| &b.fields)).map(|f| &f.ty);
            for ty in inputs.chain(list_filters) {
                mark(api, ty, &mut u.sent);
            }
            if let Some(data) = &op.response.data {
                mark(api, data, &mut u.received);
            }
        }
        let error_details = api.errors.iter().flat_map(|e| &e.details);
        for f in error_details.chain(&api.pagination.meta).chain(&api.pagination.links) {
            mark(api, &f.ty, &mut u.received);
        }
        // Event payloads are read by receivers, the clients of the events (`events`).
        for r in api.events.iter().flat_map(|e| &e.resources) {
            mark(api, &Ty::Named(r.model.clone(), NamedKind::Model), &mut u.received);
        }
        u
    }
}

/// Adds the model or enum a type names to `seen`, and those its fields and relations name.
fn mark(api: &Api, ty: &Ty, seen: &mut BTreeSet<String>) {
    let Ty::Named(name, kind) = ty.leaf() else { return };
    if !seen.insert(name.clone()) || *kind != NamedKind::Model {
        return;
    }
    if let Some(m) = api.model(name) {
        for f in m.fields.iter().chain(&m.relations) {
            mark(api, &f.ty, seen);
        }
    }
}

/// Which way a type travels in either revision (a type used nowhere counts as both ways).
fn dir(old: &Usage, new: &Usage, old_name: &str, new_name: &str) -> Dir {
    let sent = old.sent.contains(old_name) || new.sent.contains(new_name);
    let received = old.received.contains(old_name) || new.received.contains(new_name);
    if !sent && !received { Dir::Both } else { Dir::from_usage(sent, received) }
}

/// Records the models and enums that were only renamed, so that types naming them compare
/// equal. Runs before anything else is compared.
pub(crate) fn find_renames(cx: &mut Ctx) {
    let (old_m, _, new_m) = keyed(&cx.old.models, &cx.new.models, |m| m.name.clone());
    let fields = |m: &Model| m.fields.iter().map(|f| f.wire.clone()).collect::<Vec<_>>();
    let models = renames(&old_m, &new_m, |m| m.name.clone(), |a, b| !a.fields.is_empty() && fields(a) == fields(b));
    let (old_e, _, new_e) = keyed(&cx.old.enums, &cx.new.enums, |e| e.name.clone());
    let enums = renames(&old_e, &new_e, |e| e.name.clone(), |a, b| a.values == b.values);
    cx.renamed_types.extend(models.into_iter().chain(enums));
}

/// Pairs of (old name, new name) of removed and added items that `same` says are one item.
pub(crate) fn renames<T>(removed: &[&T], added: &[&T], name: impl Fn(&T) -> String, same: impl Fn(&T, &T) -> bool) -> Vec<(String, String)> {
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for o in removed {
        if let Some(n) = added.iter().find(|n| !taken.contains(&name(n)) && same(o, n)) {
            taken.insert(name(n));
            out.push((name(o), name(n)));
        }
    }
    out
}

pub(crate) fn diff(cx: &mut Ctx) {
    let (old_use, new_use) = (Usage::of(cx.old), Usage::of(cx.new));
    let (old, new) = (cx.old, cx.new);
    let (removed, both, added) = keyed(&old.models, &new.models, |m| m.name.clone());
    let pairs = paired(cx, both, &removed, &added, |m| &m.name, |m| &m.group, "model");
    for (o, n) in pairs {
        model_pair(cx, o, n, dir(&old_use, &new_use, &o.name, &n.name));
    }
    let (removed, both, added) = keyed(&old.enums, &new.enums, |e| e.name.clone());
    let pairs = paired(cx, both, &removed, &added, |e| &e.name, |e| &e.group, "enum");
    for (o, n) in pairs {
        enum_pair(cx, o, n, dir(&old_use, &new_use, &o.name, &n.name));
    }
}

/// Reports the removed, added and renamed items of one kind (models or enums); returns every
/// pair to compare, renamed ones included.
fn paired<'a, T>(
    cx: &mut Ctx,
    mut both: Vec<(&'a T, &'a T)>,
    removed: &[&'a T],
    added: &[&'a T],
    name: impl Fn(&T) -> &String,
    group: impl Fn(&T) -> &String,
    what: &'static str,
) -> Vec<(&'a T, &'a T)> {
    let section = if what == "model" { "models" } else { "enums" };
    let anchor = |t: &T| Anchor::new(group_file(group(t)), &[section, name(t)]);
    let (kind_removed, kind_added, kind_renamed) = match what {
        "model" => ("model-removed", "model-added", "model-renamed"),
        _ => ("enum-removed", "enum-added", "enum-renamed"),
    };
    let mut found = Vec::new();
    for o in removed {
        match added.iter().find(|n| cx.renamed_types.get(name(o)) == Some(name(n))) {
            Some(n) => found.push((*o, *n)),
            None => cx.push_old(kind_removed, format!("{what} `{}` removed", name(o)), anchor(o), Class::None, Class::BreakingBoth),
        }
    }
    for (o, n) in &found {
        let message = format!("{what} `{}` renamed to `{}`", name(o), name(n));
        cx.push(kind_renamed, message, anchor(n), Class::None, Class::BreakingBoth);
    }
    for n in added.iter().filter(|n| !found.iter().any(|(_, f)| name(f) == name(n))) {
        cx.push(kind_added, format!("{what} `{}` added", name(n)), anchor(n), Class::None, Class::Additive);
    }
    both.extend(found);
    both
}

fn model_pair(cx: &mut Ctx, o: &Model, n: &Model, dir: Dir) {
    let anchor = Anchor::new(group_file(&n.group), &["models", &n.name]);
    let subject = format!("model `{}`", n.name);
    fields::diff(cx, &o.fields, &n.fields, &Place { subject: &subject, anchor: anchor.at("fields"), dir });
    let relations = format!("model `{}` relation", n.name);
    fields::diff(cx, &o.relations, &n.relations, &Place { subject: &relations, anchor: anchor.at("relations"), dir });
    let docs = [("description", o.description != n.description), ("provenance", o.provenance != n.provenance), ("note", o.note != n.note)];
    docs_change(cx, &subject, "model-docs", anchor, &docs);
}

fn enum_pair(cx: &mut Ctx, o: &Enum, n: &Enum, dir: Dir) {
    let anchor = Anchor::new(group_file(&n.group), &["enums", &n.name]);
    let old_anchor = Anchor::new(group_file(&o.group), &["enums", &o.name]);
    let wires = |e: &Enum| e.values.iter().map(|(w, _)| w.clone()).collect::<Vec<_>>();
    let (old_values, new_values) = (wires(o), wires(n));
    let (removed, added) = super::set_diff(&old_values, &new_values);
    for v in removed {
        let message = format!("enum `{}`: value `{v}` removed", n.name);
        cx.push_old("enum-value-removed", message, old_anchor.at("values").at(format!("={v}")), dir.narrowed(), Class::BreakingBoth);
    }
    for v in added {
        // Received values decode through `rt::Open`, so an old client reads a new value as
        // `Unknown`: additive on the wire either way.
        let message = format!("enum `{}`: value `{v}` added", n.name);
        let rust = cx.rust_added(dir, false);
        cx.push("enum-value-added", message, anchor.at("values").at(format!("={v}")), Class::Additive, rust);
    }
    let subject = format!("enum `{}`", n.name);
    let docs = [("description", o.description != n.description), ("provenance", o.provenance != n.provenance), ("note", o.note != n.note)];
    docs_change(cx, &subject, "enum-docs", anchor, &docs);
}
