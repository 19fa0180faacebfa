//! Spec diff: compares two revisions of `api-spec/` (both loaded, validated and lowered by the
//! pipeline's own loader) and classifies every change twice, on the wire and in the Rust API of
//! the generated crates, for clients and for servers; then the semver bump the changes need.
//!
//! `cargo xtask spec diff` prints [`Report`]s; the classes and their reasons are in the README
//! ("Maintain the spec"). Each part of the spec has its module: `catalogue` (api.yaml),
//! `operations` (groups and operations), `types` (models and enums), `events` (webhook events,
//! whose receivers count as clients), `fields` (the fields of any of them). A new kind of spec
//! item is one more keyed list: match it with `keyed`, report additions and removals with
//! `Ctx::push`, and diff its fields with `fields::diff`.

mod catalogue;
mod class;
mod events;
mod fields;
mod locate;
mod operations;
mod render;
mod types;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

pub use class::{Bump, Class};
pub use locate::{Anchor, Location, Locator};
pub use render::{changelog, json, text, verdict as render_verdict};

use crate::{ir, Failure};

/// One side of the diff: the lowered spec and its files, to locate changes in.
pub struct Loaded {
    pub api: ir::Api,
    locator: Locator,
}

/// Loads, validates and lowers spec files given as (name, text), `api.yaml` first; names are
/// what locations print (`api-spec/contacts.yaml`).
pub fn load(files: Vec<(String, String)>) -> Result<Loaded, Failure> {
    let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let api = crate::check_texts(&texts)?;
    Ok(Loaded { api, locator: Locator::new(files) })
}

/// The `*.yaml` files of a spec folder as `load` takes them: named `prefix/<file>`, `api.yaml`
/// first, the others by name.
pub fn read_dir(dir: &Path, prefix: &str) -> std::io::Result<Vec<(String, String)>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort_by_key(|n| (n != "api.yaml", n.clone()));
    names.into_iter().map(|n| Ok((format!("{prefix}/{n}"), std::fs::read_to_string(dir.join(&n))?))).collect()
}

/// How the generated Rust types can be used from outside their crate, which decides the Rust
/// class of a change that adds a field or a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Structs can be built with a literal (pub fields, no `#[non_exhaustive]`): a new field
    /// breaks the side that builds them.
    pub exhaustive_structs: bool,
    /// Enums can be matched without a wildcard arm: a new variant breaks the side that matches.
    pub exhaustive_enums: bool,
}

impl Policy {
    /// The generated crates as they are: every struct and enum exhaustive (README, "Maintain
    /// the spec").
    pub const CURRENT: Policy = Policy { exhaustive_structs: true, exhaustive_enums: true };
}

/// One classified change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// A stable name of the kind of change (`field-added-optional`), for tools and tests.
    pub kind: &'static str,
    pub message: String,
    pub location: Location,
    /// For code that speaks HTTP to the API, and for any server of it.
    pub wire: Class,
    /// For Rust code built on wacr-client / wacr-models, and on wacr-server.
    pub rust: Class,
}

impl Change {
    /// Both views together.
    pub fn class(&self) -> Class {
        self.wire.join(self.rust)
    }
}

/// Every change between two revisions, and what the version must become.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
    pub bump: Bump,
    /// The lowest version that takes `bump` after `old_version` (absent when it is not semver).
    pub required_version: Option<String>,
}

/// Why the version check failed.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error("`info.version` `{version}` is not a semver version: {source}")]
    NotSemver { version: String, source: semver::Error },
    #[error("`info.version` went down from {old} to {version}")]
    Decreased { old: String, version: String },
    #[error("the changes need a {} bump: `info.version` must be at least {required} (it is {version}, and was {old})", bump.label())]
    NotBumped { bump: Bump, old: String, version: String, required: String },
}

impl Report {
    /// Whether `info.version` took the bump the changes need (at least, relative to the old
    /// revision's version).
    pub fn check_version(&self) -> Result<(), VersionError> {
        let parse = |v: &str| semver::Version::parse(v).map_err(|source| VersionError::NotSemver { version: v.to_owned(), source });
        let old = parse(&self.old_version)?;
        let new = parse(&self.new_version)?;
        let required = self.bump.apply(&old);
        if new < old {
            return Err(VersionError::Decreased { old: self.old_version.clone(), version: self.new_version.clone() });
        }
        if new >= required {
            return Ok(());
        }
        Err(VersionError::NotBumped { bump: self.bump, old: self.old_version.clone(), version: self.new_version.clone(), required: required.to_string() })
    }
}

/// Compares two loaded revisions under the given Rust policy.
pub fn diff(old: &Loaded, new: &Loaded, policy: Policy) -> Report {
    let mut cx = Ctx::new(&old.api, &new.api, policy);
    types::find_renames(&mut cx);
    catalogue::diff(&mut cx);
    types::diff(&mut cx);
    operations::diff(&mut cx);
    events::diff(&mut cx);
    let mut changes: Vec<Change> = cx
        .out
        .into_iter()
        .map(|p| Change {
            kind: p.kind,
            message: p.message,
            location: if p.old { old.locator.locate(&p.anchor, true) } else { new.locator.locate(&p.anchor, false) },
            wire: p.wire,
            rust: p.rust,
        })
        .collect();
    changes.sort_by(|a, b| (&a.location.file, a.location.line, a.location.col).cmp(&(&b.location.file, b.location.line, b.location.col)));
    let bump = changes.iter().map(|c| c.class().bump()).max().unwrap_or(Bump::None);
    let required_version = semver::Version::parse(&old.api.version).ok().map(|v| bump.apply(&v).to_string());
    Report { old_version: old.api.version.clone(), new_version: new.api.version.clone(), changes, bump, required_version }
}

