//! Field changes: added, removed, required, nullable, type, default, rules and docs of the
//! fields of a body, a query, path parameters, a model or an error's details.

use super::{keyed, Anchor, Class, Ctx, Dir};
use crate::ir::{Field, Rules};

/// Where a list of fields sits: what to call it, the mapping it is written in, and which way
/// its values travel.
pub(crate) struct Place<'s> {
    /// `operation `create_contact` body`
    pub subject: &'s str,
    pub anchor: Anchor,
    pub dir: Dir,
}

pub(crate) fn diff(cx: &mut Ctx, old: &[Field], new: &[Field], place: &Place) {
    let (removed, both, added) = keyed(old, new, |f| f.wire.clone());
    let subject = place.subject;
    for f in removed {
        let message = format!("{subject} field `{}` removed", f.wire);
        cx.push_old("field-removed", message, place.anchor.at(&f.wire), Class::BreakingClients, Class::BreakingBoth);
    }
    for f in added {
        let at = place.anchor.at(&f.wire);
        if f.required {
            let message = format!("{subject} field `{}` added, required", f.wire);
            cx.push("field-added-required", message, at, place.dir.narrowed(), place.dir.builders());
        } else {
            let message = format!("{subject} field `{}` added, optional", f.wire);
            let rust = cx.rust_added(place.dir, true);
            cx.push("field-added-optional", message, at, Class::Additive, rust);
        }
    }
    for (o, n) in both {
        pair(cx, o, n, place);
    }
}

fn pair(cx: &mut Ctx, o: &Field, n: &Field, place: &Place) {
    let at = |key: &str| place.anchor.at(&n.wire).at(key);
    let name = format!("{} field `{}`", place.subject, n.wire);
    let dir = place.dir;
    if !cx.same_ty(&o.ty, &n.ty) {
        let message = format!("{name}: type {} -> {}", o.ty.spec_name(), n.ty.spec_name());
        cx.push("field-type-changed", message, at("type"), Class::BreakingBoth, Class::BreakingBoth);
    }
    if o.required != n.required {
        let (kind, wire, now) = if n.required { ("field-became-required", dir.narrowed(), "required") } else { ("field-became-optional", dir.widened(), "optional") };
        cx.push(kind, format!("{name} is now {now}"), at("required"), wire, Class::BreakingBoth);
    }
    if o.nullable != n.nullable {
        let (kind, wire, now) = if n.nullable { ("field-nullable-added", dir.widened(), "nullable") } else { ("field-nullable-removed", dir.narrowed(), "no longer nullable") };
        cx.push(kind, format!("{name} is now {now}"), at("nullable"), wire, Class::BreakingBoth);
    }
    let (tightened, loosened) = rules(&o.rules, &n.rules);
    if !tightened.is_empty() {
        let message = format!("{name}: rules tightened: {}", tightened.join(", "));
        cx.push("field-rules-tightened", message, at(first_key(&tightened)), dir.narrowed(), Class::None);
    }
    if !loosened.is_empty() {
        let message = format!("{name}: rules loosened: {}", loosened.join(", "));
        cx.push("field-rules-loosened", message, at(first_key(&loosened)), dir.widened(), Class::None);
    }
    if o.default != n.default {
        let wire = if dir == Dir::Response { Class::DocsOnly } else { Class::BreakingBoth };
        let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("none".to_owned(), |v| v.to_string());
        let message = format!("{name}: default {} -> {}", show(&o.default), show(&n.default));
        cx.push("field-default-changed", message, at("default"), wire, Class::DocsOnly);
    }
    let docs = [
        ("description", o.description != n.description),
        ("example", o.example != n.example),
        ("messages", o.messages != n.messages),
        ("provenance", o.provenance != n.provenance),
        ("note", o.note != n.note),
    ];
    docs_change(cx, &name, "field-docs", place.anchor.at(&n.wire), &docs);
}

/// One docs-only change naming the parts that changed, if any did.
pub(crate) fn docs_change(cx: &mut Ctx, name: &str, kind: &'static str, anchor: Anchor, parts: &[(&str, bool)]) {
    let changed: Vec<&str> = parts.iter().filter(|(_, c)| *c).map(|(p, _)| *p).collect();
    if let Some(first) = changed.first() {
        let message = format!("{name}: {} changed", changed.join(", "));
        cx.push(kind, message, anchor.at(*first), Class::DocsOnly, Class::DocsOnly);
    }
}

/// The spec key a rule description starts with (`max_length 255 -> 100`).
fn first_key(descriptions: &[String]) -> &str {
    descriptions.first().and_then(|d| d.split(' ').next()).unwrap_or("")
}

