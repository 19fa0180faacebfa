//! The spec-diff corpus: each case edits the real `api-spec/` (text replacements, so the edit
//! reads like the commit a maintainer would make) and states every change `spec diff` must
//! report, with its wire and Rust classes. The cases are grouped by what they edit.

mod catalogue;
mod events;
mod fields;
mod operations;
mod types;

use std::sync::OnceLock;

use wacr_codegen::diff::{self, Class, Loaded, Policy, Report};

pub use Class::{Additive as A, BreakingBoth as B, BreakingClients as C, BreakingServers as S, DocsOnly as D, None as N};

/// One edit of a spec file (named without `api-spec/`).
pub enum Edit {
    /// Replaces the first `old` after the first `after`.
    Replace { file: &'static str, after: &'static str, old: &'static str, new: &'static str },
    /// Replaces every `old`.
    ReplaceAll { file: &'static str, old: &'static str, new: &'static str },
    /// Deletes the line that is exactly `line` and the more indented lines below it.
    Delete { file: &'static str, line: &'static str },
    /// Renames a file.
    Rename { from: &'static str, to: &'static str },
    /// Adds a file.
    Add { file: &'static str, text: &'static str },
    /// Removes a file.
    Remove(&'static str),
    /// Sets `info.version`.
    Version(String),
}

pub fn r(file: &'static str, after: &'static str, old: &'static str, new: &'static str) -> Edit {
    Edit::Replace { file, after, old, new }
}

pub fn all(file: &'static str, old: &'static str, new: &'static str) -> Edit {
    Edit::ReplaceAll { file, old, new }
}

pub fn del(file: &'static str, line: &'static str) -> Edit {
    Edit::Delete { file, line }
}

fn base_files() -> &'static Vec<(String, String)> {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| diff::read_dir(std::path::Path::new("../api-spec"), "api-spec").expect("api-spec/ reads"))
}

fn base() -> &'static Loaded {
    static BASE: OnceLock<Loaded> = OnceLock::new();
    BASE.get_or_init(|| diff::load(base_files().clone()).expect("api-spec/ loads"))
}

fn file_mut<'a>(files: &'a mut [(String, String)], name: &str) -> &'a mut String {
    let full = format!("api-spec/{name}");
    &mut files.iter_mut().find(|(n, _)| *n == full).unwrap_or_else(|| panic!("no file {full}")).1
}

fn apply(files: &mut Vec<(String, String)>, edit: &Edit) {
    match edit {
        Edit::Replace { file, after, old, new } => {
            let text = file_mut(files, file);
            let from = text.find(after).unwrap_or_else(|| panic!("{file}: no `{after}`"));
            let at = from + text[from..].find(old).unwrap_or_else(|| panic!("{file}: no `{old}` after `{after}`"));
            text.replace_range(at..at + old.len(), new);
        }
        Edit::ReplaceAll { file, old, new } => {
            let text = file_mut(files, file);
            assert!(text.contains(old), "{file}: no `{old}`");
            *text = text.replace(old, new);
        }
        Edit::Delete { file, line } => {
            let text = file_mut(files, file);
            let indent = |l: &str| l.len() - l.trim_start().len();
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.iter().position(|l| l == line).unwrap_or_else(|| panic!("{file}: no line `{line}`"));
            let end = (start + 1..lines.len()).find(|&i| !lines[i].trim().is_empty() && indent(lines[i]) <= indent(line)).unwrap_or(lines.len());
            let kept: Vec<&str> = lines[..start].iter().chain(&lines[end..]).copied().collect();
            *text = kept.join("\n") + "\n";
        }
        Edit::Rename { from, to } => {
            let entry = files.iter_mut().find(|(n, _)| n.ends_with(&format!("/{from}"))).expect("the file to rename");
            entry.0 = format!("api-spec/{to}");
        }
        Edit::Add { file, text } => files.push((format!("api-spec/{file}"), (*text).to_owned())),
        Edit::Remove(file) => files.retain(|(n, _)| *n != format!("api-spec/{file}")),
        Edit::Version(v) => {
            let text = file_mut(files, "api.yaml");
            let line = text.lines().find(|l| l.starts_with("  version: ")).expect("info.version").to_owned();
            *text = text.replacen(&line, &format!("  version: \"{v}\""), 1);
        }
    }
}

/// The report of the edits against the real spec.
pub fn report(edits: &[Edit]) -> Report {
    let mut files = base_files().clone();
    for e in edits {
        apply(&mut files, e);
    }
    files.sort_by_key(|(n, _)| (!n.ends_with("/api.yaml"), n.clone()));
    let new = diff::load(files).unwrap_or_else(|f| panic!("the edited spec does not load:\n{}", f.render()));
    diff::diff(base(), &new, Policy::CURRENT)
}