/// Which way a type travels: built by clients and read by servers, the other way, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Request,
    Response,
    Both,
}

impl Dir {
    fn from_usage(sent: bool, received: bool) -> Dir {
        match (sent, received) {
            (true, true) => Dir::Both,
            (true, false) => Dir::Request,
            _ => Dir::Response,
        }
    }

    /// Fewer values are valid: the side that produces them (clients for a request, servers for
    /// a response) must change.
    fn narrowed(self) -> Class {
        match self {
            Dir::Request => Class::BreakingClients,
            Dir::Response => Class::BreakingServers,
            Dir::Both => Class::BreakingBoth,
        }
    }

    /// More values are valid: a request may now carry them (nothing existing breaks), a
    /// response may now hold them (clients must be ready).
    fn widened(self) -> Class {
        match self {
            Dir::Request => Class::Additive,
            Dir::Response | Dir::Both => Class::BreakingClients,
        }
    }

    /// The Rust side that builds the type (clients build requests, servers responses).
    fn builders(self) -> Class {
        match self {
            Dir::Request => Class::BreakingClients,
            Dir::Response => Class::BreakingServers,
            Dir::Both => Class::BreakingBoth,
        }
    }

    /// The Rust side that matches on the type's values (servers on requests, clients on
    /// responses).
    fn matchers(self) -> Class {
        match self {
            Dir::Request => Class::BreakingServers,
            Dir::Response => Class::BreakingClients,
            Dir::Both => Class::BreakingBoth,
        }
    }
}

/// A change before its anchor is resolved.
struct Pending {
    kind: &'static str,
    message: String,
    anchor: Anchor,
    old: bool,
    wire: Class,
    rust: Class,
}

/// The diff in progress: both sides, the renames found, the changes so far.
pub(crate) struct Ctx<'a> {
    pub old: &'a ir::Api,
    pub new: &'a ir::Api,
    pub policy: Policy,
    /// Old model or enum name -> new name, for types that were only renamed.
    pub renamed_types: BTreeMap<String, String>,
    out: Vec<Pending>,
}

impl<'a> Ctx<'a> {
    fn new(old: &'a ir::Api, new: &'a ir::Api, policy: Policy) -> Self {
        Ctx { old, new, policy, renamed_types: BTreeMap::new(), out: Vec::new() }
    }

    /// Records a change located in the new spec.
    pub fn push(&mut self, kind: &'static str, message: String, anchor: Anchor, wire: Class, rust: Class) {
        self.out.push(Pending { kind, message, anchor, old: false, wire, rust });
    }

    /// Records a removal, located in the old spec.
    pub fn push_old(&mut self, kind: &'static str, message: String, anchor: Anchor, wire: Class, rust: Class) {
        self.out.push(Pending { kind, message, anchor, old: true, wire, rust });
    }

    /// The Rust class of a field or variant added to a type built (`build`) or matched
    /// (otherwise) by the `dir` side, under the policy.
    pub fn rust_added(&self, dir: Dir, build: bool) -> Class {
        match build {
            true if self.policy.exhaustive_structs => dir.builders(),
            false if self.policy.exhaustive_enums => dir.matchers(),
            _ => Class::Additive,
        }
    }

    /// The same type on both sides, a renamed model or enum counting as the same.
    pub fn same_ty(&self, old: &ir::Ty, new: &ir::Ty) -> bool {
        use ir::Ty;
        match (old, new) {
            (Ty::Named(a, _), Ty::Named(b, _)) => a == b || self.renamed_types.get(a) == Some(b),
            (Ty::Array(a), Ty::Array(b)) | (Ty::Map(a), Ty::Map(b)) => self.same_ty(a, b),
            (a, b) => a == b,
        }
    }
}

/// The spec file a group's items are written in.
pub(crate) fn group_file(group: &str) -> String {
    format!("api-spec/{group}.yaml")
}

pub(crate) const API_FILE: &str = "api-spec/api.yaml";

/// Items of two lists matched by key: (old only, both, new only), each in its list's order.
pub(crate) fn keyed<'x, T, K: PartialEq>(old: &'x [T], new: &'x [T], key: impl Fn(&T) -> K) -> (Vec<&'x T>, Vec<(&'x T, &'x T)>, Vec<&'x T>) {
    let removed = old.iter().filter(|o| !new.iter().any(|n| key(n) == key(o))).collect();
    let added = new.iter().filter(|n| !old.iter().any(|o| key(n) == key(o))).collect();
    let both = old.iter().filter_map(|o| new.iter().find(|n| key(n) == key(o)).map(|n| (o, n))).collect();
    (removed, both, added)
}

/// Strings of two lists: (removed, added).
pub(crate) fn set_diff<'x>(old: &'x [String], new: &'x [String]) -> (Vec<&'x str>, Vec<&'x str>) {
    let removed = old.iter().filter(|o| !new.contains(o)).map(String::as_str).collect();
    let added = new.iter().filter(|n| !old.contains(n)).map(String::as_str).collect();
    (removed, added)
}