/// The rules that accept fewer values now, and those that accept more, described.
fn rules(o: &Rules, n: &Rules) -> (Vec<String>, Vec<String>) {
    let mut r = Tally::default();
    r.upper("max_length", o.max_length.map(|v| v as f64), n.max_length.map(|v| v as f64));
    r.upper("max", o.max, n.max);
    r.upper("max_items", o.max_items.map(|v| v as f64), n.max_items.map(|v| v as f64));
    r.upper("max_size", o.max_size.map(|v| v as f64), n.max_size.map(|v| v as f64));
    r.lower("min_length", o.min_length.map(|v| v as f64), n.min_length.map(|v| v as f64));
    r.lower("min", o.min, n.min);
    r.lower("min_items", o.min_items.map(|v| v as f64), n.min_items.map(|v| v as f64));
    r.flag("unique_items", o.unique_items, n.unique_items, true);
    // Per-item errors accept the request and report its bad items instead of refusing it.
    r.flag("per_item_errors", o.per_item_errors, n.per_item_errors, false);
    r.text("pattern", &o.pattern, &n.pattern);
    r.text("format", &o.format, &n.format);
    r.text("unique_by", &o.unique_by, &n.unique_by);
    r.text("unique", &o.unique, &n.unique);
    r.text("exists", &o.exists, &n.exists);
    r.text("rule", &o.rule, &n.rule);
    let required_if = |r: &Rules| r.required_if.as_ref().map(|(f, v)| format!("{f} = {v}"));
    r.text("required_if", &required_if(o), &required_if(n));
    r.list("required_with", &o.required_with, &n.required_with, true);
    r.list("required_without", &o.required_without, &n.required_without, true);
    // Extensions list what is allowed: fewer of them accept fewer files (none: any).
    r.list("extensions", &o.extensions, &n.extensions, false);
    (r.tightened, r.loosened)
}

#[derive(Default)]
struct Tally {
    tightened: Vec<String>,
    loosened: Vec<String>,
}

impl Tally {
    fn bound(&mut self, name: &str, o: Option<f64>, n: Option<f64>, upper: bool) {
        let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
        let what = format!("{name} {} -> {}", show(o), show(n));
        let tighter = match (o, n) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) if a != b => (b < a) == upper,
            _ => return,
        };
        if tighter { self.tightened.push(what) } else { self.loosened.push(what) }
    }

    fn upper(&mut self, name: &str, o: Option<f64>, n: Option<f64>) {
        self.bound(name, o, n, true);
    }

    fn lower(&mut self, name: &str, o: Option<f64>, n: Option<f64>) {
        self.bound(name, o, n, false);
    }

    /// A rule that is on or off; `on_tightens`: turning it on refuses more.
    fn flag(&mut self, name: &str, o: bool, n: bool, on_tightens: bool) {
        if o != n {
            let what = format!("{name} {o} -> {n}");
            if n == on_tightens { self.tightened.push(what) } else { self.loosened.push(what) }
        }
    }

    /// A rule with a value: adding it tightens, dropping it loosens, changing it does both
    /// (some values pass only the old one, some only the new).
    fn text(&mut self, name: &str, o: &Option<String>, n: &Option<String>) {
        if o == n {
            return;
        }
        let show = |v: &Option<String>| v.as_deref().map_or("none".to_owned(), |v| format!("`{v}`"));
        let what = format!("{name} {} -> {}", show(o), show(n));
        if o.is_some() && n.is_some() {
            self.loosened.push(what.clone());
        }
        if n.is_some() { self.tightened.push(what) } else { self.loosened.push(what) }
    }

    /// A list rule: with `more_is_tighter`, each added item is a further condition
    /// (`required_with`); without, each item is a further allowance (`extensions`, where an
    /// empty list allows everything).
    fn list(&mut self, name: &str, o: &[String], n: &[String], more_is_tighter: bool) {
        if o == n {
            return;
        }
        let what = format!("{name} [{}] -> [{}]", o.join(", "), n.join(", "));
        let (removed, added) = super::set_diff(o, n);
        let (tighter, looser) = match more_is_tighter {
            true => (!added.is_empty(), !removed.is_empty()),
            false if o.is_empty() => (true, false),
            false if n.is_empty() => (false, true),
            false => (!removed.is_empty(), !added.is_empty()),
        };
        if tighter {
            self.tightened.push(what.clone());
        }
        if looser {
            self.loosened.push(what);
        }
    }
}