/// Runs the edits and checks the changes, as (kind, wire, rust), in any order.
pub fn check(edits: &[Edit], expected: &[(&str, Class, Class)]) -> Report {
    let report = report(edits);
    let mut got: Vec<(&str, Class, Class)> = report.changes.iter().map(|c| (c.kind, c.wire, c.rust)).collect();
    let mut want = expected.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "\n{}", diff::text(&report));
    report
}

/// `case!(name, [edits], [(kind, wire, rust)])`: one test of the corpus.
#[macro_export]
macro_rules! case {
    ($name:ident, [$($edit:expr),* $(,)?], [$(($kind:literal, $wire:ident, $rust:ident)),* $(,)?]) => {
        #[test]
        fn $name() {
            $crate::check(&[$($edit),*], &[$(($kind, $crate::$wire, $crate::$rust)),*]);
        }
    };
}

#[test]
fn the_same_spec_has_no_changes_and_needs_no_bump() {
    let report = report(&[]);
    assert!(report.changes.is_empty());
    assert_eq!(report.bump, diff::Bump::None);
    report.check_version().unwrap();
}

#[test]
fn a_change_is_located_in_the_new_spec_and_a_removal_in_the_old() {
    let added = check(&[r("sources.yaml", "  Source:", "      name: {type", "      color: {type: string, required: false, description: Colour}\n      name: {type")], &[("field-added-optional", A, S)]);
    let loc = &added.changes[0].location;
    assert_eq!((loc.file.as_str(), loc.line, loc.col, loc.old), ("api-spec/sources.yaml", 14, 7, false), "{loc}");
    let removed = check(&[del("sources.yaml", "  delete_source:")], &[("operation-removed", C, B)]);
    let loc = &removed.changes[0].location;
    assert_eq!((loc.line, loc.old), (159, true), "{loc}");
    assert_eq!(loc.to_string(), "api-spec/sources.yaml:159:3 (old)");
}

/// The base spec's version with `bump`, as a string.
fn bumped(bump: diff::Bump) -> String {
    bump.apply(&semver::Version::parse(&base().api.version).unwrap()).to_string()
}

#[test]
fn a_breaking_change_needs_a_major_bump_and_the_check_says_so() {
    let scope = || r("sources.yaml", "  get_source:", "scope: sources:read", "scope: sources:write");
    let report = check(&[Edit::Version(bumped(diff::Bump::Minor)), scope()], &[("operation-scope-changed", B, N)]);
    assert_eq!(report.bump, diff::Bump::Major);
    let major = bumped(diff::Bump::Major);
    assert_eq!(report.required_version.as_deref(), Some(major.as_str()));
    let err = report.check_version().unwrap_err().to_string();
    assert!(err.contains("major bump") && err.contains(&format!("at least {major}")), "{err}");
    let report = check(&[Edit::Version(major), scope()], &[("operation-scope-changed", B, N)]);
    report.check_version().unwrap();
    assert!(diff::text(&report).ends_with(&format!("needs at least {} (info.version is {})\n", bumped(diff::Bump::Major), bumped(diff::Bump::Major))), "{}", diff::text(&report));
}

#[test]
fn an_additive_change_needs_a_minor_bump_and_docs_a_patch() {
    let additive = report(&[r("sources.yaml", "  create_source:", "content_type: json", "content_type: json_or_multipart")]);
    assert_eq!(additive.bump, diff::Bump::Minor, "{}", diff::text(&additive));
    assert_eq!(additive.required_version, Some(bumped(diff::Bump::Minor)));
    let docs = report(&[r("sources.yaml", "  get_source:", "description: Fetch one lead source.", "description: Fetch one lead source by its ID.")]);
    assert_eq!(docs.bump, diff::Bump::Patch);
    assert!(docs.check_version().is_err(), "a docs change needs a patch release too");
    let info_version_is_no_change = report(&[Edit::Version(bumped(diff::Bump::Patch))]);
    assert!(info_version_is_no_change.changes.is_empty());
}

#[test]
fn json_and_changelog_carry_the_same_changes() {
    let edits = [r("sources.yaml", "  get_source:", "scope: sources:read", "scope: sources:write"), del("sources.yaml", "  delete_source:")];
    let report = report(&edits);
    let json: serde_json::Value = serde_json::from_str(&diff::json(&report)).unwrap();
    assert_eq!(json["changes"].as_array().unwrap().len(), 2);
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"][0]["wire"], "breaking-both");
    let log = diff::changelog(&report);
    assert!(log.starts_with(&format!("## [{}] - Unreleased\n", bumped(diff::Bump::Major))), "{log}");
    assert!(log.contains("### Changed\n\n- **Breaking (clients and servers, wire)**: operation `get_source`: scope sources:read -> sources:write"), "{log}");
    assert!(log.contains("### Removed\n\n- **Breaking (clients, wire; clients and servers, Rust)**: operation `delete_source` (DELETE /sources/{id}) removed"), "{log}");
}
