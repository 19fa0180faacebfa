//! Where a change is written: an [`Anchor`] (a file and a path of keys into its YAML) resolved
//! against the parsed files of one side of the diff to `file:line:col`.

use std::sync::OnceLock;

use serde::Serialize;

use crate::diag::{Diagnostics, FileId, Loc};
use crate::yaml::{self, Kind, Node};

/// A place in the spec by name: `api-spec/contacts.yaml` and `[operations, get_contact, path]`.
///
/// A path segment is a mapping key, `=value` (the item of a list that is this string) or
/// `key=value` (the item of a list of mappings whose `key` is this string). The deepest node the
/// path reaches is the location: a removed rule points at its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub file: String,
    pub path: Vec<String>,
}

impl Anchor {
    pub fn new(file: impl Into<String>, path: &[&str]) -> Anchor {
        Anchor { file: file.into(), path: path.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// The same anchor, one segment deeper.
    pub fn at(&self, segment: impl Into<String>) -> Anchor {
        let mut path = self.path.clone();
        path.push(segment.into());
        Anchor { file: self.file.clone(), path }
    }
}

/// A resolved location, 1-based, in the new spec or, for a removal, the old one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// `true`: the place is in the old revision (the item no longer exists).
    pub old: bool,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)?;
        if self.old { f.write_str(" (old)") } else { Ok(()) }
    }
}

/// The files of one side, by display name, each parsed again (loading keeps only the decoded
/// spec) when a change is first located in it.
pub struct Locator {
    files: Vec<(String, String, OnceLock<Option<Node>>)>,
}

impl Locator {
    /// From the files as (display name, text).
    pub fn new(files: Vec<(String, String)>) -> Locator {
        Locator { files: files.into_iter().map(|(name, text)| (name, text, OnceLock::new())).collect() }
    }

    pub fn locate(&self, anchor: &Anchor, old: bool) -> Location {
        let found = self.files.iter().enumerate().find(|(_, (name, _, _))| *name == anchor.file);
        let root = found.and_then(|(i, (_, text, node))| node.get_or_init(|| yaml::parse(FileId(i as u32), text, &mut Diagnostics::default())).as_ref());
        let loc = root.map(|root| deepest(root, &anchor.path)).unwrap_or_default();
        Location { file: anchor.file.clone(), line: loc.line.max(1), col: loc.col.max(1), old }
    }
}

/// The location of the deepest node `path` reaches from `node`.
fn deepest(node: &Node, path: &[String]) -> Loc {
    let here = node.key_loc.unwrap_or(node.loc);
    let Some((segment, rest)) = path.split_first() else { return here };
    let child = match &node.kind {
        Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == *segment).map(|(_, v)| v),
        Kind::Seq(items) => items.iter().find(|item| item_matches(item, segment)),
        _ => None,
    };
    child.map_or(here, |c| deepest(c, rest))
}

fn item_matches(item: &Node, segment: &str) -> bool {
    let Some((key, value)) = segment.split_once('=') else { return false };
    if key.is_empty() {
        return item.as_str() == Some(value);
    }
    match &item.kind {
        Kind::Map(entries) => entries.iter().any(|(k, v)| k.name == key && v.as_str() == Some(value)),
        _ => false,
    }
}
